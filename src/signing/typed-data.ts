// EIP-712 typed data a dApp asks the owner to sign: strict parsing, and what the signature would let
// someone do. Pure logic: the RPC method refuses with it, the approval window warns with it, so the
// two cannot disagree about what a request means.
//
// Why refuse rather than warn: a `Delegation` signed by the owner for the DelegationManager, with
// root authority and no caveats, lets its delegate make the owner's 7702 account execute anything
// (move all its ETH and tokens). Sessions are the wallet's own, built and bounded by the wallet; a
// site never needs the owner's raw signature over a delegation or over the account's own domain.
// Token approvals (ERC-2612 Permit, DAI permit, Permit2, NFT permits) are ordinary dApp flows, so they
// are shown with a warning that says who may spend what until when.
import { DELEGATOR_CONTRACTS } from '@metamask/delegation-deployments';
import { formatUnits, getAddress, hashTypedData, isAddress, isAddressEqual, maxUint160, type Address, type Hex, type TypedDataDefinition } from 'viem';
import { devnetContracts } from '../chains/deployments';
import { DEVNET_CHAIN_ID } from '../chains/registry';

export interface TypedDataField {
  name: string;
  type: string;
}

export interface TypedDataDomain {
  name?: string;
  version?: string;
  chainId?: number;
  verifyingContract?: Address;
  salt?: Hex;
}

/** Typed data after parsing: the domain normalised, `types` without `EIP712Domain`. */
export interface TypedDataPayload {
  domain: TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  primaryType: string;
  message: Record<string, unknown>;
}

/** The typed data is malformed; the message says what to fix (the RPC layer answers -32602). */
export class TypedDataError extends Error {
  override name = 'TypedDataError';
}

// Limits well above any real typed data (Permit2 batches, Seaport orders) and far below abuse.
const MAX_TYPES = 64;
const MAX_FIELDS = 64;

/** EIP-712's domain fields, in the order the standard lists them, with their only allowed types. */
const DOMAIN_FIELDS: Record<keyof TypedDataDomain, string> = {
  name: 'string',
  version: 'string',
  chainId: 'uint256',
  verifyingContract: 'address',
  salt: 'bytes32',
};

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const ELEMENTARY = /^(address|bool|string|bytes|bytes([1-9]|[12][0-9]|3[0-2])|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)?)$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseChainId(value: unknown): number {
  let id: bigint | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) id = BigInt(value);
  else if (typeof value === 'string' && /^(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})$/.test(value)) id = BigInt(value);
  if (id === undefined || id > BigInt(Number.MAX_SAFE_INTEGER)) throw new TypedDataError('domain.chainId must be a chain id (a number, or a decimal or hex string).');
  return Number(id);
}

function parseDomain(value: unknown): TypedDataDomain {
  if (!isRecord(value)) throw new TypedDataError('The typed data needs a domain object (EIP-712).');
  const domain: TypedDataDomain = {};
  for (const [key, field] of Object.entries(value)) {
    switch (key) {
      case 'name':
      case 'version':
        if (typeof field !== 'string') throw new TypedDataError(`domain.${key} must be a string.`);
        domain[key] = field;
        break;
      case 'chainId':
        domain.chainId = parseChainId(field);
        break;
      case 'verifyingContract':
        if (typeof field !== 'string' || !isAddress(field, { strict: false })) throw new TypedDataError('domain.verifyingContract must be a 20-byte address.');
        domain.verifyingContract = getAddress(field);
        break;
      case 'salt':
        if (typeof field !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(field)) throw new TypedDataError('domain.salt must be 32 bytes of hex.');
        domain.salt = field as Hex;
        break;
      default:
        throw new TypedDataError(`domain.${key} is not an EIP-712 domain field (name, version, chainId, verifyingContract, salt).`);
    }
  }
  return domain;
}

function baseType(type: string): string {
  return type.replace(/(\[[0-9]*\])+$/, '');
}

