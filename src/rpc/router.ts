// The provider router: validates the envelope, picks the method's definition, validates its params,
// and runs its handler. Only the allow-listed read-only chain methods go to the node (read-only.ts);
// anything else is 4200.
import { UnsupportedMethodError } from '../errors';
import type { MethodDefinition, RequestContext } from './method';
import { forwardToChain, isForwardedToChain, notForwardedReason } from './read-only';
import { noParams, parseParams, parseProviderRequest, z } from './schema';

// Forwarded methods take positional params; the node validates their contents.
const forwardedParams = z.lazy(() => z.array(z.unknown()));

const isEmpty = (params: unknown) => params === undefined || params === null || (Array.isArray(params) && params.length === 0);

export interface Router {
  handle(request: unknown, context: RequestContext): Promise<unknown>;
  methods(): string[];
}

export function createRouter(definitions: readonly MethodDefinition<any, unknown>[]): Router {
  const byMethod = new Map(definitions.map((d) => [d.method, d]));
  return {
    async handle(raw, context) {
      const request = parseProviderRequest(raw);
      const definition = byMethod.get(request.method);
      if (definition) {
        // A method without params asked without params (eth_chainId, the request that often wakes the
        // worker) needs no schema: this is exactly what noParams accepts, and zod's first use (its
        // classes compiled, the schema built) is then not paid before the answer (issue 15).
        const params = definition.params === noParams && isEmpty(request.params) ? ([] as unknown[]) : parseParams(definition.params, request.params, request.method);
        return await definition.handler(params, context);
      }
      if (isForwardedToChain(request.method)) {
        const params = parseParams(forwardedParams, request.params, request.method);
        return await forwardToChain(request.method, params, context);
      }
      throw new UnsupportedMethodError(notForwardedReason(request.method));
    },
    methods: () => [...byMethod.keys()],
  };
}
