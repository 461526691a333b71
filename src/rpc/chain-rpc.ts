// Forwards read-only JSON-RPC calls to the current chain's node.
import { ChainDisconnectedError, RpcError, isRpcErrorPayload } from '../errors';

export interface ChainRpc {
  request(method: string, params: readonly unknown[]): Promise<unknown>;
}

let nextId = 1;

/** A JSON-RPC client over fetch. Node errors keep their code; an unreachable node is 4901. */
export function httpChainRpc(url: string, fetchImpl: typeof fetch = (...a) => fetch(...a)): ChainRpc {
  return {
    async request(method, params) {
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
        });
      } catch {
        throw new ChainDisconnectedError(`The chain's RPC endpoint is unreachable.`);
      }
      if (!response.ok) throw new ChainDisconnectedError(`The chain's RPC endpoint answered HTTP ${response.status}.`);
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new ChainDisconnectedError(`The chain's RPC endpoint answered with invalid JSON.`);
      }
      const { result, error } = (body ?? {}) as { result?: unknown; error?: unknown };
      if (error !== undefined) {
        if (isRpcErrorPayload(error)) throw new RpcError(error.code, error.message, error.data);
        throw new RpcError(-32603, 'The chain returned a malformed error.');
      }
      return result ?? null;
    },
  };
}
