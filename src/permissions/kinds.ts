// Each permission kind, described once. The `Permission` union below is the only place the kinds
// are written out; `KINDS` says, for each, how it is read from untrusted JSON, whether a session may
// hold it once only, which contract it reaches, how a person reads it, and how ERC-7715 reports it
// back. The rest derives from these two: the stored and popup form (serialize.ts), the types a
// request may name (validate.ts), the Alchemy form (backends/alchemy/permissions.ts). What the chain
// enforces is each backend's own business; README.md in this folder lists every file a new kind
// touches.
import { formatEther, formatUnits, numberToHex, type Address } from 'viem';
import type { Erc7715Permission, Erc7715Policy } from './erc7715-wire';
import { fail, parseAddress, parseAmount, parseFunctions, parseWholeNumber, type Json } from './parse';
import type { FunctionRef } from './function-ref';

/**
 * The permission vocabulary the owner sees: the seed's (Alchemy's flat types). Amounts are bigint
 * in smallest units (wei for ETH), addresses checksummed, functions 4-byte selectors with, where
 * known, the signature they came from.
 */
export type Permission =
  | { type: 'root' }
  | { type: 'native-token-transfer'; data: { allowance: bigint } }
  | { type: 'erc20-token-transfer'; data: { address: Address; allowance: bigint } }
  | { type: 'gas-limit'; data: { limit: bigint } }
  | { type: 'contract-access'; data: { address: Address } }
  | { type: 'account-functions'; data: { functions: FunctionRef[] } }
  | { type: 'functions-on-all-contracts'; data: { functions: FunctionRef[] } }
  | { type: 'functions-on-contract'; data: { address: Address; functions: FunctionRef[] } }
  // Allowances that renew or accrue with time (MetaMask's ERC-7715 kinds). Times are unix seconds
  // and durations seconds, by the chain's clock (block timestamps).
  | { type: 'native-token-periodic'; data: { periodAmount: bigint; periodDuration: number; startTime: number } }
  | { type: 'native-token-stream'; data: { amountPerSecond: bigint; initialAmount: bigint; maxAmount: bigint; startTime: number } }
  | { type: 'erc20-token-periodic'; data: { address: Address; periodAmount: bigint; periodDuration: number; startTime: number } }
  | { type: 'erc20-token-stream'; data: { address: Address; amountPerSecond: bigint; initialAmount: bigint; maxAmount: bigint; startTime: number } }
  // Clearing approvals the account gave (on any token contract); never granting one.
  | { type: 'token-approval-revocation' };

export type PermissionType = Permission['type'];
export type PermissionOf<K extends PermissionType> = Extract<Permission, { type: K }>;

// ---------------------------------------------------------------- how a person reads a kind

/** A token the wallet knows (its own table, never the token contract's word unchecked). */
export interface TokenInfo {
  name: string;
  symbol: string;
  decimals: number;
}

export interface DescribeContext {
  /** Ticker of the chain's native currency ("ETH"). */
  nativeSymbol: string;
  /** A contract's name when the wallet knows it ("DemoGame"); otherwise the address is shown short. */
  contractName?: (address: Address) => string | undefined;
  /** A token's symbol and decimals when the wallet knows them; otherwise amounts stay in base units. */
  token?: (address: Address) => TokenInfo | undefined;
  /** Who enforces the session; gas is paid differently on each. Default: the delegation backend. */
  backend?: 'delegation' | 'alchemy';
  /** The chain's clock (unix seconds): a start within a minute of it reads "starting now". */
  now?: number;
  /** The session's expiry (unix seconds): allowances over time say "until" it. */
  until?: number;
  /** A time as the person reads it (the windows: their locale); default: UTC, "2025-06-15 15:06 UTC". */
  date?: (unixSeconds: number) => string;
}

/** Text, or a list of functions a window shows by the wallet's trusted name with each selector. */
export type DescriptionPart = string | { functions: readonly FunctionRef[] };

export interface PermissionDescription {
  /** What the session may do, in one line. */
  title: DescriptionPart[];
  /** Further plain sentences, when one line cannot say what happens to the owner's money. */
  lines: string[];
}

const short = (a: Address) => `${a.slice(0, 6)}…${a.slice(-4)}`;
const contract = (a: Address, ctx: DescribeContext) => ctx.contractName?.(a) ?? short(a);

/**
 * An amount of a token in its own decimals when the wallet knows them. An unknown token's amount
 * stays in base units and says so: guessing 18 decimals would show 1,000,000 USDC (6 decimals) as
 * 0.000000000001.
 */
