// Messages and typed data are always signed by the owner, after the owner approves in a popup (no
// session key signs them, on either backend: Alchemy session keys cannot). Delegation backend: the
// owner key's ECDSA signature, which the 7702-upgraded EIP7702StatelessDeleGator also validates
// through ERC-1271. Alchemy backend: the smart account's signature (prepareSign/formatSign).
import { getAddress, isAddressEqual, recoverMessageAddress, stringToHex, type Address, type Hex } from 'viem';
import { parseTypedData, toDefinition, TypedDataError, typedDataRefusal, type TypedDataPayload } from '../../signing/typed-data';
import { InvalidParamsError, RpcError, UnauthorizedError } from '../../errors';
import { publicClientFor } from '../../chains/clients';
import { readTokens } from '../../chains/tokens';
import { requireConnection, requireSameAccount } from '../guards';
import { defineMethod } from '../method';
import { address, z } from '../schema';

const MAX_MESSAGE_BYTES = 64 * 1024;
/** A message param: hex or text, at most 64 KiB as bytes (checked after decoding; this bounds the string). */
const messageParam = () => z.string().check(z.maxLength(2 + 2 * MAX_MESSAGE_BYTES, 'The message is too long (at most 64 KiB).'));
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX = /^0x[0-9a-fA-F]*$/;

/**
 * The bytes a personal_sign message stands for: 0x-prefixed hex is the bytes themselves, any other
 * string is its UTF-8 text (what MetaMask and every wallet do). Hex with a half byte is refused
 * rather than guessed at.
 */
export function messageBytes(message: string): Hex {
  const bytes = HEX.test(message) ? (message.toLowerCase() as Hex) : stringToHex(message);
  if (HEX.test(message) && message.length % 2 !== 0) throw new InvalidParamsError('The message must be whole bytes of hex (an even number of hex digits after 0x).');
  if ((bytes.length - 2) / 2 > MAX_MESSAGE_BYTES) throw new InvalidParamsError('The message is too long (at most 64 KiB).');
  return bytes;
}

/**
 * personal_sign's params as MetaMask reads them: [message, address] with an ignored third (a
 * password, from the node API). The legacy order [address, message] is accepted when it is
 * unmistakable, as MetaMask does: the first looks like an address and the second does not.
 */
export function personalSignParams([first, second]: readonly [string, string, unknown?]): { message: Hex; account: Address } {
  const reversed = ADDRESS.test(first) && !ADDRESS.test(second);
  const [message, account] = reversed ? [second, first] : [first, second];
  if (!ADDRESS.test(account)) throw new InvalidParamsError('Invalid params for personal_sign: params[1] must be the 20-byte hex address of the account that signs.');
  return { message: messageBytes(message), account: getAddress(account) };
}

export const personal_sign = defineMethod({
  method: 'personal_sign',
  params: () => z.tuple([messageParam(), z.string().check(z.maxLength(MAX_MESSAGE_BYTES * 2 + 2)), z.optional(z.unknown())]),
  handler: async (params, ctx) => {
    const { message, account } = personalSignParams(params);
    const connection = await requireConnection(ctx);
    // Never sign as someone else: the account named must be this wallet's (the one this site sees).
    if (!isAddressEqual(account, connection.account)) {
      throw new UnauthorizedError(`This site asked for a signature from ${account}, which is not your account in this wallet (${connection.account}). The wallet signs only as your account.`);
    }
    await ctx.services.approvals.ask({ kind: 'signMessage', origin: ctx.origin, message });
    const owner = await ctx.services.vault.ownerAccount();
    // The chain's backend decides how the owner signs (on Alchemy, as the smart account: ERC-1271).
    const backend = await ctx.services.backends.for(ctx.chain);
    return backend.signMessage(owner, { raw: message });
  },
});

/**
 * personal_ecRecover: the address whose key made `signature` over the message (EIP-191), computed
 * here, with no window and no key. For this wallet's signatures that is the account itself: an
 * EIP-7702 account signs with its owner EOA's key, at the same address.
 */
export const personal_ecRecover = defineMethod({
  method: 'personal_ecRecover',
  params: () => z.tuple([messageParam(), z.string().check(z.regex(/^0x[0-9a-fA-F]{130}$/, 'expected a 65-byte signature (0x + 130 hex digits)'))]),
  handler: async ([message, signature]) => {
    try {
      return await recoverMessageAddress({ message: { raw: messageBytes(message) }, signature: signature as Hex });
    } catch (error) {
      if (error instanceof RpcError) throw error;
      throw new InvalidParamsError('The signature does not recover to any address (its r, s or v is out of range).');
    }
  },
});

/**
 * Contracts whose token metadata the window needs: the verifying contract (ERC-2612: a token signs
 * its own permits) and every `token` address in the message (Permit2). At most 16, read at once.
 */
function tokenCandidates(typed: TypedDataPayload): Address[] {
  const out = new Set<Address>();
  if (typed.domain.verifyingContract) out.add(typed.domain.verifyingContract);
  const walk = (value: unknown, depth: number): void => {
    if (depth > 8 || out.size >= 16 || typeof value !== 'object' || value === null) return;
    for (const [key, v] of Object.entries(value)) {
      if (key === 'token' && typeof v === 'string' && ADDRESS.test(v)) out.add(getAddress(v));
      else walk(v, depth + 1);
    }
  };
  walk(typed.message, 0);
  return [...out].slice(0, 16);
}

export const eth_signTypedData_v4 = defineMethod({
  method: 'eth_signTypedData_v4',
  params: () => z.tuple([address, z.string().check(z.maxLength(MAX_MESSAGE_BYTES))]),
  handler: async ([account, json], ctx) => {
    const connection = await requireConnection(ctx);
    requireSameAccount(connection, account);
    let typed: TypedDataPayload;
    try {
      typed = parseTypedData(json);
    } catch (error) {
      if (error instanceof TypedDataError) throw new InvalidParamsError(error.message);
      throw error;
    }
    // Before any window: typed data that would hand the account over is never shown to the owner,
    // so one hurried "Approve" cannot give a site the whole account.
    const refusal = typedDataRefusal(typed, getAddress(account));
    if (refusal) throw new UnauthorizedError(refusal);
    const domainChain = typed.domain.chainId;
    if (domainChain !== undefined && domainChain !== ctx.chain.id) {
      throw new InvalidParamsError(`The typed data is for chain ${domainChain}, but the wallet is on chain ${ctx.chain.id}. Switch the wallet's network first.`);
    }
    // The window shows amounts in what the token contracts answer on chain, never what the page says.
    const tokens = await readTokens(publicClientFor(ctx.chain), tokenCandidates(typed));
    await ctx.services.approvals.ask({ kind: 'signTypedData', origin: ctx.origin, typedData: json, tokens });
    const owner = await ctx.services.vault.ownerAccount();
    const definition = toDefinition(typed);
    const backend = await ctx.services.backends.for(ctx.chain);
    try {
      return await backend.signTypedData(owner, definition);
    } catch (error) {
      if (error instanceof RpcError) throw error;
      throw new InvalidParamsError(`The typed data cannot be encoded: ${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message}`);
    }
  },
});
