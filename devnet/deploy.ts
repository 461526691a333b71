// Deploys the MetaMask Delegation Framework (from @metamask/delegation-abis bytecode) and the demo
// contracts onto a devnet, every one through the CREATE2 deployer with DEVNET_SALT.
//
// Why CREATE2 and not the framework's canonical v1.3.0 addresses: those were deployed through the
// same CREATE2 deployer with salt "GATOR", but the creation bytecode in @metamask/delegation-abis
// 2.0.0 is a separate build (different metadata), so (deployer, "GATOR", initCode) reproduces only
// one of the 38 canonical addresses (ApprovalRevocationEnforcer). Exact canonical addresses would need
// the original artifacts, which no installed package ships. CREATE2 with our own salt keeps the
// important property: identical addresses on every fresh devnet, computable without a chain.
//
// Idempotent: a contract whose address already has code is skipped, so deploying onto a running
// devnet sends no transactions.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as frameworkBytecode from '@metamask/delegation-abis/bytecode';
import { concat, encodeAbiParameters, getContractAddress, type Address, type Hex } from 'viem';
import { CREATE2_DEPLOYER, DEMO_OWNER, DEMO_OWNER_FUNDS, DEVNET_CHAIN_ID, DEVNET_DEPLOYER, DEVNET_SALT, devnetClients } from './constants';
import artifactsJson from './contracts/artifacts.json' with { type: 'json' };
import {
  CAVEAT_ENFORCER_NAMES,
  deploymentAddresses,
  type CaveatEnforcerName,
  type DevnetDeployment,
} from './deployment';
import { ensureFunded, type Balances } from './fund';

export { ensureFunded, fundAddress, type Balances, type FundAmounts, type FundOptions } from './fund';

export const DEPLOYMENT_FILE = fileURLToPath(new URL('./deployment.json', import.meta.url));

interface PlannedContract {
  /** Where it goes in the deployment (enforcers as `caveatEnforcers.<Name>`). */
  label: string;
  initCode: Hex;
  address: Address;
}

function planned(label: string, creationCode: Hex, ctorArgs: Hex = '0x'): PlannedContract {
  const initCode = concat([creationCode, ctorArgs]);
  return { label, initCode, address: getContractAddress({ opcode: 'CREATE2', from: CREATE2_DEPLOYER, salt: DEVNET_SALT, bytecode: initCode }) };
}

const addressArgs = (...addresses: Address[]): Hex =>
  encodeAbiParameters(addresses.map(() => ({ type: 'address' })), addresses);

function demoBytecode(name: 'DemoToken' | 'DemoGame' | 'SessionCallEnforcer'): Hex {
  const a = (artifactsJson as Record<string, { bytecode: string } | undefined>)[name];
  if (!a?.bytecode.startsWith('0x')) throw new Error(`devnet/contracts/artifacts.json has no ${name}; run npx tsx scripts/compile-contracts.ts`);
  return a.bytecode as Hex;
}

/**
 * The full deployment, computed offline: every contract's init code and CREATE2 address, in an
 * order where constructor arguments only name contracts listed earlier.
 */
export function planDevnet(): { contracts: PlannedContract[]; deployment: DevnetDeployment } {
  // The DelegationManager's owner can pause it; on the devnet that is dev account #0. It is a
  // constructor argument, so it is part of the init code and of the address.
  const delegationManager = planned('DelegationManager', frameworkBytecode.DelegationManager, addressArgs(DEVNET_DEPLOYER.address));
  const entryPoint = planned('EntryPoint', frameworkBytecode.EntryPoint);
  const impl = planned(
    'EIP7702StatelessDeleGatorImpl',
    frameworkBytecode.EIP7702StatelessDeleGator,
    addressArgs(delegationManager.address, entryPoint.address),
  );

  const enforcers = {} as Record<CaveatEnforcerName, PlannedContract>;
  // ArgsEqualityCheckEnforcer first: NativeTokenPaymentEnforcer takes its address.
  const ordered = ['ArgsEqualityCheckEnforcer', ...CAVEAT_ENFORCER_NAMES.filter((n) => n !== 'ArgsEqualityCheckEnforcer')] as const;
  for (const name of ordered) {
    const args =
      name === 'LogicalOrWrapperEnforcer'
        ? addressArgs(delegationManager.address)
        : name === 'NativeTokenPaymentEnforcer'
          ? addressArgs(delegationManager.address, enforcers.ArgsEqualityCheckEnforcer.address)
          : '0x';
    enforcers[name] = planned(`caveatEnforcers.${name}`, frameworkBytecode[name], args);
  }
  const demoToken = planned('DemoToken', demoBytecode('DemoToken'));
  const demoGame = planned('DemoGame', demoBytecode('DemoGame'));
  // The wallet's own enforcer (devnet/contracts/SessionCallEnforcer.sol), not part of the framework.
  const sessionCall = planned('SessionCallEnforcer', demoBytecode('SessionCallEnforcer'));

  const deployment: DevnetDeployment = {
    chainId: DEVNET_CHAIN_ID,
    contracts: {
      DelegationManager: delegationManager.address,
      EIP7702StatelessDeleGatorImpl: impl.address,
      EntryPoint: entryPoint.address,
      caveatEnforcers: Object.fromEntries(CAVEAT_ENFORCER_NAMES.map((n) => [n, enforcers[n].address])) as Record<CaveatEnforcerName, Address>,
      DemoToken: demoToken.address,
      DemoGame: demoGame.address,
      SessionCallEnforcer: sessionCall.address,
    },
  };
  return {
    contracts: [delegationManager, entryPoint, impl, ...ordered.map((n) => enforcers[n]), demoToken, demoGame, sessionCall],
    deployment,
  };
}

