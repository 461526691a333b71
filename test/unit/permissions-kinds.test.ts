import { describe, expect, it } from 'vitest';
import { getAddress, parseEther, parseUnits, toFunctionSelector, type Address } from 'viem';
import { devnetContracts } from '@/src/chains/deployments';
import { aPeriodText, describePermission, descriptionText, KINDS, PERMISSION_TYPES, type DescribeContext, type Permission } from '@/src/permissions/kinds';
import { serializePermission } from '@/src/permissions/serialize';
import { parsePermission, parseSessionScope } from '@/src/permissions/validate';
import { describeContext } from '@/src/ui/permission-text';

const GAME = getAddress(devnetContracts.DemoGame);
const DEMO = getAddress(devnetContracts.DemoToken);
const USDC: Address = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const UNKNOWN: Address = '0x1111111111111111111111111111111111111111';
const move = { selector: toFunctionSelector('move(uint8)'), signature: 'move(uint8)' };
const approve = { selector: toFunctionSelector('approve(address,uint256)') };

/** 2025-06-15 15:06:40 UTC. */
const START = 1_750_000_000;

/** One of each kind: a new kind fails the first test until it has an example here. */
const EXAMPLES: Permission[] = [
  { type: 'root' },
  { type: 'native-token-transfer', data: { allowance: parseEther('0.01') } },
  { type: 'erc20-token-transfer', data: { address: DEMO, allowance: parseEther('100') } },
  { type: 'gas-limit', data: { limit: parseEther('0.002') } },
  { type: 'contract-access', data: { address: GAME } },
  { type: 'account-functions', data: { functions: [{ selector: '0xd087d288' }] } },
  { type: 'functions-on-all-contracts', data: { functions: [approve] } },
  { type: 'functions-on-contract', data: { address: GAME, functions: [move] } },
  { type: 'native-token-periodic', data: { periodAmount: parseEther('0.01'), periodDuration: 86400, startTime: START } },
  { type: 'native-token-stream', data: { amountPerSecond: 10n ** 12n, initialAmount: 0n, maxAmount: parseEther('0.1'), startTime: START } },
  { type: 'erc20-token-periodic', data: { address: DEMO, periodAmount: parseEther('5'), periodDuration: 7 * 86400, startTime: START } },
  { type: 'erc20-token-stream', data: { address: DEMO, amountPerSecond: 10n ** 15n, initialAmount: 0n, maxAmount: parseEther('100'), startTime: START } },
  { type: 'token-approval-revocation' },
];

const devnet = describeContext(31337, 'ETH');

describe('aPeriodText', () => {
  it("behavior: the period reads as English after 'in' (an hour, a day, a 2-day period)", () => {
    expect([3600, 86400, 604800, 2 * 86400, 90].map(aPeriodText)).toEqual(['an hour', 'a day', 'a week', 'a 2-day period', 'a 90-second period']);
  });
});

