// ERC-7715 <-> the wallet's permission vocabulary.
//
// In: a dApp's `wallet_grantPermissions` params[0] (viem's experimental/erc7715 shape)
//   { expiry, permissions: [{ type, data, policies: [{ type, data }], required }], signer? }
// or a `wallet_requestExecutionPermissions` params array (MetaMask's renamed method)
//   [{ chainId, expiry? | rules: [{ type: 'expiry', data: { timestamp } }, { type: 'redeemer', data: { addresses } }?], permission: { type, data, isAdjustmentAllowed } }]
// (MetaMask's type names: EXECUTION_PERMISSION_TYPES below; `to` names a key the dApp holds).
// Out: a draft the popup shows item by item (required or optional, what each becomes); the owner
// may leave optional items out; draftToScope then validates the chosen set into a SessionScope.
// Back: scopeToGrantedPermissions renders a scope as the `grantedPermissions` of the response.
//
// Restrictions the wallet cannot enforce are never silently dropped, since that would grant more
// than was asked: an unknown policy or rule makes its item unsupported (an error when required).
import { getAddress, isAddress, isHex, numberToHex, type Address, type Hex } from 'viem';
import { publicKeyToAddress } from 'viem/accounts';
import { PermissionError, UnsupportedPermissionError } from './errors';
import { fail, isObject, parseAddress, parseAmount, show, wholeNumber, type Json } from './parse';
import { grantedForm, isPermissionType, type GrantedContext } from './kinds';
import { buildSessionScope, parsePermission, type ScopeContext } from './validate';
import { tokenMovingFunctions } from './known-functions';
import { callGroups } from './match';
import { serializePermission, type SerializedPermission } from './serialize';
import type { FunctionRef, Permission, SessionScope } from './types';
import type { Erc7715Permission, Erc7715Policy } from './erc7715-wire';

export type { Erc7715Permission, Erc7715Policy } from './erc7715-wire';

export type Erc7715Method = 'wallet_grantPermissions' | 'wallet_requestExecutionPermissions';


/** Who the dApp wants the permission granted to. */
export type Erc7715Signer =
  /** The wallet itself: it makes and keeps the session key. */
  | { type: 'wallet' }
  /**
   * A key the dApp holds (ERC-7715's `to`, viem's `signer: { type: 'account' | 'key' }`): the owner
   * signs the grant to this address and the dApp redeems it itself (ERC-7710).
   */
  | { type: 'account'; address: Address }
  /** A signer this wallet cannot grant to; draftToScope refuses it with the reason. */
  | { type: 'unsupported'; raw: unknown; reason: string };

export interface Erc7715DraftItem {
  /** Position in the request's list. */
  index: number;
  /** The type as the dApp named it. */
  requestedType: string;
  required: boolean;
  /** Whether the owner may narrow or leave it out (MetaMask's isAdjustmentAllowed; optional items always). */
  adjustable: boolean;
  /** False when this wallet cannot honour it; only possible for optional items. */
  supported: boolean;
  /** What it becomes (empty when unsupported). */
  permissions: Permission[];
  /** Call count from its rate-limit / call-limit policy. */
  callLimit?: number;
  /** Why it is unsupported, or how it was read. */
  note?: string;
  /** The dApp's own words on why it asks (`permission.data.justification`): shown as the site's, never trusted. */
  justification?: string;
}

export interface Erc7715Draft {
  method: Erc7715Method;
  /** As requested (unix seconds); draftToScope validates and caps it. */
  expiry: number;
  signer: Erc7715Signer;
  items: Erc7715DraftItem[];
  /**
   * The `redeemer` rule: only these addresses may send the redemption (RedeemerEnforcer), checksummed
   * and without repeats. Absent: whoever holds the key.
   */
  redeemers?: Address[];
}


function typeName(t: unknown): string | undefined {
  // viem sends custom types as plain strings; the typed form is { custom: string }.
  if (typeof t === 'string') return t;
  if (isObject(t) && typeof t.custom === 'string') return t.custom;
  return undefined;
}

/** A whole number (parse.ts's wholeNumber), named as the request names it in the message. */
function wholeNumberAt(v: unknown, where: string, what: string): number {
  const n = wholeNumber(v);
  if (n === undefined) fail(where, `${what} ${JSON.stringify(v)} is not a whole number`);
  return n;
}
const expiryOf = (v: unknown, where: string) => wholeNumberAt(v, where, 'expiry (unix seconds)');

