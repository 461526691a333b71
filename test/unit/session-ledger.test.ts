// What the off-chain check counts for sends the wallet has booked and the chain has not counted
// yet (backends/spend.ts withSpend): every kind of allowance, so a burst of sends cannot pass the
// check together and then revert on chain. The check itself is policy.ts covers(), unchanged.
import { encodeFunctionData, erc20Abi, getAddress, parseEther, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { withSpend } from '@/src/backends/spend';
import type { Permission } from '@/src/permissions/kinds';
import type { SessionCall, SessionScope, SessionUsage } from '@/src/permissions/types';
import { covers } from '@/src/sessions/policy';

const ACCOUNT = getAddress('0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
const TOKEN = getAddress('0x23DaD949f5f9aD0552E453A421EBa6ECF9331259');
const TO = getAddress(`0x${'42'.repeat(20)}`);
const NOW = 1_800_000_000;
const scope = (permissions: Permission[], callLimit?: number): SessionScope => ({ account: ACCOUNT, chainId: 31337, expiry: NOW + 3600, permissions, ...(callLimit ? { callLimit } : {}) });
const usage = (over: Partial<SessionUsage> = {}): SessionUsage => ({ nativeSpent: 0n, erc20Spent: {}, callsUsed: 0, now: NOW, disabled: false, ...over });
const eth = (value: bigint): SessionCall => ({ to: TO, value, data: '0x' });
const demo = (amount: bigint): SessionCall => ({ to: TOKEN, value: 0n, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [TO as Address, amount] }) });
const check = (s: SessionScope, u: SessionUsage, calls: SessionCall[]) => covers(s, calls, u, { chainId: 31337 });

describe('booked sends in the usage the check judges', () => {
  it('behavior: a booked send counts its calls, ETH and token transfers against the lifetime allowances', () => {
    const s = scope([{ type: 'native-token-transfer', data: { allowance: parseEther('1') } }, { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: 10n } }], 3);
    const u = withSpend(s, usage({ callsUsed: 1 }), [eth(parseEther('0.6')), demo(7n)]);
    expect(u).toMatchObject({ callsUsed: 3, nativeSpent: parseEther('0.6'), erc20Spent: { [TOKEN]: 7n } });
    expect(check(s, u, [eth(1n)])).toMatchObject({ covered: false, reason: expect.stringMatching(/used all of its 3 calls/) });
  });

  it('behavior: a booked send counts in the current period of a periodic allowance, and a booked send of an earlier period starts the new one', () => {
    const s = scope([{ type: 'native-token-periodic', data: { periodAmount: 100n, periodDuration: 60, startTime: NOW - 600 } }]);
    // This is period 11; the chain last counted 30 wei in it.
    const counted = usage({ periods: { native: { lastPeriod: 11, transferred: 30n } } });
    const booked = withSpend(s, counted, [eth(50n)]);
    expect(booked.periods?.native).toEqual({ lastPeriod: 11, transferred: 80n });
    expect(check(s, booked, [eth(21n)])).toMatchObject({ covered: false });
    expect(check(s, booked, [eth(20n)])).toEqual({ covered: true });
    // The chain's record is of period 10: what is booked now is all of period 11.
    expect(withSpend(s, usage({ periods: { native: { lastPeriod: 10, transferred: 90n } } }), [eth(50n)]).periods?.native).toEqual({ lastPeriod: 11, transferred: 50n });
  });

  it('behavior: a booked token transfer counts against an ERC-20 stream as spent', () => {
    const s = scope([{ type: 'erc20-token-stream', data: { address: TOKEN, amountPerSecond: 1n, initialAmount: 100n, maxAmount: 1000n, startTime: NOW } }]);
    const booked = withSpend(s, usage({ streamed: { erc20: 40n } }), [demo(50n)]);
    expect(booked.streamed?.erc20).toBe(90n);
    expect(check(s, booked, [demo(11n)])).toMatchObject({ covered: false });
    expect(check(s, booked, [demo(10n)])).toEqual({ covered: true });
  });

  it('param: nothing booked leaves the usage as the chain gave it', () => {
    const u = usage({ callsUsed: 2 });
    expect(withSpend(scope([]), u, [])).toBe(u);
  });
});
