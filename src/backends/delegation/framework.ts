// The MetaMask Delegation Framework (v1.3.0 contracts) as plain, typed building blocks for the
// delegation backend: ABIs, the Delegation struct and its EIP-712 typing, hashing, caveat terms,
// and calldata for DelegationManager.redeemDelegations / DeleGator.disableDelegation.
//
// Browser-safe: only viem, ./abis (the fragments of @metamask/delegation-abis it uses) and ./terms (the
// enforcers' terms, string-identical to @metamask/delegation-core's, without its dependencies). Deliberately not @metamask/smart-accounts-kit, which
// posts analytics. Nothing here touches the network or holds keys: signing goes through a signer
// the caller passes (a viem account).
//
// Model, in one paragraph: the owner's EOA is 7702-delegated to EIP7702StatelessDeleGator. A
// session is a Delegation {delegator: owner, delegate: session key, authority: ROOT_AUTHORITY,
// caveats} signed by the owner key over EIP-712 (domain "DelegationManager" v1, verifyingContract =
// DelegationManager). The session key sends DelegationManager.redeemDelegations(contexts, modes,
// executionCalldatas); the DelegationManager checks the signature (ERC-1271 on the owner's 7702
// code), runs every caveat's enforcer, and makes the owner's account execute the call.
import { DeleGatorCore, DelegationManager, EIP7702StatelessDeleGator } from './abis';
import {
  allowedCalldataTerms,
  allowedMethodsTerms,
  allowedTargetsTerms,
  approvalRevocationTerms,
  erc20TransferAmountTerms,
  exactCalldataTerms,
  limitedCallsTerms,
  multiTokenPeriodTerms,
  nativeTokenPeriodTransferTerms,
  nativeTokenStreamingTerms,
  nativeTokenTransferAmountTerms,
  redeemerTerms,
  timestampTerms,
  valueLteTerms,
} from './terms';
import {
  BaseError,
  bytesToBigInt,
  concat,
  decodeErrorResult,
  encodeAbiParameters,
  encodeFunctionData,
  encodePacked,
  getAddress,
  hashStruct,
  hashTypedData,
  isHex,
  size,
  slice,
  type Address,
  type Hex,
  type TypedDataDefinition,
} from 'viem';
import { classifyCode } from '../../account/delegation-state';

// ---------------------------------------------------------------- ABIs

/** DelegationManager: redeemDelegations, disabledDelegations, getDelegationHash, getDomainHash, owner, NAME, errors. */
export const DelegationManagerAbi = DelegationManager;
/** The 7702 implementation the owner's EOA delegates to (execute, isValidSignature, disableDelegation...). */
export const EIP7702StatelessDeleGatorAbi = EIP7702StatelessDeleGator;
/** The DeleGator base shared by every implementation (enough for disable/enableDelegation). */
export const DeleGatorCoreAbi = DeleGatorCore;

/**
 * Custom errors the DelegationManager and the 7702 DeleGator revert with, for viem's
 * decodeErrorResult / error decoding. Caveat enforcers revert with plain strings
 * ("AllowedTargetsEnforcer:target-address-not-allowed"), which viem decodes without an ABI.
 */
export const delegationErrorsAbi = [
  ...DelegationManager.filter((item) => item.type === 'error'),
  ...EIP7702StatelessDeleGator.filter((item) => item.type === 'error'),
];

/** The revert data inside a viem error from a call, gas estimate or simulation, if there is any. */
export function revertDataOf(err: unknown): Hex | undefined {
  if (!(err instanceof BaseError)) return undefined;
  // The innermost cause carries the node's JSON-RPC error; its `data` is the revert payload
  // (some nodes nest it one level deeper as `data.data`).
  const inner = err.walk() as { data?: unknown };
  const data = typeof inner.data === 'object' && inner.data !== null ? (inner.data as { data?: unknown }).data : inner.data;
  return typeof data === 'string' && isHex(data) ? data : undefined;
}

/**
 * Why a redemption (or any framework call) reverted, readably: the enforcer's message
 * ("LimitedCallsEnforcer:limit-exceeded") or the custom error ("InvalidDelegate"). Accepts the raw
 * revert data or a viem error. Undefined when there is nothing to decode.
 */
