import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { parseMnemonic, parsePrivateKey } from '@/src/vault/owner-secret';
import { AUTO_LOCK_ALARM, Vault } from '@/src/vault/vault';
import { decryptVault, encryptVault, PBKDF2_ITERATIONS } from '@/src/vault/vault-crypto';

// Well-known anvil development key #1 (public; never holds real funds).
const ANVIL_DEV_KEY_1 = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const ANVIL_DEV_ADDRESS_1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const PW = 'Correct-Horse-9';

/** Everything the extension's storage areas hold, as one string to search. */
async function allStorage(): Promise<string> {
  return JSON.stringify([await fakeBrowser.storage.local.get(), await fakeBrowser.storage.session.get()]);
}

let clock = 1_000_000;
const now = () => clock;
// Fewer PBKDF2 rounds keep unit tests fast; the production count is asserted below.
const makeVault = () => new Vault({ now, kdfIterations: 1000 });

describe('vault crypto', () => {
  it('behavior: round-trips, with a fresh salt and IV each time, at the production iteration count by default', async () => {
    const a = await encryptVault('pw-1', new TextEncoder().encode('secret'));
    expect(a.vault.kdf).toMatchObject({ name: 'PBKDF2', hash: 'SHA-256', iterations: PBKDF2_ITERATIONS });
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    const b = await encryptVault('pw-1', new TextEncoder().encode('secret'), 1000);
    expect(a.vault.kdf.salt).not.toBe(b.vault.kdf.salt);
    expect(a.vault.cipher.iv).not.toBe(b.vault.cipher.iv);
    expect(new TextDecoder().decode((await decryptVault('pw-1', b.vault)).plaintext)).toBe('secret');
    await expect(decryptVault('pw-2', b.vault)).rejects.toThrow('Wrong password');
  });

  it('error: a tampered ciphertext is refused', async () => {
    const { vault } = await encryptVault('pw', new TextEncoder().encode('secret'), 1000);
    const bytes = atob(vault.ciphertext);
    const tampered = { ...vault, ciphertext: btoa(String.fromCharCode(bytes.charCodeAt(0) ^ 1) + bytes.slice(1)) };
    await expect(decryptVault('pw', tampered)).rejects.toThrow('Wrong password');
  });
});

describe('vault', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    clock = 1_000_000;
  });

  it('behavior: import, lock, unlock; the secret is never stored in plain text', async () => {
    const vault = makeVault();
    expect(await vault.state()).toEqual({ status: 'uninitialized' });
    expect(await vault.create(parsePrivateKey(ANVIL_DEV_KEY_1), PW, PW)).toBe(ANVIL_DEV_ADDRESS_1);
    expect(await vault.state()).toMatchObject({ status: 'unlocked', address: ANVIL_DEV_ADDRESS_1 });
    expect((await vault.ownerAccount()).address).toBe(ANVIL_DEV_ADDRESS_1);
    const stored = await allStorage();
    expect(stored).not.toContain(ANVIL_DEV_KEY_1.slice(2));
    await vault.lock();
    expect(await vault.state()).toMatchObject({ status: 'locked' });
    await expect(vault.ownerAccount()).rejects.toMatchObject({ code: 4100 });
    await vault.unlock(PW);
    expect((await vault.ownerAccount()).address).toBe(ANVIL_DEV_ADDRESS_1);
    expect(await allStorage()).not.toContain(ANVIL_DEV_KEY_1.slice(2));
  });

  it('behavior: a mnemonic is never stored in plain text, not even one word in a row with the next', async () => {
    const phrase = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
    await makeVault().create(parseMnemonic(phrase), PW, PW);
    const stored = await allStorage();
    expect(stored).not.toContain('legal winner');
    expect(stored).not.toContain('sausage');
  });

  it('behavior: a new worker (fresh Vault object) serves an unlocked wallet without the password', async () => {
    await makeVault().create(parsePrivateKey(ANVIL_DEV_KEY_1), PW, PW);
    const restarted = makeVault();
    expect((await restarted.ownerAccount()).address).toBe(ANVIL_DEV_ADDRESS_1);
  });

  it('behavior: a locked wallet stays locked in a new worker', async () => {
    const v = makeVault();
    await v.create(parsePrivateKey(ANVIL_DEV_KEY_1), PW, PW);
    await v.lock();
    await expect(makeVault().ownerAccount()).rejects.toMatchObject({ code: 4100 });
  });

  it('behavior: auto-lock after the idle time; use pushes it back', async () => {
    const v = makeVault();
    await v.setAutoLockMinutes(5);
    await v.create(parsePrivateKey(ANVIL_DEV_KEY_1), PW, PW);
    expect(await fakeBrowser.alarms.get(AUTO_LOCK_ALARM)).toMatchObject({ scheduledTime: clock + 5 * 60_000 });
    clock += 4 * 60_000;
    await v.ownerAccount(); // activity
    clock += 4 * 60_000;
    expect((await v.state()).status).toBe('unlocked');
    clock += 2 * 60_000;
    await v.onAlarm(AUTO_LOCK_ALARM);
    expect((await v.state()).status).toBe('locked');
  });

  it('error: wrong password changes nothing, and repeated ones are slowed down', async () => {
    const v = makeVault();
    await v.create(parsePrivateKey(ANVIL_DEV_KEY_1), PW, PW);
    await v.lock();
    const before = JSON.stringify(await fakeBrowser.storage.local.get('vault'));
    for (let i = 0; i < 3; i++) await expect(v.unlock('nope-nope-1')).rejects.toMatchObject({ code: 4100, message: 'Wrong password.' });
    await expect(v.unlock('nope-nope-1')).rejects.toMatchObject({ code: 4100 }); // 4th: sets a 2 s wait
    await expect(v.unlock(PW)).rejects.toMatchObject({ code: -32005, message: /Try again in 2 s/ });
    clock += 2_000;
    await v.unlock(PW);
    expect(JSON.stringify(await fakeBrowser.storage.local.get('vault'))).toBe(before);
    expect((await v.state()).status).toBe('unlocked');
  });

  it.each([
    ['weak password', 'short', 'short', /at least 8/],
    ['mismatch', PW, `${PW}x`, /do not match/],
  ])('error: %s creates nothing', async (_n, pw, confirm, message) => {
    const v = makeVault();
    await expect(v.create(parsePrivateKey(ANVIL_DEV_KEY_1), pw, confirm)).rejects.toMatchObject({ code: -32602, message });
    expect(await v.state()).toEqual({ status: 'uninitialized' });
  });

  it('error: a second create does not overwrite the first wallet', async () => {
    const v = makeVault();
    await v.create(parsePrivateKey(ANVIL_DEV_KEY_1), PW, PW);
    await expect(v.create(parseMnemonic('test test test test test test test test test test test junk'), PW, PW)).rejects.toThrow(/already exists/);
    expect(await v.ownerAddress()).toBe(ANVIL_DEV_ADDRESS_1);
  });
});
