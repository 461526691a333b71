// The chains the wallet knows: the local devnet (the embedded default) and the public testnets where
// the MetaMask Delegation Framework is deployed. Users and dApps may add custom chains (network.ts).
import { numberToHex, type Chain, type Hex } from 'viem';
import { arbitrumSepolia, baseSepolia, sepolia } from 'viem/chains';
import { DEFAULT_CHAIN_ID, DEVNET_CHAIN_ID } from './current';

export interface ChainConfig {
  id: number;
  name: string;
  rpcUrl: string;
  nativeCurrency: { name: string; symbol: string; decimals: number };
  blockExplorerUrl?: string;
  /** devnet: our anvil; testnet: a public chain with the Delegation Framework; custom: added by the user or a dApp. */
  kind: 'devnet' | 'testnet' | 'custom';
}

export { DEFAULT_CHAIN_ID, DEVNET_CHAIN_ID };
export const DEFAULT_DEVNET_RPC_URL = 'http://127.0.0.1:8545';

/** The devnet's RPC URL is fixed at build time: `npm start` and the test harness choose the port. */
export function devnetRpcUrl(): string {
  const fromBuild = import.meta.env?.WXT_DEVNET_RPC_URL as string | undefined;
  return fromBuild && fromBuild.length > 0 ? fromBuild : DEFAULT_DEVNET_RPC_URL;
}

export const devnet: ChainConfig = {
  id: DEVNET_CHAIN_ID,
  name: 'Local devnet',
  rpcUrl: devnetRpcUrl(),
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  kind: 'devnet',
};

const fromViem = (chain: Chain, name: string): ChainConfig => ({
  id: chain.id,
  name,
  rpcUrl: chain.rpcUrls.default.http[0]!,
  nativeCurrency: { ...chain.nativeCurrency },
  ...(chain.blockExplorers ? { blockExplorerUrl: chain.blockExplorers.default.url } : {}),
  kind: 'testnet',
});

export const builtInChains: readonly ChainConfig[] = [
  devnet,
  fromViem(sepolia, 'Sepolia'),
  fromViem(baseSepolia, 'Base Sepolia'),
  fromViem(arbitrumSepolia, 'Arbitrum Sepolia'),
];


export const chainIdHex = (id: number): Hex => numberToHex(id);

/** A viem Chain for clients built from a ChainConfig. */
export function toViemChain(chain: ChainConfig): Chain {
  return {
    id: chain.id,
    name: chain.name,
    nativeCurrency: chain.nativeCurrency,
    rpcUrls: { default: { http: [chain.rpcUrl] } },
    ...(chain.blockExplorerUrl ? { blockExplorers: { default: { name: 'Explorer', url: chain.blockExplorerUrl } } } : {}),
  };
}
