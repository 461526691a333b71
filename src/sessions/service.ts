// Sessions: grant, use, revoke, expire. A session is a fresh secp256k1 key held (sealed) by the
// background, bound to one origin, chain and owner account, plus what the chain's account backend
// (src/backends/backend.ts) made of the grant. This service keeps what is common to every backend:
// the store and its locks, choosing a session that covers a request, and the lifecycle (active,
// revoked, expired). Before any session signature the scope is checked off chain (covers) against
// the backend's usage; the chain's check is the backstop, never the only check. The exact send is
// also dry-run from the session key: one that would revert is not signed (it goes to the owner).
import { browser } from 'wxt/browser';
import { isAddressEqual, type Address, type Hex, type LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { readAccount } from '../account/owner-actions';
import { BACKEND_NAMES, type AccountBackend, type BookedSessionSends, type SessionBooking, type SessionDryRun, type SessionIo } from '../backends/backend';
import { Backends } from '../backends/choice';
import { contractCalls, type BundleCall, type Bundles, type CallBundle } from '../calls/bundles';
import type { ChainConfig } from '../chains/registry';
import { deserializeScope, serializeScope } from '../permissions/serialize';
import type { SessionCall, SessionScope, SessionUsage } from '../permissions/types';
import { InvalidParamsError, TransactionRejectedError, UnauthorizedError, UnsupportedChainIdError } from '../errors';
import type { Vault } from '../vault/vault';
import { SessionKeyVault } from './key-store';
import { covers } from './policy';
import { ForeignDelegationError } from './errors';
import { contextOf, contextsOf, grantedBy, holderOf, type ResetRevokeReport, type SessionBackendFields, type SessionHolder, type SessionRecord, type SessionView } from './record';
import { SessionEnding, type ChainsById } from './ending';
import { SessionStore } from './store';
import { whyUncovered, type Refusal } from './why-uncovered';
import { sessionViews } from './views';

export type { AlchemySpent, ResetRevokeReport, SessionHolder, SessionRecord, SessionStatus, SessionView } from './record';
export { ForeignDelegationError } from './errors';

export const SESSION_SWEEP_ALARM = 'sessions-sweep';

/** Who asks and where: the origin (from the browser's sender) and the wallet's chain. */
export interface SessionRequest {
  origin: string;
  chain: ChainConfig;
}

type Verdict = { covered: true; backend: AccountBackend; scope: SessionScope } | { covered: false; reason: string };
type Outcome = { sent: CallBundle } | { covered: false; reason: string; failsOnChain?: true };

/** What the owner (or the dApp) reads when a covered send would revert: the chain's own reason. */
export const wouldFailOnChain = (reason: string) => `A session cannot send this: it would fail on chain: ${reason}`;
const toSessionCalls = (calls: BundleCall[]): SessionCall[] => contractCalls(calls);

/** -32602 when the backend cannot grant to a key the dApp holds (said before the owner is asked). */
function assertHolderSupported(backend: AccountBackend, holder: SessionHolder): void {
  if (holder.kind === 'dapp' && backend.grantsToDappKeys !== true) {
    throw new InvalidParamsError(`The ${BACKEND_NAMES[backend.kind].name} backend of this network cannot grant a session to a key the site holds (to / signer); ask without one, so the wallet holds the key.`);
  }
}

export class Sessions {
  private readonly store = new SessionStore();
  readonly keys: SessionKeyVault;
  private readonly backends: Backends;
  private readonly io: SessionIo;
  private readonly ending: SessionEnding;

  constructor(private readonly deps: { vault: Vault; bundles: Bundles; backends?: Backends; keys?: SessionKeyVault }) {
    this.keys = deps.keys ?? new SessionKeyVault();
    this.backends = deps.backends ?? new Backends();
    // What a backend may touch while it sends for a session: the bundles, and the record.
    this.io = { bundles: deps.bundles, updateSession: (id, change) => this.store.update(id, change) };
    this.ending = new SessionEnding(this.store, this.backends, deps.vault, (s) => this.openKey(s));
  }

  // ------------------------------------------------------------------------------------- store

  all(): Promise<SessionRecord[]> {
    return this.store.all();
  }

  get(id: string): Promise<SessionRecord | undefined> {
    return this.store.get(id);
  }

  /**
   * The session of `origin` that a dApp names by `context` (its id, or the redeemable context of a
   * dApp-held grant); undefined when no session of that origin has it: another site's is not found.
   */
  async byContext(origin: string, context: string): Promise<SessionRecord | undefined> {
    const c = context.toLowerCase();
    return (await this.all()).find((s) => s.origin === origin && contextsOf(s).some((x) => x.toLowerCase() === c));
  }

  /** Seals legacy-sealed keys again under the sealing key (after an unlock); how many are left. */
  resealLegacyKeys(): Promise<number> {
    return this.store.resealLegacyKeys(this.keys);
  }

  /** Deletes every session record and its sealed key (Remove wallet, after revokeAllForReset). */
  clear(): Promise<void> {
    return this.store.clear(() => this.backends.forgetInFlight());
  }

  /** The popup's list (a read: expiry housekeeping runs from the alarm, sweepExpired). */
  async views(chain: ChainConfig): Promise<SessionView[]> {
    return sessionViews(await this.all(), this.backends, chain);
  }

  // ------------------------------------------------------------------------------------- grant

  /**
   * Grants a session: upgrades the account first if it is not (EIP-7702), makes the key, has the
   * backend grant it, stores the record, then lets the backend fund it (the gas stipend). The
   * record is stored before anything is funded: whatever happens next, the key that holds it is
   * kept, so it can always be returned.
   */
  async grant(chain: ChainConfig, origin: string, scope: SessionScope, holder: SessionHolder = { kind: 'wallet' }): Promise<SessionRecord> {
    const backend = await this.backends.for(chain);
    backend.assertCanEnforce(scope); // refuse what the backend cannot enforce before anything goes on chain
    assertHolderSupported(backend, holder);
    const owner = await this.deps.vault.ownerAccount();
    if (!isAddressEqual(owner.address, scope.account)) throw new UnauthorizedError('The session is not for the wallet account.');
    if (holder.kind === 'dapp' && isAddressEqual(holder.address, owner.address)) throw new InvalidParamsError('The key holder (to) is the wallet account itself; name the site\'s own account.');
    // Checked again after the approval: the account may have changed while the owner looked.
    await this.assertNotDelegatedElsewhere(backend, owner.address);
    await backend.ensureUpgraded(owner);
    // A dApp-held grant has no key here: the delegate is the dApp's account, and nothing is funded.
    const privateKey = holder.kind === 'wallet' ? generatePrivateKey() : undefined;
    const delegate = privateKey ? privateKeyToAccount(privateKey).address : (holder as { address: Address }).address;
    const granted = await backend.grant(owner, scope, delegate, holder);
    const record = await this.newRecord(granted.id, origin, chain, scope, privateKey ? { privateKey } : { holder: holder as Extract<SessionHolder, { kind: 'dapp' }> }, granted.fields);
    await this.store.save(record);
    await this.scheduleSweep();
    try {
      await backend.fund(owner, record);
    } catch (error) {
      await this.ending.end(chain, record.id, 'revoked');
      throw error;
    }
    return record;
  }

  /**
   * Throws before the owner is asked: -32602 when this chain's backend cannot grant `scope`, 4100
   * when the account is delegated (EIP-7702) to a contract the backend did not put there.
   */
  async assertGrantable(chain: ChainConfig, scope: SessionScope, holder: SessionHolder = { kind: 'wallet' }): Promise<void> {
    const backend = await this.backends.for(chain);
    backend.assertCanEnforce(scope);
    assertHolderSupported(backend, holder);
    await this.assertNotDelegatedElsewhere(backend, scope.account);
  }

  /**
   * A grant upgrades the account when it is a plain EOA, but never over a delegation to another
   * contract than the backend's: that code controls the account, the owner may rely on it (or it
   * may be an attacker's and must be looked at), and replacing it is the owner's decision.
   */
  private async assertNotDelegatedElsewhere(backend: AccountBackend, account: Address): Promise<void> {
    const view = await readAccount(backend.chain, account, backend.implementation ?? undefined);
    if (view.delegation.kind === 'foreign') throw new ForeignDelegationError(view.delegation.implementation);
  }

  private async newRecord(
    id: Hex,
    origin: string,
    chain: ChainConfig,
    scope: SessionScope,
    key: { privateKey: Hex } | { holder: Extract<SessionHolder, { kind: 'dapp' }> },
    fields: SessionBackendFields,
  ): Promise<SessionRecord> {
    return {
      id,
      origin,
      chainId: chain.id,
      account: scope.account,
      ...('privateKey' in key
        ? { sessionAddress: privateKeyToAccount(key.privateKey).address, sealedKey: await this.keys.seal(key.privateKey) }
        : { sessionAddress: key.holder.address, holder: key.holder, sealedKey: null }),
      scope: serializeScope(scope),
      ...fields,
      createdAt: Date.now(),
      status: 'active',
    };
  }

  // ------------------------------------------------------------------------------------- use

  /**
   * Sends the calls through an active session of this origin and chain that covers every one (the
   * dApp may name the session by its permissions context). The scope is checked under the session's
   * lock, against the backend's usage (with what was sent and not yet counted), so concurrent
   * requests cannot overspend. `makeBundle` records the bundle once a session covers it. Returns the
   * bundle, or why no session covers the calls.
   */
  async trySend(
    req: SessionRequest,
    account: Address,
    calls: BundleCall[],
    context: Hex | undefined,
    makeBundle: (sessionId: Hex, signed?: Pick<CallBundle, 'rawTransactions' | 'txHashes'>) => Promise<CallBundle>,
  ): Promise<{ sent: CallBundle } | { covered: false; reason: string }> {
    const mark = this.store.mark();
    const all = await this.all();
    // A dApp-held session has no key here: the wallet never signs with it.
    const candidates = all.filter(
      (s) => s.status === 'active' && holderOf(s).kind === 'wallet' && s.origin === req.origin && s.chainId === req.chain.id && isAddressEqual(s.account, account) && (!context || s.id.toLowerCase() === context.toLowerCase()),
    );
    if (context && candidates.length === 0) {
      const c = context.toLowerCase();
      const named = all.find((s) => s.id.toLowerCase() === c);
      if (named && named.origin !== req.origin) return { covered: false, reason: 'The session named in the request belongs to another site.' };
      if (named && named.origin === req.origin && holderOf(named).kind === 'dapp') return { covered: false, reason: "The session named in the request is held by the site's own account, which redeems it itself; the wallet has no key for it." };
      if (named && named.status !== 'active') return { covered: false, reason: `The session named in the request is ${named.status}.` };
      return { covered: false, reason: 'No active session of this site matches the given permissions context.' };
    }
    if (candidates.length === 0) return { covered: false, reason: 'This site has no active session on this chain.' };
    const backend = await this.backends.for(req.chain);
    // The reason shown is the closest session's, not the last one tried (why-uncovered.ts).
    const refusals: Refusal[] = [];
    let failsOnChain: string | undefined;
    for (const candidate of candidates) {
      // The session's record as read above, unless this worker wrote the list since (a revoke, an end).
      const current = async () => (this.store.changedSince(mark) ? this.get(candidate.id) : candidate);
      const sends = backend.sessionSends && backend.kind === grantedBy(candidate) ? backend.sessionSends : undefined;
      const outcome = sends ? await this.sendBooked(req, backend, sends, candidate.id, current, calls, makeBundle) : await this.sendLocked(req, candidate.id, current, calls, makeBundle);
      if ('sent' in outcome) return outcome;
      if (outcome.failsOnChain) failsOnChain ??= outcome.reason;
      refusals.push({ reason: outcome.reason, createdAt: candidate.createdAt });
    }
    // A session that covers the calls says more than the others' refusals: the calls themselves fail.
    if (failsOnChain) return { covered: false, reason: failsOnChain };
    return { covered: false, reason: whyUncovered(refusals) };
  }

  /**
   * The hot path (BookedSessionSends): the dry run and the reads the send needs go out first, in
   * one round trip, signing nothing; the session's lock is held only to check the scope against
   * the backend's ledger (which counts every send booked and not yet counted by the chain) and to
   * book this one. Signing, the bundle's storage and the broadcast run outside it, so sends of one
   * session overlap; a send that does not reach the chain gives its booking back.
   */
  private async sendBooked(
    req: SessionRequest,
    backend: AccountBackend,
    sends: BookedSessionSends,
    id: string,
    current: () => Promise<SessionRecord | undefined>,
    calls: BundleCall[],
    makeBundle: (sessionId: Hex, signed?: Pick<CallBundle, 'rawTransactions' | 'txHashes'>) => Promise<CallBundle>,
  ): Promise<Outcome> {
    const sessionCalls = toSessionCalls(calls);
    const first = await current();
    if (!first || first.status !== 'active' || !first.sealedKey) return { covered: false, reason: 'the session ended' };
    // The key is opened (WebCrypto decrypt, and viem's account: the curve's tables on first use)
    // while the round trip is out; it signs only after the check below said yes and booked the send.
    const opening = this.openKey(first);
    opening.catch(() => undefined); // an error counts only once the send is covered (4100 then)
    const prepared = await sends.prepare(first, sessionCalls);
    const decided = await this.store.withSession(id, async (): Promise<Exclude<Outcome, { sent: CallBundle }> | { s: SessionRecord; booking: SessionBooking }> => {
      const s = await current();
      if (!s || s.status !== 'active' || !s.sealedKey) return { covered: false as const, reason: 'the session ended' };
      const verdict = await this.checkWith(req.chain, backend, s, calls, (scope) => sends.usage(s, scope, prepared));
      if (!verdict.covered) return verdict;
      // Covered, but the chain would refuse it: the key does not sign (its gas would be spent
      // on a revert), and the owner sees why.
      if (prepared.dryRun.reverts) return { covered: false as const, reason: wouldFailOnChain(prepared.dryRun.reason), failsOnChain: true as const };
      return { s, booking: sends.book(s, verdict.scope, sessionCalls) };
    });
    if (!('booking' in decided)) return decided;
    const { s, booking } = decided;
    let key: LocalAccount;
    try {
      // After a browser restart the key opens only once the owner unlocked: 4100, nothing recorded.
      // The same sealed key as the one opened above, unless the record changed meanwhile.
      key = s.sealedKey?.ciphertext === first.sealedKey.ciphertext && s.sealedKey?.iv === first.sealedKey.iv ? await opening : await this.openKey(s);
    } catch (error) {
      booking.release();
      throw error;
    }
    return { sent: await sends.send(s, key, prepared, booking, (signed) => makeBundle(s.id, signed), this.deps.bundles) };
  }

  /** A backend without its own ledger: the whole send under the session's lock, as the check needs it. */
  private sendLocked(
    req: SessionRequest,
    id: string,
    current: () => Promise<SessionRecord | undefined>,
    calls: BundleCall[],
    makeBundle: (sessionId: Hex) => Promise<CallBundle>,
  ): Promise<Outcome> {
    return this.store.withSession(id, async (): Promise<Outcome> => {
      const s = await current();
      if (!s || s.status !== 'active' || !s.sealedKey) return { covered: false, reason: 'the session ended' };
      // The dry run goes out with the usage reads (one message to the node); it signs nothing, and its
      // answer counts only once the scope check has said yes.
      const [verdict, dryRun] = await Promise.all([this.check(req.chain, s, calls), this.dryRun(req.chain, s, calls)]);
      if (!verdict.covered) return verdict;
      if (dryRun.reverts) return { covered: false, reason: wouldFailOnChain(dryRun.reason), failsOnChain: true };
      // Covered, but after a browser restart the key opens only once the owner unlocked: 4100, nothing recorded.
      await this.keys.assertUsable();
      const bundle = await makeBundle(s.id);
      await verdict.backend.sendAsSession(s, await this.openKey(s), bundle, this.io, dryRun.gas !== undefined ? { gas: dryRun.gas } : {});
      return { sent: (await this.deps.bundles.get(bundle.id)) ?? bundle };
    });
  }

  /**
   * The backend's dry run of the session's send (SessionDryRun); no claim of a revert when the
   * backend has none, is not the one that granted the session, or cannot be asked.
   */
  private async dryRun(chain: ChainConfig, s: SessionRecord, calls: BundleCall[]): Promise<SessionDryRun> {
    try {
      const backend = await this.backends.for(chain);
      if (backend.kind !== grantedBy(s) || !backend.dryRunAsSession) return { reverts: false };
      return await backend.dryRunAsSession(s, toSessionCalls(calls));
    } catch {
      return { reverts: false };
    }
  }

  /**
   * Finishes a bundle a previous worker recorded for a session but had not signed yet (a retried
   * request): checks it again and signs it, or marks it failed.
   */
  async resume(req: SessionRequest, bundle: CallBundle): Promise<CallBundle> {
    return this.store.withSession(bundle.sessionId ?? '', async () => {
      const s = bundle.sessionId ? await this.get(bundle.sessionId) : undefined;
      const live = s && s.status === 'active' && s.sealedKey ? s : undefined;
      const [verdict, dryRun]: [Verdict, SessionDryRun] = live
        ? await Promise.all([this.check(req.chain, live, bundle.calls, bundle.id), this.dryRun(req.chain, live, bundle.calls)])
        : [{ covered: false, reason: 'the session ended' }, { reverts: false }];
      if (!verdict.covered) {
        await this.deps.bundles.update(bundle.id, { state: 'failed', error: verdict.reason });
        throw new UnauthorizedError(`The session does not cover this request: ${verdict.reason}`);
      }
      // The request is already the session's (recorded before the worker stopped), so there is no
      // window to move it to: it fails, with the reason, and nothing is signed.
      if (dryRun.reverts) {
        const reason = wouldFailOnChain(dryRun.reason);
        await this.deps.bundles.update(bundle.id, { state: 'failed', error: reason });
        throw new TransactionRejectedError(reason, { reason: dryRun.reason });
      }
      await verdict.backend.sendAsSession(live!, await this.openKey(live!), bundle, this.io, dryRun.gas !== undefined ? { gas: dryRun.gas } : {});
      return (await this.deps.bundles.get(bundle.id)) ?? bundle;
    });
  }

  /** Sends again what a session signed for a request that is being retried (never signs again). */
  async resend(req: SessionRequest, bundle: CallBundle): Promise<CallBundle> {
    const backend = await this.backends.forBundle(req.chain, bundle, (name) => new UnsupportedChainIdError(`${req.chain.name} no longer uses the ${name} backend this request was signed for.`));
    return this.store.withSession(bundle.sessionId ?? '', async () => {
      await backend.resendAsSession(bundle.sessionId ?? '', (await this.deps.bundles.get(bundle.id)) ?? bundle, this.io);
      return (await this.deps.bundles.get(bundle.id)) ?? bundle;
    });
  }

  /** `resuming`: the bundle a retried request resumes (its spend may be counted already). */
  private async check(chain: ChainConfig, s: SessionRecord, calls: BundleCall[], resuming?: string): Promise<Verdict> {
    const backend = await this.backends.for(chain);
    return this.checkWith(chain, backend, s, calls, (scope, sessionCalls) => backend.usage(s, scope, resuming !== undefined ? { bundleId: resuming, calls: sessionCalls } : undefined));
  }

  /** The off-chain check (policy.ts covers) of `calls` against the usage `usageOf` gives. */
  private async checkWith(
    chain: ChainConfig,
    backend: AccountBackend,
    s: SessionRecord,
    calls: BundleCall[],
    usageOf: (scope: SessionScope, calls: SessionCall[]) => Promise<SessionUsage>,
  ): Promise<Verdict> {
    if (!s.sealedKey) return { covered: false, reason: 'the session key was deleted' };
    const granted = grantedBy(s);
    if (backend.kind !== granted) {
      return { covered: false, reason: `the session was granted through ${BACKEND_NAMES[granted].grantedThrough}, and ${chain.name} no longer uses the ${BACKEND_NAMES[granted].name} backend` };
    }
    let scope: SessionScope;
    try {
      scope = deserializeScope(s.scope); // the grant-time rules, as this version has them
    } catch (error) {
      // Granted by an older version under rules this one refuses (an impostor function name, a
      // DelegationManager target, ...): it covers nothing; the owner sees it listed and can revoke it.
      return { covered: false, reason: `the session was granted under rules this wallet now refuses (${(error as Error).message}); revoke it` };
    }
    const sessionCalls = toSessionCalls(calls);
    const usage = await usageOf(scope, sessionCalls);
    const verdict = covers(scope, sessionCalls, usage, { chainId: chain.id, origin: s.origin, redeemer: s.sessionAddress, wallClockMs: Date.now() });
    return verdict.covered ? { covered: true, backend, scope } : verdict;
  }

  private async openKey(s: SessionRecord): Promise<LocalAccount> {
    return privateKeyToAccount(await this.keys.open(s.sealedKey!));
  }

  // ------------------------------------------------------------------------------------- end (ending.ts)

  /** Revokes: the key is out of use at once; the backend revokes on chain and returns what the key holds. */
  revoke(chain: ChainConfig, id: string): Promise<SessionRecord> {
    return this.ending.end(chain, id, 'revoked');
  }

  revokeAll(chain: ChainConfig, origin?: string): Promise<SessionRecord[]> {
    return this.ending.revokeAll(chain, origin);
  }

  /** Housekeeping from the alarm: ends sessions past their expiry on the session clock (chains/clock.ts). */
  sweepExpired(chainsById: ChainsById): Promise<number> {
    return this.ending.sweepExpired(chainsById);
  }

  /** Retries stipend returns that failed (node down, fees spiking). */
  retrySweeps(chainsById: ChainsById): Promise<void> {
    return this.ending.retrySweeps(chainsById);
  }

  /** Remove wallet: revokes every session while the owner key is there; what is left undone. */
  /**
   * Forgets ended sessions on `chainId` that are settled: no key kept (its gas money went back) and
   * nothing left on chain (expired, or revoked with the revoke sent). One still holding a key or
   * without a sent revoke stays listed, so nothing the owner may need to act on disappears.
   */
  clearEnded(chainId: number): Promise<number> {
    return this.store.removeWhere((s) => s.chainId === chainId && s.status !== 'active' && s.sealedKey === null && (s.status === 'expired' || s.revokeTx !== undefined));
  }

  revokeAllForReset(chainsById: ChainsById): Promise<ResetRevokeReport> {
    return this.ending.revokeAllForReset(chainsById);
  }

  private async scheduleSweep(): Promise<void> {
    await browser.alarms.create(SESSION_SWEEP_ALARM, { periodInMinutes: 1 });
  }
}
