// Simulation: what a bundle would do to the account's money, before anything is signed. One
// function, simulateBundle, for every path that asks (the owner's approval window; the session path
// can call it before a session key signs).
//
// How: one eth_simulateV1 block on the latest state, with the account's transactions between
// balance probes: [probes before, ...transactions, probes after]. The probes run from the zero
// address with bounded gas: ETH through a tiny contract placed by state override (BALANCE of the
// account), tokens through `balanceOf(account)`. The difference is the change, whatever path the
// value took (a refund, a fee-on-transfer token). viem's `simulateCalls({ traceAssetChanges })`
// does the same with a code-less "deployless" call for the ETH probe, which anvil refuses ("missing
// keys: to"), hence this module. Simulated calls pay no gas (validation off), so the ETH change is
// the value moved only; the fee is reported on its own.
//
// Which tokens: first the contracts the calls go to; a token that moves only inside a call (a
// swap, a game paying out) shows up in the Transfer logs, and then one more simulation measures it
// too. Approvals are read from the Approval / ApprovalForAll logs the account emitted.
//
// `asSent`: the transactions the account will really send (a 7702 account's batch is one
// transaction to itself running execute(), all or nothing). Without it each call is its own
// transaction from the account, which is exactly what is sent for a single call, a deployment and
// a non-atomic bundle; for a batch it gives the same balance changes in the common cases (every
// call still comes from the account), but not its all-or-nothing revert.
//
// A deployment (no `to`, always sent alone) that the node cannot run in eth_simulateV1 (anvil
// cannot) is estimated instead (simulateCreation): success or the revert, the value sent and the
// fee, with `partial` saying what an estimate leaves out.
//
// Never blocks: a node without eth_simulateV1 (-32601), any other failure, or no answer within
// SIMULATION_TIMEOUT_MS is `{ ok: 'unknown', reason }`, which the window shows plainly.
import {
  decodeErrorResult,
  getAddress,
  pad,
  parseAbi,
  toEventSelector,
  zeroAddress,
  type Abi,
  type Address,
  type Hex,
  type Log,
} from 'viem';
import { simulateBlocks } from 'viem/actions';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import { publicClientFor, type ChainClient } from '../chains/clients';
import type { ChainConfig } from '../chains/registry';
import { readTokens } from '../chains/tokens';

/** How long the window waits for a simulation before it says it could not simulate. */
export const SIMULATION_TIMEOUT_MS = 10_000;
/** Gas each balance probe may use: enough for any honest balanceOf, bounded against a hostile one. */
const PROBE_GAS = 200_000n;
/** Runtime code: return BALANCE(calldata[0..32]). Placed at PROBE by state override. */
const ETH_PROBE_CODE: Hex = '0x6000353160005260206000f3';
const ETH_PROBE: Address = '0x00000000000000000000000000000000DeaDBeef';
/** ERC-20 amounts from here up read as "all your tokens" (uint96 max and above: the usual "infinite" values). */
export const UNLIMITED_FROM = 2n ** 96n - 1n;

// The ERC-20/721 events' topics, from their signatures (public hashes, named where they come from).
// The topics and ABIs below are computed on first use, not at import: each is keccak or ABI parsing
// that every worker start paid before it could answer anything (issue 15, a CPU profile of start-up).
let topicsMemo: { transfer: Hex; approval: Hex; approvalForAll: Hex } | undefined;
const topics = () =>
  (topicsMemo ??= {
    transfer: toEventSelector('Transfer(address,address,uint256)'),
    approval: toEventSelector('Approval(address,address,uint256)'),
    approvalForAll: toEventSelector('ApprovalForAll(address,address,bool)'),
  });
