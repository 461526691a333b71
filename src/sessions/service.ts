// Sessions: grant, use, revoke, expire. A session is a fresh secp256k1 key held (encrypted) by the
// background, bound to one origin, chain and owner account, plus a delegation from the owner to that
// key whose caveats the chain enforces (scopeToCaveats). Before any session signature the scope is
// checked off chain against the chain's own record of what was used (covers + readSessionUsage);
// the chain's check is the backstop, never the only check.
import { browser } from 'wxt/browser';
import { createPublicClient, createWalletClient, http, isAddressEqual, keccak256, parseEther, parseTransaction, type Address, type Hex, type LocalAccount, type PublicClient } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { erc20TransferAmount, isErc20Transfer } from '../permissions/match';
import { readAccount, setDelegation } from '../account/owner-actions';
import { scopeToCaveats } from '../backends/delegation/caveats';
import { createDelegation, encodeDisableDelegation, hashDelegation, signDelegation, type Delegation } from '../backends/delegation/framework';
import { encodeSessionBatch, readSessionUsage } from '../backends/delegation/session-chain';
import type { BundleCall, Bundles, CallBundle } from '../calls/bundles';
import { KeyedMutex } from '../calls/mutex';
import { sendBundleTransactions } from '../calls/sender';
import { frameworkFor, type FrameworkDeployment } from '../chains/deployments';
import { toViemChain, type ChainConfig } from '../chains/registry';
import { deserializeScope, serializeScope, type SerializedSessionScope } from '../permissions/serialize';
import type { SessionCall, SessionScope, SessionUsage } from '../permissions/types';
import { chainNow } from '../chains/clock';
import { toAlchemyGrant } from '../backends/alchemy/permissions';
import type { AlchemyBackend } from '../backends/alchemy/backend';
import type { Backends } from '../backends/choice';
import { isAlchemyRefusal, sendAlchemyBundle } from '../calls/alchemy';
import { InternalError, ResourceUnavailableError, RpcError, TransactionRejectedError, UnauthorizedError, UnsupportedChainIdError } from '../rpc/errors';
import type { RequestContext } from '../rpc/method';
import type { Vault } from '../vault/vault';
import { SessionKeyVault, type SealedKey } from './key-store';
import { covers } from './policy';

const KEY = 'sessions';
export const SESSION_SWEEP_ALARM = 'sessions-sweep';
/** Gas stipend the owner funds the session key with when the grant names no gas-limit. */
export const DEFAULT_GAS_STIPEND = parseEther('0.01');

export type SessionStatus = 'active' | 'revoked' | 'expired';

export interface SessionRecord {
  id: Hex; // the delegation hash; also the ERC-7715 permissionsContext given to the dApp
  origin: string;
  chainId: number;
  account: Address;
  sessionAddress: Address;
  /** null once the session ended and its stipend went back: the key is deleted. */
  sealedKey: SealedKey | null;
  scope: SerializedSessionScope;
  /** Delegation backend: the owner's signed delegation to the key (absent for Alchemy sessions). */
  delegation?: Omit<Delegation, 'salt'> & { salt: string };
  /** Absent: the delegation backend. */
  backend?: 'alchemy';
  /**
   * Alchemy backend: the permissions context Alchemy issued (`0x00 ‖ session id ‖ owner signature`,
   * never shown to the dApp, which gets `id`), and what the wallet has sent through the session:
   * Alchemy keeps its own count but does not publish it, so the wallet's off-chain check counts
   * here, booked before each send and given back if the send is refused. `pending`: bundles booked
   * whose send has not settled yet (a restarted worker must not book them twice).
   */
  alchemy?: { context: Hex; spent: AlchemySpent; pending?: string[] };
  stipend: string;
  createdAt: number;
  status: SessionStatus;
  /** On-chain results of the revoke: disableDelegation and the stipend sweep. */
  revokeTx?: Hex;
  sweepTx?: Hex;
  endedAt?: number;
  note?: string;
}

export interface SessionView extends SessionRecord {
  usage: { nativeSpent: string; erc20Spent: Record<string, string>; callsUsed: number } | null;
  stipendLeft: string | null;
  /** The chain's clock (latest block), which decides expiry; null when the node is unreachable. */
  chainNow: number | null;
}

/** What Remove wallet's revoke pass left undone, per session, for the owner to decide on. */
export interface ResetRevokeReport {
  /** Sessions whose delegation or key was live and was revoked now. */
  revoked: number;
  failed: { id: Hex; origin: string; chainId: number; expiry: number; reason: string; stipendLeft?: string }[];
}

export interface AlchemySpent {
  native: string;
  erc20: Record<string, string>;
  calls: number;
}

/** 4100: the account is delegated to a contract the wallet's backend did not put there. */
export class ForeignDelegationError extends UnauthorizedError {
  constructor(readonly implementation: Address) {
    super(`Your account is upgraded to another contract (${implementation}). Open the wallet to review it before granting sessions.`, { reason: 'foreign-delegation', implementation });
  }
}

