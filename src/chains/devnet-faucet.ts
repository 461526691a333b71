// "Get test ETH" on the local devnet: anvil's anvil_setBalance. Refused on any other chain.
import type { Address } from 'viem';
import { parseEther, toHex } from 'viem';
import { httpChainRpc } from '../rpc/chain-rpc';
import { UnsupportedChainIdError } from '../errors';
import type { ChainConfig } from './registry';

export const DEVNET_FAUCET_AMOUNT = parseEther('100');

export async function fundOnDevnet(chain: ChainConfig, address: Address): Promise<void> {
  if (chain.kind !== 'devnet') throw new UnsupportedChainIdError('Test funds exist only on the local devnet.');
  const rpc = httpChainRpc(chain.rpcUrl);
  const balance = BigInt((await rpc.request('eth_getBalance', [address, 'latest'])) as string);
  await rpc.request('anvil_setBalance', [address, toHex(balance + DEVNET_FAUCET_AMOUNT)]);
}
