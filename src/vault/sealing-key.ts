// The sealing key: what session keys and the Alchemy API key are sealed under (AES-GCM-256).
//
// Why not a non-extractable CryptoKey in IndexedDB (the design before): Chromium writes such a key's
// raw bytes into the profile's IndexedDB files; `extractable: false` only stops code from exporting
// it. Anyone with a copy of the profile could open every session key and the API key with it.
//
// Instead: 32 random bytes, made when the vault is created (or at the first unlock of a wallet made
// before this existed), kept on disk ONLY wrapped under the vault key (PBKDF2 of the password), and
// unwrapped at unlock into storage.session (memory only; it survives service-worker restarts, not a
// browser restart or an extension update). Locking the vault, by hand or by the auto-lock alarm,
// does NOT forget it: sessions keep working while the owner is away, which is their point. So:
// - a copied profile holds the sealing key only under the password;
// - after a browser restart, sessions and the Alchemy backend wait for one unlock
//   (SealedKeysUnavailableError, 4100, "Unlock the wallet to use your sessions").
import { browser } from 'wxt/browser';
import { UnauthorizedError } from '../errors';

/** storage.local: the sealing key wrapped under the vault key. */
export const WRAPPED_SEALING_KEY = 'vault.sealingKey';
/** storage.session (memory only): the sealing key's raw bytes, while available. */
const OPEN_SEALING_KEY = 'vault.sealingKey.open';
const WRAP_LABEL = new TextEncoder().encode('sealing-key/v1');

export interface SealedBlob {
  iv: string;
  ciphertext: string;
}

interface WrappedSealingKey extends SealedBlob {
  version: 1;
}

export class SealedKeysUnavailableError extends UnauthorizedError {
  constructor() {
    super('Unlock the wallet to use your sessions. After the browser restarts, session keys and the Alchemy API key open only once the wallet has been unlocked.');
  }
}

export const b64 = {
  encode: (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)),
  decode: (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0)),
};

/** The imported key for the raw bytes last read, so a busy worker does not import on every use. */
let cached: { raw: string; key: CryptoKey } | null = null;

async function openKeyRaw(): Promise<string | undefined> {
  return (await browser.storage.session.get(OPEN_SEALING_KEY))[OPEN_SEALING_KEY] as string | undefined;
}

/** True once the wallet was unlocked since the browser started (lock and auto-lock keep it). */
export async function sealingKeyAvailable(): Promise<boolean> {
  return (await openKeyRaw()) !== undefined;
}

async function sealingKey(): Promise<CryptoKey> {
  const raw = await openKeyRaw();
  if (raw === undefined) throw new SealedKeysUnavailableError();
  if (cached?.raw !== raw) cached = { raw, key: await crypto.subtle.importKey('raw', b64.decode(raw) as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']) };
  return cached.key;
}

/** Seals `plain` under the sealing key; `label` (additional data) keeps one kind of secret from passing for another. */
export async function seal(plain: Uint8Array, label: string): Promise<SealedBlob> {
  const key = await sealingKey();
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(label) }, key, plain as BufferSource));
  return { iv: b64.encode(iv), ciphertext: b64.encode(ciphertext) };
}

/** Opens what `seal` sealed with the same label. 4100 while the sealing key is unavailable; throws if altered. */
export async function open(sealed: SealedBlob, label: string): Promise<Uint8Array> {
  const key = await sealingKey();
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64.decode(sealed.iv) as BufferSource, additionalData: new TextEncoder().encode(label) }, key, b64.decode(sealed.ciphertext) as BufferSource);
  return new Uint8Array(plain);
}

let provisioning: Promise<void> = Promise.resolve();

/**
 * Called by the vault with the password-derived key at create and unlock: unwraps the stored
 * sealing key into storage.session, or makes one (`fresh`: a new vault; or none stored yet: a
 * wallet from before this existed; or one that this vault key cannot unwrap: left by another vault).
 * Serialised, so two unlocks at once cannot make two keys.
 */
export function provideSealingKey(vaultKey: CryptoKey, options: { fresh?: boolean } = {}): Promise<void> {
  const run = provisioning.then(async () => {
    const wrapped = options.fresh ? undefined : ((await browser.storage.local.get(WRAPPED_SEALING_KEY))[WRAPPED_SEALING_KEY] as WrappedSealingKey | undefined);
    if (wrapped) {
      try {
        const raw = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64.decode(wrapped.iv) as BufferSource, additionalData: WRAP_LABEL }, vaultKey, b64.decode(wrapped.ciphertext) as BufferSource);
        const bytes = new Uint8Array(raw);
        await browser.storage.session.set({ [OPEN_SEALING_KEY]: b64.encode(bytes) });
        bytes.fill(0);
        return;
      } catch {
        // Not this vault's: fall through and make a new one (what it sealed could not be opened anyway).
      }
    }
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: WRAP_LABEL }, vaultKey, bytes));
    const record: WrappedSealingKey = { version: 1, iv: b64.encode(iv), ciphertext: b64.encode(ciphertext) };
    await browser.storage.local.set({ [WRAPPED_SEALING_KEY]: record });
    await browser.storage.session.set({ [OPEN_SEALING_KEY]: b64.encode(bytes) });
    bytes.fill(0);
  });
  provisioning = run.catch(() => undefined);
  return run;
}

/**
 * The open sealing key wrapped under another vault key, as the storage entry to write (null when
 * it is not open: since the browser started nobody unlocked the wallet). Restore from the recovery
 * phrase uses it to move the sealing key to the new password, so sealed session keys stay usable.
 */
export async function wrapOpenSealingKey(vaultKey: CryptoKey): Promise<Record<string, WrappedSealingKey> | null> {
  const raw = await openKeyRaw();
  if (raw === undefined) return null;
  const bytes = b64.decode(raw);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: WRAP_LABEL }, vaultKey, bytes as BufferSource));
  bytes.fill(0);
  return { [WRAPPED_SEALING_KEY]: { version: 1, iv: b64.encode(iv), ciphertext: b64.encode(ciphertext) } };
}

/** Forgets the sealing key everywhere (Remove wallet): whatever it sealed can never be opened again. */
export async function forgetSealingKey(): Promise<void> {
  cached = null;
  await browser.storage.session.remove(OPEN_SEALING_KEY);
  await browser.storage.local.remove(WRAPPED_SEALING_KEY);
}