function parseSigner(raw: unknown): Erc7715Signer {
  if (raw === undefined || (isObject(raw) && raw.type === 'wallet')) return { type: 'wallet' };
  if (isObject(raw) && (raw.type === 'account' || raw.type === 'key') && isObject(raw.data)) {
    const id = raw.data.id ?? raw.data.address;
    if (typeof id === 'string' && isAddress(id, { strict: false })) return { type: 'account', address: getAddress(id) };
    // viem's key signer: { type: 'secp256k1', publicKey }. The delegation's delegate is an address,
    // the one this public key signs for; any other curve cannot send a redemption.
    const publicKey = raw.data.publicKey;
    if (raw.type === 'key' && (raw.data.type === undefined || raw.data.type === 'secp256k1') && typeof publicKey === 'string' && isHex(publicKey) && (publicKey.length === 132 || publicKey.length === 130)) {
      return { type: 'account', address: publicKeyToAddress(publicKey.length === 130 ? `0x04${publicKey.slice(2)}` : publicKey) };
    }
    return { type: 'unsupported', raw, reason: `signer ${JSON.stringify(raw.type)} needs data.id (an address) or data.publicKey (an uncompressed secp256k1 key)` };
  }
  return { type: 'unsupported', raw, reason: `signer ${JSON.stringify(isObject(raw) ? raw.type : raw)} is not supported (use "wallet", "account" or "key")` };
}

// ---------------------------------------------------------------- MetaMask's type names

type ExecutionPermissionMapper = (data: Json, where: string, ctx: TranslateContext) => Permission;

/**
 * MetaMask's Advanced Permissions type names (the ERC-7715 vocabulary of
 * `wallet_requestExecutionPermissions`) → this wallet's kinds. `null`: a type the ecosystem
 * defines that this wallet cannot enforce yet; a request naming it is refused (-32602), never
 * granted as something wider or with the permission left out.
 *
 * LEAD: extend after merging the periodic / streaming / approval-revocation kinds (kinds.ts): replace
 * each `null` with a mapper to the new kind, and list the type in the delegation backend's
 * capabilities so wallet_getSupportedExecutionPermissions offers it.
 */
export const EXECUTION_PERMISSION_TYPES: Record<string, ExecutionPermissionMapper | null> = {
  // A lifetime allowance: this wallet's native-token-transfer. data.allowance is accepted from early drafts.
  'native-token-allowance': (d, where, ctx) => {
    notLater(d.startTime, where, ctx);
    return { type: 'native-token-transfer', data: { allowance: parseAmount(d.allowanceAmount ?? d.allowance, `${where} allowanceAmount`) } };
  },
  'erc20-token-allowance': (d, where, ctx) => {
    notLater(d.startTime, where, ctx);
    return {
      type: 'erc20-token-transfer',
      data: { address: parseAddress(d.tokenAddress ?? d.address, `${where} tokenAddress`), allowance: parseAmount(d.allowanceAmount ?? d.allowance, `${where} allowanceAmount`) },
    };
  },
  // Allowances over time: MetaMask's fields, with its defaults (start now; a stream starts from 0
  // and, with no maxAmount, is capped only by its rate and the session's expiry), into the kinds of
  // the same name, which the kind table validates.
  'native-token-periodic': (d, where, ctx) =>
    parsePermission({ type: 'native-token-periodic', data: { periodAmount: d.periodAmount, periodDuration: d.periodDuration, startTime: d.startTime ?? nowFor(where, ctx) } }),
  'native-token-stream': (d, where, ctx) =>
    parsePermission({ type: 'native-token-stream', data: { ...streamFields(d), startTime: d.startTime ?? nowFor(where, ctx) } }),
  'erc20-token-periodic': (d, where, ctx) =>
    parsePermission({
      type: 'erc20-token-periodic',
      data: { address: d.tokenAddress ?? d.address, periodAmount: d.periodAmount, periodDuration: d.periodDuration, startTime: d.startTime ?? nowFor(where, ctx) },
    }),
  'erc20-token-stream': (d, where, ctx) =>
    parsePermission({ type: 'erc20-token-stream', data: { address: d.tokenAddress ?? d.address, ...streamFields(d), startTime: d.startTime ?? nowFor(where, ctx) } }),
  'token-approval-revocation': () => parsePermission({ type: 'token-approval-revocation', data: {} }),
};

const MAX_UINT256 = (1n << 256n) - 1n;

function streamFields(d: Record<string, unknown>) {
  return { amountPerSecond: d.amountPerSecond, initialAmount: d.initialAmount ?? '0', maxAmount: d.maxAmount ?? numberToHex(MAX_UINT256) };
}

/** "Start now" needs the chain's clock. */
function nowFor(where: string, ctx: TranslateContext): number {
  if (ctx.now === undefined) fail(where, 'startTime is required here');
  return ctx.start ?? ctx.now;
}

