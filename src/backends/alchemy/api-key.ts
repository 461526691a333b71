// The user's Alchemy API key at rest.
//
// Sealed (AES-GCM-256, additional data "alchemy-api-key/v2") under the vault's sealing key
// (src/vault/sealing-key.ts): on disk that key exists only wrapped under the password-derived vault
// key, so a copied profile without the password does not give the API key away
// (test/unit/keys-at-rest.test.ts, test/e2e/keys-at-rest.spec.ts). While the browser runs, the
// sealing key stays in memory across locks and auto-locks, so the Alchemy backend keeps serving
// sessions while the vault is locked; after a browser restart it waits for one unlock (4100).
// The last four characters are kept in clear beside it: what Settings shows, even before that unlock.
//
// An older version sealed it (format 1, "alchemy-api-key/v1") under a non-extractable IndexedDB
// device key, whose raw bytes Chromium writes to disk; such a record is still read, and sealed again
// under the sealing key at the next unlock (resealLegacy).
//
// The key is only ever handed to the background (AlchemyBackend's transport, which sends it in the
// Authorization header to the configured URL); `describe()` is what a UI may show.
import { browser } from 'wxt/browser';
import { b64, indexedDbDeviceKeyStore, legacyDeviceKey, type DeviceKeyStore } from '../../sessions/key-store';
import { open, seal, sealingKeyAvailable, SealedKeysUnavailableError } from '../../vault/sealing-key';

export const API_KEY_STORAGE_KEY = 'alchemy.apiKey';
/** The Wallet API URLs the stored key was entered for (no secret): the only places it is sent. */
export const API_KEY_URLS_STORAGE_KEY = 'alchemy.apiKey.urls';
const LABEL = 'alchemy-api-key/v2';
const LEGACY_AAD = new TextEncoder().encode('alchemy-api-key/v1');

export type SealedApiKey =
  | { version: 2; iv: string; ciphertext: string; hint: string }
  /** Legacy: under the IndexedDB device key. */
  | { version: 1; iv: string; ciphertext: string };

export type ApiKeyCheck = { ok: true; apiKey: string } | { ok: false; reason: string };

/**
 * Shape check of an Alchemy API key as the user pastes it (trimmed). Alchemy keys are URL-safe
 * tokens (letters, digits, "-" and "_"; 32 characters today). A pasted RPC URL is recognized and its
 * key suggested, since the key must never travel in a URL.
 */
export function checkApiKeyShape(input: string): ApiKeyCheck {
  const value = input.trim();
  if (value.length === 0) return { ok: false, reason: 'Enter your Alchemy API key.' };
  const fromUrl = /^https?:\/\/[^\s]*\/v2\/([A-Za-z0-9_-]+)\/?$/.exec(value);
  if (fromUrl) return { ok: false, reason: 'This is an RPC URL. Paste only the API key (the part after /v2/).' };
  if (/\s/.test(value)) return { ok: false, reason: 'An API key has no spaces.' };
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return { ok: false, reason: 'An API key has only letters, digits, "-" and "_".' };
  if (value.length < 16 || value.length > 64) return { ok: false, reason: `An API key has 16 to 64 characters (this one has ${value.length}).` };
  return { ok: true, apiKey: value };
}

export class ApiKeyStore {
  /** `legacy`: where an older version kept its device key (read for migration only). */
  constructor(private readonly legacy: DeviceKeyStore = indexedDbDeviceKeyStore) {}

  /** Validates and stores the key sealed; throws with the shape problem, or 4100 before the first unlock since the browser started. */
  async save(input: string): Promise<void> {
    const check = checkApiKeyShape(input);
    if (!check.ok) throw new Error(check.reason);
    await browser.storage.local.set({ [API_KEY_STORAGE_KEY]: await this.sealed(check.apiKey) });
  }

  /** The key, for the background's AlchemyBackend only; undefined when none is stored; 4100 before the first unlock since the browser started. */
  async load(): Promise<string | undefined> {
    const sealed = await this.stored();
    if (!sealed) return undefined;
    if (sealed.version !== 1 && sealed.version !== 2) throw new Error('The stored Alchemy API key has an unknown format.');
    if (!(await sealingKeyAvailable())) throw new SealedKeysUnavailableError();
    try {
      return sealed.version === 2 ? new TextDecoder().decode(await open(sealed, LABEL)) : await this.openLegacy(sealed);
    } catch {
      throw new Error('The stored Alchemy API key cannot be opened on this device; enter it again.');
    }
  }

  async clear(): Promise<void> {
    await browser.storage.local.remove([API_KEY_STORAGE_KEY, API_KEY_URLS_STORAGE_KEY]);
  }

  /** Where the stored key may be sent: the Wallet API URLs the owner entered it for. */
  async urls(): Promise<string[]> {
    return ((await browser.storage.local.get(API_KEY_URLS_STORAGE_KEY))[API_KEY_URLS_STORAGE_KEY] as string[] | undefined) ?? [];
  }

  /** Records that the owner entered the key for `url`; `fresh` (a different key than before) forgets the others. */
  async allowUrl(url: string, fresh: boolean): Promise<void> {
    const urls = fresh ? [] : await this.urls();
    if (!urls.includes(url)) urls.push(url);
    await browser.storage.local.set({ [API_KEY_URLS_STORAGE_KEY]: urls });
  }

  /** What a settings screen may show: whether a key is set and its last 4 characters. Needs no unlock. */
  async describe(): Promise<{ set: false } | { set: true; hint: string }> {
    const sealed = await this.stored();
    if (!sealed) return { set: false };
    if (sealed.version === 2) return { set: true, hint: sealed.hint };
    const key = await this.load().catch(() => undefined);
    return { set: true, hint: key ? `…${key.slice(-4)}` : '…' };
  }

  /**
   * Seals a legacy (device-key) record again under the sealing key. Returns how many legacy records
   * are left (0 or 1): the device key may be deleted only when none is.
   */
  async resealLegacy(): Promise<number> {
    const sealed = await this.stored();
    if (sealed?.version !== 1) return 0;
    const resealed = await this.sealed(await this.openLegacy(sealed));
    // Written only if nobody saved a new key meanwhile.
    const now = await this.stored();
    if (now?.version === 1 && now.ciphertext === sealed.ciphertext) await browser.storage.local.set({ [API_KEY_STORAGE_KEY]: resealed });
    return (await this.stored())?.version === 1 ? 1 : 0;
  }

  private async stored(): Promise<SealedApiKey | undefined> {
    return (await browser.storage.local.get(API_KEY_STORAGE_KEY))[API_KEY_STORAGE_KEY] as SealedApiKey | undefined;
  }

  private async sealed(apiKey: string): Promise<SealedApiKey> {
    const plain = new TextEncoder().encode(apiKey);
    try {
      return { version: 2, ...(await seal(plain, LABEL)), hint: `…${apiKey.slice(-4)}` };
    } finally {
      plain.fill(0);
    }
  }

  private async openLegacy(sealed: { iv: string; ciphertext: string }): Promise<string> {
    const key = await legacyDeviceKey(this.legacy);
    if (!key) throw new Error('The stored Alchemy API key was sealed by an older version of the wallet and can no longer be opened.');
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64.decode(sealed.iv) as BufferSource, additionalData: LEGACY_AAD }, key, b64.decode(sealed.ciphertext) as BufferSource);
    return new TextDecoder().decode(plain);
  }
}
