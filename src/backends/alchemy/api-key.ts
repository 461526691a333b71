// The user's Alchemy API key at rest.
//
// Choice: the session-key device key of src/sessions/key-store.ts (a NON-extractable AES-GCM-256
// CryptoKey kept in the extension's IndexedDB), not the owner vault's password-derived key. Reason:
// the Alchemy backend needs the key for every session call, and sessions must keep working while the
// owner vault is locked (their point: an hour of play without prompts). A key sealed under the vault
// key would be unreadable exactly then. With the device key the API key is never stored in the clear,
// no code can export the wrapping key, and pages and content scripts cannot reach the extension's
// IndexedDB; the sealed record lives in storage.local, which pages cannot read either. The additional
// data "alchemy-api-key/v1" separates these ciphertexts from sealed session keys under the same key.
//
// The key is only ever handed to the background (AlchemyBackend's transport, which sends it in the
// Authorization header to the configured URL); `describe()` is what a UI may show.
import { browser } from 'wxt/browser';
import { b64, deviceKey, indexedDbDeviceKeyStore, type DeviceKeyStore } from '../../sessions/key-store';

export const API_KEY_STORAGE_KEY = 'alchemy.apiKey';
const AAD = new TextEncoder().encode('alchemy-api-key/v1');

export interface SealedApiKey {
  version: 1;
  iv: string;
  ciphertext: string;
}

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
  constructor(private readonly devices: DeviceKeyStore = indexedDbDeviceKeyStore) {}

  private deviceKey(): Promise<CryptoKey> {
    return deviceKey(this.devices);
  }

  /** Validates and stores the key sealed; throws with the shape problem otherwise. */
  async save(input: string): Promise<void> {
    const check = checkApiKeyShape(input);
    if (!check.ok) throw new Error(check.reason);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const plain = new TextEncoder().encode(check.apiKey);
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: AAD }, await this.deviceKey(), plain));
    plain.fill(0);
    const sealed: SealedApiKey = { version: 1, iv: b64.encode(iv), ciphertext: b64.encode(ciphertext) };
    await browser.storage.local.set({ [API_KEY_STORAGE_KEY]: sealed });
  }

  /** The key, for the background's AlchemyBackend only; undefined when none is stored. */
  async load(): Promise<string | undefined> {
    const sealed = (await browser.storage.local.get(API_KEY_STORAGE_KEY))[API_KEY_STORAGE_KEY] as SealedApiKey | undefined;
    if (!sealed) return undefined;
    if (sealed.version !== 1) throw new Error('The stored Alchemy API key has an unknown format.');
    try {
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64.decode(sealed.iv), additionalData: AAD }, await this.deviceKey(), b64.decode(sealed.ciphertext));
      return new TextDecoder().decode(plain);
    } catch {
      throw new Error('The stored Alchemy API key cannot be opened on this device; enter it again.');
    }
  }

  async clear(): Promise<void> {
    await browser.storage.local.remove(API_KEY_STORAGE_KEY);
  }

  /** What a settings screen may show: whether a key is set and its last 4 characters. */
  async describe(): Promise<{ set: false } | { set: true; hint: string }> {
    const key = await this.load();
    return key ? { set: true, hint: `…${key.slice(-4)}` } : { set: false };
  }
}
