import { describe, expect, it } from 'vitest';
import { encodeFunctionData, erc20Abi, parseAbi, parseEther, type Address, type Hex } from 'viem';
import type { SessionCall, SessionScope, SessionUsage } from '@/src/permissions/types';
import { parseSessionScope } from '@/src/permissions/validate';
import { periodState, streamedBy, streamLeft } from '@/src/sessions/allowance-time';
import { covers, DEFAULT_EXPIRY_MARGIN_SECONDS, type CoverContext } from '@/src/sessions/policy';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const GAME: Address = '0x23DaD949f5f9aD0552E453A421EBa6ECF9331259';
const TOKEN: Address = '0xAde078291A13b081F19A4a0636A91712Ac1A304C';
const OTHER: Address = '0x1111111111111111111111111111111111111111';
const NOW = 1_750_000_000;
const EXPIRY = NOW + 3600;

const gameAbi = parseAbi(['function move(uint8)', 'function buyItem(uint256) payable']);
const tokenAbi = [...erc20Abi, ...parseAbi(['function mint(address,uint256)'])];
const move = (to: Address = GAME): SessionCall => ({ to, value: 0n, data: encodeFunctionData({ abi: gameAbi, functionName: 'move', args: [1] }) });
const buy = (value = parseEther('0.001')): SessionCall => ({ to: GAME, value, data: encodeFunctionData({ abi: gameAbi, functionName: 'buyItem', args: [1n] }) });
const transfer = (amount: bigint, token: Address = TOKEN): SessionCall => ({ to: token, value: 0n, data: encodeFunctionData({ abi: tokenAbi, functionName: 'transfer', args: [OTHER, amount] }) });
const mint = (token: Address = TOKEN): SessionCall => ({ to: token, value: 0n, data: encodeFunctionData({ abi: tokenAbi, functionName: 'mint', args: [OTHER, 1n] }) });
const pay = (value: bigint, to: Address = OTHER, data: Hex = '0x'): SessionCall => ({ to, value, data });

const scopeOf = (permissions: unknown[], callLimit?: number): SessionScope =>
  parseSessionScope({ expiry: EXPIRY, permissions, callLimit }, { account: ACCOUNT, chainId: 31337, now: NOW });
const usage = (u: Partial<SessionUsage> = {}): SessionUsage => ({ nativeSpent: 0n, erc20Spent: {}, callsUsed: 0, now: NOW, disabled: false, ...u });
const ctx: CoverContext = {
  chainId: 31337,
  labels: { addresses: { [GAME]: 'DemoGame', [TOKEN.toLowerCase()]: 'DemoToken' }, tokens: { [TOKEN]: { symbol: 'DEMO', decimals: 18 } } },
};

const game = { type: 'functions-on-contract', data: { address: GAME, functions: ['move(uint8)', 'buyItem(uint256)'] } };
const eth = (allowance: string) => ({ type: 'native-token-transfer', data: { allowance: parseEther(allowance).toString() } });
const demo = (allowance: string) => ({ type: 'erc20-token-transfer', data: { address: TOKEN, allowance: parseEther(allowance).toString() } });

