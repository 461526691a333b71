// wallet_getCallsStatus right after wallet_sendCalls: the node may not have mined the transaction
// yet. For a transaction this worker just broadcast the status read waits a little (bounded) for the
// receipt instead of answering 100 and costing the dApp a whole poll; for any other it asks once.
import type { Hex } from 'viem';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallBundle } from '@/src/calls/bundles';
import type { ChainConfig } from '@/src/chains/registry';

const node = vi.hoisted(() => ({ reads: 0, minedAfterReads: Infinity }));
vi.mock('@/src/chains/clients', () => ({
  publicClientFor: () => ({
    getTransactionReceipt: async ({ hash }: { hash: Hex }) => {
      node.reads++;
      if (node.reads <= node.minedAfterReads) throw new Error('TransactionReceiptNotFoundError');
      return { status: 'success', logs: [], blockHash: `0x${'ab'.repeat(32)}`, blockNumber: 5n, gasUsed: 21_000n, transactionHash: hash };
    },
  }),
}));

const { bundleStatus, noteBroadcast, RECENT_BROADCAST_MS } = await import('@/src/calls/status');
const { publicClientFor } = await import('@/src/chains/clients');

const chain = { id: 31337, name: 'Devnet', rpcUrl: 'http://127.0.0.1:1', nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 } } as ChainConfig;
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
    expect(await bundleStatus(bundle, chain)).toMatchObject({ status: 100 });
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
});
