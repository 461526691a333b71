// simulateBundle on the real devnet (anvil's eth_simulateV1): the changes, approvals, fee and
// revert reasons a person sees before approving, measured against what the chain then does.
import { concat, createWalletClient, encodeErrorResult, encodeFunctionData, http, maxUint256, parseAbi, parseEther, size, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { describe, expect, inject, it } from 'vitest';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import { DelegationBackend } from '../../src/backends/delegation/backend';
import { devnetContracts } from '../../src/chains/deployments';
import { DEVNET_CHAIN_ID, toViemChain, type ChainConfig } from '../../src/chains/registry';
import { CREATION_PARTIAL, simulateBundle, type SimulatedTx } from '../../src/simulation/simulate';
import { devnetClients } from './helpers';

const rpcUrl = inject('rpcUrl');
const { publicClient, testClient } = devnetClients(rpcUrl);
const chain: ChainConfig = { id: DEVNET_CHAIN_ID, name: 'Devnet', rpcUrl, nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, kind: 'devnet' };
const { DemoToken, DemoGame } = devnetContracts;
const sink: Address = '0x000000000000000000000000000000000000dEaD';

/** A fresh account with 10 ETH and no DEMO; `upgraded`: delegated (EIP-7702) to the DeleGator. */
async function freshAccount(upgraded = false): Promise<Address> {
  const { address } = privateKeyToAccount(generatePrivateKey());
  await testClient.setBalance({ address, value: parseEther('10') });
  if (upgraded) await testClient.setCode({ address, bytecode: concat(['0xef0100', devnetContracts.EIP7702StatelessDeleGatorImpl]) });
  return address;
}

const mint = (to: Address, amount: bigint): SimulatedTx => ({ to: DemoToken, value: 0n, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'mint', args: [to, amount] }) });
const approveGame = (amount: bigint): SimulatedTx => ({ to: DemoToken, value: 0n, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'approve', args: [DemoGame, amount] }) });
const wrongBuy: SimulatedTx = { to: DemoGame, value: 1n, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'buyItem', args: [1n] }) };