export function decodeRevertReason(errOrData: unknown): string | undefined {
  const data = typeof errOrData === 'string' && isHex(errOrData) ? errOrData : revertDataOf(errOrData);
  if (!data || data === '0x') return undefined;
  try {
    const { errorName, args } = decodeErrorResult({ abi: delegationErrorsAbi, data });
    // viem also decodes Solidity's built-in Error(string) / Panic(uint256), which the typed
    // errorName union (from the ABI) does not list.
    const name: string = errorName;
    const list: readonly unknown[] = args ?? [];
    if (name === 'Error' && typeof list[0] === 'string') return list[0];
    return list.length > 0 ? `${name}(${list.map(String).join(', ')})` : name;
  } catch {
    return undefined; // a selector none of the framework's ABIs knows
  }
}

// ---------------------------------------------------------------- the Delegation struct

/** `authority` of a root delegation (one signed by the account itself, not re-delegated). */
export const ROOT_AUTHORITY: Hex = '0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff';

/** `delegate` of an open delegation: anyone may redeem it (DelegationManager.ANY_DELEGATE). */
export const ANY_DELEGATE: Address = '0x0000000000000000000000000000000000000a11';

export interface Caveat {
  /** The enforcer contract that checks this caveat. */
  enforcer: Address;
  /** Enforcer-specific encoding of the restriction; signed over. */
  terms: Hex;
  /** Redeemer-supplied data for the enforcer; NOT signed over (not in the EIP-712 struct). */
  args: Hex;
}

export interface Delegation {
  /** Who may redeem (the session key), or ANY_DELEGATE. */
  delegate: Address;
  /** The account that grants authority (the owner's 7702 account). */
  delegator: Address;
  /** ROOT_AUTHORITY, or the hash of the parent delegation for a re-delegation. */
  authority: Hex;
  caveats: readonly Caveat[];
  /** Makes otherwise identical delegations distinct; stateful enforcers key their state by hash. */
  salt: bigint;
  /** The delegator's signature over the EIP-712 typed data ('0x' while unsigned). */
  signature: Hex;
}

export type UnsignedDelegation = Omit<Delegation, 'signature'>;

/**
 * EIP-712 types, as in DelegationManager: `Delegation(address delegate,address delegator,bytes32
 * authority,Caveat[] caveats,uint256 salt)Caveat(address enforcer,bytes terms)`, whose type hash is
 * delegation-core's DELEGATION_TYPEHASH (0x88c1d2ec...). `args` and `signature` are not signed.
 */
export const DELEGATION_TYPES = {
  Delegation: [
    { name: 'delegate', type: 'address' },
    { name: 'delegator', type: 'address' },
    { name: 'authority', type: 'bytes32' },
    { name: 'caveats', type: 'Caveat[]' },
    { name: 'salt', type: 'uint256' },
  ],
  Caveat: [
    { name: 'enforcer', type: 'address' },
    { name: 'terms', type: 'bytes' },
  ],
} as const;

export type DelegationTypedData = TypedDataDefinition<typeof DELEGATION_TYPES, 'Delegation'>;

export interface DelegationContext {
  chainId: number;
  /** The DelegationManager the delegation is redeemed through (its EIP-712 verifying contract). */
  delegationManager: Address;
}

/** A random 256-bit salt (Web Crypto, available in extension pages, workers and Node 20). */
export function randomSalt(): bigint {
  return bytesToBigInt(crypto.getRandomValues(new Uint8Array(32)));
}

/** An unsigned root delegation from `delegator` to `delegate`. */
export function createDelegation(params: {
  delegator: Address;
  delegate: Address;
  caveats: readonly Caveat[];
  authority?: Hex;
  salt?: bigint;
}): UnsignedDelegation {
  return {
    delegate: getAddress(params.delegate),
    delegator: getAddress(params.delegator),
    authority: params.authority ?? ROOT_AUTHORITY,
    caveats: params.caveats,
    salt: params.salt ?? randomSalt(),
  };
}

function typedMessage(d: UnsignedDelegation): DelegationTypedData['message'] {
  return {
    delegate: d.delegate,
    delegator: d.delegator,
    authority: d.authority,
    caveats: d.caveats.map((c) => ({ enforcer: c.enforcer, terms: c.terms })),
    salt: d.salt,
  };
}

