// Which methods the wallet forwards to the chain's node for a page, and how.
//
// An ALLOW-list, not a deny-list: a devnet node (anvil) holds unlocked development accounts and
// sends for any `from` it is given (eth_sendUnsignedTransaction, eth_sendTransactionSync, and
// whatever the next release adds), so every method the node may ever learn that sends, signs,
// impersonates or rewrites state must stay out by default. A page reaches the node only with
// methods that read. Anything else is 4200 from the router, before the node sees it.
//
// Decisions, with their reasons:
// - eth_call / eth_estimateGas / eth_createAccessList / eth_simulateV1 with `from` = an unlocked
//   account are harmless: they execute against a copy of the state and commit nothing.
// - eth_sendRawTransaction (and its -Sync form, EIP-7966) are forwarded: the transaction carries
//   its signer's signature, so it can move only the funds of whoever signed it, and a page could
//   broadcast it to any public node anyway. It cannot make the node sign for the owner.
// - Filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter, then
//   eth_getFilterChanges / eth_getFilterLogs / eth_uninstallFilter) are forwarded because viem's
//   and ethers' event watchers use them, but a filter id is the node's, shared by every client:
//   without a check, one site could read (and drain) another site's filter or uninstall it. The
//   wallet remembers which origin created each filter and answers any other origin as if the
//   filter did not exist.
// - net_version and eth_chainId are answered by the wallet itself (methods/chain.ts), from the
//   chain the owner chose.
import { InvalidParamsError } from '../errors';
import type { RequestContext } from './method';

const READ_ONLY_METHODS: ReadonlySet<string> = new Set([
  // chain head, fees
  'eth_blockNumber',
  'eth_gasPrice',
  'eth_maxPriorityFeePerGas',
  'eth_feeHistory',
  'eth_blobBaseFee',
  'eth_syncing',
  'eth_protocolVersion',
  // state
  'eth_getBalance',
  'eth_getCode',
  'eth_getStorageAt',
  'eth_getTransactionCount',
  'eth_getProof',
  'eth_getAccount',
  // execution without commit
  'eth_call',
  'eth_estimateGas',
  'eth_createAccessList',
  'eth_simulateV1',
  // blocks, transactions, receipts, logs
  'eth_getBlockByNumber',
  'eth_getBlockByHash',
  'eth_getBlockReceipts',
  'eth_getBlockTransactionCountByNumber',
  'eth_getBlockTransactionCountByHash',
  'eth_getTransactionByHash',
  'eth_getTransactionByBlockNumberAndIndex',
  'eth_getTransactionByBlockHashAndIndex',
  'eth_getTransactionReceipt',
  'eth_getUncleByBlockNumberAndIndex',
  'eth_getUncleByBlockHashAndIndex',
  'eth_getUncleCountByBlockNumber',
  'eth_getUncleCountByBlockHash',
  'eth_getLogs',
  // already signed by their sender (see above)
  'eth_sendRawTransaction',
  'eth_sendRawTransactionSync',
  // node identity
  'net_listening',
  'net_peerCount',
  'web3_clientVersion',
  'web3_sha3',
]);

const FILTER_CREATORS: ReadonlySet<string> = new Set(['eth_newFilter', 'eth_newBlockFilter', 'eth_newPendingTransactionFilter']);
const FILTER_USERS: ReadonlySet<string> = new Set(['eth_getFilterChanges', 'eth_getFilterLogs', 'eth_uninstallFilter']);

/** True when a page may send this method to the node (through `forwardToChain`). */
export function isForwardedToChain(method: string): boolean {
  return READ_ONLY_METHODS.has(method) || FILTER_CREATORS.has(method) || FILTER_USERS.has(method);
}

/** Why a method a page asked for does not reach the node, in words a dApp developer can act on. */
export function notForwardedReason(method: string): string {
  if (/send|sign|impersonat|unlock|^(personal|anvil|evm|hardhat|debug|trace|ots|txpool|admin|miner|engine|eth_submit)_/i.test(method)) {
    return `The wallet does not let a page call ${method} on the node: it could send, sign or change state without the owner's approval. Use eth_sendTransaction or wallet_sendCalls, which the wallet shows the owner first.`;
  }
  return `The wallet does not support ${method}.`;
}

/**
 * Filter ids the node handed out, by the origin that asked for them. In memory: a worker restart
 * forgets them, which a page sees as the node expiring its filter (nodes drop idle filters after
 * about five minutes too), and a page that polls keeps the worker alive. Bounded per origin so one
 * page cannot grow it without end; the oldest id is forgotten first.
 */
const MAX_FILTERS_PER_ORIGIN = 64;
const filterOwners = new Map<string, string[]>(); // `${chainId}|${origin}` -> filter ids, oldest first

const ownerKey = (ctx: Pick<RequestContext, 'chain' | 'origin'>) => `${ctx.chain.id}|${ctx.origin}`;
const normalizeId = (id: unknown) => (typeof id === 'string' ? id.toLowerCase() : undefined);

/** Sends a read-only method to the current chain's node; filter ids stay with the origin that made them. */
export async function forwardToChain(method: string, params: unknown[], ctx: Pick<RequestContext, 'chain' | 'origin' | 'chainRpc'>): Promise<unknown> {
  if (FILTER_USERS.has(method)) {
    const id = normalizeId(params[0]);
    const owned = id !== undefined && (filterOwners.get(ownerKey(ctx)) ?? []).includes(id);
    if (!owned) {
      // The same answer for another origin's filter as for one that never existed.
      if (method === 'eth_uninstallFilter') return false;
      throw new InvalidParamsError(`${method}: filter not found. Create one with eth_newFilter first.`);
    }
    const result = await ctx.chainRpc.request(method, params);
    if (method === 'eth_uninstallFilter') forget(ctx, id);
    return result;
  }
  const result = await ctx.chainRpc.request(method, params);
  if (FILTER_CREATORS.has(method)) {
    const id = normalizeId(result);
    if (id !== undefined) remember(ctx, id);
  }
  return result;
}

function remember(ctx: Pick<RequestContext, 'chain' | 'origin'>, id: string): void {
  const ids = filterOwners.get(ownerKey(ctx)) ?? [];
  ids.push(id);
  if (ids.length > MAX_FILTERS_PER_ORIGIN) ids.splice(0, ids.length - MAX_FILTERS_PER_ORIGIN);
  filterOwners.set(ownerKey(ctx), ids);
}

function forget(ctx: Pick<RequestContext, 'chain' | 'origin'>, id: string): void {
  const ids = (filterOwners.get(ownerKey(ctx)) ?? []).filter((x) => x !== id);
  if (ids.length === 0) filterOwners.delete(ownerKey(ctx));
  else filterOwners.set(ownerKey(ctx), ids);
}
