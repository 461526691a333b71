// The owner's secret (a BIP-39 recovery phrase or a raw private key), its validation with messages a
// person can act on, and the derivation of the owner's signing key.
//
// BIP-39/BIP-32 come from viem/accounts, i.e. viem's own copies of @scure/bip32 and @scure/bip39 on
// the @noble/curves and @noble/hashes the worker already bundles for signing: the standalone
// @scure packages brought second copies of @noble/* into the worker's start-up JS (98 kB in all,
// issue 15). The checksum check is the few lines below, on viem's sha256.
import { bytesToHex, hexToBigInt, sha256, type Hex } from 'viem';
import { english as wordlist, generateMnemonic, HDKey } from 'viem/accounts';

export type OwnerSecret = { kind: 'mnemonic'; phrase: string } | { kind: 'privateKey'; privateKey: Hex };

/** Ethereum's first account, the path every BIP-44 wallet uses for it. */
export const OWNER_DERIVATION_PATH = "m/44'/60'/0'/0/0";
/** The secp256k1 group order n (a public curve constant, SEC 2): a private key must be in [1, n-1]. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const WORD_COUNTS = [12, 15, 18, 21, 24];

export class SecretValidationError extends Error {
  override name = 'SecretValidationError';
}

/** A new 12-word phrase (128 bits of entropy). */
export function newMnemonic(): string {
  return generateMnemonic(wordlist, 128);
}

/**
 * BIP-39 checksum of words already known to be in the list: the last ENT/32 bits of the 11-bit
 * indices must be the first bits of sha256(entropy).
 */
function checksumMatches(words: string[]): boolean {
  const bits = words.map((w) => wordlist.indexOf(w).toString(2).padStart(11, '0')).join('');
  const checksumBits = bits.length / 33;
  const entropyBits = bits.slice(0, bits.length - checksumBits);
  const entropy = new Uint8Array(entropyBits.length / 8).map((_, i) => parseInt(entropyBits.slice(i * 8, i * 8 + 8), 2));
  const hash = sha256(entropy, 'bytes');
  const expected = [...hash].map((b) => b.toString(2).padStart(8, '0')).join('').slice(0, checksumBits);
  return expected === bits.slice(bits.length - checksumBits);
}

export function normalizeMnemonic(input: string): string {
  return input.trim().toLowerCase().split(/\s+/).filter(Boolean).join(' ');
}

export function parseMnemonic(input: string): OwnerSecret {
  const phrase = normalizeMnemonic(input);
  const words = phrase ? phrase.split(' ') : [];
  if (!WORD_COUNTS.includes(words.length)) {
    throw new SecretValidationError(`A recovery phrase has 12, 15, 18, 21 or 24 words; this one has ${words.length}.`);
  }
  const unknown = words.findIndex((w) => !wordlist.includes(w));
  if (unknown >= 0) throw new SecretValidationError(`Word ${unknown + 1} (“${words[unknown]}”) is not in the BIP-39 English word list.`);
  if (!checksumMatches(words)) {
    throw new SecretValidationError('The checksum does not match: a word is wrong or the words are out of order.');
  }
  return { kind: 'mnemonic', phrase };
}

export function parsePrivateKey(input: string): OwnerSecret {
  const text = input.trim();
  const hex = (text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text).toLowerCase();
  if (!/^[0-9a-f]*$/.test(hex)) throw new SecretValidationError('A private key is hexadecimal: only 0-9 and a-f.');
  if (hex.length !== 64) throw new SecretValidationError(`A private key has 64 hex characters; this one has ${hex.length}.`);
  const value = hexToBigInt(`0x${hex}`);
  if (value === 0n || value >= SECP256K1_N) throw new SecretValidationError('This is not a valid secp256k1 private key.');
  return { kind: 'privateKey', privateKey: `0x${hex}` };
}

/** Import accepts either; a phrase is recognised by having spaces. */
export function parseOwnerSecret(input: string): OwnerSecret {
  return /\s/.test(input.trim()) ? parseMnemonic(input) : parsePrivateKey(input);
}

/**
 * The owner's key: the private key itself, or BIP-32 m/44'/60'/0'/0/0 of the phrase's BIP-39 seed.
 * The seed (PBKDF2-HMAC-SHA512 of the NFKD phrase, salt "mnemonic", 2,048 rounds) comes from
 * WebCrypto's native PBKDF2: about 5 ms where the JavaScript one took 110-140 ms, paid on every
 * worker restart that needs the owner (issue 15). The same seed: test/unit/owner-secret.test.ts
 * checks the standard first account of a known phrase.
 */
export async function ownerPrivateKey(secret: OwnerSecret): Promise<Hex> {
  if (secret.kind === 'privateKey') return secret.privateKey;
  const utf8 = new TextEncoder();
  const password = await crypto.subtle.importKey('raw', utf8.encode(secret.phrase.normalize('NFKD')), 'PBKDF2', false, ['deriveBits']);
  const seed = new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-512', salt: utf8.encode('mnemonic'), iterations: 2048 }, password, 512));
  try {
    const node = HDKey.fromMasterSeed(seed).derive(OWNER_DERIVATION_PATH);
    if (!node.privateKey) throw new Error('BIP-32 derivation gave no private key.');
    return bytesToHex(node.privateKey);
  } finally {
    seed.fill(0);
  }
}

export function encodeSecret(secret: OwnerSecret): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(secret));
}

export function decodeSecret(bytes: Uint8Array): OwnerSecret {
  const value = JSON.parse(new TextDecoder().decode(bytes)) as OwnerSecret;
  if (value.kind === 'mnemonic') return parseMnemonic(value.phrase);
  if (value.kind === 'privateKey') return parsePrivateKey(value.privateKey);
  throw new Error('Unknown owner secret kind.');
}

// ---------------------------------------------------------------------------------------- password

export const MIN_PASSWORD_LENGTH = 8;
const COMMON = ['password', 'passw0rd', '12345678', '123456789', '1234567890', 'qwertyui', 'qwerty123', 'iloveyou', 'letmein1', 'abcdefgh', 'abc12345', 'sunshine', 'football', 'baseball', 'welcome1', 'admin123', 'trustno1', 'princess', 'dragon12', 'monkey12'];

/** Null when acceptable, else the reason to show. */
export function passwordProblem(password: string, confirmation?: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (COMMON.some((c) => lower.startsWith(c))) return 'This password is among the most common ones; choose another.';
  if (new Set(password).size < 4) return 'Too repetitive: use more different characters.';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (password.length < 12 && classes < 2) return 'Too weak: mix letters with digits or symbols, or use 12+ characters.';
  if (confirmation !== undefined && confirmation !== password) return 'The passwords do not match.';
  return null;
}
