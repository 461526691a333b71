// The owner vault: create or import, lock and unlock, auto-lock, and the owner's signing account.
//
// At rest (storage.local): only the encrypted vault, the owner address, the attempt counter, the
// auto-lock setting and the sealing key wrapped under the vault key (sealing-key.ts).
// While unlocked, the derived AES key sits in storage.session, which the browser keeps in memory
// only, never hands to content scripts, and clears when the browser closes. That is what lets a
// restarted service worker (Chrome stops it after 30 s idle) keep serving an unlocked wallet until
// its lock time without asking for the password again, and keeps a locked wallet locked.
//
// The vault key also unwraps the sealing key (sealing-key.ts) at create and unlock. Locking forgets
// the vault key, not the sealing key: sessions keep working while the wallet is locked, until the
// browser restarts.
import { browser } from 'wxt/browser';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { isAddressEqual, type Address } from 'viem';
import { RpcError, UnauthorizedError } from '../errors';
import { provideSealingKey, sealingKeyAvailable, wrapOpenSealingKey } from './sealing-key';
import { decodeSecret, encodeSecret, ownerPrivateKey, passwordProblem, type OwnerSecret } from './owner-secret';
import {
  assertVaultShape,
  decryptVault,
  decryptWithKey,
  encryptVault,
  exportKey,
  importKey,
  WrongPasswordError,
  type EncryptedVault,
} from './vault-crypto';

export const DEFAULT_AUTO_LOCK_MINUTES = 15;
export const AUTO_LOCK_ALARM = 'vault-auto-lock';
/** Wrong passwords beyond this many wait 2, 4, 8 … seconds (at most 5 minutes) before the next try. */
const FREE_ATTEMPTS = 3;
const MAX_BACKOFF_MS = 5 * 60_000;

const KEYS = {
  vault: 'vault',
  meta: 'vault.meta',
  attempts: 'vault.attempts',
  settings: 'vault.settings',
  unlocked: 'vault.unlocked', // storage.session only
} as const;

export interface VaultMeta {
  address: Address;
  kind: OwnerSecret['kind'];
  createdAt: number;
}

export type VaultState =
  | { status: 'uninitialized' }
  | { status: 'locked'; address: Address; retryAt: number | null }
  | { status: 'unlocked'; address: Address; lockAt: number; autoLockMinutes: number };

interface Attempts {
  failures: number;
  retryAt: number;
}

interface UnlockedRecord {
  key: string;
  lockAt: number;
}

export class WalletLockedError extends UnauthorizedError {
  constructor() {
    super('The wallet is locked. Unlock it in the wallet popup.');
  }
}

export class WrongPasswordRpcError extends RpcError {
  constructor(retryAt: number | null) {
    super(4100, 'Wrong password.', retryAt ? { retryAt } : undefined);
  }
}

export class TooManyAttemptsError extends RpcError {
  constructor(retryAt: number) {
    const seconds = Math.max(1, Math.ceil((retryAt - Date.now()) / 1000));
    super(-32005, `Too many wrong passwords. Try again in ${seconds} s.`, { retryAt });
  }
}

export class VaultInputError extends RpcError {
  constructor(message: string) {
    super(-32602, message);
  }
}

export interface VaultOptions {
  now?: () => number;
  /** Lower only in unit tests; production always uses the constant in vault-crypto. */
  kdfIterations?: number;
  /**
   * Runs after each successful unlock, once the sealing key is available (the background re-seals
   * there what an older version sealed with the IndexedDB device key). Its failure does not fail
   * the unlock: it is tried again at the next one.
   */
  onUnlock?: () => Promise<void>;
}

export class Vault {
  private account: PrivateKeyAccount | null = null;
  private readonly now: () => number;
  private readonly iterations: number | undefined;
  private readonly onUnlock: (() => Promise<void>) | undefined;

  constructor(options: VaultOptions = {}) {
    this.now = options.now ?? Date.now;
    this.iterations = options.kdfIterations;
    this.onUnlock = options.onUnlock;
  }

  async state(): Promise<VaultState> {
    const meta = await this.meta();
    if (!meta) return { status: 'uninitialized' };
    const account = await this.restore();
    if (account) {
      const unlocked = (await browser.storage.session.get(KEYS.unlocked))[KEYS.unlocked] as UnlockedRecord;
      return { status: 'unlocked', address: meta.address, lockAt: unlocked.lockAt, autoLockMinutes: await this.autoLockMinutes() };
    }
    const attempts = await this.attempts();
    return { status: 'locked', address: meta.address, retryAt: attempts.retryAt > this.now() ? attempts.retryAt : null };
  }

