// A dApp as wagmi's docs write one, with @wagmi/core's actions only: createConfig with the
// injected() connector and EIP-6963 discovery (multiInjectedProviderDiscovery), the devnet and a
// second chain the wallet does not know yet (so switchChain goes through wallet_addEthereumChain,
// as wagmi does on 4902). The e2e spec drives it through `window.wagmiPage`. Test page only.
import {
  connect,
  createConfig,
  disconnect,
  getAccount,
  getBytecode,
  getCallsStatus,
  getChainId,
  getConnectorClient,
  getConnectors,
  injected,
  sendCalls,
  sendTransaction,
  signMessage,
  switchChain,
  waitForCallsStatus,
  waitForTransactionReceipt,
  watchAsset,
  type Config,
} from '@wagmi/core';
import { defineChain, http, type Address, type Hex } from 'viem';
import deployment from '../../../../devnet/deployment.json';

const query = new URLSearchParams(location.search);
const rpcUrl = query.get('rpc') ?? 'http://127.0.0.1:8545';
const devnet = defineChain({
  id: deployment.chainId,
  name: 'Anvil devnet',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [rpcUrl] } },
});
// The second chain's RPC is the spec's stand-in (it answers eth_chainId); wagmi offers its URL to
// the wallet in wallet_addEthereumChain.
const otherId = Number(query.get('otherChainId') ?? '4242');
const other = defineChain({
  id: otherId,
  name: 'Second test chain',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [query.get('otherRpc') ?? 'http://127.0.0.1:1'] } },
});

const config: Config = createConfig({
  chains: [devnet, other],
  connectors: [injected()],
  multiInjectedProviderDiscovery: true,
  transports: { [devnet.id]: http(rpcUrl), [other.id]: http(other.rpcUrls.default.http[0]) },
});

/** bigint -> decimal string, so answers cross page.evaluate as JSON. */
const plain = <T>(v: T): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)));

function connectorById(id: string) {
  const found = getConnectors(config).find((c) => c.id === id);
  if (!found) throw new Error(`no connector ${id}: ${getConnectors(config).map((c) => c.id).join(', ')}`);
  return found;
}

const api = {
  /** What wagmi found: the injected() connector and one per EIP-6963 announcement. */
  connectors: () => getConnectors(config).map((c) => ({ id: c.id, name: c.name, type: c.type, rdns: c.rdns ?? null, icon: typeof c.icon === 'string' ? c.icon.slice(0, 22) : null })),

  async connect(connectorId: string) {
    const r = await connect(config, { connector: connectorById(connectorId) });
    return { accounts: r.accounts, chainId: r.chainId };
  },

  account() {
    const a = getAccount(config);
    return { address: a.address ?? null, status: a.status, chainId: a.chainId ?? null, connector: a.connector ? { id: a.connector.id, name: a.connector.name } : null };
  },

  chainId: () => getChainId(config),

  /** sendTransaction with no `to`: a deployment; the receipt's contractAddress and the code there. */
  async deploy(a: { data: Hex; value: string }) {
    const hash = await sendTransaction(config, { data: a.data, value: BigInt(a.value) } as Parameters<typeof sendTransaction>[1]);
    const receipt = await waitForTransactionReceipt(config, { hash, chainId: devnet.id, pollingInterval: 200 });
    const code = receipt.contractAddress ? await getBytecode(config, { address: receipt.contractAddress, chainId: devnet.id }) : undefined;
    return plain({ hash, status: receipt.status, from: receipt.from, contractAddress: receipt.contractAddress ?? null, code: code ?? null });
  },

  signText: (message: string) => signMessage(config, { message }),
  signRaw: (raw: Hex) => signMessage(config, { message: { raw } }),

  /** personal_sign as MetaMask's older clients send it, [message, address, password], through wagmi's connector client. */
  async personalSign3(a: { message: Hex; password: string }) {
    const client = await getConnectorClient(config);
    return client.request({ method: 'personal_sign', params: [a.message, client.account.address, a.password] } as never) as Promise<Hex>;
  },

  watchAsset: (a: { address: Address; symbol: string; decimals: number }) => watchAsset(config, { type: 'ERC20', options: a }),

  async switchChain(chainId: number) {
    const chain = await switchChain(config, { chainId });
    return { id: chain.id, account: api.account() };
  },

  /** EIP-5792 through wagmi: sendCalls, then getCallsStatus once it is final. */
  async sendCalls(calls: { to?: Address; data?: Hex; value?: string }[]) {
    const { id } = await sendCalls(config, { calls: calls.map((c) => ({ ...c, value: c.value === undefined ? undefined : BigInt(c.value) })) as never });
    await waitForCallsStatus(config, { id, pollingInterval: 200, timeout: 60_000 });
    return plain({ id, status: await getCallsStatus(config, { id }) });
  },

  async disconnect() {
    await disconnect(config);
    return api.account();
  },
};

(window as unknown as { wagmiPage: typeof api }).wagmiPage = api;
document.body.dataset.ready = 'true';
