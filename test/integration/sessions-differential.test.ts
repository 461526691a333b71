// Differential test: the off-chain check (covers + a fresh readSessionUsage) against the chain's own
// verdict, on hundreds of generated session batches. For every batch, covers() says covered or
// refused; then the batch is sent anyway, from the session key with a fixed gas limit (no
// estimation, so a refused batch really lands on chain), and the receipt says success or reverted.
// The two must agree, every time. Calls covers() matched to no group are also tried alone under
// every group the session key could name (eth_call): none may pass.
//
// Generated (seeded PRNG; DIFF_SEED=n to replay, DIFF_CALLS=n for more): random sessions through
// parseSessionScope (refused requests are counted and replaced), random calls (DemoGame, DemoToken,
// a second token, random EOAs, the account itself; allowed and not allowed functions; values;
// ETH and ERC-20 allowances that are fixed, renew per period or stream, some not started yet),
// sometimes a redeemer rule (the key itself or another address), batches of 1-4, time jumps, revocations, sessions replaced as they expire or are revoked.
// Each session is signed with the framework's enforcers only or, half the time, with the wallet's
// own SessionCallEnforcer (what the wallet signs where it is deployed, caveats.ts): both layouts
// are held to the same verdicts.
// Each batch lands in a block whose timestamp the test sets (one second after the latest), and
// covers() is asked at that time: periods and streams move by the second, so the comparison is
// made at the clock the enforcers will read.
// Every generated call is one the target itself accepts, so a revert can only come from the
// delegation's caveats: what the test compares.
import { encodeFunctionData, parseEther, toFunctionSelector, toHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import { caveatArgsForCall, caveatArgsForGroup } from '../../src/backends/delegation/caveats';
import { decodeRevertReason, encodeRedeemDelegations } from '../../src/backends/delegation/framework';
import { sessionRedemptions, type SessionDelegation } from '../../src/backends/delegation/session-chain';
import { PermissionError } from '../../src/permissions/errors';
import { callGroups, erc20TransferAmount, isRootScope, matchCallGroup, nativeAllowanceOf, nativePermissionOf } from '../../src/permissions/match';
import { serializeScope, serializeUsage } from '../../src/permissions/serialize';
import type { SessionCall, SessionScope, SessionUsage } from '../../src/permissions/types';
import { parseSessionScope } from '../../src/permissions/validate';
import { covers, DEFAULT_EXPIRY_MARGIN_SECONDS } from '../../src/sessions/policy';
import { sessionEnv } from './session-helpers';

const SEED = Number(process.env.DIFF_SEED ?? Math.floor(Math.random() * 2 ** 32));
const TARGET_CALLS = Number(process.env.DIFF_CALLS ?? 2000);
const POOL = 4;

const env = sessionEnv(inject('rpcUrl'));
const { contracts: c, publicClient, testClient } = env;

/** mulberry32: small, fast, good enough to drive a generator, and replayable from the seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const chance = (p: number) => next() < p;
  const subset = <T>(list: readonly T[]): T[] => {
    const s = list.filter(() => chance(0.5));
    return s.length > 0 ? s : [pick(list)];
  };
  const bytes = (n: number): Hex => toHex(Uint8Array.from({ length: n }, () => int(0, 255)));
  return { next, int, pick, chance, subset, bytes };
}

const rnd = prng(SEED);
const ITEM_PRICE = parseEther('0.001');
const ETH_VALUES = [1n, parseEther('0.0005'), parseEther('0.001'), parseEther('0.003'), parseEther('0.01')];
const ACCOUNT_FNS = ['addDeposit()', 'getNonce()'] as const;
const TOKEN_FNS = ['transfer(address,uint256)', 'mint(address,uint256)', 'approve(address,uint256)'] as const;
const GAME_FNS = ['move(uint8)', 'buyItem(uint256)'] as const;
const RANDOM_SELECTOR = toHex(0xc0ffee42, { size: 4 });

let owner: PrivateKeyAccount;
let token2: Address;
let eoas: Address[];
let snapshot: Hex;

interface Live {
  id: number;
  scope: SessionScope;
  key: PrivateKeyAccount;
  delegation: SessionDelegation;
  /** Signed with the wallet's SessionCallEnforcer (else the framework's enforcers only). */
  sessionCall: boolean;
  revoked: boolean;
  /** Calls of covered batches sent so far (what LimitedCalls counted). */
  callsSent: number;
}