/** What the delegator signs (`eth_signTypedData_v4` payload / viem `signTypedData` argument). */
export function delegationTypedData(delegation: UnsignedDelegation, ctx: DelegationContext): DelegationTypedData {
  return {
    domain: { name: 'DelegationManager', version: '1', chainId: ctx.chainId, verifyingContract: ctx.delegationManager },
    types: DELEGATION_TYPES,
    primaryType: 'Delegation',
    message: typedMessage(delegation),
  };
}

/**
 * The delegation's struct hash, equal to DelegationManager.getDelegationHash: the key of
 * `disabledDelegations` and of every stateful enforcer's per-delegation state (spent amounts, call
 * counts). Independent of chain and signature.
 */
export function hashDelegation(delegation: UnsignedDelegation): Hex {
  return hashStruct({ types: DELEGATION_TYPES, primaryType: 'Delegation', data: typedMessage(delegation) });
}

/** The EIP-712 digest the delegator's key signs and the DeleGator's isValidSignature receives. */
export function delegationSigningHash(delegation: UnsignedDelegation, ctx: DelegationContext): Hex {
  return hashTypedData(delegationTypedData(delegation, ctx));
}

/** Anything that signs EIP-712 typed data, e.g. a viem LocalAccount. */
export interface TypedDataSigner {
  signTypedData(typedData: DelegationTypedData): Promise<Hex>;
}

/**
 * Signs `delegation` with the delegator's key. For a 7702-upgraded EOA the plain ECDSA signature of
 * the owner key is what EIP7702StatelessDeleGator.isValidSignature accepts.
 */
export async function signDelegation(signer: TypedDataSigner, delegation: UnsignedDelegation, ctx: DelegationContext): Promise<Delegation> {
  const signature = await signer.signTypedData(delegationTypedData(delegation, ctx));
  return { ...delegation, signature };
}

// ---------------------------------------------------------------- caveats

/** Enforcer addresses the builders below need (a deployment's `caveatEnforcers` fits). */
export interface CaveatEnforcerAddresses {
  AllowedCalldataEnforcer?: Address;
  AllowedMethodsEnforcer?: Address;
  AllowedTargetsEnforcer?: Address;
  ApprovalRevocationEnforcer?: Address;
  ERC20PeriodTransferEnforcer?: Address;
  ERC20StreamingEnforcer?: Address;
  ERC20TransferAmountEnforcer?: Address;
  ExactCalldataEnforcer?: Address;
  LimitedCallsEnforcer?: Address;
  LogicalOrWrapperEnforcer?: Address;
  MultiTokenPeriodEnforcer?: Address;
  NativeTokenPeriodTransferEnforcer?: Address;
  NativeTokenStreamingEnforcer?: Address;
  NativeTokenTransferAmountEnforcer?: Address;
  RedeemerEnforcer?: Address;
  /** The wallet's own combined enforcer (devnet/contracts/SessionCallEnforcer.sol): only where it is deployed. */
  SessionCallEnforcer?: Address;
  TimestampEnforcer?: Address;
  ValueLteEnforcer?: Address;
}

/**
 * One rule of a SessionCallEnforcer caveat: a call passes when ONE rule admits it, as a whole.
 *   pair:     this target AND calldata starting with this selector (never crossed with other rules)
 *   target:   this target, any calldata
 *   selector: calldata starting with this selector, any target
 *   empty:    empty calldata (a plain value transfer), any target
 */
export type SessionCallRule =
  | { kind: 'pair'; target: Address; selector: Hex }
  | { kind: 'target'; target: Address }
  | { kind: 'selector'; selector: Hex }
  | { kind: 'empty' };

/** What a SessionCallEnforcer caveat checks (see the contract's header for the terms layout). */
export interface SessionCallTerms {
  /** Unix seconds: valid while the including block's timestamp is below it; 0 = no expiry. */
  expiry: number;
  /** Redemptions of the delegation allowed in total; 0 = no limit. */
  callLimit: number;
  /** Cumulative wei the delegation's calls may carry; undefined = value not checked by this caveat. */
  nativeAllowance?: bigint;
  /** Empty = any call. */
  rules: readonly SessionCallRule[];
}

