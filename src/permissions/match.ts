// What one call must look like to fall under one permission: the single definition of "call shape"
// that both the off-chain check (sessions/policy.ts) and the on-chain encoding (the caveat group a
// redemption selects, backends/delegation/caveats.ts) use, so the two cannot drift apart.
//
// A scope's permissions split in three kinds:
//   - `root`: every call, no groups;
//   - `gas-limit`: no call at all (it sizes the session key's gas stipend);
//   - every other permission is one call-shape GROUP; a call is allowed when at least one group
//     accepts it (a logical OR, never a cross product of targets and functions).
// Limits that span the whole session (expiry, call count, ETH allowance, "no ETH without a
// native-token-transfer permission") are not part of a group; policy.ts and caveats.ts apply them
// to every call.
import { hexToBigInt, size, slice, type Address, type Hex } from 'viem';
import type { Permission, SessionCall, SessionScope } from './types';

/** ERC-20 transfer(address,uint256). */
export const ERC20_TRANSFER_SELECTOR: Hex = '0xa9059cbb';
/** A standard transfer(address,uint256) call: 4-byte selector + two 32-byte words. */
export const ERC20_TRANSFER_CALLDATA_BYTES = 68;

/** approve(address,uint256): ERC-20 and ERC-721 share it. */
export const APPROVE_SELECTOR: Hex = '0x095ea7b3';
/** setApprovalForAll(address,bool): ERC-721 and ERC-1155 share it. */
export const SET_APPROVAL_FOR_ALL_SELECTOR: Hex = '0xa22cb465';

/**
 * Whether a call only clears an approval, as ApprovalRevocationEnforcer (ERC-20, ERC-721 and
 * operator flags) reads it: no ETH, 68 bytes, and approve(spender ≠ 0, 0) (ERC-20),
 * approve(0, tokenId) (ERC-721; the address is the word's low 20 bytes) or
 * setApprovalForAll(operator, false). The enforcer also wants the approval to exist at the time,
 * which is chain state this shape check does not read (revoking nothing reverts, harmlessly).
 */
export function isApprovalRevocation(call: SessionCall): boolean {
  if (call.value !== 0n || size(call.data) !== 68) return false;
  const selector = selectorOf(call.data);
  const second = hexToBigInt(slice(call.data, 36, 68));
  if (selector === SET_APPROVAL_FOR_ALL_SELECTOR) return second === 0n;
  if (selector !== APPROVE_SELECTOR) return false;
  const firstAddress = hexToBigInt(slice(call.data, 16, 36));
  return firstAddress === 0n || second === 0n;
}

/** Permissions that form a call-shape group. */
export type GroupPermission = Exclude<Permission, { type: 'root' } | { type: 'gas-limit' }>;

export function isGroupPermission(p: Permission): p is GroupPermission {
  return p.type !== 'root' && p.type !== 'gas-limit';
}

export function isRootScope(scope: Pick<SessionScope, 'permissions'>): boolean {
  return scope.permissions.some((p) => p.type === 'root');
}

/** The call-shape groups, in scope order; the position is the group's index on chain. */
export function callGroups(scope: Pick<SessionScope, 'permissions'>): GroupPermission[] {
  return scope.permissions.filter(isGroupPermission);
}

/** Kinds that let the session send ETH, each with its own on-chain counter of every call's value. */
export type NativePermission = Extract<Permission, { type: 'native-token-transfer' | 'native-token-periodic' | 'native-token-stream' }>;
/** Kinds that let the session move one ERC-20 token by transfer(), within an amount of their own. */
export type Erc20AmountPermission = Extract<Permission, { type: 'erc20-token-transfer' | 'erc20-token-periodic' | 'erc20-token-stream' }>;

export const isNativePermission = (p: Permission): p is NativePermission =>
  p.type === 'native-token-transfer' || p.type === 'native-token-periodic' || p.type === 'native-token-stream';