function parseTypes(value: unknown): Record<string, TypedDataField[]> {
  if (!isRecord(value)) throw new TypedDataError('types must be an object of struct definitions.');
  const entries = Object.entries(value);
  if (entries.length > MAX_TYPES) throw new TypedDataError(`The typed data declares too many types (at most ${MAX_TYPES}).`);
  const types: Record<string, TypedDataField[]> = {};
  for (const [name, fields] of entries) {
    if (!IDENTIFIER.test(name)) throw new TypedDataError(`The type name ${JSON.stringify(name).slice(0, 40)} is not an identifier.`);
    if (!Array.isArray(fields) || fields.length > MAX_FIELDS) throw new TypedDataError(`types.${name} must be a list of at most ${MAX_FIELDS} fields.`);
    const seen = new Set<string>();
    types[name] = fields.map((field: unknown) => {
      if (!isRecord(field) || typeof field.name !== 'string' || typeof field.type !== 'string' || !IDENTIFIER.test(field.name)) {
        throw new TypedDataError(`Every field of types.${name} needs a name (an identifier) and a type.`);
      }
      if (seen.has(field.name)) throw new TypedDataError(`types.${name} declares ${field.name} twice.`);
      seen.add(field.name);
      return { name: field.name, type: field.type };
    });
  }
  for (const [name, fields] of Object.entries(types)) {
    for (const field of fields) {
      const base = baseType(field.type);
      if (!/^[A-Za-z_$][A-Za-z0-9_$]*((\[[0-9]*\])*)$/.test(field.type) || (!ELEMENTARY.test(base) && !types[base]) || base === 'EIP712Domain') {
        throw new TypedDataError(`types.${name}.${field.name} has type ${field.type.slice(0, 40)}, which is neither an EIP-712 type nor declared.`);
      }
    }
  }
  return types;
}

/** Every declared field present, nothing undeclared: what the window shows is exactly what is signed. */
function checkMessageShape(types: Record<string, TypedDataField[]>, type: string, value: unknown, path: string): void {
  const array = /^(.*)\[([0-9]*)\]$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) throw new TypedDataError(`${path} must be an array (${type}).`);
    if (array[2] !== '' && value.length !== Number(array[2])) throw new TypedDataError(`${path} must have ${array[2]} elements.`);
    value.forEach((item, i) => checkMessageShape(types, array[1]!, item, `${path}[${i}]`));
    return;
  }
  const fields = types[type];
  if (!fields) {
    if (value === undefined || value === null || isRecord(value) || Array.isArray(value)) throw new TypedDataError(`${path} must be a ${type} value.`);
    return;
  }
  if (!isRecord(value)) throw new TypedDataError(`${path} must be an object (${type}).`);
  const names = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(value)) if (!names.has(key)) throw new TypedDataError(`${path}.${key} is not a field of ${type}.`);
  for (const field of fields) {
    if (!(field.name in value)) throw new TypedDataError(`${path}.${field.name} is missing (${type} declares it).`);
    checkMessageShape(types, field.type, value[field.name], `${path}.${field.name}`);
  }
}

/**
 * Parses `eth_signTypedData_v4`'s JSON strictly: domain, types, primaryType and message must all be
 * there and agree (a declared EIP712Domain must list exactly the domain's fields; the message has
 * every field of its type and nothing else; every value encodes). Throws TypedDataError.
 */
