import { describe, expect, it, vi } from 'vitest';
import { devnet } from '@/src/chains/registry';
import type { ChainRpc } from '@/src/rpc/chain-rpc';
import { eth_chainId, net_version } from '@/src/rpc/methods/chain';
import { createRouter } from '@/src/rpc/router';
import { isForwardedToChain } from '@/src/rpc/read-only';
import { createServices } from '@/src/background/services';

function setup() {
  const chainRpc: ChainRpc = { request: vi.fn(async (method: string) => (method === 'eth_blockNumber' ? '0x10' : null)) };
  const router = createRouter([eth_chainId, net_version]);
  const ctx = { origin: 'http://127.0.0.1:5173', chain: devnet, chainRpc, requestId: 'r1', services: createServices() };
  return { router, ctx, chainRpc };
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code: number }) => e.code);

describe('router', () => {
  it('behavior: eth_chainId and net_version answer from the current chain', async () => {
    const { router, ctx, chainRpc } = setup();
    expect(await router.handle({ method: 'eth_chainId' }, ctx)).toBe('0x7a69');
    expect(await router.handle({ method: 'eth_chainId', params: [] }, ctx)).toBe('0x7a69');
    expect(await router.handle({ method: 'net_version' }, ctx)).toBe('31337');
    expect(chainRpc.request).not.toHaveBeenCalled();
  });

  it('param: a method without params takes them absent, null or [] (answered without its schema) and refuses anything else with -32602', async () => {
    const { router, ctx } = setup();
    for (const params of [undefined, null, []]) expect(await router.handle({ method: 'eth_chainId', params }, ctx)).toBe('0x7a69');
    for (const params of [{}, [1], [null], { 0: 1 }]) expect(await codeOf(router.handle({ method: 'eth_chainId', params }, ctx))).toBe(-32602);
  });

  it('behavior: read-only eth_* methods go to the node with their params', async () => {
    const { router, ctx, chainRpc } = setup();
    expect(await router.handle({ method: 'eth_blockNumber' }, ctx)).toBe('0x10');
    await router.handle({ method: 'eth_getBalance', params: ['0x0000000000000000000000000000000000000001', 'latest'] }, ctx);
    expect(chainRpc.request).toHaveBeenLastCalledWith('eth_getBalance', ['0x0000000000000000000000000000000000000001', 'latest']);
  });

  it.each([
    'eth_sendTransaction',
    'eth_sign',
    'eth_signTypedData_v4',
    'eth_accounts',
    'eth_coinbase',
    'anvil_setBalance',
    'evm_increaseTime',
    'debug_traceTransaction',
    'wallet_doesNotExist',
    'foo',
  ])('error: %s never reaches the node and is 4200 until the wallet implements it', async (method) => {
    const { router, ctx, chainRpc } = setup();
    expect(await codeOf(router.handle({ method, params: [] }, ctx))).toBe(4200);
    expect(chainRpc.request).not.toHaveBeenCalled();
  });

  it.each([
    [null, -32600],
    ['eth_chainId', -32600],
    [[], -32600],
    [{}, -32600],
    [{ method: '' }, -32600],
    [{ method: 42 }, -32600],
    [{ method: 'eth_chainId'.repeat(20) }, -32600],
    [{ method: 'eth chainId' }, -32600],
    [{ method: 'eth_chainId', params: 'x' }, -32602],
    [{ method: 'eth_chainId', params: [1] }, -32602],
    [{ method: 'eth_blockNumber', params: { a: 1 } }, -32602],
  ])('error: malformed request %j is %i', async (request, code) => {
    const { router, ctx } = setup();
    expect(await codeOf(router.handle(request, ctx))).toBe(code);
  });

  it('param: the -32602 message says why', async () => {
    const { router, ctx } = setup();
    await expect(router.handle({ method: 'eth_chainId', params: [1] }, ctx)).rejects.toThrow(/eth_chainId: params: this method takes no params/);
    await expect(router.handle({ method: 'eth_getBalance', params: { a: 1 } }, ctx)).rejects.toThrow(/eth_getBalance: params: Invalid input: expected array/);
  });

  it('isForwardedToChain: only the read-only namespaces', () => {
    expect(isForwardedToChain('eth_call')).toBe(true);
    expect(isForwardedToChain('web3_clientVersion')).toBe(true);
    expect(isForwardedToChain('eth_sendRawTransaction')).toBe(true);
    expect(isForwardedToChain('personal_sign')).toBe(false);
    expect(isForwardedToChain('net_version')).toBe(false); // answered by the wallet itself
  });
});
