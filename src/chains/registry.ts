// The chains the wallet knows. The local devnet is the embedded default; its RPC URL is fixed at
// build time (WXT_DEVNET_RPC_URL) because the devnet script and the test harness choose the port.
import { numberToHex, type Hex } from 'viem';

export interface ChainConfig {
  id: number;
  name: string;
  rpcUrl: string;
  nativeCurrency: { name: string; symbol: string; decimals: number };
  blockExplorerUrl?: string;
  /** devnet: our anvil; testnet: a public chain with the Delegation Framework; custom: added by the user or a dApp. */
  kind: 'devnet' | 'testnet' | 'custom';
}

export const DEVNET_CHAIN_ID = 31337;
export const DEFAULT_DEVNET_RPC_URL = 'http://127.0.0.1:8545';

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

export const builtInChains: readonly ChainConfig[] = [devnet];

export const DEFAULT_CHAIN_ID = DEVNET_CHAIN_ID;

export const chainIdHex = (id: number): Hex => numberToHex(id);
