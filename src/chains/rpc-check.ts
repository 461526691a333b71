// Checks an RPC before the wallet trusts it for a network: it must answer `eth_chainId` with the
// chain id the network claims. A node for another chain would have the owner sign transactions the
// page thinks are for one chain while the node relays them (or lies about balances) for another.
import { InvalidParamsError } from '../errors';

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export const RPC_CHECK_TIMEOUT_MS = 8_000;

/** Resolves when `rpcUrl` answers `chainId`; otherwise -32602 naming the reason. */
export async function checkRpcChainId(rpcUrl: string, chainId: number, options: { fetch?: FetchLike; timeoutMs?: number } = {}): Promise<void> {
  const doFetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? RPC_CHECK_TIMEOUT_MS);
  let answer: unknown;
  try {
    const response = await doFetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: controller.signal,
    });
    if (!response.ok) throw new InvalidParamsError(`The RPC at ${rpcUrl} did not answer eth_chainId (HTTP ${response.status}).`);
    answer = await response.json();
  } catch (error) {
    if (error instanceof InvalidParamsError) throw error;
    const why = controller.signal.aborted ? `no answer within ${Math.round((options.timeoutMs ?? RPC_CHECK_TIMEOUT_MS) / 1000)} s` : 'it could not be reached';
    throw new InvalidParamsError(`The RPC at ${rpcUrl} did not answer eth_chainId: ${why}.`);
  } finally {
    clearTimeout(timer);
  }
  const result = (answer as { result?: unknown } | null)?.result;
  if (typeof result !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(result)) {
    throw new InvalidParamsError(`The RPC at ${rpcUrl} did not answer eth_chainId with a chain id.`);
  }
  const actual = Number(BigInt(result));
  if (actual !== chainId) {
    throw new InvalidParamsError(`The RPC at ${rpcUrl} is for chain ${actual}, not chain ${chainId}: it would not send your transactions to the network you asked for.`);
  }
}
