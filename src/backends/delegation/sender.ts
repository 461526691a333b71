// Signs and broadcasts a bundle's transactions, exactly once, in nonce order per signer.
import { keccak256, type Hex, type LocalAccount } from 'viem';
import { type ChainConfig } from '../../chains/registry';
import { decodeRevertReason } from './framework';
import { ChainDisconnectedError, RpcError, TransactionRejectedError } from '../../errors';
import type { Bundles, CallBundle } from '../../calls/bundles';
import { KeyedMutex } from '../../calls/mutex';
import { publicClientFor, walletClientFor } from '../../chains/clients';

export interface TxRequest {
  /** Absent: a contract creation. */
  to?: `0x${string}`;
  value: bigint;
  data: Hex;
  /** Set to skip estimation (estimation is also the pre-flight simulation, so normally unset). */
  gas?: bigint;
}

const perSigner = new KeyedMutex();

function chainError(error: unknown, what: string): RpcError {
  if (error instanceof RpcError) return error;
  const reason = decodeRevertReason(error);
  const text = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message ?? String(error);
  if (reason) return new TransactionRejectedError(`${what} would revert: ${reason}`, { reason });
  if (/fetch failed|HTTP request failed|Failed to fetch|ECONNREFUSED/i.test(text)) return new ChainDisconnectedError(`${what}: the chain's RPC endpoint is unreachable.`);
  if (/insufficient funds/i.test(text)) return new TransactionRejectedError(`${what}: not enough ETH to pay for gas.`);
  if (/revert/i.test(text)) return new TransactionRejectedError(`${what} would revert: ${text.split('\n')[0]}`);
  return new RpcError(-32000, `${what}: ${text.split('\n')[0]}`);
}

/**
 * Finishes a bundle whose transactions were signed (and maybe broadcast) by a worker that then
 * stopped: broadcasts the recorded raw transactions again. Nothing is signed, so nothing can run twice.
 */
export async function rebroadcastBundle(chain: ChainConfig, bundle: CallBundle, bundles: Bundles): Promise<void> {
  const publicClient = publicClientFor(chain);
  for (const raw of bundle.rawTransactions) {
    try {
      await publicClient.sendRawTransaction({ serializedTransaction: raw });
    } catch (error) {
      const text = (error as Error).message ?? '';
      if (!/already known|nonce too low|already imported|AlreadyKnown/i.test(text)) throw chainError(error, 'Resending the transaction');
    }
  }
  await bundles.update(bundle.id, { state: 'submitted' });
}

/**
 * Sends `txs` from `account` for `bundle`: transactions the bundle already signed (a retried
 * request) are broadcast again as they are; the rest are estimated (a revert refuses the bundle
 * before anything is signed), signed, recorded, then broadcast.
 */
export async function sendBundleTransactions(chain: ChainConfig, account: LocalAccount, bundle: CallBundle, bundles: Bundles, txs: TxRequest[], what: string): Promise<Hex[]> {
  const publicClient = publicClientFor(chain);
  const walletClient = walletClientFor(chain, account);

  return perSigner.run(`${chain.id}:${account.address}`, async () => {
    let current = (await bundles.get(bundle.id)) ?? bundle;
    for (let i = 0; i < txs.length; i++) {
      let raw = current.rawTransactions[i];
      if (!raw) {
        const tx = txs[i]!;
        try {
          const request = await walletClient.prepareTransactionRequest({
            account,
            chain: walletClient.chain,
            ...(tx.to !== undefined ? { to: tx.to } : {}),
            value: tx.value,
            data: tx.data,
            ...(tx.gas ? { gas: tx.gas } : {}),
          });
          raw = await account.signTransaction!(request as Parameters<NonNullable<LocalAccount['signTransaction']>>[0]);
        } catch (error) {
          const failure = chainError(error, what);
          if (i === 0) await bundles.update(bundle.id, { state: 'failed', error: failure.message });
          throw failure;
        }
        current = await bundles.update(bundle.id, { rawTransactions: [...current.rawTransactions, raw], txHashes: [...current.txHashes, keccak256(raw)] });
      }
      try {
        await publicClient.sendRawTransaction({ serializedTransaction: raw });
      } catch (error) {
        // A rebroadcast of a transaction the node already has (or mined) is fine.
        const text = (error as Error).message ?? '';
        if (!/already known|nonce too low|already imported|AlreadyKnown/i.test(text)) throw chainError(error, what);
      }
    }
    await bundles.update(bundle.id, { state: 'submitted' });
    return current.txHashes;
  });
}
