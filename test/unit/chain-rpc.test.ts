import { describe, expect, it } from 'vitest';
import { httpChainRpc } from '@/src/rpc/chain-rpc';

const respond = (body: unknown, status = 200) => async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });

describe('httpChainRpc', () => {
  it('behavior: returns the result', async () => {
    const rpc = httpChainRpc('http://node', respond({ jsonrpc: '2.0', id: 1, result: '0x1' }));
    expect(await rpc.request('eth_blockNumber', [])).toBe('0x1');
  });

  it('error: a node error keeps its code and message', async () => {
    const rpc = httpChainRpc('http://node', respond({ jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'execution reverted' } }));
    await expect(rpc.request('eth_call', [])).rejects.toMatchObject({ code: -32000, message: 'execution reverted' });
  });

  it.each([
    ['unreachable', async () => { throw new TypeError('fetch failed'); }],
    ['HTTP 502', respond('bad gateway', 502)],
    ['not JSON', respond('<html>')],
  ])('error: %s node is 4901 (chain disconnected)', async (_name, fetchImpl) => {
    const rpc = httpChainRpc('http://node', fetchImpl as typeof fetch);
    await expect(rpc.request('eth_blockNumber', [])).rejects.toMatchObject({ code: 4901 });
  });
});