function toDelegation(s: SessionRecord): Delegation {
  if (!s.delegation) throw new InternalError('This session has no delegation (it is not a delegation-backend session).');
  return { ...s.delegation, salt: BigInt(s.delegation.salt) };
}

/** Adds (sign 1) or takes back (sign -1) what `calls` spend to an Alchemy session's count. */
function bookSpend(spent: AlchemySpent, scope: SessionScope, calls: SessionCall[], sign: 1n | -1n): AlchemySpent {
  const out: AlchemySpent = { native: spent.native, erc20: { ...spent.erc20 }, calls: spent.calls + Number(sign) * calls.length };
  const tokens = scope.permissions.flatMap((p) => (p.type === 'erc20-token-transfer' ? [p.data.address] : []));
  out.native = (BigInt(out.native) + sign * calls.reduce((sum, c) => sum + c.value, 0n)).toString();
  for (const call of calls) {
    for (const token of tokens) {
      if (isErc20Transfer(call, token)) out.erc20[token] = (BigInt(out.erc20[token] ?? '0') + sign * erc20TransferAmount(call.data)).toString();
    }
  }
  return out;
}


export class Sessions {
  private readonly lock = new KeyedMutex();
  /** Session transactions this worker broadcast, by session, until the chain mines them. */
  private readonly inFlight = new Map<string, { nonce: number; calls: SessionCall[] }[]>();
  readonly keys: SessionKeyVault;

  constructor(private readonly deps: { vault: Vault; bundles: Bundles; backends?: Backends; keys?: SessionKeyVault }) {
    this.keys = deps.keys ?? new SessionKeyVault();
  }

  // ------------------------------------------------------------------------------------- store

  async all(): Promise<SessionRecord[]> {
    return ((await browser.storage.local.get(KEY))[KEY] as SessionRecord[] | undefined) ?? [];
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    return (await this.all()).find((s) => s.id.toLowerCase() === id.toLowerCase());
  }

  private async save(record: SessionRecord): Promise<void> {
    await this.lock.run(KEY, async () => {
      const all = await this.all();
      const i = all.findIndex((s) => s.id === record.id);
      if (i >= 0) all[i] = record;
      else all.push(record);
      await browser.storage.local.set({ [KEY]: all });
    });
  }

  /**
   * Seals again, under the vault's sealing key, the keys an older version sealed with the IndexedDB
   * device key (run after an unlock). Under the store's lock, so no concurrent save is lost. Returns
   * how many legacy keys are left (a session ended meanwhile may have written its old blob back):
   * the device key may be deleted only when none is.
   */
  async resealLegacyKeys(): Promise<number> {
    await this.lock.run(KEY, async () => {
      const all = await this.all();
      let changed = false;
      for (const s of all) {
        if (!s.sealedKey || s.sealedKey.version === 2) continue;
        try {
          s.sealedKey = await this.keys.resealIfLegacy(s.sealedKey);
          changed = true;
        } catch (error) {
          console.warn('[wallet] a session key sealed by an older version could not be opened', s.id, error);
        }
      }
      if (changed) await browser.storage.local.set({ [KEY]: all });
    });
    return (await this.all()).filter((s) => s.sealedKey && s.sealedKey.version !== 2).length;
  }

  // ------------------------------------------------------------------------------------- grant

  /**
   * Grants a session: upgrades the account first if it is not (EIP-7702), makes the key, signs the
   * delegation with the owner key, and funds the key's gas stipend from the owner.
   */
  async grant(chain: ChainConfig, origin: string, scope: SessionScope): Promise<SessionRecord> {
    const alchemy = await this.alchemy(chain);
    if (alchemy) return this.grantOnAlchemy(alchemy, chain, origin, scope);
    const framework = this.framework(chain);
    const owner = await this.deps.vault.ownerAccount();
    if (!isAddressEqual(owner.address, scope.account)) throw new UnauthorizedError('The session is not for the wallet account.');
    const client = this.client(chain);

    const view = await readAccount(chain, owner.address);
    // Checked again after the approval: the account may have changed while the owner looked.
    if (view.delegation.kind === 'foreign') throw new ForeignDelegationError(view.delegation.implementation);
    if (view.delegation.kind !== 'framework') {
      const hash = await setDelegation(chain, owner, 'framework');
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== 'success') throw new TransactionRejectedError('The account upgrade (EIP-7702) reverted.');
    }

    const privateKey = generatePrivateKey();
    const sessionAccount = privateKeyToAccount(privateKey);
    const unsigned = createDelegation({ delegator: owner.address, delegate: sessionAccount.address, caveats: scopeToCaveats(scope, framework.caveatEnforcers) });
    const delegation = await signDelegation(owner, unsigned, { chainId: chain.id, delegationManager: framework.DelegationManager });

