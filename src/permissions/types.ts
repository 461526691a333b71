// A session's scope: permissions (each kind in kinds.ts) plus a required expiry and an optional
// call-count limit. Amounts are bigint in memory and decimal strings when stored or sent to the
// popup (see serialize.ts); addresses are checksummed; functions are 4-byte selectors with, where
// known, the signature they came from.
import type { Address, Hex } from 'viem';
import type { Permission } from './kinds';

export type { FunctionRef } from './function-ref';

// The kinds themselves are written out once, with their rules and wording, in kinds.ts.
export type { Permission, PermissionType } from './kinds';

/** What a session may do: validated, normalized, never half-applied. */
export interface SessionScope {
  /** The owner's account (the 7702-upgraded EOA) the session acts for. */
  account: Address;
  chainId: number;
  /** Unix seconds; required, and capped by the wallet's maximum session length. */
  expiry: number;
  permissions: Permission[];
  /** At most this many calls (each call in a batch counts); undefined = no count limit. */
  callLimit?: number;
  /**
   * Only these addresses may send the transaction that uses the session (RedeemerEnforcer);
   * undefined = whoever holds the session key. A wallet-held session's only sender is its own key,
   * so there the rule changes nothing; it matters once the dApp holds the key.
   */
  redeemers?: Address[];
}

/** One call a dApp asks the session to make. */
export interface SessionCall {
  to: Address;
  value: bigint;
  data: Hex;
}

/** What has been used of a session, as the chain records it (read from the enforcers). */
export interface SessionUsage {
  nativeSpent: bigint;
  /** By checksummed token address. */
  erc20Spent: Record<Address, bigint>;
  callsUsed: number;
  /** Unix seconds of the latest block. */
  now: number;
  /** DelegationManager.disabledDelegations(hash). */
  disabled: boolean;
  /**
   * The period kinds' records (the enforcers' periodicAllowances): the period of the last transfer
   * (the first period is 1) and what was moved in it. Absent: nothing moved yet.
   */
  periods?: { native?: PeriodRecord; erc20?: PeriodRecord };
  /** What the stream kinds have spent so far (the enforcers' streamingAllowances.spent). Absent: 0. */
  streamed?: { native?: bigint; erc20?: bigint };
}

export interface PeriodRecord {
  lastPeriod: number;
  transferred: bigint;
}

export type CoverVerdict = { covered: true } | { covered: false; reason: string; callIndex?: number };
