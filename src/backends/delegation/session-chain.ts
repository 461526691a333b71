// A session delegation against the chain: what the enforcers record as used, the one transaction
// that runs a batch of session calls, and a dry run that says why it would revert. Browser-safe
// (viem only); the caller passes its own PublicClient.
//
// Where the state lives (v1.3.0 enforcers key it by msg.sender and the delegation hash):
//   LimitedCallsEnforcer.callCounts(DelegationManager, hash)             calls used (top level)
//   NativeTokenTransferAmountEnforcer.spentMap(DelegationManager, hash)  wei spent (top level)
//   ERC20TransferAmountEnforcer.spentMap(LogicalOrWrapper, hash)         token units spent: the
//       enforcer sits inside the OR wrapper, which is the one calling it
//   MultiTokenPeriodEnforcer.getAvailableAmount(hash, LogicalOrWrapper, terms, index)  further tokens
//   NativeTokenPeriodTransferEnforcer.periodicAllowances(DelegationManager, hash)  last period, moved in it
//   NativeTokenStreamingEnforcer.streamingAllowances(DelegationManager, hash)      spent
//   ERC20PeriodTransferEnforcer.periodicAllowances(LogicalOrWrapper, hash)         last period, moved in it
//   ERC20StreamingEnforcer.streamingAllowances(LogicalOrWrapper, hash)             spent
//   DelegationManager.disabledDelegations(hash)                          revoked
// All of it is read at one block, together with that block's timestamp.
import {
  ERC20PeriodTransferEnforcer,
  ERC20StreamingEnforcer,
  ERC20TransferAmountEnforcer,
  LimitedCallsEnforcer,
  MultiTokenPeriodEnforcer,
  NativeTokenPeriodTransferEnforcer,
  NativeTokenStreamingEnforcer,
  NativeTokenTransferAmountEnforcer,
} from '@metamask/delegation-abis';
import { decodeERC20TransferAmountTerms, decodeLogicalOrWrapperTerms, decodeMultiTokenPeriodTerms } from '@metamask/delegation-core';
import { BaseError, encodeAbiParameters, getAddress, type Address, type Hex, type PublicClient } from 'viem';
import type { PeriodRecord, SessionCall, SessionScope, SessionUsage } from '../../permissions/types';
import { callGroups } from '../../permissions/match';
import { caveatArgsForCall, groupLayoutOf, scopeToCaveats, type GroupLayout } from './caveats';
import {
  DelegationManagerAbi,
  EXECUTION_MODE,
  decodeRevertReason,
  encodeRedeemDelegations,
  revertDataOf,
  hashDelegation,
  type Caveat,
  type CaveatEnforcerAddresses,
  type Delegation,
  type Redemption,
} from './framework';

/** What this module needs of a framework deployment (src/chains/deployments.ts's FrameworkDeployment fits). */
export interface SessionFramework {
  DelegationManager: Address;
  caveatEnforcers: CaveatEnforcerAddresses;
}

/** A call no group of the session's delegation accepts: it must not be sent with the session key. */
export class SessionCallNotCoveredError extends Error {
  override name = 'SessionCallNotCoveredError';
  constructor(readonly callIndex: number) {
    super(`call ${callIndex + 1} is outside the session's permissions`);
  }
}

/** The stored delegation was not built from the stored scope: the off-chain check would be checking the wrong thing. */
export class DelegationScopeMismatchError extends Error {
  override name = 'DelegationScopeMismatchError';
}

const same = (a: Address | undefined, b: Address) => a !== undefined && a.toLowerCase() === b.toLowerCase();

const sameCaveats = (actual: readonly Pick<Caveat, 'enforcer' | 'terms'>[], expected: readonly Caveat[]) =>
  expected.length === actual.length && expected.every((c, i) => same(actual[i]?.enforcer, c.enforcer) && actual[i]?.terms.toLowerCase() === c.terms.toLowerCase());

/**
 * The group layout the delegation was signed with, when its caveats are exactly
 * scopeToCaveats(scope) in that layout: a one-group session granted before the flat layout still
 * carries the wrapper, and keeps working. Throws DelegationScopeMismatchError otherwise.
 */
export function delegationLayout(delegation: Pick<Delegation, 'caveats'>, scope: SessionScope, enforcers: CaveatEnforcerAddresses): GroupLayout {
  const current = groupLayoutOf(scope);
  if (sameCaveats(delegation.caveats, scopeToCaveats(scope, enforcers, current))) return current;
  if (current === 'flat' && callGroups(scope).length === 1 && sameCaveats(delegation.caveats, scopeToCaveats(scope, enforcers, 'wrapped'))) return 'wrapped';
  throw new DelegationScopeMismatchError('the session delegation does not match its scope');
}

/** Throws DelegationScopeMismatchError unless the delegation's caveats are exactly scopeToCaveats(scope) (either layout). */
export function assertDelegationMatchesScope(delegation: Pick<Delegation, 'caveats'>, scope: SessionScope, enforcers: CaveatEnforcerAddresses): void {
  delegationLayout(delegation, scope, enforcers);
}

