// Devnet faucet: gives any address test ETH and DEMO. Browser-safe (viem only), so the wallet's
// "get test funds" button can call it directly against the devnet RPC.
// Works only on the devnet: it relies on `anvil_setBalance` and on anvil's unlocked dev accounts.
import { getAddress, type Address } from 'viem';
import { DemoTokenAbi } from './contracts/abis';
import { DEVNET_DEPLOYER, devnetClients } from './constants';
import deploymentJson from './deployment.json' with { type: 'json' };

export interface FundAmounts {
  /** Wei of ETH. */
  eth?: bigint;
  /** Base units (18 decimals) of DEMO. */
  demo?: bigint;
}

export interface FundOptions {
  /** DemoToken address; defaults to the one in devnet/deployment.json. */
  demoToken?: Address;
}

export interface Balances {
  eth: bigint;
  demo: bigint;
}

const clients = devnetClients;

async function balances(rpcUrl: string, address: Address, demoToken: Address): Promise<Balances> {
  const { publicClient } = clients(rpcUrl);
  const [eth, demo] = await Promise.all([
    publicClient.getBalance({ address }),
    publicClient.readContract({ address: demoToken, abi: DemoTokenAbi, functionName: 'balanceOf', args: [address] }),
  ]);
  return { eth, demo };
}

async function mintDemo(rpcUrl: string, demoToken: Address, to: Address, amount: bigint): Promise<void> {
  const { publicClient, walletClient } = clients(rpcUrl);
  const hash = await walletClient.writeContract({ address: demoToken, abi: DemoTokenAbi, functionName: 'mint', args: [to, amount] });
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success') throw new Error(`DemoToken.mint(${to}, ${amount}) reverted (tx ${hash})`);
}

/**
 * Adds `eth` wei (via `anvil_setBalance`) and mints `demo` DEMO to `address`. Returns the new
 * balances. Additive on purpose: each press of "get test funds" gives more.
 */
export async function fundAddress(rpcUrl: string, address: Address, amounts: FundAmounts, opts: FundOptions = {}): Promise<Balances> {
  const to = getAddress(address);
  const demoToken = opts.demoToken ?? getAddress(deploymentJson.contracts.DemoToken);
  const { eth = 0n, demo = 0n } = amounts;
  if (eth < 0n || demo < 0n) throw new RangeError('fund amounts must not be negative');
  const { publicClient, testClient } = clients(rpcUrl);
  if (eth > 0n) {
    // Not atomic with concurrent transfers to `to`, which is fine for a devnet faucet.
    const current = await publicClient.getBalance({ address: to });
    await testClient.setBalance({ address: to, value: current + eth });
  }
  if (demo > 0n) await mintDemo(rpcUrl, demoToken, to, demo);
  return balances(rpcUrl, to, demoToken);
}

/**
 * Tops `address` up to at least `minimum` (never takes anything away), so running it on every
 * devnet start leaves a reused devnet's balances alone once they are high enough.
 */
export async function ensureFunded(rpcUrl: string, address: Address, minimum: FundAmounts, opts: FundOptions = {}): Promise<Balances> {
  const to = getAddress(address);
  const demoToken = opts.demoToken ?? getAddress(deploymentJson.contracts.DemoToken);
  const have = await balances(rpcUrl, to, demoToken);
  const eth = minimum.eth !== undefined && have.eth < minimum.eth ? minimum.eth - have.eth : 0n;
  const demo = minimum.demo !== undefined && have.demo < minimum.demo ? minimum.demo - have.demo : 0n;
  if (eth === 0n && demo === 0n) return have;
  return fundAddress(rpcUrl, to, { eth, demo }, { demoToken });
}
