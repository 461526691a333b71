// The devnet the global setup started: deployment, determinism, idempotence, EIP-7702, demo contracts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as frameworkBytecode from '@metamask/delegation-abis/bytecode';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { encodeFunctionData, parseEther, parseEventLogs, type Address } from 'viem';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { startAnvil } from '../../devnet/anvil';
import { ANVIL_DEV_ACCOUNTS, DEMO_OWNER, DEMO_OWNER_FUNDS, DEVNET_DEPLOYER } from '../../devnet/constants';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import { DEPLOYMENT_FILE, deployDevnet, fundAddress, planDevnet, renderDeployment } from '../../devnet/deploy';
import { CAVEAT_ENFORCER_NAMES, deploymentAddresses, parseDeployment, type DevnetDeployment } from '../../devnet/deployment';
import { delegatedImplementation, eip7702Designator } from '../../src/backends/delegation/framework';
import { DelegationManager as DelegationManagerAbi, EIP7702StatelessDeleGator as EIP7702StatelessDeleGatorAbi } from '@metamask/delegation-abis';
import { devnetClients, freePort } from './helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rpcUrl = inject('rpcUrl');
const { publicClient, walletFor } = devnetClients(rpcUrl);

let deployment: DevnetDeployment;
beforeAll(() => {
  // The committed file, read from disk as the extension build and the dApp would see it.
  deployment = parseDeployment(JSON.parse(readFileSync(DEPLOYMENT_FILE, 'utf8')));
});