/**
 * An allowance that starts later cannot be granted as one that starts now (that would be more
 * than asked); a start in the past, or now, is the same as none.
 */
function notLater(startTime: unknown, where: string, ctx: TranslateContext): void {
  if (startTime === undefined || startTime === null) return;
  const start = wholeNumberAt(startTime, where, 'startTime (unix seconds)');
  if (ctx.now === undefined || start > ctx.now) fail(where, `startTime ${start} is in the future; an allowance that starts later is not supported yet (leave startTime out)`);
}

/**
 * The ERC-7715 rule types this wallet can read: `expiry` (TimestampEnforcer) and `redeemer`
 * (RedeemerEnforcer). Which of them a network enforces is its backend's word
 * (AccountBackend.executionPermissions); this is the most any backend may list.
 */
export const SUPPORTED_RULE_TYPES = ['expiry', 'redeemer'] as const;
export type RuleType = (typeof SUPPORTED_RULE_TYPES)[number];

/** More would make every redemption pay for a long list scan; no dApp needs that many senders. */
export const MAX_REDEEMERS = 20;

/**
 * `{ type: 'redeemer', data: { addresses } }`: a non-empty list of addresses, at most MAX_REDEEMERS,
 * each a real address (not the zero address); repeats are dropped. All-or-nothing: one bad entry
 * refuses the request, since leaving it out would let more senders redeem than the dApp said.
 */
function parseRedeemerRule(data: unknown, where: string): Address[] {
  const list = isObject(data) ? data.addresses : undefined;
  if (!Array.isArray(list) || list.length === 0) fail(where, 'rule "redeemer" needs data.addresses, a non-empty list of addresses');
  if (list.length > MAX_REDEEMERS) fail(where, `rule "redeemer" lists ${list.length} addresses; at most ${MAX_REDEEMERS} are allowed`);
  const out: Address[] = [];
  list.forEach((a, i) => {
    const address = parseAddress(a, `${where} rule "redeemer" address ${i + 1}`);
    if (!out.includes(address)) out.push(address);
  });
  return out;
}

const sameSet = (a: readonly Address[], b: readonly Address[]) => a.length === b.length && a.every((x) => b.includes(x));

// ---------------------------------------------------------------- one requested item

interface ItemInput {
  index: number;
  type: string;
  data: Json;
  policies: Erc7715Policy[];
  required: boolean;
  adjustable: boolean;
  justification?: string;
}

class Unsupported extends Error {}
/** A type the ecosystem defines and this wallet will map once the kind exists (EXECUTION_PERMISSION_TYPES). */
class NotYet extends Unsupported {}

function calls(list: unknown, where: string): unknown[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) fail(where, 'data.calls must be a list of function signatures or selectors');
  return list;
}

/** The permissions one item stands for, and the session-wide limits its policies carry. */
function translateItem(item: ItemInput, tctx: TranslateContext): { permissions: Permission[]; callLimit?: number; note?: string } {
  const account = tctx.account;
  const where = `permission ${item.index + 1} (${item.type})`;
  const out: Permission[] = [];
  let allowance: bigint | undefined;
  let callLimit: number | undefined;
  const notes: string[] = [];

  for (const policy of item.policies) {
    const d = policy.data;
    switch (policy.type) {
      case 'token-allowance':
        allowance = parseAmount(d.allowance, `${where} token-allowance`);
        break;
      case 'gas-limit':
        out.push({ type: 'gas-limit', data: { limit: parseAmount(d.limit, `${where} gas-limit`) } });
        break;
      case 'rate-limit':
      case 'call-limit': {
        const count = d.count;
        if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) fail(where, `${policy.type} count must be a whole number >= 1`);
        callLimit = Math.min(callLimit ?? count, count);
        // The chain counts calls per session (LimitedCallsEnforcer), not per interval: the count
        // becomes a total for the whole session, which is never more than was asked.
        if (policy.type === 'rate-limit') notes.push(`rate limit of ${count} calls is applied as ${count} calls for the whole session`);
        break;
      }
      default:
        throw new Unsupported(`policy "${policy.type}" is not supported`);
    }
  }

  const needAllowance = () => {
    if (allowance === undefined) throw new Unsupported('needs a token-allowance policy: the wallet does not grant unlimited transfers');
    return allowance;
  };
  const d = item.data;
  switch (item.type) {
    case 'native-token-transfer':
      out.push({ type: 'native-token-transfer', data: { allowance: needAllowance() } });
      break;
    case 'erc20-token-transfer':
      out.push({ type: 'erc20-token-transfer', data: { address: parseAddress(d.address, `${where} address`), allowance: needAllowance() } });
      break;
    case 'contract-call': {
      const address = parseAddress(d.address, `${where} address`);
      const list = calls(d.calls, where);
      const functions = list.length === 0 ? undefined : list;
      if (account && address === getAddress(account)) {
        if (!functions) fail(where, 'asks for every function of your own account; name the functions (or ask for root)');
        out.push(parsePermission({ type: 'account-functions', data: { functions } }, item.index));
      } else if (!functions) out.push({ type: 'contract-access', data: { address } });
      else out.push(parsePermission({ type: 'functions-on-contract', data: { address, functions } }, item.index));
      break;
    }
    default: {
      // MetaMask's names (the table above); a viem-shaped token-allowance policy still counts.
      if (Object.hasOwn(EXECUTION_PERMISSION_TYPES, item.type)) {
        const map = EXECUTION_PERMISSION_TYPES[item.type];
        if (!map) throw new NotYet(`permission type "${item.type}" is not supported by this wallet yet`);
        const withPolicy = allowance !== undefined && d.allowanceAmount === undefined && d.allowance === undefined ? { ...d, allowanceAmount: numberToHex(allowance) } : d;
        out.push(map(withPolicy, where, tctx));
        break;
      }
      // The wallet's own flat types (what scopeToGrantedPermissions sends back for root and
      // functions-on-all-contracts) are accepted as custom ERC-7715 types.
      if (isPermissionType(item.type)) {
        const data = item.type === 'root' ? undefined : d;
        out.push(parsePermission(data === undefined ? { type: item.type } : { type: item.type, data }, item.index));
        break;
      }
      throw new Unsupported(`permission type "${item.type}" is not supported`);
    }
  }
  const result: { permissions: Permission[]; callLimit?: number; note?: string } = { permissions: out };
  if (callLimit !== undefined) result.callLimit = callLimit;
  if (notes.length > 0) result.note = notes.join('; ');
  return result;
}

