// Gas of the EIP-7702 upgrade (type-4 transaction with one authorization to the framework's
// EIP7702StatelessDeleGator) and of its undo, against a plain 1-wei transfer as the baseline; on a
// fresh devnet started by the benchmark.
import { createPublicClient, createWalletClient, http, parseEther, toHex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startDevnet } from '../devnet/index';
import { devnet as devnetChain, toViemChain } from '../src/chains/registry';
import { setDelegation } from '../src/account/owner-actions';
import { report, value } from './lib';

export async function benchAccount(port: number): Promise<void> {
  const net = await startDevnet({ port, quiet: true });
  try {
    const chain = { ...devnetChain, rpcUrl: net.rpcUrl };
    const publicClient = createPublicClient({ transport: http(net.rpcUrl) });
    const owner = privateKeyToAccount(generatePrivateKey());
    await publicClient.request({ method: 'anvil_setBalance' as never, params: [owner.address, toHex(parseEther('10'))] as never });
    const wallet = createWalletClient({ account: owner, chain: toViemChain(chain), transport: http(net.rpcUrl) });
    const gasOf = async (hash: `0x${string}`) => Number((await publicClient.waitForTransactionReceipt({ hash })).gasUsed);

    const transfer = await gasOf(await wallet.sendTransaction({ to: privateKeyToAccount(generatePrivateKey()).address, value: 1n }));
    const upgrade = await gasOf(await setDelegation(chain, owner, 'framework'));
    const undo = await gasOf(await setDelegation(chain, owner, 'none'));
    report('EIP-7702 upgrade gas (devnet)', value('plain ETH transfer', transfer, 'gas'), [value('upgrade (authorization to the framework)', upgrade, 'gas'), value('undo (authorization to 0x0)', undo, 'gas')]);
  } finally {
    await net.stop();
  }
}
