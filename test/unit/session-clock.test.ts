// The session clock (chains/clock.ts): expiry is judged by the later of the latest block's time and
// this machine's clock minus a margin, so an idle chain (no blocks for minutes) neither freezes a
// countdown nor ends a fresh session at once; the block still wins when the chain is ahead. With
// fake clocks: vitest's (Date.now) and explicit wall-clock readings.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeFunctionData, parseAbi, type Address } from 'viem';
import { listClocks, sessionClock, WALL_CLOCK_MARGIN_SECONDS } from '@/src/chains/clock';
import type { SessionCall, SessionUsage } from '@/src/permissions/types';
import { parseSessionScope } from '@/src/permissions/validate';
import { covers, DEFAULT_EXPIRY_MARGIN_SECONDS } from '@/src/sessions/policy';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const GAME: Address = '0x23DaD949f5f9aD0552E453A421EBa6ECF9331259';
/** This machine's clock in the tests, in seconds. */
const WALL = 1_780_000_000;
const ms = (seconds: number) => seconds * 1000;
const move: SessionCall = { to: GAME, value: 0n, data: encodeFunctionData({ abi: parseAbi(['function move(uint8)']), functionName: 'move', args: [1] }) };

/** A session granted at `grantedAt` (session clock) for `seconds`. */
const scopeFor = (grantedAt: number, seconds: number) =>
  parseSessionScope({ expiry: grantedAt + seconds, permissions: [{ type: 'functions-on-contract', data: { address: GAME, functions: ['move(uint8)'] } }] }, { account: ACCOUNT, chainId: 31337, now: grantedAt });
const usageAt = (blockTime: number): SessionUsage => ({ nativeSpent: 0n, erc20Spent: {}, callsUsed: 0, now: blockTime, disabled: false });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(ms(WALL));
});
afterEach(() => vi.useRealTimers());

describe('sessionClock', () => {
  it('behavior: on an idle chain (last block 2 minutes old) it is the wall clock minus the margin', () => {
    expect(sessionClock(WALL - 120)).toBe(WALL - WALL_CLOCK_MARGIN_SECONDS);
    vi.advanceTimersByTime(10_000);
    expect(sessionClock(WALL - 120)).toBe(WALL + 10 - WALL_CLOCK_MARGIN_SECONDS);
  });

  it('behavior: a chain ahead of the wall clock (a devnet moved forward) keeps its own time', () => {
    expect(sessionClock(WALL + 3600)).toBe(WALL + 3600);
  });

  it('behavior: a block just mined, within the margin of the wall clock, is the time', () => {
    expect(sessionClock(WALL - 2)).toBe(WALL - 2);
  });

  it('param: no block time (the node did not answer): the wall clock minus the margin', () => {
    expect(sessionClock(null)).toBe(WALL - WALL_CLOCK_MARGIN_SECONDS);
    expect(sessionClock(undefined, ms(WALL + 7))).toBe(WALL + 7 - WALL_CLOCK_MARGIN_SECONDS);
  });

  it('param: the margin stays inside the send margin, so a session stops signing before its expiry on an idle chain', () => {
    expect(WALL_CLOCK_MARGIN_SECONDS).toBeGreaterThan(0);
    expect(WALL_CLOCK_MARGIN_SECONDS).toBeLessThan(DEFAULT_EXPIRY_MARGIN_SECONDS);
  });
});

