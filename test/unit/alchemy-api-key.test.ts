import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { API_KEY_STORAGE_KEY, ApiKeyStore, checkApiKeyShape } from '@/src/backends/alchemy/api-key';
import { memoryDeviceKeyStore, SessionKeyVault } from '@/src/sessions/key-store';

const KEY = 'aBcD1234efGH5678ijKL9012mnOP_-qr';

beforeEach(() => fakeBrowser.reset());

describe('checkApiKeyShape', () => {
  it('accepts a key (trimmed) and explains what is wrong otherwise', () => {
    expect(checkApiKeyShape(`  ${KEY}\n`)).toEqual({ ok: true, apiKey: KEY });
    expect(checkApiKeyShape('')).toMatchObject({ ok: false, reason: /Enter your Alchemy API key/ });
    expect(checkApiKeyShape(`https://eth-sepolia.g.alchemy.com/v2/${KEY}`)).toMatchObject({ ok: false, reason: /RPC URL/ });
    expect(checkApiKeyShape('abc def ghi jkl mno pqr')).toMatchObject({ ok: false, reason: /no spaces/ });
    expect(checkApiKeyShape('abcdefghijklmnop!')).toMatchObject({ ok: false, reason: /letters, digits/ });
    expect(checkApiKeyShape('short')).toMatchObject({ ok: false, reason: /16 to 64 characters \(this one has 5\)/ });
  });
});

describe('ApiKeyStore', () => {
  it('stores the key sealed: no plain text anywhere in extension storage; loads it back', async () => {
    const devices = memoryDeviceKeyStore();
    const store = new ApiKeyStore(devices);
    expect(await store.load()).toBeUndefined();
    await store.save(` ${KEY} `);
    const dump = JSON.stringify([await fakeBrowser.storage.local.get(), await fakeBrowser.storage.session.get(), await fakeBrowser.storage.sync.get()]);
    expect(dump).not.toContain(KEY);
    expect(dump).not.toContain(btoa(KEY));
    const sealed = (await fakeBrowser.storage.local.get(API_KEY_STORAGE_KEY))[API_KEY_STORAGE_KEY] as { version: number; iv: string; ciphertext: string };
    expect(sealed.version).toBe(1);
    expect(await store.load()).toBe(KEY);
    // A fresh store on the same device (a restarted service worker) opens it; the device key cannot be exported.
    expect(await new ApiKeyStore(devices).load()).toBe(KEY);
    const deviceKey = (await devices.load())!;
    expect(deviceKey.extractable).toBe(false);
    expect(await new ApiKeyStore(devices).describe()).toEqual({ set: true, hint: `…${KEY.slice(-4)}` });
  });

  it('refuses a malformed key without storing anything', async () => {
    const store = new ApiKeyStore(memoryDeviceKeyStore());
    await expect(store.save('not a key')).rejects.toThrow(/no spaces/);
    expect(await fakeBrowser.storage.local.get()).toEqual({});
  });

  it('cannot be opened on another device, nor as a sealed session key', async () => {
    const devices = memoryDeviceKeyStore();
    await new ApiKeyStore(devices).save(KEY);
    await expect(new ApiKeyStore(memoryDeviceKeyStore()).load()).rejects.toThrow(/cannot be opened on this device/);
    const sealed = (await fakeBrowser.storage.local.get(API_KEY_STORAGE_KEY))[API_KEY_STORAGE_KEY] as { iv: string; ciphertext: string };
    await expect(new SessionKeyVault(devices).open({ iv: sealed.iv, ciphertext: sealed.ciphertext })).rejects.toThrow();
  });

  it('clear removes it', async () => {
    const store = new ApiKeyStore(memoryDeviceKeyStore());
    await store.save(KEY);
    await store.clear();
    expect(await store.load()).toBeUndefined();
    expect(await store.describe()).toEqual({ set: false });
  });
});

describe('one device key for session keys and the API key', () => {
  it('first used by both at once, the device key is created once and opens what either sealed', async () => {
    // A store that is slow to load, so both users ask for the key before either has saved one.
    const inner = memoryDeviceKeyStore();
    let saves = 0;
    const devices = {
      load: async () => {
        await new Promise((r) => setTimeout(r, 10));
        return inner.load();
      },
      save: async (k: CryptoKey) => {
        saves++;
        await inner.save(k);
      },
    };
    const sessionKeys = new SessionKeyVault(devices);
    const apiKeys = new ApiKeyStore(devices);
    const privateKey = `0x${'42'.repeat(32)}` as const;
    const [sealed] = await Promise.all([sessionKeys.seal(privateKey), apiKeys.save(KEY)]);
    expect(saves).toBe(1);
    // A later worker (new instances, same store) opens both.
    expect(await new SessionKeyVault(devices).open(sealed)).toBe(privateKey);
    expect(await new ApiKeyStore(devices).load()).toBe(KEY);
  });
});
