// The shared permission model (src/permissions/kinds.ts) in Alchemy's flat form, as
// `grantPermissions` of @alchemy/wallet-apis v5 takes it: `{ expirySec, permissions }`, each
// permission `{ type, data }` with the same type names, bigint amounts and functions as bare 4-byte
// selectors (Alchemy has no use for the signatures).
// Alchemy's session keys have no call-count limit, so a scope with `callLimit` is refused rather
// than granted wider than the owner asked.
import type { Hex } from 'viem';
import { InvalidParamsError } from '../../errors';
import type { FunctionRef, Permission, SessionScope } from '../../permissions/types';

/** A permission's form with its function lists as bare selectors. */
type WithSelectors<T> = T extends readonly FunctionRef[] ? Hex[] : T extends object ? { [K in keyof T]: WithSelectors<T[K]> } : T;

/** One permission as the v5 SDK's grantPermissions takes it (bigint amounts, 4-byte selectors), derived from `Permission`. */
export type AlchemyPermission = WithSelectors<Permission>;

export interface AlchemyGrantRequest {
  expirySec: number;
  permissions: AlchemyPermission[];
}

// One case per kind: a new kind must be placed here (the switch does not compile without it),
// mapped, or refused with -32602 if Alchemy cannot express it.
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
    case 'token-approval-revocation':
      throw new InvalidParamsError('The Alchemy backend cannot limit a session to revoking approvals (token-approval-revocation). Use the delegation backend.');
    case 'native-token-periodic':
    case 'native-token-stream':
    case 'erc20-token-periodic':
    case 'erc20-token-stream':
      // Alchemy's allowances only count down over the whole session; granting the period's or the
      // stream's cap as a lifetime allowance would let the session spend it all at once.
      throw new InvalidParamsError(
        `The Alchemy backend cannot enforce ${p.type}: Alchemy session keys have no allowance that renews or streams over time. Ask for a fixed allowance (${p.type.startsWith('native') ? 'native-token-transfer' : 'erc20-token-transfer'}) or use the delegation backend.`,
      );
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
  if (scope.redeemers !== undefined) {
    throw new InvalidParamsError('The Alchemy backend cannot limit who sends the session\'s transactions (redeemers). Use the delegation backend.');
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