/** traceTransfers' synthetic ETH Transfer logs come from this address; ETH is probed on its own. */
const ETH_LOG_ADDRESS = '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
/** Errors a revert is decoded with besides Solidity's own Error/Panic: the devnet contracts', OpenZeppelin's ERC-20 ones. */
let revertAbiMemo: Abi | undefined;
const REVERT_ABI = (): Abi =>
  (revertAbiMemo ??= [
    ...(DemoGameAbi as Abi).filter((i) => i.type === 'error'),
    ...(DemoTokenAbi as Abi).filter((i) => i.type === 'error'),
    ...parseAbi([
      'error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)',
      'error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)',
      'error ERC20InvalidReceiver(address receiver)',
    ]),
  ] as Abi);

/** A transaction from the account: no `to` creates a contract. */
export interface SimulatedTx {
  to?: Address;
  value: bigint;
  data: Hex;
}

/** One change to the account, amounts as decimal strings (JSON-safe; the window and Activity show them). */
export type BalanceChange =
  /** ETH (the network's coin): `amount` is signed, in wei; negative is sent. */
  | { kind: 'native'; amount: string; symbol: string; decimals: number }
  /** A token read from its contract; `symbol`/`decimals` absent when it does not say (raw units). */
  | { kind: 'token'; token: Address; amount: string; symbol?: string; decimals?: number }
  /** The account let `spender` take up to `amount` of `token` (ERC-20 Approval). */
  | { kind: 'approval'; token: Address; spender: Address; amount: string; unlimited: boolean; symbol?: string; decimals?: number }
  /** The account let `operator` take all of its tokens in `token` (ApprovalForAll), or took it back. */
  | { kind: 'approvalForAll'; token: Address; operator: Address; approved: boolean; symbol?: string };

/** The network fee estimate: gas the simulation used × the fee per gas now, in wei. */
export interface FeeEstimate {
  gas: string;
  /** gas × (base fee + priority fee): what the send likely costs. */
  likely: string;
  /** gas × max fee per gas: the most it may cost at that gas. */
  max: string;
}

export type SimulationResult =
  /** `partial`: what this result does not cover, in words (a deployment the node could only estimate). */
  | { ok: true; changes: BalanceChange[]; fee?: FeeEstimate; partial?: string }
  /** It would revert: `reason` decoded; `call` the 1-based call when the bundle is sent call by call. */
  | { ok: false; changes: BalanceChange[]; fee?: FeeEstimate; revert: { reason: string; call?: number }; partial?: string }
  | { ok: 'unknown'; reason: string };

/** What a deployment's estimate (simulateCreation) cannot say, as the window shows it. */
export const CREATION_PARTIAL =
  "This network's node cannot simulate a contract deployment in full: whether it succeeds and its fee come from the node's gas estimate, and any token the new contract's code moves while it is created is not shown.";

export interface SimulateBundleOptions {
  /** The transactions the account will really send for `calls` (see the header); default: one per call. */
  asSent?: readonly SimulatedTx[];
  /** Default: the chain's shared client. Tests pass a fake. */
  client?: ChainClient;
  timeoutMs?: number;
}

/** What the bundle would do from `account` on `chain`, or why that cannot be said. Never throws. */
export async function simulateBundle(
  chain: ChainConfig,
  account: Address,
  calls: readonly SimulatedTx[],
  opts: SimulateBundleOptions = {},
): Promise<SimulationResult> {
  const client = opts.client ?? publicClientFor(chain);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<SimulationResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: 'unknown', reason: `The network did not answer the simulation within ${Math.round((opts.timeoutMs ?? SIMULATION_TIMEOUT_MS) / 1000)} seconds.` }),
      opts.timeoutMs ?? SIMULATION_TIMEOUT_MS,
    );
  });
  const txs = opts.asSent ?? calls;
  const creation = txs.length === 1 && txs[0]!.to === undefined ? txs[0]! : undefined;
  // Some nodes (anvil among them) cannot run a creation (a call with no `to`) in eth_simulateV1:
  // a deployment, always sent alone, is then estimated instead.
  const simulated = run(client, chain, account, txs, calls).catch((error: unknown) => {
    if (!creation) throw error;
    return simulateCreation(client, chain, account, creation);
  });
  try {
    return await Promise.race([simulated, timeout]);
  } catch (error) {
    return { ok: 'unknown', reason: unknownReason(error) };
  } finally {
    clearTimeout(timer);
  }
}