  /** Creates the vault from a new or imported secret. Refuses to overwrite an existing one. */
  async create(secret: OwnerSecret, password: string, confirmation: string): Promise<Address> {
    if (await this.meta()) throw new VaultInputError('A wallet already exists. Reset it first to replace it.');
    const problem = passwordProblem(password, confirmation);
    if (problem) throw new VaultInputError(problem);
    const account = privateKeyToAccount(await ownerPrivateKey(secret));
    const { vault, key } = await encryptVault(password, encodeSecret(secret), this.iterations);
    const meta: VaultMeta = { address: account.address, kind: secret.kind, createdAt: this.now() };
    await browser.storage.local.set({ [KEYS.vault]: vault, [KEYS.meta]: meta, [KEYS.attempts]: { failures: 0, retryAt: 0 } });
    await provideSealingKey(key, { fresh: true });
    await this.keepUnlocked(key, account);
    return account.address;
  }

  async unlock(password: string): Promise<Address> {
    const { secret, key } = await this.checkPassword(password, 'There is no wallet to unlock yet.');
    const account = privateKeyToAccount(await ownerPrivateKey(secret));
    await provideSealingKey(key);
    await this.keepUnlocked(key, account);
    await this.onUnlock?.().catch((error: unknown) => console.warn('[wallet] after-unlock step failed; it runs again at the next unlock', error));
    return account.address;
  }

  /**
   * The owner's recovery phrase (or private key), for the owner to write down: the one secret that
   * leaves the background, only to the wallet's own Settings page and only for the password (with
   * the unlock's wrong-password backoff).
   */
  async revealSecret(password: string): Promise<OwnerSecret> {
    return (await this.checkPassword(password, 'There is no wallet yet.')).secret;
  }

  /** A new password for the same secret; the sealing key moves with it, so sessions keep working. */
  async changePassword(current: string, password: string, confirmation: string): Promise<void> {
    const problem = passwordProblem(password, confirmation);
    if (problem) throw new VaultInputError(problem);
    const { secret, key: oldKey } = await this.checkPassword(current, 'There is no wallet yet.');
    await provideSealingKey(oldKey); // open under the old key, to be wrapped under the new one
    const { vault, key } = await encryptVault(password, encodeSecret(secret), this.iterations);
    const wrapped = await wrapOpenSealingKey(key);
    await browser.storage.local.set({ [KEYS.vault]: vault, ...(wrapped ?? {}) });
    await this.keepUnlocked(key, privateKeyToAccount(await ownerPrivateKey(secret)));
  }

