// What the owner does with its own key: the EIP-7702 upgrade and its undo, and plain calls.
// Each returns as soon as the transaction is submitted; the popup follows the receipt.
import { zeroAddress, type Address, type Hex, type LocalAccount, type TransactionReceipt } from 'viem';
import { type ChainConfig } from '../chains/registry';
import { frameworkFor } from '../chains/deployments';
import { ChainDisconnectedError, InvalidParamsError, RpcError, UnsupportedChainIdError } from '../errors';
import { classifyCode, type DelegationState } from './delegation-state';
import { publicClientFor, walletClientFor } from '../chains/clients';

export interface AccountView {
  address: Address;
  balance: string; // wei, decimal string (JSON-safe)
  delegation: DelegationState;
  /** The contract the account is meant to delegate to on this network (null: none deployed). */
  frameworkImplementation: Address | null;
  /** What that contract is, in words. */
  implementationName: string;
}

/** The 7702 target a backend expects, when it is not the Delegation Framework's. */
export interface ExpectedImplementation {
  address: Address;
  name: string;
}

const clients = (chain: ChainConfig, account?: LocalAccount) => ({
  publicClient: publicClientFor(chain),
  walletClient: account ? walletClientFor(chain, account) : null,
});

/** Node failures become clear wallet errors instead of viem's long messages. */
async function onChain<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RpcError) throw error;
    const text = error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error);
    if (/fetch failed|HTTP request failed|ECONNREFUSED|Failed to fetch|NetworkError/i.test(text)) {
      throw new ChainDisconnectedError(`${what}: the chain's RPC endpoint is unreachable.`);
    }
    if (/insufficient funds/i.test(text)) throw new RpcError(-32000, `${what}: the account does not have enough ETH to pay for gas.`);
    throw new RpcError(-32000, `${what}: ${text.split('\n')[0]}`);
  }
}

/** How long the popup waits for the node before saying it cannot reach it (a node that never answers would otherwise leave it waiting). */
export const ACCOUNT_READ_TIMEOUT_MS = 6_000;

export async function readAccount(
  chain: ChainConfig,
  address: Address,
  expected?: ExpectedImplementation,
  { timeoutMs = ACCOUNT_READ_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<AccountView> {
  const { publicClient } = clients(chain);
  const impl = expected?.address ?? frameworkFor(chain.id)?.EIP7702StatelessDeleGatorImpl ?? null;
  const implementationName = expected?.name ?? "the Delegation Framework's EIP7702StatelessDeleGator";
  const unreachable = () => new ChainDisconnectedError(`Cannot reach the network (${chain.name}).`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unreachable()), timeoutMs);
  });
  try {
    return await Promise.race([
      onChain('Reading the account', async () => {
        const [balance, code] = await Promise.all([publicClient.getBalance({ address }), publicClient.getCode({ address })]);
        return { address, balance: balance.toString(), delegation: classifyCode(code, impl), frameworkImplementation: impl, implementationName };
      }),
      timedOut,
    ]);
  } catch (error) {
    // One plain sentence naming the network, whether the node refused or never answered.
    if (error instanceof ChainDisconnectedError) throw unreachable();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Upgrades the owner's EOA with EIP-7702: signs an authorization to the framework's
 * EIP7702StatelessDeleGator (or to the zero address, which clears any delegation) and sends it in a
 * type-4 transaction to itself. `executor: 'self'` because the same account sends the transaction,
 * so the authorization nonce is the transaction nonce + 1.
 */
export async function setDelegation(chain: ChainConfig, owner: LocalAccount, target: 'framework' | 'none'): Promise<Hex> {
  const framework = frameworkFor(chain.id);
  if (target === 'framework' && !framework) throw new UnsupportedChainIdError(`The Delegation Framework is not deployed on ${chain.name}.`);
  const contractAddress = target === 'framework' ? framework!.EIP7702StatelessDeleGatorImpl : zeroAddress;
  const { walletClient } = clients(chain, owner);
  return onChain(target === 'framework' ? 'Upgrading the account' : 'Removing the delegation', async () => {
    const authorization = await walletClient!.signAuthorization({ account: owner, contractAddress, executor: 'self' });
    return walletClient!.sendTransaction({ account: owner, chain: walletClient!.chain, to: owner.address, data: '0x', authorizationList: [authorization] });
  });
}

export interface OwnerCall {
  to: Address;
  value: bigint;
  data: Hex;
}

export async function sendOwnerCall(chain: ChainConfig, owner: LocalAccount, call: OwnerCall): Promise<Hex> {
  if (call.value < 0n) throw new InvalidParamsError('The value cannot be negative.');
  const { walletClient } = clients(chain, owner);
  return onChain('Sending the call', () =>
    walletClient!.sendTransaction({ account: owner, chain: walletClient!.chain, to: call.to, value: call.value, data: call.data }),
  );
}

export type TransactionStatus =
  | { state: 'pending'; hash: Hex }
  | { state: 'success' | 'reverted'; hash: Hex; blockNumber: string; gasUsed: string };

export async function transactionStatus(chain: ChainConfig, hash: Hex): Promise<TransactionStatus> {
  const { publicClient } = clients(chain);
  return onChain('Reading the transaction', async () => {
    let receipt: TransactionReceipt;
    try {
      receipt = await publicClient.getTransactionReceipt({ hash });
    } catch (error) {
      if ((error as { name?: string }).name === 'TransactionReceiptNotFoundError') return { state: 'pending', hash };
      throw error;
    }
    return { state: receipt.status, hash, blockNumber: receipt.blockNumber.toString(), gasUsed: receipt.gasUsed.toString() };
  });
}