describe('covers', () => {
  it.each<[string, SessionScope, SessionCall[], Partial<SessionUsage>?]>([
    ['root: anything, any value', scopeOf([{ type: 'root' }]), [pay(parseEther('5')), mint(), move(OTHER)]],
    ['functions-on-contract', scopeOf([game]), [move(), move()]],
    ['addresses in any case', scopeOf([game]), [{ ...move(), to: GAME.toLowerCase() as Address }]],
    ['selectors in any case', scopeOf([game]), [{ ...move(), data: move().data.toUpperCase().replace('0X', '0x') as Hex }]],
    ['payable call within the ETH allowance', scopeOf([game, eth('0.002')]), [buy(), buy()]],
    ['plain ETH to anyone within the allowance', scopeOf([eth('0.01')]), [pay(parseEther('0.004')), pay(parseEther('0.006'), GAME)]],
    ['ERC-20 within the allowance, counting the batch', scopeOf([demo('10')]), [transfer(parseEther('4')), transfer(parseEther('6'))], { erc20Spent: {} }],
    ['contract-access: any function, no value', scopeOf([{ type: 'contract-access', data: { address: TOKEN } }]), [mint(), transfer(1n), { to: TOKEN, value: 0n, data: '0x' }]],
    ['functions-on-all-contracts on any target', scopeOf([{ type: 'functions-on-all-contracts', data: { functions: ['move(uint8)'] } }]), [move(), move(OTHER)]],
    ['account-functions on the account', scopeOf([{ type: 'account-functions', data: { functions: ['addDeposit()'] } }]), [{ to: ACCOUNT, value: 0n, data: '0x4a58db19' }]],
    ['the last calls of the call limit', scopeOf([game], 5), [move(), move()], { callsUsed: 3 }],
    ['just outside the expiry margin', scopeOf([game]), [move()], { now: EXPIRY - DEFAULT_EXPIRY_MARGIN_SECONDS - 1 }],
  ])('behavior: covered: %s', (_name, scope, calls, u) => {
    expect(covers(scope, calls, usage(u), ctx)).toEqual({ covered: true });
  });

  it.each<[string, SessionScope, SessionCall[], Partial<SessionUsage>, string, number?]>([
    ['revoked', scopeOf([game]), [move()], { disabled: true }, 'the session was revoked'],
    ['expired', scopeOf([game]), [move()], { now: EXPIRY }, 'the session has expired'],
    ['inside the expiry margin', scopeOf([game]), [move()], { now: EXPIRY - 10 }, 'the session expires in 10 seconds, too soon to send a call safely'],
    ['no calls', scopeOf([game]), [], {}, 'there is no call to make'],
    ['call limit used up', scopeOf([game], 3), [move()], { callsUsed: 3 }, 'the session has used all of its 3 calls'],
    ['batch over the call limit', scopeOf([game], 3), [move(), move()], { callsUsed: 2 }, 'the session has 1 call left; this batch makes 2'],
    ['function not granted', scopeOf([game]), [move(), mint(GAME)], {}, "call 2: DemoGame.mint is not in the session's functions", 1],
    ['target not granted', scopeOf([game]), [mint()], {}, "call 1: DemoToken.mint is not allowed: DemoToken is not one of the session's contracts", 0],
    ['same function on another contract (no widening)', scopeOf([game, { type: 'functions-on-contract', data: { address: TOKEN, functions: ['mint(address,uint256)'] } }]), [move(TOKEN)], {}, "call 1: DemoToken.move is not in the session's functions", 0],
    ['ETH without a native permission', scopeOf([game]), [move(), buy()], {}, 'call 2 sends 0.001 ETH, but the session may not send ETH', 1],
    ['ETH allowance, counting spent and the batch', scopeOf([game, eth('0.005')]), [buy(), buy(), buy()], { nativeSpent: parseEther('0.003') }, "the session's ETH allowance has 0.002 ETH left; this batch sends 0.003 ETH", 2],
    ['ETH allowance over a single call', scopeOf([eth('0.005')]), [pay(parseEther('0.005'))], { nativeSpent: 1n }, "the session's ETH allowance has 0.004999999999999999 ETH left; this batch sends 0.005 ETH", 0],
    ['ERC-20 allowance, earlier calls of the batch count', scopeOf([demo('10')]), [transfer(parseEther('4')), transfer(parseEther('5'))], { erc20Spent: { [TOKEN]: parseEther('2') } }, "the session's DemoToken allowance has 8 DEMO left; this batch transfers 9 DEMO", 1],
    ['ERC-20 of an unknown token prints units', scopeOf([{ type: 'erc20-token-transfer', data: { address: OTHER, allowance: '5' } }]), [transfer(6n, OTHER)], {}, "the session's 0x1111…1111 allowance has 5 units of 0x1111…1111 left; this batch transfers 6 units of 0x1111…1111", 0],
    ['ERC-20 transfer with ETH', scopeOf([demo('10'), eth('1')]), [{ ...transfer(1n), value: 1n }], {}, 'call 1: DemoToken.transfer must not send 0.000000000000000001 ETH', 0],
    ['ERC-20 transfer that is not the standard form', scopeOf([demo('10')]), [{ ...transfer(1n), data: `${transfer(1n).data}00` }], {}, 'call 1: DemoToken.transfer must be a standard transfer(address,uint256) call', 0],
    ['plain call without native-token-transfer', scopeOf([game]), [pay(0n, GAME)], {}, 'call 1: a plain call to DemoGame (no function) is not allowed by this session', 0],
    ['calldata too short for a selector', scopeOf([{ type: 'functions-on-all-contracts', data: { functions: ['move(uint8)'] } }]), [pay(0n, GAME, '0x70e87a')], {}, 'call 1: the calldata to DemoGame is too short to name a function', 0],
    ['native permission does not allow calldata', scopeOf([eth('1')]), [pay(1n, OTHER, '0x12345678')], {}, "call 1: 0x1111…1111.0x12345678 is not allowed: 0x1111…1111 is not one of the session's contracts", 0],
    ['account function not granted', scopeOf([{ type: 'account-functions', data: { functions: ['addDeposit()'] } }]), [{ to: ACCOUNT, value: 0n, data: '0xd087d288' }], {}, "call 1: your account.0xd087d288 is not in the session's functions", 0],
    ['a call that is not well formed', scopeOf([game]), [{ to: '0x1234' as Address, value: 0n, data: '0x' }], {}, 'call 1: the target is not an address', 0],
  ])('error: refused: %s', (_name, scope, calls, u, reason, callIndex) => {
    const verdict = covers(scope, calls, usage(u), ctx);
    expect(verdict).toEqual(callIndex === undefined ? { covered: false, reason } : { covered: false, reason, callIndex });
  });

  it('param: chainId must be the session chain', () => {
    expect(covers(scopeOf([game]), [move()], usage(), { chainId: 1 })).toEqual({ covered: false, reason: 'the session is for chain 31337, but the wallet is on chain 1' });
  });

  it('param: expiryMarginSeconds moves the boundary (0 = exactly the chain rule for the next block)', () => {
    const scope = scopeOf([game]);
    expect(covers(scope, [move()], usage({ now: EXPIRY - 1 }), { ...ctx, expiryMarginSeconds: 0 })).toEqual({ covered: true });
    expect(covers(scope, [move()], usage({ now: EXPIRY - 100 }), { ...ctx, expiryMarginSeconds: 100 }).covered).toBe(false);
  });

  it('param: labels are optional: addresses and functions fall back to hex', () => {
    const verdict = covers(scopeOf([game]), [{ to: OTHER, value: 0n, data: '0xdeadbeef' }], usage(), { chainId: 31337 });
    expect(verdict).toEqual({ covered: false, reason: "call 1: 0x1111…1111.0xdeadbeef is not allowed: 0x1111…1111 is not one of the session's contracts", callIndex: 0 });
  });
});

