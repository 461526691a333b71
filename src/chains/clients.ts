// One viem client per chain and RPC URL for the whole worker. Built on first use and kept: a client
// holds no secret, and sharing it lets viem batch parallel reads (the session usage read's eth_calls
// travel in one HTTP request). No retries: a node that fails is reported as it is, and the callers
// that may safely repeat (status polls, resends of signed transactions) do so themselves.
import { createPublicClient, createWalletClient, http, type Chain, type HttpTransport, type LocalAccount, type PublicClient, type WalletClient } from 'viem';
import { toViemChain, type ChainConfig } from './registry';

const publicClients = new Map<string, PublicClient>();

const transportFor = (chain: ChainConfig) => http(chain.rpcUrl, { retryCount: 0, batch: { wait: 0 } });

export function publicClientFor(chain: ChainConfig): PublicClient {
  const key = `${chain.id}|${chain.rpcUrl}`;
  let client = publicClients.get(key);
  if (!client) {
    client = createPublicClient({ chain: toViemChain(chain), transport: transportFor(chain), pollingInterval: 250 });
    publicClients.set(key, client);
  }
  return client;
}

/** A wallet client for `account` on `chain` (cheap to make; the account is the caller's). */
export function walletClientFor(chain: ChainConfig, account: LocalAccount): WalletClient<HttpTransport, Chain, LocalAccount> {
  return createWalletClient({ chain: toViemChain(chain), transport: transportFor(chain), account });
}