    const gasLimit = scope.permissions.find((p) => p.type === 'gas-limit');
    const stipend = gasLimit?.type === 'gas-limit' ? gasLimit.data.limit : DEFAULT_GAS_STIPEND;
    const record = await this.newRecord(hashDelegation(unsigned), origin, chain, scope, privateKey, {
      delegation: { ...delegation, salt: delegation.salt.toString() },
      stipend: stipend.toString(),
    });
    // Recorded before the stipend moves: whatever happens next, the key that holds it is kept, so the
    // stipend can always be swept back.
    await this.save(record);
    await this.scheduleSweep();
    try {
      const wallet = createWalletClient({ chain: toViemChain(chain), transport: http(chain.rpcUrl, { retryCount: 0 }), account: owner });
      const funded = await client.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: sessionAccount.address, value: stipend }) });
      if (funded.status !== 'success') throw new TransactionRejectedError('Funding the session key reverted.');
    } catch (error) {
      await this.end(chain, record.id, 'revoked');
      throw error instanceof RpcError ? error : new TransactionRejectedError(`Funding the session key failed: ${(error as Error).message.split('\n')[0]}`);
    }
    return record;
  }

  /**
   * Throws before the owner is asked: -32602 when this chain's backend cannot grant `scope`, 4100
   * when the account is delegated (EIP-7702) to a contract the backend did not put there.
   */
  async assertGrantable(chain: ChainConfig, scope: SessionScope): Promise<void> {
    const alchemy = await this.alchemy(chain);
    if (alchemy) toAlchemyGrant(scope);
    else this.framework(chain);
    await this.assertNotDelegatedElsewhere(chain, scope.account, alchemy);
  }

  /**
   * A grant upgrades the account when it is a plain EOA, but never over a delegation to another
   * contract: that code controls the account, the owner may rely on it (or it may be an attacker's
   * and must be looked at), and replacing it is the owner's decision in the account card.
   */
  private async assertNotDelegatedElsewhere(chain: ChainConfig, account: Address, alchemy: AlchemyBackend | null): Promise<void> {
    const expected = alchemy ? { address: alchemy.delegationAddress, name: "the Alchemy backend's account contract" } : undefined;
    const view = await readAccount(chain, account, expected);
    if (view.delegation.kind === 'foreign') throw new ForeignDelegationError(view.delegation.implementation);
  }

  /**
   * The seed's flow on Alchemy: upgrade the account if it is not (an empty batch as the owner, which
   * Alchemy prepares with a 7702 authorization), then grantPermissions to a fresh key. No stipend:
   * the account pays for its operations, or the gas policy sponsors them.
   */
  private async grantOnAlchemy(backend: AlchemyBackend, chain: ChainConfig, origin: string, scope: SessionScope): Promise<SessionRecord> {
    toAlchemyGrant(scope); // refuse what Alchemy cannot express before anything goes on chain
    const owner = await this.deps.vault.ownerAccount();
    if (!isAddressEqual(owner.address, scope.account)) throw new UnauthorizedError('The session is not for the wallet account.');
    await this.assertNotDelegatedElsewhere(chain, owner.address, backend);
    await backend.delegate(owner);
    const privateKey = generatePrivateKey();
    const sessionAccount = privateKeyToAccount(privateKey);
    const permissions = await backend.grant(owner, scope, sessionAccount.address);
    const record = await this.newRecord(keccak256(permissions.context), origin, chain, scope, privateKey, {
      backend: 'alchemy',
      alchemy: { context: permissions.context, spent: { native: '0', erc20: {}, calls: 0 } },
      stipend: '0',
    });
    await this.save(record);
    await this.scheduleSweep();
    return record;
  }

  /** A new active session record for `privateKey` (sealed here) with the backend's own fields. */
  private async newRecord(
    id: Hex,
    origin: string,
    chain: ChainConfig,
    scope: SessionScope,
    privateKey: Hex,
    backendFields: Pick<SessionRecord, 'stipend' | 'delegation' | 'backend' | 'alchemy'>,
  ): Promise<SessionRecord> {
    return {
      id,
      origin,
      chainId: chain.id,
      account: scope.account,
      sessionAddress: privateKeyToAccount(privateKey).address,
      sealedKey: await this.keys.seal(privateKey),
      scope: serializeScope(scope),
      ...backendFields,
      createdAt: Date.now(),
      status: 'active',
    };
  }

  private async alchemy(chain: ChainConfig): Promise<AlchemyBackend | null> {
    return this.deps.backends ? this.deps.backends.alchemyFor(chain) : null;
  }

  // ------------------------------------------------------------------------------------- use

  /**
   * Sends the calls through an active session of this origin and chain that covers every one (the
   * dApp may name the session by its permissions context). The scope is checked under the session's
   * lock, against what the chain recorded plus what this worker has sent and the chain has not mined
   * yet, so concurrent requests cannot overspend. `makeBundle` records the bundle once a session
   * covers it. Returns the bundle, or why no session covers the calls.
   */
  async trySend(
    ctx: RequestContext,
    account: Address,
    calls: BundleCall[],
    context: Hex | undefined,
    makeBundle: (sessionId: Hex) => Promise<CallBundle>,
  ): Promise<{ sent: CallBundle } | { covered: false; reason: string }> {
    const candidates = (await this.all()).filter(
      (s) => s.status === 'active' && s.origin === ctx.origin && s.chainId === ctx.chain.id && isAddressEqual(s.account, account) && (!context || s.id.toLowerCase() === context.toLowerCase()),
    );
    if (context && candidates.length === 0) {
      const named = await this.get(context);
      if (named && named.origin !== ctx.origin) return { covered: false, reason: 'The session named in the request belongs to another site.' };
      if (named && named.status !== 'active') return { covered: false, reason: `The session named in the request is ${named.status}.` };
      return { covered: false, reason: 'No active session of this site matches the given permissions context.' };
    }
    if (candidates.length === 0) return { covered: false, reason: 'This site has no active session on this chain.' };
    let reason = '';
    for (const candidate of candidates) {
      const outcome = await this.lock.run(candidate.id.toLowerCase(), async () => {
        const s = await this.get(candidate.id);
        if (!s || s.status !== 'active' || !s.sealedKey) return { covered: false as const, reason: 'the session ended' };
        const verdict = await this.check(ctx.chain, s, calls);
        if (!verdict.covered) return verdict;
        // Covered, but after a browser restart the key opens only once the owner unlocked: 4100, nothing recorded.
        await this.keys.assertUsable();
        const bundle = await makeBundle(s.id);
        await this.sign(ctx.chain, s, bundle);
        return { sent: (await this.deps.bundles.get(bundle.id)) ?? bundle };
      });
      if ('sent' in outcome) return outcome;
      reason = outcome.reason;
    }
    return { covered: false, reason: `No session covers this request: ${reason}` };
  }

  /**
   * Finishes a bundle a previous worker recorded for a session but had not signed yet (a retried
   * request): checks it again and signs it, or marks it failed.
   */
  async resume(ctx: RequestContext, bundle: CallBundle): Promise<CallBundle> {
    return this.lock.run((bundle.sessionId ?? '').toLowerCase(), async () => {
      const s = bundle.sessionId ? await this.get(bundle.sessionId) : undefined;
      const verdict = s && s.status === 'active' && s.sealedKey ? await this.check(ctx.chain, s, bundle.calls, bundle.id) : { covered: false as const, reason: 'the session ended' };
      if (!verdict.covered) {
        await this.deps.bundles.update(bundle.id, { state: 'failed', error: verdict.reason });
        throw new UnauthorizedError(`The session does not cover this request: ${verdict.reason}`);
      }
      await this.sign(ctx.chain, s!, bundle);
      return (await this.deps.bundles.get(bundle.id)) ?? bundle;
    });
  }

  /** `resuming`: the bundle a retried request resumes (an Alchemy session may have booked it already). */
  private async check(chain: ChainConfig, s: SessionRecord, calls: BundleCall[], resuming?: string): Promise<{ covered: true } | { covered: false; reason: string }> {
    if (!s.sealedKey) return { covered: false, reason: 'the session key was deleted' };
    const scope = deserializeScope(s.scope);
    if (s.backend === 'alchemy') {
      if (!(await this.alchemy(chain))) return { covered: false, reason: `the session was granted through Alchemy, and ${chain.name} no longer uses the Alchemy backend` };
      const now = await chainNow(chain);
      const booked = resuming !== undefined && s.alchemy!.pending?.includes(resuming);
      const spent = booked ? bookSpend(s.alchemy!.spent, scope, toSessionCalls(calls), -1n) : s.alchemy!.spent;
      return covers(scope, toSessionCalls(calls), alchemyUsage(spent, now), { chainId: chain.id, origin: s.origin });
    }
    if (await this.alchemy(chain)) return { covered: false, reason: `the session was granted through the Delegation Framework, and ${chain.name} now uses the Alchemy backend` };
    const pending = this.inFlight.get(s.id);
    // Both reads start together, so the batching transport sends them in one HTTP request.
    const [usage, mined] = await Promise.all([
      this.usage(chain, s, scope),
      pending?.length ? this.client(chain).getTransactionCount({ address: s.sessionAddress, blockTag: 'latest' }) : Promise.resolve(0),
    ]);
    return covers(scope, toSessionCalls(calls), this.withInFlight(s, scope, usage, mined), { chainId: chain.id, origin: s.origin });
  }

  private usage(chain: ChainConfig, s: SessionRecord, scope: SessionScope): Promise<SessionUsage> {
    return readSessionUsage(this.client(chain), toDelegation(s), scope, this.framework(chain));
  }

  /**
   * Adds what this worker sent through the session and the chain has not mined yet (nonces at or
   * above `mined`, the key's mined transaction count): the usage read from the latest block does
   * not include it, and counting it is what keeps concurrent requests within the allowances on a
   * chain that does not mine at once.
   */
  private withInFlight(s: SessionRecord, scope: SessionScope, usage: SessionUsage, mined: number): SessionUsage {
    const pending = this.inFlight.get(s.id);
    if (!pending?.length) return usage;
    const still = pending.filter((p) => p.nonce >= mined);
    this.inFlight.set(s.id, still);
    const out: SessionUsage = { ...usage, erc20Spent: { ...usage.erc20Spent } };
    const tokens = scope.permissions.flatMap((p) => (p.type === 'erc20-token-transfer' ? [p.data.address] : []));
    for (const call of still.flatMap((p) => p.calls)) {
      out.callsUsed += 1;
      out.nativeSpent += call.value;
      for (const token of tokens) {
        if (isErc20Transfer(call, token)) out.erc20Spent[token] = (out.erc20Spent[token] ?? 0n) + erc20TransferAmount(call.data);
      }
    }
    return out;
  }

  /** Signs and broadcasts the bundle with the session key, and books it as in flight. */
  private async sign(chain: ChainConfig, s: SessionRecord, bundle: CallBundle): Promise<void> {
    const key = privateKeyToAccount(await this.keys.open(s.sealedKey!));
    if (s.backend === 'alchemy') return this.signOnAlchemy(chain, s, key, bundle);
    const framework = this.framework(chain);
    const calls = toSessionCalls(bundle.calls);
    const data = encodeSessionBatch(toDelegation(s), deserializeScope(s.scope), calls);
    await sendBundleTransactions(chain, key, bundle, this.deps.bundles, [{ to: framework.DelegationManager, value: 0n, data }], 'The session call');
    const sent = await this.deps.bundles.get(bundle.id);
    const raw = sent?.rawTransactions[0];
    if (raw) {
      const { nonce } = parseTransaction(raw);
      this.inFlight.set(s.id, [...(this.inFlight.get(s.id) ?? []), { nonce: nonce ?? 0, calls }]);
    }
  }

  /**
   * Alchemy: books the spend, prepares and signs with the session key, stores the signed payload in
   * the bundle, then sends it. A retried request finds the payload and sends the same bytes
   * (resendOnAlchemy). The booked spend is given back when the calls surely did not run: a failure
   * before sending, or Alchemy refusing the send; when the answer was lost it stays booked.
   */
  private async signOnAlchemy(chain: ChainConfig, s: SessionRecord, key: LocalAccount, bundle: CallBundle): Promise<void> {
    const backend = (await this.alchemy(chain))!;
    await this.book(s, bundle);
    try {
      const signed = await backend.signAsSession(key, s.account, { context: s.alchemy!.context }, toSessionCalls(bundle.calls));
      await this.deps.bundles.update(bundle.id, { alchemySigned: signed });
    } catch (error) {
      await this.settle(s.id, bundle, 'give back');
      await this.deps.bundles.update(bundle.id, { state: 'failed', error: (error as Error).message });
      throw error;
    }
    await this.sendOnAlchemy(backend, s.id, (await this.deps.bundles.get(bundle.id))!);
  }

  /** Sends again the payload a session signed for a request that is being retried. */
  async resendOnAlchemy(ctx: RequestContext, bundle: CallBundle): Promise<CallBundle> {
    const backend = await this.alchemy(ctx.chain);
    if (!backend) throw new UnsupportedChainIdError(`${ctx.chain.name} no longer uses the Alchemy backend this request was signed for.`);
    return this.lock.run((bundle.sessionId ?? '').toLowerCase(), async () => {
      await this.sendOnAlchemy(backend, bundle.sessionId!, (await this.deps.bundles.get(bundle.id)) ?? bundle);
      return (await this.deps.bundles.get(bundle.id)) ?? bundle;
    });
  }

  private async sendOnAlchemy(backend: AlchemyBackend, sessionId: string, bundle: CallBundle): Promise<void> {
    try {
      await sendAlchemyBundle(backend, bundle, this.deps.bundles);
    } catch (error) {
      if (isAlchemyRefusal(error)) await this.settle(sessionId, bundle, 'give back');
      throw error;
    }
    await this.settle(sessionId, bundle, 'keep');
  }

  /** Books what the bundle spends on its Alchemy session, once (a resumed bundle may be booked already). */
  private async book(s: SessionRecord, bundle: CallBundle): Promise<void> {
    const current = (await this.get(s.id)) ?? s;
    const a = current.alchemy!;
    if (a.pending?.includes(bundle.id)) return;
    const spent = bookSpend(a.spent, deserializeScope(current.scope), toSessionCalls(bundle.calls), 1n);
    await this.save({ ...current, alchemy: { ...a, spent, pending: [...(a.pending ?? []), bundle.id] } });
  }

  /** Ends the bundle's booking: the spend stays (sent) or is given back (it surely did not run). */
  private async settle(sessionId: string, bundle: CallBundle, outcome: 'keep' | 'give back'): Promise<void> {
    const current = await this.get(sessionId);
    const a = current?.alchemy;
    if (!current || !a?.pending?.includes(bundle.id)) return;
    const spent = outcome === 'give back' ? bookSpend(a.spent, deserializeScope(current.scope), toSessionCalls(bundle.calls), -1n) : a.spent;
    await this.save({ ...current, alchemy: { ...a, spent, pending: a.pending.filter((id) => id !== bundle.id) } });
  }

  // ------------------------------------------------------------------------------------- end

  /**
   * Revokes: deletes the key first (from then on nobody can sign for the session), disables the
   * delegation on chain with the owner key when the wallet is unlocked, and sweeps what is left of
   * the stipend back to the owner.
   */
  async revoke(chain: ChainConfig, id: string): Promise<SessionRecord> {
    return this.end(chain, id, 'revoked');
  }

  async revokeAll(chain: ChainConfig, origin?: string): Promise<SessionRecord[]> {
    const active = (await this.all()).filter((s) => s.status === 'active' && s.chainId === chain.id && (!origin || s.origin === origin));
    const out: SessionRecord[] = [];
    for (const s of active) out.push(await this.end(chain, s.id, 'revoked'));
    return out;
  }

  /**
   * Expired sessions are marked expired (kept in the list), their keys deleted and stipends swept.
   * Expiry is judged by the chain's clock (the latest block), as the TimestampEnforcer judges it.
   * Runs from an alarm every minute and whenever the popup lists sessions.
   */
  async sweepExpired(chainsById: (id: number) => Promise<ChainConfig | undefined>): Promise<number> {
    const active = (await this.all()).filter((s) => s.status === 'active');
    const chainNow = new Map<number, number>();
    let n = 0;
    for (const s of active) {
      const chain = await chainsById(s.chainId);
      if (!chain) continue;
      if (!chainNow.has(s.chainId)) {
        const block = await this.client(chain).getBlock().catch(() => null);
        chainNow.set(s.chainId, block ? Number(block.timestamp) : Math.floor(Date.now() / 1000));
      }
      if (deserializeScope(s.scope).expiry > chainNow.get(s.chainId)!) continue;
      await this.end(chain, s.id, 'expired').catch((e) => console.warn('[wallet] expiring a session failed', e));
      n++;
    }
    return n;
  }

  private async end(chain: ChainConfig, id: string, status: 'revoked' | 'expired'): Promise<SessionRecord> {
    return this.lock.run(id.toLowerCase(), async () => {
      const s = await this.get(id);
      if (!s) throw new ResourceUnavailableError('No such session.');
      if (s.status !== 'active') return s;
      // From here on the session signs nothing: every use checks the status first.
      const ended: SessionRecord = { ...s, status, endedAt: Date.now() };
      await this.save(ended);
      const notes: string[] = [];
      if (status === 'revoked' && s.backend === 'alchemy') {
        notes.push('The session key was deleted, so nothing can sign for the session any more. Alchemy keeps the grant installed on the account until it expires.');
      } else if (status === 'revoked') {
        const disabled = await this.disableOnChain(chain, s);
        if (disabled.hash) ended.revokeTx = disabled.hash;
        if (disabled.problem) notes.push(disabled.problem);
      }
      const swept = await this.returnStipend(chain, ended);
      if (swept.note) notes.push(swept.note);
      const final: SessionRecord = { ...ended, ...(swept.hash ? { sweepTx: swept.hash } : {}), sealedKey: swept.done ? null : ended.sealedKey, ...(notes.length ? { note: notes.join(' ') } : {}) };
      await this.save(final);
      return final;
    });
  }

  /** disableDelegation on chain, sent by the owner's upgraded account; needs the wallet unlocked. */
  private async disableOnChain(chain: ChainConfig, s: SessionRecord): Promise<{ hash?: Hex; problem?: string }> {
    let hash: Hex | undefined;
    try {
      const owner = await this.deps.vault.ownerAccount();
      const wallet = createWalletClient({ chain: toViemChain(chain), transport: http(chain.rpcUrl, { retryCount: 0 }), account: owner });
      hash = await wallet.sendTransaction({ to: s.account, data: encodeDisableDelegation(toDelegation(s)) });
      const receipt = await this.client(chain).waitForTransactionReceipt({ hash });
      return receipt.status === 'success' ? { hash } : { hash, problem: 'Disabling the delegation on chain reverted.' };
    } catch (error) {
      const problem = error instanceof UnauthorizedError ? 'Unlock the wallet to also disable the delegation on chain; the session can no longer sign.' : `Disabling on chain failed: ${(error as Error).message.split('\n')[0]}`;
      return hash ? { hash, problem } : { problem };
    }
  }

  /**
   * Remove wallet: ends every session of the wallet on every chain while the owner key is still
   * there to sign the on-chain revokes. Active sessions are revoked (key out of use at once,
   * disableDelegation, stipend swept); ended ones whose delegation was never disabled and has not
   * expired are disabled now, and stipends that could not be returned earlier are tried again.
   * Then the chain itself is asked whether each delegation is disabled, so the report says what is
   * true on chain, not what was attempted. Nothing is deleted here: `clear()` does that once the
   * owner has seen the report.
   */
  async revokeAllForReset(chainsById: (id: number) => Promise<ChainConfig | undefined>): Promise<ResetRevokeReport> {
    const report: ResetRevokeReport = { revoked: 0, failed: [] };
    for (const listed of await this.all()) {
      const chain = await chainsById(listed.chainId);
      const fail = (reason: string, stipendLeft?: bigint) =>
        report.failed.push({ id: listed.id, origin: listed.origin, chainId: listed.chainId, expiry: listed.scope.expiry, reason, ...(stipendLeft ? { stipendLeft: stipendLeft.toString() } : {}) });
      if (!chain) {
        if (listed.status === 'active' || listed.sealedKey) fail(`The wallet no longer knows network ${listed.chainId}, so nothing could be sent there.`);
        continue;
      }
      const delegationBackend = listed.backend !== 'alchemy';
      const live = delegationBackend && listed.scope.expiry > (await chainNow(chain));
      if (listed.status === 'active') {
        report.revoked++;
        await this.end(chain, listed.id, 'revoked');
      } else if (live && !listed.revokeTx) {
        report.revoked++;
        await this.lock.run(listed.id.toLowerCase(), async () => {
          const current = (await this.get(listed.id))!;
          const disabled = await this.disableOnChain(chain, current);
          await this.save({ ...current, ...(disabled.hash ? { revokeTx: disabled.hash } : {}), ...(disabled.problem ? { note: disabled.problem } : {}) });
        });
      }
      await this.retrySweeps(async (id) => (id === chain.id ? chain : undefined), listed.id);
      const s = (await this.get(listed.id))!;
      const reasons: string[] = [];
      if (live) {
        const disabled = await this.usage(chain, s, deserializeScope(s.scope)).then(
          (u) => u.disabled,
          () => null,
        );
        if (disabled === null) reasons.push(`${chain.name} could not be reached.`);
        else if (!disabled) reasons.push(`The revoke did not go through on ${chain.name}.`);
      }
      let stipendLeft: bigint | undefined;
      if (s.sealedKey && delegationBackend) {
        stipendLeft = await this.client(chain).getBalance({ address: s.sessionAddress }).catch(() => undefined);
        reasons.push('Its unused gas money could not be returned to you.');
      }
      if (reasons.length) fail(reasons.join(' '), stipendLeft);
    }
    return report;
  }

  /** Deletes every session record and its sealed key (Remove wallet, after revokeAllForReset). */
  async clear(): Promise<void> {
    await this.lock.run(KEY, async () => {
      await browser.storage.local.remove(KEY);
      this.inFlight.clear();
    });
  }

  /**
   * Sends what is left of the gas stipend back to the owner. The key is deleted only once that
   * worked (or there was nothing worth returning); otherwise it is kept, unable to sign for the
   * session, and the sweep is tried again by the next alarm.
   */
  private async returnStipend(chain: ChainConfig, s: SessionRecord): Promise<{ done: boolean; hash?: Hex; note?: string }> {
    if (!s.sealedKey || s.backend === 'alchemy') return { done: true }; // Alchemy sessions hold no stipend
    try {
      const hash = await this.sweep(chain, s.sealedKey, s.account);
      return hash ? { done: true, hash } : { done: true };
    } catch (error) {
      return { done: false, note: `Returning the gas stipend failed (${(error as Error).message.split('\n')[0]}); it will be retried.` };
    }
  }

  /** Retries stipend returns that failed (node down, fees spiking). */
  async retrySweeps(chainsById: (id: number) => Promise<ChainConfig | undefined>, only?: Hex): Promise<void> {
    for (const s of await this.all()) {
      if (s.status === 'active' || !s.sealedKey || (only && s.id !== only)) continue;
      const chain = await chainsById(s.chainId);
      if (!chain) continue;
      await this.lock.run(s.id.toLowerCase(), async () => {
        const current = await this.get(s.id);
        if (!current?.sealedKey) return;
        const swept = await this.returnStipend(chain, current);
        if (swept.done) await this.save({ ...current, sealedKey: null, ...(swept.hash ? { sweepTx: swept.hash } : {}), note: current.note?.replace(/Returning the gas stipend failed[^;]*; it will be retried\./, '').trim() || undefined });
      });
    }
  }

  /**
   * Sends the session key's remaining ETH to the owner, minus the transfer's own fee. The owner's
   * upgraded account has code that runs on receipt, so the gas is estimated, not assumed 21,000.
   * Returns undefined when there is nothing worth sending back.
   */
  private async sweep(chain: ChainConfig, sealed: SealedKey, to: Address): Promise<Hex | undefined> {
    const key = privateKeyToAccount(await this.keys.open(sealed));
    const client = this.client(chain);
    const [balance, fees] = await Promise.all([client.getBalance({ address: key.address }), client.estimateFeesPerGas()]);
    if (balance === 0n) return undefined;
    const gas = ((await client.estimateGas({ account: key, to, value: 1n })) * 12n) / 10n;
    const cost = gas * fees.maxFeePerGas;
    if (balance <= cost * 2n) return undefined; // dust: returning it would cost about as much as it is worth
    const wallet = createWalletClient({ chain: toViemChain(chain), transport: http(chain.rpcUrl, { retryCount: 0 }), account: key });
    const hash = await wallet.sendTransaction({ to, value: balance - cost, gas, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas });
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`the transfer ${hash} reverted`);
    return hash;
  }

  // ------------------------------------------------------------------------------------- views

  async views(chain: ChainConfig): Promise<SessionView[]> {
    await this.sweepExpired(async (id) => (id === chain.id ? chain : undefined)).catch(() => 0);
    const client = this.client(chain);
    const chainNow = await client.getBlock().then((b) => Number(b.timestamp), () => null);
    const out: SessionView[] = [];
    for (const s of (await this.all()).slice().reverse()) {
      let usage: SessionView['usage'] = null;
      let stipendLeft: string | null = null;
      if (s.chainId === chain.id && s.status === 'active' && s.backend === 'alchemy') {
        const u = alchemyUsage(s.alchemy!.spent, 0);
        usage = { nativeSpent: u.nativeSpent.toString(), erc20Spent: Object.fromEntries(Object.entries(u.erc20Spent).map(([k, v]) => [k, v.toString()])), callsUsed: u.callsUsed };
      } else if (s.chainId === chain.id && s.status === 'active') {
        try {
          const u = await this.usage(chain, s, deserializeScope(s.scope));
          usage = { nativeSpent: u.nativeSpent.toString(), erc20Spent: Object.fromEntries(Object.entries(u.erc20Spent).map(([k, v]) => [k, v.toString()])), callsUsed: u.callsUsed };
          stipendLeft = (await client.getBalance({ address: s.sessionAddress })).toString();
        } catch {
          // node unreachable: show the session without live figures
        }
      }
      out.push({ ...s, usage, stipendLeft, chainNow });
    }
    return out;
  }

  /** The ERC-7715 permissions capability (wallet_getCapabilities). Alchemy keys have no call-count limit. */
  capability(backend: 'delegation' | 'alchemy' = 'delegation') {
    return {
      supported: true,
      signerTypes: ['wallet'],
      permissionTypes: ['native-token-transfer', 'erc20-token-transfer', 'contract-call', 'native-token-allowance', 'erc20-token-allowance'],
      policyTypes: backend === 'alchemy' ? ['token-allowance', 'gas-limit'] : ['token-allowance', 'gas-limit', 'call-limit', 'rate-limit'],
    };
  }

  private async scheduleSweep(): Promise<void> {
    await browser.alarms.create(SESSION_SWEEP_ALARM, { periodInMinutes: 1 });
  }

  private framework(chain: ChainConfig): FrameworkDeployment {
    const f = frameworkFor(chain.id);
    if (!f) throw new UnsupportedChainIdError(`Sessions need the Delegation Framework, which is not deployed on ${chain.name}.`);
    return f;
  }

  private readonly clients = new Map<string, PublicClient>();

  private client(chain: ChainConfig): PublicClient {
    const cached = this.clients.get(`${chain.id}|${chain.rpcUrl}`);
    if (cached) return cached;
    const client = this.newClient(chain);
    this.clients.set(`${chain.id}|${chain.rpcUrl}`, client);
    return client;
  }

  private newClient(chain: ChainConfig): PublicClient {
    // JSON-RPC batching: the usage read's parallel eth_calls travel in one HTTP request.
    return createPublicClient({ chain: toViemChain(chain), transport: http(chain.rpcUrl, { retryCount: 0, batch: { wait: 0 } }), pollingInterval: 250 });
  }
}

/** An Alchemy session's usage, from what the wallet booked. */
function alchemyUsage(spent: AlchemySpent, now: number): SessionUsage {
  return {
    nativeSpent: BigInt(spent.native),
    erc20Spent: Object.fromEntries(Object.entries(spent.erc20).map(([k, v]) => [k, BigInt(v)])) as Record<Address, bigint>,
    callsUsed: spent.calls,
    now,
    disabled: false,
  };
}

function toSessionCalls(calls: BundleCall[]): SessionCall[] {
  return calls.map((c) => ({ to: c.to, value: BigInt(c.value), data: c.data }));
}


