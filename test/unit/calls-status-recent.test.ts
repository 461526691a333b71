// wallet_getCallsStatus right after wallet_sendCalls: the node may not have mined the transaction
// yet. For a transaction this worker just broadcast the status read waits a little (bounded) for the
// receipt instead of answering 100 and costing the dApp a whole poll; for any other it asks once.
import type { Hex } from 'viem';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallBundle } from '@/src/calls/bundles';
import type { ChainConfig } from '@/src/chains/registry';

const node = vi.hoisted(() => ({ reads: 0, minedAfterReads: Infinity }));
vi.mock('@/src/chains/clients', () => {
  // One client per node URL, kept, as the real publicClientFor does (what it learns about its node stays with it).
  const clients = new Map<string, unknown>();
  const clientFor = () => ({
    getTransactionReceipt: async ({ hash }: { hash: Hex }) => {
      node.reads++;
      if (node.reads <= node.minedAfterReads) throw new Error('TransactionReceiptNotFoundError');
      return { status: 'success', logs: [], blockHash: `0x${'ab'.repeat(32)}`, blockNumber: 5n, gasUsed: 21_000n, transactionHash: hash };
    },
  });
  return { publicClientFor: ({ rpcUrl }: { rpcUrl: string }) => clients.get(rpcUrl) ?? clients.set(rpcUrl, clientFor()).get(rpcUrl) };
});

const { bundleStatus, noteBroadcast, FAST_NODE_MS, RECENT_BROADCAST_MS } = await import('@/src/calls/status');
const { publicClientFor } = await import('@/src/chains/clients');

/** A node of its own: what the status reads learn about one node does not carry to another. */
const chainAt = (port: number) => ({ id: 31337, name: 'Devnet', rpcUrl: `http://127.0.0.1:${port}`, nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 } }) as ChainConfig;
const chain = chainAt(1);
let n = 0;
const bundleWith = (): CallBundle => {
  const hash = `0x${(++n).toString(16).padStart(64, '0')}` as Hex;
  return { id: hash, requestId: 'r', origin: 'https://game.example', chainId: 31337, account: `0x${'11'.repeat(20)}`, signer: 'session', calls: [], atomic: true, rawTransactions: ['0x'], txHashes: [hash], state: 'submitted', createdAt: 0 };
};

describe('bundleStatus, right after the broadcast', () => {
  beforeEach(() => {
    node.reads = 0;
    node.minedAfterReads = Infinity;
  });

  it('behavior: a transaction this worker just broadcast is confirmed (200) once its receipt appears, in the same status call', async () => {
    const bundle = bundleWith();
    noteBroadcast(bundle.txHashes[0]!);
    node.minedAfterReads = 2;
    expect(await bundleStatus(bundle, chain)).toMatchObject({ status: 200, receipts: [{ status: '0x1', transactionHash: bundle.txHashes[0] }] });
    expect(node.reads).toBe(3);
  });

  it('behavior: one never mined is still 100 (pending) after a bounded number of reads, never a wrong status', async () => {
    const bundle = bundleWith();
    noteBroadcast(bundle.txHashes[0]!);
    // A node this worker has not yet seen include anything: the usual schedule.
    expect(await bundleStatus(bundle, chainAt(2))).toMatchObject({ status: 100 });
    expect(node.reads).toBe(8);
  });

  it('param: a transaction not broadcast by this worker, or long ago, is read once', async () => {
    expect(await bundleStatus(bundleWith(), chain)).toMatchObject({ status: 100 });
    expect(node.reads).toBe(1);
    const old = bundleWith();
    noteBroadcast(old.txHashes[0]!, Date.now() - RECENT_BROADCAST_MS - 1);
    expect(await bundleStatus(old, chain)).toMatchObject({ status: 100 });
    expect(node.reads).toBe(2);
  });

  it('behavior: the receipt read begun at the broadcast answers the status read that follows (no read of its own), and only that one', async () => {
    const bundle = bundleWith();
    node.minedAfterReads = 0;
    noteBroadcast(bundle.txHashes[0]!, Date.now(), publicClientFor(chain));
    await vi.waitFor(() => expect(node.reads).toBe(1));
    expect(await bundleStatus(bundle, chain)).toMatchObject({ status: 200, receipts: [{ transactionHash: bundle.txHashes[0] }] });
    expect(node.reads).toBe(1);
    // Taken once: the next status read asks the node (a receipt can change with the chain).
    expect(await bundleStatus(bundle, chain)).toMatchObject({ status: 200 });
    expect(node.reads).toBe(2);
  });

  it('behavior: a status read that comes while the read begun at the broadcast is still waiting for the block joins it (bounded, as before)', async () => {
    const bundle = bundleWith();
    node.minedAfterReads = 2;
    noteBroadcast(bundle.txHashes[0]!, Date.now(), publicClientFor(chain));
    expect(await bundleStatus(bundle, chain)).toMatchObject({ status: 200 });
    expect(node.reads).toBe(3);
  });

  it('behavior: a node seen to include our transactions within FAST_NODE_MS is read every 2 ms at first; one seen to take longer, at 5 ms then 10 ms (both bounded)', async () => {
    vi.useFakeTimers();
    try {
      const client = publicClientFor(chainAt(3));
      const broadcastWith = async (minedAfterReads: number) => {
        node.reads = 0;
        node.minedAfterReads = minedAfterReads;
        noteBroadcast(bundleWith().txHashes[0]!, Date.now(), client);
        await vi.advanceTimersByTimeAsync(10);
        const inFirst10ms = node.reads;
        await vi.advanceTimersByTimeAsync(2_000);
        return { inFirst10ms, all: node.reads };
      };
      // Found at the 6th read, 155 ms after the broadcast: a slow node.
      expect(await broadcastWith(5)).toEqual({ inFirst10ms: 2, all: 6 });
      // So the next one is read at 0 and 5 ms in its first 10 ms, and 8 times in all when never mined.
      expect(await broadcastWith(Infinity)).toEqual({ inFirst10ms: 2, all: 8 });
      // Found at the 2nd read, 5 ms after: a fast node (FAST_NODE_MS).
      expect(FAST_NODE_MS).toBeGreaterThanOrEqual(5);
      expect(await broadcastWith(1)).toEqual({ inFirst10ms: 2, all: 2 });
      // Now read at 0, 2, 4, 6, 8 and 10 ms; never mined: 14 reads in all, still bounded.
      expect(await broadcastWith(Infinity)).toEqual({ inFirst10ms: 6, all: 14 });
    } finally {
      vi.useRealTimers();
    }
  });
});
