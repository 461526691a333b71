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
import { BaseError, decodeErrorResult, encodeAbiParameters, getAddress, HttpRequestError, parseAbi, TimeoutError, type Address, type Hex, type PublicClient } from 'viem';
import { DemoGameAbi, DemoTokenAbi } from '../../../devnet/contracts/abis';
import type { PeriodRecord, SessionCall, SessionScope, SessionUsage } from '../../permissions/types';
import { caveatArgsForCall, scopeToCaveats } from './caveats';
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

/** Throws DelegationScopeMismatchError unless the delegation's caveats are exactly scopeToCaveats(scope). */
export function assertDelegationMatchesScope(delegation: Pick<Delegation, 'caveats'>, scope: SessionScope, enforcers: CaveatEnforcerAddresses): void {
  const expected = scopeToCaveats(scope, enforcers);
  const actual = delegation.caveats;
  const equal =
    expected.length === actual.length &&
    expected.every((c, i) => same(actual[i]?.enforcer, c.enforcer) && actual[i]?.terms.toLowerCase() === c.terms.toLowerCase());
  if (!equal) throw new DelegationScopeMismatchError('the session delegation does not match its scope');
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
 * none of the calls happen. Throws SessionCallNotCoveredError for a call no group accepts; run
 * sessions/policy.ts covers() first, which also checks what this cannot see (allowances left,
 * calls left, expiry, revocation).
 */
export function encodeSessionBatch(delegation: Delegation, scope: SessionScope, calls: readonly SessionCall[]): Hex {
  if (calls.length === 0) throw new Error('a session batch needs at least one call');
  const args = calls.map((call, i) => {
    const a = caveatArgsForCall(scope, call);
    if (!a) throw new SessionCallNotCoveredError(i);
    return a;
  });
  return encodeRedeemDelegations(sessionRedemptions(delegation, calls, args));
}

/**
 * `reverted`: the chain ran it and it reverted (a definite answer); false when the node could not
 * be asked or failed otherwise (unreachable, rate-limited): that says nothing about the calls.
 */
export type SimulationResult = { ok: true; gas: bigint } | { ok: false; reason: string; revertData?: Hex; reverted: boolean };

/**
 * Errors a redemption's target may revert with, beyond the framework's own (decodeRevertReason):
 * the ERC-20 errors of ERC-6093 (OpenZeppelin's tokens) and the devnet's demo contracts, so the
 * owner reads "ERC20InsufficientBalance(…)" rather than a 4-byte selector. Only a name for a
 * reason shown to a person: nothing is decided on it.
 */
const TARGET_ERRORS_ABI = [
  ...parseAbi([
    'error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)',
    'error ERC20InvalidSender(address sender)',
    'error ERC20InvalidReceiver(address receiver)',
    'error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)',
    'error ERC20InvalidApprover(address approver)',
    'error ERC20InvalidSpender(address spender)',
  ]),
  ...DemoGameAbi.filter((item) => item.type === 'error'),
  ...DemoTokenAbi.filter((item) => item.type === 'error'),
];

/** The reason a target's own revert data gives, by TARGET_ERRORS_ABI; else its selector, said as such. */
function targetRevertReason(data: Hex | undefined): string | undefined {
  if (!data || data === '0x') return undefined;
  try {
    const { errorName, args } = decodeErrorResult({ abi: TARGET_ERRORS_ABI, data });
    const list: readonly unknown[] = args ?? [];
    return list.length > 0 ? `${errorName}(${list.map(String).join(', ')})` : errorName;
  } catch {
    return `the contract's error ${data.slice(0, 10)}`;
  }
}

/**
 * Dry-runs a redeemDelegations transaction from the session key (eth_estimateGas on the latest
 * state). A revert comes back decoded ("LimitedCallsEnforcer:limit-exceeded", "InvalidDelegate",
 * a target's own error, "InvalidDirection(9)") instead of thrown, because the caller decides what
 * to show.
 */
export async function simulateSessionBatch(client: PublicClient, params: { from: Address; delegationManager: Address; data: Hex }): Promise<SimulationResult> {
  try {
    const gas = await client.estimateGas({ account: params.from, to: params.delegationManager, data: params.data });
    return { ok: true, gas };
  } catch (err) {
    const revertData = revertDataOf(err);
    const text = err instanceof BaseError ? err.shortMessage : String(err);
    const unreachable = err instanceof BaseError && err.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError) !== null;
    const reverted = !unreachable && (revertData !== undefined || /revert/i.test(err instanceof BaseError ? err.message : text));
    const reason = decodeRevertReason(err) ?? targetRevertReason(revertData) ?? text;
    return revertData === undefined ? { ok: false, reason, reverted } : { ok: false, reason, revertData, reverted };
  }
}
