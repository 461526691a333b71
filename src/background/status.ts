// The wallet's view of its chain for the popup: node reachable, block height, framework present.
import type { ChainConfig } from '../chains/registry';
import { frameworkFor } from '../chains/deployments';
import type { ChainRpc } from '../rpc/chain-rpc';

export interface WalletStatus {
  chain: { id: number; name: string; rpcUrl: string; kind: string };
  node: { reachable: true; blockNumber: number; clientVersion: string } | { reachable: false; message: string };
  framework: { delegationManager: string; deployed: boolean } | null;
}

export async function readWalletStatus(chain: ChainConfig, rpc: ChainRpc, timeoutMs = 6_000): Promise<WalletStatus> {
  const framework = frameworkFor(chain.id);
  const base = { chain: { id: chain.id, name: chain.name, rpcUrl: chain.rpcUrl, kind: chain.kind } };
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A node that never answers must not hold the popup's refresh: it counts as unreachable.
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('The node did not answer in time.')), timeoutMs);
  });
  try {
    const [blockHex, clientVersion, code] = await Promise.race([timedOut, Promise.all([
      rpc.request('eth_blockNumber', []) as Promise<string>,
      rpc.request('web3_clientVersion', []).catch(() => 'unknown') as Promise<string>,
      framework ? (rpc.request('eth_getCode', [framework.DelegationManager, 'latest']) as Promise<string>) : Promise.resolve('0x'),
    ])]);
    return {
      ...base,
      node: { reachable: true, blockNumber: Number(BigInt(blockHex)), clientVersion },
      framework: framework ? { delegationManager: framework.DelegationManager, deployed: code !== '0x' && code.length > 2 } : null,
    };
  } catch (error) {
    return {
      ...base,
      node: { reachable: false, message: error instanceof Error ? error.message : 'The node did not answer.' },
      framework: framework ? { delegationManager: framework.DelegationManager, deployed: false } : null,
    };
  } finally {
    clearTimeout(timer);
  }
}
