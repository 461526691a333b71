// Signs and broadcasts a bundle's transactions, exactly once, in nonce order per signer.
//
// Session keys get their nonces from this worker's own count (`nonces`), not from the node on
// every send: a session key signs only here, so the node has nothing to add, and a burst of sends
// holds the signer's lock only to take a nonce and sign (no round trip inside it). The count starts
// from the node's pending count on first use (a cold worker) and starts over from it whenever a
// signed transaction could not be recorded or broadcast, so a gap is filled by the next send.
import { keccak256, type Address, type Hex, type LocalAccount } from 'viem';
import { type ChainConfig } from '../../chains/registry';
import { decodeRevertReason } from './framework';
import { ChainDisconnectedError, RpcError, TransactionRejectedError } from '../../errors';
import type { Bundles, CallBundle } from '../../calls/bundles';
import { KeyedMutex } from '../../calls/mutex';
import { noteBroadcast } from '../../calls/status';
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
/** The next nonce of each session key this worker signs for, by `${chainId}:${address}`. */
const nonces = new Map<string, number>();
/**
 * Per session key, the broadcast of the last nonce taken: each broadcast waits for its
 * predecessor's, so the node receives them in nonce order (one that arrives before its predecessor
 * may be held until something else is sent: anvil's automine, for one, leaves it queued).
 */
const broadcasts = new Map<string, Promise<void>>();
const signerKey = (chain: ChainConfig, address: Address) => `${chain.id}:${address.toLowerCase()}`;

/**
 * The node's pending count read ahead for a key this worker has no count for (prefetchNonce);
 * dropped when the count is started over (forgetNonce), so a read begun before that is never used.
 */
const prefetched = new Map<string, Promise<number>>();

/**
 * Reads the key's pending count now, beside the send's other first reads (one round trip for a cold
 * worker instead of one more inside the signer's lock), when this worker has no count for it yet.
 * Only a read: takeNonce decides, under the lock.
 */
export function prefetchNonce(chain: ChainConfig, address: Address): void {
  const key = signerKey(chain, address);
  if (nonces.has(key) || prefetched.has(key)) return;
  const count = publicClientFor(chain).getTransactionCount({ address, blockTag: 'pending' });
  count.catch(() => prefetched.get(key) === count && prefetched.delete(key)); // a failed read: takeNonce reads again
  prefetched.set(key, count);
}

/** Under the signer's lock: the nonce to sign with next (the node's pending count on first use), taken. */
async function takeNonce(chain: ChainConfig, address: Address): Promise<number> {
  const key = signerKey(chain, address);
  let next = nonces.get(key);
  if (next === undefined) {
    const ahead = prefetched.get(key);
    prefetched.delete(key);
    const usable = ahead ? await ahead.catch(() => undefined) : undefined;
    next = usable ?? (await publicClientFor(chain).getTransactionCount({ address, blockTag: 'pending' }));
  }
  nonces.set(key, next + 1);
  return next;
}

/** Starts the key's nonce count over from the node (a signed transaction was not broadcast). */
export function forgetNonce(chain: ChainConfig, address: Address): void {
  const key = signerKey(chain, address);
  nonces.delete(key);
  prefetched.delete(key);
}