describe('listClocks (the popup between its reads of the list)', () => {
  it('behavior: on an idle chain the countdown moves every second on the wall clock, and is not reset by the next read', () => {
    // The list was read with the last block two minutes old; a one-minute session granted now.
    const expiry = WALL + 60;
    let read = { blockTime: WALL - 120, readAtMs: Date.now() };
    const left = () => expiry - listClocks(read).countdown;
    expect(left()).toBe(60);
    vi.advanceTimersByTime(1000);
    expect(left()).toBe(59);
    vi.advanceTimersByTime(4000);
    expect(left()).toBe(55);
    // The next read: the chain still has not mined. The countdown goes on from where it was.
    read = { blockTime: WALL - 120, readAtMs: Date.now() };
    expect(left()).toBe(55);
    vi.advanceTimersByTime(1000);
    expect(left()).toBe(54);
  });

  it('behavior: "expired" comes as the background decides it: at 0 s on the countdown the session is not yet expired, WALL_CLOCK_MARGIN_SECONDS later it is', () => {
    const expiry = WALL + 60;
    const read = { blockTime: WALL - 120, readAtMs: Date.now() };
    vi.advanceTimersByTime(60_000);
    expect(expiry - listClocks(read).countdown).toBe(0);
    expect(expiry <= listClocks(read).session).toBe(false);
    vi.advanceTimersByTime(WALL_CLOCK_MARGIN_SECONDS * 1000);
    expect(expiry <= listClocks(read).session).toBe(true);
    expect(listClocks(read).session).toBe(sessionClock(WALL - 120));
  });

  it('behavior: a chain ahead of the wall clock counts down from its own time, carried forward between reads', () => {
    const read = { blockTime: WALL + 3600, readAtMs: Date.now() };
    vi.advanceTimersByTime(2000);
    expect(listClocks(read)).toEqual({ countdown: WALL + 3602, session: WALL + 3602 });
  });

  it('param: no block time (the node did not answer): the wall clock', () => {
    expect(listClocks({ blockTime: null, readAtMs: Date.now() })).toEqual({ countdown: WALL, session: WALL - WALL_CLOCK_MARGIN_SECONDS });
  });
});

describe('covers with the wall clock', () => {
  it('behavior: a fresh one-minute session on an idle chain is covered within its minute, not expired at once', () => {
    // The last block is two minutes old; the session is granted now (chainNow: the wall clock).
    const block = WALL - 120;
    const scope = scopeFor(WALL, 60);
    expect(covers(scope, [move], usageAt(block), { chainId: 31337, wallClockMs: Date.now() })).toEqual({ covered: true });
    vi.advanceTimersByTime(20_000);
    expect(covers(scope, [move], usageAt(block), { chainId: 31337, wallClockMs: Date.now() })).toEqual({ covered: true });
  });

  it('error: past its expiry on the wall clock (minus the margin) it is expired, though the idle chain\'s last block is older', () => {
    const block = WALL - 120;
    const scope = scopeFor(WALL, 60);
    vi.advanceTimersByTime((60 + WALL_CLOCK_MARGIN_SECONDS) * 1000);
    expect(covers(scope, [move], usageAt(block), { chainId: 31337, wallClockMs: Date.now() })).toMatchObject({ covered: false, reason: 'the session has expired' });
    // The chain's last word alone would still call it live: the wall clock is what ends it.
    expect(covers(scope, [move], usageAt(block), { chainId: 31337, expiryMarginSeconds: 0 })).toEqual({ covered: true });
  });

  it('error: inside the send margin on the wall clock it is refused, with the seconds left on the session clock', () => {
    const block = WALL - 120;
    const scope = scopeFor(WALL, 60);
    vi.advanceTimersByTime(45_000); // 20 s left on the session clock: inside the 30 s send margin
    expect(covers(scope, [move], usageAt(block), { chainId: 31337, wallClockMs: Date.now() })).toMatchObject({
      covered: false,
      reason: 'the session expires in 20 seconds, too soon to send a call safely',
    });
  });

  it('behavior: a chain ahead of the wall clock decides by its block time', () => {
    const block = WALL + 7200;
    const scope = scopeFor(WALL, 3600); // by the wall clock it has an hour; the chain has passed it
    expect(covers(scope, [move], usageAt(block), { chainId: 31337, wallClockMs: Date.now() })).toMatchObject({ covered: false, reason: 'the session has expired' });
  });
});
