// The shape of devnet/deployment.json, and a checked way to read it. Browser-safe.
// The extension build and the demo dApp read deployment.json; keep this shape stable.
import { getAddress, isAddress, type Address } from 'viem';
import { DEVNET_CHAIN_ID } from './constants';

/**
 * Every caveat enforcer whose bytecode @metamask/delegation-abis ships, i.e. every `*Enforcer`
 * export of `@metamask/delegation-abis/bytecode` except the abstract `CaveatEnforcer`, the
 * interface `ICaveatEnforcer` and the test mocks (`MockCaveatEnforcer`, `MockFailureCaveatEnforcer`).
 * test/integration/devnet.test.ts fails if the package gains one that is not listed here.
 */
export const CAVEAT_ENFORCER_NAMES = [
  'AllowedCalldataEnforcer',
  'AllowedMethodsEnforcer',
  'AllowedTargetsEnforcer',
  'ApprovalRevocationEnforcer',
  'ArgsEqualityCheckEnforcer',
  'BlockNumberEnforcer',
  'DeployedEnforcer',
  'ERC1155BalanceChangeEnforcer',
  'ERC20BalanceChangeEnforcer',
  'ERC20PeriodTransferEnforcer',
  'ERC20StreamingEnforcer',
  'ERC20TransferAmountEnforcer',
  'ERC721BalanceChangeEnforcer',
  'ERC721TransferEnforcer',
  'ExactCalldataBatchEnforcer',
  'ExactCalldataEnforcer',
  'ExactExecutionBatchEnforcer',
  'ExactExecutionEnforcer',
  'IdEnforcer',
  'LimitedCallsEnforcer',
  'LogicalOrWrapperEnforcer',
  'MultiTokenPeriodEnforcer',
  'NativeBalanceChangeEnforcer',
  'NativeTokenPaymentEnforcer',
  'NativeTokenPeriodTransferEnforcer',
  'NativeTokenStreamingEnforcer',
  'NativeTokenTransferAmountEnforcer',
  'NonceEnforcer',
  'OwnershipTransferEnforcer',
  'RedeemerEnforcer',
  'SpecificActionERC20TransferBatchEnforcer',
  'TimestampEnforcer',
  'ValueLteEnforcer',
] as const;

export type CaveatEnforcerName = (typeof CAVEAT_ENFORCER_NAMES)[number];

export interface DevnetContracts {
  DelegationManager: Address;
  EIP7702StatelessDeleGatorImpl: Address;
  /** ERC-4337 EntryPoint v0.7, a constructor argument of the DeleGator implementation. */
  EntryPoint: Address;
  caveatEnforcers: Record<CaveatEnforcerName, Address>;
  DemoToken: Address;
  DemoGame: Address;
  /** The wallet's own combined session caveat enforcer (devnet/contracts/SessionCallEnforcer.sol; not part of the framework). */
  SessionCallEnforcer: Address;
}

export interface DevnetDeployment {
  chainId: typeof DEVNET_CHAIN_ID;
  contracts: DevnetContracts;
}

/** Checks that `json` (e.g. the imported deployment.json) has the expected shape, and types it. */
export function parseDeployment(json: unknown): DevnetDeployment {
  const fail = (what: string): never => {
    throw new Error(`devnet/deployment.json: ${what}`);
  };
  const obj = (v: unknown, what: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(`${what} is not an object`);
  const addr = (v: unknown, what: string): Address =>
    typeof v === 'string' && isAddress(v, { strict: false }) ? getAddress(v) : fail(`${what} is not an address`);

  const root = obj(json, 'root');
  if (root.chainId !== DEVNET_CHAIN_ID) fail(`chainId is ${String(root.chainId)}, expected ${DEVNET_CHAIN_ID}`);
  const c = obj(root.contracts, 'contracts');
  const enf = obj(c.caveatEnforcers, 'contracts.caveatEnforcers');
  const caveatEnforcers = Object.fromEntries(
    CAVEAT_ENFORCER_NAMES.map((n) => [n, addr(enf[n], `contracts.caveatEnforcers.${n}`)]),
  ) as Record<CaveatEnforcerName, Address>;
  return {
    chainId: DEVNET_CHAIN_ID,
    contracts: {
      DelegationManager: addr(c.DelegationManager, 'contracts.DelegationManager'),
      EIP7702StatelessDeleGatorImpl: addr(c.EIP7702StatelessDeleGatorImpl, 'contracts.EIP7702StatelessDeleGatorImpl'),
      EntryPoint: addr(c.EntryPoint, 'contracts.EntryPoint'),
      caveatEnforcers,
      DemoToken: addr(c.DemoToken, 'contracts.DemoToken'),
      DemoGame: addr(c.DemoGame, 'contracts.DemoGame'),
      SessionCallEnforcer: addr(c.SessionCallEnforcer, 'contracts.SessionCallEnforcer'),
    },
  };
}

/** Every address in a deployment, labelled (enforcers as `caveatEnforcers.<Name>`). */
export function deploymentAddresses(d: DevnetDeployment): { label: string; address: Address }[] {
  const { caveatEnforcers, ...rest } = d.contracts;
  return [
    ...Object.entries(rest).map(([label, address]) => ({ label, address })),
    ...Object.entries(caveatEnforcers).map(([name, address]) => ({ label: `caveatEnforcers.${name}`, address })),
  ];
}
