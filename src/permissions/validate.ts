// Untrusted permission requests (a dApp's JSON, the popup's form, a translated ERC-7715 request)
// in, a validated SessionScope out, or a PermissionError whose message a person understands.
// All or nothing: a request with one bad item is refused whole, never granted in part.
//
// Input vocabulary (the seed's flat types, amounts as decimal or 0x strings, addresses in any case):
//   { expiry: 1735689600, callLimit?: 50, permissions: [
//       { type: 'root' },
//       { type: 'native-token-transfer', data: { allowance: '0x2386f26fc10000' } },
//       { type: 'erc20-token-transfer', data: { address: '0x…', allowance: '1000000' } },
//       { type: 'gas-limit', data: { limit: '0x…' } },
//       { type: 'contract-access', data: { address: '0x…' } },
//       { type: 'account-functions', data: { functions: ['0x12345678', …] } },
//       { type: 'functions-on-all-contracts', data: { functions: ['move(uint8)', …] } },
//       { type: 'functions-on-contract', data: { address: '0x…', functions: ['buyItem(uint256)'] } } ] }
import { getAddress, type Address } from 'viem';
import { ACCOUNT_CONTROL_SELECTORS, DELEGATION_MANAGERS, knownFunction, isTokenMoving } from './known-functions';
import { fail, isObject, MAX_FUNCTIONS, MAX_UINT256, onlyKeys, parseAddress, parseAmount, parseFunctionRef, parseWholeNumber, show } from './parse';
import { contractOf, isPermissionType, KINDS, PERMISSION_TYPES } from './kinds';
import { isErc20AmountPermission, isNativePermission } from './match';
import type { FunctionRef, Permission, PermissionType, SessionScope } from './types';

/** Longest session the wallet grants unless told otherwise: 7 days. */
export const DEFAULT_MAX_SESSION_SECONDS = 7 * 24 * 60 * 60;
/** Upper bound of `callLimit`; more is "unlimited" in all but name and only hides typos. */
export const MAX_CALL_LIMIT = 1_000_000;
/** Bound on untrusted input size, so a request cannot make the owner scroll through thousands of items. */
export const MAX_PERMISSIONS = 32;
/** The parsers of single values live in parse.ts; these are part of this module's interface. */
export { MAX_FUNCTIONS, MAX_UINT256, parseAddress, parseAmount, parseFunctionRef };

/** The kinds a request may name, from the table of kinds. */
export { PERMISSION_TYPES };

/**
 * Functions of the account itself that would hand a session the whole account: run any call
 * (execute…), redeem other delegations as the account, re-enable revoked sessions, withdraw the
 * account's EntryPoint deposit, upgrade the account. A session that may call one of these on the
 * account is root in disguise, so no permission that can reach the account may name them. The
 * list lives in the wallet's table of known functions (known-functions.ts).
 */
export { ACCOUNT_CONTROL_SELECTORS };

export interface ScopeContext {
  /** The owner's account the session acts for (from the wallet, never from the request). */
  account: Address;
  /** The chain the session is for (the wallet's current chain). */
  chainId: number;
  /** Unix seconds now; the expiry must be later. */
  now: number;
  /** Default DEFAULT_MAX_SESSION_SECONDS. */
  maxSessionSeconds?: number;
  /**
   * An expiry later than now + maxSessionSeconds is capped to that (default, "the wallet caps
   * what a dApp asks for") or refused ('refuse', e.g. for the owner's own form).
   */
  longExpiry?: 'cap' | 'refuse';
}


// ---------------------------------------------------------------- one permission

const describeType = (i: number, type: string) => `permission ${i + 1} (${type})`;

/** One permission from the flat vocabulary; `index` (0-based) only labels messages. */
export function parsePermission(input: unknown, index = 0): Permission {
  const at = `permission ${index + 1}`;
  if (!isObject(input)) fail(at, `${show(input)} is not a permission object like { "type": "...", "data": { ... } }`);
  const { type } = input;
  if (typeof type !== 'string') fail(at, 'has no "type"');
  if (!isPermissionType(type)) {
    fail(at, `unknown permission type ${show(type)}; known types are ${PERMISSION_TYPES.join(', ')}`);
  }
  const where = describeType(index, type);
  onlyKeys(input, ['type', 'data'], where);
  const kind = KINDS[type];
  const data = input.data;
  if (kind.fields === null) {
    // Alchemy's schema has no data for root; accept an empty object too, refuse anything in it.
    if (data !== undefined && !(isObject(data) && Object.keys(data).length === 0)) fail(where, `${type} takes no data`);
    return kind.parse({}, where);
  }
  if (!isObject(data)) fail(where, `needs a "data" object, got ${show(data)}`);
  onlyKeys(data, kind.fields, where);
  return kind.parse(data, where);
}

