// Validation of untrusted provider input, done once at the boundary (zod/mini keeps the bundle small).
import * as z from 'zod/mini';
import { InvalidParamsError, InvalidRequestError } from '../errors';

z.config(z.locales.en());

export { z };

/** The shape every EIP-1193 `request()` argument must have before any handler sees it. */
export interface ProviderRequest {
  method: string;
  params?: unknown;
}

const MAX_METHOD_LENGTH = 128;

/** Checks the request envelope: an object with a method name, and params that are absent, an array or an object. */
export function parseProviderRequest(value: unknown): ProviderRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError('The request must be an object { method, params }.');
  }
  const { method, params } = value as { method?: unknown; params?: unknown };
  if (typeof method !== 'string' || method.length === 0) {
    throw new InvalidRequestError('The request needs a method name (a non-empty string).');
  }
  if (method.length > MAX_METHOD_LENGTH || !/^[A-Za-z0-9_]+$/.test(method)) {
    throw new InvalidRequestError('The method name is malformed.');
  }
  if (params !== undefined && params !== null && typeof params !== 'object') {
    throw new InvalidParamsError('params must be an array or an object.');
  }
  return params === undefined || params === null ? { method } : { method, params };
}

/** Parses params with a method's schema; a mismatch is -32602 with the first reasons, never a throw of zod's error. */
export function parseParams<T>(schema: z.ZodMiniType<T>, params: unknown, method: string): T {
  const result = schema.safeParse(params ?? []);
  if (result.success) return result.data;
  const reasons = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? `params[${issue.path.join('][')}]` : 'params'}: ${issue.message}`)
    .join('; ');
  throw new InvalidParamsError(`Invalid params for ${method}: ${reasons}`);
}

// Reusable field schemas, each built on its first parse (z.lazy), not at import (issue 15).
export const hexString = z.lazy(() => z.string().check(z.regex(/^0x[0-9a-fA-F]*$/, 'expected a 0x-prefixed hex string')));
export const quantity = z.lazy(() => z.string().check(z.regex(/^0x(0|[1-9a-fA-F][0-9a-fA-F]{0,63})$/, 'expected a hex quantity (0x-prefixed, no leading zeros, at most 256 bits)')));
/**
 * The largest chain id EIP-2294 allows (0xFFFFFFFFFFFEC), what MetaMask accepts too: every chain id
 * up to it is a safe JS number, so hexToNumber never throws on one (which used to surface as -32603).
 */
export const MAX_CHAIN_ID = 4503599627370476n;
export const chainIdParam = z.lazy(() =>
  z.string().check(
    z.refine((s) => /^0x[1-9a-fA-F][0-9a-fA-F]{0,12}$/.test(s) && BigInt(s) <= MAX_CHAIN_ID, 'expected a chain id: a hex quantity from 0x1 to 0xFFFFFFFFFFFEC (EIP-2294)'),
  ),
);
export const address = z.lazy(() => z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 20-byte hex address')));
/** For methods without params: absent, null or []. */
export const noParams = z.lazy(() => z.array(z.unknown()).check(z.maxLength(0, 'this method takes no params')));