describe('covers: allowances that renew or stream', () => {
  const periodic = (amount: string, startTime = NOW - 100) => ({ type: 'native-token-periodic', data: { periodAmount: parseEther(amount).toString(), periodDuration: 3600, startTime } });
  const demoPeriodic = { type: 'erc20-token-periodic', data: { address: TOKEN, periodAmount: parseEther('10').toString(), periodDuration: 86400, startTime: NOW - 100 } };
  // 1 ETH at once, then 0.001 ETH per second, at most 2 ETH.
  const stream = { type: 'native-token-stream', data: { amountPerSecond: parseEther('0.001').toString(), initialAmount: parseEther('1').toString(), maxAmount: parseEther('2').toString(), startTime: NOW - 100 } };

  it('behavior: a periodic ETH allowance counts what moved in the current period only, and says when it renews', () => {
    const scope = scopeOf([game, periodic('0.01')]);
    // Period 1 runs from NOW-100 to NOW+3500.
    expect(covers(scope, [buy(parseEther('0.004'))], usage({ periods: { native: { lastPeriod: 1, transferred: parseEther('0.006') } } }), ctx)).toEqual({ covered: true });
    expect(covers(scope, [buy(parseEther('0.004')), buy(parseEther('0.001'))], usage({ periods: { native: { lastPeriod: 1, transferred: parseEther('0.006') } } }), ctx)).toEqual({
      covered: false,
      callIndex: 1,
      reason: "the session's ETH allowance has 0.004 ETH left this hour (0.01 ETH again at 2025-06-15 16:05:00 UTC); this batch sends 0.005 ETH",
    });
    // What moved in an earlier period does not count any more.
    expect(covers(scope, [pay(parseEther('0.01'))], usage({ now: NOW + 3500, periods: { native: { lastPeriod: 1, transferred: parseEther('0.01') } } }), ctx)).toEqual({ covered: true });
  });

  it('error: before its start a periodic ETH allowance refuses every call, even one that sends no ETH', () => {
    const v = covers(scopeOf([game, periodic('0.01', NOW + 60)]), [move()], usage(), ctx);
    expect(v).toEqual({ covered: false, reason: "the session's ETH allowance starts at 2025-06-15 15:07:40 UTC; no call can be made before then" });
  });

  it('behavior: an ETH stream allows what has streamed so far minus what was spent', () => {
    const scope = scopeOf([stream]);
    // 1 + 0.001 × 100 = 1.1 ETH streamed, 0.5 spent: 0.6 left.
    expect(covers(scope, [pay(parseEther('0.6'))], usage({ streamed: { native: parseEther('0.5') } }), ctx)).toEqual({ covered: true });
    expect(covers(scope, [pay(parseEther('0.61'))], usage({ streamed: { native: parseEther('0.5') } }), ctx)).toEqual({
      covered: false,
      callIndex: 0,
      reason: "the session's ETH stream has 0.6 ETH available now (1.1 ETH of at most 2 ETH streamed so far); this batch sends 0.61 ETH",
    });
    // Capped at maxAmount.
    expect(covers(scope, [pay(parseEther('1.6'))], usage({ now: NOW + 5000, streamed: { native: parseEther('0.5') } }), ctx)).toMatchObject({ covered: false });
  });

  it('behavior: an ERC-20 periodic allowance counts the batch against this period', () => {
    const scope = scopeOf([demoPeriodic]);
    expect(covers(scope, [transfer(parseEther('6')), transfer(parseEther('4'))], usage(), ctx)).toEqual({ covered: true });
    expect(covers(scope, [transfer(parseEther('6')), transfer(parseEther('5'))], usage(), ctx)).toMatchObject({
      covered: false,
      callIndex: 1,
      reason: expect.stringMatching(/^the session's DemoToken allowance has 10 DEMO left this day \(10 DEMO again at .* UTC\); this batch transfers 11 DEMO$/),
    });
  });
});

describe('covers: redeemers', () => {
  const KEY: Address = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
  const scope = { ...scopeOf([game]), redeemers: [KEY] };

  it('behavior: the session may be used by one of its redeemers (any letter case)', () => {
    expect(covers(scope, [move()], usage(), { ...ctx, redeemer: KEY.toLowerCase() as Address })).toEqual({ covered: true });
  });

  it('error: another sender, or none named, is refused before any signature', () => {
    expect(covers(scope, [move()], usage(), { ...ctx, redeemer: OTHER })).toEqual({ covered: false, reason: 'only 0x3C44…93BC may use this session, not 0x1111…1111' });
    expect(covers(scope, [move()], usage(), ctx)).toEqual({ covered: false, reason: 'only 0x3C44…93BC may use this session' });
  });
});

describe('allowance-time', () => {
  it('behavior: periods start at startTime + k × duration, the first is 1', () => {
    const terms = { periodAmount: 10n, periodDuration: 60, startTime: 1000 };
    expect(periodState(terms, undefined, 999)).toEqual({ started: false, startsAt: 1000 });
    expect(periodState(terms, undefined, 1000)).toEqual({ started: true, left: 10n, period: 1, resetsAt: 1060 });
    expect(periodState(terms, { lastPeriod: 1, transferred: 7n }, 1059)).toEqual({ started: true, left: 3n, period: 1, resetsAt: 1060 });
    expect(periodState(terms, { lastPeriod: 1, transferred: 7n }, 1060)).toEqual({ started: true, left: 10n, period: 2, resetsAt: 1120 });
  });

  it('behavior: a stream is initialAmount at its start, then amountPerSecond each second, capped at maxAmount', () => {
    const terms = { amountPerSecond: 2n, initialAmount: 10n, maxAmount: 25n, startTime: 100 };
    expect(streamedBy(terms, 99)).toBe(0n);
    expect(streamedBy(terms, 100)).toBe(10n);
    expect(streamedBy(terms, 104)).toBe(18n);
    expect(streamedBy(terms, 200)).toBe(25n);
    expect(streamLeft(terms, 18n, 104)).toBe(0n);
    expect(streamLeft(terms, 5n, 104)).toBe(13n);
  });
});
