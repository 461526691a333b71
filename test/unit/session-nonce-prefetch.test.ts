// A cold worker reads a session key's nonce count beside the send's dry run (sender.ts
// prefetchNonce) instead of one more round trip under the signer's lock. A count read before the
// worker started its count over (a transaction not broadcast, or one the node numbered) is not used.
import { parseTransaction, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bundles, CallBundle } from '@/src/calls/bundles';
import type { ChainConfig } from '@/src/chains/registry';

const node = vi.hoisted(() => ({ pending: 0, reads: 0, sent: [] as Hex[] }));
vi.mock('@/src/chains/clients', () => ({
  publicClientFor: () => ({
    getTransactionCount: async () => {
      node.reads++;
      return node.pending;
    },
    sendRawTransaction: async ({ serializedTransaction }: { serializedTransaction: Hex }) => {
      node.sent.push(serializedTransaction);
      node.pending++;
      return '0x';
    },
  }),
  walletClientFor: () => ({}),
}));

const { forgetNonce, prefetchNonce, sendSessionTransaction } = await import('@/src/backends/delegation/sender');

const chain = { id: 31337, name: 'Devnet', rpcUrl: 'http://127.0.0.1:1', nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 } } as ChainConfig;
const bundles = { update: async () => ({}) } as unknown as Bundles;
const tx = { to: `0x${'11'.repeat(20)}` as Hex, data: '0x' as Hex, gas: 100_000n, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n };
const send = (key: ReturnType<typeof privateKeyToAccount>) =>
  sendSessionTransaction(chain, key, tx, bundles, async ({ hash }) => ({ id: hash, txHashes: [hash] }) as unknown as CallBundle, 'The session call');
const nonceOf = (raw: Hex) => parseTransaction(raw).nonce;

describe('session key nonce read ahead', () => {
  beforeEach(() => {
    node.pending = 0;
    node.reads = 0;
    node.sent = [];
  });

  it('behavior: a count read ahead is the one the first send signs with, and the node is not asked again', async () => {
    const key = privateKeyToAccount(generatePrivateKey());
    node.pending = 7;
    prefetchNonce(chain, key.address);
    await send(key);
    await send(key);
    expect(node.sent.map(nonceOf)).toEqual([7, 8]);
    expect(node.reads).toBe(1);
  });

  it('behavior: a count read ahead before the count was started over is not used; the node is asked again', async () => {
    const key = privateKeyToAccount(generatePrivateKey());
    node.pending = 3;
    prefetchNonce(chain, key.address);
    // Meanwhile a transaction of this key reached the node without this worker's count (a resumed
    // request, which the node numbers), and the count was started over.
    node.pending = 4;
    forgetNonce(chain, key.address);
    await send(key);
    expect(node.sent.map(nonceOf)).toEqual([4]);
  });

  it('param: a key this worker already counts for reads nothing ahead', async () => {
    const key = privateKeyToAccount(generatePrivateKey());
    await send(key);
    const reads = node.reads;
    prefetchNonce(chain, key.address);
    await send(key);
    expect(node.reads).toBe(reads);
    expect(node.sent.map(nonceOf)).toEqual([0, 1]);
  });
});