export function parseTypedData(json: string): TypedDataPayload {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new TypedDataError('The typed data must be a JSON string.');
  }
  if (!isRecord(value)) throw new TypedDataError('The typed data must be a JSON object { types, primaryType, domain, message }.');
  for (const key of Object.keys(value)) {
    if (!['types', 'primaryType', 'domain', 'message'].includes(key)) throw new TypedDataError(`The typed data has an unknown top-level field ${key.slice(0, 40)}.`);
  }
  const domain = parseDomain(value.domain);
  const { EIP712Domain: declaredDomain, ...types } = parseTypes(value.types);
  if (declaredDomain) {
    const declared = declaredDomain.map((f) => `${f.name}:${f.type}`).sort().join(',');
    const actual = Object.keys(domain).map((k) => `${k}:${DOMAIN_FIELDS[k as keyof TypedDataDomain]}`).sort().join(',');
    if (declared !== actual) throw new TypedDataError('types.EIP712Domain must list exactly the fields present in domain, with their EIP-712 types.');
  }
  const { primaryType, message } = value;
  if (typeof primaryType !== 'string' || primaryType === 'EIP712Domain' || !types[primaryType]) {
    throw new TypedDataError(`primaryType must name one of the declared types (not EIP712Domain).`);
  }
  if (!isRecord(message)) throw new TypedDataError('The typed data needs a message object.');
  checkMessageShape(types, primaryType, message, 'message');
  const payload: TypedDataPayload = { domain, types, primaryType, message };
  try {
    hashTypedData(toDefinition(payload));
  } catch (error) {
    throw new TypedDataError(`The typed data cannot be encoded: ${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message}`);
  }
  return payload;
}

/** The payload as viem's signTypedData / hashTypedData take it (viem derives EIP712Domain from the domain). */
export function toDefinition(payload: TypedDataPayload): TypedDataDefinition {
  return { domain: payload.domain, types: payload.types, primaryType: payload.primaryType, message: payload.message } as unknown as TypedDataDefinition;
}

// ---------------------------------------------------------------- refusal: the account itself

/** Every DelegationManager and DeleGator implementation the wallet knows, on any chain, any version. */
function frameworkAddresses(): { managers: Address[]; delegators: Address[] } {
  const managers = new Set<string>([devnetContracts.DelegationManager]);
  const delegators = new Set<string>([devnetContracts.EIP7702StatelessDeleGatorImpl]);
  for (const chains of Object.values(DELEGATOR_CONTRACTS)) {
    for (const contracts of Object.values(chains as Record<string, Record<string, string>>)) {
      for (const [name, address] of Object.entries(contracts)) {
        if (!isAddress(address, { strict: false })) continue;
        if (name === 'DelegationManager') managers.add(getAddress(address));
        else if (/DeleGatorImpl$/.test(name)) delegators.add(getAddress(address));
      }
    }
  }
  return { managers: [...managers] as Address[], delegators: [...delegators] as Address[] };
}

let known: ReturnType<typeof frameworkAddresses> | undefined;
const knownFramework = () => (known ??= frameworkAddresses());

const DELEGATION_FIELDS = ['delegate', 'delegator', 'authority', 'caveats', 'salt'];

/** A struct that is a Delegation by name or by shape, whatever the domain is called. */
function delegationShapedType(types: Record<string, TypedDataField[]>): string | undefined {
  for (const [name, fields] of Object.entries(types)) {
    const names = new Set(fields.map((f) => f.name.toLowerCase()));
    const matching = DELEGATION_FIELDS.filter((f) => names.has(f)).length;
    const byName = name.toLowerCase() === 'delegation' && (names.has('delegate') || names.has('delegator') || names.has('authority'));
    if (byName || matching >= 3 || (names.has('delegator') && names.has('authority'))) return name;
  }
  return undefined;
}

const SESSIONS_HINT = 'To act for the account, a site asks for a session (wallet_grantPermissions), which the wallet builds with limits the chain enforces.';

/**
 * Why the wallet refuses to sign this for a site, or undefined. `account` is the owner's account
 * (its 7702 code validates signatures for its own EIP-712 domain).
 */