function draftItem(input: ItemInput, ctx: TranslateContext): Erc7715DraftItem {
  const base = {
    index: input.index,
    requestedType: input.type,
    required: input.required,
    adjustable: input.adjustable || !input.required,
    ...(input.justification ? { justification: input.justification } : {}),
  };
  try {
    const t = translateItem(input, ctx);
    const item: Erc7715DraftItem = { ...base, supported: true, permissions: t.permissions };
    if (t.callLimit !== undefined) item.callLimit = t.callLimit;
    if (t.note !== undefined) item.note = t.note;
    return item;
  } catch (err) {
    if (!(err instanceof Unsupported)) throw err;
    // A required item the wallet cannot honour fails the whole request; the message names the
    // permission type so the dApp developer sees which one (the RPC layer answers -32602).
    if (input.required) {
      if (err instanceof NotYet) throw new PermissionError(`permission ${input.index + 1}: ${err.message}`);
      if (err.message.startsWith('permission type')) throw new UnsupportedPermissionError(input.type);
      throw new PermissionError(`permission ${input.index + 1} (${input.type}): ${err.message}`);
    }
    return { ...base, supported: false, permissions: [], note: err.message };
  }
}

function policiesOf(raw: unknown, where: string): Erc7715Policy[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) fail(where, 'policies must be a list');
  return raw.map((p, i) => {
    const type = isObject(p) ? typeName(p.type) : undefined;
    if (!isObject(p) || type === undefined) fail(where, `policy ${i + 1} has no type`);
    return { type, data: isObject(p.data) ? p.data : {} };
  });
}

// ---------------------------------------------------------------- requests

export interface TranslateContext {
  /** The owner's account, so a contract-call on it becomes account-functions. */
  account?: Address;
  /** The wallet's current chain; MetaMask-shaped requests must name it. */
  chainId: number;
  /** The chain's clock (unix seconds), for a requested startTime; unknown: any startTime is refused. */
  now?: number;
  /**
   * When an allowance asked to "start now" starts (chains/clock.ts grantClocks' `start`: the latest
   * block's time). Absent: `now`.
   */
  start?: number;
}

