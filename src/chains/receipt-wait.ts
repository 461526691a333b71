// The wallet's wait for one of its own transactions to be mined (the 7702 upgrade, a session's
// stipend, a revoke, the stipend's sweep back): the receipt is read at once, then every polling
// interval of the client, until it is there or the time-out passes.
//
// Not viem's waitForTransactionReceipt: that one watches the block number and reads the receipt
// when it changes. On an automine devnet it can read block N before the receipt of the transaction
// mined in N is there, then wait for a block N+1 that automine never makes while nothing else is
// sent: the provider benchmark's Node floor hung that way for 180 s, in about one run in five with 8
// bursts (bench/session-node.ts). The transactions waited on here are the wallet's own, so viem's
// replacement detection is not needed: one replaced elsewhere times out with a plain error.
import { getTransactionReceipt } from 'viem/actions';
import type { Client, Hex, TransactionReceipt } from 'viem';

/** As viem's default: how long a wait lasts before it gives up. */
export const RECEIPT_TIMEOUT_MS = 180_000;

export interface WaitForReceiptArgs {
  hash: Hex;
  /** Milliseconds; default RECEIPT_TIMEOUT_MS. */
  timeout?: number;
  /** Milliseconds between reads; default the client's. */
  pollingInterval?: number;
}

/** The receipt of `hash` once the node has it; rejects after `timeout` ms without one. */
export async function waitForReceipt(client: Client, { hash, timeout = RECEIPT_TIMEOUT_MS, pollingInterval = client.pollingInterval }: WaitForReceiptArgs): Promise<TransactionReceipt> {
  const until = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      return await getTransactionReceipt(client, { hash });
    } catch (error) {
      // Not mined yet (TransactionReceiptNotFoundError), or the node did not answer: read again.
      lastError = error;
    }
    if (Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, Math.min(pollingInterval, Math.max(0, until - Date.now()))));
  }
  const why = (lastError as { shortMessage?: string } | undefined)?.shortMessage ?? (lastError as Error | undefined)?.message ?? 'no receipt';
  const within = timeout >= 1_000 ? `${Math.round(timeout / 1_000)} s` : `${timeout} ms`;
  throw new Error(`The transaction ${hash} was not mined within ${within} (${why.split('\n')[0]}).`);
}