describe('permission kinds', () => {
  it('behavior: every kind has an example, and the table lists exactly the kinds of Permission', () => {
    expect(EXAMPLES.map((p) => p.type)).toEqual(PERMISSION_TYPES);
    expect(Object.keys(KINDS)).toEqual(PERMISSION_TYPES);
  });

  it.each(EXAMPLES.map((p) => [p.type, p] as const))('behavior: %s survives its stored form (derived from Permission) and is read back unchanged', (_type, p) => {
    const json = JSON.parse(JSON.stringify(serializePermission(p))) as unknown;
    expect(parsePermission(json)).toEqual(p);
  });

  it('behavior: each kind in plain words, the wallet naming its own contracts and tokens', () => {
    expect(EXAMPLES.map((p) => descriptionText(describePermission(p, devnet)))).toEqual([
      'Full access to the account (root)',
      'Spend up to 0.01 ETH',
      'Transfer up to 100 DEMO',
      'Gas stipend up to 0.002 ETH. Paid by you when the session is granted; what is left comes back when it ends.',
      'Call any function of DemoGame',
      'Call 0xd087d288 on your account',
      `Call ${approve.selector} on any contract`,
      'Call move(uint8) on DemoGame',
      'Spend up to 0.01 ETH per day, starting 2025-06-15 15:06 UTC. What is not spent in a day does not carry over.',
      'Streams 0.0036 ETH per hour, at most 0.1 ETH, starting 2025-06-15 15:06 UTC. What has streamed and is not spent stays available to the site',
      'Transfer up to 5 DEMO per week, starting 2025-06-15 15:06 UTC. What is not transferred in a week does not carry over.',
      'Streams 3.6 DEMO per hour, at most 100 DEMO, starting 2025-06-15 15:06 UTC. What has streamed and is not spent stays available to the site',
      'Revoke approvals you gave on any token (ERC-20 allowances, NFT approvals). It can only clear an approval that exists, never give a new one, and sends no ETH.',
    ]);
  });

  it("behavior: an ERC-20 amount is shown in the token's own decimals, not as if every token had 18", () => {
    const withUsdc: DescribeContext = { ...devnet, token: (a) => (a === USDC ? { name: 'USD Coin', symbol: 'USDC', decimals: 6 } : undefined) };
    const p: Permission = { type: 'erc20-token-transfer', data: { address: USDC, allowance: parseUnits('1.5', 6) } };
    expect(descriptionText(describePermission(p, withUsdc))).toBe('Transfer up to 1.5 USDC');
  });

  it("behavior: an unknown token's amount stays in base units and says that its decimals are unknown", () => {
    const p: Permission = { type: 'erc20-token-transfer', data: { address: UNKNOWN, allowance: 1_000_000n } };
    expect(descriptionText(describePermission(p, devnet))).toBe('Transfer up to 1000000 base units of token 0x1111…1111 (decimals unknown)');
    // DemoToken is known on the devnet only: elsewhere the same address is an unknown token.
    const demoElsewhere: Permission = { type: 'erc20-token-transfer', data: { address: DEMO, allowance: 5n } };
    expect(descriptionText(describePermission(demoElsewhere, describeContext(1, 'ETH')))).toContain('5 base units of token');
  });

  it("param: backend alchemy says the gas comes from the account's own ETH, not a stipend", () => {
    const gas: Permission = { type: 'gas-limit', data: { limit: parseEther('0.002') } };
    expect(descriptionText(describePermission(gas, describeContext(31337, 'ETH', 'alchemy')))).toBe("Uses up to 0.002 ETH of your account's ETH for gas");
  });

  it('behavior: an allowance over time says "starting now" by the chain clock and until when, in the given date format', () => {
    const ctx: DescribeContext = { ...devnet, now: START + 20, until: START + 7 * 86400, date: (t) => new Date(t * 1000).toISOString().slice(0, 10) };
    const p: Permission = { type: 'native-token-periodic', data: { periodAmount: parseEther('0.01'), periodDuration: 86400, startTime: START } };
    expect(descriptionText(describePermission(p, ctx))).toBe('Spend up to 0.01 ETH per day, starting now, until 2025-06-22. What is not spent in a day does not carry over.');
    // A start well before the chain's now does not read as fresh; one after it says when.
    expect(descriptionText(describePermission(p, { ...ctx, now: START + 3600 }))).toContain('running since 2025-06-15, until');
    expect(descriptionText(describePermission(p, { ...ctx, now: START - 3600 }))).toContain('starting 2025-06-15, until');
    const uncapped: Permission = { type: 'native-token-stream', data: { amountPerSecond: 10n ** 12n, initialAmount: 0n, maxAmount: (1n << 256n) - 1n, startTime: START } };
    expect(descriptionText(describePermission(uncapped, ctx))).toContain('Streams 0.0036 ETH per hour, with no cap but the expiry, starting now');
  });

  it('behavior: a stream with an initial amount says what comes at once', () => {
    const eth: Permission = { type: 'native-token-stream', data: { amountPerSecond: 10n ** 14n, initialAmount: parseEther('0.5'), maxAmount: parseEther('1'), startTime: START } };
    expect(descriptionText(describePermission(eth, devnet))).toBe('Streams 0.36 ETH per hour, at most 1 ETH, starting 2025-06-15 15:06 UTC. 0.5 ETH of it is available at once. What has streamed and is not spent stays available to the site');
    const demo: Permission = { type: 'erc20-token-stream', data: { address: DEMO, amountPerSecond: parseEther('1') / 100n, initialAmount: parseEther('1'), maxAmount: parseEther('10'), startTime: START } };
    expect(descriptionText(describePermission(demo, devnet))).toBe('Streams 36 DEMO per hour, at most 10 DEMO, starting 2025-06-15 15:06 UTC. 1 DEMO of it is available at once. What has streamed and is not spent stays available to the site');
  });

  it.each<[string, unknown, string]>([
    ['zero period amount', { type: 'native-token-periodic', data: { periodAmount: '0', periodDuration: 60, startTime: START } }, 'periodAmount: must be more than 0, got 0'],
    ['zero period', { type: 'erc20-token-periodic', data: { address: DEMO, periodAmount: '1', periodDuration: 0, startTime: START } }, 'periodDuration must be at least 1 second'],
    ['no start', { type: 'native-token-periodic', data: { periodAmount: '1', periodDuration: 60 } }, 'startTime'],
    ['max below initial', { type: 'native-token-stream', data: { amountPerSecond: '1', initialAmount: '10', maxAmount: '5', startTime: START } }, 'maxAmount must be at least initialAmount'],
    ['zero rate', { type: 'native-token-stream', data: { amountPerSecond: '0', initialAmount: '0', maxAmount: '5', startTime: START } }, 'amountPerSecond: must be more than 0, got 0'],
  ])('error: %s', (_name, input, message) => {
    expect(() => parsePermission(input)).toThrow(message);
  });

  it('error: one ETH allowance per session, and one allowance per token, whatever their kinds', () => {
    const scope = (permissions: unknown[]) => () => parseSessionScope({ expiry: START + 60, permissions }, { account: UNKNOWN, chainId: 31337, now: START });
    const periodic = { type: 'native-token-periodic', data: { periodAmount: '1', periodDuration: 60, startTime: START } };
    expect(scope([{ type: 'native-token-transfer', data: { allowance: '1' } }, periodic])).toThrow(
      'permission 2 (native-token-periodic): the session already has an ETH allowance (native-token-transfer); ask for one ETH allowance: a fixed amount, per period, or streamed',
    );
    const demoStream = { type: 'erc20-token-stream', data: { address: DEMO, amountPerSecond: '1', initialAmount: '0', maxAmount: '9', startTime: START } };
    expect(scope([{ type: 'erc20-token-transfer', data: { address: DEMO, allowance: '1' } }, demoStream])).toThrow(
      `permission 2 (erc20-token-stream): ${DEMO.slice(0, 6)}…${DEMO.slice(-4)} already has an erc20-token-transfer allowance; ask for one allowance per token`,
    );
    // contract-access on the token would make a periodic allowance meaningless, as it does a fixed one.
    const demoPeriodic = { type: 'erc20-token-periodic', data: { address: DEMO, periodAmount: '1', periodDuration: 60, startTime: START } };
    expect(scope([demoPeriodic, { type: 'contract-access', data: { address: DEMO } }])).toThrow(/makes the allowance of permission 1 \(erc20-token-periodic\) meaningless/);
  });

  it('behavior: the native currency is named by the chain', () => {
    const p: Permission = { type: 'native-token-transfer', data: { allowance: parseEther('1') } };
    expect(descriptionText(describePermission(p, describeContext(137, 'POL')))).toBe('Spend up to 1 POL');
  });
});
