// EIP-5792 wallet_getCallsStatus for a bundle: 100 pending, 200 confirmed, 400 refused before the
// chain, 500 reverted on chain, 600 partly reverted (non-atomic bundles only).
import { numberToHex, type Hex, type TransactionReceipt } from 'viem';
import type { ChainConfig } from '../chains/registry';
import { publicBundleId, type CallBundle } from './bundles';
import { publicClientFor } from '../chains/clients';

export interface CallsStatus {
  version: '2.0.0';
  /** The id the dApp knows the bundle by (publicBundleId). */
  id: string;
  chainId: Hex;
  status: 100 | 200 | 400 | 500 | 600;
  atomic: boolean;
  receipts?: {
    logs: { address: Hex; data: Hex; topics: Hex[] }[];
    status: '0x1' | '0x0';
    blockHash: Hex;
    blockNumber: Hex;
    gasUsed: Hex;
    transactionHash: Hex;
    /** The contract a deployment created (as in the transaction receipt). */
    contractAddress?: Hex;
  }[];
}

/**
 * Transactions this worker broadcast, by hash, with when (the newest RECENT_KEPT). A status read
 * right after the wallet answered wallet_sendCalls usually comes before the node has the block
 * (automine included: the node answers the broadcast, then mines); for these the read waits a
 * little for the receipt instead of answering 100 and costing the dApp a whole poll interval.
 */
const broadcastAt = new Map<string, number>();
/**
 * The receipt read begun at the broadcast (watchReceipt), by hash, until a status read takes it: it
 * is on its way while the answer travels back to the dApp and the dApp asks for the status, instead
 * of starting after (issue 15). Taken once; any later status read asks the node again.
 */
const early = new Map<string, Promise<TransactionReceipt | undefined>>();
const RECENT_KEPT = 256;
/** How long after its broadcast a transaction's status read waits for its receipt. */
export const RECENT_BROADCAST_MS = 2_000;
/** The waits between receipt reads for a recent broadcast: about 0.6 s in all, 8 reads at most. */
const RECEIPT_WAITS_MS = [5, 10, 20, 40, 80, 160, 320];
/**
 * The same for a node seen to include this worker's transactions within FAST_NODE_MS (a devnet, a
 * chain with very short blocks): a read every 2 ms at first, then as above; about 0.65 s, 14 reads
 * at most. With the schedule above a receipt there at 6 ms was read at 15 (issue 15: after 600
 * bundles the status came 5 to 16 ms after the send's answer, against the Node floor polling every
 * 5 ms). Slower nodes keep the schedule above: dense reads would only cost their quota.
 */
const FAST_RECEIPT_WAITS_MS = [2, 2, 2, 2, 2, 5, 5, 10, 20, 40, 80, 160, 320];
/** A node whose last receipt of ours appeared within this long of its broadcast is read densely at first. */
export const FAST_NODE_MS = 50;
/** Per client: how long its last receipt found after one of our broadcasts took to appear (ms, as read). */
const inclusionMs = new WeakMap<ReceiptClient, number>();

type ReceiptClient = Pick<ReturnType<typeof publicClientFor>, 'getTransactionReceipt'>;

/**
 * Called once the node accepted the transaction (sender.ts). With `client`, the receipt is read from
 * now on (the same bounded reads a status read would make), for the status read that usually follows.
 */
export function noteBroadcast(hash: Hex, atMs = Date.now(), client?: ReceiptClient): void {
  const key = hash.toLowerCase();
  broadcastAt.delete(key);
  broadcastAt.set(key, atMs);
  if (broadcastAt.size > RECENT_KEPT) broadcastAt.delete(broadcastAt.keys().next().value!);
  if (client && Date.now() - atMs <= RECENT_BROADCAST_MS) {
    early.delete(key);
    early.set(key, waitForReceipt(client, hash, atMs));
    if (early.size > RECENT_KEPT) early.delete(early.keys().next().value!);
  }
}

/** Reads the receipt, and again after each of RECEIPT_WAITS_MS while within RECENT_BROADCAST_MS of `atMs`. */
async function waitForReceipt(client: ReceiptClient, hash: Hex, atMs: number | undefined): Promise<TransactionReceipt | undefined> {
  const read = async () => {
    try {
      return await client.getTransactionReceipt({ hash });
    } catch {
      return undefined; // not there yet, or the node did not answer: the same to the status
    }
  };
  const found = (receipt: TransactionReceipt) => {
    if (atMs !== undefined) inclusionMs.set(client, Date.now() - atMs);
    return receipt;
  };
  const first = await read();
  if (first) return found(first);
  if (atMs === undefined || Date.now() - atMs > RECENT_BROADCAST_MS) return undefined;
  const fast = (inclusionMs.get(client) ?? Infinity) <= FAST_NODE_MS;
  for (const ms of fast ? FAST_RECEIPT_WAITS_MS : RECEIPT_WAITS_MS) {
    await new Promise((r) => setTimeout(r, ms));
    const receipt = await read();
    if (receipt) return found(receipt);
  }
  return undefined;
}

/**
 * The receipt, or undefined while the node has none. A transaction this worker broadcast within
 * RECENT_BROADCAST_MS is read again a few times (bounded, RECEIPT_WAITS_MS) before saying so: the
 * answer is the same as the node's, only sooner than the dApp's next poll. The read begun at the
 * broadcast is used if there is one.
 */
async function receiptOf(client: ReceiptClient, hash: Hex): Promise<TransactionReceipt | undefined> {
  const key = hash.toLowerCase();
  const begun = early.get(key);
  if (begun) {
    early.delete(key);
    const receipt = await begun;
    if (receipt) return receipt;
  }
  return waitForReceipt(client, hash, begun ? undefined : broadcastAt.get(key));
}

export async function bundleStatus(bundle: CallBundle, chain: ChainConfig): Promise<CallsStatus> {
  const base = { version: '2.0.0' as const, id: publicBundleId(bundle), chainId: numberToHex(bundle.chainId), atomic: bundle.atomic };
  if (bundle.state === 'failed') return { ...base, status: 400 };
  if (bundle.txHashes.length === 0) return { ...base, status: 100 };
  const client = publicClientFor(chain);
  const receipts: TransactionReceipt[] = [];
  for (const hash of bundle.txHashes) {
    const receipt = await receiptOf(client, hash);
    if (!receipt) return { ...base, status: 100 };
    receipts.push(receipt);
  }
  const reverted = receipts.filter((r) => r.status !== 'success').length;
  const status = reverted === 0 ? 200 : reverted === receipts.length ? 500 : 600;
  return {
    ...base,
    status,
    receipts: receipts.map((r) => ({
      logs: r.logs.map((l) => ({ address: l.address, data: l.data, topics: l.topics as Hex[] })),
      status: r.status === 'success' ? '0x1' : '0x0',
      blockHash: r.blockHash,
      blockNumber: numberToHex(r.blockNumber),
      gasUsed: numberToHex(r.gasUsed),
      transactionHash: r.transactionHash,
      ...(r.contractAddress ? { contractAddress: r.contractAddress } : {}),
    })),
  };
}