const stats = {
  batches: 0,
  calls: 0,
  coveredBatches: 0,
  refusedBatches: 0,
  coveredCalls: 0,
  refusedCalls: 0,
  sessions: 0,
  sessionCallSessions: 0,
  sessionCallBatches: 0,
  /** Of those: several call groups in one caveat (caveats.ts sessionCallUnion: no chain). */
  sessionCallUnions: 0,
  sessionRequestsRefused: 0,
  timeJumps: 0,
  marginSkips: 0,
  revokes: 0,
  groupProbes: 0,
  reasons: new Map<string, number>(),
  /** Per permission kind: batches to sessions holding it, and how many of them covers() covered. */
  kinds: new Map<string, { sessions: number; batches: number; covered: number; refused: number }>(),
};
const kindsOf = (scope: SessionScope) => [...new Set(scope.permissions.map((p) => p.type as string)), ...(scope.redeemers ? ['redeemers'] : [])];
const kindStats = (type: string) => {
  let k = stats.kinds.get(type);
  if (!k) stats.kinds.set(type, (k = { sessions: 0, batches: 0, covered: 0, refused: 0 }));
  return k;
};
const mismatches: string[] = [];

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x), 1);
const cased = (a: Address) => (rnd.chance(0.5) ? a.toLowerCase() : a);
const amountString = (n: bigint) => (rnd.chance(0.5) ? n.toString() : `0x${n.toString(16)}`);

const PERIODS = [60, 300, 900] as const;
/** Mostly started a while ago; sometimes just now or still to come. */
const startTime = (now: number) => (rnd.chance(0.15) ? now + rnd.int(1, 200) : now - rnd.int(0, 900));

