// What the grant window tells the owner about money: the total a grant could ever move (exposure.ts)
// and the owner's lowered amounts, checked in the background before anything is signed (adjust.ts).
import { describe, expect, it } from 'vitest';
import { getAddress, numberToHex, parseEther, toFunctionSelector, type Address } from 'viem';
import { devnetContracts } from '@/src/chains/deployments';
import { lowerDraft, parseLowerings } from '@/src/permissions/adjust';
import { draftToScope, grantScopeView, scopeToExecutionPermissions, translateErc7715Request } from '@/src/permissions/erc7715';
import { exposureText, periodsInReach, totalExposure } from '@/src/permissions/exposure';
import { startingNow, type Permission } from '@/src/permissions/kinds';
import { allowancesNow } from '@/src/sessions/allowance-view';
import { describeContext } from '@/src/ui/permission-text';

const DEMO = getAddress(devnetContracts.DemoToken);
const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const SITE: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const NOW = 1_750_000_000;
const DAY = 86400;
const devnet = describeContext(31337, 'ETH');

describe('totalExposure', () => {
  it('behavior: a periodic allowance counts every period that starts before the expiry', () => {
    // 7 days and 1 second: the 8th period starts before the expiry, so it counts.
    const p: Permission = { type: 'native-token-periodic', data: { periodAmount: parseEther('0.01'), periodDuration: DAY, startTime: NOW } };
    expect(totalExposure({ permissions: [p], expiry: NOW + 7 * DAY + 1, now: NOW })).toEqual([{ asset: 'native', amount: parseEther('0.08') }]);
    expect(totalExposure({ permissions: [p], expiry: NOW + 7 * DAY, now: NOW })).toEqual([{ asset: 'native', amount: parseEther('0.07') }]);
  });

  it('param: periods already over cannot be spent any more; a start after the expiry moves nothing', () => {
    expect(periodsInReach(NOW, DAY, NOW + 2 * DAY + 5, NOW + 4 * DAY)).toBe(2);
    expect(periodsInReach(NOW, DAY, NOW - 100, NOW + 1)).toBe(1);
    expect(periodsInReach(NOW + 10, DAY, NOW, NOW + 10)).toBe(0);
  });

  it('behavior: a stream is capped by maxAmount, or by what streams until the expiry', () => {
    const stream = (maxAmount: bigint): Permission => ({
      type: 'erc20-token-stream',
      data: { address: DEMO, amountPerSecond: 10n ** 14n, initialAmount: parseEther('2'), maxAmount, startTime: NOW },
    });
    // 2 at once + 0.36 per hour for 10 hours = 5.6, below a cap of 100.
    expect(totalExposure({ permissions: [stream(parseEther('100'))], expiry: NOW + 36_000, now: NOW })).toEqual([{ asset: DEMO, amount: parseEther('5.6') }]);
    expect(totalExposure({ permissions: [stream(parseEther('5'))], expiry: NOW + 36_000, now: NOW })).toEqual([{ asset: DEMO, amount: parseEther('5') }]);
  });

  it('behavior: allowances of the same asset add up; each asset on its own line', () => {
    const list: Permission[] = [
      { type: 'native-token-transfer', data: { allowance: parseEther('1') } },
      { type: 'erc20-token-transfer', data: { address: DEMO, allowance: parseEther('3') } },
      { type: 'gas-limit', data: { limit: parseEther('0.01') } },
    ];
    expect(totalExposure({ permissions: list, expiry: NOW + 60, now: NOW })).toEqual([
      { asset: 'native', amount: parseEther('1') },
      { asset: DEMO, amount: parseEther('3') },
    ]);
  });

  it('behavior: token-moving functions without an amount make the token unbounded, in plain words', () => {
    const list: Permission[] = [
      { type: 'erc20-token-transfer', data: { address: DEMO, allowance: parseEther('3') } },
      { type: 'functions-on-contract', data: { address: DEMO, functions: [{ selector: toFunctionSelector('transfer(address,uint256)') }] } },
    ];
    const out = totalExposure({ permissions: list, expiry: NOW + 60, now: NOW });
    expect(out).toEqual([{ asset: DEMO }]);
    expect(exposureText(out[0]!, devnet)).toBe('No limit on DEMO: only the expiry ends it');
    expect(totalExposure({ permissions: [{ type: 'root' }], expiry: NOW + 60, now: NOW }).map((e) => exposureText(e, devnet))).toEqual([
      'No limit on anything in your account: only the expiry ends it',
    ]);
    expect(totalExposure({ permissions: [{ type: 'contract-access', data: { address: DEMO } }], expiry: NOW + 60, now: NOW, isToken: (a) => a === DEMO })).toEqual([{ asset: DEMO }]);
  });
});

// ---------------------------------------------------------------- lowering

const periodic = (adjustable: boolean) => [
  {
    chainId: '0x7a69',
    to: SITE,
    permission: {
      type: 'native-token-periodic',
      isAdjustmentAllowed: adjustable,
      data: { periodAmount: numberToHex(parseEther('0.01')), periodDuration: DAY, justification: 'Your   monthly\nsubscription' },
    },
    rules: [{ type: 'expiry', data: { timestamp: NOW + 30 * DAY } }],
  },
];
const translate = (params: unknown) => translateErc7715Request('wallet_requestExecutionPermissions', params, { account: ACCOUNT, chainId: 31337, now: NOW });
const scopeCtx = { account: ACCOUNT, chainId: 31337, now: NOW, maxSessionSeconds: 365 * DAY };