export function typedDataRefusal(payload: TypedDataPayload, account: Address): string | undefined {
  const contract = payload.domain.verifyingContract;
  if (contract) {
    const { managers, delegators } = knownFramework();
    if (managers.some((m) => isAddressEqual(m, contract))) {
      return `Refused: this typed data is a delegation for the DelegationManager (${contract}). Signing it would let someone else act for your whole account and take its funds. ${SESSIONS_HINT}`;
    }
    if (delegators.some((d) => isAddressEqual(d, contract))) {
      return `Refused: this typed data is addressed to the wallet's own account contract (${contract}); a signature over it could authorise actions on your account. ${SESSIONS_HINT}`;
    }
    if (isAddressEqual(contract, account)) {
      return `Refused: this typed data is addressed to your own account (${contract}), whose smart-account code would accept it as your authorisation. ${SESSIONS_HINT}`;
    }
  }
  const delegation = delegationShapedType(payload.types);
  if (delegation) {
    return `Refused: this typed data contains a delegation (type ${delegation}). Signing it could hand your account to its delegate, whatever the domain is called. ${SESSIONS_HINT}`;
  }
  return undefined;
}

// ---------------------------------------------------------------- warning: token approvals

/** The Uniswap Permit2 contract (same address on every chain). */
export const PERMIT2_ADDRESS: Address = '0x000000000022D473030F116dDEE9F6B43aC78BA3';

export interface ApprovalWarning {
  /** Which standard the request follows, in words (e.g. "ERC-2612 Permit", "Permit2 (PermitSingle)"). */
  standard: string;
  /** Who gets the right to move the owner's assets. */
  spender: Address | undefined;
  /** One plain sentence per token: who may spend what, until when. */
  sentences: string[];
}

interface TokenLabel {
  /** "DEMO", or "tokens of 0x1234…abcd" when the wallet does not know the token. */
  symbol: string;
  decimals: number | undefined;
}

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

function tokenLabel(token: unknown, chainId: number | undefined): TokenLabel {
  if (typeof token === 'string' && isAddress(token, { strict: false })) {
    if ((chainId === undefined || chainId === DEVNET_CHAIN_ID) && isAddressEqual(token, devnetContracts.DemoToken)) return { symbol: 'DEMO', decimals: 18 };
    return { symbol: `tokens of ${short(getAddress(token))}`, decimals: undefined };
  }
  return { symbol: 'tokens of an unknown contract', decimals: undefined };
}

const toBigInt = (v: unknown): bigint | undefined => {
  try {
    return typeof v === 'bigint' || typeof v === 'number' || (typeof v === 'string' && v.trim() !== '') ? BigInt(v as string) : undefined;
  } catch {
    return undefined;
  }
};

/** Any allowance at or above the uint160 maximum is more than any token supply: "unlimited". */
function amountWords(value: unknown, token: TokenLabel): string {
  const amount = toBigInt(value);
  if (amount === undefined) return `an unreadable amount of your ${token.symbol}`;
  if (amount >= maxUint160) return `all your ${token.symbol} (unlimited)`;
  if (token.decimals !== undefined) return `up to ${formatUnits(amount, token.decimals)} ${token.symbol}`;
  return `up to ${amount} base units of your ${token.symbol}`;
}

/** A Unix time in seconds, as "until 2030-01-01 00:00 UTC"; 0 / absurdly far means no end. */
function untilWords(value: unknown, { zeroIsForever = false } = {}): string {
  const seconds = toBigInt(value);
  if (seconds === undefined) return 'with no readable end date';
  if ((zeroIsForever && seconds === 0n) || seconds >= 253402300800n) return 'with no end date';
  const when = new Date(Number(seconds) * 1000).toISOString().replace('T', ' ').slice(0, 16);
  return `until ${when} UTC`;
}

const fieldNames = (payload: TypedDataPayload, type = payload.primaryType) => new Set((payload.types[type] ?? []).map((f) => f.name));
const has = (set: Set<string>, ...names: string[]) => names.every((n) => set.has(n));
const addr = (v: unknown): Address | undefined => (typeof v === 'string' && isAddress(v, { strict: false }) ? getAddress(v) : undefined);
const rec = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});

/**
 * A warning for typed data that lets someone move the owner's tokens, or undefined for anything else.
 * Recognises ERC-2612 Permit, DAI's permit, ERC-721 permits, operator approvals, and Permit2's
 * PermitSingle / PermitBatch / PermitTransferFrom / PermitBatchTransferFrom / witness variants; any
 * other type named like a permit or approval, or with a spender / operator, gets a general warning.
 */
