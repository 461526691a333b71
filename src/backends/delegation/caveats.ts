// A SessionScope as Delegation Framework (v1.3.0) caveats, and the per-call `args` a redemption
// passes to them. What the chain enforces here is exactly what sessions/policy.ts checks off chain;
// both take the call shapes from permissions/match.ts.
//
// Where the caveats sit (GroupLayout below), chosen by gas. Measured on the devnet with real
// receipts, steady state, one DemoGame.move through the demo dApp's grant shape (3 call groups:
// DemoGame functions, plain ETH, DEMO transfers; call limit; ETH allowance; stipend), against a
// plain transfer of 21,000 (`npx tsx bench/gas-options.ts`; `npm run bench -- sessions` prints the
// wallet's own figures):
//   one delegation, LogicalOrWrapper of the 3 groups (before)           306,576  14.6x
//   one delegation per group, everything flat: 199,560 (9.5x), but each delegation has its own call
//     counter and ETH allowance, so 3 groups would triple the session's limits: not an option
//   chain: root owner -> owner with the session-wide caveats (expiry, call limit, ETH), one leaf
//     owner -> key per group with that group's caveats, the leaf chosen at send time  221,915  10.6x
//   the framework's other enforcers: none checks a (target, selector) pair or "plain transfer to
//     anyone OR these calls" in one caveat, so flat caveats on one delegation cannot hold these
//     groups apart (AllowedTargets x AllowedMethods is a cross product)
//   the same chain with the wallet's SessionCallEnforcer: root = one caveat (expiry, call limit,
//     ETH allowance), leaf = one caveat (the group's (target, selector) pairs)     148,302  7.06x
// One group, flat: framework caveats (timestamp, call limit, ValueLte(0), AllowedTargets,
// AllowedMethods) 194,477 (9.3x); one SessionCallEnforcer caveat 105,128 (5.0x).
// Why: every caveat costs the DelegationManager four external hook calls whatever it checks. Per
// caveat alone on one delegation (floor without caveats 72,569): Timestamp +22.1k, ValueLte(0)
// +22.4k, AllowedTargets +23.6k, AllowedMethods +24.4k, NativeTokenTransferAmount +27.5k,
// LimitedCalls +29.5k; reversing their order changes nothing; SessionCallEnforcer with expiry only
// +23.3k, with everything of the game group +32.6k. Framework-only ways to cut the demo shape were
// measured and none applies: its game group's buyItem is payable, so two groups move ETH and the
// allowance must stay session-wide on the root; no caveat is repeated between root and leaf.
// Hence: SessionCallEnforcer (devnet/contracts/SessionCallEnforcer.sol: the wallet's own enforcer,
// NOT part of the audited framework) wherever the deployment names it and its code is there
// (backend.ts checks before a grant; usesSessionCall), the framework's enforcers everywhere else
// and for sessions signed before. It takes the groups it can say as rules (plain ETH transfers,
// contract access, functions on a contract / on any contract / on the account); ERC-20 amounts,
// periods, streams and approval revocation keep their framework caveats on their own delegation.
// With it, several groups that it can all say as rules are ONE delegation with ONE caveat (the
// union of their rules, sessionCallUnion: game + ETH 105,911, 5.04x, against 148,302 as a chain),
// except for a dApp-held grant, which answers each permission with a context of its own and so
// keeps a leaf per group (LayoutOptions.perGroup).
// Layouts: one group -> flat; several -> the chain, whose extra cost over "flat" is the second
// signature check and delegation in calldata (~22k with framework caveats). The session-wide
// counters live on the root (keyed by its hash), so every group draws on them; a group's own
// counters (ERC-20 amounts, periods, streams) live on its leaf. Groups never widen each other: a
// redemption carries exactly one leaf, and a leaf only exists for its group.
//
// Caveats, in this order (all single-call, default-mode enforcers: a batch is several
// redemptions in one redeemDelegations call, see session-chain.ts); in the chain, the rows down to
// "none of the three" are the root's and each call permission's group is a leaf:
//
//   scope part                   enforcer                              terms                         args
//   expiry (always, root too)    TimestampEnforcer                     after 0, before = expiry      -
//   callLimit                    LimitedCallsEnforcer                  limit                         -
//   redeemers                    RedeemerEnforcer                      addresses that may send       -
//   native-token-transfer        NativeTokenTransferAmountEnforcer     allowance (wei, cumulative)   -
//   native-token-periodic        NativeTokenPeriodTransferEnforcer     amount, duration, start       -
//   native-token-stream          NativeTokenStreamingEnforcer          initial, max, per second, start -
//   none of the three            ValueLteEnforcer                      0: no call moves ETH          -
//   call permissions (not root)  one group: its caveats, flat; several: a leaf each (chain)   -
//                                (wrapped layout: LogicalOrWrapperEnforcer, SelectedGroup{index, args})
// With SessionCallEnforcer, the rows expiry, callLimit, native-token-transfer and "none of the
// three" are ONE SessionCallEnforcer caveat (expiry, limit, allowance or 0; no allowance counted
// for root, nor for periodic and streamed ETH, whose framework caveat follows it, after the
// RedeemerEnforcer). One group that it can say as rules: those rules join that caveat; in a chain,
// such a group's leaf is one SessionCallEnforcer caveat with its rules and nothing counted.
//
// One group per call permission, because AllowedTargets x AllowedMethods on one delegation is a
// cross product: {game: move} + {token: mint} would also allow game.mint and token.move. In the
// chain a call passes when its group's leaf passes as a whole (and the root); with the OR wrapper
// (sessions granted before), when ONE group passes, named in the (unsigned) args. Any group the
// session key names must be safe on its own, and is:
//
//   permission                   group caveats                                               inner args
//   native-token-transfer,       ExactCalldataEnforcer('0x'): plain value transfers to anyone  -
//     -periodic, -stream
//   erc20-token-transfer (1st)   ERC20TransferAmountEnforcer(token, allowance)                  -
//                                + ValueLteEnforcer(0)
//   erc20-token-periodic         ERC20PeriodTransferEnforcer(token, amount, duration, start)    -, -
//                                + ValueLteEnforcer(0)
//   erc20-token-stream           ERC20StreamingEnforcer(token, initial, max, per second, start) -, -
//                                + ValueLteEnforcer(0)
//   erc20-token-transfer (2nd+)  MultiTokenPeriodEnforcer(token, allowance, one period)         abi.encode(uint256 0)
//   contract-access              AllowedTargetsEnforcer([address])                              -
//   functions-on-contract        AllowedTargetsEnforcer([address]) + AllowedMethodsEnforcer     -
//   functions-on-all-contracts   AllowedMethodsEnforcer(selectors)                              -
//   account-functions            AllowedTargetsEnforcer([account]) + AllowedMethodsEnforcer     -
//   token-approval-revocation    ApprovalRevocationEnforcer(ERC-20, ERC-721, operator flags)     -
//   root                         no wrapper: only the session-wide caveats above
//   gas-limit                    nothing on chain: it is the session key's gas stipend
//
// Why the ERC-20 split (wrapped layout only; in the chain each leaf has its own hash, so every
// ERC-20 allowance is an ERC20TransferAmountEnforcer of its own): enforcers inside the wrapper are called by the wrapper, so their state is
// keyed by (wrapper, delegation hash). ERC20TransferAmountEnforcer keys its spent amount by exactly
// that, without the token, so two ERC-20 allowances in one session would share one counter.
// MultiTokenPeriodEnforcer keys by (caller, token, delegation hash, index): each further token gets
// its own counter. Its period starts at unix second 1 and lasts `expiry` seconds, so the whole
// session is one period and the allowance is cumulative, like ERC20TransferAmountEnforcer's.
// It also requires value 0 and exactly transfer(address,uint256) calldata, which is what the first
// token's group gets from ERC20TransferAmount (68-byte transfer only) + ValueLte(0).
//
// The period and stream enforcers key their record by (msg.sender, delegation hash) without the
// token, so a session holds at most one of each (kinds.ts `once`); inside the wrapper msg.sender
// is the wrapper. Lifetime allowances are the transfer kinds above.
//
// Why ETH is session-wide: NativeTokenTransferAmountEnforcer outside the wrapper counts the value
// of every call, whichever group it uses (DemoGame.buyItem as well as plain transfers), against
// one allowance keyed by (DelegationManager, delegation hash).
import type { Hex } from 'viem';
import { callGroups, isRootScope, matchCallGroup, nativeAllowanceOf, nativePermissionOf, type GroupPermission, type NativePermission } from '../../permissions/match';
import type { SessionCall, SessionScope } from '../../permissions/types';
import { caveatBuilder, encodeLogicalOrWrapperArgs, type Caveat, type CaveatBuilder, type CaveatEnforcerAddresses, type SessionCallRule } from './framework';