const RULE_KIND = { pair: 0, target: 1, selector: 2, empty: 3 } as const;
const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';

/** SessionCallEnforcer terms: packed (uint64 expiry, uint64 callLimit, uint8 flags, uint128 allowance, rules of 25 bytes). */
export function sessionCallTerms(t: SessionCallTerms): Hex {
  const rules = t.rules.map((r) => {
    const selector = r.kind === 'pair' || r.kind === 'selector' ? r.selector : '0x00000000';
    if (!isHex(selector) || size(selector) !== 4) throw new Error(`not a 4-byte selector: ${selector}`);
    const target = r.kind === 'pair' || r.kind === 'target' ? r.target : ZERO_ADDRESS;
    return encodePacked(['uint8', 'address', 'bytes4'], [RULE_KIND[r.kind], target, selector]);
  });
  const header = encodePacked(['uint64', 'uint64', 'uint8', 'uint128'], [BigInt(t.expiry), BigInt(t.callLimit), t.nativeAllowance === undefined ? 0 : 1, t.nativeAllowance ?? 0n]);
  return concat([header, ...rules]);
}

/** The parts of SessionCallEnforcer terms the wallet reads back: is anything counted (call limit, allowance)? */
export function sessionCallCounts(terms: Hex): { callLimit: number; nativeAllowance?: bigint } {
  const callLimit = Number(BigInt(slice(terms, 8, 16)));
  const counted = (Number(BigInt(slice(terms, 16, 17))) & 1) === 1;
  return counted ? { callLimit, nativeAllowance: BigInt(slice(terms, 17, 33)) } : { callLimit };
}

/**
 * Caveat constructors bound to one deployment's enforcers. Terms are encoded by ./terms, checked
 * against @metamask/delegation-core's encoders, so they match what the enforcers decode. Throws when the deployment
 * lacks the enforcer, rather than producing a caveat that points nowhere.
 */
