// Connecting a site (EIP-1193 eth_requestAccounts, EIP-2255 permissions) and reading its account.
import { UnauthorizedError } from '../../errors';
import { requireConnection } from '../guards';
import { defineMethod, type RequestContext } from '../method';
import { noParams, z } from '../schema';

async function connect(ctx: RequestContext) {
  const existing = await ctx.services.connections.get(ctx.origin);
  if (existing) return existing;
  const address = await ctx.services.vault.ownerAddress();
  if (!address) throw new UnauthorizedError('The wallet is not set up yet. Open the wallet to create or import an account.');
  await ctx.services.approvals.ask({ kind: 'connect', origin: ctx.origin });
  const connection = await ctx.services.connections.connect(ctx.origin, address);
  await ctx.services.events.broadcast('accountsChanged', [connection.account], (o) => o === ctx.origin);
  return connection;
}

function accountPermission(origin: string, connectedAt: number) {
  return { id: `eth_accounts:${origin}`, parentCapability: 'eth_accounts', invoker: origin, date: connectedAt, caveats: [] };
}

export const eth_requestAccounts = defineMethod({
  method: 'eth_requestAccounts',
  params: noParams,
  handler: async (_p, ctx) => [(await connect(ctx)).account],
});

/** [] for a site that is not connected, as EIP-1193 asks; never prompts. */
export const eth_accounts = defineMethod({
  method: 'eth_accounts',
  params: noParams,
  handler: async (_p, ctx) => {
    const connection = await ctx.services.connections.get(ctx.origin);
    return connection ? [connection.account] : [];
  },
});

const accountsPermissionRequest = () => z.tuple([z.looseObject({ eth_accounts: z.looseObject({}) })]);

export const wallet_requestPermissions = defineMethod({
  method: 'wallet_requestPermissions',
  params: accountsPermissionRequest,
  handler: async (_p, ctx) => {
    const c = await connect(ctx);
    return [accountPermission(ctx.origin, c.connectedAt)];
  },
});

export const wallet_getPermissions = defineMethod({
  method: 'wallet_getPermissions',
  params: noParams,
  handler: async (_p, ctx) => {
    const c = await ctx.services.connections.get(ctx.origin);
    return c ? [accountPermission(ctx.origin, c.connectedAt)] : [];
  },
});

/** Disconnects the site (EIP-2255 shape). Session revocation by context is in methods/permissions.ts. */
export async function disconnectSite(ctx: RequestContext): Promise<null> {
  await requireConnection(ctx);
  await ctx.services.connections.disconnect(ctx.origin);
  await ctx.services.events.broadcast('accountsChanged', [], (o) => o === ctx.origin);
  return null;
}