export function tokenAmount(token: Address, amount: bigint, ctx: DescribeContext): string {
  const t = ctx.token?.(token);
  // The token's name and full address are the window's to show once, beside the permission.
  return t ? `${formatUnits(amount, t.decimals)} ${t.symbol}` : `${amount} base units of token ${contract(token, ctx)} (decimals unknown)`;
}

// ---------------------------------------------------------------- ERC-7715's answer

export interface GrantedContext {
  /** The owner's account: account-functions is a contract-call on it. */
  account: Address;
  /** Ticker of the chain's native currency. */
  nativeTicker: string;
  /** The ticker of a token, when known. */
  tokenTicker: (address: Address) => string | undefined;
}

/** A kind in ERC-7715's `grantedPermissions`: a permission of its own, or a policy of the whole session. */
export type GrantedForm = { permission: Omit<Erc7715Permission, 'required'> } | { sessionPolicy: Erc7715Policy };

const allowancePolicy = (a: bigint): Erc7715Policy => ({ type: 'token-allowance', data: { allowance: numberToHex(a) } });
const call = (f: FunctionRef): string => f.signature ?? f.selector;


// ---------------------------------------------------------------- allowances over time

const UNITS: readonly [number, string][] = [[604800, 'week'], [86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];

/** "day", "2 hours", "90 seconds": the largest unit the duration is a whole number of. */
export function periodText(seconds: number): string {
  const [size, unit] = UNITS.find(([u]) => seconds % u === 0) ?? [1, 'second'];
  const n = seconds / size;
  return n === 1 ? unit : `${n} ${unit}s`;
}

/** "a day", "an hour", "a 2-day period": the period as the object of "in …". */
export function aPeriodText(seconds: number): string {
  const text = periodText(seconds);
  if (text.includes(' ')) return `a ${text.replace(' ', '-').replace(/s$/, '')} period`;
  return `${/^[aeiou]|^hour/.test(text) ? 'an' : 'a'} ${text}`;
}

const utc = (t: number): string => `${new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * When an allowance over time runs: "starting now, until Dec 7, 2:00 PM". "Now" when the start is
 * within a minute of the chain's clock (MetaMask's requests start at the grant); a start already
 * past says since when, so a request cannot look fresher than it is.
 */
export function startText(t: number, ctx: Pick<DescribeContext, 'now' | 'until' | 'date'> = {}): string {
  const date = ctx.date ?? utc;
  const start = ctx.now !== undefined && Math.abs(t - ctx.now) <= 60 ? 'starting now' : ctx.now !== undefined && t < ctx.now ? `running since ${date(t)}` : `starting ${date(t)}`;
  return ctx.until === undefined ? start : `${start}, until ${date(ctx.until)}`;
}

/** A stream's cap; the request's "no maxAmount" (2^256 − 1) has none but the rate and the expiry. */
const NO_CAP = 1n << 255n;

function parsePeriod(d: Json, where: string) {
  const periodAmount = parseAmount(d.periodAmount, `${where} periodAmount`);
  // The enforcers refuse a zero amount, duration or start on first use: every call would revert.
  const periodDuration = parseWholeNumber(d.periodDuration, `${where} periodDuration`);
  if (periodDuration < 1) fail(where, 'periodDuration must be at least 1 second');
  const startTime = parseWholeNumber(d.startTime, `${where} startTime`);
  if (startTime < 1) fail(where, 'startTime must be a unix time in seconds');
  return { periodAmount, periodDuration, startTime };
}

function parseStream(d: Json, where: string) {
  const amountPerSecond = parseAmount(d.amountPerSecond, `${where} amountPerSecond`);
  // 0 is a real choice here (nothing at once, all of it streamed), unlike an allowance of 0.
  const zero = d.initialAmount === 0 || d.initialAmount === 0n || (typeof d.initialAmount === 'string' && /^(0x)?0+$/.test(d.initialAmount.trim()));
  const initialAmount = zero ? 0n : parseAmount(d.initialAmount, `${where} initialAmount`);
  const maxAmount = parseAmount(d.maxAmount, `${where} maxAmount`);
  const startTime = parseWholeNumber(d.startTime, `${where} startTime`);
  if (maxAmount < initialAmount) fail(where, 'maxAmount must be at least initialAmount');
  if (startTime < 1) fail(where, 'startTime must be a unix time in seconds');
  return { amountPerSecond, initialAmount, maxAmount, startTime };
}

/**
 * A stream in words: "Streams 3.6 DEMO per hour, at most 100 DEMO, starting now, until …" (the
 * enforcers unlock it by the second; per hour is what a person can picture), what comes at once.
 */
function streamDescription(
  s: { amountPerSecond: bigint; initialAmount: bigint; maxAmount: bigint; startTime: number },
  amount: (n: bigint) => string,
  ctx: DescribeContext,
): PermissionDescription {
  const cap = s.maxAmount >= NO_CAP ? 'with no cap but the expiry' : `at most ${amount(s.maxAmount)}`;
  const lines = ['What has streamed and is not spent stays available to the site'];
  if (s.initialAmount > 0n) lines.unshift(`${amount(s.initialAmount)} of it is available at once`);
  return { title: [`Streams ${amount(s.amountPerSecond * 3600n)} per hour, ${cap}, ${startText(s.startTime, ctx)}`], lines };
}

const hex = (n: bigint) => numberToHex(n);

// ---------------------------------------------------------------- the kinds

export interface KindSpec<K extends PermissionType> {
  /** The fields of `data`, all required; null for a kind that takes no data. */
  fields: readonly string[] | null;
  /** The permission from `data` (untrusted, its field names already checked); `where` labels messages. */
  parse(data: Json, where: string): PermissionOf<K>;
  /** Set when a session may hold only one of the kind (two would leave the owner guessing which counts): why. */
  once?: string;
  /** The contract it calls: never the owner's account nor a DelegationManager (validate.ts). */
  contract?(p: PermissionOf<K>): Address;
  /** In plain words, for the grant window and the sessions list. */
  describe(p: PermissionOf<K>, ctx: DescribeContext): PermissionDescription;
  /** As ERC-7715's answer reports it (viem's shape, amounts as hex). */
  erc7715(p: PermissionOf<K>, ctx: GrantedContext): GrantedForm;
}

const functionsKind = <K extends 'account-functions' | 'functions-on-all-contracts'>(
  type: K,
  spec: Pick<KindSpec<K>, 'once' | 'describe' | 'erc7715'>,
): KindSpec<K> => ({
  fields: ['functions'],
  parse: (d, where) => ({ type, data: { functions: parseFunctions(d.functions, where) } }) as PermissionOf<K>,
  ...spec,
});

export const KINDS: { readonly [K in PermissionType]: KindSpec<K> } = {
  root: {
    fields: null,
    parse: () => ({ type: 'root' }),
    once: 'root is listed twice',
    describe: () => ({ title: ['Full access to the account (root)'], lines: [] }),
    erc7715: () => ({ permission: { type: 'root', data: {}, policies: [] } }),
  },
  'native-token-transfer': {
    fields: ['allowance'],
    parse: (d, where) => ({ type: 'native-token-transfer', data: { allowance: parseAmount(d.allowance, `${where} allowance`) } }),
    once: 'only one native-token-transfer permission is allowed; put the whole ETH allowance in one',
    describe: (p, ctx) => ({ title: [`Spend up to ${formatEther(p.data.allowance)} ${ctx.nativeSymbol}`], lines: [] }),
    erc7715: (p, ctx) => ({ permission: { type: p.type, data: { ticker: ctx.nativeTicker }, policies: [allowancePolicy(p.data.allowance)] } }),
  },
  'erc20-token-transfer': {
    fields: ['address', 'allowance'],
    parse: (d, where) => ({
      type: 'erc20-token-transfer',
      data: { address: parseAddress(d.address, `${where} token address`), allowance: parseAmount(d.allowance, `${where} allowance`) },
    }),
    contract: (p) => p.data.address,
    describe: (p, ctx) => ({ title: [`Transfer up to ${tokenAmount(p.data.address, p.data.allowance, ctx)}`], lines: [] }),
    erc7715: (p, ctx) => {
      const ticker = ctx.tokenTicker(p.data.address);
      return {
        permission: {
          type: p.type,
          data: ticker === undefined ? { address: p.data.address } : { address: p.data.address, ticker },
          policies: [allowancePolicy(p.data.allowance)],
        },
      };
    },
  },
  'gas-limit': {
    fields: ['limit'],
    parse: (d, where) => ({ type: 'gas-limit', data: { limit: parseAmount(d.limit, `${where} limit`) } }),
    once: 'only one gas-limit permission is allowed',
    // The delegation backend pays gas from a stipend the owner sends the session key at grant;
    // Alchemy's sessions spend the account's own ETH on gas (or a sponsor's), capped by the limit.
    describe: (p, ctx) =>
      ctx.backend === 'alchemy'
        ? { title: [`Uses up to ${formatEther(p.data.limit)} ${ctx.nativeSymbol} of your account's ${ctx.nativeSymbol} for gas`], lines: [] }
        : { title: [`Gas stipend up to ${formatEther(p.data.limit)} ${ctx.nativeSymbol}`], lines: ['Paid by you when the session is granted; what is left comes back when it ends.'] },
    erc7715: (p) => ({ sessionPolicy: { type: 'gas-limit', data: { limit: numberToHex(p.data.limit) } } }),
  },
  'contract-access': {
    fields: ['address'],
    parse: (d, where) => ({ type: 'contract-access', data: { address: parseAddress(d.address, `${where} address`) } }),
    contract: (p) => p.data.address,
    describe: (p, ctx) => ({ title: [`Call any function of ${contract(p.data.address, ctx)}`], lines: [] }),
    erc7715: (p) => ({ permission: { type: 'contract-call', data: { address: p.data.address, calls: [] }, policies: [] } }),
  },
  'account-functions': functionsKind('account-functions', {
    once: 'only one account-functions permission is allowed; list all the functions in it',
    describe: (p) => ({ title: ['Call ', { functions: p.data.functions }, ' on your account'], lines: [] }),
    erc7715: (p, ctx) => ({ permission: { type: 'contract-call', data: { address: ctx.account, calls: p.data.functions.map(call) }, policies: [] } }),
  }),
  'functions-on-all-contracts': functionsKind('functions-on-all-contracts', {
    once: 'only one functions-on-all-contracts permission is allowed; list all the functions in it',
    describe: (p) => ({ title: ['Call ', { functions: p.data.functions }, ' on any contract'], lines: [] }),
    erc7715: (p) => ({ permission: { type: p.type, data: { functions: p.data.functions.map(call) }, policies: [] } }),
  }),
  'functions-on-contract': {
    fields: ['address', 'functions'],
    parse: (d, where) => ({
      type: 'functions-on-contract',
      data: { address: parseAddress(d.address, `${where} address`), functions: parseFunctions(d.functions, where) },
    }),
    contract: (p) => p.data.address,
    describe: (p, ctx) => ({ title: ['Call ', { functions: p.data.functions }, ` on ${contract(p.data.address, ctx)}`], lines: [] }),
    erc7715: (p) => ({ permission: { type: 'contract-call', data: { address: p.data.address, calls: p.data.functions.map(call) }, policies: [] } }),
  },
  'native-token-periodic': {
    fields: ['periodAmount', 'periodDuration', 'startTime'],
    parse: (d, where) => ({ type: 'native-token-periodic', data: parsePeriod(d, where) }),
    once: 'only one native-token-periodic permission is allowed; put the whole ETH allowance in one',
    describe: (p, ctx) => ({
      title: [`Spend up to ${formatEther(p.data.periodAmount)} ${ctx.nativeSymbol} per ${periodText(p.data.periodDuration)}, ${startText(p.data.startTime, ctx)}`],
      lines: [`What is not spent in ${aPeriodText(p.data.periodDuration)} does not carry over.`],
    }),
    erc7715: (p) => ({
      permission: { type: p.type, data: { periodAmount: hex(p.data.periodAmount), periodDuration: p.data.periodDuration, startTime: p.data.startTime }, policies: [] },
    }),
  },
  'native-token-stream': {
    fields: ['amountPerSecond', 'initialAmount', 'maxAmount', 'startTime'],
    parse: (d, where) => ({ type: 'native-token-stream', data: parseStream(d, where) }),
    once: 'only one native-token-stream permission is allowed; put the whole ETH allowance in one',
    describe: (p, ctx) => {
      const eth = (n: bigint) => `${formatEther(n)} ${ctx.nativeSymbol}`;
      return streamDescription(p.data, eth, ctx);
    },
    erc7715: (p) => ({
      permission: {
        type: p.type,
        data: { amountPerSecond: hex(p.data.amountPerSecond), initialAmount: hex(p.data.initialAmount), maxAmount: hex(p.data.maxAmount), startTime: p.data.startTime },
        policies: [],
      },
    }),
  },
  'erc20-token-periodic': {
    fields: ['address', 'periodAmount', 'periodDuration', 'startTime'],
    parse: (d, where) => ({ type: 'erc20-token-periodic', data: { address: parseAddress(d.address, `${where} token address`), ...parsePeriod(d, where) } }),
    // ERC20PeriodTransferEnforcer keys its record by the delegation alone, so two would share one.
    once: 'only one erc20-token-periodic permission is allowed in a session',
    contract: (p) => p.data.address,
    describe: (p, ctx) => ({
      title: [`Transfer up to ${tokenAmount(p.data.address, p.data.periodAmount, ctx)} per ${periodText(p.data.periodDuration)}, ${startText(p.data.startTime, ctx)}`],
      lines: [`What is not transferred in ${aPeriodText(p.data.periodDuration)} does not carry over.`],
    }),
    erc7715: (p) => ({
      permission: {
        type: p.type,
        data: { tokenAddress: p.data.address, periodAmount: hex(p.data.periodAmount), periodDuration: p.data.periodDuration, startTime: p.data.startTime },
        policies: [],
      },
    }),
  },
  'erc20-token-stream': {
    fields: ['address', 'amountPerSecond', 'initialAmount', 'maxAmount', 'startTime'],
    parse: (d, where) => ({ type: 'erc20-token-stream', data: { address: parseAddress(d.address, `${where} token address`), ...parseStream(d, where) } }),
    // ERC20StreamingEnforcer keys its record by the delegation alone, so two would share one.
    once: 'only one erc20-token-stream permission is allowed in a session',
    contract: (p) => p.data.address,
    describe: (p, ctx) => {
      return streamDescription(p.data, (n) => tokenAmount(p.data.address, n, ctx), ctx);
    },
    erc7715: (p) => ({
      permission: {
        type: p.type,
        data: {
          tokenAddress: p.data.address,
          amountPerSecond: hex(p.data.amountPerSecond),
          initialAmount: hex(p.data.initialAmount),
          maxAmount: hex(p.data.maxAmount),
          startTime: p.data.startTime,
        },
        policies: [],
      },
    }),
  },
  'token-approval-revocation': {
    fields: null,
    parse: () => ({ type: 'token-approval-revocation' }),
    once: 'token-approval-revocation is listed twice',
    describe: () => ({
      title: ['Revoke approvals you gave on any token (ERC-20 allowances, NFT approvals)'],
      lines: ['It can only clear an approval that exists, never give a new one, and sends no ETH.'],
    }),
    erc7715: () => ({ permission: { type: 'token-approval-revocation', data: {}, policies: [] } }),
  },
};

