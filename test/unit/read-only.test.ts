import { describe, expect, it, vi } from 'vitest';
import { devnet } from '@/src/chains/registry';
import type { ChainRpc } from '@/src/rpc/chain-rpc';
import { eth_chainId, net_version } from '@/src/rpc/methods/chain';
import { isForwardedToChain } from '@/src/rpc/read-only';
import { createRouter } from '@/src/rpc/router';
import { createServices } from '@/src/background/services';

const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code: number }) => e.code);

let nextFilter = 0x10;
function setup(origin = 'http://127.0.0.1:5173') {
  const chainRpc: ChainRpc = {
    request: vi.fn(async (method: string) => (method.startsWith('eth_new') ? `0x${(nextFilter++).toString(16)}` : method === 'eth_uninstallFilter' ? true : [])),
  };
  const router = createRouter([eth_chainId, net_version]);
  const ctx = { origin, chain: devnet, chainRpc, requestId: 'r1', services: createServices() };
  return { router, ctx, chainRpc };
}

// What viem, wagmi and ethers dApps (and the demo dApp) read through a wallet's provider.
const READS = [
  'eth_blockNumber', 'eth_call', 'eth_estimateGas', 'eth_getBalance', 'eth_getCode', 'eth_getStorageAt', 'eth_getTransactionCount',
  'eth_getTransactionByHash', 'eth_getTransactionReceipt', 'eth_getBlockByNumber', 'eth_getBlockByHash', 'eth_getLogs', 'eth_feeHistory',
  'eth_gasPrice', 'eth_maxPriorityFeePerGas', 'eth_blobBaseFee', 'eth_getProof', 'eth_createAccessList', 'eth_getBlockReceipts',
  'eth_getBlockTransactionCountByNumber', 'eth_getBlockTransactionCountByHash', 'eth_getTransactionByBlockNumberAndIndex',
  'eth_getTransactionByBlockHashAndIndex', 'eth_getUncleByBlockNumberAndIndex', 'eth_syncing', 'eth_protocolVersion', 'eth_simulateV1',
  'net_listening', 'net_peerCount', 'web3_clientVersion', 'web3_sha3', 'eth_sendRawTransaction', 'eth_newFilter', 'eth_getFilterChanges',
];

// Everything that sends, signs, unlocks, impersonates or rewrites state on some node.
const NEVER = [
  'eth_sendUnsignedTransaction', 'eth_sendTransactionSync', 'eth_sendTransaction', 'eth_signTransaction', 'eth_sign', 'eth_signTypedData',
  'eth_signTypedData_v3', 'eth_signTypedData_v4', 'eth_signAuthorization', 'eth_sendBundle', 'eth_sendPrivateTransaction', 'eth_callBundle',
  'eth_accounts', 'eth_requestAccounts', 'eth_coinbase', 'eth_mining', 'eth_submitWork', 'eth_subscribe', 'eth_someFutureMethod',
  'personal_sign', 'personal_sendTransaction', 'personal_unlockAccount', 'personal_importRawKey', 'anvil_impersonateAccount',
  'anvil_autoImpersonateAccount', 'anvil_setBalance', 'anvil_setCode', 'anvil_mine', 'anvil_reset', 'evm_mine', 'evm_snapshot',
  'evm_increaseTime', 'hardhat_impersonateAccount', 'hardhat_setBalance', 'debug_traceTransaction', 'trace_call', 'ots_getApiLevel',
  'txpool_content', 'admin_addPeer', 'miner_start', 'engine_newPayloadV4', 'net_version',
];

describe('read-only allow-list', () => {
  it.each(READS)('behavior: %s is forwarded to the node', (method) => {
    expect(isForwardedToChain(method)).toBe(true);
  });

  it.each(NEVER)('behavior: %s is not forwarded', (method) => {
    expect(isForwardedToChain(method)).toBe(false);
  });

  it.each(NEVER.filter((m) => m !== 'net_version'))('error: %s from a page is 4200 and never reaches the node', async (method) => {
    const { router, ctx, chainRpc } = setup();
    expect(await codeOf(router.handle({ method, params: [{ from: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }] }, ctx))).toBe(4200);
    expect(chainRpc.request).not.toHaveBeenCalled();
  });

  it('error: the refusal of a sending method says why and what to use instead', async () => {
    const { router, ctx } = setup();
    await expect(router.handle({ method: 'eth_sendUnsignedTransaction', params: [] }, ctx)).rejects.toThrow(
      /eth_sendUnsignedTransaction on the node: it could send, sign or change state without the owner's approval. Use eth_sendTransaction or wallet_sendCalls/,
    );
    await expect(router.handle({ method: 'wallet_nothing', params: [] }, ctx)).rejects.toThrow('The wallet does not support wallet_nothing.');
  });
});

describe('node filters', () => {
  it('behavior: the origin that created a filter polls and uninstalls it', async () => {
    const { router, ctx, chainRpc } = setup('https://a.example');
    const id = (await router.handle({ method: 'eth_newBlockFilter', params: [] }, ctx)) as string;
    expect(await router.handle({ method: 'eth_getFilterChanges', params: [id.toUpperCase().replace('0X', '0x')] }, ctx)).toEqual([]);
    expect(await router.handle({ method: 'eth_uninstallFilter', params: [id] }, ctx)).toBe(true);
    expect(chainRpc.request).toHaveBeenCalledTimes(3);
    // Uninstalled: now unknown to it as well.
    expect(await codeOf(router.handle({ method: 'eth_getFilterChanges', params: [id] }, ctx))).toBe(-32602);
  });

  it('error: another origin cannot read, drain or uninstall a filter it did not create', async () => {
    const a = setup('https://a.example');
    const id = (await a.router.handle({ method: 'eth_newFilter', params: [{}] }, a.ctx)) as string;
    const b = setup('https://b.example');
    for (const method of ['eth_getFilterChanges', 'eth_getFilterLogs']) {
      await expect(b.router.handle({ method, params: [id] }, b.ctx)).rejects.toMatchObject({ code: -32602, message: `${method}: filter not found. Create one with eth_newFilter first.` });
    }
    // Answered like an id the node never issued.
    expect(await b.router.handle({ method: 'eth_uninstallFilter', params: [id] }, b.ctx)).toBe(false);
    expect(await b.router.handle({ method: 'eth_uninstallFilter', params: ['0xdead'] }, b.ctx)).toBe(false);
    expect(b.chainRpc.request).not.toHaveBeenCalled();
    // The owner of the filter still has it.
    expect(await a.router.handle({ method: 'eth_getFilterChanges', params: [id] }, a.ctx)).toEqual([]);
  });

  it('param: a filter id that is not a string is not found', async () => {
    const { router, ctx, chainRpc } = setup('https://c.example');
    expect(await codeOf(router.handle({ method: 'eth_getFilterChanges', params: [1] }, ctx))).toBe(-32602);
    expect(await codeOf(router.handle({ method: 'eth_getFilterChanges', params: [] }, ctx))).toBe(-32602);
    expect(chainRpc.request).not.toHaveBeenCalled();
  });
});
