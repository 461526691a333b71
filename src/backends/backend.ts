// One interface for everything that differs between account backends, so that nothing outside
// src/backends/ names a concrete one (the idea of Porto's `Mode`): what the backend supports, the account upgrade, a
// session's grant, usage, use and end, the owner's sends, call status and message signing. The
// session service, the RPC methods and the wallet API hold an `AccountBackend` from
// `Backends.for(chain)` and never ask which one it is; nothing outside src/backends/ names a
// concrete backend. Implementations: delegation/ (MetaMask Delegation Framework) and alchemy/
// (Alchemy's Wallet API).
import type { Address, Hex, LocalAccount, SignableMessage, TypedDataDefinition } from 'viem';
import type { ExpectedImplementation } from '../account/owner-actions';
import type { BundleCall, Bundles, CallBundle } from '../calls/bundles';
import type { CallsStatus } from '../calls/status';
import type { ChainConfig } from '../chains/registry';
import type { RuleType } from '../permissions/erc7715';
import type { SessionCall, SessionScope, SessionUsage } from '../permissions/types';
import type { SessionBackendFields, SessionHolder, SessionRecord, SessionUsageView } from '../sessions/record';

export type BackendKind = 'delegation' | 'alchemy';

/** How a backend is named to a person ("granted through <grantedThrough>", "the <name> backend"). */
export const BACKEND_NAMES: Record<BackendKind, { name: string; grantedThrough: string }> = {
  delegation: { name: 'Delegation Framework', grantedThrough: 'the Delegation Framework' },
  alchemy: { name: 'Alchemy', grantedThrough: 'Alchemy' },
};

/** The EIP-5792 capabilities of one chain (wallet_getCapabilities). */
export interface ChainCapabilities {
  atomic: { status: 'supported' | 'ready' | 'unsupported' };
  /** The ERC-7715 permissions capability: the permission and policy kinds the backend enforces. */
  permissions?: { supported: true; signerTypes: string[]; permissionTypes: string[]; policyTypes: string[] };
}

/**
 * The ERC-7715 permission types a backend enforces on its network (the current dialect's names,
 * and viem's), each with the rule types it enforces for it: what
 * wallet_getSupportedExecutionPermissions answers, and the permissionTypes of wallet_getCapabilities.
 * Empty when the backend cannot grant sessions on this network.
 */
export type ExecutionPermissionSupport = Readonly<Record<string, readonly RuleType[]>>;

/** What a backend's grant hands the session service to keep in the record. */
export interface GrantedSession {
  /** The session's id (the permissionsContext the dApp gets). */
  id: Hex;
  fields: SessionBackendFields;
}

/**
 * What a backend may do with the session store and the bundles while it sends for a session (the
 * service holds the locks; the backend only asks for a change).
 */
export interface SessionIo {
  bundles: Bundles;
  /** Rewrites the stored record (under the store's lock); undefined when the session is gone. */
  updateSession(id: string, change: (current: SessionRecord) => SessionRecord): Promise<SessionRecord | undefined>;
}

/**
 * What a dry run of a session's send says, before the session key signs it: it would revert (and
 * why, decoded), or not, with the gas the dry run measured (absent: the node could not be asked,
 * and the send estimates and reports that itself).
 */
export type SessionDryRun = { reverts: false; gas?: bigint } | { reverts: true; reason: string };

/**
 * What a backend that books its sessions' sends (BookedSessionSends) prepared for one send before
 * the session's lock: the dry run, and the chain's latest time from the same round trip. The
 * backend may carry more (the encoded transaction, fees); the service only passes it back.
 */
export interface PreparedSessionSend {
  dryRun: SessionDryRun;
  /** Unix seconds of the latest block, read with the dry run; absent when it could not be read. */
  now?: number;
}

/** A send booked against a session's usage under its lock; given back when it never reaches the chain. */
export interface SessionBooking {
  release(): void;
}