/**
 * Args of a MultiTokenPeriodEnforcer caveat with a single token config: its index, 0, ABI-encoded as a
 * uint256. Written out, not encoded at import (every worker start paid for it, issue 15); a unit test
 * encodes it again.
 */
export const SINGLE_TOKEN_CONFIG_ARGS: Hex = `0x${'0'.repeat(64)}`;

/** Start of the single MultiTokenPeriod period: any time before the session (0 is refused on chain). */
const PERIOD_START = 1;

/** How each group is built; its inner args follow from the kind. */
type GroupKind = 'plain' | 'erc20-amount' | 'multi-token';

function groupKinds(groups: readonly GroupPermission[]): GroupKind[] {
  let erc20Seen = false;
  return groups.map((g) => {
    if (g.type !== 'erc20-token-transfer') return 'plain';
    const kind = erc20Seen ? 'multi-token' : 'erc20-amount';
    erc20Seen = true;
    return kind;
  });
}

function groupCaveats(scope: SessionScope, group: GroupPermission, kind: GroupKind, b: CaveatBuilder): Caveat[] {
  switch (group.type) {
    case 'native-token-transfer':
    case 'native-token-periodic':
    case 'native-token-stream':
      return [b.exactCalldata('0x')];
    case 'erc20-token-periodic': {
      const { address: token, periodAmount, periodDuration, startTime: startDate } = group.data;
      return [b.erc20PeriodTransfer({ token, periodAmount, periodDuration, startDate }), b.valueLte(0n)];
    }
    case 'erc20-token-stream':
      return [b.erc20Streaming({ token: group.data.address, ...group.data }), b.valueLte(0n)];
    case 'erc20-token-transfer':
      return kind === 'multi-token'
        ? [b.multiTokenPeriod([{ token: group.data.address, periodAmount: group.data.allowance, periodDuration: scope.expiry, startDate: PERIOD_START }])]
        : [b.erc20TransferAmount(group.data.address, group.data.allowance), b.valueLte(0n)];
    case 'contract-access':
      return [b.allowedTargets([group.data.address])];
    case 'functions-on-contract':
      return [b.allowedTargets([group.data.address]), b.allowedMethods(group.data.functions.map((f) => f.selector))];
    case 'functions-on-all-contracts':
      return [b.allowedMethods(group.data.functions.map((f) => f.selector))];
    case 'account-functions':
      return [b.allowedTargets([scope.account]), b.allowedMethods(group.data.functions.map((f) => f.selector))];
    case 'token-approval-revocation':
      return [b.approvalRevocation()];
  }
}