/** A random session request in the flat vocabulary (sometimes one validation refuses). */
function randomRequest(now: number): unknown {
  const permissions: unknown[] = [];
  if (rnd.chance(0.1)) permissions.push({ type: 'root' });
  else {
    const kinds = rnd.subset(['native', 'erc20', 'erc20b', 'access', 'fn-contract', 'fn-all', 'account', 'revoke'] as const).slice(0, rnd.int(1, 4));
    for (const k of kinds) {
      switch (k) {
        case 'native': {
          const variant = rnd.pick(['transfer', 'periodic', 'stream'] as const);
          if (variant === 'transfer') permissions.push({ type: 'native-token-transfer', data: { allowance: amountString(parseEther('0.001') * BigInt(rnd.int(1, 30))) } });
          else if (variant === 'periodic') {
            permissions.push({ type: 'native-token-periodic', data: { periodAmount: amountString(parseEther('0.001') * BigInt(rnd.int(1, 10))), periodDuration: rnd.pick(PERIODS), startTime: startTime(now) } });
          } else {
            const perSecond = parseEther('0.00001') * BigInt(rnd.int(1, 5));
            const initial = rnd.chance(0.5) ? 0n : parseEther('0.001') * BigInt(rnd.int(1, 5));
            const max = initial + parseEther('0.001') * BigInt(rnd.int(1, 20));
            permissions.push({ type: 'native-token-stream', data: { amountPerSecond: amountString(perSecond), initialAmount: amountString(initial), maxAmount: amountString(max), startTime: startTime(now) } });
          }
          break;
        }
        case 'erc20':
        case 'erc20b': {
          const address = cased(k === 'erc20' ? c.DemoToken : token2);
          const variant = rnd.pick(['transfer', 'periodic', 'stream'] as const);
          if (variant === 'transfer') permissions.push({ type: 'erc20-token-transfer', data: { address, allowance: amountString(parseEther(String(rnd.int(1, 50)))) } });
          else if (variant === 'periodic') {
            permissions.push({ type: 'erc20-token-periodic', data: { address, periodAmount: amountString(parseEther(String(rnd.int(1, 50)))), periodDuration: rnd.pick(PERIODS), startTime: startTime(now) } });
          } else {
            const perSecond = parseEther('0.01') * BigInt(rnd.int(1, 20));
            // ERC20StreamingEnforcer: with an initial amount it unlocks whole chunks of it.
            const initial = rnd.chance(0.5) ? 0n : perSecond * BigInt(rnd.int(1, 120));
            const max = initial + parseEther(String(rnd.int(1, 50)));
            permissions.push({ type: 'erc20-token-stream', data: { address, amountPerSecond: amountString(perSecond), initialAmount: amountString(initial), maxAmount: amountString(max), startTime: startTime(now) } });
          }
          break;
        }
        case 'access':
          permissions.push({ type: 'contract-access', data: { address: cased(rnd.pick([c.DemoGame, c.DemoToken, token2, ...eoas])) } });
          break;
        case 'fn-contract': {
          const target = rnd.pick([c.DemoGame, c.DemoToken, token2, ...eoas]);
          const fns: readonly string[] = target === c.DemoGame ? GAME_FNS : target === c.DemoToken || target === token2 ? TOKEN_FNS : [...GAME_FNS, RANDOM_SELECTOR];
          permissions.push({ type: 'functions-on-contract', data: { address: cased(target), functions: rnd.subset(fns) } });
          break;
        }
        case 'fn-all':
          permissions.push({ type: 'functions-on-all-contracts', data: { functions: rnd.subset(['move(uint8)', 'mint(address,uint256)', 'approve(address,uint256)', RANDOM_SELECTOR]) } });
          break;
        case 'revoke':
          permissions.push({ type: 'token-approval-revocation' });
          break;
        case 'account':
          permissions.push({ type: 'account-functions', data: { functions: rnd.subset(ACCOUNT_FNS.map((f) => (rnd.chance(0.5) ? f : toFunctionSelector(f)))) } });
          break;
      }
    }
  }
  if (rnd.chance(0.2)) permissions.push({ type: 'gas-limit', data: { limit: amountString(parseEther('0.01')) } });
  const request: Record<string, unknown> = { expiry: now + rnd.int(120, 2400), permissions };
  if (rnd.chance(0.5)) request.callLimit = rnd.int(2, 15);
  return request;
}

async function newSession(id: number): Promise<Live> {
  for (;;) {
    const now = await env.now();
    try {
      const scope = parseSessionScope(randomRequest(now), { account: owner.address, chainId: env.chain.id, now });
      const key = await env.newSessionKey();
      // The redeemer rule is set by the wallet, not asked for: mostly the key itself, sometimes another address.
      if (rnd.chance(0.15)) scope.redeemers = rnd.chance(0.8) ? [key.address] : [rnd.pick(eoas)];
      const sessionCall = rnd.chance(0.5);
      stats.sessions++;
      if (sessionCall) stats.sessionCallSessions++;
      for (const t of kindsOf(scope)) kindStats(t).sessions++;
      const delegation = await env.grant(owner, key.address, scope, { sessionCall });
      if (sessionCall && callGroups(scope).length > 1 && !delegation.groups) stats.sessionCallUnions++;
      return { id, scope, key, delegation, sessionCall, revoked: false, callsSent: 0 };
    } catch (err) {
      if (!(err instanceof PermissionError)) throw err;
      stats.sessionRequestsRefused++;
    }
  }
}

const game = {
  move: (): SessionCall => ({ to: c.DemoGame, value: 0n, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'move', args: [rnd.int(0, 3)] }) }),
  buy: (): SessionCall => ({ to: c.DemoGame, value: ITEM_PRICE, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'buyItem', args: [BigInt(rnd.int(0, 9))] }) }),
};

