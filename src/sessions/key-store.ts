// Session private keys at rest: AES-GCM-256 under a device key that is a NON-extractable CryptoKey
// kept in the extension's IndexedDB. Extension code can use it to decrypt but no code (and no one
// reading the profile's storage files) can read its bytes; pages and content scripts cannot reach
// the extension's IndexedDB at all. Sessions therefore keep working while the owner vault is
// locked (that is their point: an hour of play without prompts), yet no key is stored in the clear.
import type { Hex } from 'viem';

export interface SealedKey {
  iv: string;
  ciphertext: string;
}

export interface DeviceKeyStore {
  load(): Promise<CryptoKey | undefined>;
  save(key: CryptoKey): Promise<void>;
}

export const b64 = {
  encode: (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)),
  decode: (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0)),
};

const DB_NAME = 'session-key-wallet';
const STORE = 'device-keys';
const DEVICE_KEY_ID = 'session-keys-v1';

/** IndexedDB holds CryptoKey objects natively (structured clone), non-extractable ones included. */
export const indexedDbDeviceKeyStore: DeviceKeyStore = {
  async load() {
    const db = await open();
    return new Promise((resolve, reject) => {
      const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(DEVICE_KEY_ID);
      req.onsuccess = () => resolve(req.result as CryptoKey | undefined);
      req.onerror = () => reject(req.error);
    });
  },
  async save(key) {
    const db = await open();
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put(key, DEVICE_KEY_ID);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  },
};

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** For unit tests (no IndexedDB in Node): the same contract, in memory. */
export function memoryDeviceKeyStore(): DeviceKeyStore {
  let held: CryptoKey | undefined;
  return { load: async () => held, save: async (k) => void (held = k) };
}

const deviceKeys = new WeakMap<DeviceKeyStore, Promise<CryptoKey>>();

/**
 * The store's device key, created on first use. One promise per store for the whole worker, so
 * the session keys and the Alchemy API key, sealed by different classes, can never race to create
 * two keys (the second save would leave what the first sealed unreadable).
 */
export function deviceKey(store: DeviceKeyStore): Promise<CryptoKey> {
  let key = deviceKeys.get(store);
  if (!key) {
    key = (async () => {
      const existing = await store.load();
      if (existing) return existing;
      const created = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      await store.save(created);
      return created;
    })();
    key.catch(() => deviceKeys.delete(store)); // a failed load or save is tried again next time
    deviceKeys.set(store, key);
  }
  return key;
}

export class SessionKeyVault {
  constructor(private readonly store: DeviceKeyStore = indexedDbDeviceKeyStore) {}

  private deviceKey(): Promise<CryptoKey> {
    return deviceKey(this.store);
  }

  async seal(privateKey: Hex): Promise<SealedKey> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const bytes = Uint8Array.from(privateKey.slice(2).match(/../g)!.map((h) => parseInt(h, 16)));
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await this.deviceKey(), bytes));
    bytes.fill(0);
    return { iv: b64.encode(iv), ciphertext: b64.encode(ciphertext) };
  }

  async open(sealed: SealedKey): Promise<Hex> {
    const plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64.decode(sealed.iv) }, await this.deviceKey(), b64.decode(sealed.ciphertext)));
    const hex = `0x${[...plain].map((b) => b.toString(16).padStart(2, '0')).join('')}` as Hex;
    plain.fill(0);
    return hex;
  }
}
