// Where the Delegation Framework lives, per chain. Public chains: @metamask/delegation-deployments
// (version 1.3.0). The devnet: the addresses the devnet deploy script wrote (devnet/deployment.json),
// baked into the build.
import { DELEGATOR_CONTRACTS } from '@metamask/delegation-deployments';
import { getAddress, type Address } from 'viem';
import devnetDeployment from '../../devnet/deployment.json';
import { DEVNET_CHAIN_ID } from './registry';

export const FRAMEWORK_VERSION = '1.3.0';

export interface FrameworkDeployment {
  DelegationManager: Address;
  EIP7702StatelessDeleGatorImpl: Address;
  caveatEnforcers: Record<string, Address>;
}

export interface DevnetDeployment extends FrameworkDeployment {
  DemoToken: Address;
  DemoGame: Address;
  /** The wallet's own combined session enforcer (devnet/contracts/SessionCallEnforcer.sol), not part of the framework. */
  SessionCallEnforcer?: Address;
}

function checksummed<T>(value: T): T {
  if (typeof value === 'string') return getAddress(value) as T;
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, checksummed(v)])) as T;
}

/**
 * The devnet's addresses, each checksummed when first read, not at import: checksumming all of them
 * (a keccak each) was 11 ms of every worker start, which a worker woken for eth_chainId never needs
 * (issue 15, measured with bench/cold-marks.ts and a CPU profile).
 */
export const devnetContracts: DevnetDeployment = lazilyChecksummed(devnetDeployment.contracts as DevnetDeployment);

function lazilyChecksummed<T extends object>(raw: T): T {
  const out = {} as T;
  for (const key of Object.keys(raw) as (keyof T & string)[]) {
    Object.defineProperty(out, key, {
      enumerable: true,
      configurable: true,
      get() {
        const value = checksummed(raw[key]);
        Object.defineProperty(out, key, { value, enumerable: true });
        return value;
      },
    });
  }
  return out;
}

/**
 * The devnet's framework, with the wallet's own SessionCallEnforcer among its caveat enforcers
 * (the delegation backend uses it only once it has seen its code on chain).
 */
// Built on first use: spreading devnetContracts at import read every lazy getter, so every address
// was checksummed (a keccak each) at each worker start after all (issue 15, a CPU profile of the
// worker's start-up: the largest single cost of evaluating it).
let devnetFramework: FrameworkDeployment | undefined;
function devnetFrameworkNow(): FrameworkDeployment {
  return (devnetFramework ??= {
    ...devnetContracts,
    caveatEnforcers: devnetContracts.SessionCallEnforcer ? { ...devnetContracts.caveatEnforcers, SessionCallEnforcer: devnetContracts.SessionCallEnforcer } : devnetContracts.caveatEnforcers,
  });
}

const NON_ENFORCERS = new Set(['DelegationManager', 'EntryPoint', 'SimpleFactory', 'MultiSigDeleGatorImpl', 'HybridDeleGatorImpl', 'EIP7702StatelessDeleGatorImpl']);

export function frameworkFor(chainId: number): FrameworkDeployment | null {
  if (chainId === DEVNET_CHAIN_ID) return devnetFrameworkNow();
  const published = DELEGATOR_CONTRACTS[FRAMEWORK_VERSION]?.[chainId];
  if (!published?.DelegationManager || !published.EIP7702StatelessDeleGatorImpl) return null;
  const caveatEnforcers = Object.fromEntries(Object.entries(published).filter(([name]) => !NON_ENFORCERS.has(name)));
  return checksummed({
    DelegationManager: published.DelegationManager,
    EIP7702StatelessDeleGatorImpl: published.EIP7702StatelessDeleGatorImpl,
    caveatEnforcers,
  });
}
