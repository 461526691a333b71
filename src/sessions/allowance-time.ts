// What an allowance that renews or streams leaves at a given time, computed exactly as the
// enforcers compute it on chain (NativeTokenPeriodTransferEnforcer / ERC20PeriodTransferEnforcer,
// NativeTokenStreamingEnforcer / ERC20StreamingEnforcer), from their records and the chain's clock.
// Both only grow with time, so the amount left at the latest block is never more than what the
// block that includes the transaction will allow.
import type { PeriodRecord } from '../permissions/types';

export interface PeriodTerms {
  periodAmount: bigint;
  periodDuration: number;
  startTime: number;
}

export interface StreamTerms {
  amountPerSecond: bigint;
  initialAmount: bigint;
  maxAmount: bigint;
  startTime: number;
}

export type PeriodState =
  | { started: false; startsAt: number }
  /** `period` counts from 1; `resetsAt` is when the next period starts and `periodAmount` is whole again. */
  | { started: true; left: bigint; period: number; resetsAt: number };

/** The current period (start + k × duration by the chain clock) and what is left in it. */
export function periodState(terms: PeriodTerms, record: PeriodRecord | undefined, now: number): PeriodState {
  if (now < terms.startTime) return { started: false, startsAt: terms.startTime };
  const period = Math.floor((now - terms.startTime) / terms.periodDuration) + 1;
  const transferred = record && record.lastPeriod === period ? record.transferred : 0n;
  const left = terms.periodAmount > transferred ? terms.periodAmount - transferred : 0n;
  return { started: true, left, period, resetsAt: terms.startTime + period * terms.periodDuration };
}

/**
 * What has streamed by `now`: initialAmount + amountPerSecond × (now − start), capped at maxAmount;
 * nothing before the start. Both stream enforcers of the deployed framework (v1.3.0) count this way.
 * (A later ERC20StreamingEnforcer unlocks whole chunks of initialAmount instead; not deployed here.)
 */
export function streamedBy(terms: StreamTerms, now: number): bigint {
  if (now < terms.startTime) return 0n;
  const unlocked = terms.initialAmount + terms.amountPerSecond * BigInt(now - terms.startTime);
  return unlocked > terms.maxAmount ? terms.maxAmount : unlocked;
}

/** What is left of a stream: streamed so far minus spent, never below 0. */
export function streamLeft(terms: StreamTerms, spent: bigint, now: number): bigint {
  const unlocked = streamedBy(terms, now);
  return unlocked > spent ? unlocked - spent : 0n;
}
