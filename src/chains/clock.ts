import { httpChainRpc } from '../rpc/chain-rpc';

/**
 * The chain's clock: the latest block's timestamp, which is what the TimestampEnforcer compares a
 * session's expiry with. Falls back to this machine's clock when the node does not answer.
 */
export async function chainNow(chain: { rpcUrl: string }): Promise<number> {
  try {
    const block = (await httpChainRpc(chain.rpcUrl).request('eth_getBlockByNumber', ['latest', false])) as { timestamp: string };
    return Number(BigInt(block.timestamp));
  } catch {
    return Math.floor(Date.now() / 1000);
  }
}
