// How the local Wallet API stand-in touches the devnet (anvil): reading state, simulating a batch,
// relaying an owner's signed EIP-7702 authorization from a funded relayer, and executing a batch as
// the account itself by impersonation. Test infrastructure only (anvil_* methods).
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  encodeAbiParameters,
  encodeFunctionData,
  http,
  parseEther,
  type Address,
  type Chain,
  type Hex,
  type SignedAuthorization,
  type TransactionReceipt,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { EIP7702StatelessDeleGator } from '@metamask/delegation-abis';
import type { Call } from './permissions';

/** ERC-7579 mode code "batch, revert on failure" (callType 0x01, execType 0x00). */
const BATCH_DEFAULT_MODE: Hex = '0x0100000000000000000000000000000000000000000000000000000000000000';

const EXECUTIONS = [
  {
    type: 'tuple[]',
    components: [
      { name: 'target', type: 'address' },
      { name: 'value', type: 'uint256' },
      { name: 'callData', type: 'bytes' },
    ],
  },
] as const;

/**
 * Calldata of the account calling itself: EIP7702StatelessDeleGator.execute(BatchDefault, calls),
 * which is allowed from the account itself (onlyEntryPointOrSelf) and runs the calls atomically
 * with msg.sender = the account.
 */
export function selfExecuteCalldata(calls: readonly Call[]): Hex {
  const executions = calls.map((c) => ({ target: c.to, value: c.value ?? 0n, callData: c.data ?? '0x' }));
  return encodeFunctionData({
    abi: EIP7702StatelessDeleGator,
    functionName: 'execute',
    args: [BATCH_DEFAULT_MODE, encodeAbiParameters(EXECUTIONS, [executions])],
  });
}

/** The code an EOA has once it is 7702-delegated to `implementation`: 0xef0100 ‖ address. */
export function designatorOf(implementation: Address): Hex {
  return `0xef0100${implementation.slice(2).toLowerCase()}`;
}

export type ChainAccess = Awaited<ReturnType<typeof connectChain>>;

export async function connectChain(rpcUrl: string) {
  const bare = createPublicClient({ transport: http(rpcUrl) });
  const chainId = await bare.getChainId();
  const chain: Chain = {
    id: chainId,
    name: `devnet ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  };
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 20 });
  const testClient = createTestClient({ chain, transport, mode: 'anvil' });
  const impersonated = new Set<string>();

  // A relayer of our own (fresh key, funded by anvil_setBalance) pays for authorization relays, so
  // no anvil dev account's nonce is shared with other tests.
  const relayer = privateKeyToAccount(generatePrivateKey());
  await testClient.setBalance({ address: relayer.address, value: parseEther('1000') });
  const relayerWallet = createWalletClient({ chain, transport, account: relayer });
  const accountWallet = createWalletClient({ chain, transport });

  async function impersonate(address: Address): Promise<void> {
    if (impersonated.has(address.toLowerCase())) return;
    await testClient.impersonateAccount({ address });
    impersonated.add(address.toLowerCase());
  }

  return {
    chainId,
    chain,
    publicClient,
    testClient,
    relayerAddress: relayer.address,

    async code(address: Address): Promise<Hex> {
      return (await publicClient.getCode({ address })) ?? '0x';
    },

    /** Gas the account's self-call would use, or the revert reason. */
    async estimateSelfExecute(account: Address, calls: readonly Call[]): Promise<{ ok: true; gas: bigint } | { ok: false; reason: string }> {
      try {
        const gas = await publicClient.estimateGas({ account, to: account, data: selfExecuteCalldata(calls) });
        return { ok: true, gas };
      } catch (err) {
        const e = err as { shortMessage?: string; details?: string; message: string };
        return { ok: false, reason: e.details ?? e.shortMessage ?? e.message };
      }
    },

    /**
     * Sends a type-4 transaction from the relayer to the account carrying the owner's signed
     * authorization, so the delegation is applied for real (eth_getCode shows 0xef0100 ‖ impl).
     */
    async relayAuthorization(account: Address, authorization: SignedAuthorization): Promise<TransactionReceipt> {
      const hash = await relayerWallet.sendTransaction({ to: account, data: '0x', authorizationList: [authorization] });
      return publicClient.waitForTransactionReceipt({ hash });
    },

    /** Runs the batch as the account (impersonated): one transaction, the account pays its gas. */
    async executeAsAccount(
      account: Address,
      calls: readonly Call[],
      fees: { gas: bigint; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint },
    ): Promise<TransactionReceipt> {
      await impersonate(account);
      const hash = await accountWallet.sendTransaction({
        account,
        chain,
        to: account,
        data: selfExecuteCalldata(calls),
        gas: fees.gas,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      });
      return publicClient.waitForTransactionReceipt({ hash });
    },

    async stop(): Promise<void> {
      for (const address of impersonated) {
        await testClient.stopImpersonatingAccount({ address: address as Address }).catch(() => undefined);
      }
      impersonated.clear();
    },
  };
}
