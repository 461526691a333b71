// The off-chain scope check done before ANY session-key signature: does this session cover every
// call of this batch, given what the chain says is already used? The chain's caveats are the
// backstop; this check is what keeps the session key from signing (and paying gas for) a
// transaction the chain would refuse, and what sends the request to the owner instead.
//
// It mirrors backends/delegation/caveats.ts exactly (same call shapes, from permissions/match.ts):
//   - chain: the session's chain only;
//   - revoked (DelegationManager.disabledDelegations) → nothing;
//   - redeemers: the sender (context.redeemer) must be one of them;
//   - expiry: refused from `expiryMarginSeconds` before the expiry (see DEFAULT_EXPIRY_MARGIN_SECONDS),
//     on the session clock (chains/clock.ts) when the caller passes the wall clock;
//   - call count: calls used + calls in this batch <= callLimit (each call is one redemption);
//   - ETH: no value at all without native-token-transfer; with it, ETH spent + the batch's total
//     value <= the allowance, whatever the calls are (the allowance is session-wide);
//   - each call (unless root): some call group accepts its target / function / calldata form;
//   - ERC-20: spent + the batch's transfers of that token <= the allowance, counting earlier calls
//     of the same batch.
//   - allowances per period or streamed (ETH or ERC-20): the batch's total <= what is left at the
//     latest block (allowance-time.ts: this period's amount minus what moved in it; what has
//     streamed minus what was spent); a periodic allowance that has not started refuses every call
//     it governs, as its enforcer does.
import { formatEther, formatUnits, getAddress, isAddress, isHex, size, type Address, type Hex } from 'viem';
import {
  APPROVE_SELECTOR,
  SET_APPROVAL_FOR_ALL_SELECTOR,
  callGroups,
  ERC20_TRANSFER_SELECTOR,
  erc20TransferAmount,
  isErc20AmountPermission,
  isRootScope,
  matchCallGroup,
  nativePermissionOf,
  selectorOf,
  type Erc20AmountPermission,
  type NativePermission,
} from '../permissions/match';
import { periodText } from '../permissions/kinds';
import type { CoverVerdict, SessionCall, SessionScope, SessionUsage } from '../permissions/types';
import { periodState, streamedBy, streamLeft } from './allowance-time';
import { accountControlCall } from '../calls/self-calls';
import { sessionClock } from '../chains/clock';

/**
 * Seconds before the expiry from which no session call is signed. The chain compares the expiry
 * with the timestamp of the block that includes the transaction (TimestampEnforcer: valid only
 * while block.timestamp < expiry), which is later than `usage.now` (the latest block): at least one
 * block, plus signing, propagation and a possibly full block. A call that lands after the expiry
 * reverts and still costs the session key its gas; refused here, it goes to the owner instead.
 * 30 s is two and a half 12-second mainnet slots, and nothing a person notices at the end of a
 * session that lasts minutes to days.
 */
export const DEFAULT_EXPIRY_MARGIN_SECONDS = 30;

export interface CoverLabels {
  /** Display names by address, any case ("DemoToken"). */
  addresses?: Record<string, string>;
  /** Function names by selector, beyond those the scope's signatures give. */
  functions?: Record<string, string>;
  /** Symbol and decimals of tokens by address, any case, to show amounts in tokens. */
  tokens?: Record<string, { symbol: string; decimals: number }>;
  /** Default 'ETH'. */
  nativeSymbol?: string;
}