function translateGrant(params: unknown, ctx: TranslateContext): Erc7715Draft {
  const req = Array.isArray(params) ? params[0] : params;
  if (!isObject(req)) fail('request', 'wallet_grantPermissions takes one object { expiry, permissions, signer? }');
  if (req.chainId !== undefined && wholeNumberAt(req.chainId, 'request', 'chainId') !== ctx.chainId) {
    fail('request', `chainId ${String(req.chainId)} is not the wallet's current chain (${ctx.chainId})`);
  }
  if (!Array.isArray(req.permissions) || req.permissions.length === 0) fail('request', 'permissions must be a non-empty list');
  const items = req.permissions.map((raw, index) => {
    const where = `permission ${index + 1}`;
    if (!isObject(raw)) fail(where, 'is not an object');
    const type = typeName(raw.type);
    if (type === undefined) fail(where, 'has no type');
    return draftItem(
      {
        index,
        type,
        data: isObject(raw.data) ? raw.data : {},
        policies: policiesOf(raw.policies, `${where} (${type})`),
        required: raw.required === true,
        adjustable: true,
      },
      ctx,
    );
  });
  return { method: 'wallet_grantPermissions', expiry: expiryOf(req.expiry, 'request'), signer: parseSigner(req.signer), items };
}

/**
 * MetaMask's / the current ERC's shape: a list of
 * `{ chainId, from?, to?, permission: { type, isAdjustmentAllowed, data: { ..., justification? } }, rules?: [{ type, data }] }`
 * (older drafts: `signer` instead of `to`, `expiry` beside the rules). All entries become one
 * session, so they must agree on who holds the key.
 */
function translateExecutionPermissions(params: unknown, ctx: TranslateContext): Erc7715Draft {
  if (!Array.isArray(params) || params.length === 0) fail('request', 'wallet_requestExecutionPermissions takes a non-empty list of permission requests');
  let expiry: number | undefined;
  let signer: Erc7715Signer | undefined;
  // One request is one session (one delegation): its redeemer rule binds every entry, so every
  // entry must name the same list or none at all (checked below), never a wider one by omission.
  const redeemerRules: (Address[] | undefined)[] = [];
  const items = params.map((raw, index) => {
    const where = `permission ${index + 1}`;
    if (!isObject(raw) || !isObject(raw.permission)) fail(where, 'is not { chainId, permission: { type, data }, rules? }');
    if (raw.chainId !== undefined && wholeNumberAt(raw.chainId, where, 'chainId') !== ctx.chainId) {
      fail(where, `chainId ${String(raw.chainId)} is not the wallet's current chain (${ctx.chainId})`);
    }
    if (raw.from !== undefined && raw.from !== null) {
      const from = parseAddress(raw.from, `${where} from`);
      if (!ctx.account || from !== getAddress(ctx.account)) fail(where, `from ${from} is not the account this site is connected to`);
    }
    const p = raw.permission;
    if (p.isAdjustmentAllowed !== undefined && typeof p.isAdjustmentAllowed !== 'boolean') fail(where, 'permission.isAdjustmentAllowed must be true or false');
    if (p.data !== undefined && !isObject(p.data)) fail(where, 'permission.data must be an object');
    if (isObject(p.data) && p.data.justification !== undefined && typeof p.data.justification !== 'string') fail(where, 'permission.data.justification must be text');
    // Each entry carries its own expiry; the session ends at the earliest.
    const rules = raw.rules === undefined || raw.rules === null ? [] : raw.rules;
    if (!Array.isArray(rules)) fail(where, 'rules must be a list');
    let own = raw.expiry === undefined ? undefined : expiryOf(raw.expiry, where);
    let expiryRules = 0;
    let redeemers: Address[] | undefined;
    for (const rule of rules) {
      if (isObject(rule) && rule.type === 'expiry' && isObject(rule.data)) {
        if (++expiryRules > 1) fail(where, 'has more than one expiry rule');
        own = expiryOf(rule.data.timestamp, where);
      } else if (isObject(rule) && rule.type === 'redeemer') {
        if (redeemers) fail(where, 'has more than one redeemer rule');
        redeemers = parseRedeemerRule(rule.data, where);
      }
      // A rule the wallet cannot enforce (payee, ...) would be dropped silently otherwise.
      else throw new PermissionError(`${where}: rule ${JSON.stringify(isObject(rule) ? rule.type : rule)} is not supported`);
    }
    redeemerRules.push(redeemers);
    if (own !== undefined) expiry = Math.min(expiry ?? own, own);
    const toRaw = raw.to === undefined || raw.to === null ? undefined : raw.to;
    if (toRaw !== undefined && (typeof toRaw !== 'string' || !isAddress(toRaw, { strict: false }))) fail(where, `to ${show(toRaw)} is not an address`);
    const s = toRaw !== undefined ? ({ type: 'account', address: getAddress(toRaw) } as const) : parseSigner(raw.signer);
    if (signer && !sameSigner(signer, s)) fail(where, 'names another key holder (to / signer) than permission 1; one request grants one session to one holder');
    signer ??= s;
    if (typeof p.type !== 'string' && !isObject(p.type)) fail(where, 'permission has no type');
    const type = typeName(p.type);
    if (type === undefined) fail(where, 'permission has no type');
    return draftItem(
      {
        index,
        type,
        data: isObject(p.data) ? p.data : {},
        policies: [],
        required: true, // MetaMask's requests have no optional entries
        adjustable: p.isAdjustmentAllowed === true,
        ...(isObject(p.data) && typeof p.data.justification === 'string' && p.data.justification.trim() ? { justification: justificationText(p.data.justification) } : {}),
      },
      ctx,
    );
  });
  if (expiry === undefined) fail('request', 'no expiry: every session must end (add a rule { type: "expiry", data: { timestamp } })');
  const draft: Erc7715Draft = { method: 'wallet_requestExecutionPermissions', expiry, signer: signer ?? { type: 'wallet' }, items };
  const first = redeemerRules[0];
  redeemerRules.forEach((r, i) => {
    if (r === first || (r && first && sameSet(r, first))) return;
    fail(`permission ${i + 1}`, 'names other redeemers than permission 1; one request grants one session, so every permission must carry the same redeemer rule (or none)');
  });
  if (first) {
    // The wallet's own key is the only sender of a wallet-held session: a list without it would
    // make a session that covers nothing, and adding it would be more than the dApp asked for.
    if (draft.signer.type !== 'account') fail('permission 1', 'rule "redeemer" limits who redeems a key the site holds; name that account in `to` (a key this wallet keeps is redeemed only by the wallet)');
    draft.redeemers = first;
  }
  return draft;
}