/** The session-wide ETH caveat: the one native kind's counter (validate.ts allows one), or no ETH at all. */
function nativeCaveat(p: NativePermission | undefined, b: CaveatBuilder): Caveat {
  if (p === undefined) return b.valueLte(0n);
  switch (p.type) {
    case 'native-token-transfer':
      return b.nativeTokenTransferAmount(p.data.allowance);
    case 'native-token-periodic':
      return b.nativeTokenPeriodTransfer({ periodAmount: p.data.periodAmount, periodDuration: p.data.periodDuration, startDate: p.data.startTime });
    case 'native-token-stream':
      return b.nativeTokenStreaming(p.data);
  }
}

/**
 * How the call groups sit on chain (see "Gas" above for what each costs).
 *   flat:    one call group: its caveats straight on the one delegation.
 *   chain:   several groups: a root delegation owner -> owner with the session-wide caveats, and
 *            per group a leaf delegation owner -> session key (authority = the root) with that
 *            group's caveats. A redemption passes [leaf of its group, root].
 *   wrapped: one delegation with a LogicalOrWrapper: what sessions granted before these layouts
 *            carry; still recognised and redeemed (session-chain.ts delegationLayout).
 */
export type GroupLayout = 'flat' | 'chain' | 'wrapped';

/** How a grant is held: `perGroup`, one delegation per call group (a chain), whatever the enforcers. */
export interface LayoutOptions {
  /**
   * A dApp-held grant: each permission is answered with a context of its own, which a standard
   * ERC-7710 redeemer passes as given, so every call group keeps its own leaf (backend.ts).
   */
  perGroup?: boolean;
}