describe('devnet/deployment.json', () => {
  it('is exactly what the deploy plan computes (so the committed file is current)', () => {
    // If this fails, the bytecode or salt changed: `npm run devnet` rewrites the file; commit it.
    expect(readFileSync(DEPLOYMENT_FILE, 'utf8')).toBe(renderDeployment(planDevnet().deployment));
  });

  it('is built from current demo contract artifacts (artifacts.json matches devnet/contracts/*.sol)', () => {
    const run = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['scripts/compile-contracts.ts', '--check'], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('lists every caveat enforcer whose bytecode @metamask/delegation-abis ships', () => {
    const notDeployable = new Set(['CaveatEnforcer', 'ICaveatEnforcer', 'MockCaveatEnforcer', 'MockFailureCaveatEnforcer']);
    const shipped = Object.keys(frameworkBytecode).filter((n) => n.endsWith('Enforcer') && !notDeployable.has(n));
    expect([...CAVEAT_ENFORCER_NAMES].sort()).toEqual(shipped.sort());
    expect(Object.keys(deployment.contracts.caveatEnforcers).sort()).toEqual(shipped.sort());
  });

  it('has checksummed, distinct addresses', () => {
    const all = deploymentAddresses(deployment);
    expect(all.length).toBe(6 + CAVEAT_ENFORCER_NAMES.length);
    expect(new Set(all.map((a) => a.address.toLowerCase())).size).toBe(all.length);
    const raw = JSON.parse(readFileSync(DEPLOYMENT_FILE, 'utf8')) as { contracts: Record<string, unknown> };
    expect(raw.contracts.DelegationManager).toBe(deployment.contracts.DelegationManager); // already checksummed on disk
  });
});

describe('deployment on the running devnet', () => {
  it('every contract in deployment.json has code', async () => {
    const all = deploymentAddresses(deployment);
    const codes = await Promise.all(all.map(({ address }) => publicClient.getCode({ address })));
    const missing = all.filter((_, i) => !codes[i] || codes[i] === '0x').map((a) => a.label);
    expect(missing).toEqual([]);
  });

  it('is wired as configured: implementation -> DelegationManager/EntryPoint, owner = dev account #0', async () => {
    const c = deployment.contracts;
    const [dm, ep, owner, domainName] = await Promise.all([
      publicClient.readContract({ address: c.EIP7702StatelessDeleGatorImpl, abi: EIP7702StatelessDeleGatorAbi, functionName: 'delegationManager' }),
      publicClient.readContract({ address: c.EIP7702StatelessDeleGatorImpl, abi: EIP7702StatelessDeleGatorAbi, functionName: 'entryPoint' }),
      publicClient.readContract({ address: c.DelegationManager, abi: DelegationManagerAbi, functionName: 'owner' }),
      publicClient.readContract({ address: c.DelegationManager, abi: DelegationManagerAbi, functionName: 'NAME' }),
    ]);
    expect(dm).toBe(c.DelegationManager);
    expect(ep).toBe(c.EntryPoint);
    expect(owner).toBe(DEVNET_DEPLOYER.address);
    expect(domainName).toBe('DelegationManager');
  });

  it('redeploying is idempotent: same addresses, no transaction sent', async () => {
    const [blockBefore, nonceBefore] = await Promise.all([
      publicClient.getBlockNumber(),
      publicClient.getTransactionCount({ address: DEVNET_DEPLOYER.address }),
    ]);
    const report = await deployDevnet(rpcUrl, { writeDeploymentFile: false });
    expect(report.deployed).toEqual([]);
    expect(report.skipped).toHaveLength(6 + CAVEAT_ENFORCER_NAMES.length);
    expect(report.deployment).toEqual(deployment);
    expect(await publicClient.getBlockNumber()).toBe(blockBefore);
    expect(await publicClient.getTransactionCount({ address: DEVNET_DEPLOYER.address })).toBe(nonceBefore);
  });

  it('a fresh chain gets the very same addresses (CREATE2), with every contract deployed', async () => {
    const anvil = await startAnvil({ port: await freePort() });
    try {
      const report = await deployDevnet(anvil.rpcUrl, { writeDeploymentFile: false });
      expect(report.deployed).toHaveLength(6 + CAVEAT_ENFORCER_NAMES.length);
      expect(report.deployment).toEqual(deployment);
    } finally {
      await anvil.stop();
    }
  });

  it('funded the demo owner (anvil dev account #1)', async () => {
    const [eth, demo] = await Promise.all([
      publicClient.getBalance({ address: DEMO_OWNER.address }),
      publicClient.readContract({ address: deployment.contracts.DemoToken, abi: DemoTokenAbi, functionName: 'balanceOf', args: [DEMO_OWNER.address] }),
    ]);
    expect(demo).toBeGreaterThanOrEqual(DEMO_OWNER_FUNDS.demo);
    expect(eth).toBeGreaterThan(parseEther('1000'));
  });
});

describe('EIP-7702', () => {
  it('an anvil account delegates to EIP7702StatelessDeleGatorImpl with a type-4 transaction', async () => {
    // Dev account #2: its key is anvil's public dev key; no other test upgrades it.
    const account = privateKeyToAccount(ANVIL_DEV_ACCOUNTS[2].privateKey);
    const impl = deployment.contracts.EIP7702StatelessDeleGatorImpl;
    const wallet = walletFor(account);
    const authorization = await wallet.signAuthorization({ account, contractAddress: impl, executor: 'self' });
    const hash = await wallet.sendTransaction({ to: account.address, data: '0x', authorizationList: [authorization] });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
    expect(receipt.type).toBe('eip7702');

    const code = await publicClient.getCode({ address: account.address });
    expect(code).toBe(`0xef0100${impl.slice(2).toLowerCase()}`);
    expect(code).toBe(eip7702Designator(impl));
    expect(delegatedImplementation(code)).toBe(impl);

    // The upgraded EOA now runs the DeleGator's code: it can execute a call on itself.
    const game = deployment.contracts.DemoGame;
    const moveData = { abi: DemoGameAbi, functionName: 'move', args: [1] } as const;
    const exec = await wallet.writeContract({
      address: account.address,
      abi: EIP7702StatelessDeleGatorAbi,
      functionName: 'execute',
      args: [{ target: game, value: 0n, callData: encodeFunctionData(moveData) }],
    });
    expect((await publicClient.waitForTransactionReceipt({ hash: exec })).status).toBe('success');
    expect(await publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'score', args: [account.address] })).toBe(1n);
  });
});