/**
 * A raw permission whose kind runs from a start time (periodic, stream) and that names none, made to
 * start at `now` (the chain's clock), as MetaMask's requests do: the popup's own form asks only for
 * an amount and a period. Anything else is returned as it is, for parsePermission to judge.
 */
export function startingNow(raw: unknown, now: number): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const { type, data } = raw as { type?: unknown; data?: unknown };
  if (typeof type !== 'string' || !isPermissionType(type) || typeof data !== 'object' || data === null) return raw;
  if (!KINDS[type].fields?.includes('startTime') || 'startTime' in data) return raw;
  return { ...raw, data: { ...data, startTime: now } };
}

/** Every kind, in the order the vocabulary lists them. */
export const PERMISSION_TYPES = Object.keys(KINDS) as PermissionType[];

export const isPermissionType = (type: string): type is PermissionType => Object.hasOwn(KINDS, type);

// TypeScript cannot tie KINDS[p.type] to p by itself; each entry is typed for its own kind above,
// so calling it with a permission of that kind is sound.
const spec = (type: PermissionType) => KINDS[type] as unknown as KindSpec<PermissionType>;

/** How a person reads `p` (see DescribeContext for what the window knows). */
export const describePermission = (p: Permission, ctx: DescribeContext): PermissionDescription => spec(p.type).describe(p, ctx);

/** The contract `p` calls, if it names one. */
export const contractOf = (p: Permission): Address | undefined => spec(p.type).contract?.(p);

/** `p` in ERC-7715's `grantedPermissions`. */
export const grantedForm = (p: Permission, ctx: GrantedContext): GrantedForm => spec(p.type).erc7715(p, ctx);

/** The description as one plain line (function names with their selectors), e.g. for a text-only list. */
export function descriptionText(d: PermissionDescription, fn: (f: FunctionRef) => string = (f) => f.signature ?? f.selector): string {
  return [d.title.map((part) => (typeof part === 'string' ? part : part.functions.map(fn).join(', '))).join(''), ...d.lines].join('. ');
}