/** A stateful enforcer's record for this delegation, and who calls that enforcer (its state key). */
type Reading =
  | { kind: 'calls'; caller: Address; enforcer: Address }
  | { kind: 'native'; caller: Address; enforcer: Address }
  | { kind: 'erc20'; caller: Address; enforcer: Address; token: Address }
  | { kind: 'multi-token'; caller: Address; enforcer: Address; token: Address; periodAmount: bigint; terms: Hex; index: number }
  | { kind: 'period'; caller: Address; enforcer: Address; erc20: boolean }
  | { kind: 'stream'; caller: Address; enforcer: Address; erc20: boolean };

function readingsOf(caveats: readonly Caveat[], caller: Address, enforcers: CaveatEnforcerAddresses, depth = 0): Reading[] {
  const out: Reading[] = [];
  for (const c of caveats) {
    if (same(enforcers.LimitedCallsEnforcer, c.enforcer)) out.push({ kind: 'calls', caller, enforcer: c.enforcer });
    else if (same(enforcers.NativeTokenTransferAmountEnforcer, c.enforcer)) out.push({ kind: 'native', caller, enforcer: c.enforcer });
    else if (same(enforcers.ERC20TransferAmountEnforcer, c.enforcer)) {
      out.push({ kind: 'erc20', caller, enforcer: c.enforcer, token: getAddress(decodeERC20TransferAmountTerms(c.terms).tokenAddress) });
    } else if (same(enforcers.MultiTokenPeriodEnforcer, c.enforcer)) {
      decodeMultiTokenPeriodTerms(c.terms).tokenConfigs.forEach((cfg, index) => {
        const token = getAddress(cfg.token);
        if (token !== '0x0000000000000000000000000000000000000000') {
          out.push({ kind: 'multi-token', caller, enforcer: c.enforcer, token, periodAmount: BigInt(cfg.periodAmount), terms: c.terms, index });
        }
      });
    } else if (same(enforcers.NativeTokenPeriodTransferEnforcer, c.enforcer) || same(enforcers.ERC20PeriodTransferEnforcer, c.enforcer)) {
      out.push({ kind: 'period', caller, enforcer: c.enforcer, erc20: same(enforcers.ERC20PeriodTransferEnforcer, c.enforcer) });
    } else if (same(enforcers.NativeTokenStreamingEnforcer, c.enforcer) || same(enforcers.ERC20StreamingEnforcer, c.enforcer)) {
      out.push({ kind: 'stream', caller, enforcer: c.enforcer, erc20: same(enforcers.ERC20StreamingEnforcer, c.enforcer) });
    } else if (same(enforcers.LogicalOrWrapperEnforcer, c.enforcer) && depth === 0) {
      // Inside the wrapper, msg.sender of every enforcer is the wrapper itself.
      for (const group of decodeLogicalOrWrapperTerms(c.terms).caveatGroups) {
        const inner = group.map((g) => ({ enforcer: getAddress(g.enforcer), terms: g.terms, args: g.args }));
        out.push(...readingsOf(inner, c.enforcer, enforcers, depth + 1));
      }
    }
  }
  return out;
}

/**
 * What the chain says the session has used, read fresh at the latest block: calls, ETH, each
 * token of the scope (0 when untouched), revoked or not, and that block's timestamp. Checks first
 * that the delegation is the scope's (assertDelegationMatchesScope).
 */
