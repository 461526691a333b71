// What each allowance over time leaves now, for the Sessions list: "0.004 ETH left this period ·
// resets Dec 2, 2:00 PM", "2.5 DEMO available now". Computed in the background from the usage the
// list already reads (the enforcers' records), with the same arithmetic as the off-chain check
// (allowance-time.ts), so the list and covers() never disagree. A read: it changes nothing.
import type { Permission } from '../permissions/kinds';
import type { PeriodRecord } from '../permissions/types';
import { periodState, streamLeft } from './allowance-time';
import type { AllowanceNowView, SessionUsageView } from './record';

const periodRecord = (r: { lastPeriod: number; transferred: string } | undefined): PeriodRecord | undefined =>
  r ? { lastPeriod: r.lastPeriod, transferred: BigInt(r.transferred) } : undefined;

/** One entry per periodic or streamed permission, in the scope's order. */
export function allowancesNow(permissions: readonly Permission[], usage: SessionUsageView, now: number): AllowanceNowView[] {
  const out: AllowanceNowView[] = [];
  for (const p of permissions) {
    switch (p.type) {
      case 'native-token-periodic':
      case 'erc20-token-periodic': {
        const which = p.type === 'native-token-periodic' ? 'native' : 'erc20';
        const asset = p.type === 'native-token-periodic' ? 'native' : p.data.address;
        const state = periodState(p.data, periodRecord(usage.periods?.[which]), now);
        out.push(state.started ? { kind: 'period', asset, left: state.left.toString(), resetsAt: state.resetsAt } : { kind: 'period-not-started', asset, startsAt: state.startsAt });
        break;
      }
      case 'native-token-stream':
      case 'erc20-token-stream': {
        const which = p.type === 'native-token-stream' ? 'native' : 'erc20';
        const asset = p.type === 'native-token-stream' ? 'native' : p.data.address;
        out.push({ kind: 'stream', asset, available: streamLeft(p.data, BigInt(usage.streamed?.[which] ?? '0'), now).toString() });
        break;
      }
      default:
        break;
    }
  }
  return out;
}
