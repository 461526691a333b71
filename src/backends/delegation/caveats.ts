// A SessionScope as Delegation Framework (v1.3.0) caveats, and the per-call `args` a redemption
// passes to them. What the chain enforces here is exactly what sessions/policy.ts checks off chain;
// both take the call shapes from permissions/match.ts.
//
// Caveats on the delegation, in this order (all single-call, default-mode enforcers: a batch is
// several redemptions in one redeemDelegations call, see session-chain.ts):
//
//   scope part                   enforcer                              terms                         args
//   expiry (always, root too)    TimestampEnforcer                     after 0, before = expiry      -
//   callLimit                    LimitedCallsEnforcer                  limit                         -
//   redeemers                    RedeemerEnforcer                      addresses that may send       -
//   native-token-transfer        NativeTokenTransferAmountEnforcer     allowance (wei, cumulative)   -
//   native-token-periodic        NativeTokenPeriodTransferEnforcer     amount, duration, start       -
//   native-token-stream          NativeTokenStreamingEnforcer          initial, max, per second, start -
//   none of the three            ValueLteEnforcer                      0: no call moves ETH          -
//   call permissions (not root)  LogicalOrWrapperEnforcer              one group per permission      SelectedGroup{index, args}
//
// One group per call permission, because AllowedTargets x AllowedMethods on one delegation is a
// cross product: {game: move} + {token: mint} would also allow game.mint and token.move. With
// the OR wrapper a call passes when ONE group passes as a whole, and the session key names that
// group in the (unsigned) args. Any group it names must be safe on its own, and is:
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
// Why the ERC-20 split: enforcers inside the wrapper are called by the wrapper, so their state is
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
import { encodeAbiParameters, type Hex } from 'viem';
import { callGroups, isRootScope, matchCallGroup, nativePermissionOf, type GroupPermission, type NativePermission } from '../../permissions/match';
import type { SessionCall, SessionScope } from '../../permissions/types';
import { caveatBuilder, encodeLogicalOrWrapperArgs, type Caveat, type CaveatEnforcerAddresses } from './framework';

/** Args of a MultiTokenPeriodEnforcer caveat with a single token config: its index, 0. */
export const SINGLE_TOKEN_CONFIG_ARGS: Hex = encodeAbiParameters([{ type: 'uint256' }], [0n]);

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

function groupCaveats(scope: SessionScope, group: GroupPermission, kind: GroupKind, b: ReturnType<typeof caveatBuilder>): Caveat[] {
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
function nativeCaveat(p: NativePermission | undefined, b: ReturnType<typeof caveatBuilder>): Caveat {
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
 * How the call groups sit on the delegation. `flat`: a scope with exactly one call group puts
 * that group's caveats straight on the delegation (one group cannot widen another, and the
 * wrapper is the costliest caveat: see "Gas" above). `wrapped`: several groups, one
 * LogicalOrWrapper; also what a one-group session granted before this layout existed carries.
 */
export type GroupLayout = 'flat' | 'wrapped';

/** The layout scopeToCaveats chooses for `scope` (root: no groups, reported as flat). */
export function groupLayoutOf(scope: Pick<SessionScope, 'permissions'>): GroupLayout {
  return callGroups(scope).length > 1 ? 'wrapped' : 'flat';
}

const sameCaveat = (a: Caveat, b: Caveat) => a.enforcer.toLowerCase() === b.enforcer.toLowerCase() && a.terms.toLowerCase() === b.terms.toLowerCase();

/**
 * The caveats of the session delegation for `scope` (see the table above). Throws when the
 * deployment lacks an enforcer the scope needs. `scope` must be validated (validate.ts).
 * `layout` defaults to groupLayoutOf(scope); 'wrapped' with one group rebuilds what a session
 * granted before the flat layout carries (assertDelegationMatchesScope accepts both).
 */
export function scopeToCaveats(scope: SessionScope, enforcers: CaveatEnforcerAddresses, layout: GroupLayout = groupLayoutOf(scope)): Caveat[] {
  const b = caveatBuilder(enforcers);
  const caveats: Caveat[] = [b.timestamp({ beforeThreshold: scope.expiry })];
  if (scope.callLimit !== undefined) caveats.push(b.limitedCalls(scope.callLimit));
  if (scope.redeemers !== undefined) caveats.push(b.redeemer(scope.redeemers));
  if (isRootScope(scope)) return caveats; // root: any call, any value, until expiry / the call limit
  caveats.push(nativeCaveat(nativePermissionOf(scope), b));
  const groups = callGroups(scope);
  const kinds = groupKinds(groups);
  const built = groups.map((g, i) => groupCaveats(scope, g, kinds[i] ?? 'plain', b));
  const [only] = built;
  if (layout === 'flat' && only && built.length === 1) {
    // The group's ValueLte(0) repeats the session-wide one when the scope moves no ETH: once is enough.
    return [...caveats, ...only.filter((c) => !caveats.some((s) => sameCaveat(s, c)))];
  }
  caveats.push(b.logicalOrWrapper(built));
  return caveats;
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

/** The ValueLte(0) an ERC-20 group shares with the session-wide caveat when the scope moves no ETH (dropped when flat). */
function flatDuplicates(scope: SessionScope, group: GroupPermission): number {
  const withValueLte = ['erc20-token-transfer', 'erc20-token-periodic', 'erc20-token-stream'];
  return nativePermissionOf(scope) === undefined && withValueLte.includes(group.type) ? 1 : 0;
}

/**
 * The `args` of every caveat of scopeToCaveats(scope, _, layout) for a redemption that selects
 * call group `groupIndex` (ignored for root). Exported for tests that force a group the off-chain
 * check would not choose; the wallet uses caveatArgsForCall.
 */
export function caveatArgsForGroup(scope: SessionScope, groupIndex: number, layout: GroupLayout = groupLayoutOf(scope)): Hex[] {
  const count = 1 + (scope.callLimit !== undefined ? 1 : 0) + (scope.redeemers !== undefined ? 1 : 0);
  if (isRootScope(scope)) return Array<Hex>(count).fill('0x');
  const inner = innerArgs(scope, groupIndex);
  const group = callGroups(scope)[groupIndex];
  if (layout === 'flat' && group && callGroups(scope).length === 1) {
    // A single group is never multi-token (that is the second ERC-20 onwards), so every arg is empty.
    return Array<Hex>(count + 1 + inner.length - flatDuplicates(scope, group)).fill('0x');
  }
  return [...Array<Hex>(count + 1).fill('0x'), encodeLogicalOrWrapperArgs(groupIndex, inner)];
}

/**
 * The `args` every caveat of scopeToCaveats(scope, _, layout) needs for redeeming `call`: the
 * group it falls under, chosen as in the off-chain check. Undefined when no group of the session
 * accepts the call.
 */
export function caveatArgsForCall(scope: SessionScope, call: SessionCall, layout: GroupLayout = groupLayoutOf(scope)): Hex[] | undefined {
  if (isRootScope(scope)) return caveatArgsForGroup(scope, 0, layout);
  const index = matchCallGroup(scope, call);
  return index === undefined ? undefined : caveatArgsForGroup(scope, index, layout);
}