describe('demo contracts', () => {
  const alice = privateKeyToAccount(generatePrivateKey());
  const bob = privateKeyToAccount(generatePrivateKey()).address;

  beforeAll(async () => {
    await fundAddress(rpcUrl, alice.address, { eth: parseEther('1') });
  });

  it('DemoToken is an 18-decimal ERC-20 "DEMO" that anyone can mint', async () => {
    const token = { address: deployment.contracts.DemoToken, abi: DemoTokenAbi } as const;
    expect(await publicClient.readContract({ ...token, functionName: 'symbol' })).toBe('DEMO');
    expect(await publicClient.readContract({ ...token, functionName: 'decimals' })).toBe(18);
    const supply0 = await publicClient.readContract({ ...token, functionName: 'totalSupply' });

    const wallet = walletFor(alice);
    await publicClient.waitForTransactionReceipt({ hash: await wallet.writeContract({ ...token, functionName: 'mint', args: [alice.address, parseEther('5')] }) });
    const tx = await wallet.writeContract({ ...token, functionName: 'transfer', args: [bob, parseEther('2')] });
    const receipt = await publicClient.waitForTransactionReceipt({ hash: tx });
    const [transfer] = parseEventLogs({ abi: DemoTokenAbi, logs: receipt.logs, eventName: 'Transfer' });
    expect(transfer?.args).toEqual({ from: alice.address, to: bob, value: parseEther('2') });
    expect(await publicClient.readContract({ ...token, functionName: 'balanceOf', args: [alice.address] })).toBe(parseEther('3'));
    expect(await publicClient.readContract({ ...token, functionName: 'balanceOf', args: [bob] })).toBe(parseEther('2'));
    expect(await publicClient.readContract({ ...token, functionName: 'totalSupply' })).toBe(supply0 + parseEther('5'));

    await expect(
      publicClient.simulateContract({ ...token, account: alice, functionName: 'transfer', args: [bob, parseEther('4')] }),
    ).rejects.toThrow(/InsufficientBalance/);
  });

  it('DemoGame records moves, scores them, and sells items for exactly ITEM_PRICE', async () => {
    const game = { address: deployment.contracts.DemoGame, abi: DemoGameAbi } as const;
    const wallet = walletFor(alice);
    const send = async (hash: Promise<`0x${string}`>) => publicClient.waitForTransactionReceipt({ hash: await hash });

    const r1 = await send(wallet.writeContract({ ...game, functionName: 'move', args: [1] }));
    await send(wallet.writeContract({ ...game, functionName: 'move', args: [0] }));
    const [moved] = parseEventLogs({ abi: DemoGameAbi, logs: r1.logs, eventName: 'Moved' });
    expect(moved?.args).toEqual({ player: alice.address, direction: 1, x: 1n, y: 0n, moves: 1n });
    expect(await publicClient.readContract({ ...game, functionName: 'position', args: [alice.address] })).toEqual([1n, 1n]);
    expect(await publicClient.readContract({ ...game, functionName: 'score', args: [alice.address] })).toBe(2n);
    await expect(publicClient.simulateContract({ ...game, account: alice, functionName: 'move', args: [4] })).rejects.toThrow(/InvalidDirection/);

    const price = await publicClient.readContract({ ...game, functionName: 'ITEM_PRICE' });
    expect(price).toBe(parseEther('0.001'));
    await expect(
      publicClient.simulateContract({ ...game, account: alice, functionName: 'buyItem', args: [7n], value: price - 1n }),
    ).rejects.toThrow(/WrongPayment/);
    const gameBalance0 = await publicClient.getBalance({ address: game.address });
    await send(wallet.writeContract({ ...game, functionName: 'buyItem', args: [7n], value: price }));
    expect(await publicClient.readContract({ ...game, functionName: 'itemsOwned', args: [alice.address, 7n] })).toBe(1n);
    expect(await publicClient.readContract({ ...game, functionName: 'score', args: [alice.address] })).toBe(12n);
    expect(await publicClient.getBalance({ address: game.address })).toBe(gameBalance0 + price);
  });

  it('fundAddress adds ETH and DEMO to any address, additively', async () => {
    const who: Address = privateKeyToAccount(generatePrivateKey()).address;
    const first = await fundAddress(rpcUrl, who, { eth: parseEther('2'), demo: parseEther('50') });
    expect(first).toEqual({ eth: parseEther('2'), demo: parseEther('50') });
    const second = await fundAddress(rpcUrl, who, { eth: parseEther('1'), demo: parseEther('1') });
    expect(second).toEqual({ eth: parseEther('3'), demo: parseEther('51') });
    await expect(fundAddress(rpcUrl, who, { eth: -1n })).rejects.toThrow(RangeError);
  });
});
