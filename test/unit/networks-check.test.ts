// Networks a site or the owner adds: the RPC must answer the claimed chain id, a well-known chain id
// under another name or RPC is flagged, and added networks can be edited and removed.
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Networks } from '@/src/chains/network';
import { checkRpcChainId, type FetchLike } from '@/src/chains/rpc-check';
import { networkWarnings } from '@/src/chains/warnings';

const answering = (result: unknown): FetchLike => async () => ({ ok: true, status: 200, json: async () => ({ jsonrpc: '2.0', id: 1, result }) });

describe('checkRpcChainId', () => {
  it('behavior: an RPC that answers the claimed chain id passes', async () => {
    await expect(checkRpcChainId('https://rpc.example', 8453, { fetch: answering('0x2105') })).resolves.toBeUndefined();
  });

  it('error: another chain id behind the RPC is -32602 naming both ids', async () => {
    await expect(checkRpcChainId('https://rpc.example', 8453, { fetch: answering('0x7a69') })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/chain 31337, not chain 8453/) });
  });

  it('error: an unreachable RPC is -32602 saying it could not be reached', async () => {
    const down: FetchLike = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(checkRpcChainId('http://10.0.0.1:1', 1, { fetch: down })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/could not be reached/) });
  });

  it('error: an RPC that never answers is -32602 after the timeout', async () => {
    const hang: FetchLike = (_u, init) => new Promise((_r, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    await expect(checkRpcChainId('https://slow.example', 1, { fetch: hang, timeoutMs: 20 })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/no answer within/) });
  });

  it('error: HTTP errors and answers without a chain id are -32602', async () => {
    await expect(checkRpcChainId('https://rpc.example', 1, { fetch: async () => ({ ok: false, status: 503, json: async () => null }) })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/HTTP 503/) });
    await expect(checkRpcChainId('https://rpc.example', 1, { fetch: answering(42) })).rejects.toMatchObject({ code: -32602 });
  });
});

describe('networkWarnings', () => {
  it('behavior: 8453 named "Base (totally legit)" on an unknown http RPC is flagged as not the usual Base, and as plain http', () => {
    const w = networkWarnings({ id: 8453, name: 'Base (totally legit)', rpcUrl: 'http://rpc.totally-legit.example' });
    expect(w.map((x) => x.kind)).toEqual(['impostor', 'plainHttp']);
    expect(w[0]!.text).toMatch(/not the usual Base network/);
    expect(w[0]!.text).toMatch(/named "Base \(totally legit\)"/);
    expect(w[0]!.text).toMatch(/rpc\.totally-legit\.example/);
    expect(w[0]!.text).toMatch(/lie about your balances/);
  });

  it('behavior: the real Base on its own RPC or a known provider is not flagged', () => {
    expect(networkWarnings({ id: 8453, name: 'Base', rpcUrl: 'https://mainnet.base.org' })).toEqual([]);
    expect(networkWarnings({ id: 8453, name: 'Base Mainnet', rpcUrl: 'https://base-mainnet.g.alchemy.com/v2/KEY' })).toEqual([]);
  });

  it('behavior: the right name on an unknown RPC is still flagged', () => {
    expect(networkWarnings({ id: 1, name: 'Ethereum', rpcUrl: 'https://eth.attacker.example' }).map((x) => x.kind)).toEqual(['impostor']);
  });

  it('behavior: an unknown chain id gets no impostor warning; plain http is fine on localhost only', () => {
    expect(networkWarnings({ id: 777777, name: 'My chain', rpcUrl: 'http://127.0.0.1:8545' })).toEqual([]);
    expect(networkWarnings({ id: 777777, name: 'My chain', rpcUrl: 'http://localhost:8545' })).toEqual([]);
    expect(networkWarnings({ id: 777777, name: 'My chain', rpcUrl: 'http://192.168.1.5:8545' }).map((x) => x.kind)).toEqual(['plainHttp']);
  });
});

describe('Networks: edit and remove', () => {
  beforeEach(() => fakeBrowser.reset());

  it('behavior: an added network can be renamed and pointed at another RPC', async () => {
    const networks = new Networks();
    await networks.addCustom({ id: 777, name: 'Mine', rpcUrl: 'http://127.0.0.1:9999' });
    const updated = await networks.updateCustom(777, { name: 'Renamed', rpcUrl: 'https://rpc.example/' });
    expect(updated).toMatchObject({ id: 777, name: 'Renamed', rpcUrl: 'https://rpc.example' });
    expect(await networks.byId(777)).toMatchObject({ name: 'Renamed' });
  });

  it('behavior: an added network that is not in use is removed', async () => {
    const networks = new Networks();
    await networks.addCustom({ id: 777, name: 'Mine', rpcUrl: 'http://127.0.0.1:9999' });
    await networks.removeCustom(777);
    expect(await networks.byId(777)).toBeUndefined();
  });

  it('error: the network in use cannot be removed (-32602), and stays', async () => {
    const networks = new Networks();
    await networks.addCustom({ id: 777, name: 'Mine', rpcUrl: 'http://127.0.0.1:9999' });
    await networks.switchTo(777);
    await expect(networks.removeCustom(777)).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/in use/) });
    expect((await networks.current()).id).toBe(777);
  });

  it('error: built-in networks cannot be removed or renamed (-32602)', async () => {
    const networks = new Networks();
    await expect(networks.removeCustom(11155111)).rejects.toMatchObject({ code: -32602 });
    await expect(networks.updateCustom(11155111, { name: 'x' })).rejects.toMatchObject({ code: -32602 });
  });

  it('param: an edit with a non-http RPC is -32602 and changes nothing', async () => {
    const networks = new Networks();
    await networks.addCustom({ id: 777, name: 'Mine', rpcUrl: 'http://127.0.0.1:9999' });
    await expect(networks.updateCustom(777, { rpcUrl: 'ftp://x' })).rejects.toMatchObject({ code: -32602 });
    expect(await networks.byId(777)).toMatchObject({ rpcUrl: 'http://127.0.0.1:9999' });
  });
});
