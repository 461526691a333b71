// Where the Delegation Framework and the demo contracts live, per chain. The devnet's addresses are
// written by the devnet deploy script (devnet/deployment.json) and baked into the build.
import { getAddress, type Address } from 'viem';
import devnetDeployment from '../../devnet/deployment.json';
import { DEVNET_CHAIN_ID } from './registry';

export interface FrameworkDeployment {
  DelegationManager: Address;
  EIP7702StatelessDeleGatorImpl: Address;
  caveatEnforcers: Record<string, Address>;
}

export interface DevnetDeployment extends FrameworkDeployment {
  DemoToken: Address;
  DemoGame: Address;
}

function checksummed<T>(value: T): T {
  if (typeof value === 'string') return getAddress(value) as T;
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, checksummed(v)])) as T;
}

export const devnetContracts: DevnetDeployment = checksummed(devnetDeployment.contracts as DevnetDeployment);

export function frameworkFor(chainId: number): FrameworkDeployment | null {
  if (chainId === DEVNET_CHAIN_ID) return devnetContracts;
  return null; // Public testnets: issue 3 adds them from @metamask/delegation-deployments.
}
