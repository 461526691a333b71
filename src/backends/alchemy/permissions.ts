// The shared permission model (src/permissions/types.ts) in Alchemy's flat form, as
// `grantPermissions` of @alchemy/wallet-apis v5 takes it (reference/alchemy-wallet-api.md §6).
// Alchemy's session keys have no call-count limit, so a scope with `callLimit` is refused rather
// than granted wider than the owner asked.
import type { Address, Hex } from 'viem';
import { InvalidParamsError } from '../../rpc/errors';
import type { Permission, SessionScope } from '../../permissions/types';

/** One permission as the v5 SDK's grantPermissions takes it (bigint amounts, 4-byte selectors). */
export type AlchemyPermission =
  | { type: 'root' }
  | { type: 'native-token-transfer'; data: { allowance: bigint } }
  | { type: 'erc20-token-transfer'; data: { address: Address; allowance: bigint } }
  | { type: 'gas-limit'; data: { limit: bigint } }
  | { type: 'contract-access'; data: { address: Address } }
  | { type: 'account-functions'; data: { functions: Hex[] } }
  | { type: 'functions-on-all-contracts'; data: { functions: Hex[] } }
  | { type: 'functions-on-contract'; data: { address: Address; functions: Hex[] } };

export interface AlchemyGrantRequest {
  expirySec: number;
  permissions: AlchemyPermission[];
}

function mapOne(p: Permission): AlchemyPermission {
  switch (p.type) {
    case 'root':
      return { type: 'root' };
    case 'native-token-transfer':
      return { type: 'native-token-transfer', data: { allowance: p.data.allowance } };
    case 'erc20-token-transfer':
      return { type: 'erc20-token-transfer', data: { address: p.data.address, allowance: p.data.allowance } };
    case 'gas-limit':
      return { type: 'gas-limit', data: { limit: p.data.limit } };
    case 'contract-access':
      return { type: 'contract-access', data: { address: p.data.address } };
    case 'account-functions':
      return { type: 'account-functions', data: { functions: p.data.functions.map((f) => f.selector) } };
    case 'functions-on-all-contracts':
      return { type: 'functions-on-all-contracts', data: { functions: p.data.functions.map((f) => f.selector) } };
    case 'functions-on-contract':
      return { type: 'functions-on-contract', data: { address: p.data.address, functions: p.data.functions.map((f) => f.selector) } };
  }
}

/**
 * The scope as Alchemy's grant. Throws -32602 for what Alchemy cannot express or would reject:
 * a call-count limit, no permission, `root` mixed with others, a function list that is empty.
 */
export function toAlchemyGrant(scope: SessionScope): AlchemyGrantRequest {
  if (scope.callLimit !== undefined) {
    throw new InvalidParamsError(
      `The Alchemy backend cannot limit the number of calls (callLimit ${scope.callLimit}): Alchemy session keys have no call-count permission. Remove the limit or use the delegation backend.`,
    );
  }
  if (!Number.isSafeInteger(scope.expiry) || scope.expiry <= 0) throw new InvalidParamsError('A session needs an expiry (unix seconds).');
  if (scope.permissions.length === 0) throw new InvalidParamsError('A session needs at least one permission.');
  if (scope.permissions.some((p) => p.type === 'root') && scope.permissions.length > 1) {
    throw new InvalidParamsError('Alchemy: the root permission cannot be combined with other permissions.');
  }
  const permissions = scope.permissions.map(mapOne);
  for (const p of permissions) {
    if ('data' in p && 'functions' in p.data && p.data.functions.length === 0) {
      throw new InvalidParamsError(`Alchemy: ${p.type} needs at least one function.`);
    }
  }
  return { expirySec: scope.expiry, permissions };
}

/** True when the grant gives the key full access (MAv2 "global" validation). */
export const isRootGrant = (grant: AlchemyGrantRequest): boolean => grant.permissions.some((p) => p.type === 'root');
