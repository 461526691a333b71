import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { API_KEY_STORAGE_KEY, ApiKeyStore } from '@/src/backends/alchemy/api-key';
import { AlchemyBackend, ALCHEMY_SUPPORTED_CHAIN_IDS, ALCHEMY_WALLET_API_URL } from '@/src/backends/alchemy/backend';
import { Backends, checkWalletApiUrl, type BackendSetting } from '@/src/backends/choice';
import { builtInChains, devnet as registryDevnet, type ChainConfig } from '@/src/chains/registry';
import { InvalidParamsError, RpcError } from '@/src/errors';
import { memoryDeviceKeyStore } from '@/src/sessions/key-store';
import { unlockedSealingKey } from './sealing-key-helper';

const BY_CHAIN = 'backend.byChain';
const API_KEY = 'aBcD1234efGH5678ijKL9012mnOP_-qr';
const POLICY_ID = '3f1e2d4c-0000-4000-8000-000000000000';
const CUSTOM_URL = 'https://wallet-api.example/v2';

// The wallet's own chain entries, with RPC URLs where nothing answers (no test here reaches a node).
const devnet: ChainConfig = { ...registryDevnet, rpcUrl: 'http://127.0.0.1:1' };
const sepolia: ChainConfig = { ...builtInChains.find((c) => c.id === 11155111)!, rpcUrl: 'http://127.0.0.1:2' };

const newBackends = () => new Backends(new ApiKeyStore(memoryDeviceKeyStore()));

/** Runs `fn`, expects it to throw an RpcError with `code` (and a message matching `message`). */
async function rpcErrorOf(fn: () => unknown): Promise<RpcError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RpcError);
    return error as RpcError;
  }
  throw new Error('expected a rejection, got none');
}

async function expectRpcError(fn: () => unknown, code: number, message?: RegExp | string): Promise<void> {
  const error = await rpcErrorOf(fn);
  expect(error.code).toBe(code);
  if (message !== undefined) expect(error.message).toMatch(message);
}

beforeEach(async () => {
  fakeBrowser.reset();
  await unlockedSealingKey(); // the API key is sealed under the vault's sealing key
});

describe('checkWalletApiUrl', () => {
  it('accepts https anywhere and drops a trailing slash', () => {
    expect(checkWalletApiUrl('https://api.g.alchemy.com/v2/')).toBe('https://api.g.alchemy.com/v2');
    expect(checkWalletApiUrl('  https://wallet-api.example/v2  ')).toBe('https://wallet-api.example/v2');
    expect(checkWalletApiUrl('https://wallet-api.example')).toBe('https://wallet-api.example');
    expect(checkWalletApiUrl('https://wallet-api.example:8443/a/b/')).toBe('https://wallet-api.example:8443/a/b');
  });

  it('accepts plain http only to this computer', () => {
    expect(checkWalletApiUrl('http://127.0.0.1:8787/')).toBe('http://127.0.0.1:8787');
    expect(checkWalletApiUrl('http://127.0.0.1:8787/v2')).toBe('http://127.0.0.1:8787/v2');
    expect(checkWalletApiUrl('http://localhost')).toBe('http://localhost');
    expect(checkWalletApiUrl('http://localhost:3000/')).toBe('http://localhost:3000');
    expect(checkWalletApiUrl('http://[::1]:8545')).toBe('http://[::1]:8545');
  });

  it('refuses plain http to another host and other schemes', () => {
    for (const bad of ['http://example.com', 'http://example.com/v2', 'http://192.168.1.10:8545', 'http://127.0.0.1.example.com', 'ftp://example.com', 'ws://localhost:1234']) {
      expect(() => checkWalletApiUrl(bad), bad).toThrow(InvalidParamsError);
      expect(() => checkWalletApiUrl(bad), bad).toThrow(/must be https/);
    }
  });

  it('refuses credentials, a query or a fragment', () => {
    for (const bad of [
      'https://user:pass@wallet-api.example/v2',
      'https://user@wallet-api.example/v2',
      'http://user:pass@127.0.0.1:8787',
      `https://wallet-api.example/v2?apiKey=${API_KEY}`,
      'https://wallet-api.example/v2#frag',
      'http://localhost:8787/?x=1',
    ]) {
      expect(() => checkWalletApiUrl(bad), bad).toThrow(InvalidParamsError);
      expect(() => checkWalletApiUrl(bad), bad).toThrow(/credentials, a query or a fragment/);
    }
  });

  it('refuses garbage with InvalidParamsError (-32602)', async () => {
    for (const bad of ['', '   ', 'not a url', 'api.g.alchemy.com/v2', '://nope', 'https://']) {
      await expectRpcError(() => checkWalletApiUrl(bad), -32602);
    }
    await expectRpcError(() => checkWalletApiUrl('not a url'), -32602, /not a valid URL/);
    await expectRpcError(() => checkWalletApiUrl('http://example.com'), -32602);
    await expectRpcError(() => checkWalletApiUrl('https://a:b@example.com'), -32602);
  });
});