export interface CoverContext {
  /** The wallet's current chain. */
  chainId: number;
  /**
   * The requesting site. Not compared here: the scope does not name its origin, the session store
   * only offers a site its own sessions. Kept so callers pass it where the decision is made.
   */
  origin?: string;
  /** Who will send the transaction (the session key's address for a wallet-held session): checked against scope.redeemers. */
  redeemer?: Address;
  /** Default DEFAULT_EXPIRY_MARGIN_SECONDS; tests that need the exact boundary pass 0 or more. */
  expiryMarginSeconds?: number;
  /**
   * This machine's clock (Date.now()) when the check runs: expiry is then judged by the session
   * clock (chains/clock.ts sessionClock), so an idle chain's old latest block does not keep a
   * session alive past its time. The session service always passes it; absent, the block's time
   * alone (what the chain itself last said), as a check of the chain's side needs.
   */
  wallClockMs?: number;
  labels?: CoverLabels;
}

/** Well-known names for calls the scope does not name (so a refusal can say "mint", not "0x40c10f19"). */
const KNOWN_FUNCTIONS: Record<string, string> = {
  [ERC20_TRANSFER_SELECTOR]: 'transfer',
  '0x095ea7b3': 'approve',
  '0x23b872dd': 'transferFrom',
  '0x40c10f19': 'mint',
};

const lower = (a: string) => a.toLowerCase();

function lookup<T>(table: Record<string, T> | undefined, key: string): T | undefined {
  if (!table) return undefined;
  return table[key] ?? table[lower(key)] ?? Object.entries(table).find(([k]) => lower(k) === lower(key))?.[1];
}

function describer(scope: SessionScope, labels: CoverLabels = {}) {
  const names = new Map<string, string>();
  for (const p of scope.permissions) {
    if (p.type !== 'account-functions' && p.type !== 'functions-on-all-contracts' && p.type !== 'functions-on-contract') continue;
    for (const f of p.data.functions) if (f.signature) names.set(f.selector, f.signature.slice(0, f.signature.indexOf('(')));
  }
  const native = labels.nativeSymbol ?? 'ETH';
  const address = (a: Address) =>
    lookup(labels.addresses, a) ?? (lower(a) === lower(scope.account) ? 'your account' : `${a.slice(0, 6)}…${a.slice(-4)}`);
  return {
    address,
    fn: (selector: Hex) => lookup(labels.functions, selector) ?? names.get(selector) ?? KNOWN_FUNCTIONS[selector] ?? selector,
    eth: (wei: bigint) => `${formatEther(wei)} ${native}`,
    token: (token: Address, amount: bigint) => {
      const t = lookup(labels.tokens, token);
      return t ? `${formatUnits(amount, t.decimals)} ${t.symbol}` : `${amount} units of ${address(token)}`;
    },
  };
}