/** A site's justification as the window may show it: one paragraph, at most 300 characters. */
function justificationText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

function sameSigner(a: Erc7715Signer, b: Erc7715Signer): boolean {
  if (a.type === 'account' && b.type === 'account') return a.address === b.address;
  return a.type === b.type && a.type !== 'unsupported';
}

/**
 * Reads an ERC-7715 request into a draft. Throws PermissionError (UnsupportedPermissionError for
 * an unknown required type) when it cannot be granted at all.
 */
export function translateErc7715Request(method: Erc7715Method, params: unknown, ctx: TranslateContext): Erc7715Draft {
  return method === 'wallet_grantPermissions' ? translateGrant(params, ctx) : translateExecutionPermissions(params, ctx);
}

/** Functions-on-contract items for the same contract merge (a dApp may list one per function). */
function mergePermissions(list: readonly Permission[]): Permission[] {
  const out: Permission[] = [];
  for (const p of list) {
    if (p.type === 'functions-on-contract') {
      const prev = out.find((o): o is Extract<Permission, { type: 'functions-on-contract' }> => o.type === 'functions-on-contract' && o.data.address === p.data.address);
      if (prev) {
        const functions: FunctionRef[] = [...prev.data.functions, ...p.data.functions.filter((f) => !prev.data.functions.some((g) => g.selector === f.selector))];
        out[out.indexOf(prev)] = { type: 'functions-on-contract', data: { address: prev.data.address, functions } };
        continue;
      }
    }
    out.push(p);
  }
  return out;
}

/**
 * The limits that bind the whole session, from every supported item of the request, ticked or
 * not: a call-limit or gas-limit policy is the dApp's statement about the session as a whole, and
 * leaving out the optional item that carried it must not lift it (an unticked item with
 * `call-limit: 2` used to leave a session with no limit while the window said "At most 2 calls";
 * an unticked gas-limit gave the default stipend instead). Unticking only ever narrows.
 * The window's view (grantScopeView) and the granted scope (draftToScope) both come from here.
 */
export function draftSessionLimits(draft: Erc7715Draft): { callLimit?: number; gasLimit?: bigint } {
  const supported = draft.items.filter((i) => i.supported);
  const limits = supported.flatMap((i) => (i.callLimit === undefined ? [] : [i.callLimit]));
  let gasLimit: bigint | undefined;
  // One stipend for the whole session: what every item asked for, together.
  for (const p of supported.flatMap((i) => i.permissions)) if (p.type === 'gas-limit') gasLimit = (gasLimit ?? 0n) + p.data.limit;
  const out: { callLimit?: number; gasLimit?: bigint } = {};
  if (limits.length > 0) out.callLimit = Math.min(...limits);
  if (gasLimit !== undefined) out.gasLimit = gasLimit;
  return out;
}

/**
 * The scope the owner approves: every supported item except the optional ones in `omit`
 * (indices), validated with the same rules as any other grant, with the session-wide limits of
 * the whole request (draftSessionLimits). Leaving out a required item is an error: the dApp said
 * it cannot work without it.
 */
