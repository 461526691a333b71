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
//   SessionCallEnforcer.usage(DelegationManager, hash)                   calls used and wei spent, when
//       its terms count them (the wallet's own enforcer, where deployed: caveats.ts)
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
} from './abis';
import { decodeErc20TransferAmountTerms, decodeLogicalOrWrapperTerms, decodeMultiTokenPeriodTerms } from './terms';
import { BaseError, decodeErrorResult, encodeAbiParameters, getAddress, HttpRequestError, InvalidParamsRpcError, isHex, MethodNotFoundRpcError, MethodNotSupportedRpcError, parseAbi, TimeoutError, type Abi, type Address, type Hex } from 'viem';
import type { ChainClient } from '../../chains/clients';
import { DemoGameAbi, DemoTokenAbi } from '../../../devnet/contracts/abis';
import type { PeriodRecord, SessionCall, SessionScope, SessionUsage } from '../../permissions/types';
import { isRootScope, matchCallGroup } from '../../permissions/match';
import { caveatArgsForGroup, groupLayoutOf, scopeToCaveats, sessionCaveats, type GroupLayout, type LayoutOptions } from './caveats';
import {
  DelegationManagerAbi,
  EXECUTION_MODE,
  createDelegation,
  signDelegation,
  type DelegationContext,
  type TypedDataSigner,
  decodeRevertReason,
  encodeRedeemDelegations,
  revertDataOf,
  hashDelegation,
  sessionCallCounts,
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
 * A session's signed grant: one delegation (flat or wrapped layout), or with several call groups
 * the root of a chain with one signed leaf per group (caveats.ts GroupLayout). Stateful
 * session-wide enforcers (call count, ETH) sit on the root, so every group draws on the same
 * counters; each leaf holds one group's caveats, so a group never widens another.
 */
export type SessionDelegation = Delegation & { groups?: readonly Delegation[] };

/**
 * The group layout the session was signed with, when it is exactly what the scope asks for:
 * the current layouts (flat, chain) or the wrapper of sessions granted before them, which keep
 * working. A chain's leaves must each name the root as authority and carry their group's caveats.
 * Throws DelegationScopeMismatchError otherwise.
 */
export function delegationLayout(delegation: Pick<SessionDelegation, 'caveats'> & { groups?: readonly Pick<Delegation, 'caveats' | 'authority' | 'delegator'>[] } & Partial<Delegation>, scope: SessionScope, enforcers: CaveatEnforcerAddresses): GroupLayout {
  const layout = layoutWith(delegation, scope, enforcers);
  if (layout) return layout;
  // Granted with the framework's enforcers only (before SessionCallEnforcer, or where it was not deployed).
  if (enforcers.SessionCallEnforcer !== undefined) {
    const { SessionCallEnforcer: _own, ...frameworkOnly } = enforcers;
    const framework = layoutWith(delegation, scope, frameworkOnly);
    if (framework) return framework;
  }
  throw new DelegationScopeMismatchError('the session delegation does not match its scope');
}

function layoutWith(delegation: Parameters<typeof delegationLayout>[0], scope: SessionScope, enforcers: CaveatEnforcerAddresses): GroupLayout | undefined {
  const leaves = delegation.groups;
  if (leaves && leaves.length > 0) {
    // Leaves: several groups held one per group (a dApp-held grant always; any grant without the union).
    if (groupLayoutOf(scope, enforcers, { perGroup: true }) !== 'chain') return undefined;
    const expected = sessionCaveats(scope, enforcers, { perGroup: true });
    const rootHash = delegation.delegate && delegation.delegator && delegation.authority && delegation.salt !== undefined ? hashDelegation(delegation as Delegation) : undefined;
    const ok =
      sameCaveats(delegation.caveats, expected.root) &&
      same(delegation.delegate, delegation.delegator ?? '0x') &&
      expected.groups?.length === leaves.length &&
      leaves.every((leaf, i) => sameCaveats(leaf.caveats, expected.groups?.[i] ?? []) && leaf.authority === rootHash && same(leaf.delegator, delegation.delegator ?? '0x'));
    return ok ? 'chain' : undefined;
  }
  if (groupLayoutOf(scope, enforcers) === 'flat' && sameCaveats(delegation.caveats, scopeToCaveats(scope, enforcers, 'flat'))) return 'flat';
  if (!isRootScope(scope) && sameCaveats(delegation.caveats, scopeToCaveats(scope, enforcers, 'wrapped'))) return 'wrapped';
  return undefined;
}

/** Throws DelegationScopeMismatchError unless the session's delegations are what its scope asks for (delegationLayout). */
export function assertDelegationMatchesScope(delegation: Parameters<typeof delegationLayout>[0], scope: SessionScope, enforcers: CaveatEnforcerAddresses): void {
  delegationLayout(delegation, scope, enforcers);
}

/**
 * The owner signs what a new grant of `scope` to `delegate` needs (caveats.ts sessionCaveats): one
 * delegation, or a chain's root (owner -> owner) and one leaf per call group (owner -> delegate,
 * authority = the root). Every signature is the owner's.
 */
export async function signSessionDelegation(
  signer: TypedDataSigner,
  params: { delegator: Address; delegate: Address; scope: SessionScope; enforcers: CaveatEnforcerAddresses; context: DelegationContext } & LayoutOptions,
): Promise<SessionDelegation> {
  const { root, groups } = sessionCaveats(params.scope, params.enforcers, { perGroup: params.perGroup });
  if (!groups) return signDelegation(signer, createDelegation({ delegator: params.delegator, delegate: params.delegate, caveats: root }), params.context);
  // The root names the owner's own account as delegate: only the owner could redeem it alone,
  // so the session key can use it only through a leaf the owner signed.
  const signedRoot = await signDelegation(signer, createDelegation({ delegator: params.delegator, delegate: params.delegator, caveats: root }), params.context);
  const authority = hashDelegation(signedRoot);
  const leaves = await Promise.all(
    groups.map((caveats) => signDelegation(signer, createDelegation({ delegator: params.delegator, delegate: params.delegate, caveats, authority }), params.context)),
  );
  return { ...signedRoot, groups: leaves };
}

/** The delegation alone (no leaves), for what takes one Delegation: hashing, disableDelegation, a context. */
export function rootOf(d: SessionDelegation): Delegation {
  const { groups: _leaves, ...root } = d;
  return root;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A stateful enforcer's record for this delegation, and who calls that enforcer (its state key). */
type Reading = { hash: Hex } & (
  | { kind: 'calls'; caller: Address; enforcer: Address }
  | { kind: 'native'; caller: Address; enforcer: Address }
  | { kind: 'erc20'; caller: Address; enforcer: Address; token: Address }
  | { kind: 'multi-token'; caller: Address; enforcer: Address; token: Address; periodAmount: bigint; terms: Hex; index: number }
  | { kind: 'period'; caller: Address; enforcer: Address; erc20: boolean }
  | { kind: 'stream'; caller: Address; enforcer: Address; erc20: boolean }
  | { kind: 'session-call'; caller: Address; enforcer: Address; calls: boolean; native: boolean }
);

function readingsOf(caveats: readonly Caveat[], caller: Address, enforcers: CaveatEnforcerAddresses, hash: Hex, depth = 0): Reading[] {
  const out: Reading[] = [];
  const push = (r: DistributiveOmit<Reading, 'hash'>) => out.push({ ...r, hash } as Reading);
  for (const c of caveats) {
    if (same(enforcers.SessionCallEnforcer, c.enforcer)) {
      // A leaf's caveat counts nothing (rules only): no read.
      const counts = sessionCallCounts(c.terms);
      const calls = counts.callLimit > 0;
      const native = counts.nativeAllowance !== undefined;
      if (calls || native) push({ kind: 'session-call', caller, enforcer: c.enforcer, calls, native });
    } else if (same(enforcers.LimitedCallsEnforcer, c.enforcer)) push({ kind: 'calls', caller, enforcer: c.enforcer });
    else if (same(enforcers.NativeTokenTransferAmountEnforcer, c.enforcer)) push({ kind: 'native', caller, enforcer: c.enforcer });
    else if (same(enforcers.ERC20TransferAmountEnforcer, c.enforcer)) {
      push({ kind: 'erc20', caller, enforcer: c.enforcer, token: getAddress(decodeErc20TransferAmountTerms(c.terms).tokenAddress) });
    } else if (same(enforcers.MultiTokenPeriodEnforcer, c.enforcer)) {
      decodeMultiTokenPeriodTerms(c.terms).tokenConfigs.forEach((cfg, index) => {
        const token = getAddress(cfg.token);
        if (token !== '0x0000000000000000000000000000000000000000') {
          push({ kind: 'multi-token', caller, enforcer: c.enforcer, token, periodAmount: BigInt(cfg.periodAmount), terms: c.terms, index });
        }
      });
    } else if (same(enforcers.NativeTokenPeriodTransferEnforcer, c.enforcer) || same(enforcers.ERC20PeriodTransferEnforcer, c.enforcer)) {
      push({ kind: 'period', caller, enforcer: c.enforcer, erc20: same(enforcers.ERC20PeriodTransferEnforcer, c.enforcer) });
    } else if (same(enforcers.NativeTokenStreamingEnforcer, c.enforcer) || same(enforcers.ERC20StreamingEnforcer, c.enforcer)) {
      push({ kind: 'stream', caller, enforcer: c.enforcer, erc20: same(enforcers.ERC20StreamingEnforcer, c.enforcer) });
    } else if (same(enforcers.LogicalOrWrapperEnforcer, c.enforcer) && depth === 0) {
      // Inside the wrapper, msg.sender of every enforcer is the wrapper itself.
      for (const group of decodeLogicalOrWrapperTerms(c.terms).caveatGroups) {
        const inner = group.map((g) => ({ enforcer: getAddress(g.enforcer), terms: g.terms, args: g.args }));
        out.push(...readingsOf(inner, c.enforcer, enforcers, hash, depth + 1));
      }
    }
  }
  return out;
}

/** SessionCallEnforcer's one getter the wallet reads (the whole ABI is in devnet/contracts/abis.ts; this keeps the worker small). */
const SESSION_CALL_USAGE_ABI = [
  {
    type: 'function',
    name: 'usage',
    stateMutability: 'view',
    inputs: [
      { name: 'delegationManager', type: 'address' },
      { name: 'delegationHash', type: 'bytes32' },
    ],
    outputs: [
      { name: 'calls', type: 'uint128' },
      { name: 'spent', type: 'uint128' },
    ],
  },
] as const;

const isPair = (v: bigint | PeriodRecord | readonly [bigint, bigint]): v is readonly [bigint, bigint] => Array.isArray(v);

/** The block a usage reading is made at: its number and time. */
export interface UsageBlock {
  number: bigint;
  timestamp: bigint;
}

/**
 * What the chain says the session has used, read fresh at the latest block (or at `block`, a
 * latest block the caller read): calls, ETH, each token of the scope (0 when untouched), revoked
 * or not, and that block's timestamp. Checks first that the delegation is the scope's
 * (assertDelegationMatchesScope).
 */
export async function readSessionUsage(client: ChainClient, delegation: SessionDelegation, scope: SessionScope, framework: SessionFramework, latest?: UsageBlock): Promise<SessionUsage> {
  const enforcers = framework.caveatEnforcers;
  assertDelegationMatchesScope(delegation, scope, enforcers);
  const hash = hashDelegation(delegation);
  const block = latest ?? (await client.getBlock({ blockTag: 'latest' }));
  const at = { blockNumber: block.number };
  // A chain's leaves keep their groups' counters under their own hashes.
  const readings = [delegation, ...(delegation.groups ?? [])].flatMap((d) => readingsOf(d.caveats, framework.DelegationManager, enforcers, hashDelegation(d)));

  const disabledP = client.readContract({ ...at, address: framework.DelegationManager, abi: DelegationManagerAbi, functionName: 'disabledDelegations', args: [hash] });
  const values = await Promise.all(
    readings.map(async (r): Promise<bigint | PeriodRecord | readonly [bigint, bigint]> => {
      switch (r.kind) {
        case 'session-call':
          return client.readContract({ ...at, address: r.enforcer, abi: SESSION_CALL_USAGE_ABI, functionName: 'usage', args: [r.caller, r.hash] });
        case 'period': {
          // The struct's getter: (periodAmount, periodDuration, startDate, lastTransferPeriod, transferredInCurrentPeriod).
          const abi = r.erc20 ? ERC20PeriodTransferEnforcer : NativeTokenPeriodTransferEnforcer;
          const [, , , lastPeriod, transferred] = await client.readContract({ ...at, address: r.enforcer, abi, functionName: 'periodicAllowances', args: [r.caller, r.hash] });
          return { lastPeriod: Number(lastPeriod), transferred };
        }
        case 'stream': {
          const abi = r.erc20 ? ERC20StreamingEnforcer : NativeTokenStreamingEnforcer;
          const [, , , , spent] = await client.readContract({ ...at, address: r.enforcer, abi, functionName: 'streamingAllowances', args: [r.caller, r.hash] });
          return spent;
        }
        case 'calls':
          return client.readContract({ ...at, address: r.enforcer, abi: LimitedCallsEnforcer, functionName: 'callCounts', args: [r.caller, r.hash] });
        case 'native':
          return client.readContract({ ...at, address: r.enforcer, abi: NativeTokenTransferAmountEnforcer, functionName: 'spentMap', args: [r.caller, r.hash] });
        case 'erc20':
          return client.readContract({ ...at, address: r.enforcer, abi: ERC20TransferAmountEnforcer, functionName: 'spentMap', args: [r.caller, r.hash] });
        case 'multi-token': {
          const [available] = await client.readContract({
            ...at,
            address: r.enforcer,
            abi: MultiTokenPeriodEnforcer,
            functionName: 'getAvailableAmount',
            args: [r.hash, r.caller, r.terms, encodeAbiParameters([{ type: 'uint256' }], [BigInt(r.index)])],
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
    if (r.kind === 'session-call') {
      const [calls, spent] = isPair(v) ? v : [0n, 0n];
      if (r.calls) usage.callsUsed += Number(calls);
      if (r.native) usage.nativeSpent += spent;
      return;
    }
    if (isPair(v)) return;
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
export function sessionRedemptions(
  delegation: SessionDelegation,
  calls: readonly SessionCall[],
  argsPerCall: readonly (readonly Hex[])[],
  groupPerCall?: readonly number[],
): Redemption[] {
  const root = rootOf(delegation);
  return calls.map((call, i) => {
    const args = argsPerCall[i];
    const leaf = delegation.groups?.[groupPerCall?.[i] ?? -1];
    if (delegation.groups && !leaf) throw new Error(`call ${i + 1}: no call group named for the session's chain`);
    const expected = root.caveats.length + (leaf?.caveats.length ?? 0);
    if (!args || args.length !== expected) throw new Error(`call ${i + 1}: caveat args do not fit the delegation`);
    const withArgs = (d: Delegation, from: number): Delegation => ({ ...d, caveats: d.caveats.map((c, j) => ({ ...c, args: args[from + j] ?? '0x' })) });
    return {
      // A chain is passed leaf first: [the group's leaf, the root].
      delegations: leaf ? [withArgs(leaf, root.caveats.length), withArgs(root, 0)] : [withArgs(root, 0)],
      executions: [{ target: getAddress(call.to), value: call.value, callData: call.data }],
      mode: EXECUTION_MODE.SingleDefault,
    };
  });
}

/**
 * Calldata for ONE DelegationManager.redeemDelegations transaction that makes every call, in
 * order. All or nothing: if any call (or any caveat) reverts, the whole transaction reverts and
 * none of the calls happen. `enforcers` (the deployment's) lets a session granted with the
 * wrapper (before the flat and chain layouts) keep its wrapper args. Throws
 * SessionCallNotCoveredError for a call no group accepts; run sessions/policy.ts covers() first,
 * which also checks what this cannot see (allowances left, calls left, expiry, revocation).
 */
export function encodeSessionBatch(delegation: SessionDelegation, scope: SessionScope, calls: readonly SessionCall[], enforcers?: CaveatEnforcerAddresses): Hex {
  if (calls.length === 0) throw new Error('a session batch needs at least one call');
  const layout = enforcers ? delegationLayout(delegation, scope, enforcers) : delegation.groups ? 'chain' : groupLayoutOf(scope);
  const groups = calls.map((call, i) => {
    const g = isRootScope(scope) ? 0 : matchCallGroup(scope, call);
    if (g === undefined) throw new SessionCallNotCoveredError(i);
    return g;
  });
  // Flat and chain: no caveat takes args, whichever enforcers the session was signed with, so one
  // empty arg per caveat the redemption carries. Wrapped: the wrapper names the group.
  const args = groups.map((g) =>
    layout === 'wrapped' ? caveatArgsForGroup(scope, g, layout) : Array<Hex>(delegation.caveats.length + (delegation.groups?.[g]?.caveats.length ?? 0)).fill('0x'),
  );
  return encodeRedeemDelegations(sessionRedemptions(delegation, calls, args, groups));
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
// Built on first use (a revert to explain), not at import: parsing it was part of every worker start (issue 15).
let targetErrorsAbi: Abi | undefined;
const TARGET_ERRORS_ABI = (): Abi =>
  (targetErrorsAbi ??= [
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
  ] as Abi);

/** The reason a target's own revert data gives, by TARGET_ERRORS_ABI; else its selector, said as such. */
function targetRevertReason(data: Hex | undefined): string | undefined {
  if (!data || data === '0x') return undefined;
  try {
    const { errorName, args } = decodeErrorResult({ abi: TARGET_ERRORS_ABI(), data });
    const list: readonly unknown[] = args ?? [];
    return list.length > 0 ? `${errorName}(${list.map(String).join(', ')})` : errorName;
  } catch {
    return `the contract's error ${data.slice(0, 10)}`;
  }
}

/**
 * The gas limit signed for a redemption whose single dry run used `gasUsed`. A run's gas used is
 * after refunds (EIP-3529: at most a fifth of what execution needed) and each call the redemption
 * makes down to the target keeps back 1/64 of what is left (EIP-150), so execution may need up to
 * ~1.33x what the run reports; the key pays only for what is used. eth_estimateGas searches for the
 * tight figure by running the transaction again (on anvil, 2.8 ms against 0.8 ms for one run: a
 * fifth of a warm session send, issue 15).
 */
export function gasLimitFor(gasUsed: bigint): bigint {
  return (gasUsed * 4n + 2n) / 3n;
}

/** Nodes that answered eth_simulateV1 with "no such method" (by RPC URL): their dry runs use eth_estimateGas. */
const noSimulateV1 = new Set<string>();

interface SimulatedCall {
  status: Hex;
  gasUsed: Hex;
  returnData?: Hex;
  error?: { code?: number; message?: string; data?: Hex };
}

/**
 * Dry-runs a redeemDelegations transaction from the session key on the latest state: one
 * eth_simulateV1 run (its gas used gives the limit, gasLimitFor), or eth_estimateGas where the node
 * has no eth_simulateV1. A revert comes back decoded ("LimitedCallsEnforcer:limit-exceeded",
 * "InvalidDelegate", a target's own error, "InvalidDirection(9)") instead of thrown, because the
 * caller decides what to show.
 */
export async function simulateSessionBatch(client: ChainClient, params: { from: Address; delegationManager: Address; data: Hex }): Promise<SimulationResult> {
  const node = client.transport.url ?? client.uid;
  if (!noSimulateV1.has(node)) {
    try {
      const blocks = (await client.request({
        method: 'eth_simulateV1',
        params: [{ blockStateCalls: [{ calls: [{ from: params.from, to: params.delegationManager, data: params.data }] }], validation: false }, 'latest'],
      } as never)) as { calls?: SimulatedCall[] }[];
      const call = blocks?.[0]?.calls?.[0];
      if (call && /^0x[0-9a-f]+$/i.test(call.gasUsed)) {
        if (call.status === '0x1') return { ok: true, gas: gasLimitFor(BigInt(call.gasUsed)) };
        const data = [call.returnData, call.error?.data].find((d): d is Hex => typeof d === 'string' && isHex(d) && d !== '0x');
        const reason = decodeRevertReason(data) ?? targetRevertReason(data) ?? call.error?.message ?? 'execution reverted';
        return data === undefined ? { ok: false, reason, reverted: true } : { ok: false, reason, revertData: data, reverted: true };
      }
      // An answer without a call result: not trusted; estimated below.
    } catch (err) {
      if (unreachable(err)) return { ok: false, reason: err instanceof BaseError ? err.shortMessage : String(err), reverted: false };
      // -32601 (no such method) or a node that does not take these parameters: estimate from now on.
      if (err instanceof BaseError && err.walk((e) => e instanceof MethodNotFoundRpcError || e instanceof MethodNotSupportedRpcError || e instanceof InvalidParamsRpcError) !== null) noSimulateV1.add(node);
    }
  }
  try {
    const gas = await client.estimateGas({ account: params.from, to: params.delegationManager, data: params.data });
    return { ok: true, gas };
  } catch (err) {
    const revertData = revertDataOf(err);
    const text = err instanceof BaseError ? err.shortMessage : String(err);
    const reverted = !unreachable(err) && (revertData !== undefined || /revert/i.test(err instanceof BaseError ? err.message : text));
    const reason = decodeRevertReason(err) ?? targetRevertReason(revertData) ?? text;
    return revertData === undefined ? { ok: false, reason, reverted } : { ok: false, reason, revertData, reverted };
  }
}

const unreachable = (err: unknown) => err instanceof BaseError && err.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError) !== null;
