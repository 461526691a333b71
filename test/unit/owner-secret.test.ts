import { describe, expect, it } from 'vitest';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { newMnemonic, ownerPrivateKey, parseMnemonic, parseOwnerSecret, parsePrivateKey, passwordProblem } from '@/src/vault/owner-secret';

// The well-known anvil/hardhat development mnemonic: its first account is public knowledge.
const ANVIL_DEV_MNEMONIC = 'test test test test test test test test test test test junk';
const ANVIL_DEV_ACCOUNT_0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

describe('owner secret', () => {
  it('behavior: a phrase derives the standard first account (m/44\'/60\'/0\'/0/0)', async () => {
    const secret = parseMnemonic(`  ${ANVIL_DEV_MNEMONIC.toUpperCase().replace(/ /g, '   ')} `);
    expect(privateKeyToAccount(await ownerPrivateKey(secret)).address).toBe(ANVIL_DEV_ACCOUNT_0);
  });

  it('behavior: new phrases are 12 valid words, different each time', () => {
    const a = newMnemonic();
    expect(a.split(' ')).toHaveLength(12);
    expect(() => parseMnemonic(a)).not.toThrow();
    expect(newMnemonic()).not.toBe(a);
  });

  it('param: the owner key of 12- and 24-word phrases is the one viem\'s own BIP-39/32 code derives', async () => {
    for (const phrase of [newMnemonic(), `${'abandon '.repeat(23)}art`, 'legal winner thank year wave sausage worth useful legal winner thank yellow']) {
      expect(privateKeyToAccount(await ownerPrivateKey(parseMnemonic(phrase))).address).toBe(mnemonicToAccount(phrase).address);
    }
  });

  it('param: the checksum is checked for every length (BIP-39 vectors of 12 and 24 words)', () => {
    expect(parseMnemonic(`${'abandon '.repeat(11)}about`).kind).toBe('mnemonic');
    expect(parseMnemonic(`${'abandon '.repeat(23)}art`).kind).toBe('mnemonic');
    expect(() => parseMnemonic(`${'abandon '.repeat(23)}about`)).toThrow(/checksum does not match/);
  });

  it.each([
    ['test test test', /12, 15, 18, 21 or 24 words; this one has 3/],
    ['test test test test test test test test test test test jank', /Word 12 \(“jank”\)/],
    ['test test test test test test test test test test junk test', /checksum does not match/],
    ['', /this one has 0/],
  ])('error: phrase %j -> %s', (input, message) => {
    expect(() => parseMnemonic(input)).toThrow(message);
  });

  it.each([
    ['0x12', /64 hex characters; this one has 2/],
    ['0xzz' + '1'.repeat(62), /only 0-9 and a-f/],
    ['0x' + '0'.repeat(64), /not a valid secp256k1/],
    ['0x' + 'f'.repeat(64), /not a valid secp256k1/],
  ])('error: private key %j -> %s', (input, message) => {
    expect(() => parsePrivateKey(input)).toThrow(message);
  });

  it('param: keys with or without 0x, any case; import tells a phrase from a key', () => {
    const key = 'AC0974BEC39A17E36BA4A6B4D238FF944BACB478CBED5EFCAE784D7BF4F2FF80';
    expect(parsePrivateKey(key)).toEqual({ kind: 'privateKey', privateKey: `0x${key.toLowerCase()}` });
    expect(parseOwnerSecret(`0x${key}`).kind).toBe('privateKey');
    expect(parseOwnerSecret(ANVIL_DEV_MNEMONIC).kind).toBe('mnemonic');
  });

  it.each([
    ['short', 'short', /at least 8/],
    ['password123', 'password123', /most common/],
    ['aaaaaaaaaaaa', 'aaaaaaaaaaaa', /repetitive/],
    ['abcdefgxyz', 'abcdefgxyz', /Too weak/],
    ['Correct-Horse-9', 'Correct-Horse-8', /do not match/],
  ])('error: password %j is refused', (pw, confirm, message) => {
    expect(passwordProblem(pw, confirm)).toMatch(message);
  });

  it('behavior: a decent password passes', () => {
    expect(passwordProblem('Correct-Horse-9', 'Correct-Horse-9')).toBeNull();
    expect(passwordProblem('a long passphrase of words')).toBeNull();
  });
});