describe('lowerDraft', () => {
  it('behavior: a lowered amount is what the scope enforces and what the answer repeats to the dApp', () => {
    const draft = lowerDraft(translate(periodic(true)), [{ index: 0, field: 'periodAmount', value: parseEther('0.004').toString() }]);
    const scope = draftToScope(draft, scopeCtx);
    expect(scope.permissions).toEqual([{ type: 'native-token-periodic', data: { periodAmount: parseEther('0.004'), periodDuration: DAY, startTime: NOW } }]);
    const [answer] = scopeToExecutionPermissions(scope, { chainId: 31337, account: ACCOUNT, heldBy: SITE, context: '0x00' });
    expect(answer!.permission).toMatchObject({ type: 'native-token-periodic', data: { periodAmount: numberToHex(parseEther('0.004')) } });
  });

  it('error: a raised amount is refused, whatever the window sends', () => {
    expect(() => lowerDraft(translate(periodic(true)), [{ index: 0, field: 'periodAmount', value: parseEther('0.02').toString() }])).toThrow(
      /more than the site asked for.*amounts can only be lowered/,
    );
  });

  it('error: an item the site did not mark adjustable cannot be changed, not even lowered', () => {
    expect(() => lowerDraft(translate(periodic(false)), [{ index: 0, field: 'periodAmount', value: '1' }])).toThrow(/did not allow adjustments/);
  });

  it('error: only amount fields; the period, the start and other items stay as asked', () => {
    expect(() => lowerDraft(translate(periodic(true)), [{ index: 0, field: 'periodDuration', value: '60' }])).toThrow(/no amount "periodDuration"/);
    expect(() => lowerDraft(translate(periodic(true)), [{ index: 1, field: 'periodAmount', value: '1' }])).toThrow(/does not exist/);
    // Zero is not a lower allowance: the enforcer would refuse every call.
    expect(() => lowerDraft(translate(periodic(true)), [{ index: 0, field: 'periodAmount', value: '0' }])).toThrow(/more than 0/);
  });

  it('param: the window\'s list is read strictly (a value must be a whole number in smallest units)', () => {
    expect(parseLowerings(undefined)).toEqual([]);
    expect(() => parseLowerings([{ index: 0, field: 'periodAmount', value: '0.5' }])).toThrow(/whole number/);
    expect(() => parseLowerings({ index: 0 })).toThrow(/not a list/);
  });

  it("behavior: the window's view carries adjustability and the site's justification (one paragraph)", () => {
    const draft = translate(periodic(false));
    const view = grantScopeView(draft, draftToScope(draft, scopeCtx));
    expect(view.items[0]).toMatchObject({ adjustable: false, justification: 'Your monthly subscription' });
  });
});

describe('allowancesNow (the Sessions list)', () => {
  const periodic: Permission = { type: 'native-token-periodic', data: { periodAmount: parseEther('0.01'), periodDuration: DAY, startTime: NOW } };
  const stream: Permission = { type: 'erc20-token-stream', data: { address: DEMO, amountPerSecond: 10n ** 15n, initialAmount: 0n, maxAmount: parseEther('100'), startTime: NOW } };
  const usage = { nativeSpent: '0', erc20Spent: {}, callsUsed: 0 };

  it('behavior: what is left this period and when it resets, from the enforcer record of this period', () => {
    const spent = { ...usage, periods: { native: { lastPeriod: 2, transferred: parseEther('0.006').toString() } } };
    expect(allowancesNow([periodic], spent, NOW + DAY + 5)).toEqual([{ kind: 'period', asset: 'native', left: parseEther('0.004').toString(), resetsAt: NOW + 2 * DAY }]);
    // A record of an earlier period does not count in this one.
    expect(allowancesNow([periodic], spent, NOW + 2 * DAY)).toEqual([{ kind: 'period', asset: 'native', left: parseEther('0.01').toString(), resetsAt: NOW + 3 * DAY }]);
    expect(allowancesNow([periodic], usage, NOW - 1)).toEqual([{ kind: 'period-not-started', asset: 'native', startsAt: NOW }]);
  });

  it('behavior: what has streamed and is not spent is available now', () => {
    expect(allowancesNow([stream], { ...usage, streamed: { erc20: parseEther('1').toString() } }, NOW + 3500)).toEqual([
      { kind: 'stream', asset: DEMO, available: parseEther('2.5').toString() },
    ]);
  });
});

describe('startingNow (the popup form and RPC make the same kind)', () => {
  it('behavior: a periodic permission without a start starts at the chain clock; one with a start, or another kind, is left alone', () => {
    expect(startingNow({ type: 'native-token-periodic', data: { periodAmount: '1', periodDuration: 60 } }, NOW)).toEqual({
      type: 'native-token-periodic',
      data: { periodAmount: '1', periodDuration: 60, startTime: NOW },
    });
    expect(startingNow({ type: 'native-token-periodic', data: { periodAmount: '1', periodDuration: 60, startTime: 5 } }, NOW)).toMatchObject({ data: { startTime: 5 } });
    expect(startingNow({ type: 'native-token-transfer', data: { allowance: '1' } }, NOW)).toEqual({ type: 'native-token-transfer', data: { allowance: '1' } });
  });
});