/** A session transaction with every field decided (gas from the dry run, fees from the same round trip). */
export interface SessionTx {
  to: Address;
  data: Hex;
  gas: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * Signs `tx` with the session key (a nonce from this worker's count, taken under the signer's lock,
 * which is held for nothing else), has `record` store the signed bytes (the bundle's first write,
 * before anything is broadcast), broadcasts, and marks the bundle submitted (its second write,
 * which the answer does not wait for).
 * A failure before the broadcast leaves nothing on the chain and the nonce count starts over.
 */
export async function sendSessionTransaction(
  chain: ChainConfig,
  key: LocalAccount,
  tx: SessionTx,
  bundles: Bundles,
  record: (signed: { raw: Hex; hash: Hex; nonce: number }) => Promise<CallBundle>,
  what: string,
): Promise<{ bundle: CallBundle; nonce: number }> {
  const signer = signerKey(chain, key.address);
  const { raw, nonce, previous, done } = await perSigner.run(signer, async () => {
    const nonce = await takeNonce(chain, key.address).catch((error: unknown) => {
      throw chainError(error, what);
    });
    const raw = await key.signTransaction!({ type: 'eip1559', chainId: chain.id, nonce, to: tx.to, value: 0n, data: tx.data, gas: tx.gas, maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas });
    // This nonce's turn to broadcast comes after the previous one's (taken in the same turn as the nonce).
    const previous = broadcasts.get(signer) ?? Promise.resolve();
    let done!: () => void;
    const turn = new Promise<void>((resolve) => (done = resolve));
    broadcasts.set(signer, turn);
    void turn.then(() => {
      if (broadcasts.get(signer) === turn) broadcasts.delete(signer);
    });
    return { raw, nonce, previous, done };
  });
  let bundle: CallBundle;
  try {
    bundle = await record({ raw, hash: keccak256(raw), nonce });
  } catch (error) {
    forgetNonce(chain, key.address);
    done();
    throw error;
  }
  try {
    await previous;
    await publicClientFor(chain).sendRawTransaction({ serializedTransaction: raw });
  } catch (error) {
    const text = (error as Error).message ?? '';
    if (!/already known|already imported|AlreadyKnown/i.test(text)) {
      forgetNonce(chain, key.address);
      done();
      const failure = chainError(error, what);
      await bundles.update(bundle.id, { state: 'failed', error: failure.message });
      throw failure;
    }
  }
  done();
  noteBroadcast(bundle.txHashes[0] ?? keccak256(raw), Date.now(), publicClientFor(chain));
  // Not waited for: the answer needs only the id, and a bundle left 'preparing' with its signed
  // bytes is already complete (its status reads the receipts; a retry broadcasts the same bytes).
  void bundles.update(bundle.id, { state: 'submitted' }).catch((error: unknown) => console.warn('[wallet] marking a sent bundle submitted failed', error));
  return { bundle: { ...bundle, state: 'submitted' }, nonce };
}

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
          // A session key this worker counts nonces for keeps to its count (see the top of the file).
          const counted = nonces.has(signerKey(chain, account.address)) ? { nonce: await takeNonce(chain, account.address) } : {};
          // The node picks the nonce here: a count read ahead before this transaction is out of date.
          if (!('nonce' in counted)) forgetNonce(chain, account.address);
          const request = await walletClient.prepareTransactionRequest({
            account,
            chain: walletClient.chain,
            ...counted,
            ...(tx.to !== undefined ? { to: tx.to } : {}),
            value: tx.value,
            data: tx.data,
            ...(tx.gas ? { gas: tx.gas } : {}),
          });
          raw = await account.signTransaction!(request as Parameters<NonNullable<LocalAccount['signTransaction']>>[0]);
        } catch (error) {
          forgetNonce(chain, account.address);
          const failure = chainError(error, what);
          if (i === 0) await bundles.update(bundle.id, { state: 'failed', error: failure.message });
          throw failure;
        }
        current = await bundles.update(bundle.id, { rawTransactions: [...current.rawTransactions, raw], txHashes: [...current.txHashes, keccak256(raw)] });
      }
      try {
        await publicClient.sendRawTransaction({ serializedTransaction: raw });
        noteBroadcast(current.txHashes[i] ?? keccak256(raw), Date.now(), publicClient);
      } catch (error) {
        // A rebroadcast of a transaction the node already has (or mined) is fine.
        const text = (error as Error).message ?? '';
        if (!/already known|nonce too low|already imported|AlreadyKnown/i.test(text)) {
          forgetNonce(chain, account.address);
          throw chainError(error, what);
        }
      }
    }
    await bundles.update(bundle.id, { state: 'submitted' });
    return current.txHashes;
  });
}
