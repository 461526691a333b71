// Keys at rest (security item 9): what someone who copied the browser profile can recover.
//
// "Copied profile" = everything the browser keeps on disk: storage.local and the extension's
// IndexedDB (here the device-key store, whose memory stand-in holds the same CryptoKey that
// Chromium serialises with its raw bytes into the IndexedDB files: `extractable: false` only stops
// code from exporting it, not the disk from holding it). storage.session is memory only, so a copy
// has none of it. The attacker knows the code (every additional-data label it uses) but not the
// password.
import { generatePrivateKey } from 'viem/accounts';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { API_KEY_STORAGE_KEY, ApiKeyStore } from '@/src/backends/alchemy/api-key';
import { Bundles } from '@/src/calls/bundles';
import { memoryDeviceKeyStore, SessionKeyVault, type DeviceKeyStore } from '@/src/sessions/key-store';
import { Sessions } from '@/src/sessions/service';
import { parsePrivateKey } from '@/src/vault/owner-secret';
import { WRAPPED_SEALING_KEY } from '@/src/vault/sealing-key';
import { AUTO_LOCK_ALARM, Vault } from '@/src/vault/vault';

const PW = 'Correct-Horse-9';
const API_KEY = 'aBcD1234efGH5678ijKL9012mnOP_-qr';
const OWNER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
/** Every additional-data label the code has used for sealed blobs (the attacker reads the code). */
const KNOWN_AAD = [undefined, 'alchemy-api-key/v1', 'alchemy-api-key/v2', 'session-key/v2', 'sealing-key/v1'];

const makeVault = () => new Vault({ kdfIterations: 1000 });

beforeEach(() => fakeBrowser.reset());

const b64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** Every `{ iv, ciphertext }` object anywhere in `value`. */
function sealedBlobs(value: unknown, out: { iv: string; ciphertext: string }[] = []): { iv: string; ciphertext: string }[] {
  if (Array.isArray(value)) value.forEach((v) => sealedBlobs(v, out));
  else if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.iv === 'string' && typeof v.ciphertext === 'string') out.push({ iv: v.iv, ciphertext: v.ciphertext });
    Object.values(v).forEach((x) => sealedBlobs(x, out));
  }
  return out;
}

/** Every 32-byte value stored as base64 anywhere in `value`, as an AES key (a raw key a careless design might store). */
async function rawKeysIn(value: unknown): Promise<CryptoKey[]> {
  const keys: CryptoKey[] = [];
  for (const text of JSON.stringify(value).match(/[A-Za-z0-9+/]{43}=/g) ?? []) {
    keys.push(await crypto.subtle.importKey('raw', b64(text), 'AES-GCM', false, ['decrypt']));
  }
  return keys;
}

/**
 * The attack: take the copied profile (storage.local + the IndexedDB device key, no storage.session)
 * and try every key found there on every sealed blob found there, with every known label.
 */
async function recoverFromCopiedProfile(devices: DeviceKeyStore): Promise<string[]> {
  const local = await fakeBrowser.storage.local.get();
  const candidates = [...(await rawKeysIn(local))];
  const deviceKey = await devices.load();
  if (deviceKey) candidates.push(deviceKey);
  const recovered: string[] = [];
  for (const blob of sealedBlobs(local)) {
    for (const key of candidates) {
      for (const aad of KNOWN_AAD) {
        try {
          const plain = await crypto.subtle.decrypt(
            { name: 'AES-GCM', iv: b64(blob.iv), ...(aad ? { additionalData: new TextEncoder().encode(aad) } : {}) },
            key,
            b64(blob.ciphertext),
          );
          const bytes = new Uint8Array(plain);
          recovered.push(new TextDecoder().decode(bytes), `0x${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`);
        } catch {
          // not this key or label
        }
      }
    }
  }
  return recovered;
}

describe('keys at rest: a copied profile', () => {
  it('behavior: without the password neither a session key nor the Alchemy API key can be recovered', async () => {
    const devices = memoryDeviceKeyStore();
    const vault = makeVault();
    await vault.create(parsePrivateKey(OWNER_KEY), PW, PW);
    // A session granted (its key sealed and recorded as the session service records it) and an API key stored.
    const sessionKey = generatePrivateKey();
    const sealedKey = await new SessionKeyVault(devices).seal(sessionKey);
    await fakeBrowser.storage.local.set({ sessions: [{ id: '0x01', status: 'active', sealedKey }] });
    await new ApiKeyStore(devices).save(API_KEY);

    const recovered = await recoverFromCopiedProfile(devices);
    expect(recovered).not.toContain(sessionKey);
    expect(recovered).not.toContain(API_KEY);
    // Nor is either on disk in plain text.
    const disk = JSON.stringify(await fakeBrowser.storage.local.get());
    expect(disk).not.toContain(sessionKey.slice(2));
    expect(disk).not.toContain(API_KEY);
  });
});

