// SessionScope / SessionUsage <-> JSON-safe objects, for extension storage and for the popup
// (bigint cannot cross JSON or structured-clone into every context, so amounts travel as decimal
// strings). Reading back re-validates the shape and the permission rules (validate.ts): storage is
// written by us, but a corrupted or hand-edited entry must fail loudly, not grant something.
// The expiry is not compared with the clock here: a stored session may well have expired.
import { getAddress, isAddress, type Address, type Hex } from 'viem';
import { PermissionError } from './errors';
import { isObject } from './parse';
import { checkPermissionSet, parseCallLimit, parsePermission } from './validate';
import type { FunctionRef, Permission, SessionScope, SessionUsage } from './types';

/** Bumped when the stored shape changes incompatibly. */
export const SERIALIZED_SCOPE_VERSION = 1;

/** A value as JSON carries it: bigint amounts become decimal strings, absent optional fields stay absent. */
export type Serialized<T> = T extends bigint
  ? string
  : T extends readonly (infer U)[]
    ? Serialized<U>[]
    : T extends object
      ? { [K in keyof T]: Serialized<T[K]> }
      : T;

export type SerializedFunctionRef = Serialized<FunctionRef>;
/** Derived from `Permission` (kinds.ts), so a new kind is stored without a change here. */
export type SerializedPermission = Serialized<Permission>;

export interface SerializedSessionScope {
  version: typeof SERIALIZED_SCOPE_VERSION;
  account: Address;
  chainId: number;
  expiry: number;
  permissions: SerializedPermission[];
  callLimit?: number;
  redeemers?: Address[];
}

export interface SerializedSessionUsage {
  /** Decimal wei. */
  nativeSpent: string;
  /** Decimal base units by checksummed token address. */
  erc20Spent: Record<Address, string>;
  callsUsed: number;
  now: number;
  disabled: boolean;
  periods?: Serialized<NonNullable<SessionUsage['periods']>>;
  streamed?: Serialized<NonNullable<SessionUsage['streamed']>>;
}

function serialize(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(serialize);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (x === undefined ? [] : [[k, serialize(x)]])));
  }
  return v;
}

/** The JSON form of a permission; parsePermission (validate.ts) reads it back with the grant-time checks. */
export function serializePermission(p: Permission): SerializedPermission {
  // serialize() turns exactly the bigints into strings, which is what Serialized<Permission> says.
  return serialize(p) as SerializedPermission;
}

export function serializeScope(scope: SessionScope): SerializedSessionScope {
  const out: SerializedSessionScope = {
    version: SERIALIZED_SCOPE_VERSION,
    account: scope.account,
    chainId: scope.chainId,
    expiry: scope.expiry,
    permissions: scope.permissions.map(serializePermission),
  };
  if (scope.callLimit !== undefined) out.callLimit = scope.callLimit;
  if (scope.redeemers !== undefined) out.redeemers = [...scope.redeemers];
  return out;
}

function bad(problem: string): never {
  throw new PermissionError(`stored session: ${problem}`);
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (!isObject(v)) bad(`${what} is not an object`);
  return v;
}

/** Stored numbers are JSON numbers (we wrote them): stricter than parse.ts's wholeNumber, which also reads strings. */
function storedWholeNumber(v: unknown, what: string, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) bad(`${what} is not a whole number >= ${min}`);
  return v;
}

function decimal(v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v)) bad(`${what} is not a decimal string`);
  return BigInt(v);
}

function address(v: unknown, what: string): Address {
  if (typeof v !== 'string' || !isAddress(v, { strict: false })) bad(`${what} is not an address`);
  return getAddress(v);
}

/** The inverse of serializeScope; throws PermissionError on anything it would not have written. */
export function deserializeScope(json: unknown): SessionScope {
  const o = record(json, 'scope');
  if (o.version !== SERIALIZED_SCOPE_VERSION) bad(`unknown version ${String(o.version)}`);
  const account = address(o.account, 'account');
  if (!Array.isArray(o.permissions)) bad('permissions is not a list');
  // parsePermission accepts exactly the serialized form (amounts as decimal strings, functions as
  // { selector, signature }), with the same checks as at grant time.
  const permissions = o.permissions.map((p, i) => parsePermission(p, i));
  checkPermissionSet(permissions, account);
  const scope: SessionScope = {
    account,
    chainId: storedWholeNumber(o.chainId, 'chainId', 1),
    expiry: storedWholeNumber(o.expiry, 'expiry', 1),
    permissions,
  };
  const callLimit = parseCallLimit(o.callLimit);
  if (callLimit !== undefined) scope.callLimit = callLimit;
  if (o.redeemers !== undefined) {
    if (!Array.isArray(o.redeemers) || o.redeemers.length === 0) bad('redeemers is not a list of addresses');
    scope.redeemers = o.redeemers.map((a, i) => address(a, `redeemers[${i}]`));
  }
  return scope;
}

export function serializeUsage(usage: SessionUsage): SerializedSessionUsage {
  const erc20Spent: Record<Address, string> = {};
  for (const [token, spent] of Object.entries(usage.erc20Spent) as [Address, bigint][]) erc20Spent[token] = spent.toString();
  const out: SerializedSessionUsage = { nativeSpent: usage.nativeSpent.toString(), erc20Spent, callsUsed: usage.callsUsed, now: usage.now, disabled: usage.disabled };
  if (usage.periods) out.periods = serialize(usage.periods) as SerializedSessionUsage['periods'];
  if (usage.streamed) out.streamed = serialize(usage.streamed) as SerializedSessionUsage['streamed'];
  return out;
}

export function deserializeUsage(json: unknown): SessionUsage {
  const o = record(json, 'usage');
  const erc20Spent: Record<Address, bigint> = {};
  for (const [token, spent] of Object.entries(record(o.erc20Spent, 'erc20Spent'))) {
    erc20Spent[address(token, 'erc20Spent token')] = decimal(spent, `erc20Spent[${token}]`);
  }
  if (typeof o.disabled !== 'boolean') bad('disabled is not a boolean');
  const usage: SessionUsage = {
    nativeSpent: decimal(o.nativeSpent, 'nativeSpent'),
    erc20Spent,
    callsUsed: storedWholeNumber(o.callsUsed, 'callsUsed', 0),
    now: storedWholeNumber(o.now, 'now', 0),
    disabled: o.disabled,
  };
  if (o.periods !== undefined) {
    const periods = record(o.periods, 'periods');
    usage.periods = {};
    for (const side of ['native', 'erc20'] as const) {
      if (periods[side] === undefined) continue;
      const r = record(periods[side], `periods.${side}`);
      usage.periods[side] = { lastPeriod: storedWholeNumber(r.lastPeriod, `periods.${side}.lastPeriod`, 0), transferred: decimal(r.transferred, `periods.${side}.transferred`) };
    }
  }
  if (o.streamed !== undefined) {
    const streamed = record(o.streamed, 'streamed');
    usage.streamed = {};
    for (const side of ['native', 'erc20'] as const) {
      if (streamed[side] !== undefined) usage.streamed[side] = decimal(streamed[side], `streamed.${side}`);
    }
  }
  return usage;
}