describe('simulateBundle on the devnet', () => {
  it('behavior: ETH sent, DEMO received, an unlimited approval, symbols and decimals from the chain, a fee; nothing changes on chain', async () => {
    const account = await freshAccount();
    const result = await simulateBundle(chain, account, [{ to: sink, value: parseEther('1.5'), data: '0x' }, mint(account, parseEther('20')), approveGame(maxUint256)]);
    expect(result.ok).toBe(true);
    if (result.ok !== true) return;
    expect(result.changes).toEqual([
      { kind: 'native', amount: (-parseEther('1.5')).toString(), symbol: 'ETH', decimals: 18 },
      { kind: 'token', token: DemoToken, amount: parseEther('20').toString(), symbol: 'DEMO', decimals: 18 },
      { kind: 'approval', token: DemoToken, spender: DemoGame, amount: maxUint256.toString(), unlimited: true, symbol: 'DEMO', decimals: 18 },
    ]);
    expect(BigInt(result.fee!.gas)).toBeGreaterThan(21_000n * 3n - 1n);
    expect(BigInt(result.fee!.likely)).toBeGreaterThan(0n);
    expect(BigInt(result.fee!.max)).toBeGreaterThanOrEqual(BigInt(result.fee!.likely));
    // A simulation is a simulation: the account still has its 10 ETH and no DEMO.
    expect(await publicClient.getBalance({ address: account })).toBe(parseEther('10'));
    expect(await publicClient.readContract({ address: DemoToken, abi: DemoTokenAbi, functionName: 'balanceOf', args: [account] })).toBe(0n);
  });

  it('behavior: calls in sequence see each other: a mint then a transfer out is the net change', async () => {
    const account = await freshAccount();
    const result = await simulateBundle(chain, account, [mint(account, 5n), { to: DemoToken, value: 0n, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'transfer', args: [sink, 2n] }) }]);
    expect(result.ok === true && result.changes).toEqual([{ kind: 'token', token: DemoToken, amount: '3', symbol: 'DEMO', decimals: 18 }]);
  });

  it('error: a call that would revert is named, with its decoded reason, and the calls before it still count (sent one by one)', async () => {
    const account = await freshAccount();
    const result = await simulateBundle(chain, account, [{ to: sink, value: parseEther('1'), data: '0x' }, wrongBuy]);
    expect(result.ok).toBe(false);
    if (result.ok !== false) return;
    expect(result.revert).toEqual({ reason: 'WrongPayment(1, 1000000000000000)', call: 2 });
    expect(result.changes).toEqual([{ kind: 'native', amount: (-parseEther('1')).toString(), symbol: 'ETH', decimals: 18 }]);
  });

  it('behavior: an upgraded account\'s batch is simulated as the one execute() transaction the backend sends: all or nothing', async () => {
    const account = await freshAccount(true);
    const backend = new DelegationBackend(chain);
    const calls = [
      { to: sink, value: parseEther('1').toString(), data: '0x' as const },
      { to: DemoGame, value: '1', data: wrongBuy.data },
    ];
    const asSent = backend.ownerTransactions(account, calls, true);
    expect(asSent).toHaveLength(1);
    expect(asSent[0]!.to).toBe(account);
    const result = await simulateBundle(chain, account, calls.map((c) => ({ to: c.to, value: BigInt(c.value), data: c.data })), { asSent });
    // The inner revert bubbles out of execute(); the ETH transfer before it is undone with it.
    expect(result).toMatchObject({ ok: false, changes: [], revert: { reason: 'WrongPayment(1, 1000000000000000)' } });
    expect(result.ok === false && result.revert.call).toBeUndefined();

    const ok = await simulateBundle(chain, account, [{ to: sink, value: parseEther('1'), data: '0x' }, mint(account, 7n)], {
      asSent: backend.ownerTransactions(account, [{ to: sink, value: parseEther('1').toString(), data: '0x' }, { to: DemoToken, value: '0', data: mint(account, 7n).data }], true),
    });
    expect(ok.ok === true && ok.changes).toEqual([
      { kind: 'native', amount: (-parseEther('1')).toString(), symbol: 'ETH', decimals: 18 },
      { kind: 'token', token: DemoToken, amount: '7', symbol: 'DEMO', decimals: 18 },
    ]);
  });

  // Creation code without Solidity: a constructor that returns 1 byte of runtime code (and takes any
  // value), and one that reverts with Error("nope").
  const deployable: Hex = '0x6001600c60003960016000f300';
  const nope = encodeErrorResult({ abi: parseAbi(['error Error(string)']), errorName: 'Error', args: ['nope'] });
  const reverting = concat([`0x60${size(nope).toString(16)}600c600039${`60${size(nope).toString(16)}`}6000fd`, nope]);

  it('behavior: a deployment anvil cannot run in eth_simulateV1 is estimated: it succeeds, the value it sends, a fee at least what the chain then charges, and what is not covered said', async () => {
    const key = generatePrivateKey();
    const account = privateKeyToAccount(key);
    await testClient.setBalance({ address: account.address, value: parseEther('10') });
    const result = await simulateBundle(chain, account.address, [{ value: parseEther('0.25'), data: deployable }]);
    expect(result).toMatchObject({ ok: true, changes: [{ kind: 'native', amount: (-parseEther('0.25')).toString(), symbol: 'ETH', decimals: 18 }], partial: CREATION_PARTIAL });
    if (result.ok !== true) return;
    // Then deployed for real: the estimate covers the gas it used, and nothing else left the account but that and the fee.
    const wallet = createWalletClient({ account, chain: toViemChain(chain), transport: http(rpcUrl) });
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ data: deployable, value: parseEther('0.25') }) });
    expect(receipt.status).toBe('success');
    expect(BigInt(result.fee!.gas)).toBeGreaterThanOrEqual(receipt.gasUsed);
    expect(await publicClient.getCode({ address: receipt.contractAddress! })).toBe('0x00');
    expect(await publicClient.getBalance({ address: receipt.contractAddress! })).toBe(parseEther('0.25'));
  });

  it('error: a deployment whose constructor reverts is "would fail" with the decoded reason, before anything is signed', async () => {
    const account = await freshAccount();
    expect(await simulateBundle(chain, account, [{ value: 0n, data: reverting }])).toEqual({ ok: false, changes: [], revert: { reason: 'nope' }, partial: CREATION_PARTIAL });
    expect(await simulateBundle(chain, account, [{ value: 0n, data: '0x60006000fd' }])).toMatchObject({ ok: false, revert: { reason: 'it reverted without a reason' } });
  });
});