export function draftToScope(draft: Erc7715Draft, ctx: ScopeContext, opts: { omit?: readonly number[] } = {}): SessionScope {
  // A dApp-held key (signer 'account') is granted like a wallet-held one: same scope, same caveats.
  if (draft.signer.type === 'unsupported') throw new PermissionError(`request: ${draft.signer.reason}`);
  const omit = new Set(opts.omit ?? []);
  const chosen = draft.items.filter((i) => i.supported && !omit.has(i.index));
  for (const i of draft.items) if (omit.has(i.index) && i.required) throw new PermissionError(`permission ${i.index + 1} (${i.requestedType}) is required by the dApp and cannot be left out`);
  if (chosen.length === 0) throw new PermissionError('no permission is left to grant');
  const { callLimit, gasLimit } = draftSessionLimits(draft);
  const permissions = mergePermissions(chosen.flatMap((i) => i.permissions).filter((p) => p.type !== 'gas-limit'));
  if (gasLimit !== undefined) permissions.push({ type: 'gas-limit', data: { limit: gasLimit } });
  const scope = buildSessionScope({ expiry: draft.expiry, permissions, callLimit }, ctx);
  // The redeemer rule binds the whole session (RedeemerEnforcer on the delegation), whatever is unticked.
  if (draft.redeemers) scope.redeemers = [...draft.redeemers];
  return scope;
}

/**
 * Whether the scope lets the session call token-moving functions (approve, transfer, permit, ...)
 * on every contract: the grant window shows a red warning and the owner must tick it.
 */
export function needsTokenWarning(scope: SessionScope): boolean {
  return scope.permissions.some((p) => p.type === 'functions-on-all-contracts' && tokenMovingFunctions(p.data.functions).length > 0);
}

/** What the grant window shows: each item without the session-wide limits, which are shown once. */
export interface GrantScopeView {
  expiry: number;
  /** The dApp's own account when it holds the key (it redeems the grant itself); absent: the wallet holds it. */
  heldBy?: Address;
  /** The session's call limit, whatever the owner unticks. */
  callLimit?: number;
  /** The `redeemer` rule: only these addresses can use the permission (send its redemptions). */
  redeemers?: Address[];
  /** The session's gas limit (decimal wei), whatever the owner unticks. */
  gasLimit?: string;
  /** The chain's clock when the request came (unix seconds): "starting now" and the total exposure count from it. */
  now?: number;
  /** Tokens the permissions name, as their contracts answer on chain (never as the page says); absent: not a token, or no answer. */
  tokens?: Record<Address, { name: string; symbol: string; decimals: number }>;
  /** The account is not yet upgraded (EIP-7702): granting upgrades it first, a transaction the owner pays for. */
  upgradeFirst?: boolean;
  /** Wei the wallet sends the session key for gas at grant (decimal); absent or "0": none. */
  stipend?: string;
  items: {
    index: number;
    type: string;
    required: boolean;
    supported: boolean;
    /** Whether the owner may lower its amounts (the background checks again: lowerDraft). */
    adjustable: boolean;
    note?: string;
    justification?: string;
    permissions: SerializedPermission[];
  }[];
}

/** The window's view of a draft, from the scope draftToScope made of it (so the two cannot disagree). */
export function grantScopeView(draft: Erc7715Draft, scope: SessionScope): GrantScopeView {
  const gas = scope.permissions.find((p) => p.type === 'gas-limit');
  const view: GrantScopeView = {
    expiry: scope.expiry,
    items: draft.items.map((i) => ({
      index: i.index,
      type: i.requestedType,
      required: i.required,
      supported: i.supported,
      adjustable: i.adjustable,
      ...(i.note === undefined ? {} : { note: i.note }),
      ...(i.justification === undefined ? {} : { justification: i.justification }),
      permissions: i.permissions.filter((p) => p.type !== 'gas-limit').map(serializePermission),
    })),
  };
  if (scope.callLimit !== undefined) view.callLimit = scope.callLimit;
  if (scope.redeemers !== undefined) view.redeemers = [...scope.redeemers];
  if (gas?.type === 'gas-limit') view.gasLimit = gas.data.limit.toString();
  if (draft.signer.type === 'account') view.heldBy = draft.signer.address;
  return view;
}

// ---------------------------------------------------------------- the response

export interface GrantedOptions {
  /** Ticker of the chain's native currency; default 'ETH'. */
  nativeTicker?: string;
  /** Tickers of ERC-20 tokens by address, when known. */
  tokenTickers?: Record<string, string>;
}

/**
 * The scope as ERC-7715 `grantedPermissions` (viem's shape, amounts as hex; each kind's form is in
 * kinds.ts). Session-wide limits (gas-limit, call count) are reported once, as policies of the
 * first permission.
 */
