// Small formatting helpers: JSON with bigints, provider error codes, short addresses, times.
import { BaseError } from 'viem';

/** JSON.stringify that prints bigints as decimal strings. */
export function toJson(value: unknown, space?: number): string {
  return (
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), space) ??
    String(value)
  );
}

/** A JSON-safe deep copy (bigints become decimal strings). */
export function plain<T>(value: T): unknown {
  return value === undefined ? undefined : JSON.parse(toJson(value));
}

export interface ErrorInfo {
  /** Numeric EIP-1193 / EIP-1474 / EIP-5792 code when the wallet gave one. */
  code?: number;
  /** A short title: what the code means, or the error's name. */
  name: string;
  /** The wallet's own message when it sent one, else viem's. */
  message: string;
}

/** Titles for the standard provider codes (EIP-1193, EIP-1474, EIP-5792). */
export const ERROR_TITLES: Record<number, string> = {
  4001: 'Rejected by the user',
  4100: 'Unauthorized',
  4200: 'Unsupported method',
  4900: 'Disconnected',
  4901: 'Chain disconnected',
  4902: 'Unknown chain',
  5700: 'Unsupported capability',
  5710: 'Unsupported chain',
  5720: 'Duplicate bundle id',
  5730: 'Unknown bundle id',
  5740: 'Bundle too large',
  5750: 'Upgrade rejected',
  5760: 'Atomicity not supported',
  [-32700]: 'Parse error',
  [-32600]: 'Invalid request',
  [-32601]: 'Method not found',
  [-32602]: 'Invalid params',
  [-32603]: 'Internal error',
  [-32000]: 'Invalid input',
  [-32001]: 'Resource not found',
  [-32002]: 'Resource unavailable',
  [-32003]: 'Transaction rejected',
  [-32004]: 'Method not supported',
  [-32005]: 'Limit exceeded',
  [-32006]: 'JSON-RPC version not supported',
};

const humanize = (name: string) =>
  name.replace(/Error$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').trim() || 'Error';

/**
 * Pull the wallet's numeric code out of whatever was thrown: a raw EIP-1193 error ({code, message}),
 * or a viem BaseError that wraps one (walk the `cause` chain for the first numeric `code`).
 */
export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof BaseError) {
    const coded = err.walk((e) => typeof (e as { code?: unknown }).code === 'number') as
      | (Error & { code: number; details?: string; shortMessage?: string })
      | null;
    if (coded) {
      const message = coded.details || coded.shortMessage || err.shortMessage;
      return { code: coded.code, name: ERROR_TITLES[coded.code] ?? humanize(coded.name), message };
    }
    return { name: humanize(err.name), message: err.shortMessage };
  }
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; name?: unknown };
    const code = typeof e.code === 'number' ? e.code : undefined;
    return {
      ...(code !== undefined ? { code } : {}),
      name: (code !== undefined && ERROR_TITLES[code]) || humanize(typeof e.name === 'string' ? e.name : 'Error'),
      message: typeof e.message === 'string' ? e.message : toJson(err),
    };
  }
  return { name: 'Error', message: String(err) };
}

export function shortHex(hex: string, head = 6, tail = 4): string {
  return hex.length <= head + tail + 2 ? hex : `${hex.slice(0, head)}…${hex.slice(-tail)}`;
}

export function formatTimeLeft(expirySec: number, nowMs = Date.now()): string {
  const left = Math.floor(expirySec - nowMs / 1000);
  if (left <= 0) return 'expired';
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  if (h > 0) return `${h} h ${m} min left`;
  if (m > 0) return `${m} min ${s} s left`;
  return `${s} s left`;
}

export function clockTime(date = new Date()): string {
  return date.toLocaleTimeString(undefined, { hour12: false });
}