describe('Backends: settings and views', () => {
  it('defaults every chain to the delegation backend', async () => {
    const backends = newBackends();
    expect(await backends.setting(devnet.id)).toEqual({ kind: 'delegation' });
    expect(await backends.setting(sepolia.id)).toEqual({ kind: 'delegation' });
    expect(await backends.view(devnet)).toEqual({ kind: 'delegation', chainId: 31337 });
    expect(await backends.view(sepolia)).toEqual({ kind: 'delegation', chainId: 11155111 });
    // A setting for another chain does not leak onto this one.
    await fakeBrowser.storage.local.set({ [BY_CHAIN]: { [sepolia.id]: { kind: 'alchemy' } } });
    expect(await backends.setting(devnet.id)).toEqual({ kind: 'delegation' });
    expect(await backends.view(devnet)).toEqual({ kind: 'delegation', chainId: 31337 });
  });

  it("views an alchemy chain with Alchemy's URL by default and no key set", async () => {
    const backends = newBackends();
    await fakeBrowser.storage.local.set({ [BY_CHAIN]: { [sepolia.id]: { kind: 'alchemy' } } });
    expect(await backends.setting(sepolia.id)).toEqual({ kind: 'alchemy' });
    const view = await backends.view(sepolia);
    expect(view).toEqual({ kind: 'alchemy', chainId: sepolia.id, url: ALCHEMY_WALLET_API_URL, customUrl: false, apiKey: { set: false } });
    expect(view).not.toHaveProperty('policyId');
  });

  it('views an alchemy chain with its custom URL, policy id and only a hint of the key', async () => {
    const backends = newBackends();
    await fakeBrowser.storage.local.set({ [BY_CHAIN]: { [devnet.id]: { kind: 'alchemy', url: CUSTOM_URL, policyId: POLICY_ID } } });
    await backends.apiKeys.save(API_KEY);
    const view = await backends.view(devnet);
    expect(view).toEqual({
      kind: 'alchemy',
      chainId: devnet.id,
      url: CUSTOM_URL,
      customUrl: true,
      policyId: POLICY_ID,
      apiKey: { set: true, hint: `…${API_KEY.slice(-4)}` },
    });
    expect(JSON.stringify(view)).not.toContain(API_KEY);
    expect(JSON.stringify(view)).not.toContain(API_KEY.slice(0, 8));
  });

  it('useDelegation removes only that chain’s entry', async () => {
    const backends = newBackends();
    await fakeBrowser.storage.local.set({
      [BY_CHAIN]: { [devnet.id]: { kind: 'alchemy', url: 'http://127.0.0.1:8787' }, [sepolia.id]: { kind: 'alchemy', policyId: POLICY_ID } },
    });
    await backends.useDelegation(devnet.id);
    const stored = (await fakeBrowser.storage.local.get(BY_CHAIN))[BY_CHAIN] as Record<string, BackendSetting>;
    expect(stored).toEqual({ [sepolia.id]: { kind: 'alchemy', policyId: POLICY_ID } });
    expect(stored).not.toHaveProperty(String(devnet.id));
    expect(await backends.setting(devnet.id)).toEqual({ kind: 'delegation' });
    expect(await backends.view(devnet)).toEqual({ kind: 'delegation', chainId: devnet.id });
    expect(await backends.setting(sepolia.id)).toEqual({ kind: 'alchemy', policyId: POLICY_ID });
    // On a chain that was already on delegation it is harmless.
    await backends.useDelegation(devnet.id);
    expect((await fakeBrowser.storage.local.get(BY_CHAIN))[BY_CHAIN]).toEqual({ [sepolia.id]: { kind: 'alchemy', policyId: POLICY_ID } });
  });
});

