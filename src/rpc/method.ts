// One definition per RPC method: its params schema and its handler. The router knows nothing else.
import type { ChainConfig } from '../chains/registry';
import type { Services } from '../services';
import type { ChainRpc } from './chain-rpc';
import type { z } from './schema';

/** What a handler may use. `origin` always comes from the browser's `sender`, never from the page. */
export interface RequestContext {
  origin: string;
  chain: ChainConfig;
  chainRpc: ChainRpc;
  /** Unique per dApp request (made by the bridge); a retried request carries the same id. */
  requestId: string;
  services: Services;
}

export interface MethodDefinition<P = unknown, R = unknown> {
  method: string;
  params: z.ZodMiniType<P>;
  handler: (params: P, context: RequestContext) => Promise<R> | R;
}

export function defineMethod<P, R>(definition: MethodDefinition<P, R>): MethodDefinition<P, R> {
  return definition;
}