export function caveatBuilder(enforcers: CaveatEnforcerAddresses) {
  const make = (name: keyof CaveatEnforcerAddresses, terms: Hex): Caveat => {
    const enforcer = enforcers[name];
    if (!enforcer) throw new Error(`no ${name} address in this deployment`);
    return { enforcer, terms, args: '0x' };
  };
  return {
    /**
     * Valid only strictly after `afterThreshold` and strictly before `beforeThreshold` (unix
     * seconds, block timestamp); 0 means no bound on that side. A session's expiry is `beforeThreshold`.
     */
    timestamp: (t: { afterThreshold?: number; beforeThreshold: number }) =>
      make('TimestampEnforcer', timestampTerms({ afterThreshold: t.afterThreshold ?? 0, beforeThreshold: t.beforeThreshold })),
    /** Each execution's target must be one of `targets`. */
    allowedTargets: (targets: readonly Address[]) => make('AllowedTargetsEnforcer', allowedTargetsTerms(targets)),
    /** Each execution's calldata must start with one of these 4-byte selectors (viem toFunctionSelector). */
    allowedMethods: (selectors: readonly Hex[]) => {
      for (const s of selectors) if (!isHex(s) || size(s) !== 4) throw new Error(`not a 4-byte selector: ${s}`);
      return make('AllowedMethodsEnforcer', allowedMethodsTerms(selectors));
    },
    /** At most `limit` redemptions of this delegation, counted on chain per delegation hash. */
    limitedCalls: (limit: number) => make('LimitedCallsEnforcer', limitedCallsTerms(limit)),
    /** At most `maxAmount` wei of native value in total across all redemptions. */
    nativeTokenTransferAmount: (maxAmount: bigint) =>
      make('NativeTokenTransferAmountEnforcer', nativeTokenTransferAmountTerms(maxAmount)),
    /** At most `maxAmount` of `token` moved by `transfer` calls in total; only `token` may be called. */
    erc20TransferAmount: (token: Address, maxAmount: bigint) =>
      make('ERC20TransferAmountEnforcer', erc20TransferAmountTerms(token, maxAmount)),
    /**
     * At most `periodAmount` wei of native value per period of `periodDuration` seconds, periods
     * counted from `startDate`; unspent value does not carry over. Before `startDate` the enforcer
     * refuses every call until its first use, whatever the value.
     */
    nativeTokenPeriodTransfer: (t: { periodAmount: bigint; periodDuration: number; startDate: number }) =>
      make('NativeTokenPeriodTransferEnforcer', nativeTokenPeriodTransferTerms(t)),
    /** Native value unlocked linearly: `initialAmount` at `startTime`, then `amountPerSecond`, capped at `maxAmount`. */
    nativeTokenStreaming: (t: { initialAmount: bigint; maxAmount: bigint; amountPerSecond: bigint; startTime: number }) =>
      make('NativeTokenStreamingEnforcer', nativeTokenStreamingTerms(t)),
    /** transfer() of `token` only (68 bytes), at most `periodAmount` per period from `startDate`. Terms: packed (token, amount, duration, start). */
    erc20PeriodTransfer: (t: { token: Address; periodAmount: bigint; periodDuration: number; startDate: number }) =>
      make(
        'ERC20PeriodTransferEnforcer',
        encodePacked(['address', 'uint256', 'uint256', 'uint256'], [t.token, t.periodAmount, BigInt(t.periodDuration), BigInt(t.startDate)]),
      ),
    /**
     * transfer() of `token` only (68 bytes), streamed from `startTime`: linearly at `amountPerSecond`
     * when `initialAmount` is 0, otherwise in chunks of `initialAmount`; capped at `maxAmount`.
     * Terms: packed (token, initialAmount, maxAmount, amountPerSecond, startTime).
     */
    erc20Streaming: (t: { token: Address; initialAmount: bigint; maxAmount: bigint; amountPerSecond: bigint; startTime: number }) =>
      make(
        'ERC20StreamingEnforcer',
        encodePacked(['address', 'uint256', 'uint256', 'uint256', 'uint256'], [t.token, t.initialAmount, t.maxAmount, t.amountPerSecond, BigInt(t.startTime)]),
      ),
    /**
     * Only calls that clear an existing approval of the account: ERC-20 approve(spender, 0), ERC-721
     * approve(0, tokenId), setApprovalForAll(operator, false); no value. Permit2's revocations stay off.
     */
    approvalRevocation: () =>
      make(
        'ApprovalRevocationEnforcer',
        approvalRevocationTerms({ erc20Approve: true, erc721Approve: true, erc721SetApprovalForAll: true, permit2Approve: false, permit2Lockdown: false, permit2InvalidateNonces: false }),
      ),
    /** Each execution's value must be <= `maxValue` wei. */
    valueLte: (maxValue: bigint) => make('ValueLteEnforcer', valueLteTerms(maxValue)),
    /** Each execution's calldata must equal `calldata` exactly ('0x' = plain value transfers only). */
    exactCalldata: (calldata: Hex) => make('ExactCalldataEnforcer', exactCalldataTerms(calldata)),
    /** Calldata bytes from `startIndex` must equal `value` (e.g. pin one argument). */
    allowedCalldata: (startIndex: number, value: Hex) => make('AllowedCalldataEnforcer', allowedCalldataTerms(startIndex, value)),
    /**
     * The wallet's own enforcer (not the framework's): expiry, call limit, cumulative ETH and the
     * allowed calls as whole rules, in ONE caveat (one set of hook calls instead of up to five).
     */
    sessionCall: (t: SessionCallTerms) => make('SessionCallEnforcer', sessionCallTerms(t)),
    /** Only these addresses may send the redeeming transaction. */
    redeemer: (redeemers: readonly Address[]) => make('RedeemerEnforcer', redeemerTerms(redeemers)),
    /**
     * Passes when every caveat of ONE group passes; the redeemer names the group per redemption in
     * the caveat's args (encodeLogicalOrWrapperArgs). The inner enforcers are called by the wrapper,
     * so stateful ones keep their state under msg.sender = the wrapper, not the DelegationManager.
     * The wrapper rejects every mode but default execType; inner enforcers add their own checks.
     */
    logicalOrWrapper: (groups: readonly (readonly Caveat[])[]) => {
      if (groups.length === 0 || groups.some((g) => g.length === 0)) throw new Error('every LogicalOrWrapper group needs at least one caveat');
      // abi.encode(CaveatGroup[]), CaveatGroup = (Caveat[] caveats), as the enforcer decodes it.
      // Encoded with viem: delegation-core's createLogicalOrWrapperTerms refuses empty bytes ('0x'),
      // which ExactCalldata('0x') terms and argument-less caveats are.
      const terms = encodeAbiParameters(CAVEAT_GROUPS, [groups.map((g) => ({ caveats: g.map((c) => ({ ...c })) }))]);
      return make('LogicalOrWrapperEnforcer', terms);
    },
    /**
     * Per-token allowances that renew every `periodDuration` seconds from `startDate`; the args name
     * the config index (abi.encode(uint256)). ERC-20 configs allow only 68-byte transfer() calls with
     * no value; token 0x0 stands for plain native transfers. State is keyed by (msg.sender, token,
     * delegation hash, index), so several tokens never share a counter.
     */
    multiTokenPeriod: (configs: readonly { token: Address; periodAmount: bigint; periodDuration: number; startDate: number }[]) =>
      make('MultiTokenPeriodEnforcer', multiTokenPeriodTerms(configs)),
  };
}