// ---------------------------------------------------------------- the scope as a whole

/** Unix seconds; in the future; capped (or refused) past now + maxSessionSeconds. */
export function parseExpiry(value: unknown, ctx: ScopeContext): number {
  const max = ctx.maxSessionSeconds ?? DEFAULT_MAX_SESSION_SECONDS;
  if (value === undefined || value === null) fail('expiry', 'is required: a session must end (unix seconds)');
  const expiry = parseWholeNumber(value, 'expiry');
  if (expiry > 1e12) fail('expiry', `${expiry} looks like milliseconds; send unix seconds`);
  if (expiry <= ctx.now) fail('expiry', `${expiry} is not in the future (now is ${ctx.now})`);
  const latest = ctx.now + max;
  if (expiry > latest) {
    if (ctx.longExpiry === 'refuse') fail('expiry', `is ${formatDuration(expiry - ctx.now)} away; sessions last at most ${formatDuration(max)}`);
    return latest;
  }
  return expiry;
}

/** Undefined (no limit) or a whole number from 1 to MAX_CALL_LIMIT. */
export function parseCallLimit(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = parseWholeNumber(value, 'callLimit');
  if (n < 1) fail('callLimit', `must be at least 1, got ${n}`);
  if (n > MAX_CALL_LIMIT) fail('callLimit', `${n} is more than the maximum of ${MAX_CALL_LIMIT} calls`);
  return n;
}

function formatDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  return `${seconds} seconds`;
}

const short = (a: Address) => `${a.slice(0, 6)}…${a.slice(-4)}`;

/**
 * The rules that concern permissions together (each one already parsed). Throws the first
 * problem found; see the comments for why each combination is refused.
 */
export function checkPermissionSet(permissions: readonly Permission[], account: Address): void {
  if (permissions.length === 0) fail('', 'a session needs at least one permission');
  if (permissions.length > MAX_PERMISSIONS) fail('', `${permissions.length} permissions is too many; at most ${MAX_PERMISSIONS} are allowed`);
  const label = (p: Permission) => describeType(permissions.indexOf(p), p.type);
  const ofType = <T extends PermissionType>(t: T) => permissions.filter((p): p is Extract<Permission, { type: T }> => p.type === t);

  // Types that describe the whole session: two of them would leave the owner guessing which counts.
  for (const type of PERMISSION_TYPES) {
    const message = KINDS[type].once;
    const list = permissions.filter((p) => p.type === type);
    if (message !== undefined && list.length > 1) fail(label(list[1] as Permission), message);
  }

  const root = ofType('root')[0];
  if (root) {
    // gas-limit only sizes the gas stipend; anything else is already inside root.
    const others = permissions.filter((p) => p.type !== 'root' && p.type !== 'gas-limit');
    if (others.length > 0) {
      fail(
        label(root),
        `root already allows every call, so combining it with ${[...new Set(others.map((p) => p.type))].join(', ')} means nothing; ask for root alone, or for the narrower permissions without root`,
      );
    }
    return;
  }
  if (!permissions.some((p) => p.type !== 'gas-limit')) {
    fail('', 'the session would not be allowed to make any call; add a permission besides gas-limit');
  }

  // One ETH allowance: each native kind counts the value of every call on chain, so two would each
  // hold the session to its own rule and the owner could not tell which one stops it.
  const natives = permissions.filter(isNativePermission);
  if (natives.length > 1) {
    fail(label(natives[1] as Permission), `the session already has an ETH allowance (${(natives[0] as Permission).type}); ask for one ETH allowance: a fixed amount, per period, or streamed`);
  }

  // Targets: one permission per contract, never the account itself (see ACCOUNT_CONTROL_SELECTORS).
  const seen = new Map<string, Permission>();
  for (const p of permissions) {
    const address = contractOf(p);
    if (address === undefined) continue;
    if (DELEGATION_MANAGERS.has(getAddress(address))) {
      // Called by the account, it redeems delegations as the account and re-enables revoked sessions.
      fail(label(p), `${short(address)} is the Delegation Framework's DelegationManager, which acts for your account; a session may not call it`);
    }
    if (address.toLowerCase() === account.toLowerCase()) {
      fail(
        label(p),
        isErc20AmountPermission(p)
          ? 'the token address is your own account'
          : 'targets your own account; use account-functions to name the functions of your account a session may call',
      );
    }
    if (isErc20AmountPermission(p)) continue; // checked against the others below
    const earlier = seen.get(address);
    if (earlier) {
      const message =
        earlier.type === 'contract-access' || p.type === 'contract-access'
          ? `contract-access to ${short(address)} already allows every function on it; drop one of the two`
          : `${short(address)} has a functions-on-contract permission already; list all its functions in one`;
      fail(label(p), message);
    }
    seen.set(address, p);
  }

  const tokens = new Map<string, Permission>();
  for (const p of permissions.filter(isErc20AmountPermission)) {
    const key = p.data.address;
    const other = tokens.get(key);
    // Two allowances on one token: the session key picks the group per call, so it could spend both.
    if (other) {
      fail(
        label(p),
        other.type === 'erc20-token-transfer' && p.type === 'erc20-token-transfer'
          ? `${short(key)} already has an erc20-token-transfer allowance; put the whole allowance in one`
          : `${short(key)} already has an ${other.type} allowance; ask for one allowance per token`,
      );
    }
    tokens.set(key, p);
    // Another permission that lets the session move this token without the allowance makes the
    // allowance meaningless: transfer() directly, or approve() / increaseAllowance() / permit() and
    // the rest of the token-moving table for a spender the session controls (its own key), which
    // then pulls with transferFrom outside the session.
    // On chain the session key may pick whichever permission it likes.
    const moves = (fns: readonly FunctionRef[]) => fns.find((f) => isTokenMoving(f.selector));
    let unlimited: { permission: Permission; fn: string } | undefined;
    const access = seen.get(key);
    if (access?.type === 'contract-access') unlimited = { permission: access, fn: 'transfer' };
    for (const o of permissions) {
      if (unlimited) break;
      const f =
        (o.type === 'functions-on-contract' && o.data.address === key) || o.type === 'functions-on-all-contracts' ? moves(o.data.functions) : undefined;
      if (f) unlimited = { permission: o, fn: knownFunction(f.selector)?.name ?? f.selector };
    }
    if (unlimited) {
      fail(
        label(unlimited.permission),
        `allows unlimited ${unlimited.fn}() calls on ${short(key)}, which makes the allowance of ${label(p)} meaningless; remove ${unlimited.fn} from it or drop the allowance`,
      );
    }
  }

  // Functions that may reach the account itself must not take it over.
  for (const p of permissions) {
    if (p.type !== 'account-functions' && p.type !== 'functions-on-all-contracts') continue;
    for (const f of p.data.functions) {
      const control = ACCOUNT_CONTROL_SELECTORS.get(f.selector);
      if (control) {
        const why = p.type === 'account-functions' ? '' : ' (functions-on-all-contracts also reaches your own account)';
        fail(label(p), `${f.signature ?? control} would let the session take over your account${why}; ask for root if that is really meant`);
      }
    }
  }
}