export const isErc20AmountPermission = (p: Permission): p is Erc20AmountPermission =>
  p.type === 'erc20-token-transfer' || p.type === 'erc20-token-periodic' || p.type === 'erc20-token-stream';

/** The session's ETH allowance (lifetime, per period or streamed), if it may send ETH at all. validate.ts allows one. */
export function nativePermissionOf(scope: Pick<SessionScope, 'permissions'>): NativePermission | undefined {
  return scope.permissions.find(isNativePermission);
}

export function nativeAllowanceOf(scope: Pick<SessionScope, 'permissions'>): bigint | undefined {
  const p = scope.permissions.find((x) => x.type === 'native-token-transfer');
  return p?.type === 'native-token-transfer' ? p.data.allowance : undefined;
}

/** The 4-byte selector a call's data starts with (lowercase), or undefined when it has fewer than 4 bytes. */
export function selectorOf(data: Hex): Hex | undefined {
  return size(data) >= 4 ? (slice(data, 0, 4).toLowerCase() as Hex) : undefined;
}

const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();
const hasSelector = (functions: readonly { selector: Hex }[], selector: Hex | undefined) =>
  selector !== undefined && functions.some((f) => f.selector.toLowerCase() === selector);

/** The amount a standard ERC-20 transfer call moves (its second word). Only for 68-byte transfer calldata. */
export function erc20TransferAmount(data: Hex): bigint {
  return hexToBigInt(slice(data, 36, 68));
}

/** Whether `call` is a standard ERC-20 transfer of `token` that sends no ETH: all an erc20-token-transfer group allows. */
export function isErc20Transfer(call: SessionCall, token: Address): boolean {
  return (
    same(call.to, token) &&
    call.value === 0n &&
    size(call.data) === ERC20_TRANSFER_CALLDATA_BYTES &&
    selectorOf(call.data) === ERC20_TRANSFER_SELECTOR
  );
}

/**
 * Whether one group accepts the call's shape: target, function, calldata form. It ignores amounts
 * that accumulate over the session (ETH and ERC-20 allowances), which the caller checks.
 * Mirrors the enforcers in caveats.ts exactly (e.g. AllowedMethodsEnforcer needs >= 4 bytes of
 * calldata; ExactCalldataEnforcer('0x') needs none).
 */
export function groupAccepts(group: GroupPermission, call: SessionCall, account: Address): boolean {
  const selector = selectorOf(call.data);
  switch (group.type) {
    case 'native-token-transfer':
    case 'native-token-periodic':
    case 'native-token-stream':
      return size(call.data) === 0; // a plain value transfer, to any address
    case 'erc20-token-transfer':
    case 'erc20-token-periodic':
    case 'erc20-token-stream':
      return isErc20Transfer(call, group.data.address);
    case 'contract-access':
      return same(call.to, group.data.address);
    case 'functions-on-contract':
      return same(call.to, group.data.address) && hasSelector(group.data.functions, selector);
    case 'functions-on-all-contracts':
      return hasSelector(group.data.functions, selector);
    case 'account-functions':
      return same(call.to, account) && hasSelector(group.data.functions, selector);
    case 'token-approval-revocation':
      return isApprovalRevocation(call);
  }
}

/**
 * The index of the group a call should be redeemed under, or undefined when none accepts it.
 * When several accept it, a group without an allowance of its own wins, so a call never spends an
 * ERC-20 allowance it does not need to (validate.ts refuses scopes where that choice would make
 * an allowance meaningless and a second allowance of any kind on one token, so in practice at most
 * one group accepts an ERC-20 transfer).
 */
export function matchCallGroup(scope: Pick<SessionScope, 'permissions' | 'account'>, call: SessionCall): number | undefined {
  const groups = callGroups(scope);
  let limited: number | undefined;
  for (const [i, g] of groups.entries()) {
    if (!groupAccepts(g, call, scope.account)) continue;
    if (!isErc20AmountPermission(g)) return i;
    limited ??= i;
  }
  return limited;
}