function tokenCall(token: Address, fn: (typeof TOKEN_FNS)[number], allowance?: bigint): SessionCall {
  const to = rnd.pick(eoas);
  if (fn === 'transfer(address,uint256)') {
    // Around the allowance when there is one, so both sides of the limit come up.
    const amount = allowance !== undefined && rnd.chance(0.7) ? (allowance * BigInt(rnd.int(0, 60))) / 100n : parseEther(String(rnd.int(0, 20)));
    return { to: token, value: 0n, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'transfer', args: [to, amount] }) };
  }
  const name = fn === 'mint(address,uint256)' ? 'mint' : 'approve';
  return { to: token, value: 0n, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: name, args: [to, BigInt(rnd.int(1, 1000))] }) };
}

function accountCall(): SessionCall {
  const fn = rnd.pick(['receive', ...ACCOUNT_FNS] as const);
  if (fn === 'receive') return { to: owner.address, value: rnd.pick(ETH_VALUES), data: '0x' };
  if (fn === 'getNonce()') return { to: owner.address, value: 0n, data: toFunctionSelector(fn) };
  return { to: owner.address, value: rnd.chance(0.5) ? 0n : rnd.pick(ETH_VALUES), data: toFunctionSelector(fn) };
}

function eoaCall(to: Address = rnd.pick(eoas)): SessionCall {
  const value = rnd.chance(0.4) ? 0n : rnd.pick(ETH_VALUES);
  const data = rnd.pick<Hex>(['0x', '0x', game.move().data, RANDOM_SELECTOR, `${RANDOM_SELECTOR}${rnd.bytes(rnd.int(1, 40)).slice(2)}` as Hex, rnd.bytes(rnd.int(1, 3))]);
  return { to, value, data };
}

/** Any call the targets accept (the generator never makes a call its target itself would revert). */
function randomCall(): SessionCall {
  const r = rnd.next();
  if (r < 0.2) return rnd.chance(0.7) ? game.move() : game.buy();
  if (r < 0.35) return tokenCall(c.DemoToken, rnd.pick(TOKEN_FNS));
  if (r < 0.45) return tokenCall(token2, rnd.pick(TOKEN_FNS));
  if (r < 0.6) return accountCall();
  return eoaCall();
}

/** A call aimed at one of the session's own permissions (it may still be refused: amounts, value, limits). */
function inScopeCall(scope: SessionScope): SessionCall {
  const groups = callGroups(scope);
  if (isRootScope(scope) || groups.length === 0) return randomCall();
  const g = rnd.pick(groups);
  switch (g.type) {
    case 'native-token-transfer':
    case 'native-token-periodic':
    case 'native-token-stream':
      return rnd.chance(0.7) ? { to: rnd.pick(eoas), value: rnd.pick(ETH_VALUES), data: '0x' } : { to: owner.address, value: rnd.pick(ETH_VALUES), data: '0x' };
    case 'erc20-token-transfer':
      return tokenCall(g.data.address, 'transfer(address,uint256)', g.data.allowance);
    case 'erc20-token-periodic':
      return tokenCall(g.data.address, 'transfer(address,uint256)', g.data.periodAmount);
    case 'erc20-token-stream':
      return tokenCall(g.data.address, 'transfer(address,uint256)', g.data.initialAmount + g.data.amountPerSecond * 120n);
    case 'contract-access':
      if (g.data.address === c.DemoGame) return rnd.chance(nativePermissionOf(scope) === undefined ? 0.9 : 0.6) ? game.move() : game.buy();
      if (g.data.address === c.DemoToken || g.data.address === token2) return tokenCall(g.data.address, rnd.pick(TOKEN_FNS));
      return { ...eoaCall(g.data.address), ...(nativePermissionOf(scope) === undefined && rnd.chance(0.8) ? { value: 0n } : {}) };
    case 'functions-on-contract':
    case 'functions-on-all-contracts': {
      const f = rnd.pick(g.data.functions);
      const target = g.type === 'functions-on-contract' ? g.data.address : rnd.pick([c.DemoGame, c.DemoToken, token2, ...eoas]);
      if (target === c.DemoGame) return f.signature === 'buyItem(uint256)' ? game.buy() : f.signature === 'move(uint8)' ? game.move() : rnd.pick([game.move, game.buy])();
      if (target === c.DemoToken || target === token2) {
        const fn = TOKEN_FNS.find((t) => t === f.signature);
        return tokenCall(target, fn ?? rnd.pick(TOKEN_FNS));
      }
      // ETH mostly only where the session may send it, so that both verdicts stay common.
      const value = rnd.chance(nativePermissionOf(scope) === undefined ? 0.9 : 0.6) ? 0n : rnd.pick(ETH_VALUES);
      return { to: target, value, data: `${f.selector}${rnd.bytes(rnd.int(0, 36)).slice(2)}` as Hex };
    }
    case 'account-functions':
      return accountCall();
    case 'token-approval-revocation':
      // Only calls that do not revoke (approve of an amount): ApprovalRevocationEnforcer also wants
      // the approval to exist, chain state covers() does not read, so real revocations are tested
      // in sessions-onchain.test.ts instead.
      return tokenCall(rnd.pick([c.DemoToken, token2]), 'approve(address,uint256)');
  }
}