describe('Backends.useAlchemy refusals (before any request, storing nothing)', () => {
  const before = { [sepolia.id]: { kind: 'alchemy', url: 'http://127.0.0.1:9999' } } as const;

  async function expectNothingStored(): Promise<void> {
    const local = await fakeBrowser.storage.local.get();
    expect(local[BY_CHAIN]).toEqual(before);
    expect(local).not.toHaveProperty(API_KEY_STORAGE_KEY);
    expect(JSON.stringify(local)).not.toContain(API_KEY);
  }

  beforeEach(async () => {
    await fakeBrowser.storage.local.set({ [BY_CHAIN]: before });
  });

  it('refuses a chain the Wallet API does not serve when no URL is given (5710)', async () => {
    expect(ALCHEMY_SUPPORTED_CHAIN_IDS.has(devnet.id)).toBe(false);
    const backends = newBackends();
    await expectRpcError(() => backends.useAlchemy(devnet, { apiKey: API_KEY }), 5710, /Local devnet \(chain 31337\)/);
    await expectRpcError(() => backends.useAlchemy(devnet, { apiKey: API_KEY, url: '   ' }), 5710);
    await expectRpcError(() => backends.useAlchemy(devnet, {}), 5710);
    await expectNothingStored();
    expect(await backends.setting(devnet.id)).toEqual({ kind: 'delegation' });
  });

  it('refuses a bad Wallet API URL (-32602) before anything else', async () => {
    const backends = newBackends();
    await expectRpcError(() => backends.useAlchemy(devnet, { apiKey: API_KEY, url: 'http://example.com' }), -32602, /must be https/);
    await expectRpcError(() => backends.useAlchemy(sepolia, { apiKey: API_KEY, url: `https://wallet-api.example/v2?key=${API_KEY}` }), -32602);
    await expectRpcError(() => backends.useAlchemy(sepolia, { apiKey: API_KEY, url: 'garbage' }), -32602, /not a valid URL/);
    await expectNothingStored();
  });

  it('refuses a malformed gas policy id (-32602)', async () => {
    const backends = newBackends();
    for (const policyId of ['not-a-policy', '3f1e2d4c00004000800000000000000', `${POLICY_ID}x`, 'gggggggg-0000-4000-8000-000000000000']) {
      await expectRpcError(() => backends.useAlchemy(sepolia, { apiKey: API_KEY, policyId }), -32602, /gas policy id/);
    }
    await expectRpcError(() => backends.useAlchemy(devnet, { apiKey: API_KEY, url: 'http://127.0.0.1:8787', policyId: 'nope' }), -32602, /gas policy id/);
    await expectNothingStored();
  });

  it('refuses a malformed API key (-32602) with the shape reason', async () => {
    const backends = newBackends();
    await expectRpcError(() => backends.useAlchemy(sepolia, { apiKey: `https://eth-sepolia.g.alchemy.com/v2/${API_KEY}` }), -32602, /This is an RPC URL/);
    await expectRpcError(() => backends.useAlchemy(sepolia, { apiKey: 'abc def ghi jkl mno pqr' }), -32602, 'An API key has no spaces.');
    await expectRpcError(() => backends.useAlchemy(sepolia, { apiKey: 'abcdefghijklmnop!' }), -32602, /letters, digits/);
    await expectRpcError(() => backends.useAlchemy(sepolia, { apiKey: 'short' }), -32602, /16 to 64 characters \(this one has 5\)/);
    await expectRpcError(() => backends.useAlchemy(devnet, { url: 'http://127.0.0.1:8787', apiKey: 'has a space in it 1234' }), -32602, /no spaces/);
    await expectNothingStored();
  });

  it('refuses when no key is given and none is stored (-32602)', async () => {
    const backends = newBackends();
    await expectRpcError(() => backends.useAlchemy(sepolia, {}), -32602, /^Enter your Alchemy API key\.$/);
    await expectRpcError(() => backends.useAlchemy(sepolia, { apiKey: '   ' }), -32602, /^Enter your Alchemy API key\.$/);
    await expectRpcError(() => backends.useAlchemy(devnet, { url: 'http://127.0.0.1:8787', policyId: POLICY_ID }), -32602, /^Enter your Alchemy API key\.$/);
    await expectNothingStored();
    expect(await backends.apiKeys.load()).toBeUndefined();
  });

  it('error: the stored key is not sent to a Wallet API URL it was not saved for (-32602, no request)', async () => {
    const backends = newBackends();
    await backends.apiKeys.save(API_KEY);
    const fetched: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: string | URL | Request) => {
      fetched.push(String(input instanceof Request ? input.url : input));
      throw new Error('no request expected');
    }) as typeof fetch;
    try {
      await expectRpcError(() => backends.useAlchemy(devnet, { url: 'https://collector.example/v2' }), -32602, /Enter the API key again/);
      await expectRpcError(() => backends.useAlchemy(sepolia, {}), -32602, /Enter the API key again/); // Alchemy's own URL: not saved for it either
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(fetched).toEqual([]);
    expect((await fakeBrowser.storage.local.get())[BY_CHAIN]).toEqual(before);
  });
});