function refuse(reason: string, callIndex?: number): CoverVerdict {
  return callIndex === undefined ? { covered: false, reason } : { covered: false, reason, callIndex };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Why no group accepts a call, in the words of what the owner granted. */
function whyNotAllowed(scope: SessionScope, call: SessionCall, d: ReturnType<typeof describer>): string {
  const target = d.address(call.to);
  const n = size(call.data);
  if (n === 0) return `a plain call to ${target} (no function) is not allowed by this session`;
  if (n < 4) return `the calldata to ${target} is too short to name a function`;
  const selector = selectorOf(call.data) as Hex;
  const groups = callGroups(scope);
  const token = groups.find((g) => isErc20AmountPermission(g) && lower(g.data.address) === lower(call.to));
  if (token && selector === ERC20_TRANSFER_SELECTOR) {
    return call.value > 0n ? `${target}.transfer must not send ${d.eth(call.value)}` : `${target}.transfer must be a standard transfer(address,uint256) call`;
  }
  const knownTarget =
    token !== undefined ||
    groups.some(
      (g) =>
        g.type === 'functions-on-all-contracts' ||
        ((g.type === 'contract-access' || g.type === 'functions-on-contract') && lower(g.data.address) === lower(call.to)) ||
        (g.type === 'account-functions' && lower(call.to) === lower(scope.account)),
    );
  const what = `${target}.${d.fn(selector)}`;
  if (groups.some((g) => g.type === 'token-approval-revocation') && (selector === APPROVE_SELECTOR || selector === SET_APPROVAL_FOR_ALL_SELECTOR)) {
    return `${what} does not only revoke: the session may call approve(spender, 0), approve(0x0, tokenId) or setApprovalForAll(operator, false), with no ETH`;
  }
  return knownTarget ? `${what} is not in the session's functions` : `${what} is not allowed: ${target} is not one of the session's contracts`;
}

function normalize(call: SessionCall): SessionCall | string {
  if (typeof call.to !== 'string' || !isAddress(call.to, { strict: false })) return 'the target is not an address';
  if (typeof call.data !== 'string' || !isHex(call.data)) return 'the calldata is not hex';
  if (typeof call.value !== 'bigint' || call.value < 0n) return 'the value is not a non-negative amount';
  return { to: getAddress(call.to), value: call.value, data: call.data.toLowerCase() as Hex };
}

const time = (t: number) => `${new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** An allowance at `now`: what is left, how to say it, or why nothing under it can run yet. */
type Available = { left: bigint; says: (left: string) => string };
type Allowance = Available | { notStarted: string };

function allowanceOf(p: NativePermission | Erc20AmountPermission, usage: SessionUsage, what: string, fmt: (n: bigint) => string): Allowance {
  switch (p.type) {
    case 'native-token-transfer':
      return { left: p.data.allowance - usage.nativeSpent, says: (left) => `the session's ${what} allowance has ${left} left` };
    case 'erc20-token-transfer':
      return { left: p.data.allowance - (usage.erc20Spent[p.data.address] ?? 0n), says: (left) => `the session's ${what} allowance has ${left} left` };
    case 'native-token-periodic':
    case 'erc20-token-periodic': {
      const st = periodState(p.data, p.type === 'native-token-periodic' ? usage.periods?.native : usage.periods?.erc20, usage.now);
      if (!st.started) return { notStarted: `the session's ${what} allowance starts at ${time(st.startsAt)}` };
      const per = periodText(p.data.periodDuration);
      return { left: st.left, says: (left) => `the session's ${what} allowance has ${left} left this ${per} (${fmt(p.data.periodAmount)} again at ${time(st.resetsAt)})` };
    }
    case 'native-token-stream':
    case 'erc20-token-stream': {
      const native = p.type === 'native-token-stream';
      const spent = (native ? usage.streamed?.native : usage.streamed?.erc20) ?? 0n;
      const streamed = streamedBy(p.data, usage.now);
      return {
        left: streamLeft(p.data, spent, usage.now),
        says: (left) => `the session's ${what} stream has ${left} available now (${fmt(streamed)} of at most ${fmt(p.data.maxAmount)} streamed so far)`,
      };
    }
  }
}

/**
 * Whether the session covers every call of the batch. Refusals carry a readable reason and, when
 * one call is to blame, its 0-based `callIndex` (reasons count calls from 1, as people do).
 */