/** Half the batches aim every call at the session's permissions, the rest mix in random calls. */
function randomBatch(scope: SessionScope): SessionCall[] {
  const aimed = rnd.chance(0.5);
  return Array.from({ length: rnd.int(1, 4) }, () => (aimed || rnd.chance(0.5) ? inScopeCall(scope) : randomCall()));
}

/** What a successful batch must add to the enforcers' records (only what the delegation tracks). */
function expectedDelta(scope: SessionScope, calls: readonly SessionCall[]) {
  const erc20: Record<string, bigint> = {};
  const groups = callGroups(scope);
  for (const call of calls) {
    const index = isRootScope(scope) ? undefined : matchCallGroup(scope, call);
    const g = index === undefined ? undefined : groups[index];
    if (g?.type === 'erc20-token-transfer') erc20[g.data.address] = (erc20[g.data.address] ?? 0n) + erc20TransferAmount(call.data);
  }
  for (const g of groups) if (g.type === 'erc20-token-transfer') erc20[g.data.address] ??= 0n;
  const value = calls.reduce((sum, x) => sum + x.value, 0n);
  let erc20Streamed = 0n;
  for (const call of calls) {
    const index = isRootScope(scope) ? undefined : matchCallGroup(scope, call);
    if (index !== undefined && groups[index]?.type === 'erc20-token-stream') erc20Streamed += erc20TransferAmount(call.data);
  }
  return {
    calls: scope.callLimit === undefined ? 0 : calls.length,
    native: nativeAllowanceOf(scope) === undefined ? 0n : value,
    erc20,
    nativeStreamed: nativePermissionOf(scope)?.type === 'native-token-stream' ? value : 0n,
    erc20Streamed,
  };
}

beforeAll(async () => {
  snapshot = await testClient.snapshot();
  owner = await env.newOwner({ eth: parseEther('100000') });
  token2 = await env.deployToken();
  await env.mintDemo(token2, owner.address, parseEther('1000000'));
  eoas = Array.from({ length: 4 }, () => privateKeyToAccount(generatePrivateKey()).address);
}, 120_000);

afterAll(async () => {
  // Leave the shared devnet's clock and state as they were for the next test file.
  await testClient.revert({ id: snapshot });
});

