// Messages and typed data are always signed by the owner, after the owner approves in a popup (no
// session key signs them, on either backend: Alchemy session keys cannot). Delegation backend: the
// owner key's ECDSA signature, which the 7702-upgraded EIP7702StatelessDeleGator also validates
// through ERC-1271. Alchemy backend: the smart account's signature (prepareSign/formatSign).
import { getAddress, type Hex } from 'viem';
import { parseTypedData, toDefinition, TypedDataError, typedDataRefusal, type TypedDataPayload } from '../../signing/typed-data';
import { InvalidParamsError, RpcError, UnauthorizedError } from '../../errors';
import { requireConnection, requireSameAccount } from '../guards';
import { defineMethod } from '../method';
import { address, hexString, z } from '../schema';

const MAX_MESSAGE_BYTES = 64 * 1024;

export const personal_sign = defineMethod({
  method: 'personal_sign',
  params: z.tuple([hexString, address]),
  handler: async ([message, account], ctx) => {
    const connection = await requireConnection(ctx);
    requireSameAccount(connection, account);
    if ((message.length - 2) / 2 > MAX_MESSAGE_BYTES) throw new InvalidParamsError('The message is too long (at most 64 KiB).');
    if (message.length % 2 !== 0) throw new InvalidParamsError('The message must be whole bytes of hex.');
    await ctx.services.approvals.ask({ kind: 'signMessage', origin: ctx.origin, message: message as Hex });
    const owner = await ctx.services.vault.ownerAccount();
    // The chain's backend decides how the owner signs (on Alchemy, as the smart account: ERC-1271).
    const backend = await ctx.services.backends.for(ctx.chain);
    return backend.signMessage(owner, { raw: message as Hex });
  },
});

export const eth_signTypedData_v4 = defineMethod({
  method: 'eth_signTypedData_v4',
  params: z.tuple([address, z.string().check(z.maxLength(MAX_MESSAGE_BYTES))]),
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
    await ctx.services.approvals.ask({ kind: 'signTypedData', origin: ctx.origin, typedData: json });
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
