// "Total exposure": the most a grant could ever move out of the owner's account over its whole
// life, per asset, from the permissions alone (no usage: this is what the owner signs away, not what
// is left). The grant window shows it under the permissions; the arithmetic lives here so that it is
// tested once and every window says the same.
//
// - lifetime allowance: the amount;
// - per period: periodAmount × the periods that can still be spent in, i.e. those that end after
//   `now` and start before the expiry (unspent amounts never carry over, so past periods are gone);
// - streamed: min(maxAmount, initialAmount + amountPerSecond × (expiry − startTime)), what will have
//   streamed by the expiry (what streamed before now is still there to spend);
// - a permission that can move an asset with no amount limit (full access, token-moving functions
//   on a token or on every contract) makes that asset unbounded: only the expiry ends it.
import { formatEther, type Address } from 'viem';
import { tokenMovingFunctions } from './known-functions';
import { tokenAmount, type DescribeContext, type Permission } from './kinds';

/** What an entry is about: the chain's native currency, one token, every token, or the whole account. */
export type ExposureAsset = 'native' | Address | 'any-token' | 'everything';

export interface Exposure {
  asset: ExposureAsset;
  /** The most it could move; absent: no limit but the expiry. */
  amount?: bigint;
}

export interface ExposureInput {
  permissions: readonly Permission[];
  /** The session's end (unix seconds, chain clock). */
  expiry: number;
  /** The chain's clock now (unix seconds). */
  now: number;
  /** Whether an address is a token (so that any call on it can move the owner's tokens). */
  isToken?: (address: Address) => boolean;
}

/** Periods of `duration` from `start` that end after `now` and start before `expiry`. */
export function periodsInReach(start: number, duration: number, now: number, expiry: number): number {
  if (expiry <= start || expiry <= now) return 0;
  const first = now <= start ? 0 : Math.floor((now - start) / duration);
  const last = Math.ceil((expiry - start) / duration) - 1;
  return Math.max(0, last - first + 1);
}

/** What a stream will have unlocked by `expiry`. */
export function streamedByExpiry(s: { amountPerSecond: bigint; initialAmount: bigint; maxAmount: bigint; startTime: number }, expiry: number): bigint {
  if (expiry <= s.startTime) return 0n;
  const total = s.initialAmount + s.amountPerSecond * BigInt(expiry - s.startTime);
  return total < s.maxAmount ? total : s.maxAmount;
}

/** Per asset, the most the permissions could move by the expiry; unbounded assets have no amount. */
export function totalExposure(input: ExposureInput): Exposure[] {
  const bounded = new Map<ExposureAsset, bigint>();
  const unbounded = new Set<ExposureAsset>();
  const add = (asset: ExposureAsset, amount: bigint) => bounded.set(asset, (bounded.get(asset) ?? 0n) + amount);
  for (const p of input.permissions) {
    switch (p.type) {
      case 'native-token-transfer':
        add('native', p.data.allowance);
        break;
      case 'erc20-token-transfer':
        add(p.data.address, p.data.allowance);
        break;
      case 'native-token-periodic':
        add('native', p.data.periodAmount * BigInt(periodsInReach(p.data.startTime, p.data.periodDuration, input.now, input.expiry)));
        break;
      case 'erc20-token-periodic':
        add(p.data.address, p.data.periodAmount * BigInt(periodsInReach(p.data.startTime, p.data.periodDuration, input.now, input.expiry)));
        break;
      case 'native-token-stream':
        add('native', streamedByExpiry(p.data, input.expiry));
        break;
      case 'erc20-token-stream':
        add(p.data.address, streamedByExpiry(p.data, input.expiry));
        break;
      case 'root':
        unbounded.add('everything');
        break;
      case 'functions-on-all-contracts':
        if (tokenMovingFunctions(p.data.functions).length > 0) unbounded.add('any-token');
        break;
      case 'functions-on-contract':
        if (tokenMovingFunctions(p.data.functions).length > 0) unbounded.add(p.data.address);
        break;
      case 'contract-access':
        if (input.isToken?.(p.data.address)) unbounded.add(p.data.address);
        break;
      // Moves nothing by itself: gas comes from the stipend (shown on its own), revocations only
      // clear approvals, account functions are the wallet's trusted non-moving list.
      case 'gas-limit':
      case 'account-functions':
      case 'token-approval-revocation':
        break;
    }
  }
  const out: Exposure[] = [];
  if (unbounded.has('everything')) return [{ asset: 'everything' }];
  for (const [asset, amount] of bounded) if (!unbounded.has(asset) && (asset === 'native' || !unbounded.has('any-token'))) out.push({ asset, amount });
  for (const asset of unbounded) out.push({ asset });
  return out;
}

/** An entry in plain words: "At most 0.3 ETH", "No limit on DEMO: only the expiry ends it". */
export function exposureText(e: Exposure, ctx: DescribeContext): string {
  if (e.asset === 'everything') return 'No limit on anything in your account: only the expiry ends it';
  if (e.asset === 'any-token') return 'No limit on any of your tokens: only the expiry ends it';
  const name = e.asset === 'native' ? ctx.nativeSymbol : (ctx.token?.(e.asset)?.symbol ?? `token ${e.asset.slice(0, 6)}…${e.asset.slice(-4)}`);
  if (e.amount === undefined) return `No limit on ${name}: only the expiry ends it`;
  return `At most ${e.asset === 'native' ? `${formatEther(e.amount)} ${ctx.nativeSymbol}` : tokenAmount(e.asset, e.amount, ctx)}`;
}
