// Bundles sent through the Alchemy backend. The signed payload is stored in the bundle before it is
// sent, so a request retried after a worker restart sends the same payload again (Alchemy answers
// the same call id and runs it once) instead of signing a second operation. The bundle keeps
// Alchemy's call id; its status is Alchemy's wallet_getCallsStatus under the wallet's bundle id.
import type { AlchemyBackend } from '../backends/alchemy/backend';
import { InvalidParamsError, RpcError, TransactionRejectedError, UnauthorizedError, UnsupportedChainIdError } from '../rpc/errors';
import { publicBundleId, type Bundles, type CallBundle } from './bundles';
import type { CallsStatus } from './status';

/** A definite refusal by Alchemy or the wallet (nothing ran), as opposed to a lost answer or an unreachable service. */
export function isAlchemyRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === TransactionRejectedError.code || code === InvalidParamsError.code || code === UnauthorizedError.code || code === UnsupportedChainIdError.code;
}

/**
 * Sends the bundle's stored payload unless Alchemy already gave it an id. Refused: the bundle is
 * failed. No answer (network down, lost answer): it stays as it is, payload kept, so the request
 * retried sends the same payload and Alchemy runs it at most once.
 */
export async function sendAlchemyBundle(backend: AlchemyBackend, bundle: CallBundle, bundles: Bundles): Promise<CallBundle> {
  if (bundle.alchemyId) return bundle;
  if (!bundle.alchemySigned) throw new TransactionRejectedError('The bundle was never signed.');
  try {
    const id = await backend.sendSigned(bundle.alchemySigned);
    return await bundles.update(bundle.id, { state: 'submitted', alchemyId: id, error: undefined });
  } catch (error) {
    const refused = isAlchemyRefusal(error);
    await bundles.update(bundle.id, refused ? { state: 'failed', error: (error as Error).message } : { error: `No answer from Alchemy yet: ${(error as Error).message}` });
    throw error instanceof RpcError ? error : new TransactionRejectedError(`Sending through Alchemy failed: ${(error as Error).message}`);
  }
}

/**
 * EIP-5792 status of an Alchemy bundle, under the wallet's own bundle id. Once final, the
 * transaction hashes are kept in the bundle (the activity list shows them).
 */
export async function alchemyBundleStatus(backend: AlchemyBackend, bundle: CallBundle, bundles: Bundles): Promise<CallsStatus> {
  if (bundle.state === 'failed') return { version: '2.0.0', id: publicBundleId(bundle), chainId: `0x${bundle.chainId.toString(16)}`, status: 400, atomic: true };
  if (!bundle.alchemyId) return { version: '2.0.0', id: publicBundleId(bundle), chainId: `0x${bundle.chainId.toString(16)}`, status: 100, atomic: true };
  const status = { ...(await backend.status(bundle.alchemyId)), id: publicBundleId(bundle) };
  const hashes = status.receipts?.map((r) => r.transactionHash) ?? [];
  if (hashes.length > 0 && bundle.txHashes.length === 0) await bundles.update(bundle.id, { txHashes: hashes });
  return status;
}
