// One viem client per chain and RPC URL for the whole worker. Built on first use and kept: a client
// holds no secret, and sharing it lets parallel reads travel together (the session usage read's
// eth_calls go as one message: one WebSocket message where the node serves a socket, socket-rpc.ts,
// else one HTTP request). No retries: a node that fails is reported as it is, and the callers
// that may safely repeat (status polls, resends of signed transactions) do so themselves.
//
// The clients carry only the actions the wallet calls (viem's tree-shakable actions on a bare
// createClient), not createPublicClient/createWalletClient's full sets: those pulled every viem
// action (ENS, filters, contract deployment, ...) into the service worker's start-up JS, ~110 kB
// of it (issue 15). A method not listed here is a type error, not a runtime surprise: the type is
// built from the same list as the object.
import { createClient, type Chain, type Client, type LocalAccount, type PublicClient, type TransactionReceipt, type Transport, type WalletClient } from 'viem';
import {
  estimateFeesPerGas,
  estimateGas,
  getBalance,
  getBlock,
  getCode,
  getTransactionCount,
  getTransactionReceipt,
  prepareTransactionRequest,
  readContract,
  sendRawTransaction,
  sendTransaction,
  signAuthorization,
} from 'viem/actions';
import { toViemChain, type ChainConfig } from './registry';
import { waitForReceipt, type WaitForReceiptArgs } from './receipt-wait';
import { openSocket, socketFirst } from './socket-rpc';

// waitForTransactionReceipt is the wallet's own (receipt-wait.ts: viem's can hang on an automine devnet).
const PUBLIC_ACTIONS = { estimateFeesPerGas, estimateGas, getBalance, getBlock, getCode, getTransactionCount, getTransactionReceipt, readContract, sendRawTransaction, waitForTransactionReceipt: waitForReceipt };
const WALLET_ACTIONS = { prepareTransactionRequest, sendTransaction, signAuthorization };

/** A node client with the reads (and the raw send) the wallet uses; a full viem PublicClient is one too. */
export type ChainClient = Client &
  Pick<PublicClient, Exclude<keyof typeof PUBLIC_ACTIONS, 'waitForTransactionReceipt'>> & { waitForTransactionReceipt(args: WaitForReceiptArgs): Promise<TransactionReceipt> };
/** A client that signs as `account` locally; what the wallet uses of viem's WalletClient. */
export type ChainWalletClient = Client<Transport, Chain, LocalAccount> & Pick<WalletClient<Transport, Chain, LocalAccount>, keyof typeof WALLET_ACTIONS>;

type AnyAction = (client: Client, args: never) => unknown;
/** `actions` bound to `client`, as client.extend(publicActions) binds the full set. */
const bound = (actions: Record<string, AnyAction>) => (client: Client) => Object.fromEntries(Object.entries(actions).map(([name, action]) => [name, (args: never) => action(client, args)]));

const publicClients = new Map<string, ChainClient>();

// Over a WebSocket to the node where it serves one (socket-rpc.ts), else HTTP, batching parallel requests.
const transportFor = (chain: ChainConfig) => socketFirst(chain.rpcUrl, { retryCount: 0, batch: { wait: 0 } });

export function publicClientFor(chain: ChainConfig): ChainClient {
  const key = `${chain.id}|${chain.rpcUrl}`;
  let client = publicClients.get(key);
  if (!client) {
    const base = createClient({ chain: toViemChain(chain), transport: transportFor(chain), pollingInterval: 250 });
    client = base.extend(bound(PUBLIC_ACTIONS as unknown as Record<string, AnyAction>)) as unknown as ChainClient;
    publicClients.set(key, client);
  }
  return client;
}

/**
 * Makes `chain`'s client and opens its connection to the node now: a worker woken by a request
 * calls this while the request is on its way, so the request's reads find a WebSocket ready
 * instead of going over HTTP while one opens (issue 15: a cold send).
 */
export function connectEarly(chain: ChainConfig): void {
  publicClientFor(chain);
  openSocket(chain.rpcUrl);
}

/** A wallet client for `account` on `chain` (cheap to make; the account is the caller's). */
export function walletClientFor(chain: ChainConfig, account: LocalAccount): ChainWalletClient {
  const base = createClient({ chain: toViemChain(chain), transport: transportFor(chain), account });
  return base.extend(bound(WALLET_ACTIONS as unknown as Record<string, AnyAction>)) as unknown as ChainWalletClient;
}