const CAVEAT_TUPLE = {
  type: 'tuple[]',
  name: 'caveats',
  components: [
    { name: 'enforcer', type: 'address' },
    { name: 'terms', type: 'bytes' },
    { name: 'args', type: 'bytes' },
  ],
} as const;

/** LogicalOrWrapperEnforcer terms: `CaveatGroup[]` with `struct CaveatGroup { Caveat[] caveats; }`. */
const CAVEAT_GROUPS = [{ type: 'tuple[]', components: [CAVEAT_TUPLE] }] as const;

/** LogicalOrWrapperEnforcer args: `struct SelectedGroup { uint256 groupIndex; bytes[] caveatArgs; }`. */
const SELECTED_GROUP = [
  {
    type: 'tuple',
    components: [
      { name: 'groupIndex', type: 'uint256' },
      { name: 'caveatArgs', type: 'bytes[]' },
    ],
  },
] as const;

/** `args` of a LogicalOrWrapperEnforcer caveat: abi.encode(SelectedGroup{groupIndex, caveatArgs}), one arg per caveat of the group. */
export function encodeLogicalOrWrapperArgs(groupIndex: number, caveatArgs: readonly Hex[]): Hex {
  return encodeAbiParameters(SELECTED_GROUP, [{ groupIndex: BigInt(groupIndex), caveatArgs: [...caveatArgs] }]);
}

export type CaveatBuilder = ReturnType<typeof caveatBuilder>;

// ---------------------------------------------------------------- executions and redemption

/** One call the delegator's account makes. */
export interface Execution {
  target: Address;
  value: bigint;
  callData: Hex;
}

/**
 * ERC-7579 mode codes (bytes32: callType ‖ execType ‖ 30 zero bytes). Most v1.3.0 enforcers
 * (AllowedTargets, AllowedMethods, LimitedCalls, ValueLte, NativeTokenTransferAmount, ...) accept
 * only SingleDefault; to send several calls in one transaction, put several single-call
 * redemptions into one redeemDelegations call rather than one batch redemption.
 */
export const EXECUTION_MODE = {
  SingleDefault: '0x0000000000000000000000000000000000000000000000000000000000000000',
  SingleTry: '0x0001000000000000000000000000000000000000000000000000000000000000',
  BatchDefault: '0x0100000000000000000000000000000000000000000000000000000000000000',
  BatchTry: '0x0101000000000000000000000000000000000000000000000000000000000000',
} as const satisfies Record<string, Hex>;

export type ExecutionMode = (typeof EXECUTION_MODE)[keyof typeof EXECUTION_MODE];

const EXECUTION_TUPLE = {
  type: 'tuple[]',
  components: [
    { name: 'target', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'callData', type: 'bytes' },
  ],
} as const;

