// The wallet's wait for its own transactions (src/chains/receipt-wait.ts) against a node like an
// automine devnet at the wrong moment: the block holding the transaction is already the latest when
// the wait starts, its receipt appears a read later, and no block comes after it. viem's
// waitForTransactionReceipt waits for that next block (the provider benchmark's Node floor hung
// 180 s this way); the wallet's wait reads the receipt again and has it.
import { createClient, custom, type Hex } from 'viem';
import { waitForTransactionReceipt } from 'viem/actions';
import { describe, expect, it } from 'vitest';
import { waitForReceipt } from '@/src/chains/receipt-wait';

const HASH = `0x${'ab'.repeat(32)}` as Hex;
const BLOCK = '0x10';

/** A node whose latest block is BLOCK and stays so; the receipt of HASH is there from read `readyAt` on. */
function automineNode(readyAt: number) {
  const seen = { receiptReads: 0, other: [] as string[] };
  const tx = { hash: HASH, blockHash: `0x${'cd'.repeat(32)}`, blockNumber: BLOCK, from: `0x${'11'.repeat(20)}`, to: `0x${'22'.repeat(20)}`, nonce: '0x1', gas: '0x5208', gasPrice: '0x1', maxFeePerGas: '0x1', maxPriorityFeePerGas: '0x1', value: '0x0', input: '0x', transactionIndex: '0x0', type: '0x2', chainId: '0x7a69', v: '0x0', r: '0x1', s: '0x1', yParity: '0x0', accessList: [] };
  const receipt = { transactionHash: HASH, blockHash: tx.blockHash, blockNumber: BLOCK, from: tx.from, to: tx.to, status: '0x1', gasUsed: '0x5208', cumulativeGasUsed: '0x5208', effectiveGasPrice: '0x1', logs: [], logsBloom: `0x${'00'.repeat(256)}`, transactionIndex: '0x0', type: '0x2', contractAddress: null };
  const block = { number: BLOCK, hash: tx.blockHash, parentHash: `0x${'ef'.repeat(32)}`, timestamp: '0x1', transactions: [tx], baseFeePerGas: '0x1', gasLimit: '0x1c9c380', gasUsed: '0x5208', miner: `0x${'00'.repeat(20)}`, extraData: '0x', logsBloom: receipt.logsBloom, nonce: '0x0000000000000000', difficulty: '0x0', totalDifficulty: '0x0', size: '0x1', stateRoot: tx.blockHash, receiptsRoot: tx.blockHash, transactionsRoot: tx.blockHash, sha3Uncles: tx.blockHash, uncles: [], mixHash: tx.blockHash };
  const transport = custom({
    async request({ method }: { method: string }) {
      if (method === 'eth_getTransactionReceipt') return ++seen.receiptReads >= readyAt ? receipt : null;
      seen.other.push(method);
      if (method === 'eth_blockNumber') return BLOCK;
      if (method === 'eth_getTransactionByHash') return tx;
      if (method === 'eth_getBlockByNumber' || method === 'eth_getBlockByHash') return block;
      if (method === 'eth_chainId') return '0x7a69';
      throw new Error(`unexpected ${method}`);
    },
  });
  return { seen, client: createClient({ transport, pollingInterval: 5 }) };
}

describe('waiting for the wallet\'s own transaction', () => {
  it('behavior: the receipt that appears after the wait began is found with no further block, by reading the receipt again', async () => {
    const { seen, client } = automineNode(3);
    const receipt = await waitForReceipt(client, { hash: HASH, timeout: 5_000 });
    expect(receipt).toMatchObject({ transactionHash: HASH, status: 'success', blockNumber: 16n });
    expect(seen.receiptReads).toBe(3);
    expect(seen.other).toEqual([]); // no block-number watching
  });

  it("behavior: viem's waitForTransactionReceipt on the same node waits for a block that never comes (why the wallet has its own)", async () => {
    const { seen, client } = automineNode(3);
    await expect(waitForTransactionReceipt(client, { hash: HASH, timeout: 1_000 })).rejects.toThrow(/Timed out while waiting/);
    expect(seen.receiptReads).toBe(2);
  });

  it('error: a receipt that never comes is a plain error after the time-out, naming the transaction', async () => {
    const { client } = automineNode(Infinity);
    await expect(waitForReceipt(client, { hash: HASH, timeout: 50 })).rejects.toThrow(`The transaction ${HASH} was not mined within 50 ms`);
  });
});