export function approvalWarning(payload: TypedDataPayload): ApprovalWarning | undefined {
  const { domain, message, primaryType } = payload;
  const fields = fieldNames(payload);
  const chainId = domain.chainId;
  const contract = domain.verifyingContract;
  const isPermit2 = contract !== undefined && isAddressEqual(contract, PERMIT2_ADDRESS);
  const spender = addr(message.spender) ?? addr(message.operator);
  const who = spender ?? 'someone';

  // Permit2 AllowanceTransfer: an allowance per token, until `expiration`.
  if ((primaryType === 'PermitSingle' || primaryType === 'PermitBatch') && has(fields, 'details', 'spender')) {
    const details = primaryType === 'PermitSingle' ? [rec(message.details)] : Array.isArray(message.details) ? message.details.map(rec) : [];
    return {
      standard: `${isPermit2 ? 'Permit2' : 'Permit2-style'} (${primaryType})`,
      spender,
      sentences: details.map((d) => `This signature lets ${who} spend ${amountWords(d.amount, tokenLabel(d.token, chainId))} ${untilWords(d.expiration)}.`),
    };
  }
  // Permit2 SignatureTransfer: a one-time transfer the spender may pull, until `deadline`.
  if (/^Permit(Batch)?(Witness)?TransferFrom$/.test(primaryType) && has(fields, 'permitted', 'spender')) {
    const permitted = Array.isArray(message.permitted) ? message.permitted.map(rec) : [rec(message.permitted)];
    return {
      standard: `${isPermit2 ? 'Permit2' : 'Permit2-style'} (${primaryType})`,
      spender,
      sentences: permitted.map((p) => `This signature lets ${who} take ${amountWords(p.amount, tokenLabel(p.token, chainId))} from your account ${untilWords(message.deadline)}.`),
    };
  }
  const token = tokenLabel(contract, chainId);
  // DAI-style: allowed = true is an unlimited allowance; expiry 0 never ends.
  if (has(fields, 'holder', 'spender', 'allowed')) {
    if (message.allowed !== true) return undefined; // revokes the allowance: nothing to warn about
    return { standard: 'DAI-style permit', spender, sentences: [`This signature lets ${who} spend all your ${token.symbol} (unlimited) ${untilWords(message.expiry, { zeroIsForever: true })}.`] };
  }
  // ERC-2612.
  if (has(fields, 'owner', 'spender', 'value')) {
    return { standard: 'ERC-2612 Permit', spender, sentences: [`This signature lets ${who} spend ${amountWords(message.value, token)} ${untilWords(message.deadline)}.`] };
  }
  // ERC-721 / ERC-4494 permit: one NFT.
  if (has(fields, 'spender', 'tokenId')) {
    const nft = contract ? `NFT #${String(message.tokenId)} of ${short(contract)}` : `NFT #${String(message.tokenId)}`;
    return { standard: 'NFT permit', spender, sentences: [`This signature lets ${who} take your ${nft} ${untilWords(message.deadline)}.`] };
  }
  // setApprovalForAll-like: every token of the collection.
  if (has(fields, 'operator', 'approved') || (fields.has('operator') && /approv/i.test(primaryType))) {
    if (message.approved === false) return undefined;
    const collection = contract ? `tokens of ${short(contract)}` : 'tokens of this contract';
    return { standard: 'Operator approval (setApprovalForAll)', spender, sentences: [`This signature lets ${who} move all your ${collection} (unlimited) ${untilWords(message.deadline ?? message.expiry)}.`] };
  }
  if (/permit|approv|allowance/i.test(primaryType) || spender) {
    return {
      standard: `Approval-like request (${primaryType})`,
      spender,
      sentences: [`This signature may let ${who} spend or move your ${token.symbol}. Sign it only if you trust this site and expected this request.`],
    };
  }
  return undefined;
}