function unknownReason(error: unknown): string {
  const codes: unknown[] = [];
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e && codes.length < 5; e = e.cause as typeof e) codes.push(e.code);
  if (codes.includes(-32601)) return "This network's node cannot simulate transactions (it has no eth_simulateV1).";
  const text = (error as { shortMessage?: string }).shortMessage ?? (error as Error)?.message ?? String(error);
  if (/fetch failed|HTTP request failed|Failed to fetch|ECONNREFUSED/i.test(text)) return "The network's node could not be reached.";
  return `The network's node could not simulate it: ${text.split('\n')[0]!.slice(0, 200)}`;
}

type CallResult = { status: 'success' | 'failure'; data: Hex; gasUsed: bigint; logs?: readonly Log[] };

/**
 * A deployment where the node's eth_simulateV1 cannot run it: eth_estimateGas, which nodes run for a
 * creation, says whether it succeeds (a revert comes back with its data) and the gas it takes. The
 * ETH change is the value the account sends to the new contract (paid whatever the constructor
 * does); what the constructor does to tokens is not known, and `partial` says so. Throws when the
 * node did not answer with an estimate or a revert (the caller says it could not simulate).
 */
async function simulateCreation(client: ChainClient, chain: ChainConfig, account: Address, tx: SimulatedTx): Promise<SimulationResult> {
  const sent: BalanceChange[] = tx.value > 0n ? [{ kind: 'native', amount: (-tx.value).toString(), symbol: chain.nativeCurrency.symbol, decimals: chain.nativeCurrency.decimals }] : [];
  let gas: bigint;
  try {
    gas = await client.estimateGas({ account, data: tx.data, value: tx.value });
  } catch (error) {
    const data = revertDataOf(error);
    if (data === undefined) throw error;
    return { ok: false, changes: [], revert: { reason: revertReason(data) }, partial: CREATION_PARTIAL };
  }
  const fee = await feeEstimate(client, gas);
  return { ok: true, changes: sent, ...(fee ? { fee } : {}), partial: CREATION_PARTIAL };
}

