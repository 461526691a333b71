// The session record as stored (storage.local 'sessions') and as the popup lists it. Plain data,
// no behaviour: the service (service.ts) keeps the lifecycle, each account backend fills and reads
// its own fields (src/backends/), and nothing here names a backend's code, so both can import it.
import type { Address, Hex } from 'viem';
import type { SerializedSessionScope } from '../permissions/serialize';
import type { SealedKey } from './key-store';

export type SessionStatus = 'active' | 'revoked' | 'expired';

/**
 * Who holds the session key. The wallet: it made the key, keeps it sealed and signs covered calls
 * with no popup. The dApp: the grant is to the dApp's own account, which redeems it itself (ERC-7710,
 * paying its own gas); the wallet has no key, funds nothing, and still lists and revokes the grant.
 */
export type SessionHolder = { kind: 'wallet' } | { kind: 'dapp'; address: Address };

/** The owner's signed delegation to the session key, JSON-safe (the salt as a decimal string). */
export interface StoredDelegation {
  delegate: Address;
  delegator: Address;
  authority: Hex;
  caveats: readonly { enforcer: Address; terms: Hex; args: Hex }[];
  salt: string;
  signature: Hex;
  /**
   * Several call groups: this is the root of a chain (owner -> owner, the session-wide caveats)
   * and these are its leaves, one per call group, each owner -> the delegate with that group's
   * caveats (backends/delegation/caveats.ts GroupLayout). Absent: one delegation.
   */
  groups?: readonly Omit<StoredDelegation, 'groups'>[];
}

/** What the wallet has sent through a session whose backend does not publish its own count. */
export interface AlchemySpent {
  native: string;
  erc20: Record<string, string>;
  calls: number;
}

/** The fields a backend's grant fills in; the rest of the record is common to every backend. */
export interface SessionBackendFields {
  /** Absent: the delegation backend (records written before there was a choice have none). */
  backend?: 'alchemy';
  /** Delegation backend: the owner's signed delegation to the key (absent for Alchemy sessions). */
  delegation?: StoredDelegation;
  /**
   * Alchemy backend: the permissions context Alchemy issued (`0x00 ‖ session id ‖ owner signature`,
   * never shown to the dApp, which gets `id`), and what the wallet has sent through the session:
   * Alchemy keeps its own count but does not publish it, so the wallet's off-chain check counts
   * here, booked before each send and given back if the send is refused. `pending`: bundles booked
   * whose send has not settled yet (a restarted worker must not book them twice).
   */
  alchemy?: { context: Hex; spent: AlchemySpent; pending?: string[] };
  /** Gas money the owner gave the session key (wei, decimal); '0' when the backend needs none. */
  stipend: string;
  /** The DelegationManager that redeems the grant (delegation backend; absent on older records). */
  delegationManager?: Address;
  /** dApp-held: the permission context the dApp redeems (ABI-encoded Delegation[], ERC-7710). */
  context?: Hex;
  /**
   * dApp-held, several call groups: the same signed delegation once per group, each with the
   * caveat args that select that group (args are not signed). `context` is the first. Absent: one
   * group, or a record from before.
   */
  groupContexts?: Hex[];
}

export interface SessionRecord extends SessionBackendFields {
  id: Hex; // the delegation hash (or the hash of Alchemy's context); also the ERC-7715 permissionsContext given to the dApp
  origin: string;
  chainId: number;
  account: Address;
  /** The delegate: the wallet's session key, or the dApp's own account when it holds the key. */
  sessionAddress: Address;
  /** Absent: the wallet (every record written before dApp-held keys). */
  holder?: SessionHolder;
  /** null once the session ended and its stipend went back: the key is deleted; always null when the dApp holds the key. */
  sealedKey: SealedKey | null;
  scope: SerializedSessionScope;
  createdAt: number;
  status: SessionStatus;
  /** On-chain results of the revoke: disableDelegation and the stipend sweep. */
  revokeTx?: Hex;
  sweepTx?: Hex;
  endedAt?: number;
  note?: string;
}

/** Which backend granted the session (what `backend` says, the delegation backend when absent). */
export const grantedBy = (s: Pick<SessionRecord, 'backend'>): 'delegation' | 'alchemy' => s.backend ?? 'delegation';

/** Who holds the session key (the wallet when the record does not say). */
export const holderOf = (s: Pick<SessionRecord, 'holder'>): SessionHolder => s.holder ?? { kind: 'wallet' };

/** The context a dApp names the session by: the redeemable context when it holds the key, else the id. */
export const contextOf = (s: Pick<SessionRecord, 'id' | 'context'>): Hex => s.context ?? s.id;

/** Every context that names the session (its id, its context, one per call group). */
export const contextsOf = (s: Pick<SessionRecord, 'id' | 'context' | 'groupContexts'>): Hex[] => [s.id, ...(s.context ? [s.context] : []), ...(s.groupContexts ?? [])];

/** A session's usage as the popup shows it (decimal strings: JSON-safe). */
export interface SessionUsageView {
  nativeSpent: string;
  erc20Spent: Record<string, string>;
  callsUsed: number;
  /** The period kinds' records (SessionUsage.periods), amounts as decimal strings. */
  periods?: { native?: { lastPeriod: number; transferred: string }; erc20?: { lastPeriod: number; transferred: string } };
  /** What the stream kinds have spent (SessionUsage.streamed), decimal strings. */
  streamed?: { native?: string; erc20?: string };
}

/**
 * An allowance over time as the Sessions list shows it now: what is left this period and when it
 * resets, or what has streamed and is available (allowance-view.ts computes it from the usage).
 */
export type AllowanceNowView =
  | { kind: 'period'; asset: 'native' | Address; left: string; resetsAt: number }
  | { kind: 'period-not-started'; asset: 'native' | Address; startsAt: number }
  | { kind: 'stream'; asset: 'native' | Address; available: string };

export interface SessionView extends SessionRecord {
  usage: SessionUsageView | null;
  stipendLeft: string | null;
  /** The latest block's timestamp (allowances over time count from it); null when the node is unreachable. Expiry: chains/clock.ts. */
  chainNow: number | null;
  /** Per allowance over time, what it leaves now (empty without usage or without such kinds). */
  allowances?: AllowanceNowView[];
}

/** What Remove wallet's revoke pass left undone, per session, for the owner to decide on. */
export interface ResetRevokeReport {
  /** Sessions whose delegation or key was live and was revoked now. */
  revoked: number;
  failed: { id: Hex; origin: string; chainId: number; expiry: number; reason: string; stipendLeft?: string }[];
}