describe('keys at rest: the sealing key', () => {
  it('behavior: locking (by hand or by the auto-lock alarm) keeps sessions and the API key usable', async () => {
    let clock = 1_000_000;
    const vault = new Vault({ kdfIterations: 1000, now: () => clock });
    await vault.create(parsePrivateKey(OWNER_KEY), PW, PW);
    const keys = new SessionKeyVault(memoryDeviceKeyStore());
    const apiKeys = new ApiKeyStore(memoryDeviceKeyStore());
    const sessionKey = generatePrivateKey();
    const sealed = await keys.seal(sessionKey);
    await apiKeys.save(API_KEY);
    clock += 16 * 60_000; // past the default 15-minute auto-lock
    await vault.onAlarm(AUTO_LOCK_ALARM);
    expect((await vault.state()).status).toBe('locked');
    expect(await keys.open(sealed)).toBe(sessionKey);
    expect(await apiKeys.load()).toBe(API_KEY);
    await vault.lock();
    expect(await keys.open(sealed)).toBe(sessionKey);
    expect(await apiKeys.load()).toBe(API_KEY);
  });

  it('error: after a browser restart both answer 4100 "Unlock the wallet to use your sessions" until the owner unlocks', async () => {
    const vault = makeVault();
    await vault.create(parsePrivateKey(OWNER_KEY), PW, PW);
    const keys = new SessionKeyVault(memoryDeviceKeyStore());
    const apiKeys = new ApiKeyStore(memoryDeviceKeyStore());
    const sessionKey = generatePrivateKey();
    const sealed = await keys.seal(sessionKey);
    await apiKeys.save(API_KEY);

    await fakeBrowser.storage.session.clear(); // browser restart: memory gone, disk kept
    const locked = { code: 4100, message: expect.stringContaining('Unlock the wallet to use your sessions') };
    await expect(keys.open(sealed)).rejects.toMatchObject(locked);
    await expect(keys.assertUsable()).rejects.toMatchObject(locked);
    await expect(apiKeys.load()).rejects.toMatchObject(locked);
    await expect(makeVault().unlock('Wrong-Password-1')).rejects.toMatchObject({ code: 4100 });
    await expect(keys.open(sealed)).rejects.toMatchObject(locked);

    await makeVault().unlock(PW);
    expect(await keys.open(sealed)).toBe(sessionKey);
    expect(await apiKeys.load()).toBe(API_KEY);
  });

  it('behavior: what an older version sealed with the IndexedDB device key is sealed again at the next unlock, then the device key is deleted', async () => {
    // The state an older version left: a vault without a sealing key, and a session key and an API key
    // sealed under a non-extractable device key in IndexedDB.
    await makeVault().create(parsePrivateKey(OWNER_KEY), PW, PW);
    await fakeBrowser.storage.local.remove(WRAPPED_SEALING_KEY);
    await fakeBrowser.storage.session.clear(); // the update reloads the extension: memory is gone
    const devices = memoryDeviceKeyStore();
    const deviceKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    await devices.save(deviceKey);
    const encrypt = async (plain: Uint8Array, aad?: string) => {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, ...(aad ? { additionalData: new TextEncoder().encode(aad) } : {}) }, deviceKey, plain as BufferSource));
      return { iv: btoa(String.fromCharCode(...iv)), ciphertext: btoa(String.fromCharCode(...ct)) };
    };
    const sessionKey = generatePrivateKey();
    const legacySession = await encrypt(Uint8Array.from(Buffer.from(sessionKey.slice(2), 'hex')));
    await fakeBrowser.storage.local.set({
      sessions: [{ id: '0x01', status: 'active', sealedKey: legacySession }],
      [API_KEY_STORAGE_KEY]: { version: 1, ...(await encrypt(new TextEncoder().encode(API_KEY), 'alchemy-api-key/v1')) },
    });

    // The same wiring as the background's (src/background/services.ts).
    const keys = new SessionKeyVault(devices);
    const apiKeys = new ApiKeyStore(devices);
    const sessions = new Sessions({ vault: {} as never, bundles: new Bundles(), keys });
    const vault = new Vault({
      kdfIterations: 1000,
      onUnlock: async () => {
        const left = (await sessions.resealLegacyKeys()) + (await apiKeys.resealLegacy());
        if (left === 0) await keys.retireDeviceKey();
      },
    });
    await expect(keys.open(legacySession)).rejects.toMatchObject({ code: 4100 });
    await vault.unlock(PW);

    expect(await devices.load()).toBeUndefined();
    const [record] = await sessions.all();
    expect(record!.sealedKey!.version).toBe(2);
    expect(await keys.open(record!.sealedKey!)).toBe(sessionKey);
    expect(((await fakeBrowser.storage.local.get(API_KEY_STORAGE_KEY))[API_KEY_STORAGE_KEY] as { version: number }).version).toBe(2);
    expect(await apiKeys.load()).toBe(API_KEY);
    expect(await apiKeys.describe()).toEqual({ set: true, hint: `…${API_KEY.slice(-4)}` });
    // And a copy of the profile taken now opens neither.
    const recovered = await recoverFromCopiedProfile(devices);
    expect(recovered).not.toContain(sessionKey);
    expect(recovered).not.toContain(API_KEY);
  });
});
