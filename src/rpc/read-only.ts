// Which methods the wallet forwards to the chain's node untouched.
//
// Only `eth_*`, `net_*` and `web3_*` methods are forwarded, and never the ones that sign, send or
// name accounts: a devnet node (anvil) holds unlocked accounts, so forwarding eth_sendTransaction or
// eth_sign would let a page spend from them. Node-admin namespaces (anvil_, evm_, debug_, hardhat_)
// never reach the node from a page.
const WALLET_OWNED = new Set([
  'eth_accounts',
  'eth_requestAccounts',
  'eth_coinbase',
  'eth_sendTransaction',
  'eth_signTransaction',
  'eth_sign',
  'eth_signTypedData',
  'eth_signTypedData_v1',
  'eth_signTypedData_v3',
  'eth_signTypedData_v4',
  'eth_subscribe',
  'eth_unsubscribe',
  'eth_mining',
  'eth_hashrate',
  'eth_submitWork',
  'eth_submitHashrate',
  'eth_getWork',
]);

export function isForwardedToChain(method: string): boolean {
  if (WALLET_OWNED.has(method)) return false;
  return method.startsWith('eth_') || method === 'net_listening' || method === 'net_peerCount' || method === 'web3_clientVersion' || method === 'web3_sha3';
}