  /** Decrypts the vault with `password`, counting wrong ones (backoff after FREE_ATTEMPTS). */
  private async checkPassword(password: string, noWallet: string): Promise<{ secret: OwnerSecret; key: CryptoKey }> {
    const meta = await this.meta();
    if (!meta) throw new VaultInputError(noWallet);
    const attempts = await this.attempts();
    if (attempts.retryAt > this.now()) throw new TooManyAttemptsError(attempts.retryAt);
    const stored = (await browser.storage.local.get(KEYS.vault))[KEYS.vault] as EncryptedVault;
    assertVaultShape(stored);
    try {
      const { plaintext, key } = await decryptVault(password, stored);
      const secret = decodeSecret(plaintext);
      plaintext.fill(0);
      await browser.storage.local.set({ [KEYS.attempts]: { failures: 0, retryAt: 0 } });
      return { secret, key };
    } catch (error) {
      if (!(error instanceof WrongPasswordError)) throw error;
      const failures = attempts.failures + 1;
      const backoff = failures > FREE_ATTEMPTS ? Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - FREE_ATTEMPTS)) : 0;
      const retryAt = backoff ? this.now() + backoff : 0;
      await browser.storage.local.set({ [KEYS.attempts]: { failures, retryAt } });
      throw new WrongPasswordRpcError(retryAt || null);
    }
  }

  /**
   * Forgotten password: the recovery phrase (or private key) of THIS wallet's account replaces the
   * vault under a new password. A secret for another account is refused: switching accounts is
   * Remove wallet, which ends what the old one granted. The phrase is the secret itself, so the
   * wrong-password backoff does not apply. Session keys are sealed under a key wrapped by the old
   * password: if the wallet was unlocked since the browser started, that key is open and is moved to
   * the new password (`sessionKeysKept`); otherwise it is lost with the old password and a new one
   * is made: the caller ends the old sessions.
   */
  async recover(secret: OwnerSecret, password: string, confirmation: string): Promise<{ address: Address; sessionKeysKept: boolean }> {
    const meta = await this.meta();
    if (!meta) throw new VaultInputError('There is no wallet to restore here. Import it instead.');
    const problem = passwordProblem(password, confirmation);
    if (problem) throw new VaultInputError(problem);
    const account = privateKeyToAccount(await ownerPrivateKey(secret));
    if (!isAddressEqual(account.address, meta.address)) {
      throw new VaultInputError(
        `This recovery phrase opens the account ${account.address}, not this wallet's ${meta.address}. Check the words, or remove this wallet first to use another account.`,
      );
    }
    const { vault, key } = await encryptVault(password, encodeSecret(secret), this.iterations);
    const wrapped = await wrapOpenSealingKey(key);
    // The vault and the re-wrapped sealing key in one write: never a vault whose key cannot open it.
    await browser.storage.local.set({ [KEYS.vault]: vault, [KEYS.meta]: { ...meta, kind: secret.kind }, [KEYS.attempts]: { failures: 0, retryAt: 0 }, ...(wrapped ?? {}) });
    if (!wrapped) await provideSealingKey(key, { fresh: true });
    await this.keepUnlocked(key, account);
    return { address: account.address, sessionKeysKept: wrapped !== null };
  }

  async lock(): Promise<void> {
    this.account = null;
    await browser.storage.session.remove(KEYS.unlocked);
    await browser.alarms.clear(AUTO_LOCK_ALARM);
  }

  /**
   * Deletes the wallet from this browser. Only the recovery phrase or key brings it back. The
   * caller (background/reset.ts) has checked the password and ended what the wallet granted first.
   */
  async reset(): Promise<void> {
    await this.lock();
    await browser.storage.local.remove([KEYS.vault, KEYS.meta, KEYS.attempts, KEYS.settings]);
  }

  /** The owner's signing account; throws 4100 when locked. Using it pushes the auto-lock back. */
  async ownerAccount(): Promise<PrivateKeyAccount> {
    const account = await this.restore();
    if (!account) throw new WalletLockedError();
    await this.touch();
    return account;
  }

  async ownerAddress(): Promise<Address | null> {
    return (await this.meta())?.address ?? null;
  }

  async setAutoLockMinutes(minutes: number): Promise<void> {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) throw new VaultInputError('Auto-lock must be between 1 minute and 24 hours.');
    await browser.storage.local.set({ [KEYS.settings]: { autoLockMinutes: minutes } });
    if (await this.restore()) await this.touch();
  }

  async autoLockMinutes(): Promise<number> {
    const settings = (await browser.storage.local.get(KEYS.settings))[KEYS.settings] as { autoLockMinutes?: number } | undefined;
    return settings?.autoLockMinutes ?? DEFAULT_AUTO_LOCK_MINUTES;
  }

  /** Called by the alarm: locks if the lock time has passed (alarms may fire late, never early enough to matter). */
  async onAlarm(name: string): Promise<void> {
    if (name !== AUTO_LOCK_ALARM) return;
    const record = (await browser.storage.session.get(KEYS.unlocked))[KEYS.unlocked] as UnlockedRecord | undefined;
    if (!record || record.lockAt <= this.now()) await this.lock();
  }

  // ------------------------------------------------------------------------------------ internals

  private async meta(): Promise<VaultMeta | null> {
    return ((await browser.storage.local.get(KEYS.meta))[KEYS.meta] as VaultMeta | undefined) ?? null;
  }

  private async attempts(): Promise<Attempts> {
    return ((await browser.storage.local.get(KEYS.attempts))[KEYS.attempts] as Attempts | undefined) ?? { failures: 0, retryAt: 0 };
  }

  private async keepUnlocked(key: CryptoKey, account: PrivateKeyAccount): Promise<void> {
    this.account = account;
    const lockAt = this.now() + (await this.autoLockMinutes()) * 60_000;
    const record: UnlockedRecord = { key: await exportKey(key), lockAt };
    await browser.storage.session.set({ [KEYS.unlocked]: record });
    await browser.alarms.create(AUTO_LOCK_ALARM, { when: lockAt });
  }

  private async touch(): Promise<void> {
    const record = (await browser.storage.session.get(KEYS.unlocked))[KEYS.unlocked] as UnlockedRecord | undefined;
    if (!record) return;
    const lockAt = this.now() + (await this.autoLockMinutes()) * 60_000;
    await browser.storage.session.set({ [KEYS.unlocked]: { ...record, lockAt } });
    await browser.alarms.create(AUTO_LOCK_ALARM, { when: lockAt });
  }

  /** The unlocked account, rebuilt from storage.session after a worker restart; null when locked or past the lock time. */
  private async restore(): Promise<PrivateKeyAccount | null> {
    const record = (await browser.storage.session.get(KEYS.unlocked))[KEYS.unlocked] as UnlockedRecord | undefined;
    if (!record) {
      this.account = null;
      return null;
    }
    if (record.lockAt <= this.now()) {
      await this.lock();
      return null;
    }
    if (this.account) return this.account;
    const stored = (await browser.storage.local.get(KEYS.vault))[KEYS.vault] as EncryptedVault | undefined;
    if (!stored) return null;
    const key = await importKey(record.key);
    const plaintext = await decryptWithKey(key, stored);
    this.account = privateKeyToAccount(await ownerPrivateKey(decodeSecret(plaintext)));
    plaintext.fill(0);
    // Unlocked but no sealing key in memory: only a wallet unlocked by a version before the sealing key.
    if (!(await sealingKeyAvailable())) await provideSealingKey(key);
    return this.account;
  }
}