export function covers(scope: SessionScope, calls: readonly SessionCall[], usage: SessionUsage, context: CoverContext): CoverVerdict {
  const d = describer(scope, context.labels);
  if (context.chainId !== scope.chainId) return refuse(`the session is for chain ${scope.chainId}, but the wallet is on chain ${context.chainId}`);
  if (usage.disabled) return refuse('the session was revoked');
  const margin = context.expiryMarginSeconds ?? DEFAULT_EXPIRY_MARGIN_SECONDS;
  // Allowances over time stay on the block's time below (what their enforcers last counted from).
  const now = context.wallClockMs === undefined ? usage.now : sessionClock(usage.now, context.wallClockMs);
  if (now >= scope.expiry) return refuse('the session has expired');
  if (now + margin >= scope.expiry) {
    return refuse(`the session expires in ${plural(scope.expiry - now, 'second')}, too soon to send a call safely`);
  }
  if (calls.length === 0) return refuse('there is no call to make');
  if (scope.redeemers !== undefined) {
    const sender = context.redeemer;
    if (sender === undefined || !scope.redeemers.some((r) => lower(r) === lower(sender))) {
      const allowed = scope.redeemers.map((r) => `${r.slice(0, 6)}…${r.slice(-4)}`).join(', ');
      return refuse(`only ${allowed} may use this session${sender === undefined ? '' : `, not ${sender.slice(0, 6)}…${sender.slice(-4)}`}`);
    }
  }
  if (scope.callLimit !== undefined) {
    const left = Math.max(0, scope.callLimit - usage.callsUsed);
    if (calls.length > left) {
      return refuse(
        left === 0
          ? `the session has used all of its ${plural(scope.callLimit, 'call')}`
          : `the session has ${plural(left, 'call')} left; this batch makes ${calls.length}`,
      );
    }
  }

  const root = isRootScope(scope);
  const nativeSymbol = context.labels?.nativeSymbol ?? 'ETH';
  const native = root ? undefined : nativePermissionOf(scope);
  const nativeAllowance = native && allowanceOf(native, usage, nativeSymbol, d.eth);
  // NativeTokenPeriodTransferEnforcer checks every call, whatever its value, and refuses them all
  // before its start.
  if (nativeAllowance && 'notStarted' in nativeAllowance) return refuse(`${nativeAllowance.notStarted}; no call can be made before then`);
  const groups = callGroups(scope);
  const erc20Batch = new Map<Address, { amount: bigint; allowance: Available; firstOver?: number }>();
  let nativeBatch = 0n;
  let nativeFirstOver: number | undefined;

  for (const [i, raw] of calls.entries()) {
    const call = normalize(raw);
    const at = `call ${i + 1}`;
    if (typeof call === 'string') return refuse(`${at}: ${call}`, i);
    if (!root && native === undefined && call.value > 0n) {
      return refuse(`${at} sends ${d.eth(call.value)}, but the session may not send ${nativeSymbol}`, i);
    }
    nativeBatch += call.value;
    if (nativeAllowance && 'left' in nativeAllowance && nativeFirstOver === undefined && nativeBatch > nativeAllowance.left) nativeFirstOver = i;
    // Not even root: execute() and its kin on the account hide their inner calls and value from
    // this check (calls/self-calls.ts); a session sends the inner calls themselves.
    const control = accountControlCall(call, scope.account);
    if (control) return refuse(`${at} asks your own account to run ${control}, which no session may do`, i);
    if (root) continue;

    const index = matchCallGroup(scope, call);
    const group = index === undefined ? undefined : groups[index];
    if (!group) return refuse(`${at}: ${whyNotAllowed(scope, call, d)}`, i);
    if (isErc20AmountPermission(group)) {
      const token = group.data.address;
      let entry = erc20Batch.get(token);
      if (!entry) {
        const allowance = allowanceOf(group, usage, d.address(token), (n) => d.token(token, n));
        if ('notStarted' in allowance) return refuse(`${at}: ${allowance.notStarted}`, i);
        entry = { amount: 0n, allowance };
        erc20Batch.set(token, entry);
      }
      entry.amount += erc20TransferAmount(call.data);
      if (entry.firstOver === undefined && entry.amount > entry.allowance.left) entry.firstOver = i;
    }
  }

  for (const [token, { amount, allowance, firstOver }] of erc20Batch) {
    if (firstOver === undefined) continue;
    const left = allowance.left > 0n ? allowance.left : 0n;
    return refuse(`${allowance.says(d.token(token, left))}; this batch transfers ${d.token(token, amount)}`, firstOver);
  }
  if (nativeAllowance && 'left' in nativeAllowance && nativeFirstOver !== undefined) {
    const left = nativeAllowance.left > 0n ? nativeAllowance.left : 0n;
    return refuse(`${nativeAllowance.says(d.eth(left))}; this batch sends ${d.eth(nativeBatch)}`, nativeFirstOver);
  }
  return { covered: true };
}