/** ERC-7579 ExecutionLib encoding: single = packed(target, value, callData); batch = abi.encode(Execution[]). */
export function encodeExecutionCalldata(executions: readonly Execution[], mode: ExecutionMode): Hex {
  const callType = slice(mode, 0, 1);
  if (callType === '0x00') {
    const [only, ...rest] = executions;
    if (!only || rest.length > 0) throw new Error(`single-call mode needs exactly one execution, got ${executions.length}`);
    return encodePacked(['address', 'uint256', 'bytes'], [only.target, only.value, only.callData]);
  }
  if (executions.length === 0) throw new Error('batch mode needs at least one execution');
  return encodeAbiParameters([EXECUTION_TUPLE], [executions.map((e) => ({ ...e }))]);
}

const DELEGATION_ARRAY = {
  type: 'tuple[]',
  components: [
    { name: 'delegate', type: 'address' },
    { name: 'delegator', type: 'address' },
    { name: 'authority', type: 'bytes32' },
    {
      name: 'caveats',
      type: 'tuple[]',
      components: [
        { name: 'enforcer', type: 'address' },
        { name: 'terms', type: 'bytes' },
        { name: 'args', type: 'bytes' },
      ],
    },
    { name: 'salt', type: 'uint256' },
    { name: 'signature', type: 'bytes' },
  ],
} as const;

/** A permission context: abi.encode(Delegation[]), leaf (the one naming the redeemer) first, root last. */
export function encodePermissionContext(chain: readonly Delegation[]): Hex {
  if (chain.length === 0) throw new Error('a permission context needs at least one delegation');
  return encodeAbiParameters([DELEGATION_ARRAY], [chain.map((d) => ({ ...d, caveats: d.caveats.map((c) => ({ ...c })) }))]);
}

export interface Redemption {
  /** Delegation chain, leaf first (a plain session is a chain of one). */
  delegations: readonly Delegation[];
  executions: readonly Execution[];
  /** Default: SingleDefault for one execution, BatchDefault for several. */
  mode?: ExecutionMode;
}

/** Calldata for DelegationManager.redeemDelegations; all redemptions run in one transaction, all or nothing. */
export function encodeRedeemDelegations(redemptions: readonly Redemption[]): Hex {
  if (redemptions.length === 0) throw new Error('nothing to redeem');
  const modes = redemptions.map((r) => r.mode ?? (r.executions.length === 1 ? EXECUTION_MODE.SingleDefault : EXECUTION_MODE.BatchDefault));
  return encodeFunctionData({
    abi: DelegationManager,
    functionName: 'redeemDelegations',
    args: [
      redemptions.map((r) => encodePermissionContext(r.delegations)),
      modes,
      redemptions.map((r, i) => encodeExecutionCalldata(r.executions, modes[i] as ExecutionMode)),
    ],
  });
}

function withSignature(d: UnsignedDelegation | Delegation) {
  return { ...d, caveats: d.caveats.map((c) => ({ ...c })), signature: 'signature' in d ? d.signature : ('0x' as Hex) };
}

/**
 * Calldata that revokes a delegation. Send it from the delegator to itself (the owner's 7702
 * account calls its own DeleGator, which calls DelegationManager.disableDelegation); afterwards
 * DelegationManager.disabledDelegations(hashDelegation(d)) is true and redemptions revert with
 * CannotUseADisabledDelegation.
 */
export function encodeDisableDelegation(delegation: UnsignedDelegation | Delegation): Hex {
  return encodeFunctionData({ abi: DeleGatorCore, functionName: 'disableDelegation', args: [withSignature(delegation)] });
}

// ---------------------------------------------------------------- EIP-7702 delegation state

/** Prefix of an EIP-7702 delegation designator: an EOA's code is `0xef0100 ‖ implementation`. */
export const EIP7702_DESIGNATOR_PREFIX: Hex = '0xef0100';

/** The code an EOA has once it is 7702-delegated to `implementation`. */
export function eip7702Designator(implementation: Address): Hex {
  return concat([EIP7702_DESIGNATOR_PREFIX, getAddress(implementation)]).toLowerCase() as Hex;
}

/** The implementation an account's code delegates to, or undefined if it is not a 7702 designator. */
export function delegatedImplementation(code: Hex | undefined): Address | undefined {
  const state = classifyCode(code, null); // with no expected target, every 7702 designator is "foreign"
  return state.kind === 'foreign' ? state.implementation : undefined;
}