/**
 * The layout a new grant of `scope` uses with `enforcers` (root: no groups, reported as flat):
 * several groups are a chain, unless SessionCallEnforcer can say every one of them as rules (and
 * the grant is not held per group), in which case one caveat holds them all (sessionCallUnion).
 * Without `enforcers`: the framework's.
 */
export function groupLayoutOf(scope: SessionScope, enforcers?: CaveatEnforcerAddresses, opts: LayoutOptions = {}): GroupLayout {
  if (callGroups(scope).length <= 1) return 'flat';
  return !opts.perGroup && enforcers && sessionCallUnion(scope, enforcers) ? 'flat' : 'chain';
}

/**
 * With SessionCallEnforcer, every call group of `scope` as rules of ONE caveat, when each of them
 * can be said as rules (sessionCallRules); else undefined. A call passes when one rule admits it,
 * which is exactly when one group admits it: each group is nothing but its rules (no counter of
 * its own), so their union neither widens a group nor lets one group's rule mix with another's
 * (pairs are whole). The session-wide counters sit in the same caveat. Root: no rules, any call.
 */
export function sessionCallUnion(scope: SessionScope, enforcers: CaveatEnforcerAddresses): SessionCallRule[] | undefined {
  if (!usesSessionCall(scope, enforcers)) return undefined;
  const rules: SessionCallRule[] = [];
  for (const group of callGroups(scope)) {
    const own = sessionCallRules(scope, group);
    if (!own) return undefined;
    rules.push(...own);
  }
  return rules;
}

const sameCaveat = (a: Caveat, b: Caveat) => a.enforcer.toLowerCase() === b.enforcer.toLowerCase() && a.terms.toLowerCase() === b.terms.toLowerCase();

const MAX_U64 = 2n ** 64n - 1n;
const MAX_U128 = 2n ** 128n - 1n;

/**
 * Whether new grants of `scope` use the wallet's SessionCallEnforcer: only where `enforcers` names
 * it (the caller drops it on a chain where its code is not deployed: backend.ts) and when the
 * scope's numbers fit its terms (uint64 expiry and call limit, uint128 ETH allowance); otherwise
 * the framework's enforcers as before.
 */
export function usesSessionCall(scope: SessionScope, enforcers: CaveatEnforcerAddresses): boolean {
  if (enforcers.SessionCallEnforcer === undefined) return false;
  const limitFits = scope.callLimit === undefined || (scope.callLimit >= 1 && BigInt(scope.callLimit) <= MAX_U64);
  return BigInt(scope.expiry) > 0n && BigInt(scope.expiry) <= MAX_U64 && limitFits && (nativeAllowanceOf(scope) ?? 0n) <= MAX_U128;
}