export function scopeToGrantedPermissions(scope: SessionScope, opts: GrantedOptions = {}): Erc7715Permission[] {
  const out: Omit<Erc7715Permission, 'required'>[] = [];
  const session: Erc7715Policy[] = [];
  const ctx: GrantedContext = {
    account: scope.account,
    nativeTicker: opts.nativeTicker ?? 'ETH',
    tokenTicker: (address) => opts.tokenTickers?.[address] ?? opts.tokenTickers?.[address.toLowerCase()],
  };
  for (const p of scope.permissions) {
    const form = grantedForm(p, ctx);
    if ('permission' in form) out.push(form.permission);
    else session.push(form.sessionPolicy);
  }
  if (scope.callLimit !== undefined) session.push({ type: 'call-limit', data: { count: scope.callLimit } });
  const first = out[0];
  if (first) first.policies.push(...session);
  return out.map((p) => ({ ...p, required: true }));
}

// ---------------------------------------------------------------- the current dialect's answer

/** One entry of wallet_requestExecutionPermissions' answer (and of wallet_getGrantedExecutionPermissions). */
export interface ExecutionPermissionResponse {
  chainId: Hex;
  from: Address;
  /** The dApp's own account, when it holds the key. */
  to?: Address;
  permission: { type: string; isAdjustmentAllowed: boolean; data: Record<string, unknown> };
  rules: { type: string; data: Record<string, unknown> }[];
  /**
   * What the dApp hands back: for a dApp-held key, the ABI-encoded Delegation[] it passes to
   * DelegationManager.redeemDelegations (ERC-7710); for a wallet-held one, the session's id, which
   * names it in wallet_sendCalls' permissions capability.
   */
  context: Hex;
  /** The DelegationManager that redeems the context, when the grant is a delegation. */
  delegationManager?: Address;
  /**
   * Deployments the dApp must make before redeeming: none, since the wallet upgrades the account
   * (EIP-7702) before it grants.
   */
  dependencies: { factory: Address; factoryData: Hex }[];
}

export interface ExecutionPermissionSession {
  chainId: number;
  account: Address;
  heldBy?: Address;
  context: Hex;
  /** One context per call group (callGroups order), each selecting its group; absent: `context` for all. */
  groupContexts?: readonly Hex[];
  delegationManager?: Address;
}

/**
 * The granted scope in the current dialect, one entry per permission: allowances under MetaMask's
 * names (as requested), other kinds in their viem form; the expiry (what the owner chose) and the
 * session's call limit as rules, so the answer says every restriction the grant carries.
 */
export function scopeToExecutionPermissions(scope: SessionScope, session: ExecutionPermissionSession, opts: GrantedOptions = {}): ExecutionPermissionResponse[] {
  const rules: ExecutionPermissionResponse['rules'] = [{ type: 'expiry', data: { timestamp: scope.expiry } }];
  if (scope.redeemers !== undefined) rules.push({ type: 'redeemer', data: { addresses: [...scope.redeemers] } });
  if (scope.callLimit !== undefined) rules.push({ type: 'call-limit', data: { count: scope.callLimit } });
  // Each permission is redeemed under its own call group: its entry carries that group's context.
  const groups: readonly Permission[] = callGroups(scope);
  const contextFor = (p: Permission): Hex => session.groupContexts?.[groups.indexOf(p)] ?? session.context;
  const entry = (p: Permission, type: string, data: Record<string, unknown>): ExecutionPermissionResponse => ({
    chainId: numberToHex(session.chainId),
    from: session.account,
    ...(session.heldBy ? { to: session.heldBy } : {}),
    permission: { type, isAdjustmentAllowed: false, data },
    rules,
    context: contextFor(p),
    ...(session.delegationManager ? { delegationManager: session.delegationManager } : {}),
    dependencies: [],
  });
  const out: ExecutionPermissionResponse[] = [];
  const others: Permission[] = [];
  for (const p of scope.permissions) {
    if (p.type === 'native-token-transfer') out.push(entry(p, 'native-token-allowance', { allowanceAmount: numberToHex(p.data.allowance) }));
    else if (p.type === 'erc20-token-transfer') out.push(entry(p, 'erc20-token-allowance', { tokenAddress: p.data.address, allowanceAmount: numberToHex(p.data.allowance) }));
    else others.push(p);
  }
  // scopeToGrantedPermissions gives one entry per permission, in order, except gas-limit (a policy
  // of the first entry): zip them back to their permissions.
  const shown = others.filter((p) => p.type !== 'gas-limit');
  scopeToGrantedPermissions({ ...scope, callLimit: undefined, permissions: others }, opts).forEach((g, i) => out.push(entry(shown[i] ?? others[0]!, g.type, g.data)));
  return out;
}