describe('Backends.alchemyFor', () => {
  it('is null for a delegation chain', async () => {
    const backends = newBackends();
    expect(await backends.alchemyFor(devnet)).toBeNull();
    expect(await backends.alchemyFor(sepolia)).toBeNull();
    await backends.apiKeys.save(API_KEY);
    await fakeBrowser.storage.local.set({ [BY_CHAIN]: { [sepolia.id]: { kind: 'alchemy' } } });
    expect(await backends.alchemyFor(devnet)).toBeNull();
  });

  it('rejects with 4100 when the chain uses Alchemy but no API key is stored', async () => {
    const backends = newBackends();
    await fakeBrowser.storage.local.set({ [BY_CHAIN]: { [devnet.id]: { kind: 'alchemy', url: CUSTOM_URL } } });
    await expectRpcError(() => backends.alchemyFor(devnet), 4100, /Local devnet uses the Alchemy backend/);
  });

  it('builds the backend from the setting and the stored key, cached until storage changes', async () => {
    const backends = newBackends();
    await fakeBrowser.storage.local.set({ [BY_CHAIN]: { [devnet.id]: { kind: 'alchemy', url: CUSTOM_URL, policyId: POLICY_ID } } });
    await backends.apiKeys.save(API_KEY);

    const first = await backends.alchemyFor(devnet);
    expect(first).toBeInstanceOf(AlchemyBackend);
    expect(first!.url).toBe(CUSTOM_URL);
    expect(first!.chain.id).toBe(devnet.id);
    expect(await backends.alchemyFor(devnet)).toBe(first);

    // An unrelated storage change keeps the cache.
    await fakeBrowser.storage.local.set({ 'unrelated.key': 1 });
    expect(await backends.alchemyFor(devnet)).toBe(first);

    // A change of the choice (written by another context: the onChanged listener) drops it.
    const otherUrl = 'http://127.0.0.1:8787';
    await fakeBrowser.storage.local.set({ [BY_CHAIN]: { [devnet.id]: { kind: 'alchemy', url: otherUrl } } });
    const second = await backends.alchemyFor(devnet);
    expect(second).toBeInstanceOf(AlchemyBackend);
    expect(second).not.toBe(first);
    expect(second!.url).toBe(otherUrl);
    expect(second!.chain.id).toBe(devnet.id);
    expect(await backends.alchemyFor(devnet)).toBe(second);

    // A new key drops it too.
    await backends.apiKeys.save(`${API_KEY.slice(0, -4)}WXYZ`);
    const third = await backends.alchemyFor(devnet);
    expect(third).not.toBe(second);
    expect(await backends.alchemyFor(devnet)).toBe(third);

    // Switching back to delegation: null, whatever was cached.
    await backends.useDelegation(devnet.id);
    expect(await backends.alchemyFor(devnet)).toBeNull();
  });

  it("uses Alchemy's Wallet API URL when the setting has none", async () => {
    const backends = newBackends();
    await fakeBrowser.storage.local.set({ [BY_CHAIN]: { [sepolia.id]: { kind: 'alchemy' } } });
    await backends.apiKeys.save(API_KEY);
    const backend = await backends.alchemyFor(sepolia);
    expect(backend!.url).toBe(ALCHEMY_WALLET_API_URL);
    expect(backend!.chain).toEqual(sepolia);
  });
});