it(`differential: covers() agrees with the chain on every generated batch (seed ${SEED})`, async () => {
  console.log(`[differential] seed ${SEED} (replay: DIFF_SEED=${SEED}), target ${TARGET_CALLS} calls`);
  const t0 = performance.now();
  let nextId = 0;
  const pool: Live[] = [];
  for (let i = 0; i < POOL; i++) pool.push(await newSession(nextId++));

  while (stats.calls < TARGET_CALLS) {
    // Events: time jumps, revocations, dead sessions replaced by fresh ones.
    if (rnd.chance(0.06)) {
      await env.increaseTime(rnd.int(10, 600));
      stats.timeJumps++;
    }
    if (rnd.chance(0.02)) {
      const victim = rnd.pick(pool);
      if (!victim.revoked) {
        await env.revoke(owner, victim.delegation);
        victim.revoked = true;
        stats.revokes++;
      }
    }
    const now = await env.now();
    for (const [i, s] of pool.entries()) {
      const dead = s.revoked || s.scope.expiry <= now || (s.scope.callLimit !== undefined && s.callsSent >= s.scope.callLimit);
      if (dead && rnd.chance(0.3)) pool[i] = await newSession(nextId++);
    }

    const s = rnd.pick(pool);
    // The expiry margin is a deliberate difference: covers() refuses a call that the chain would
    // still take in the next block, for DEFAULT_EXPIRY_MARGIN_SECONDS before the expiry (unit
    // tests cover it). Step over that window so the comparison stays exact.
    // (+1: covers() is asked at the next block's time, below.)
    const left = s.scope.expiry - (await env.now());
    if (left >= 1 && left <= DEFAULT_EXPIRY_MARGIN_SECONDS + 1) {
      await env.increaseTime(left + 1);
      stats.marginSkips++;
    }

    const calls = randomBatch(s.scope);
    const usage: SessionUsage = await env.usage(s.delegation, s.scope);
    // The batch's block comes one second after the latest, and covers() is asked at that time.
    const at = usage.now + 1;
    const verdict = covers(s.scope, calls, { ...usage, now: at }, { chainId: env.chain.id, redeemer: s.key.address });
    for (const t of kindsOf(s.scope)) {
      const k = kindStats(t);
      k.batches++;
      if (verdict.covered) k.covered++;
      else k.refused++;
    }
    const step = stats.batches;
    stats.batches++;
    if (s.sessionCall) stats.sessionCallBatches++;
    stats.calls += calls.length;
    if (verdict.covered) {
      stats.coveredBatches++;
      stats.coveredCalls += calls.length;
    } else {
      stats.refusedBatches++;
      stats.refusedCalls += calls.length;
      const kind = verdict.reason.replace(/^call \d+:? /, '').replace(/0x[0-9a-fA-F…]+/g, '0x…').replace(/[0-9.]+ (ETH|seconds?|calls?|units)/g, 'N $1').slice(0, 60);
      stats.reasons.set(kind, (stats.reasons.get(kind) ?? 0) + 1);
    }

    // The session key names a group per call: the matching one, or (for a call covers() found no
    // group for) any group, which must all fail: try every one alone first.
    // With several groups each group is its own leaf delegation: naming a group names its leaf.
    const groups = Math.max(1, callGroups(s.scope).length);
    const chosen = calls.map((call) => (isRootScope(s.scope) ? 0 : (matchCallGroup(s.scope, call) ?? rnd.int(0, groups - 1))));
    const enforcers = s.sessionCall ? env.framework.caveatEnforcers : c.caveatEnforcers;
    const args = chosen.map((g) => caveatArgsForGroup(s.scope, g, undefined, enforcers));
    for (const [i, call] of calls.entries()) {
      if (caveatArgsForCall(s.scope, call)) continue;
      for (let g = 0; g < groups; g++) {
        stats.groupProbes++;
        const data = encodeRedeemDelegations(sessionRedemptions(s.delegation, [call], [caveatArgsForGroup(s.scope, g, undefined, enforcers)], [g]));
        const passed = await publicClient.call({ account: s.key.address, to: c.DelegationManager, data }).then(
          () => true,
          () => false,
        );
        if (passed) mismatches.push(`step ${step}: call ${i + 1} matches no group off chain, but passes on chain under group ${g}\n${json({ scope: serializeScope(s.scope), call })}`);
      }
    }

    const data = encodeRedeemDelegations(sessionRedemptions(s.delegation, calls, args, chosen));
    await testClient.setNextBlockTimestamp({ timestamp: BigInt(at) });
    const receipt = await env.sendForced(s.key, data, calls.length);
    const chainOk = receipt.status === 'success';
    if (chainOk) s.callsSent += calls.length;
    if (chainOk !== verdict.covered) {
      let reason: string | undefined;
      if (!chainOk) {
        reason = await publicClient.call({ account: s.key.address, to: c.DelegationManager, data, blockNumber: receipt.blockNumber - 1n }).then(
          () => 'passes when replayed on the previous block',
          (err: unknown) => decodeRevertReason(err) ?? String(err),
        );
      }
      mismatches.push(
        `step ${step} (session ${s.id}${s.revoked ? ', revoked' : ''}${s.sessionCall ? ', SessionCallEnforcer' : ''}): covers() says ${verdict.covered ? 'covered' : `refused (${verdict.reason})`}, ` +
          `the chain says ${receipt.status}${reason ? ` (${reason})` : ''} in block ${receipt.blockNumber} (tx ${receipt.transactionHash})\n` +
          json({ seed: SEED, scope: serializeScope(s.scope), usage: serializeUsage(usage), calls }),
      );
    } else if (chainOk) {
      // The enforcers' records moved exactly by what the batch spent: readSessionUsage reads the right slots.
      const after = await env.usage(s.delegation, s.scope);
      const d = expectedDelta(s.scope, calls);
      const seen = {
        calls: after.callsUsed - usage.callsUsed,
        native: after.nativeSpent - usage.nativeSpent,
        erc20: Object.fromEntries(Object.keys(d.erc20).map((t) => [t, (after.erc20Spent[t as Address] ?? 0n) - (usage.erc20Spent[t as Address] ?? 0n)])),
        nativeStreamed: (after.streamed?.native ?? 0n) - (usage.streamed?.native ?? 0n),
        erc20Streamed: (after.streamed?.erc20 ?? 0n) - (usage.streamed?.erc20 ?? 0n),
      };
      if (json(seen) !== json(d)) mismatches.push(`step ${step}: usage moved by ${json(seen)}, expected ${json(d)}\n${json({ scope: serializeScope(s.scope), calls })}`);
    }
    if (mismatches.length >= 5) break;
  }

  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  const perKind = [...stats.kinds.entries()]
    .map(([t, k]) => `    ${t}: ${k.sessions} sessions, ${k.batches} batches (covered ${k.covered}, refused ${k.refused})`)
    .join('\n');
  const reasons = [...stats.reasons.entries()].sort((a, b) => b[1] - a[1]).map(([r, n]) => `    ${n} × ${r}`).join('\n');
  console.log(
    `[differential] seed ${SEED}: ${stats.calls} calls in ${stats.batches} batches in ${seconds} s; ` +
      `covered ${stats.coveredBatches} batches (${stats.coveredCalls} calls), refused ${stats.refusedBatches} batches (${stats.refusedCalls} calls); ` +
      `${stats.sessions} sessions (${stats.sessionCallSessions} with SessionCallEnforcer, ${stats.sessionCallUnions} of them several groups in one caveat, ${stats.sessionCallBatches} batches to them; ${stats.sessionRequestsRefused} generated requests refused by validation), ${stats.timeJumps} time jumps, ` +
      `${stats.marginSkips} expiry-margin skips, ${stats.revokes} revocations, ${stats.groupProbes} single-group probes; mismatches ${mismatches.length}\n` +
      `  per kind:\n${perKind}\n` +
      `  refusal reasons:\n${reasons}`,
  );
  expect(mismatches, mismatches.join('\n\n')).toEqual([]);
  expect(stats.calls).toBeGreaterThanOrEqual(500);
  // Both enforcer sets were compared, each on a good share of the batches.
  expect(stats.sessionCallBatches).toBeGreaterThan(stats.batches / 5);
  expect(stats.batches - stats.sessionCallBatches).toBeGreaterThan(stats.batches / 5);
  // Both outcomes must be well represented, or the comparison proves little.
  expect(stats.coveredBatches).toBeGreaterThan(stats.batches / 5);
  expect(stats.refusedBatches).toBeGreaterThan(stats.batches / 5);
  // Every allowance that renews or streams was tried, both ways.
  for (const t of ['native-token-periodic', 'native-token-stream', 'erc20-token-periodic', 'erc20-token-stream']) {
    expect(stats.kinds.get(t)?.covered, t).toBeGreaterThan(0);
    expect(stats.kinds.get(t)?.refused, t).toBeGreaterThan(0);
  }
}, 300_000);
