// Where the Delegation Framework lives, per chain. Public chains: @metamask/delegation-deployments
// (version 1.3.0). The devnet: the addresses the devnet deploy script wrote (devnet/deployment.json),
// baked into the build.
import { DELEGATOR_CONTRACTS } from '@metamask/delegation-deployments';
import type { Address } from 'viem';
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

/**
 * The devnet's addresses as the deploy script wrote them, checksummed there. Not checksummed again
 * here: that is a keccak per address, and the first backend a cold worker builds paid ~4 ms for
 * the devnet's 39 (issue 15, bench/cold-send-trace.ts); at import it was 11 ms of every worker
 * start. test/unit/deployments.test.ts checks every address here and in the published framework
 * deployments is already in checksum form.
 */
export const devnetContracts: DevnetDeployment = devnetDeployment.contracts as DevnetDeployment;

/**
 * The devnet's framework, with the wallet's own SessionCallEnforcer among its caveat enforcers
 * (the delegation backend uses it only once it has seen its code on chain).
 */
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
  // Checksummed as published (test/unit/deployments.test.ts).
  const caveatEnforcers = Object.fromEntries(Object.entries(published).filter(([name]) => !NON_ENFORCERS.has(name))) as Record<string, Address>;
  return { DelegationManager: published.DelegationManager as Address, EIP7702StatelessDeleGatorImpl: published.EIP7702StatelessDeleGatorImpl as Address, caveatEnforcers };
}
