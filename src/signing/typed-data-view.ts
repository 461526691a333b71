// Typed data as a person reads it: the domain (who it is for), the primary type, and every field of
// the message as a labelled tree, with amounts in the token's units, deadlines as dates and
// addresses in full. Pure logic over a parsed payload (parseTypedData checked its shape), so the
// window renders exactly what is signed and the unit tests pin the wording.
import { formatUnits, getAddress, isAddress, isAddressEqual, type Address } from 'viem';
import { isUnlimited } from '../approvals/danger';
import type { TypedDataField, TypedDataPayload } from './typed-data';

export interface TypedDataToken {
  symbol: string;
  decimals: number;
}

export interface TypedDataViewContext {
  /** A token's symbol and decimals as its contract answered on chain; undefined: not a token, or no answer. */
  token: (address: Address) => TypedDataToken | undefined;
  /** A contract's name when the wallet knows it (its own table, never the page's word). */
  contractName: (address: Address) => string | undefined;
  /** The owner's account, shown as "your account". */
  account?: Address | undefined;
  /** A date in the person's locale. */
  date: (unixSeconds: number) => string;
}

export interface ViewNode {
  /** The field's name in words ("Sig deadline"); the raw name is `name`. */
  label: string;
  name: string;
  type: string;
  /** The value in words; absent for a struct or an array (see `children`). */
  text?: string;
  /** Addresses and hex are shown in a monospace font, wrapped. */
  mono?: boolean;
  /** The raw value when `text` rewrote it (an amount, a date): shown beside it for the careful reader. */
  raw?: string;
  children?: ViewNode[];
}

export interface TypedDataView {
  domain: { label: string; text: string; mono?: boolean }[];
  primaryType: string;
  fields: ViewNode[];
}

/** "sigDeadline" -> "Sig deadline", "spender" -> "Spender", "token_id" -> "Token id". */
export function labelOf(name: string): string {
  const words = name
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const AMOUNT = /^(amount|value|wad|allowance|maxamount|max_amount)$/i;
const TIME = /(deadline|expiry|expiration|expires|validuntil|validafter|valid_until|valid_after|validbefore|sigdeadline)$/i;
/** Dates a person could mean: 2001 .. 9999; 0 and larger are said as such. */
const FAR_FUTURE = 253402300800n;

const toBig = (v: unknown): bigint | undefined => {
  try {
    return typeof v === 'bigint' || typeof v === 'number' || (typeof v === 'string' && v.trim() !== '') ? BigInt(v as string) : undefined;
  } catch {
    return undefined;
  }
};

function addressText(value: unknown, ctx: TypedDataViewContext): string {
  if (typeof value !== 'string' || !isAddress(value, { strict: false })) return String(value);
  const a = getAddress(value);
  if (ctx.account && isAddressEqual(a, ctx.account)) return `${a} (your account)`;
  const name = ctx.contractName(a) ?? (ctx.token(a) ? ctx.token(a)!.symbol : undefined);
  return name ? `${a} (${name})` : a;
}

function leaf(field: TypedDataField, value: unknown, token: TypedDataToken | undefined, ctx: TypedDataViewContext): ViewNode {
  const base = { label: labelOf(field.name), name: field.name, type: field.type };
  if (field.type === 'address') return { ...base, text: addressText(value, ctx), mono: true };
  if (field.type === 'bool') return { ...base, text: value === true ? 'Yes' : 'No' };
  if (field.type === 'string') return { ...base, text: String(value) };
  if (field.type.startsWith('bytes')) return { ...base, text: String(value), mono: true };
  const n = toBig(value);
  if (/^u?int/.test(field.type) && n !== undefined) {
    if (AMOUNT.test(field.name)) {
      if (isUnlimited(n)) return { ...base, text: token ? `Unlimited ${token.symbol}` : 'Unlimited', raw: n.toString() };
      if (token) return { ...base, text: `${formatUnits(n, token.decimals)} ${token.symbol}`, raw: n.toString() };
      return { ...base, text: `${n} (base units; token unknown)` };
    }
    if (TIME.test(field.name)) {
      if (n === 0n && /expir/i.test(field.name)) return { ...base, text: 'Never (0)', raw: '0' };
      if (n >= FAR_FUTURE) return { ...base, text: 'Never (no end date)', raw: n.toString() };
      if (n > 978307200n) return { ...base, text: ctx.date(Number(n)), raw: n.toString() };
    }
    return { ...base, text: n.toString() };
  }
  return { ...base, text: String(value) };
}

function node(types: TypedDataPayload['types'], field: TypedDataField, value: unknown, token: TypedDataToken | undefined, ctx: TypedDataViewContext): ViewNode {
  const array = /^(.*)\[([0-9]*)\]$/.exec(field.type);
  if (array && Array.isArray(value)) {
    return {
      label: labelOf(field.name),
      name: field.name,
      type: field.type,
      children: value.map((item, i) => ({ ...node(types, { name: field.name, type: array[1]! }, item, token, ctx), label: `${labelOf(field.name)} #${i + 1}` })),
    };
  }
  const struct = types[field.type];
  if (struct && typeof value === 'object' && value !== null) {
    return { label: labelOf(field.name), name: field.name, type: field.type, children: fieldsOf(types, struct, value as Record<string, unknown>, token, ctx) };
  }
  return leaf(field, value, token, ctx);
}

/** A struct's fields; its own `token` field (Permit2's details) says what its amounts are in. */
function fieldsOf(types: TypedDataPayload['types'], fields: TypedDataField[], value: Record<string, unknown>, inherited: TypedDataToken | undefined, ctx: TypedDataViewContext): ViewNode[] {
  const own = typeof value.token === 'string' && isAddress(value.token, { strict: false }) ? getAddress(value.token) : undefined;
  const token = own ? ctx.token(own) : inherited;
  return fields.map((f) => node(types, f, value[f.name], own && !token ? undefined : token, ctx));
}

export function typedDataView(payload: TypedDataPayload, ctx: TypedDataViewContext, chainName?: (id: number) => string | undefined): TypedDataView {
  const { domain } = payload;
  const rows: TypedDataView['domain'] = [];
  if (domain.name !== undefined) rows.push({ label: 'Name', text: domain.name });
  if (domain.version !== undefined) rows.push({ label: 'Version', text: domain.version });
  if (domain.chainId !== undefined) {
    const name = chainName?.(domain.chainId);
    rows.push({ label: 'Network', text: name ? `${name} (chain ${domain.chainId})` : `Chain ${domain.chainId}` });
  }
  if (domain.verifyingContract) rows.push({ label: 'Contract', text: addressText(domain.verifyingContract, ctx), mono: true });
  if (domain.salt) rows.push({ label: 'Salt', text: domain.salt, mono: true });
  // Amounts of the message itself are in the verifying contract's token (ERC-2612: the token signs its own permits).
  const token = domain.verifyingContract ? ctx.token(domain.verifyingContract) : undefined;
  return { domain: rows, primaryType: payload.primaryType, fields: fieldsOf(payload.types, payload.types[payload.primaryType] ?? [], payload.message, token, ctx) };
}
