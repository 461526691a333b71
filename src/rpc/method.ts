// One definition per RPC method: its params schema and its handler. The router knows nothing else.
import type { z } from './schema';
import type { ChainConfig } from '../chains/registry';
import type { ChainRpc } from './chain-rpc';

/** What a handler may use. `origin` always comes from the browser's `sender`, never from the page. */
export interface RequestContext {
  origin: string;
  chain: ChainConfig;
  chainRpc: ChainRpc;
}

export interface MethodDefinition<P = unknown, R = unknown> {
  method: string;
  params: z.ZodMiniType<P>;
  handler: (params: P, context: RequestContext) => Promise<R> | R;
}

export function defineMethod<P, R>(definition: MethodDefinition<P, R>): MethodDefinition<P, R> {
  return definition;
}
