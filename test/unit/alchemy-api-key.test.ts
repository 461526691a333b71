import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { API_KEY_STORAGE_KEY, ApiKeyStore, checkApiKeyShape } from '@/src/backends/alchemy/api-key';
import { memoryDeviceKeyStore, SessionKeyVault } from '@/src/sessions/key-store';
import { provideSealingKey, WRAPPED_SEALING_KEY } from '@/src/vault/sealing-key';
import { unlockedSealingKey } from './sealing-key-helper';

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
  beforeEach(() => unlockedSealingKey());

  it('behavior: stores the key sealed: no plain text anywhere in extension storage; loads it back; no device key is made', async () => {
    const devices = memoryDeviceKeyStore();
    const store = new ApiKeyStore(devices);
    expect(await store.load()).toBeUndefined();
    await store.save(` ${KEY} `);
    const dump = JSON.stringify([await fakeBrowser.storage.local.get(), await fakeBrowser.storage.session.get(), await fakeBrowser.storage.sync.get()]);
    expect(dump).not.toContain(KEY);
    expect(dump).not.toContain(btoa(KEY));
    const sealed = (await fakeBrowser.storage.local.get(API_KEY_STORAGE_KEY))[API_KEY_STORAGE_KEY] as { version: number; iv: string; ciphertext: string };
    expect(sealed.version).toBe(2);
    expect(await store.load()).toBe(KEY);
    // A fresh store (a restarted service worker) opens it; nothing was put in IndexedDB.
    expect(await new ApiKeyStore(devices).load()).toBe(KEY);
    expect(await devices.load()).toBeUndefined();
    expect(await new ApiKeyStore(devices).describe()).toEqual({ set: true, hint: `…${KEY.slice(-4)}` });
  });

  it('error: refuses a malformed key without storing anything', async () => {
    const store = new ApiKeyStore(memoryDeviceKeyStore());
    const before = await fakeBrowser.storage.local.get();
    await expect(store.save('not a key')).rejects.toThrow(/no spaces/);
    expect(await fakeBrowser.storage.local.get()).toEqual(before);
  });

  it('error: after a browser restart it opens only after an unlock (4100); Settings still shows the hint', async () => {
    await new ApiKeyStore(memoryDeviceKeyStore()).save(KEY);
    await fakeBrowser.storage.session.clear(); // the browser restarted: memory is gone
    const store = new ApiKeyStore(memoryDeviceKeyStore());
    await expect(store.load()).rejects.toMatchObject({ code: 4100, message: expect.stringContaining('Unlock the wallet to use your sessions') });
    await expect(store.save(KEY)).rejects.toMatchObject({ code: 4100 });
    expect(await store.describe()).toEqual({ set: true, hint: `…${KEY.slice(-4)}` });
  });

  it('error: cannot be opened under another sealing key, nor as a sealed session key', async () => {
    const devices = memoryDeviceKeyStore();
    await new ApiKeyStore(devices).save(KEY);
    const sealed = (await fakeBrowser.storage.local.get(API_KEY_STORAGE_KEY))[API_KEY_STORAGE_KEY] as { iv: string; ciphertext: string };
    await expect(new SessionKeyVault(devices).open({ version: 2, iv: sealed.iv, ciphertext: sealed.ciphertext })).rejects.toThrow();
    await unlockedSealingKey(); // another wallet's sealing key
    await expect(new ApiKeyStore(devices).load()).rejects.toThrow(/cannot be opened on this device/);
  });

  it('behavior: clear removes it', async () => {
    const store = new ApiKeyStore(memoryDeviceKeyStore());
    await store.save(KEY);
    await store.clear();
    expect(await store.load()).toBeUndefined();
    expect(await store.describe()).toEqual({ set: false });
  });
});

describe('one sealing key for session keys and the API key', () => {
  it('behavior: two unlocks at once make one sealing key, which opens what either sealed', async () => {
    await fakeBrowser.storage.session.clear();
    const vaultKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    await Promise.all([provideSealingKey(vaultKey), provideSealingKey(vaultKey)]);
    const wrapped = (await fakeBrowser.storage.local.get(WRAPPED_SEALING_KEY))[WRAPPED_SEALING_KEY];
    const devices = memoryDeviceKeyStore();
    const privateKey = `0x${'42'.repeat(32)}` as const;
    const [sealed] = await Promise.all([new SessionKeyVault(devices).seal(privateKey), new ApiKeyStore(devices).save(KEY)]);
    // A later unlock (browser restarted) unwraps the same key: both open.
    await fakeBrowser.storage.session.clear();
    await provideSealingKey(vaultKey);
    expect((await fakeBrowser.storage.local.get(WRAPPED_SEALING_KEY))[WRAPPED_SEALING_KEY]).toEqual(wrapped);
    expect(await new SessionKeyVault(devices).open(sealed)).toBe(privateKey);
    expect(await new ApiKeyStore(devices).load()).toBe(KEY);
  });
});
