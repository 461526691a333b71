// EIP-747 wallet_watchAsset: a site suggests an ERC-20 token for the wallet to list. The wallet reads
// the token from its contract (tokens/watched.ts), shows it to the owner, and lists it for the
// owner's account on this chain once approved. It gives the site nothing: no allowance, no access.
import { InvalidParamsError } from '../../errors';
import { addWatchedToken, MAX_DECIMALS, MAX_SYMBOL_LENGTH, readSuggestedToken, watchedTokens } from '../../tokens/watched';
import { requireConnection } from '../guards';
import { defineMethod } from '../method';
import { address, z } from '../schema';

const decimalsParam = () => z.union([
  z.number().check(z.int(), z.gte(0), z.lte(MAX_DECIMALS)),
  z.string().check(z.regex(/^[0-9]{1,2}$/, 'expected decimals as a whole number')),
]);

// EIP-747 params are one object (viem, wagmi and MetaMask's docs send it so).
const watchAssetParams = () => z.object({
  type: z.string().check(z.maxLength(32)),
  options: z.looseObject({
    address,
    symbol: z.optional(z.string().check(z.maxLength(MAX_SYMBOL_LENGTH, `expected a symbol of at most ${MAX_SYMBOL_LENGTH} characters`))),
    decimals: z.optional(decimalsParam()),
    // Not loaded: an image URL from a page would tell its server when the owner opens the wallet.
    image: z.optional(z.string().check(z.maxLength(2048))),
  }),
});

export const wallet_watchAsset = defineMethod({
  method: 'wallet_watchAsset',
  params: watchAssetParams,
  handler: async ({ type, options }, ctx) => {
    if (type !== 'ERC20') {
      throw new InvalidParamsError(`The wallet lists ERC20 tokens only; ${type} assets (NFTs) are not supported.`);
    }
    const connection = await requireConnection(ctx);
    const token = await readSuggestedToken(ctx.chain, { address: options.address, symbol: options.symbol, decimals: options.decimals });
    // Already listed: nothing to ask (MetaMask answers true as well).
    if ((await watchedTokens(ctx.chain.id, connection.account)).some((t) => t.address === token.address)) return true;
    // Rejected or closed: 4001 from the approval service; nothing is stored.
    await ctx.services.approvals.ask({ kind: 'watchAsset', origin: ctx.origin, chainId: ctx.chain.id, account: connection.account, token });
    await addWatchedToken(ctx.chain.id, connection.account, token);
    return true;
  },
});