/**
 * The session hot path of a backend that keeps its own ledger of what it sent: the session's lock
 * is held only to check the scope against that ledger and book the send, not for the round trips,
 * the signing or the storage writes. Without it the service holds the lock for the whole send.
 */
export interface BookedSessionSends {
  /** Starts the dry run and the reads the send needs, in one round trip; signs nothing. */
  prepare(record: SessionRecord, calls: SessionCall[]): Promise<PreparedSessionSend>;
  /** Usage from the ledger (read from the chain only when cold, after a failure, or old), counting every booked send, at `prepared.now`. */
  usage(record: SessionRecord, scope: SessionScope, prepared: PreparedSessionSend): Promise<SessionUsage>;
  /** Books `calls` (called under the session's lock, right after the check said yes). */
  book(record: SessionRecord, scope: SessionScope, calls: SessionCall[]): SessionBooking;
  /**
   * Signs with the session key and broadcasts. `recordBundle` stores the bundle with what was
   * signed, before the broadcast (exactly once across a worker restart). A send that fails before
   * it reaches the chain gives its booking back.
   */
  send(
    record: SessionRecord,
    key: LocalAccount,
    prepared: PreparedSessionSend,
    booking: SessionBooking,
    recordBundle: (signed: Pick<CallBundle, 'rawTransactions' | 'txHashes'>) => Promise<CallBundle>,
    bundles: Bundles,
  ): Promise<CallBundle>;
}

/** See AccountBackend.grantPreview. */
export interface GrantPreview {
  /** The account is not yet upgraded to this backend's implementation: the grant upgrades it first. */
  upgradeFirst: boolean;
  /** Wei the owner sends the session key for its gas now (0: none). */
  stipend: bigint;
}

export interface AccountBackend {
  readonly kind: BackendKind;
  readonly chain: ChainConfig;
  /**
   * The contract the owner's account must delegate to (EIP-7702) for this backend; null when none
   * is deployed here. Any other delegation is foreign: a grant never replaces it.
   */
  readonly implementation: ExpectedImplementation | null;
  /** True when ending a session is also work on chain (disable it, return its gas stipend). */
  readonly endsOnChain: boolean;
  /**
   * True when the backend can grant a session to a key the dApp holds (the dApp redeems it
   * itself); absent or false: such a request is refused with -32602 before the owner is asked.
   */
  readonly grantsToDappKeys?: boolean;
  /**
   * True when the owner can deploy a contract through this backend (a transaction with no `to`);
   * absent or false: a deployment is refused with 4200 before the owner is asked.
   */
  readonly deploysContracts?: boolean;

  // ---- what it supports
  /** The permission and rule types this backend enforces here (see ExecutionPermissionSupport). */
  readonly executionPermissions: ExecutionPermissionSupport;
  /** `current`: the wallet's current chain, where reading the account is worth a request. */
  capabilities(account: Address, opts: { current: boolean }): Promise<ChainCapabilities>;
  /** Throws (-32602, 5710) when this backend cannot enforce `scope`, before the owner is asked. */
  assertCanEnforce(scope: SessionScope): void;

  // ---- the account
  /** Upgrades the account now (the wallet's Upgrade button); the hash of the transaction that does it. */
  upgrade(owner: LocalAccount): Promise<Hex>;
  /** Upgrades the account unless it is already, and waits until it is. */
  ensureUpgraded(owner: LocalAccount): Promise<void>;
  /** Whether the owner's batch of `calls` runs atomically on this account. */
  ownerAtomic(account: Address, calls: number): Promise<boolean>;
  /** Signs and sends the bundle as the owner (approval already given); the bundle records the result. */
  sendAsOwner(owner: LocalAccount, bundle: CallBundle, bundles: Bundles): Promise<void>;
  /**
   * The transactions sendAsOwner sends from the account for `calls` (none of them a deployment), so
   * that a simulation runs exactly those; absent: the backend's sends are not plain transactions
   * from the account, and each call is simulated as its own.
   */
  ownerTransactions?(account: Address, calls: readonly BundleCall[], atomic: boolean): { to?: Address; value: bigint; data: Hex }[];
  /** One call from the wallet's own Send card; the transaction hash. */
  sendOwnerCall(owner: LocalAccount, call: SessionCall): Promise<Hex>;