/** A SessionScope from already-parsed permissions plus the raw expiry / call limit. */
export function buildSessionScope(
  parts: { expiry: unknown; permissions: readonly Permission[]; callLimit?: unknown },
  ctx: ScopeContext,
): SessionScope {
  const account = getAddress(ctx.account);
  if (!Number.isSafeInteger(ctx.chainId) || ctx.chainId <= 0) throw new TypeError(`invalid chainId ${ctx.chainId}`);
  const expiry = parseExpiry(parts.expiry, ctx);
  const callLimit = parseCallLimit(parts.callLimit);
  checkPermissionSet(parts.permissions, account);
  const scope: SessionScope = { account, chainId: ctx.chainId, expiry, permissions: [...parts.permissions] };
  if (callLimit !== undefined) scope.callLimit = callLimit;
  return scope;
}

/**
 * Parses an untrusted session request in the flat vocabulary (see the top of this file). The
 * request may repeat `account` and `chainId`; if it does they must be the wallet's.
 */
export function parseSessionScope(input: unknown, ctx: ScopeContext): SessionScope {
  if (!isObject(input)) fail('', `a session request must be an object with expiry and permissions, got ${show(input)}`);
  onlyKeys(input, ['expiry', 'permissions', 'callLimit', 'account', 'chainId'], 'session request');
  if (input.account !== undefined && parseAddress(input.account, 'account') !== getAddress(ctx.account)) {
    fail('account', `${show(input.account)} is not the account this wallet grants sessions for`);
  }
  if (input.chainId !== undefined && parseWholeNumber(input.chainId, 'chainId') !== ctx.chainId) {
    fail('chainId', `${show(input.chainId)} is not the wallet's current chain (${ctx.chainId})`);
  }
  const raw = input.permissions;
  if (!Array.isArray(raw)) fail('permissions', `must be a list, got ${show(raw)}`);
  if (raw.length > MAX_PERMISSIONS) fail('permissions', `${raw.length} permissions is too many; at most ${MAX_PERMISSIONS} are allowed`);
  const permissions = raw.map((p, i) => parsePermission(p, i));
  return buildSessionScope({ expiry: input.expiry, permissions, callLimit: input.callLimit }, ctx);
}