/**
 * A call group as SessionCallEnforcer rules: exactly what its framework caveats admit
 * (ExactCalldata('0x') = empty calldata to any target; AllowedTargets = that target, any calldata;
 * AllowedTargets x AllowedMethods with one target = those (target, selector) pairs; AllowedMethods =
 * those selectors, any target, calldata of 4+ bytes). Undefined for the groups that keep their
 * framework caveats (ERC-20 amounts, periods, streams; approval revocation).
 */
function sessionCallRules(scope: SessionScope, group: GroupPermission): SessionCallRule[] | undefined {
  switch (group.type) {
    case 'native-token-transfer':
    case 'native-token-periodic':
    case 'native-token-stream':
      return [{ kind: 'empty' }];
    case 'contract-access':
      return [{ kind: 'target', target: group.data.address }];
    case 'functions-on-contract':
      return group.data.functions.map((f) => ({ kind: 'pair', target: group.data.address, selector: f.selector }));
    case 'account-functions':
      return group.data.functions.map((f) => ({ kind: 'pair', target: scope.account, selector: f.selector }));
    case 'functions-on-all-contracts':
      return group.data.functions.map((f) => ({ kind: 'selector', selector: f.selector }));
    default:
      return undefined;
  }
}

/**
 * The caveats every call of the session is held to, whatever its group (expiry, call limit,
 * redeemers, ETH). With SessionCallEnforcer: one caveat holds expiry, call limit and the ETH
 * allowance (0 when the session moves no ETH; not counted by it for root or for periodic and
 * streamed ETH, whose framework caveats follow it), plus `rules` when the delegation is flat.
 */
function sessionWideCaveats(scope: SessionScope, b: CaveatBuilder, sessionCall = false, rules: readonly SessionCallRule[] = []): Caveat[] {
  const native = nativePermissionOf(scope);
  if (sessionCall) {
    const nativeAllowance = isRootScope(scope) ? undefined : native === undefined ? 0n : native.type === 'native-token-transfer' ? native.data.allowance : undefined;
    const caveats: Caveat[] = [b.sessionCall({ expiry: scope.expiry, callLimit: scope.callLimit ?? 0, nativeAllowance, rules })];
    if (scope.redeemers !== undefined) caveats.push(b.redeemer(scope.redeemers));
    if (!isRootScope(scope) && nativeAllowance === undefined) caveats.push(nativeCaveat(native, b));
    return caveats;
  }
  const caveats: Caveat[] = [b.timestamp({ beforeThreshold: scope.expiry })];
  if (scope.callLimit !== undefined) caveats.push(b.limitedCalls(scope.callLimit));
  if (scope.redeemers !== undefined) caveats.push(b.redeemer(scope.redeemers));
  if (!isRootScope(scope)) caveats.push(nativeCaveat(native, b));
  return caveats;
}

/**
 * A group's caveats when it has a delegation of its own (flat, or a chain's leaf): the group's
 * ValueLte(0) repeats the session-wide one when the scope moves no ETH, so it is left out (with
 * SessionCallEnforcer, whose allowance of 0 already refuses any value, likewise).
 * Every ERC-20 allowance is ERC20TransferAmountEnforcer here: its counter is keyed by the
 * delegation's own hash, one per group, so no MultiTokenPeriod split is needed.
 */
function ownDelegationGroupCaveats(scope: SessionScope, group: GroupPermission, sessionWide: readonly Caveat[], b: CaveatBuilder, sessionCall = false): Caveat[] {
  const noEth = sessionCall && !isRootScope(scope) && nativePermissionOf(scope) === undefined;
  const valueLte0 = noEth ? b.valueLte(0n) : undefined;
  return groupCaveats(scope, group, group.type === 'erc20-token-transfer' ? 'erc20-amount' : 'plain', b).filter(
    (c) => !sessionWide.some((s) => sameCaveat(s, c)) && !(valueLte0 && sameCaveat(valueLte0, c)),
  );
}