  // ---- sessions
  /**
   * What granting `scope` would do besides the owner's signature, for the grant window to say before
   * the owner approves: upgrade the account first (EIP-7702, a transaction the owner pays for) and
   * fund the session key's gas stipend. Reads only. Absent: the backend says nothing more.
   */
  grantPreview?(account: Address, scope: SessionScope, holder: SessionHolder): Promise<GrantPreview>;
  /**
   * Grants `scope` to the key `sessionKey`: what the session record keeps. Nothing funded yet.
   * `holder`: who holds the key (default the wallet); only asked of a backend with grantsToDappKeys.
   */
  grant(owner: LocalAccount, scope: SessionScope, sessionKey: Address, holder?: SessionHolder): Promise<GrantedSession>;
  /** After the record is stored: funds what the session needs (its gas stipend), so it can always be returned. */
  fund(owner: LocalAccount, record: SessionRecord): Promise<void>;
  /**
   * Usage as the backend knows it, including what this wallet sent that the chain has not counted
   * yet; `resuming`: a bundle being resumed (its id and calls), which must not count against itself.
   */
  usage(record: SessionRecord, scope: SessionScope, resuming?: { bundleId: string; calls: SessionCall[] }): Promise<SessionUsage>;
  /** Usage and gas money left, for the popup's list (reads only). */
  usageView(record: SessionRecord, scope: SessionScope): Promise<{ usage: SessionUsageView; stipendLeft: string | null }>;
  /**
   * Runs exactly what sendAsSession would send for `calls` (same transaction, from the session
   * key, on the latest block) without signing anything. Absent: the backend cannot run it itself
   * (its service checks the calls remotely).
   */
  dryRunAsSession?(record: SessionRecord, calls: SessionCall[]): Promise<SessionDryRun>;
  /** The hot path, when the backend books its sends itself (BookedSessionSends). */
  readonly sessionSends?: BookedSessionSends;
  /** Signs the bundle with the session key and sends it; `gas`: what a dry run just measured (no second estimate). */
  sendAsSession(record: SessionRecord, key: LocalAccount, bundle: CallBundle, io: SessionIo, opts?: { gas?: bigint }): Promise<void>;
  /** Sends again what a session signed for a retried request (never signs again). */
  resendAsSession(sessionId: string, bundle: CallBundle, io: SessionIo): Promise<void>;
  /** Revokes on chain what can be; `note`: what is left for the owner to know. */
  revoke(record: SessionRecord, owner: () => Promise<LocalAccount>): Promise<{ hash?: Hex; note?: string }>;
  /** Whether the chain says the session can no longer be used; null when it cannot be asked. */
  revokedOnChain(record: SessionRecord): Promise<boolean | null>;
  /** Gives back what the session key holds; `done`: the key may be deleted. */
  release(record: SessionRecord, key: () => Promise<LocalAccount>): Promise<{ done: boolean; hash?: Hex; note?: string }>;
  /** What the session key still holds (wei), when the backend gives it any. */
  stipendLeft(record: SessionRecord): Promise<bigint | undefined>;

  // ---- bundles
  /** Sends again a bundle signed before a worker stopped (same bytes: it runs at most once). */
  resend(bundle: CallBundle, bundles: Bundles): Promise<void>;
  /** EIP-5792 status of a bundle this backend sent. */
  status(bundle: CallBundle, bundles: Bundles): Promise<CallsStatus>;
  /** The hash of the transaction that carried the bundle's last call (eth_sendTransaction's answer). */
  transactionHash(bundle: CallBundle): Promise<Hex>;

  // ---- messages (always the owner: session keys sign no messages)
  signMessage(owner: LocalAccount, message: SignableMessage): Promise<Hex>;
  signTypedData(owner: LocalAccount, typedData: TypedDataDefinition): Promise<Hex>;
}