/** The revert data of a node's "execution reverted" answer ('0x' when it gave none); undefined for any other failure. */
function revertDataOf(error: unknown): Hex | undefined {
  let reverted = false;
  for (let e = error as { code?: unknown; data?: unknown; name?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (typeof e.data === 'string' && /^0x(?:[0-9a-fA-F]{2})*$/.test(e.data) && (e.code === 3 || reverted)) return e.data as Hex;
    if (e.code === 3 || e.name === 'ExecutionRevertedError') reverted = true;
  }
  return reverted ? '0x' : undefined;
}

async function run(client: ChainClient, chain: ChainConfig, account: Address, txs: readonly SimulatedTx[], calls: readonly SimulatedTx[]): Promise<SimulationResult> {
  // The calls' targets first; tokens that move inside a call are found in the logs and measured next.
  let tokens = unique(calls.flatMap((c) => (c.to ? [c.to] : [])));
  let outcome = await simulateOnce(client, account, txs, tokens);
  const moved = unique([...transferTokens(outcome.txResults, account), ...approvals(outcome.txResults, account).map((a) => a.token)]).filter(
    (t) => !tokens.some((k) => k.toLowerCase() === t.toLowerCase()),
  );
  if (moved.length > 0) {
    tokens = [...tokens, ...moved];
    outcome = await simulateOnce(client, account, txs, tokens);
  }
  const { txResults, ethDiff, tokenDiffs } = outcome;

  const approvalEvents = approvals(txResults, account);
  const infoFor = unique([...Object.keys(tokenDiffs) as Address[], ...approvalEvents.map((a) => a.token)]);
  const [infos, fee] = await Promise.all([readTokens(client, infoFor), feeEstimate(client, txResults.reduce((sum, r) => sum + r.gasUsed, 0n))]);
  const info = (a: Address) => infos[a];

  const changes: BalanceChange[] = [];
  if (ethDiff !== 0n) changes.push({ kind: 'native', amount: ethDiff.toString(), symbol: chain.nativeCurrency.symbol, decimals: chain.nativeCurrency.decimals });
  for (const [token, diff] of Object.entries(tokenDiffs) as [Address, bigint][]) {
    if (diff === 0n) continue;
    const t = info(token);
    changes.push({ kind: 'token', token, amount: diff.toString(), ...(t ? { symbol: t.symbol, decimals: t.decimals } : {}) });
  }
  for (const a of approvalEvents) {
    const t = info(a.token);
    if (a.kind === 'approval') changes.push({ kind: 'approval', token: a.token, spender: a.spender, amount: a.amount.toString(), unlimited: a.amount >= UNLIMITED_FROM, ...(t ? { symbol: t.symbol, decimals: t.decimals } : {}) });
    else changes.push({ kind: 'approvalForAll', token: a.token, operator: a.spender, approved: a.approved, ...(t ? { symbol: t.symbol } : {}) });
  }

  const failed = txResults.findIndex((r) => r.status === 'failure');
  const feePart = fee ? { fee } : {};
  if (failed < 0) return { ok: true, changes, ...feePart };
  // One transaction per call: the failing one is named. A single batch transaction: the batch fails as a whole.
  const call = txs === calls && calls.length > 1 ? { call: failed + 1 } : {};
  return { ok: false, changes, ...feePart, revert: { reason: revertReason(txResults[failed]!.data), ...call } };
}

async function simulateOnce(client: ChainClient, account: Address, txs: readonly SimulatedTx[], tokens: readonly Address[]) {
  const probes = [
    { from: zeroAddress, to: ETH_PROBE, data: pad(account), gas: PROBE_GAS },
    ...tokens.map((t) => ({ from: zeroAddress, to: t, data: encodeBalanceOf(account), gas: PROBE_GAS })),
  ];
  const [block] = await simulateBlocks(client, {
    blocks: [
      {
        calls: [...probes, ...txs.map((tx) => ({ from: account, ...(tx.to ? { to: tx.to } : {}), value: tx.value, data: tx.data })), ...probes] as never,
        stateOverrides: [{ address: ETH_PROBE, code: ETH_PROBE_CODE }],
      },
    ],
  });
  const results = block!.calls as unknown as CallResult[];
  const before = results.slice(0, probes.length);
  const txResults = results.slice(probes.length, probes.length + txs.length);
  const after = results.slice(probes.length + txs.length);
  const balance = (r: CallResult | undefined) => (r && r.status === 'success' && /^0x[0-9a-fA-F]{64}$/.test(r.data) ? BigInt(r.data) : undefined);
  const ethBefore = balance(before[0]);
  const ethAfter = balance(after[0]);
  const tokenDiffs: Record<Address, bigint> = {};
  tokens.forEach((t, i) => {
    const b = balance(before[i + 1]);
    const a = balance(after[i + 1]);
    // A target that is no token (an EOA answers empty, a contract reverts) is left out.
    if (b !== undefined && a !== undefined) tokenDiffs[t] = a - b;
  });
  return { txResults, ethDiff: ethBefore !== undefined && ethAfter !== undefined ? ethAfter - ethBefore : 0n, tokenDiffs };
}

const encodeBalanceOf = (account: Address): Hex => `0x70a08231${pad(account).slice(2)}`;

function unique(addresses: readonly Address[]): Address[] {
  const seen = new Map<string, Address>();
  for (const a of addresses) if (!seen.has(a.toLowerCase())) seen.set(a.toLowerCase(), a);
  return [...seen.values()];
}

const topicIs = (topic: Hex | undefined, account: Address) => topic?.toLowerCase() === pad(account.toLowerCase() as Hex).toLowerCase();
const topicAddress = (topic: Hex): Address => getAddress(`0x${topic.slice(26)}`);
/** Logs of the transactions that succeed: a reverted one's are undone (traceTransfers even logs its ETH). */
const liveLogs = (results: readonly CallResult[]): Log[] => results.filter((r) => r.status === 'success').flatMap((r) => [...(r.logs ?? [])]);

function transferTokens(results: readonly CallResult[], account: Address): Address[] {
  return liveLogs(results)
    .filter((l) => l.topics[0]?.toLowerCase() === topics().transfer && l.address.toLowerCase() !== ETH_LOG_ADDRESS && (topicIs(l.topics[1], account) || topicIs(l.topics[2], account)))
    .map((l) => getAddress(l.address));
}

type ApprovalEvent = { kind: 'approval'; token: Address; spender: Address; amount: bigint } | { kind: 'approvalForAll'; token: Address; spender: Address; approved: boolean };

/** The account's approvals, the last one per token and spender (a later approve replaces an earlier one). */
function approvals(results: readonly CallResult[], account: Address): ApprovalEvent[] {
  const last = new Map<string, ApprovalEvent>();
  for (const l of liveLogs(results)) {
    const [topic, owner, spender] = l.topics;
    if (!topic || !spender || !topicIs(owner, account)) continue;
    // ERC-20's Approval has 3 topics; ERC-721's (one token id, indexed) has 4 and is not an allowance.
    if (topic.toLowerCase() === topics().approval && l.topics.length === 3 && /^0x[0-9a-fA-F]{64}/.test(l.data)) {
      last.set(`a|${l.address}|${spender}`.toLowerCase(), { kind: 'approval', token: getAddress(l.address), spender: topicAddress(spender), amount: BigInt(l.data.slice(0, 66)) });
    } else if (topic.toLowerCase() === topics().approvalForAll && /^0x[0-9a-fA-F]{64}/.test(l.data)) {
      last.set(`f|${l.address}|${spender}`.toLowerCase(), { kind: 'approvalForAll', token: getAddress(l.address), spender: topicAddress(spender), approved: BigInt(l.data.slice(0, 66)) !== 0n });
    }
  }
  // An approval back to zero is a revocation: it takes nothing, so it is not listed as a danger.
  return [...last.values()].filter((a) => (a.kind === 'approval' ? a.amount > 0n : true));
}

/** The revert in words: Error(string)'s text, a known custom error with its arguments, else its selector. */
export function revertReason(data: Hex): string {
  if (!data || data === '0x') return 'it reverted without a reason';
  try {
    const { errorName, args } = decodeErrorResult({ abi: REVERT_ABI(), data });
    const list: readonly unknown[] = args ?? [];
    if (errorName === 'Error' && typeof list[0] === 'string') return list[0];
    if (errorName === 'Panic') return `panic ${String(list[0])} (an assertion or arithmetic error in the contract)`;
    return list.length > 0 ? `${errorName}(${list.map(String).join(', ')})` : errorName;
  } catch {
    return `an error the wallet does not know (${data.slice(0, 10)})`;
  }
}

async function feeEstimate(client: ChainClient, gas: bigint): Promise<FeeEstimate | undefined> {
  try {
    const [block, fees] = await Promise.all([client.getBlock({ blockTag: 'latest' }), client.estimateFeesPerGas()]);
    const base = block.baseFeePerGas ?? 0n;
    const likelyPerGas = base + fees.maxPriorityFeePerGas < fees.maxFeePerGas ? base + fees.maxPriorityFeePerGas : fees.maxFeePerGas;
    return { gas: gas.toString(), likely: (gas * likelyPerGas).toString(), max: (gas * fees.maxFeePerGas).toString() };
  } catch {
    return undefined; // the changes stand without a fee; the window says the fee is unknown
  }
}