/** With SessionCallEnforcer: a chain leaf of one group, as rules in one caveat when they can be, else its framework caveats. */
function sessionCallLeaf(scope: SessionScope, group: GroupPermission, root: readonly Caveat[], b: CaveatBuilder): Caveat[] {
  const rules = sessionCallRules(scope, group);
  return rules ? [b.sessionCall({ expiry: 0, callLimit: 0, rules })] : ownDelegationGroupCaveats(scope, group, root, b, true);
}

/**
 * The caveats of the session delegation for `scope` (see the table above) in a one-delegation
 * layout: `flat` (the default for a scope with one call group, and for root) or `wrapped` (what
 * sessions granted before the chain carry). A scope with several call groups is a chain: use
 * sessionCaveats; asking this for it throws rather than hand back caveats without the groups.
 * Throws when the deployment lacks an enforcer the scope needs. `scope` must be validated.
 */
export function scopeToCaveats(scope: SessionScope, enforcers: CaveatEnforcerAddresses, layout: Exclude<GroupLayout, 'chain'> = defaultSingleLayout(scope, enforcers)): Caveat[] {
  const b = caveatBuilder(enforcers);
  const groups = callGroups(scope);
  const [only] = groups;
  if (layout === 'flat' && usesSessionCall(scope, enforcers)) {
    // One caveat for expiry, call limit, ETH and, when they can be said as rules, the groups.
    const rules = sessionCallUnion(scope, enforcers);
    if (rules) return sessionWideCaveats(scope, b, true, rules);
    // One group with framework caveats of its own (an ERC-20 amount, a period...).
    if (!only || groups.length > 1) throw new Error('these call groups are a delegation chain: use sessionCaveats');
    const caveats = sessionWideCaveats(scope, b, true);
    return [...caveats, ...ownDelegationGroupCaveats(scope, only, caveats, b, true)];
  }
  const caveats = sessionWideCaveats(scope, b);
  if (isRootScope(scope)) return caveats; // root: any call, any value, until expiry / the call limit
  if (layout === 'flat' && only && groups.length === 1) return [...caveats, ...ownDelegationGroupCaveats(scope, only, caveats, b)];
  const kinds = groupKinds(groups);
  caveats.push(b.logicalOrWrapper(groups.map((g, i) => groupCaveats(scope, g, kinds[i] ?? 'plain', b))));
  return caveats;
}

function defaultSingleLayout(scope: SessionScope, enforcers: CaveatEnforcerAddresses): 'flat' {
  if (groupLayoutOf(scope, enforcers) === 'chain') throw new Error('a scope with several call groups is a delegation chain: use sessionCaveats');
  return 'flat';
}

/** What a new grant of `scope` signs: the delegation's caveats, and with several call groups, each group's leaf caveats. */
export interface SessionCaveats {
  /** Flat: the one delegation to the key. Chain: the root (owner -> owner), session-wide caveats only. */
  root: Caveat[];
  /** Chain only: per call group, in scope order, the caveats of its leaf delegation to the key. */
  groups?: Caveat[][];
}

/** The caveats a new grant of `scope` signs, in groupLayoutOf(scope, enforcers, opts). */
export function sessionCaveats(scope: SessionScope, enforcers: CaveatEnforcerAddresses, opts: LayoutOptions = {}): SessionCaveats {
  if (groupLayoutOf(scope, enforcers, opts) !== 'chain') return { root: scopeToCaveats(scope, enforcers) };
  const b = caveatBuilder(enforcers);
  if (usesSessionCall(scope, enforcers)) {
    const root = sessionWideCaveats(scope, b, true);
    return { root, groups: callGroups(scope).map((g) => sessionCallLeaf(scope, g, root, b)) };
  }
  const root = sessionWideCaveats(scope, b);
  return { root, groups: callGroups(scope).map((g) => ownDelegationGroupCaveats(scope, g, root, b)) };
}