/** deployment.json's exact text for a deployment (stable key order, trailing newline). */
export function renderDeployment(d: DevnetDeployment): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

/** Writes devnet/deployment.json if its content differs. Returns whether it wrote. */
export function writeDeploymentFile(d: DevnetDeployment, file = DEPLOYMENT_FILE): boolean {
  const text = renderDeployment(d);
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  writeFileSync(file, text);
  return true;
}

export interface DeployReport {
  deployment: DevnetDeployment;
  /** Labels of the contracts this call deployed. */
  deployed: string[];
  /** Labels of the contracts that already had code. */
  skipped: string[];
  deploymentFileWritten: boolean;
  ms: number;
}

const clients = devnetClients;

async function codePresence(rpcUrl: string, addresses: readonly Address[]): Promise<boolean[]> {
  const { publicClient } = clients(rpcUrl);
  const codes = await Promise.all(addresses.map((address) => publicClient.getCode({ address })));
  return codes.map((c) => c !== undefined && c !== '0x');
}

/**
 * Deploys whatever of the plan is missing on `rpcUrl` and (by default) rewrites
 * devnet/deployment.json when the addresses changed. Throws if any contract ends up without code.
 */
export async function deployDevnet(rpcUrl: string, opts: { writeDeploymentFile?: boolean } = {}): Promise<DeployReport> {
  const t0 = performance.now();
  const { publicClient, walletClient } = clients(rpcUrl);
  const chainId = await publicClient.getChainId();
  if (chainId !== DEVNET_CHAIN_ID) throw new Error(`refusing to deploy the devnet onto chain ${chainId} (expected ${DEVNET_CHAIN_ID})`);
  const [factoryPresent] = await codePresence(rpcUrl, [CREATE2_DEPLOYER]);
  if (!factoryPresent) throw new Error(`no CREATE2 deployer at ${CREATE2_DEPLOYER} on ${rpcUrl}; is this anvil?`);

  const { contracts, deployment } = planDevnet();
  const present = await codePresence(rpcUrl, contracts.map((c) => c.address));
  const missing = contracts.filter((_, i) => !present[i]);

  // Sent one after another (anvil assigns increasing nonces), receipts awaited together: with
  // automine each transaction is mined as it arrives, so this is bounded by RPC round trips.
  const hashes: Hex[] = [];
  for (const c of missing) {
    hashes.push(await walletClient.sendTransaction({ to: CREATE2_DEPLOYER, data: concat([DEVNET_SALT, c.initCode]) }));
  }
  const receipts = await Promise.all(hashes.map((hash) => publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 })));
  receipts.forEach((r, i) => {
    if (r.status !== 'success') throw new Error(`deploying ${missing[i]?.label} reverted (tx ${r.transactionHash})`);
  });
  const after = await codePresence(rpcUrl, contracts.map((c) => c.address));
  const stillMissing = contracts.filter((_, i) => !after[i]).map((c) => `${c.label} at ${c.address}`);
  if (stillMissing.length > 0) throw new Error(`no code after deploy: ${stillMissing.join(', ')}`);

  return {
    deployment,
    deployed: missing.map((c) => c.label),
    skipped: contracts.filter((_, i) => present[i]).map((c) => c.label),
    deploymentFileWritten: opts.writeDeploymentFile === false ? false : writeDeploymentFile(deployment),
    ms: performance.now() - t0,
  };
}

/**
 * Whether `rpcUrl` is a devnet of ours with everything deployed: chain 31337 and code at every
 * planned address. Used to decide if a node already on the devnet port may be reused.
 */
export async function isDeployedDevnet(rpcUrl: string, chainId?: number): Promise<boolean> {
  if (chainId !== undefined && chainId !== DEVNET_CHAIN_ID) return false;
  try {
    const { publicClient } = clients(rpcUrl);
    if (chainId === undefined && (await publicClient.getChainId()) !== DEVNET_CHAIN_ID) return false;
    const all = deploymentAddresses(planDevnet().deployment).map((a) => a.address);
    return (await codePresence(rpcUrl, all)).every(Boolean);
  } catch {
    return false;
  }
}

/** Tops the demo owner (anvil dev account #1) up to DEMO_OWNER_FUNDS. */
export async function fundDemoOwner(rpcUrl: string, deployment: DevnetDeployment): Promise<Balances> {
  return ensureFunded(rpcUrl, DEMO_OWNER.address, DEMO_OWNER_FUNDS, { demoToken: deployment.contracts.DemoToken });
}
