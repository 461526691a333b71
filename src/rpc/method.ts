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

/**
 * `params` may be given as a function that builds the schema: it is then built on the method's first
 * request, not when the worker starts (issue 15: building every method's schema at import was a
 * large part of a cold start, and most methods are never called in a given worker's life).
 */
export function defineMethod<P, R>(definition: Omit<MethodDefinition<P, R>, 'params'> & { params: z.ZodMiniType<P> | (() => z.ZodMiniType<P>) }): MethodDefinition<P, R> {
  const { params } = definition;
  if (typeof params !== 'function') return { ...definition, params };
  let built: z.ZodMiniType<P> | undefined;
  return {
    method: definition.method,
    handler: definition.handler,
    get params() {
      return (built ??= params());
    },
  };
}
