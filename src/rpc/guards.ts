// Checks shared by the method handlers.
import { isAddressEqual, type Address } from 'viem';
import type { Connection } from '../connections/connections';
import { UnauthorizedError } from '../errors';
import type { RequestContext } from './method';

/** The origin's connection; 4100 when the owner has not connected this site. */
export async function requireConnection(ctx: RequestContext): Promise<Connection> {
  const connection = await ctx.services.connections.get(ctx.origin);
  if (!connection) throw new UnauthorizedError('Connect to the wallet first (eth_requestAccounts).');
  return connection;
}

/** A dApp may name an account only if it is the one connected to it. */
export function requireSameAccount(connection: Connection, address: string | undefined, what = 'The address'): void {
  if (address !== undefined && !isAddressEqual(address as Address, connection.account)) {
    throw new UnauthorizedError(`${what} is not the account connected to this site.`);
  }
}
