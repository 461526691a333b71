// Session private keys at rest: AES-GCM-256 under the vault's sealing key (src/vault/sealing-key.ts),
// which is on disk only wrapped under the password-derived vault key and, once unlocked, kept in
// storage.session (memory) until the browser closes. Locking, by hand or by the auto-lock, keeps it,
// so sessions go on working while the owner is away (an hour of play without prompts); after a
// browser restart a session signs only once the owner has unlocked (4100 until then). Someone with a
// copy of the profile files and no password opens nothing (test/unit/keys-at-rest.test.ts,
// test/e2e/keys-at-rest.spec.ts).
//
// Before this, keys were sealed under a "non-extractable" CryptoKey in IndexedDB, which Chromium
// writes to disk with its raw bytes. Those legacy blobs (no `version`) are still opened with that
// device key, and the first unlock seals them again under the sealing key; once none is left the
// device key is deleted (retireDeviceKey).
import type { Hex } from 'viem';
import { b64, open, seal, sealingKeyAvailable, SealedKeysUnavailableError } from '../vault/sealing-key';

export { b64 };

export interface SealedKey {
  /** 2: under the sealing key. Absent: under the legacy IndexedDB device key. */
  version?: 2;
  iv: string;
  ciphertext: string;
}

/** The legacy device key's store (IndexedDB): only read, to migrate, and deleted after. */
export interface DeviceKeyStore {
  load(): Promise<CryptoKey | undefined>;
  save(key: CryptoKey): Promise<void>;
  delete(): Promise<void>;
}

const LABEL = 'session-key/v2';
const DB_NAME = 'session-key-wallet';
const STORE = 'device-keys';
const DEVICE_KEY_ID = 'session-keys-v1';

export const indexedDbDeviceKeyStore: DeviceKeyStore = {
  async load() {
    // Opening would create the database; a wallet that never had a device key needs none.
    if (typeof indexedDB.databases === 'function' && !(await indexedDB.databases()).some((d) => d.name === DB_NAME)) return undefined;
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(DEVICE_KEY_ID);
        req.onsuccess = () => resolve(req.result as CryptoKey | undefined);
        req.onerror = () => reject(req.error);
      });
    } finally {
      db.close();
    }
  },
  async save(key) {
    const db = await openDb();
    try {
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(STORE, 'readwrite');
        tx.objectStore(STORE).put(key, DEVICE_KEY_ID);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  },
  async delete() {
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.deleteDatabase(DB_NAME);
      req.onsuccess = () => resolve();
      req.onerror = () => reject(req.error);
      req.onblocked = () => resolve(); // deleted once the last connection closes
    });
  },
};

function openDb(): Promise<IDBDatabase> {
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
  return { load: async () => held, save: async (k) => void (held = k), delete: async () => void (held = undefined) };
}

/** The legacy device key, if this profile still has one (never created any more). */
export async function legacyDeviceKey(store: DeviceKeyStore): Promise<CryptoKey | undefined> {
  return store.load();
}

const toBytes = (privateKey: Hex) => Uint8Array.from(privateKey.slice(2).match(/../g)!.map((h) => parseInt(h, 16)));
const toHex = (bytes: Uint8Array) => `0x${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}` as Hex;

export class SessionKeyVault {
  /** `legacy`: where an older version kept its device key (read for migration only). */
  constructor(private readonly legacy: DeviceKeyStore = indexedDbDeviceKeyStore) {}

  /** Throws 4100 "Unlock the wallet to use your sessions" while no session key can be opened. */
  async assertUsable(): Promise<void> {
    if (!(await sealingKeyAvailable())) throw new SealedKeysUnavailableError();
  }

  async seal(privateKey: Hex): Promise<SealedKey> {
    const bytes = toBytes(privateKey);
    try {
      return { version: 2, ...(await seal(bytes, LABEL)) };
    } finally {
      bytes.fill(0);
    }
  }

  async open(sealed: SealedKey): Promise<Hex> {
    // Legacy blobs too need the unlock since the browser started: the rule is the same for every
    // session (a current blob cannot be opened without the sealing key: open() throws the same 4100).
    if (sealed.version !== 2) await this.assertUsable();
    const plain = sealed.version === 2 ? await open(sealed, LABEL) : await this.openLegacy(sealed);
    const hex = toHex(plain);
    plain.fill(0);
    return hex;
  }

  /** The same key sealed under the sealing key if `sealed` is a legacy blob; else `sealed` itself. */
  async resealIfLegacy(sealed: SealedKey): Promise<SealedKey> {
    if (sealed.version === 2) return sealed;
    const plain = await this.openLegacy(sealed);
    try {
      return { version: 2, ...(await seal(plain, LABEL)) };
    } finally {
      plain.fill(0);
    }
  }

  /** Deletes the legacy device key (call once nothing sealed under it is left). */
  async retireDeviceKey(): Promise<void> {
    await this.legacy.delete();
  }

  private async openLegacy(sealed: SealedKey): Promise<Uint8Array> {
    const key = await legacyDeviceKey(this.legacy);
    if (!key) throw new Error('This session key was sealed by an older version of the wallet and can no longer be opened. Revoke the session and grant a new one.');
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64.decode(sealed.iv) as BufferSource }, key, b64.decode(sealed.ciphertext) as BufferSource));
  }
}
