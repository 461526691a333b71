// Shared setup for the session tests on the devnet (not a test file itself): a fresh 7702-upgraded
// owner, fresh session keys, granting a scope as a signed delegation, sending a session batch with
// a fixed gas limit (so a refused call really goes on chain instead of failing at estimation),
// revoking, and moving the chain clock.
import { readFileSync } from 'node:fs';
import { encodeFunctionData, getAddress, parseEther, type Address, type Hex, type TransactionReceipt } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import { DEPLOYMENT_FILE } from '../../devnet/deploy';
import { parseDeployment } from '../../devnet/deployment';
import { delegatedImplementation, encodeDisableDelegation } from '../../src/backends/delegation/framework';
import { encodeSessionBatch, readSessionUsage, rootOf, signSessionDelegation, type SessionDelegation, type SessionFramework } from '../../src/backends/delegation/session-chain';
import type { SessionCall, SessionScope, SessionUsage } from '../../src/permissions/types';
import { devnetClients } from './helpers';

/** Gas per redemption when a batch is forced on chain without estimation: well above the ~200-300k one costs. */
export const GAS_PER_CALL = 700_000n;

export function sessionEnv(rpcUrl: string) {
  const clients = devnetClients(rpcUrl);
  const { chain, publicClient, testClient, walletFor } = clients;
  const deployment = parseDeployment(JSON.parse(readFileSync(DEPLOYMENT_FILE, 'utf8')));
  const c = deployment.contracts;
  /** The framework's enforcers plus the wallet's own SessionCallEnforcer, as the wallet sees the devnet. */
  const withSessionCall = { ...c.caveatEnforcers, SessionCallEnforcer: c.SessionCallEnforcer };
  const framework: SessionFramework = { DelegationManager: c.DelegationManager, caveatEnforcers: withSessionCall };

  async function mine(hash: Promise<Hex>): Promise<TransactionReceipt> {
    return publicClient.waitForTransactionReceipt({ hash: await hash });
  }

  /** A fresh owner key: funded, 7702-upgraded to EIP7702StatelessDeleGator, holding DEMO. */
  async function newOwner(opts: { eth?: bigint; demo?: bigint } = {}): Promise<PrivateKeyAccount> {
    const owner = privateKeyToAccount(generatePrivateKey());
    await testClient.setBalance({ address: owner.address, value: opts.eth ?? parseEther('1000') });
    const wallet = walletFor(owner);
    const authorization = await wallet.signAuthorization({ account: owner, contractAddress: c.EIP7702StatelessDeleGatorImpl, executor: 'self' });
    const r = await mine(wallet.sendTransaction({ to: owner.address, data: '0x', authorizationList: [authorization] }));
    if (r.status !== 'success') throw new Error('7702 upgrade reverted');
    if (delegatedImplementation(await publicClient.getCode({ address: owner.address })) !== c.EIP7702StatelessDeleGatorImpl) throw new Error('not upgraded');
    await mintDemo(c.DemoToken, owner.address, opts.demo ?? parseEther('1000000'));
    return owner;
  }

  async function mintDemo(token: Address, to: Address, amount: bigint): Promise<void> {
    const r = await mine(walletFor(deployer()).writeContract({ address: token, abi: DemoTokenAbi, functionName: 'mint', args: [to, amount] }));
    if (r.status !== 'success') throw new Error('mint reverted');
  }

  // Anvil's dev account #0 is unlocked: a JSON-RPC account, nonce assigned by the node.
  const deployer = () => '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' as Address;

  /** A fresh session key with a gas stipend. */
  async function newSessionKey(stipend = parseEther('100')): Promise<PrivateKeyAccount> {
    const key = privateKeyToAccount(generatePrivateKey());
    await testClient.setBalance({ address: key.address, value: stipend });
    return key;
  }

  /**
   * The owner signs what the wallet signs for `scope` (one delegation, or a chain with a leaf per
   * call group) to the session key: with the framework's enforcers only (what every chain gets),
   * or with `sessionCall`, as on a chain where the wallet's SessionCallEnforcer is deployed.
   */
  async function grant(owner: PrivateKeyAccount, sessionKey: Address, scope: SessionScope, opts: { sessionCall?: boolean } = {}): Promise<SessionDelegation> {
    const enforcers = opts.sessionCall ? withSessionCall : c.caveatEnforcers;
    return signSessionDelegation(owner, { delegator: owner.address, delegate: sessionKey, scope, enforcers, context: { chainId: chain.id, delegationManager: c.DelegationManager } });
  }

  /** Sends redeemDelegations calldata from the session key with a fixed gas limit (no estimation, no simulation). */
  async function sendForced(sessionKey: PrivateKeyAccount, data: Hex, calls: number): Promise<TransactionReceipt> {
    return mine(walletFor(sessionKey).sendTransaction({ to: c.DelegationManager, data, gas: GAS_PER_CALL * BigInt(calls) + 200_000n }));
  }

  async function sendBatch(sessionKey: PrivateKeyAccount, delegation: SessionDelegation, scope: SessionScope, calls: SessionCall[]): Promise<TransactionReceipt> {
    return sendForced(sessionKey, encodeSessionBatch(delegation, scope, calls), calls.length);
  }

  /** The owner disables the delegation through its own account (a self-call to DeleGator.disableDelegation). */
  async function revoke(owner: PrivateKeyAccount, delegation: SessionDelegation): Promise<TransactionReceipt> {
    const r = await mine(walletFor(owner).sendTransaction({ to: owner.address, data: encodeDisableDelegation(rootOf(delegation)) }));
    if (r.status !== 'success') throw new Error('disableDelegation reverted');
    return r;
  }

  const usage = (delegation: SessionDelegation, scope: SessionScope): Promise<SessionUsage> => readSessionUsage(publicClient, delegation, scope, framework);

  async function now(): Promise<number> {
    return Number((await publicClient.getBlock()).timestamp);
  }

  async function increaseTime(seconds: number): Promise<void> {
    await testClient.increaseTime({ seconds });
    await testClient.mine({ blocks: 1 });
  }

  const calls = {
    move: (direction: number): SessionCall => ({ to: c.DemoGame, value: 0n, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'move', args: [direction] }) }),
    buyItem: (id: bigint, value = parseEther('0.001')): SessionCall => ({
      to: c.DemoGame,
      value,
      data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'buyItem', args: [id] }),
    }),
    transfer: (token: Address, to: Address, amount: bigint): SessionCall => ({
      to: token,
      value: 0n,
      data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'transfer', args: [to, amount] }),
    }),
    mint: (token: Address, to: Address, amount: bigint): SessionCall => ({
      to: token,
      value: 0n,
      data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'mint', args: [to, amount] }),
    }),
    approve: (token: Address, spender: Address, amount: bigint): SessionCall => ({
      to: token,
      value: 0n,
      data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'approve', args: [spender, amount] }),
    }),
    pay: (to: Address, value: bigint, data: Hex = '0x'): SessionCall => ({ to, value, data }),
  };

  /** A second ERC-20 (another DemoToken instance), for sessions with two token allowances. */
  async function deployToken(): Promise<Address> {
    const artifacts = JSON.parse(readFileSync(new URL('../../devnet/contracts/artifacts.json', import.meta.url), 'utf8')) as Record<string, { bytecode: Hex }>;
    const bytecode = artifacts.DemoToken?.bytecode;
    if (!bytecode) throw new Error('no DemoToken bytecode in devnet/contracts/artifacts.json');
    const r = await mine(walletFor(deployer()).deployContract({ abi: DemoTokenAbi, bytecode, account: deployer(), chain }));
    if (!r.contractAddress) throw new Error('token deploy failed');
    return getAddress(r.contractAddress);
  }

  const balanceOf = (token: Address, who: Address) => publicClient.readContract({ address: token, abi: DemoTokenAbi, functionName: 'balanceOf', args: [who] });
  const score = (who: Address) => publicClient.readContract({ address: c.DemoGame, abi: DemoGameAbi, functionName: 'score', args: [who] });

  return { ...clients, deployment, contracts: c, framework, newOwner, newSessionKey, grant, sendForced, sendBatch, revoke, usage, now, increaseTime, calls, deployToken, mintDemo, balanceOf, score };
}

export type SessionEnv = ReturnType<typeof sessionEnv>;
