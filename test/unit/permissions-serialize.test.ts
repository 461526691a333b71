import { describe, expect, it } from 'vitest';
import { toFunctionSelector, type Address } from 'viem';
import { PermissionError } from '@/src/permissions/errors';
import { deserializeScope, deserializeUsage, serializeScope, serializeUsage } from '@/src/permissions/serialize';
import type { SessionScope, SessionUsage } from '@/src/permissions/types';
import { parseSessionScope } from '@/src/permissions/validate';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const GAME: Address = '0x23DaD949f5f9aD0552E453A421EBa6ECF9331259';
const TOKEN: Address = '0xAde078291A13b081F19A4a0636A91712Ac1A304C';
const NOW = 1_750_000_000;

const scope: SessionScope = parseSessionScope(
  {
    expiry: NOW + 600,
    callLimit: 7,
    permissions: [
      { type: 'native-token-transfer', data: { allowance: (2n ** 255n).toString() } },
      { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '1' } },
      { type: 'gas-limit', data: { limit: '0x5208' } },
      { type: 'account-functions', data: { functions: ['addDeposit()', '0xd087d288'] } },
      { type: 'functions-on-contract', data: { address: GAME, functions: ['move(uint8)', 'buyItem(uint256 id)'] } },
    ],
  },
  { account: ACCOUNT, chainId: 31337, now: NOW },
);

describe('serialize', () => {
  it('behavior: a scope survives JSON both ways, bigints as decimal strings', () => {
    const json = JSON.parse(JSON.stringify(serializeScope(scope))) as unknown;
    expect(json).toMatchObject({
      version: 1,
      account: ACCOUNT,
      chainId: 31337,
      expiry: NOW + 600,
      callLimit: 7,
      permissions: [
        { type: 'native-token-transfer', data: { allowance: (2n ** 255n).toString() } },
        { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '1' } },
        { type: 'gas-limit', data: { limit: '21000' } },
        { type: 'account-functions', data: { functions: [{ selector: '0x4a58db19', signature: 'addDeposit()' }, { selector: '0xd087d288' }] } },
        { type: 'functions-on-contract', data: { address: GAME, functions: [{ selector: '0x70e87aaf', signature: 'move(uint8)' }, { selector: toFunctionSelector('buyItem(uint256)'), signature: 'buyItem(uint256)' }] } },
      ],
    });
    expect(deserializeScope(json)).toEqual(scope);
    expect(structuredClone(serializeScope(scope))).toEqual(serializeScope(scope));
  });

  it.each<[string, SessionScope['permissions']]>([
    ['root', [{ type: 'root' }]],
    ['contract-access', [{ type: 'contract-access', data: { address: GAME } }]],
    ['functions-on-all-contracts', [{ type: 'functions-on-all-contracts', data: { functions: [{ selector: '0x70e87aaf' }] } }]],
  ])('behavior: round trip of %s without a call limit', (_name, permissions) => {
    const s: SessionScope = { account: ACCOUNT, chainId: 1, expiry: NOW, permissions };
    const json = JSON.parse(JSON.stringify(serializeScope(s))) as unknown;
    expect(json).not.toHaveProperty('callLimit');
    expect(deserializeScope(json)).toEqual(s);
  });

  it('behavior: an expired scope still loads (the clock is not checked on load)', () => {
    expect(deserializeScope(serializeScope({ ...scope, expiry: 1 })).expiry).toBe(1);
  });

  it.each<[string, (j: Record<string, unknown>) => unknown, RegExp]>([
    ['unknown version', (j) => ({ ...j, version: 2 }), /stored session: unknown version 2/],
    ['bad account', (j) => ({ ...j, account: 'me' }), /stored session: account is not an address/],
    ['bad chain', (j) => ({ ...j, chainId: '1' }), /chainId is not a whole number/],
    ['hex amount tampered to zero', (j) => ({ ...j, permissions: [{ type: 'native-token-transfer', data: { allowance: '0' } }] }), /must be more than 0/],
    ['tampered into root + more', (j) => ({ ...j, permissions: [{ type: 'root' }, { type: 'contract-access', data: { address: GAME } }] }), /root already allows every call/],
    ['not an object', () => null, /stored session: scope is not an object/],
  ])('error: %s', (_name, tamper, message) => {
    const json = JSON.parse(JSON.stringify(serializeScope(scope))) as Record<string, unknown>;
    expect(() => deserializeScope(tamper(json))).toThrow(PermissionError);
    expect(() => deserializeScope(tamper(json))).toThrow(message);
  });

  it('behavior: usage round trip', () => {
    const usage: SessionUsage = { nativeSpent: 10n ** 30n, erc20Spent: { [TOKEN]: 5n }, callsUsed: 3, now: NOW, disabled: true };
    const json = JSON.parse(JSON.stringify(serializeUsage(usage))) as unknown;
    expect(json).toEqual({ nativeSpent: '1000000000000000000000000000000', erc20Spent: { [TOKEN]: '5' }, callsUsed: 3, now: NOW, disabled: true });
    expect(deserializeUsage(json)).toEqual(usage);
    expect(() => deserializeUsage({ ...(json as object), nativeSpent: '-1' })).toThrow(/nativeSpent is not a decimal string/);
  });

  it('behavior: the period and stream records, and redeemers, survive JSON both ways', () => {
    const usage: SessionUsage = {
      nativeSpent: 0n,
      erc20Spent: {},
      callsUsed: 0,
      now: NOW,
      disabled: false,
      periods: { native: { lastPeriod: 3, transferred: 10n ** 20n } },
      streamed: { erc20: 7n },
    };
    const json = JSON.parse(JSON.stringify(serializeUsage(usage))) as unknown;
    expect(json).toMatchObject({ periods: { native: { lastPeriod: 3, transferred: '100000000000000000000' } }, streamed: { erc20: '7' } });
    expect(deserializeUsage(json)).toEqual(usage);
    const withRedeemers: SessionScope = { ...scope, redeemers: [GAME] };
    expect(deserializeScope(JSON.parse(JSON.stringify(serializeScope(withRedeemers))))).toEqual(withRedeemers);
  });
});
