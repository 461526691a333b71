// Sessions on the devnet, one permission kind at a time: a fresh 7702-upgraded owner grants a scope
// (validate.ts → scopeToCaveats) to a fresh session key; an in-scope call passes covers() and
// succeeds on chain (state changes); an out-of-scope call is refused by covers() AND, forced on
// chain with a fixed gas limit under every call group the session key could name, reverts; after
// expiry and after revocation both sides refuse. Plus: several contract groups do not widen each
// other, two ERC-20 allowances keep separate counters, and a batch is all or nothing; allowances
// that renew per period or stream with time, at the chain's clock.
import { createPublicClient, custom, encodeFunctionData, MethodNotFoundRpcError, parseEther, toFunctionSelector, type Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { caveatArgsForGroup, scopeToCaveats } from '../../src/backends/delegation/caveats';
import { caveatBuilder, createDelegation, decodeRevertReason, encodeExecutionCalldata, encodeRedeemDelegations, EXECUTION_MODE, hashDelegation, signDelegation, type Delegation } from '../../src/backends/delegation/framework';
import { EIP7702StatelessDeleGator as EIP7702StatelessDeleGatorAbi } from '@metamask/delegation-abis';
import { encodeSessionBatch, gasLimitFor, sessionRedemptions, simulateSessionBatch } from '../../src/backends/delegation/session-chain';
import { callGroups } from '../../src/permissions/match';
import type { SessionCall, SessionScope } from '../../src/permissions/types';
import { parseSessionScope } from '../../src/permissions/validate';
import { covers } from '../../src/sessions/policy';
import { sessionEnv } from './session-helpers';
import { DelegationBackend } from '../../src/backends/delegation/backend';
import { DEVNET_CHAIN_ID, type ChainConfig } from '../../src/chains/registry';
import { DemoGameAbi, DemoTokenAbi, SessionCallEnforcerAbi } from '../../devnet/contracts/abis';

const env = sessionEnv(inject('rpcUrl'));
const { contracts: c, publicClient, testClient } = env;
const eoa = () => privateKeyToAccount(generatePrivateKey()).address;
const DEMO = (n: number) => parseEther(String(n));

let owner: PrivateKeyAccount;
let token2: Address;
/** A start time just before the tests, for the allowances that renew or stream. */
let t0 = 0;

beforeAll(async () => {
  t0 = (await env.now()) - 10;
  owner = await env.newOwner();
  token2 = await env.deployToken();
  await env.mintDemo(token2, owner.address, DEMO(1000));
});

async function scopeOf(input: { permissions: unknown[]; callLimit?: number; expiresIn?: number }): Promise<SessionScope> {
  const now = await env.now();
  return parseSessionScope(
    { expiry: now + (input.expiresIn ?? 3600), permissions: input.permissions, callLimit: input.callLimit },
    { account: owner.address, chainId: env.chain.id, now },
  );
}

interface Session {
  scope: SessionScope;
  key: PrivateKeyAccount;
  delegation: Delegation;
  /** Signed with the wallet's own SessionCallEnforcer (else the framework's enforcers only). */
  sessionCall?: boolean;
}

async function grant(input: Parameters<typeof scopeOf>[0], opts: { sessionCall?: boolean } = {}): Promise<Session> {
  const scope = await scopeOf(input);
  const key = await env.newSessionKey();
  return { scope, key, delegation: await env.grant(owner, key.address, scope, opts), sessionCall: opts.sessionCall === true };
}

/** Names for readable refusals, as the wallet would pass them. */
const labels = () => ({
  addresses: { [c.DemoGame]: 'DemoGame', [c.DemoToken]: 'DemoToken', [token2]: 'Token2' },
  functions: Object.fromEntries(
    [...DemoGameAbi, ...DemoTokenAbi, ...EIP7702StatelessDeleGatorAbi].flatMap((item) => (item.type === 'function' ? [[toFunctionSelector(item), item.name]] : [])),
  ),
  tokens: { [c.DemoToken]: { symbol: 'DEMO', decimals: 18 } },
});

async function verdict(s: Session, calls: SessionCall[]) {
  return covers(s.scope, calls, await env.usage(s.delegation, s.scope), { chainId: env.chain.id, labels: labels() });
}

/** Sends the batch as the wallet would (after covers) and expects a successful receipt. */
async function sendCovered(s: Session, calls: SessionCall[]) {
  const v = await verdict(s, calls);
  expect(v).toEqual({ covered: true });
  const receipt = await env.sendBatch(s.key, s.delegation, s.scope, calls);
  expect(receipt.status).toBe('success');
  return receipt;
}

/**
 * Forces a batch on chain (fixed gas, no estimate) under every call group the session key could
 * name for the call covers() refused (or under none, for root), and expects every attempt to revert.
 */
async function expectRevertsUnderEveryGroup(s: Session, calls: SessionCall[]) {
  const groups = Math.max(1, callGroups(s.scope).length);
  for (let g = 0; g < groups; g++) {
    const args = calls.map(() => caveatArgsForGroup(s.scope, g, undefined, s.sessionCall ? env.framework.caveatEnforcers : c.caveatEnforcers));
    const data = encodeRedeemDelegations(sessionRedemptions(s.delegation, calls, args, calls.map(() => g)));
    const receipt = await env.sendForced(s.key, data, calls.length);
    expect(receipt.status, `group ${g} let the call through`).toBe('reverted');
  }
}

async function expectRefusedBothSides(s: Session, calls: SessionCall[], reason: RegExp) {
  const v = await verdict(s, calls);
  expect(v.covered).toBe(false);
  if (!v.covered) expect(v.reason).toMatch(reason);
  await expectRevertsUnderEveryGroup(s, calls);
}

const ethOf = (a: Address) => publicClient.getBalance({ address: a });
const depositOf = (a: Address) => publicClient.readContract({ address: a, abi: EIP7702StatelessDeleGatorAbi, functionName: 'getDeposit' });

interface Kind {
  name: string;
  permissions: () => unknown[];
  callLimit?: number;
  /** In-scope batch and a check that it changed state. */
  inScope: () => Promise<{ calls: SessionCall[]; check: () => Promise<void> }>;
  /** Out-of-scope batches with the reason covers() must give. */
  outOfScope: () => { calls: SessionCall[]; reason: RegExp }[];
}

const kinds: Kind[] = [
  {
    name: 'root',
    permissions: () => [{ type: 'root' }],
    inScope: async () => {
      const to = eoa();
      const before = await env.score(owner.address);
      return {
        calls: [env.calls.move(1), env.calls.transfer(c.DemoToken, to, DEMO(3)), env.calls.pay(to, parseEther('0.5'))],
        check: async () => {
          expect(await env.score(owner.address)).toBe(before + 1n);
          expect(await env.balanceOf(c.DemoToken, to)).toBe(DEMO(3));
          expect(await ethOf(to)).toBe(parseEther('0.5'));
        },
      };
    },
    outOfScope: () => [], // root covers every call; expiry and revocation still end it
  },
  {
    name: 'native-token-transfer',
    permissions: () => [{ type: 'native-token-transfer', data: { allowance: parseEther('0.01').toString() } }],
    inScope: async () => {
      const to = eoa();
      return { calls: [env.calls.pay(to, parseEther('0.004'))], check: async () => expect(await ethOf(to)).toBe(parseEther('0.004')) };
    },
    outOfScope: () => [
      { calls: [env.calls.pay(eoa(), parseEther('0.007'))], reason: /ETH allowance has 0\.006 ETH left; this batch sends 0\.007 ETH/ },
      { calls: [env.calls.pay(eoa(), 1n, '0x12345678')], reason: /is not allowed: .* is not one of the session's contracts/ },
      { calls: [env.calls.move(0)], reason: /DemoGame\.move is not allowed: DemoGame is not one of the session's contracts/ },
    ],
  },
  {
    name: 'erc20-token-transfer',
    permissions: () => [{ type: 'erc20-token-transfer', data: { address: c.DemoToken.toLowerCase(), allowance: DEMO(10).toString() } }],
    inScope: async () => {
      const to = eoa();
      return { calls: [env.calls.transfer(c.DemoToken, to, DEMO(4))], check: async () => expect(await env.balanceOf(c.DemoToken, to)).toBe(DEMO(4)) };
    },
    outOfScope: () => [
      { calls: [env.calls.transfer(c.DemoToken, eoa(), DEMO(7))], reason: /the session's DemoToken allowance has 6 DEMO left; this batch transfers 7 DEMO/ },
      { calls: [env.calls.mint(c.DemoToken, eoa(), 1n)], reason: /call 1: DemoToken\.mint is not in the session's functions/ },
      { calls: [env.calls.transfer(token2, eoa(), 1n)], reason: /Token2\.transfer is not allowed: Token2 is not one of the session's contracts/ },
      // transfer() with ETH attached: the token group allows no value (and there is no native permission at all).
      { calls: [{ ...env.calls.transfer(c.DemoToken, eoa(), 1n), value: 1n }], reason: /may not send ETH/ },
    ],
  },
  {
    name: 'contract-access',
    permissions: () => [{ type: 'contract-access', data: { address: c.DemoGame } }],
    inScope: async () => {
      const before = await env.score(owner.address);
      return { calls: [env.calls.move(2)], check: async () => expect(await env.score(owner.address)).toBe(before + 1n) };
    },
    outOfScope: () => [
      { calls: [env.calls.mint(c.DemoToken, eoa(), 1n)], reason: /DemoToken\.mint is not allowed: DemoToken is not one of the session's contracts/ },
      { calls: [env.calls.buyItem(1n)], reason: /call 1 sends 0\.001 ETH, but the session may not send ETH/ },
    ],
  },
  {
    name: 'functions-on-contract',
    permissions: () => [{ type: 'functions-on-contract', data: { address: c.DemoGame, functions: ['move(uint8)'] } }],
    inScope: async () => {
      const before = await env.score(owner.address);
      return { calls: [env.calls.move(3)], check: async () => expect(await env.score(owner.address)).toBe(before + 1n) };
    },
    outOfScope: () => [
      // The same function on another address (an EOA accepts any calldata, so only the caveats can refuse it).
      { calls: [{ ...env.calls.move(3), to: eoa() }], reason: /move is not allowed: .* is not one of the session's contracts/ },
      { calls: [env.calls.mint(c.DemoToken, eoa(), 1n)], reason: /mint is not allowed/ },
    ],
  },
  {
    name: 'functions-on-all-contracts',
    permissions: () => [{ type: 'functions-on-all-contracts', data: { functions: ['mint(address,uint256)'] } }],
    inScope: async () => {
      const to = eoa();
      return {
        calls: [env.calls.mint(c.DemoToken, to, 5n), env.calls.mint(token2, to, 6n), { ...env.calls.mint(c.DemoToken, to, 1n), to: eoa() }],
        check: async () => {
          expect(await env.balanceOf(c.DemoToken, to)).toBe(5n);
          expect(await env.balanceOf(token2, to)).toBe(6n);
        },
      };
    },
    outOfScope: () => [{ calls: [env.calls.approve(c.DemoToken, eoa(), 1n)], reason: /approve is not in the session's functions/ }],
  },
  {
    name: 'account-functions (+ native allowance)',
    permissions: () => [
      { type: 'account-functions', data: { functions: ['addDeposit()'] } },
      { type: 'native-token-transfer', data: { allowance: parseEther('0.01').toString() } },
    ],
    inScope: async () => {
      const before = await depositOf(owner.address);
      const addDeposit = encodeFunctionData({ abi: [{ type: 'function', name: 'addDeposit', inputs: [], outputs: [], stateMutability: 'payable' }] });
      return {
        calls: [env.calls.pay(owner.address, parseEther('0.002'), addDeposit)],
        check: async () => expect(await depositOf(owner.address)).toBe(before + parseEther('0.002')),
      };
    },
    outOfScope: () => [
      { calls: [env.calls.pay(owner.address, 0n, toFunctionSelector('getNonce()'))], reason: /your account\.getNonce is not in the session's functions/ },
      { calls: [env.calls.pay(eoa(), 0n, toFunctionSelector('addDeposit()'))], reason: /addDeposit is not allowed/ },
    ],
  },
  {
    name: 'callLimit (LimitedCallsEnforcer)',
    permissions: () => [{ type: 'functions-on-contract', data: { address: c.DemoGame, functions: ['0x70e87aaf'] } }],
    callLimit: 3,
    inScope: async () => {
      const before = await env.score(owner.address);
      return { calls: [env.calls.move(0), env.calls.move(1), env.calls.move(2)], check: async () => expect(await env.score(owner.address)).toBe(before + 3n) };
    },
    outOfScope: () => [{ calls: [env.calls.move(0)], reason: /used all of its 3 calls/ }],
  },
  {
    name: 'native-token-periodic',
    permissions: () => [{ type: 'native-token-periodic', data: { periodAmount: parseEther('0.01').toString(), periodDuration: 86400, startTime: t0 } }],
    inScope: async () => {
      const to = eoa();
      return { calls: [env.calls.pay(to, parseEther('0.004'))], check: async () => expect(await ethOf(to)).toBe(parseEther('0.004')) };
    },
    outOfScope: () => [
      { calls: [env.calls.pay(eoa(), parseEther('0.007'))], reason: /ETH allowance has 0\.006 ETH left this day \(0\.01 ETH again at .* UTC\); this batch sends 0\.007 ETH/ },
      { calls: [env.calls.move(0)], reason: /DemoGame\.move is not allowed/ },
    ],
  },
  {
    name: 'native-token-stream',
    // 0.005 ETH at once, then 0.0036 ETH per hour: the seconds between the check and the block do not matter.
    permissions: () => [
      { type: 'native-token-stream', data: { amountPerSecond: (10n ** 12n).toString(), initialAmount: parseEther('0.005').toString(), maxAmount: parseEther('0.02').toString(), startTime: t0 } },
    ],
    inScope: async () => {
      const to = eoa();
      return { calls: [env.calls.pay(to, parseEther('0.004'))], check: async () => expect(await ethOf(to)).toBe(parseEther('0.004')) };
    },
    outOfScope: () => [
      { calls: [env.calls.pay(eoa(), parseEther('0.003'))], reason: /ETH stream has 0\.001\d* ETH available now \(0\.005\d* ETH of at most 0\.02 ETH streamed so far\); this batch sends 0\.003 ETH/ },
      { calls: [env.calls.move(0)], reason: /DemoGame\.move is not allowed/ },
    ],
  },
  {
    name: 'erc20-token-periodic',
    permissions: () => [{ type: 'erc20-token-periodic', data: { address: c.DemoToken, periodAmount: DEMO(10).toString(), periodDuration: 3600, startTime: t0 } }],
    inScope: async () => {
      const to = eoa();
      return { calls: [env.calls.transfer(c.DemoToken, to, DEMO(4))], check: async () => expect(await env.balanceOf(c.DemoToken, to)).toBe(DEMO(4)) };
    },
    outOfScope: () => [
      { calls: [env.calls.transfer(c.DemoToken, eoa(), DEMO(7))], reason: /DemoToken allowance has 6 DEMO left this hour \(10 DEMO again at .* UTC\); this batch transfers 7 DEMO/ },
      { calls: [env.calls.transfer(token2, eoa(), 1n)], reason: /Token2\.transfer is not allowed/ },
      { calls: [env.calls.approve(c.DemoToken, eoa(), 1n)], reason: /DemoToken\.approve is not in the session's functions/ },
      { calls: [{ ...env.calls.transfer(c.DemoToken, eoa(), 1n), value: 1n }], reason: /sends 0\.000000000000000001 ETH, but the session may not send ETH/ },
    ],
  },
  {
    name: 'erc20-token-stream',
    // Started an hour ago at 3.6 DEMO per hour: about 3.6 DEMO have streamed.
    permissions: () => [
      { type: 'erc20-token-stream', data: { address: c.DemoToken, amountPerSecond: (10n ** 15n).toString(), initialAmount: '0', maxAmount: DEMO(50).toString(), startTime: t0 - 3600 } },
    ],
    inScope: async () => {
      const to = eoa();
      return { calls: [env.calls.transfer(c.DemoToken, to, DEMO(2))], check: async () => expect(await env.balanceOf(c.DemoToken, to)).toBe(DEMO(2)) };
    },
    outOfScope: () => [
      { calls: [env.calls.transfer(c.DemoToken, eoa(), DEMO(3))], reason: /DemoToken stream has 1\.6\d* DEMO available now \(3\.6\d* DEMO of at most 50 DEMO streamed so far\); this batch transfers 3 DEMO/ },
      { calls: [env.calls.approve(c.DemoToken, eoa(), 1n)], reason: /DemoToken\.approve is not in the session's functions/ },
    ],
  },
];

describe.each(kinds)('session with $name', (kind) => {
  let s: Session;
  beforeAll(async () => {
    s = await grant({ permissions: kind.permissions(), callLimit: kind.callLimit });
  });

  it('behavior: an in-scope batch passes covers() and succeeds on chain', async () => {
    const { calls, check } = await kind.inScope();
    await sendCovered(s, calls);
    await check();
  });

  it('behavior: out-of-scope calls are refused off chain and revert on chain under every group', async () => {
    for (const { calls, reason } of kind.outOfScope()) await expectRefusedBothSides(s, calls, reason);
  });

  it('behavior: after expiry both sides refuse', async () => {
    const { calls } = await kind.inScope();
    const snapshot = await testClient.snapshot();
    try {
      await env.increaseTime(s.scope.expiry - (await env.now()));
      await expectRefusedBothSides(s, calls.slice(0, 1), /expired/);
    } finally {
      await testClient.revert({ id: snapshot });
    }
  });

  it('behavior: after revocation both sides refuse', async () => {
    const fresh = await grant({ permissions: kind.permissions(), callLimit: kind.callLimit });
    const { calls } = await kind.inScope();
    await env.revoke(owner, fresh.delegation);
    await expectRefusedBothSides(fresh, calls.slice(0, 1), /revoked/);
  });
});

describe('allowances over time', () => {
  it('behavior: a periodic ETH allowance renews when its period ends, on both sides', async () => {
    const s = await grant({ permissions: [{ type: 'native-token-periodic', data: { periodAmount: parseEther('0.01').toString(), periodDuration: 600, startTime: (await env.now()) - 1 } }] });
    await sendCovered(s, [env.calls.pay(eoa(), parseEther('0.01'))]);
    await expectRefusedBothSides(s, [env.calls.pay(eoa(), 1n)], /ETH allowance has 0 ETH left this 10 minutes/);
    await env.increaseTime(600);
    await sendCovered(s, [env.calls.pay(eoa(), parseEther('0.006')), env.calls.pay(eoa(), parseEther('0.004'))]);
    const usage = await env.usage(s.delegation, s.scope);
    expect(usage.periods?.native).toEqual({ lastPeriod: 2, transferred: parseEther('0.01') });
  });

  it('behavior: a streamed ETH allowance grows with time, up to its maximum', async () => {
    const s = await grant({
      permissions: [{ type: 'native-token-stream', data: { amountPerSecond: (10n ** 12n).toString(), initialAmount: '0', maxAmount: parseEther('0.005').toString(), startTime: await env.now() } }],
      expiresIn: 6 * 3600,
    });
    await expectRefusedBothSides(s, [env.calls.pay(eoa(), parseEther('0.003'))], /ETH stream has 0(\.0000\d+)? ETH available now/);
    await env.increaseTime(3600); // 0.0036 ETH streamed
    await sendCovered(s, [env.calls.pay(eoa(), parseEther('0.003'))]);
    await env.increaseTime(7200); // capped at 0.005
    await expectRefusedBothSides(s, [env.calls.pay(eoa(), parseEther('0.0021'))], /ETH stream has 0\.002 ETH available now \(0\.005 ETH of at most 0\.005 ETH streamed so far\)/);
    expect((await env.usage(s.delegation, s.scope)).streamed?.native).toBe(parseEther('0.003'));
  });

  it('behavior: an ERC-20 stream with an initial amount: that much at once, then by the second (linear, as the deployed enforcer counts)', async () => {
    // 2 DEMO at once, then 0.02 DEMO per second, at most 5.
    const s = await grant({
      permissions: [{ type: 'erc20-token-stream', data: { address: c.DemoToken, amountPerSecond: (DEMO(2) / 100n).toString(), initialAmount: DEMO(2).toString(), maxAmount: DEMO(5).toString(), startTime: await env.now() } }],
    });
    await sendCovered(s, [env.calls.transfer(c.DemoToken, eoa(), DEMO(2))]);
    await expectRefusedBothSides(s, [env.calls.transfer(c.DemoToken, eoa(), DEMO(1))], /stream has 0(\.\d+)? DEMO available now/);
    await env.increaseTime(60); // 1.2 DEMO more
    await sendCovered(s, [env.calls.transfer(c.DemoToken, eoa(), DEMO(1))]);
    await env.increaseTime(1000); // capped at 5
    await expectRefusedBothSides(s, [env.calls.transfer(c.DemoToken, eoa(), DEMO(3))], /stream has 2 DEMO available now \(5 DEMO of at most 5 DEMO streamed so far\)/);
    expect((await env.usage(s.delegation, s.scope)).streamed?.erc20).toBe(DEMO(3));
  });

  it('error: before its start a periodic allowance refuses every call it governs, on both sides', async () => {
    const later = (await env.now()) + 3600;
    const eth = await grant({
      permissions: [
        { type: 'native-token-periodic', data: { periodAmount: parseEther('0.01').toString(), periodDuration: 600, startTime: later } },
        { type: 'contract-access', data: { address: c.DemoGame } },
      ],
    });
    // NativeTokenPeriodTransferEnforcer checks every call, even one that sends no ETH.
    await expectRefusedBothSides(eth, [env.calls.move(1)], /ETH allowance starts at .* UTC; no call can be made before then/);
    const demo = await grant({
      permissions: [
        { type: 'erc20-token-periodic', data: { address: c.DemoToken, periodAmount: DEMO(1).toString(), periodDuration: 600, startTime: later } },
        { type: 'contract-access', data: { address: c.DemoGame } },
      ],
    });
    await expectRefusedBothSides(demo, [env.calls.transfer(c.DemoToken, eoa(), 1n)], /DemoToken allowance starts at .* UTC/);
    await sendCovered(demo, [env.calls.move(2)]);
  });
});

describe('token-approval-revocation (ApprovalRevocationEnforcer)', () => {
  const allowanceOf = (spender: Address) => publicClient.readContract({ address: c.DemoToken, abi: DemoTokenAbi, functionName: 'allowance', args: [owner.address, spender] });

  it('behavior: an existing approval is revoked; granting or raising one is refused on both sides', async () => {
    const spender = eoa();
    const root = await grant({ permissions: [{ type: 'root' }] });
    await sendCovered(root, [env.calls.approve(c.DemoToken, spender, DEMO(5))]);
    expect(await allowanceOf(spender)).toBe(DEMO(5));

    const s = await grant({ permissions: [{ type: 'token-approval-revocation' }] });
    await expectRefusedBothSides(s, [env.calls.approve(c.DemoToken, spender, DEMO(6))], /DemoToken\.approve does not only revoke/);
    await expectRefusedBothSides(s, [env.calls.transfer(c.DemoToken, spender, 1n)], /DemoToken\.transfer is not allowed/);
    await sendCovered(s, [env.calls.approve(c.DemoToken, spender, 0n)]);
    expect(await allowanceOf(spender)).toBe(0n);
  });

  it('behavior: revoking an approval that does not exist passes covers() (a shape check) and the dry run says why it would revert', async () => {
    const s = await grant({ permissions: [{ type: 'token-approval-revocation' }] });
    const calls = [env.calls.approve(c.DemoToken, eoa(), 0n)];
    expect(await verdict(s, calls)).toEqual({ covered: true });
    const sim = await simulateSessionBatch(publicClient, { from: s.key.address, delegationManager: c.DelegationManager, data: encodeSessionBatch(s.delegation, s.scope, calls) });
    expect(sim).toMatchObject({ ok: false, reason: expect.stringContaining('ApprovalRevocationEnforcer:no-approval-to-revoke') });
  });
});

describe('redeemers (RedeemerEnforcer)', () => {
  async function grantWith(redeemers: (key: Address) => Address[]): Promise<Session> {
    const scope = await scopeOf({ permissions: [{ type: 'contract-access', data: { address: c.DemoGame } }] });
    const key = await env.newSessionKey();
    const withRedeemers = { ...scope, redeemers: redeemers(key.address) };
    return { scope: withRedeemers, key, delegation: await env.grant(owner, key.address, withRedeemers) };
  }
  const check = async (s: Session, redeemer: Address) =>
    covers(s.scope, [env.calls.move(1)], await env.usage(s.delegation, s.scope), { chainId: env.chain.id, redeemer });

  it('behavior: the session key as its own redeemer uses the session as before', async () => {
    const s = await grantWith((key) => [key]);
    expect(await check(s, s.key.address)).toEqual({ covered: true });
    const before = await env.score(owner.address);
    expect((await env.sendBatch(s.key, s.delegation, s.scope, [env.calls.move(1)])).status).toBe('success');
    expect(await env.score(owner.address)).toBe(before + 1n);
  });

  it('error: a key that is not a redeemer is refused off chain and reverts on chain', async () => {
    const other = eoa();
    const s = await grantWith(() => [other]);
    expect(await check(s, s.key.address)).toEqual({ covered: false, reason: `only ${other.slice(0, 6)}…${other.slice(-4)} may use this session, not ${s.key.address.slice(0, 6)}…${s.key.address.slice(-4)}` });
    const receipt = await env.sendBatch(s.key, s.delegation, s.scope, [env.calls.move(1)]);
    expect(receipt.status).toBe('reverted');
    const sim = await simulateSessionBatch(publicClient, { from: s.key.address, delegationManager: c.DelegationManager, data: encodeSessionBatch(s.delegation, s.scope, [env.calls.move(1)]) });
    expect(sim).toMatchObject({ ok: false, reason: expect.stringContaining('RedeemerEnforcer:unauthorized-redeemer') });
  });
});

describe('several call groups in one session', () => {
  it('behavior: group A target with group B function is refused on both sides (no cross-product widening)', async () => {
    const s = await grant({
      permissions: [
        { type: 'functions-on-contract', data: { address: c.DemoToken, functions: ['mint(address,uint256)'] } },
        { type: 'functions-on-contract', data: { address: token2, functions: ['approve(address,uint256)'] } },
      ],
    });
    const to = eoa();
    await sendCovered(s, [env.calls.mint(c.DemoToken, to, 7n), env.calls.approve(token2, to, 8n)]);
    expect(await env.balanceOf(c.DemoToken, to)).toBe(7n);

    const cross = [env.calls.approve(c.DemoToken, to, 9n)];
    await expectRefusedBothSides(s, cross, /approve is not in the session's functions/);
    const crossB = [env.calls.mint(token2, to, 9n)];
    await expectRefusedBothSides(s, crossB, /mint is not in the session's functions/);

    // Control: the flat AllowedTargets x AllowedMethods delegation WOULD let the cross call through.
    const b = caveatBuilder(c.caveatEnforcers);
    const key = await env.newSessionKey();
    const flat = await signDelegation(
      owner,
      createDelegation({
        delegator: owner.address,
        delegate: key.address,
        caveats: [b.allowedTargets([c.DemoToken, token2]), b.allowedMethods([toFunctionSelector('mint(address,uint256)'), toFunctionSelector('approve(address,uint256)')])],
      }),
      { chainId: env.chain.id, delegationManager: c.DelegationManager },
    );
    const data = encodeRedeemDelegations([{ delegations: [flat], executions: [{ target: c.DemoToken, value: 0n, callData: cross[0]!.data }] }]);
    expect((await env.sendForced(key, data, 1)).status).toBe('success');
  });

  it('behavior: two ERC-20 allowances keep separate counters (a leaf each in the chain; ERC20TransferAmount + MultiTokenPeriod in the wrapped layout)', async () => {
    const s = await grant({
      permissions: [
        { type: 'erc20-token-transfer', data: { address: c.DemoToken, allowance: DEMO(10).toString() } },
        { type: 'erc20-token-transfer', data: { address: token2, allowance: `0x${DEMO(5).toString(16)}` } },
      ],
    });
    const to = eoa();
    await sendCovered(s, [env.calls.transfer(c.DemoToken, to, DEMO(8)), env.calls.transfer(token2, to, DEMO(4))]);
    const usage = await env.usage(s.delegation, s.scope);
    expect(usage.erc20Spent).toEqual({ [c.DemoToken]: DEMO(8), [token2]: DEMO(4) });
    await expectRefusedBothSides(s, [env.calls.transfer(token2, to, DEMO(2))], /allowance has 1000000000000000000 units .* left; this batch transfers 2000000000000000000/);
    await sendCovered(s, [env.calls.transfer(c.DemoToken, to, DEMO(2)), env.calls.transfer(token2, to, DEMO(1))]);
    expect(await env.balanceOf(c.DemoToken, to)).toBe(DEMO(10));
    expect(await env.balanceOf(token2, to)).toBe(DEMO(5));
    // Earlier calls of the same batch count: 0 left of each now.
    await expectRefusedBothSides(s, [env.calls.transfer(token2, to, 1n)], /allowance has 0 units/);
  });

  it('behavior: a batch is all or nothing (one refused call reverts the whole transaction)', async () => {
    const s = await grant({
      permissions: [
        { type: 'functions-on-contract', data: { address: c.DemoGame, functions: ['move(uint8)'] } },
        { type: 'native-token-transfer', data: { allowance: parseEther('0.01').toString() } },
      ],
    });
    const before = await env.score(owner.address);
    const to = eoa();
    const batch = [env.calls.move(0), env.calls.pay(to, parseEther('0.001')), env.calls.pay(to, parseEther('0.02'))];
    const v = await verdict(s, batch);
    expect(v).toMatchObject({ covered: false, callIndex: 2 });
    const receipt = await env.sendBatch(s.key, s.delegation, s.scope, batch);
    expect(receipt.status).toBe('reverted');
    expect(await env.score(owner.address)).toBe(before);
    expect(await ethOf(to)).toBe(0n);
    const usage = await env.usage(s.delegation, s.scope);
    expect(usage.nativeSpent).toBe(0n);

    const sim = await simulateSessionBatch(publicClient, { from: s.key.address, delegationManager: c.DelegationManager, data: encodeSessionBatch(s.delegation, s.scope, batch) });
    expect(sim).toMatchObject({ ok: false, reason: 'NativeTokenTransferAmountEnforcer:allowance-exceeded' });
  });

  it('param: gas-limit adds no caveat; readSessionUsage reads calls, ETH and time', async () => {
    const withGas = await scopeOf({ permissions: [{ type: 'contract-access', data: { address: c.DemoGame } }, { type: 'gas-limit', data: { limit: '1000000' } }] });
    const without = { ...withGas, permissions: withGas.permissions.filter((p) => p.type !== 'gas-limit') };
    expect(scopeToCaveats(withGas, c.caveatEnforcers)).toEqual(scopeToCaveats(without, c.caveatEnforcers));

    const s = await grant({ permissions: [{ type: 'contract-access', data: { address: c.DemoGame } }, { type: 'native-token-transfer', data: { allowance: '1000000' } }], callLimit: 9 });
    const u0 = await env.usage(s.delegation, s.scope);
    expect(u0).toMatchObject({ nativeSpent: 0n, callsUsed: 0, disabled: false, erc20Spent: {} });
    await sendCovered(s, [env.calls.move(1), env.calls.pay(eoa(), 1234n)]);
    const u1 = await env.usage(s.delegation, s.scope);
    expect(u1).toMatchObject({ nativeSpent: 1234n, callsUsed: 2, disabled: false });
    expect(u1.now).toBeGreaterThanOrEqual(u0.now);
  });
});

describe('gas', () => {
  it('behavior: a session call costs more than the same call by the owner (printed)', async () => {
    const s = await grant({ permissions: [{ type: 'functions-on-contract', data: { address: c.DemoGame, functions: ['move(uint8)'] } }], callLimit: 100 });
    await sendCovered(s, [env.calls.move(1)]); // warm the enforcer storage
    const session = await sendCovered(s, [env.calls.move(1)]);
    const batch4 = await sendCovered(s, [env.calls.move(1), env.calls.move(2), env.calls.move(3), env.calls.move(0)]);
    const direct = await publicClient.waitForTransactionReceipt({
      hash: await env.walletFor(owner).sendTransaction({ to: c.DemoGame, data: env.calls.move(1).data }),
    });
    const transfer = await publicClient.waitForTransactionReceipt({ hash: await env.walletFor(owner).sendTransaction({ to: eoa(), value: 1n }) });

    // The same restriction without the OR wrapper (flat caveats, fine for a single group), for the wrapper's cost.
    const b = caveatBuilder(c.caveatEnforcers);
    const key = await env.newSessionKey();
    const flat = await signDelegation(
      owner,
      createDelegation({
        delegator: owner.address,
        delegate: key.address,
        caveats: [b.timestamp({ beforeThreshold: s.scope.expiry }), b.limitedCalls(100), b.valueLte(0n), b.allowedTargets([c.DemoGame]), b.allowedMethods([toFunctionSelector('move(uint8)')])],
      }),
      { chainId: env.chain.id, delegationManager: c.DelegationManager },
    );
    const flatData = encodeRedeemDelegations([{ delegations: [flat], executions: [{ target: c.DemoGame, value: 0n, callData: env.calls.move(1).data }] }]);
    await env.sendForced(key, flatData, 1); // warm
    const flatReceipt = await env.sendForced(key, flatData, 1);
    expect(flatReceipt.status).toBe('success');
    console.log(
      `[gas] plain ETH transfer ${transfer.gasUsed}; DemoGame.move by the owner ${direct.gasUsed}; ` +
        `move through the session ${session.gasUsed} (flat caveats without the OR wrapper: ${flatReceipt.gasUsed}); ` +
        `4 moves in one session batch ${batch4.gasUsed} (${batch4.gasUsed / 4n}/call)`,
    );
    expect(session.gasUsed).toBeGreaterThan(direct.gasUsed);
  });
});


describe('SessionCallEnforcer (the wallet\'s own enforcer) on chain', () => {
  const move = toFunctionSelector('move(uint8)');
  const buy = toFunctionSelector('buyItem(uint256)');
  const transferSel = toFunctionSelector('transfer(address,uint256)');
  const ctx = () => ({ chainId: env.chain.id, delegationManager: c.DelegationManager });
  const b = () => caveatBuilder(env.framework.caveatEnforcers);

  /** A delegation owner -> fresh key holding one SessionCallEnforcer caveat with these terms. */
  async function delegated(terms: Parameters<ReturnType<typeof caveatBuilder>['sessionCall']>[0]) {
    const key = await env.newSessionKey();
    const d = await signDelegation(owner, createDelegation({ delegator: owner.address, delegate: key.address, caveats: [b().sessionCall(terms)] }), ctx());
    const data = (call: SessionCall, mode: (typeof EXECUTION_MODE)[keyof typeof EXECUTION_MODE] = EXECUTION_MODE.SingleDefault) =>
      encodeRedeemDelegations([{ delegations: [d], executions: [{ target: call.to, value: call.value, callData: call.data }], mode }]);
    /** Lands the redemption on chain (fixed gas, no estimate): its receipt, and the enforcer's reason when it reverted (replayed on the block before). */
    const send = async (call: SessionCall, mode?: Parameters<typeof data>[1]) => {
      const receipt = await env.sendForced(key, data(call, mode), 1);
      const reason =
        receipt.status === 'success'
          ? undefined
          : await publicClient.call({ account: key.address, to: c.DelegationManager, data: data(call, mode), blockNumber: receipt.blockNumber - 1n }).then(
              () => 'passes when replayed',
              (err: unknown) => decodeRevertReason(err),
            );
      return { status: receipt.status, reason };
    };
    return { key, d, send };
  }
  const gameRules = () => [
    { kind: 'pair', target: c.DemoGame, selector: move },
    { kind: 'pair', target: c.DemoToken, selector: transferSel },
  ] as const;

  it('behavior: an allowed (target, selector) pair passes and moves the game', async () => {
    const { send } = await delegated({ expiry: (await env.now()) + 600, callLimit: 5, nativeAllowance: 0n, rules: gameRules() });
    const before = await env.score(owner.address);
    expect(await send(env.calls.move(0))).toEqual({ status: 'success', reason: undefined });
    expect(await env.score(owner.address)).toBe(before + 1n);
  });

  it('error: a wrong target, a wrong selector and a cross pair (the game\'s selector on the token, the token\'s on the game) revert', async () => {
    const { send } = await delegated({ expiry: (await env.now()) + 600, callLimit: 0, nativeAllowance: 0n, rules: gameRules() });
    const notAllowed = { status: 'reverted', reason: 'SessionCallEnforcer:call-not-allowed' };
    expect(await send({ ...env.calls.move(1), to: token2 })).toEqual(notAllowed); // wrong target
    expect(await send(env.calls.buyItem(1n, 0n))).toEqual(notAllowed); // wrong selector on an allowed target
    expect(await send({ ...env.calls.move(1), to: c.DemoToken })).toEqual(notAllowed); // move() on the token
    expect(await send({ ...env.calls.transfer(c.DemoToken, eoa(), 1n), to: c.DemoGame })).toEqual(notAllowed); // transfer() on the game
    expect(await send({ to: c.DemoGame, value: 0n, data: '0x' })).toEqual(notAllowed); // no selector at all
  });

  it('error: after the expiry every call reverts', async () => {
    const { send } = await delegated({ expiry: (await env.now()) + 30, callLimit: 0, nativeAllowance: 0n, rules: gameRules() });
    expect((await send(env.calls.move(0))).status).toBe('success');
    await env.increaseTime(60);
    expect(await send(env.calls.move(0))).toEqual({ status: 'reverted', reason: 'SessionCallEnforcer:expired' });
  });

  it('error: over the call limit reverts, and the count is the DelegationManager\'s record for this delegation', async () => {
    const { d, send } = await delegated({ expiry: (await env.now()) + 600, callLimit: 2, nativeAllowance: 0n, rules: gameRules() });
    expect((await send(env.calls.move(0))).status).toBe('success');
    expect((await send(env.calls.move(1))).status).toBe('success');
    expect(await send(env.calls.move(2))).toEqual({ status: 'reverted', reason: 'SessionCallEnforcer:limit-exceeded' });
    const usage = await publicClient.readContract({ address: c.SessionCallEnforcer, abi: SessionCallEnforcerAbi, functionName: 'usage', args: [c.DelegationManager, hashDelegation(d)] });
    expect(usage).toEqual([2n, 0n]);
  });

  it('error: value over the allowance reverts (cumulative), and no value at all with an allowance of 0', async () => {
    const rules = [{ kind: 'pair', target: c.DemoGame, selector: buy }] as const;
    const { send } = await delegated({ expiry: (await env.now()) + 600, callLimit: 0, nativeAllowance: parseEther('0.0015'), rules });
    expect((await send(env.calls.buyItem(1n))).status).toBe('success'); // 0.001 of 0.0015
    expect(await send(env.calls.buyItem(2n))).toEqual({ status: 'reverted', reason: 'SessionCallEnforcer:allowance-exceeded' });
    const none = await delegated({ expiry: (await env.now()) + 600, callLimit: 0, nativeAllowance: 0n, rules });
    expect(await none.send(env.calls.buyItem(3n))).toEqual({ status: 'reverted', reason: 'SessionCallEnforcer:allowance-exceeded' });
  });

  it('error: batch mode and try mode revert (single-call default mode only)', async () => {
    const { send } = await delegated({ expiry: (await env.now()) + 600, callLimit: 0, nativeAllowance: 0n, rules: gameRules() });
    expect(await send(env.calls.move(0), EXECUTION_MODE.BatchDefault)).toEqual({ status: 'reverted', reason: 'SessionCallEnforcer:invalid-call-type' });
    expect(await send(env.calls.move(0), EXECUTION_MODE.SingleTry)).toEqual({ status: 'reverted', reason: 'SessionCallEnforcer:invalid-execution-type' });
  });

  it('behavior: calling its hooks directly cannot touch a delegation\'s counters (they are keyed by the caller, the DelegationManager)', async () => {
    const { d, send } = await delegated({ expiry: (await env.now()) + 600, callLimit: 1, nativeAllowance: 0n, rules: gameRules() });
    const hash = hashDelegation(d);
    const stranger = await env.newSessionKey();
    const terms = d.caveats[0]!.terms;
    const exec = encodeExecutionCalldata([{ target: c.DemoGame, value: 0n, callData: env.calls.move(0).data }], EXECUTION_MODE.SingleDefault);
    const r = await publicClient.waitForTransactionReceipt({
      hash: await env.walletFor(stranger).writeContract({ address: c.SessionCallEnforcer, abi: SessionCallEnforcerAbi, functionName: 'beforeHook', args: [terms, '0x', EXECUTION_MODE.SingleDefault, exec, hash, owner.address, stranger.address] }),
    });
    expect(r.status).toBe('success'); // it counted the stranger's own record...
    expect(await publicClient.readContract({ address: c.SessionCallEnforcer, abi: SessionCallEnforcerAbi, functionName: 'usage', args: [stranger.address, hash] })).toEqual([1n, 0n]);
    // ...not the DelegationManager's: the session's one call is still there.
    expect((await send(env.calls.move(0))).status).toBe('success');
  });

  it('behavior: the demo dApp\'s grant shape signed with it: covered calls pass, refused ones revert under every group, usage is read back', async () => {
    const to = eoa();
    const s = await grant(
      {
        permissions: [
          { type: 'functions-on-contract', data: { address: c.DemoGame, functions: ['move(uint8)', 'buyItem(uint256)'] } },
          { type: 'native-token-transfer', data: { allowance: parseEther('0.002').toString() } },
          { type: 'erc20-token-transfer', data: { address: c.DemoToken, allowance: DEMO(10).toString() } },
        ],
        callLimit: 6,
      },
      { sessionCall: true },
    );
    expect(s.delegation.caveats.map((x) => x.enforcer)).toEqual([c.SessionCallEnforcer]);
    await sendCovered(s, [env.calls.move(1), env.calls.buyItem(7n), env.calls.transfer(c.DemoToken, to, DEMO(3))]);
    expect(await env.balanceOf(c.DemoToken, to)).toBe(DEMO(3));
    expect(await env.usage(s.delegation, s.scope)).toMatchObject({ callsUsed: 3, nativeSpent: parseEther('0.001'), erc20Spent: { [c.DemoToken]: DEMO(3) } });
    // ETH is session-wide: the game's payable call and a plain transfer draw on the same 0.002.
    await expectRefusedBothSides(s, [env.calls.pay(to, parseEther('0.0015'))], /ETH/);
    // Groups never widen each other: a token transfer with value, the game's selector on the token.
    await expectRefusedBothSides(s, [{ ...env.calls.transfer(c.DemoToken, to, 1n), value: 1n }], /./);
    await expectRefusedBothSides(s, [{ ...env.calls.move(1), to: c.DemoToken }], /./);
    await sendCovered(s, [env.calls.move(2), env.calls.move(3), env.calls.move(0)]);
    await expectRefusedBothSides(s, [env.calls.move(1)], /call/);
  });

  it('behavior: groups it can all say as rules (game functions, plain ETH) are one caveat: each group\'s calls pass, nothing mixed from two groups does', async () => {
    const to = eoa();
    const s = await grant(
      {
        permissions: [
          { type: 'functions-on-contract', data: { address: c.DemoGame, functions: ['move(uint8)'] } },
          { type: 'native-token-transfer', data: { allowance: parseEther('0.002').toString() } },
        ],
        callLimit: 5,
      },
      { sessionCall: true },
    );
    expect(s.delegation.caveats.map((x) => x.enforcer)).toEqual([c.SessionCallEnforcer]);
    expect((s.delegation as { groups?: unknown }).groups).toBeUndefined();
    await sendCovered(s, [env.calls.move(1), env.calls.pay(to, parseEther('0.001'))]);
    expect(await ethOf(to)).toBe(parseEther('0.001'));
    expect(await env.usage(s.delegation, s.scope)).toMatchObject({ callsUsed: 2, nativeSpent: parseEther('0.001') });
    // A selector the game group lacks; the game's selector on another target; calldata to the ETH group's "anyone".
    await expectRefusedBothSides(s, [env.calls.buyItem(1n)], /buyItem/);
    await expectRefusedBothSides(s, [{ ...env.calls.move(1), to: c.DemoToken }], /./);
    await expectRefusedBothSides(s, [env.calls.pay(to, 1n, env.calls.move(1).data)], /./);
    // The ETH allowance is the session's, whichever group the call is in.
    await expectRefusedBothSides(s, [env.calls.pay(to, parseEther('0.0011'))], /ETH/);
  });

  it('behavior: the wallet\'s backend signs with it only where its code is at the deployment\'s address; elsewhere the framework\'s enforcers', async () => {
    const chain: ChainConfig = { id: DEVNET_CHAIN_ID, name: 'Devnet', rpcUrl: inject('rpcUrl'), nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, kind: 'devnet' };
    const scope = await scopeOf({ permissions: [{ type: 'contract-access', data: { address: c.DemoGame } }], callLimit: 3 });
    const enforcersOf = async (backend: DelegationBackend) => (await backend.grant(owner, scope, eoa())).fields.delegation?.caveats.map((x) => x.enforcer);
    expect(await enforcersOf(new DelegationBackend(chain))).toEqual([c.SessionCallEnforcer]);
    const code = await publicClient.getCode({ address: c.SessionCallEnforcer });
    try {
      await testClient.setCode({ address: c.SessionCallEnforcer, bytecode: '0x' });
      expect(await enforcersOf(new DelegationBackend(chain))).toEqual([c.caveatEnforcers.TimestampEnforcer, c.caveatEnforcers.LimitedCallsEnforcer, c.caveatEnforcers.ValueLteEnforcer, c.caveatEnforcers.AllowedTargetsEnforcer]);
    } finally {
      await testClient.setCode({ address: c.SessionCallEnforcer, bytecode: code ?? '0x' });
    }
  });
});

describe('the dry run (simulateSessionBatch)', () => {
  const dryRun = (client: Parameters<typeof simulateSessionBatch>[0], s: Session, calls: SessionCall[]) =>
    simulateSessionBatch(client, { from: s.key.address, delegationManager: c.DelegationManager, data: encodeSessionBatch(s.delegation, s.scope, calls) });

  it('behavior: one eth_simulateV1 run gives the gas limit: at least what eth_estimateGas finds, and a redemption signed with it succeeds', async () => {
    for (const sessionCall of [true, false]) {
      const s = await grant({ permissions: [{ type: 'contract-access', data: { address: c.DemoGame } }] }, { sessionCall });
      for (const calls of [[env.calls.move(1)], [0, 1, 2, 3, 0].map((d) => env.calls.move(d))]) {
        const data = encodeSessionBatch(s.delegation, s.scope, calls);
        const sim = await dryRun(publicClient, s, calls);
        const estimate = await publicClient.estimateGas({ account: s.key.address, to: c.DelegationManager, data });
        expect(sim).toEqual({ ok: true, gas: expect.any(BigInt) });
        // Room for refunds and the 1/64 each inner call keeps back, never less than the tight figure.
        expect(sim.ok && sim.gas >= estimate && sim.gas <= gasLimitFor(estimate)).toBe(true);
        const hash = await env.walletFor(s.key).sendTransaction({ to: c.DelegationManager, data, gas: sim.ok ? sim.gas : 0n });
        expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
      }
    }
  });

  it('param: a node without eth_simulateV1 (-32601): the dry run estimates instead, with the same revert reasons, and asks that node for eth_simulateV1 only once', async () => {
    const asked: string[] = [];
    const transport = custom({
      async request({ method, params }: { method: string; params?: unknown }) {
        asked.push(method);
        if (method === 'eth_simulateV1') throw new MethodNotFoundRpcError(new Error('the method eth_simulateV1 does not exist'));
        return publicClient.request({ method, params } as never);
      },
    });
    const node = createPublicClient({ chain: publicClient.chain, transport });
    const other = eoa();
    const s = await grant({ permissions: [{ type: 'contract-access', data: { address: c.DemoGame } }] });
    const refused = { ...s, scope: { ...s.scope, redeemers: [other] } };
    const withRedeemer = { ...refused, delegation: await env.grant(owner, s.key.address, refused.scope) };
    const estimate = await publicClient.estimateGas({ account: s.key.address, to: c.DelegationManager, data: encodeSessionBatch(s.delegation, s.scope, [env.calls.move(1)]) });
    expect(await dryRun(node, s, [env.calls.move(1)])).toEqual({ ok: true, gas: estimate });
    expect(await dryRun(node, withRedeemer, [env.calls.move(1)])).toMatchObject({ ok: false, reverted: true, reason: expect.stringContaining('RedeemerEnforcer:unauthorized-redeemer') });
    expect(await dryRun(publicClient, withRedeemer, [env.calls.move(1)])).toMatchObject({ ok: false, reverted: true, reason: expect.stringContaining('RedeemerEnforcer:unauthorized-redeemer') });
    expect(asked.filter((m) => m === 'eth_simulateV1')).toHaveLength(1);
    expect(asked.filter((m) => m === 'eth_estimateGas')).toHaveLength(2);
  });

  it('behavior: the target\'s own revert comes back decoded from the one run, as the estimate said it', async () => {
    const s = await grant({ permissions: [{ type: 'contract-access', data: { address: c.DemoGame } }] });
    expect(await dryRun(publicClient, s, [env.calls.move(9)])).toMatchObject({ ok: false, reverted: true, reason: 'InvalidDirection(9)', revertData: expect.stringMatching(/^0x/) });
  });
});
