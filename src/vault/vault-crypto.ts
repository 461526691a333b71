// The owner secret at rest: PBKDF2-SHA256 (600,000 iterations, random 16-byte salt) derives an
// AES-GCM-256 key; AES-GCM with a random 12-byte IV seals the secret. The format is versioned so a
// later KDF (say scrypt or Argon2) can be migrated to on the next unlock.
//
// Everything runs on WebCrypto, available in the service worker, the popup and Node alike.

export const VAULT_FORMAT_VERSION = 1 as const;
/** OWASP's 2023 floor for PBKDF2-HMAC-SHA256. */
export const PBKDF2_ITERATIONS = 600_000;

export interface EncryptedVault {
  version: typeof VAULT_FORMAT_VERSION;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  cipher: { name: 'AES-GCM'; iv: string };
  ciphertext: string;
}

const b64 = {
  encode: (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)),
  decode: (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0)),
};

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

/** Derives the vault key. Extractable so that an unlocked wallet survives a service worker restart (see vault.ts). */
export async function deriveVaultKey(password: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    true,
    ['encrypt', 'decrypt'],
  );
}

export async function encryptWithKey(key: CryptoKey, plaintext: Uint8Array, kdf: EncryptedVault['kdf']): Promise<EncryptedVault> {
  const iv = random(12);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv as BufferSource }, key, plaintext as BufferSource));
  return { version: VAULT_FORMAT_VERSION, kdf, cipher: { name: 'AES-GCM', iv: b64.encode(iv) }, ciphertext: b64.encode(ciphertext) };
}

export async function encryptVault(password: string, plaintext: Uint8Array, iterations = PBKDF2_ITERATIONS): Promise<{ vault: EncryptedVault; key: CryptoKey }> {
  const salt = random(16);
  const key = await deriveVaultKey(password, salt, iterations);
  const vault = await encryptWithKey(key, plaintext, { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: b64.encode(salt) });
  return { vault, key };
}

export class WrongPasswordError extends Error {
  override name = 'WrongPasswordError';
  constructor() {
    super('Wrong password.');
  }
}

export class UnsupportedVaultError extends Error {
  override name = 'UnsupportedVaultError';
}

export function assertVaultShape(value: unknown): asserts value is EncryptedVault {
  const v = value as EncryptedVault;
  if (!v || v.version !== VAULT_FORMAT_VERSION || v.kdf?.name !== 'PBKDF2' || v.cipher?.name !== 'AES-GCM' || typeof v.ciphertext !== 'string') {
    throw new UnsupportedVaultError('The stored vault has an unknown format.');
  }
}

export async function decryptWithKey(key: CryptoKey, vault: EncryptedVault): Promise<Uint8Array> {
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64.decode(vault.cipher.iv) as BufferSource }, key, b64.decode(vault.ciphertext) as BufferSource);
    return new Uint8Array(plain);
  } catch {
    // AES-GCM authentication failed: the key (so the password) is wrong, or the data was altered.
    throw new WrongPasswordError();
  }
}

/** Derives the key from the password and opens the vault; returns the key for the session too. */
export async function decryptVault(password: string, vault: EncryptedVault): Promise<{ plaintext: Uint8Array; key: CryptoKey }> {
  assertVaultShape(vault);
  const key = await deriveVaultKey(password, b64.decode(vault.kdf.salt), vault.kdf.iterations);
  return { plaintext: await decryptWithKey(key, vault), key };
}

export async function exportKey(key: CryptoKey): Promise<string> {
  return b64.encode(new Uint8Array(await crypto.subtle.exportKey('raw', key)));
}

export async function importKey(raw: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', b64.decode(raw) as BufferSource, { name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
}