/** Args for each caveat of the group at `groupIndex`, as its enforcers expect them. */
function innerArgs(scope: SessionScope, groupIndex: number): Hex[] {
  const groups = callGroups(scope);
  const group = groups[groupIndex];
  if (!group) throw new RangeError(`the session has no call group ${groupIndex}`);
  const kind = groupKinds(groups)[groupIndex];
  if (kind === 'multi-token') return [SINGLE_TOKEN_CONFIG_ARGS];
  if (kind === 'erc20-amount') return ['0x', '0x'];
  const twoCaveats = ['functions-on-contract', 'account-functions', 'erc20-token-periodic', 'erc20-token-stream'];
  return twoCaveats.includes(group.type) ? ['0x', '0x'] : ['0x'];
}

/** The ValueLte(0) an ERC-20 group shares with the session-wide caveat when the scope moves no ETH (left out of its own delegation). */
function ownDelegationDuplicates(scope: SessionScope, group: GroupPermission): number {
  const withValueLte = ['erc20-token-transfer', 'erc20-token-periodic', 'erc20-token-stream'];
  return nativePermissionOf(scope) === undefined && withValueLte.includes(group.type) ? 1 : 0;
}

/**
 * The `args` of every caveat for a redemption that selects call group `groupIndex` (ignored for
 * root), in `layout`: flat and wrapped, one per caveat of scopeToCaveats(scope, _, layout); chain,
 * the root's then the group leaf's (all empty: no enforcer of either needs args). Exported for
 * tests that force a group the off-chain check would not choose; the wallet uses caveatArgsForCall.
 */
export function caveatArgsForGroup(scope: SessionScope, groupIndex: number, layout: GroupLayout = groupLayoutOf(scope), enforcers?: CaveatEnforcerAddresses): Hex[] {
  if (enforcers && usesSessionCall(scope, enforcers) && layout !== 'wrapped') {
    // Every caveat of these layouts takes empty args: one per caveat of the root and the group's leaf.
    const { root, groups } = sessionCaveats(scope, enforcers);
    if (groups && !groups[groupIndex]) throw new RangeError(`the session has no call group ${groupIndex}`);
    return Array<Hex>(root.length + (groups?.[groupIndex]?.length ?? 0)).fill('0x');
  }
  const count = 1 + (scope.callLimit !== undefined ? 1 : 0) + (scope.redeemers !== undefined ? 1 : 0);
  if (isRootScope(scope)) return Array<Hex>(count).fill('0x');
  const inner = innerArgs(scope, groupIndex);
  const groups = callGroups(scope);
  const group = groups[groupIndex];
  if (group && (layout === 'chain' || (layout === 'flat' && groups.length === 1))) {
    // A group with its own delegation is never multi-token (ERC-20 is two caveats), and every arg is empty.
    const own = group.type === 'erc20-token-transfer' ? 2 : inner.length;
    return Array<Hex>(count + 1 + own - ownDelegationDuplicates(scope, group)).fill('0x');
  }
  return [...Array<Hex>(count + 1).fill('0x'), encodeLogicalOrWrapperArgs(groupIndex, inner)];
}

/**
 * The `args` every caveat of scopeToCaveats(scope, _, layout) needs for redeeming `call`: the
 * group it falls under, chosen as in the off-chain check. Undefined when no group of the session
 * accepts the call.
 */
export function caveatArgsForCall(scope: SessionScope, call: SessionCall, layout: GroupLayout = groupLayoutOf(scope), enforcers?: CaveatEnforcerAddresses): Hex[] | undefined {
  if (isRootScope(scope)) return caveatArgsForGroup(scope, 0, layout, enforcers);
  const index = matchCallGroup(scope, call);
  return index === undefined ? undefined : caveatArgsForGroup(scope, index, layout, enforcers);
}
