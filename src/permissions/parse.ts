// The small parsers every permission reader shares (validate.ts, kinds.ts, erc7715.ts, serialize.ts):
// untrusted JSON in, a typed value out or a PermissionError whose message names the field and says
// what to send instead.
import { getAddress, isAddress, isHex, parseAbiItem, size, toFunctionSelector, toFunctionSignature, zeroAddress, type Address, type Hex } from 'viem';
import { PermissionError } from './errors';
import { impersonated } from './known-functions';
import type { FunctionRef } from './function-ref';

export const MAX_UINT256 = 2n ** 256n - 1n;
/** Bound on untrusted input size, so a request cannot make the owner scroll through thousands of functions. */
export const MAX_FUNCTIONS = 64;

export type Json = Record<string, unknown>;

/** A plain JSON object (not null, not a list). */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value quoted for a message, cut short so a huge input cannot flood the window. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  if (typeof v === 'bigint') return v.toString();
  if (v === undefined) return 'nothing';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Throws PermissionError "where: problem". */
export function fail(where: string, problem: string): never {
  throw new PermissionError(where ? `${where}: ${problem}` : problem);
}

/** Refuses fields the wallet does not know: an ignored field could be a restriction silently dropped. */
export function onlyKeys(obj: Json, allowed: readonly string[], where: string): void {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    const expected = allowed.length > 0 ? `; expected only ${allowed.join(', ')}` : '';
    fail(where, `unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')}${expected}`);
  }
}

/**
 * A positive amount in the token's smallest unit (wei for ETH): a bigint, a safe integer, or a
 * decimal / 0x string. Zero and negative amounts are refused: an allowance of nothing is no
 * permission at all, and usually a mistake.
 */
export function parseAmount(value: unknown, what: string): bigint {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      fail(what, `${show(value)} is not a whole number that JSON can carry exactly; send it as a decimal or 0x string`);
    }
    n = BigInt(value);
  } else if (typeof value === 'string') {
    const s = value.trim();
    if (/^0x[0-9a-fA-F]+$/.test(s) || /^[0-9]+$/.test(s)) n = BigInt(s);
    else if (/^-/.test(s)) fail(what, `must be more than 0, got ${show(value)}`);
    else if (/^[0-9]*\.[0-9]+$/.test(s)) fail(what, `${show(value)} has a fraction; amounts are whole numbers of the smallest unit (wei for ETH)`);
    else fail(what, `${show(value)} is not an amount (a decimal or 0x number)`);
  } else fail(what, `${show(value)} is not an amount (a decimal or 0x number)`);
  if (n <= 0n) fail(what, `must be more than 0, got ${n}`);
  if (n > MAX_UINT256) fail(what, `${n} is larger than the largest on-chain amount (2^256 - 1)`);
  return n;
}

/** An address in any letter case, checksummed. The zero address is refused (nothing lives there). */
export function parseAddress(value: unknown, what: string): Address {
  if (typeof value !== 'string' || !isAddress(value.trim(), { strict: false })) {
    fail(what, `${show(value)} is not an Ethereum address (0x followed by 40 hex digits)`);
  }
  const address = getAddress(value.trim());
  if (address === zeroAddress) fail(what, 'the zero address is not a contract or token');
  return address;
}

/**
 * A function as a 4-byte selector ("0x70e87aaf") or a signature ("move(uint8)", "function
 * move(uint8 direction)"); a signature is reduced to its canonical form and kept for display.
 */
export function parseFunctionRef(value: unknown, what: string): FunctionRef {
  // The stored form (serialize.ts) is { selector, signature? }: accept it when the two agree.
  if (isObject(value) && typeof value.selector === 'string') {
    onlyKeys(value, ['selector', 'signature'], what);
    const bySelector = parseFunctionRef(value.selector, what);
    if (value.signature === undefined) return bySelector;
    const bySignature = parseFunctionRef(value.signature, what);
    if (bySignature.selector !== bySelector.selector) fail(what, `signature ${show(value.signature)} does not hash to selector ${bySelector.selector}`);
    return bySignature;
  }
  if (typeof value !== 'string' || value.trim() === '') fail(what, `${show(value)} is not a function selector or signature`);
  const s = value.trim();
  if (isHex(s)) {
    if (size(s) !== 4) fail(what, `${show(s)} is not a 4-byte function selector like "0x70e87aaf"`);
    return { selector: s.toLowerCase() as Hex };
  }
  let item;
  try {
    item = parseAbiItem(s.startsWith('function ') ? s : `function ${s}`);
  } catch {
    fail(what, `${show(s)} is not a function signature like "move(uint8)" nor a selector like "0x70e87aaf"`);
  }
  if (item.type !== 'function') fail(what, `${show(s)} is not a function signature`);
  const ref = { selector: toFunctionSelector(item), signature: toFunctionSignature(item) };
  // Refused rather than renamed: an invented name on a known function's selector has no honest
  // use (the dApp can name the real function, or send the selector), and only serves to show the
  // owner something other than what the call does, e.g. sign_szabo_bytecode(bytes16,uint128) for
  // ERC-20 approve. Refusing before any window also keeps the invented name off the owner's screen.
  const real = impersonated(ref.selector, ref.signature);
  if (real) {
    const does = real.category === 'token-moving' ? `, which moves or approves away tokens (${real.standard})` : real.category === 'account-control' ? ', which controls your account' : '';
    fail(what, `${show(s)} has the selector ${ref.selector} of ${real.signature}${does}; a contract cannot tell the two apart, so name the function ${real.signature} or send the selector`);
  }
  return ref;
}

/** A non-empty list of functions (parseFunctionRef each), duplicates dropped, at most MAX_FUNCTIONS. */
export function parseFunctions(value: unknown, where: string): FunctionRef[] {
  if (!Array.isArray(value)) fail(where, `functions must be a list of selectors or signatures, got ${show(value)}`);
  if (value.length === 0) fail(where, 'the list of functions is empty; name at least one function');
  if (value.length > MAX_FUNCTIONS) fail(where, `lists ${value.length} functions; at most ${MAX_FUNCTIONS} are allowed`);
  const out: FunctionRef[] = [];
  for (const [i, f] of value.entries()) {
    const ref = parseFunctionRef(f, `${where}, function ${i + 1}`);
    // The same function twice (say, by selector and by signature) is harmless; keep the first.
    if (!out.some((o) => o.selector === ref.selector)) out.push(ref);
  }
  return out;
}

/**
 * A whole number sent as a JSON number or a decimal / 0x string (chain ids come as hex), or
 * undefined: callers say in their own words what was expected.
 */
export function wholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(value.trim())) return Number(BigInt(value.trim()));
  return undefined;
}

/** wholeNumber, or PermissionError "what: ... is not a whole number". */
export function parseWholeNumber(value: unknown, what: string): number {
  const n = wholeNumber(value);
  if (n === undefined) fail(what, `${show(value)} is not a whole number`);
  return n;
}