export async function readSessionUsage(client: PublicClient, delegation: Delegation, scope: SessionScope, framework: SessionFramework): Promise<SessionUsage> {
  const enforcers = framework.caveatEnforcers;
  assertDelegationMatchesScope(delegation, scope, enforcers);
  const hash = hashDelegation(delegation);
  const block = await client.getBlock({ blockTag: 'latest' });
  const at = { blockNumber: block.number };
  const readings = readingsOf(delegation.caveats, framework.DelegationManager, enforcers);

  const disabledP = client.readContract({ ...at, address: framework.DelegationManager, abi: DelegationManagerAbi, functionName: 'disabledDelegations', args: [hash] });
  const values = await Promise.all(
    readings.map(async (r): Promise<bigint | PeriodRecord> => {
      switch (r.kind) {
        case 'period': {
          // The struct's getter: (periodAmount, periodDuration, startDate, lastTransferPeriod, transferredInCurrentPeriod).
          const abi = r.erc20 ? ERC20PeriodTransferEnforcer : NativeTokenPeriodTransferEnforcer;
          const [, , , lastPeriod, transferred] = await client.readContract({ ...at, address: r.enforcer, abi, functionName: 'periodicAllowances', args: [r.caller, hash] });
          return { lastPeriod: Number(lastPeriod), transferred };
        }
        case 'stream': {
          const abi = r.erc20 ? ERC20StreamingEnforcer : NativeTokenStreamingEnforcer;
          const [, , , , spent] = await client.readContract({ ...at, address: r.enforcer, abi, functionName: 'streamingAllowances', args: [r.caller, hash] });
          return spent;
        }
        case 'calls':
          return client.readContract({ ...at, address: r.enforcer, abi: LimitedCallsEnforcer, functionName: 'callCounts', args: [r.caller, hash] });
        case 'native':
          return client.readContract({ ...at, address: r.enforcer, abi: NativeTokenTransferAmountEnforcer, functionName: 'spentMap', args: [r.caller, hash] });
        case 'erc20':
          return client.readContract({ ...at, address: r.enforcer, abi: ERC20TransferAmountEnforcer, functionName: 'spentMap', args: [r.caller, hash] });
        case 'multi-token': {
          const [available] = await client.readContract({
            ...at,
            address: r.enforcer,
            abi: MultiTokenPeriodEnforcer,
            functionName: 'getAvailableAmount',
            args: [hash, r.caller, r.terms, encodeAbiParameters([{ type: 'uint256' }], [BigInt(r.index)])],
          });
          // One period for the whole session (caveats.ts), so what is not available was spent.
          return r.periodAmount - available;
        }
      }
    }),
  );

  const usage: SessionUsage = { nativeSpent: 0n, erc20Spent: {}, callsUsed: 0, now: Number(block.timestamp), disabled: await disabledP };
  for (const p of scope.permissions) if (p.type === 'erc20-token-transfer') usage.erc20Spent[p.data.address] = 0n;
  readings.forEach((r, i) => {
    const v = values[i] ?? 0n;
    if (typeof v !== 'bigint') {
      if (r.kind === 'period') (usage.periods ??= {})[r.erc20 ? 'erc20' : 'native'] = v;
      return;
    }
    if (r.kind === 'stream') (usage.streamed ??= {})[r.erc20 ? 'erc20' : 'native'] = v;
    else if (r.kind === 'period') return;
    else if (r.kind === 'calls') usage.callsUsed += Number(v);
    else if (r.kind === 'native') usage.nativeSpent += v;
    else usage.erc20Spent[r.token] = (usage.erc20Spent[r.token] ?? 0n) + v;
  });
  return usage;
}

/**
 * One redemption per call, each in single-call default mode: the v1.3.0 enforcers used here
 * (AllowedTargets, AllowedMethods, ValueLte, ExactCalldata, LimitedCalls, the amount enforcers)
 * reject batch mode (CaveatEnforcer:invalid-call-type). Each redemption carries the caveat args
 * of the group its call falls under.
 */
export function sessionRedemptions(delegation: Delegation, calls: readonly SessionCall[], argsPerCall: readonly (readonly Hex[])[]): Redemption[] {
  return calls.map((call, i) => {
    const args = argsPerCall[i];
    if (!args || args.length !== delegation.caveats.length) throw new Error(`call ${i + 1}: caveat args do not fit the delegation`);
    return {
      delegations: [{ ...delegation, caveats: delegation.caveats.map((c, j) => ({ ...c, args: args[j] ?? '0x' })) }],
      executions: [{ target: getAddress(call.to), value: call.value, callData: call.data }],
      mode: EXECUTION_MODE.SingleDefault,
    };
  });
}

/**
 * Calldata for ONE DelegationManager.redeemDelegations transaction that makes every call, in
 * order. All or nothing: if any call (or any caveat) reverts, the whole transaction reverts and
 * none of the calls happen. `enforcers` (the deployment's) lets a one-group session granted
 * before the flat layout keep its wrapper args. Throws SessionCallNotCoveredError for a call no group accepts; run
 * sessions/policy.ts covers() first, which also checks what this cannot see (allowances left,
 * calls left, expiry, revocation).
 */
export function encodeSessionBatch(delegation: Delegation, scope: SessionScope, calls: readonly SessionCall[], enforcers?: CaveatEnforcerAddresses): Hex {
  if (calls.length === 0) throw new Error('a session batch needs at least one call');
  // With the deployment's enforcers, the args follow the layout the delegation was signed with.
  const layout = enforcers ? delegationLayout(delegation, scope, enforcers) : groupLayoutOf(scope);
  const args = calls.map((call, i) => {
    const a = caveatArgsForCall(scope, call, layout);
    if (!a) throw new SessionCallNotCoveredError(i);
    return a;
  });
  return encodeRedeemDelegations(sessionRedemptions(delegation, calls, args));
}

export type SimulationResult = { ok: true; gas: bigint } | { ok: false; reason: string; revertData?: Hex };

/**
 * Dry-runs a redeemDelegations transaction from the session key (eth_estimateGas on the latest
 * state). A revert comes back decoded ("LimitedCallsEnforcer:limit-exceeded", "InvalidDelegate",
 * a target's own error selector) instead of thrown, because the caller decides what to show.
 */
export async function simulateSessionBatch(client: PublicClient, params: { from: Address; delegationManager: Address; data: Hex }): Promise<SimulationResult> {
  try {
    const gas = await client.estimateGas({ account: params.from, to: params.delegationManager, data: params.data });
    return { ok: true, gas };
  } catch (err) {
    const reason = decodeRevertReason(err) ?? (err instanceof BaseError ? err.shortMessage : String(err));
    const revertData = revertDataOf(err);
    return revertData === undefined ? { ok: false, reason } : { ok: false, reason, revertData };
  }
}
