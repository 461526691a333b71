// The wallet's chain as dApps see it: read it, switch it (owner approves), add one (EIP-3085).
import { hexToNumber } from 'viem';
import { chainIdHex } from '../../chains/registry';
import { validateCustomChain } from '../../chains/network';
import { checkRpcChainId } from '../../chains/rpc-check';
import { networkWarnings } from '../../chains/warnings';
import { UnrecognizedChainError } from '../../errors';
import { defineMethod, type RequestContext } from '../method';
import { chainIdParam, noParams, z } from '../schema';

export const eth_chainId = defineMethod({
  method: 'eth_chainId',
  params: noParams,
  handler: (_params, { chain }) => chainIdHex(chain.id),
});

export const net_version = defineMethod({
  method: 'net_version',
  params: noParams,
  handler: (_params, { chain }) => String(chain.id),
});

async function switchTo(ctx: RequestContext, chainId: number): Promise<null> {
  if (chainId === ctx.chain.id) return null;
  const target = await ctx.services.networks.byId(chainId);
  if (!target) throw new UnrecognizedChainError(`Chain ${chainId} is not known to the wallet. Add it with wallet_addEthereumChain.`);
  await ctx.services.approvals.ask({ kind: 'switchChain', origin: ctx.origin, chainId, chainName: target.name });
  const { changed } = await ctx.services.networks.switchTo(chainId);
  if (changed) await ctx.services.events.broadcast('chainChanged', chainIdHex(chainId));
  return null;
}

export const wallet_switchEthereumChain = defineMethod({
  method: 'wallet_switchEthereumChain',
  params: () => z.tuple([z.looseObject({ chainId: chainIdParam })]),
  handler: ([{ chainId }], ctx) => switchTo(ctx, hexToNumber(chainId as `0x${string}`)),
});

export const wallet_addEthereumChain = defineMethod({
  method: 'wallet_addEthereumChain',
  params: () => z.tuple([
    z.looseObject({
      chainId: chainIdParam,
      chainName: z.string().check(z.minLength(1), z.maxLength(64)),
      rpcUrls: z.array(z.string()).check(z.minLength(1)),
      nativeCurrency: z.optional(z.looseObject({ name: z.string(), symbol: z.string(), decimals: z.number() })),
      blockExplorerUrls: z.optional(z.nullable(z.array(z.string()))),
    }),
  ]),
  handler: async ([p], ctx) => {
    const id = hexToNumber(p.chainId as `0x${string}`);
    if (await ctx.services.networks.byId(id)) return switchTo(ctx, id);
    const chain = validateCustomChain({
      id,
      name: p.chainName,
      rpcUrl: p.rpcUrls[0]!,
      symbol: p.nativeCurrency?.symbol,
      decimals: p.nativeCurrency?.decimals,
      blockExplorerUrl: p.blockExplorerUrls?.[0],
    });
    // Before any window: an RPC for another chain (or none at all) is refused with the reason.
    await checkRpcChainId(chain.rpcUrl, id);
    const warnings = networkWarnings(chain);
    await ctx.services.approvals.ask({
      kind: 'addChain',
      origin: ctx.origin,
      chain: { id, name: chain.name, rpcUrl: chain.rpcUrl, symbol: chain.nativeCurrency.symbol, ...(chain.blockExplorerUrl ? { blockExplorerUrl: chain.blockExplorerUrl } : {}) },
      ...(warnings.length > 0 ? { warnings } : {}),
    });
    await ctx.services.networks.addCustom({ id, name: chain.name, rpcUrl: chain.rpcUrl, symbol: chain.nativeCurrency.symbol, blockExplorerUrl: chain.blockExplorerUrl });
    await ctx.services.networks.switchTo(id);
    await ctx.services.events.broadcast('chainChanged', chainIdHex(id));
    return null;
  },
});
