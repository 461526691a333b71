// The delegation account backend, the default one: the owner's EOA delegates
// (EIP-7702) to the Delegation Framework's EIP7702StatelessDeleGator; a session is a delegation the
// owner signs to a fresh key, with caveats the chain enforces (scopeToCaveats), redeemed by the key
// through the DelegationManager, which pays the gas from a stipend the owner funds at grant time.
// Revoking is disableDelegation on chain, then the stipend is swept back.
//
// Usage is this worker's ledger of each session (`InFlight`, shared by every instance for a worker):
// the chain's own record (readSessionUsage) as last read, plus every send booked since. It is read
// from the chain when the worker is cold, after a send failed or reverted, and when it is older than
// LEDGER_MAX_AGE_MS, not on every send: a wallet-held session key signs only here, so what this
// worker booked is what the chain will count. Booked sends count from the moment the check says yes
// (before the session's lock is released), so concurrent requests stay within the allowances
// whatever the chain has mined. The dry run on the latest block stays the per-send backstop.
import { encodeFunctionData, parseEther, parseTransaction, type Address, type Hex, type LocalAccount, type SignableMessage, type TypedDataDefinition } from 'viem';
import { readAccount, sendOwnerCall, setDelegation, type ExpectedImplementation } from '../../account/owner-actions';
import { contractCalls, isDeployment, type BundleCall, type Bundles, type CallBundle } from '../../calls/bundles';
import { bundleStatus, type CallsStatus } from '../../calls/status';
import { frameworkFor, type FrameworkDeployment } from '../../chains/deployments';
import { type ChainConfig } from '../../chains/registry';
import { deserializeScope } from '../../permissions/serialize';
import type { SessionCall, SessionScope, SessionUsage } from '../../permissions/types';
import { InternalError, RpcError, TransactionRejectedError, UnauthorizedError, UnsupportedChainIdError } from '../../errors';
import { holderOf, type SessionHolder, type SessionRecord, type SessionUsageView } from '../../sessions/record';
import type { AccountBackend, BookedSessionSends, ChainCapabilities, ExecutionPermissionSupport, GrantedSession, GrantPreview, PreparedSessionSend, SessionBooking, SessionDryRun, SessionIo } from '../backend';
import { EXECUTION_PERMISSION_TYPES } from '../../permissions/erc7715';
import { withSpend } from '../spend';
import { DelegationManagerAbi, EIP7702StatelessDeleGatorAbi, encodeDisableDelegation, encodeExecutionCalldata, encodePermissionContext, EXECUTION_MODE, hashDelegation } from './framework';
import { prefetchNonce, rebroadcastBundle, sendBundleTransactions, sendSessionTransaction, type TxRequest } from './sender';
import { encodeSessionBatch, readSessionUsage, rootOf, signSessionDelegation, simulateSessionBatch, type SessionDelegation, type UsageBlock } from './session-chain';
import { publicClientFor, walletClientFor, type ChainClient } from '../../chains/clients';

/** Gas stipend the owner funds the session key with when the grant names no gas-limit. */
export const DEFAULT_GAS_STIPEND = parseEther('0.01');

/** The stipend a wallet-held session key is funded with: the grant's gas-limit, else the default. Grant and preview share it. */
function stipendOf(scope: SessionScope): bigint {
  const gasLimit = scope.permissions.find((p) => p.type === 'gas-limit');
  return gasLimit?.type === 'gas-limit' ? gasLimit.data.limit : DEFAULT_GAS_STIPEND;
}

const IMPLEMENTATION_NAME = "the Delegation Framework's EIP7702StatelessDeleGator";

/**
 * Every type a request may name maps to a kind with its own enforcer here (caveats.ts), so all of
 * them: viem's names and the current dialect's (EXECUTION_PERMISSION_TYPES); the expiry is the
 * TimestampEnforcer and the redeemer rule the RedeemerEnforcer, on every grant.
 */
const DELEGATION_EXECUTION_PERMISSIONS: ExecutionPermissionSupport = Object.fromEntries(
  ['native-token-transfer', 'erc20-token-transfer', 'contract-call', ...Object.keys(EXECUTION_PERMISSION_TYPES)].map((type) => [type, ['expiry', 'redeemer'] as const]),
);

/** A send counted against a session before the chain counts it; `nonce` once signed. */
interface Booked {
  calls: SessionCall[];
  nonce?: number;
}

/** One session's ledger: the chain's usage as last read (with the key's mined nonce count then), and what was booked since. */
interface Ledger {
  base?: { usage: SessionUsage; mined: number; readAtMs: number };
  /** A send failed or reverted: read the chain again before the next check. */
  stale: boolean;
  /** Counts the times `stale` was set: a reading that began before the last one does not clear it. */
  staleMarks: number;
  /** The chain reading in flight, if any: every reader joins it, so readings apply one at a time, in order. */
  reading?: Promise<void>;
  booked: Booked[];
}

/** Every session's ledger in this worker, by session id (see the top of the file). */
export type InFlight = Map<string, Ledger>;

/**
 * How long the ledger's chain reading is trusted without a new one (a safety net: a booking whose
 * transaction never reached the chain is given back at the latest by then).
 */
export const LEDGER_MAX_AGE_MS = 30_000;

/**
 * Reads every send needs alike (the latest block, the priority fee), shared while one is in flight:
 * a burst of sends asks the node once per round trip instead of once per send. A read shared this
 * way is as fresh as one of its own (it started no earlier than the send began).
 */
const sharedReads = new Map<string, Promise<unknown>>();
function shared<T>(key: string, read: () => Promise<T>): Promise<T> {
  let p = sharedReads.get(key) as Promise<T> | undefined;
  if (!p) {
    p = read();
    sharedReads.set(key, p);
    const done = () => void (sharedReads.get(key) === p && sharedReads.delete(key));
    p.then(done, done);
  }
  return p;
}

/** What prepare() read and made for a send (the service passes it back as it is). */
interface PreparedDelegationSend extends PreparedSessionSend {
  data?: Hex;
  fees?: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
}

function toDelegation(s: SessionRecord): SessionDelegation {
  if (!s.delegation) throw new InternalError('This session has no delegation (it is not a delegation-backend session).');
  const { groups, ...root } = s.delegation;
  return { ...root, salt: BigInt(root.salt), ...(groups ? { groups: groups.map((g) => ({ ...g, salt: BigInt(g.salt) })) } : {}) };
}

/** A signed session as the record keeps it (salts as decimal strings: JSON-safe). */
function toStored(d: SessionDelegation): NonNullable<SessionRecord['delegation']> {
  const { groups, ...root } = d;
  return { ...root, salt: root.salt.toString(), ...(groups ? { groups: groups.map((g) => ({ ...g, salt: g.salt.toString() })) } : {}) };
}

const toSessionCalls = (bundle: CallBundle): SessionCall[] => contractCalls(bundle.calls);
/** Each present entry of `o` through `f` (absent ones stay absent: JSON has no undefined). */
function eachPresent<T, U>(o: { native?: T; erc20?: T }, f: (v: T) => U): { native?: U; erc20?: U } {
  const out: { native?: U; erc20?: U } = {};
  if (o.native !== undefined) out.native = f(o.native);
  if (o.erc20 !== undefined) out.erc20 = f(o.erc20);
  return out;
}
const decimal = (usage: SessionUsage): SessionUsageView => ({
  nativeSpent: usage.nativeSpent.toString(),
  erc20Spent: Object.fromEntries(Object.entries(usage.erc20Spent).map(([k, v]) => [k, v.toString()])),
  callsUsed: usage.callsUsed,
  // The allowances over time (what the Sessions list says is left this period / streamed).
  ...(usage.periods ? { periods: eachPresent(usage.periods, (r) => ({ lastPeriod: r.lastPeriod, transferred: r.transferred.toString() })) } : {}),
  ...(usage.streamed ? { streamed: eachPresent(usage.streamed, (v) => v.toString()) } : {}),
});


export class DelegationBackend implements AccountBackend {
  readonly kind = 'delegation' as const;
  readonly endsOnChain = true;
  /** A dApp-held key is a delegation to the dApp's address with the same caveats; it redeems it itself. */
  readonly grantsToDappKeys = true;
  /** The owner's EOA sends the creation transaction itself (sendAsOwner says why). */
  readonly deploysContracts = true;
  readonly implementation: ExpectedImplementation | null;
  readonly executionPermissions: ExecutionPermissionSupport;
  private readonly deployment: FrameworkDeployment | null;

  constructor(
    readonly chain: ChainConfig,
    private readonly inFlight: InFlight = new Map(),
  ) {
    this.deployment = frameworkFor(chain.id);
    this.implementation = this.deployment ? { address: this.deployment.EIP7702StatelessDeleGatorImpl, name: IMPLEMENTATION_NAME } : null;
    this.executionPermissions = this.deployment ? DELEGATION_EXECUTION_PERMISSIONS : {};
  }

  /** Whether SessionCallEnforcer's code was seen at its address on this chain (checked once, at the first grant). */
  private sessionCallDeployed = false;

  /**
   * The enforcers a new grant signs with: the wallet's own SessionCallEnforcer (caveats.ts) only
   * once its code is at the deployment's address on this chain; otherwise, or when the node cannot
   * say, the framework's enforcers alone, so a grant never points at an address without code.
   * Its address is a CREATE2 address of its own init code, so code there is that contract.
   */
  private async grantEnforcers(framework: FrameworkDeployment): Promise<FrameworkDeployment['caveatEnforcers']> {
    const { SessionCallEnforcer: own, ...frameworkOnly } = framework.caveatEnforcers;
    if (!own) return frameworkOnly;
    if (!this.sessionCallDeployed) {
      const code = await this.client.getCode({ address: own }).catch(() => undefined);
      if (!code || code === '0x') return frameworkOnly;
      this.sessionCallDeployed = true;
    }
    return framework.caveatEnforcers;
  }

  private framework(): FrameworkDeployment {
    if (!this.deployment) throw new UnsupportedChainIdError(`Sessions need the Delegation Framework, which is not deployed on ${this.chain.name}.`);
    return this.deployment;
  }

  private get client(): ChainClient {
    return publicClientFor(this.chain);
  }

  private wallet(account: LocalAccount) {
    return walletClientFor(this.chain, account);
  }

  // ---- what it supports

  async capabilities(account: Address, opts: { current: boolean }): Promise<ChainCapabilities> {
    if (!this.deployment) return { atomic: { status: 'unsupported' } };
    const upgraded = opts.current ? (await readAccount(this.chain, account).catch(() => null))?.delegation.kind === 'framework' : false;
    return {
      atomic: { status: upgraded ? 'supported' : 'ready' },
      permissions: {
        supported: true,
        signerTypes: ['wallet', 'account', 'key'],
        permissionTypes: Object.keys(this.executionPermissions),
        policyTypes: ['token-allowance', 'gas-limit', 'call-limit', 'rate-limit'],
      },
    };
  }

  assertCanEnforce(_scope: SessionScope): void {
    this.framework();
  }

  // ---- the account

  upgrade(owner: LocalAccount): Promise<Hex> {
    return setDelegation(this.chain, owner, 'framework');
  }

  async ensureUpgraded(owner: LocalAccount): Promise<void> {
    const view = await readAccount(this.chain, owner.address);
    if (view.delegation.kind === 'framework') return;
    const receipt = await this.client.waitForTransactionReceipt({ hash: await this.upgrade(owner) });
    if (receipt.status !== 'success') throw new TransactionRejectedError('The account upgrade (EIP-7702) reverted.');
  }

  async ownerAtomic(account: Address, calls: number): Promise<boolean> {
    if (calls === 1) return true;
    return (await readAccount(this.chain, account)).delegation.kind === 'framework';
  }

  /**
   * One call: a plain transaction. Several on an upgraded account (`bundle.atomic`): the account
   * executes the batch itself, one transaction, all or nothing. Otherwise one transaction each.
   */
  async sendAsOwner(owner: LocalAccount, bundle: CallBundle, bundles: Bundles): Promise<void> {
    const [first] = bundle.calls;
    if (bundle.calls.length === 1 && first && isDeployment(first)) {
      // A deployment is a plain transaction with no `to`, sent by the owner's EOA itself. The 7702
      // account runs calls through execute() (ERC-7579), which has no CREATE; but the EOA is the
      // account (same address), so the contract's deployer is the account and its address is
      // keccak(rlp(account, nonce)), as in every other wallet. A transaction the EOA sends itself
      // does not run the delegated code, and keeps the delegation as it is.
      await sendBundleTransactions(this.chain, owner, bundle, bundles, [{ value: BigInt(first.value), data: first.data }], 'The deployment');
      return;
    }
    const txs = this.ownerTransactions(owner.address, bundle.calls, bundle.atomic);
    await sendBundleTransactions(this.chain, owner, bundle, bundles, txs, 'The transaction');
  }

  /** What sendAsOwner sends for calls to contracts (the simulation runs exactly these). */
  ownerTransactions(account: Address, bundleCalls: readonly BundleCall[], atomic: boolean): TxRequest[] {
    const calls = contractCalls(bundleCalls);
    if (calls.length === 1 || !atomic) return calls;
    return [
      {
        to: account,
        value: 0n,
        data: encodeFunctionData({
          abi: EIP7702StatelessDeleGatorAbi,
          functionName: 'execute',
          args: [EXECUTION_MODE.BatchDefault, encodeExecutionCalldata(calls.map((c) => ({ target: c.to, value: c.value, callData: c.data })), EXECUTION_MODE.BatchDefault)],
        }),
      },
    ];
  }

  sendOwnerCall(owner: LocalAccount, call: SessionCall): Promise<Hex> {
    return sendOwnerCall(this.chain, owner, call);
  }

  // ---- sessions

  /**
   * The owner signs the delegation to `sessionKey`. A dApp-held key gets the same caveats, no
   * stipend (the dApp pays its own gas) and the context it redeems: the delegation chain (of one)
   * ABI-encoded as redeemDelegations takes it.
   */
  async grant(owner: LocalAccount, scope: SessionScope, sessionKey: Address, holder: SessionHolder = { kind: 'wallet' }): Promise<GrantedSession> {
    const framework = this.framework();
    const delegation = await signSessionDelegation(owner, {
      delegator: owner.address,
      delegate: sessionKey,
      scope,
      enforcers: await this.grantEnforcers(framework),
      context: { chainId: this.chain.id, delegationManager: framework.DelegationManager },
      // A dApp gets a context per permission (below), so each call group keeps a leaf of its own.
      perGroup: holder.kind === 'dapp',
    });
    const root = rootOf(delegation);
    const id = hashDelegation(root);
    const common = { delegation: toStored(delegation), delegationManager: framework.DelegationManager };
    if (holder.kind === 'dapp') {
      // A dApp redeeming with a standard ERC-7710 client passes a context as it is, so there is one
      // context per call group: with several groups, the chain [that group's leaf, the root]
      // (caveats.ts GroupLayout). `context` (the first) is what a single-group grant, and viem's
      // answer, hands back. No caveat of either layout needs args.
      const contexts = delegation.groups ? delegation.groups.map((leaf) => encodePermissionContext([leaf, root])) : [encodePermissionContext([root])];
      return { id, fields: { ...common, stipend: '0', context: contexts[0]!, ...(contexts.length > 1 ? { groupContexts: contexts } : {}) } };
    }
    return { id, fields: { ...common, stipend: stipendOf(scope).toString() } };
  }

  async grantPreview(account: Address, scope: SessionScope, holder: SessionHolder): Promise<GrantPreview> {
    const view = await readAccount(this.chain, account, this.implementation ?? undefined);
    return { upgradeFirst: view.delegation.kind !== 'framework', stipend: holder.kind === 'dapp' ? 0n : stipendOf(scope) };
  }

  async fund(owner: LocalAccount, record: SessionRecord): Promise<void> {
    if (holderOf(record).kind === 'dapp' || BigInt(record.stipend) === 0n) return; // the dApp pays its own gas
    try {
      const funded = await this.client.waitForTransactionReceipt({ hash: await this.wallet(owner).sendTransaction({ to: record.sessionAddress, value: BigInt(record.stipend) }) });
      if (funded.status !== 'success') throw new TransactionRejectedError('Funding the session key reverted.');
    } catch (error) {
      throw error instanceof RpcError ? error : new TransactionRejectedError(`Funding the session key failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  /** The usage the scope is checked against outside the hot path (a resumed request): read from the chain now, plus what is booked. */
  async usage(record: SessionRecord, scope: SessionScope): Promise<SessionUsage> {
    const ledger = this.ledgerOf(record.id);
    await this.readChain(record, scope, ledger);
    return withSpend(scope, ledger.base!.usage, ledger.booked.flatMap((b) => b.calls));
  }

  private ledgerOf(id: string): Ledger {
    const key = id.toLowerCase();
    let ledger = this.inFlight.get(key);
    if (!ledger) this.inFlight.set(key, (ledger = { stale: true, staleMarks: 0, booked: [] }));
    return ledger;
  }

  /** Marks the ledger for a new chain reading before its next check (a send failed or reverted). */
  private markStale(ledger: Ledger): void {
    ledger.stale = true;
    ledger.staleMarks++;
  }

  /** Whether the next check needs a chain reading first (cold worker, a failure since, or too old). */
  private needsReading(ledger: Ledger): boolean {
    return !ledger.base || ledger.stale || Date.now() - ledger.base.readAtMs > LEDGER_MAX_AGE_MS;
  }

  /** The latest block, shared with every send and reading in flight (one eth_getBlockByNumber for all). */
  private latestBlock() {
    return shared(`${this.chain.id}|${this.chain.rpcUrl}|block`, () => this.client.getBlock({ blockTag: 'latest' }));
  }

  /**
   * Reads the session's usage from the chain into the ledger: the key's mined count and the usage,
   * both at the same block, in one round trip after the latest block (which a send reads anyway):
   * a booking whose nonce is below that count is in the usage and leaves the ledger, and one that
   * is not below it is not in the usage. (Before, the count was read at 'latest' first and the usage
   * at a later block, two round trips more on a cold send's path.)
   */
  private readChain(record: SessionRecord, scope: SessionScope, ledger: Ledger): Promise<void> {
    // One reading at a time per ledger: two applied out of order could pair an older usage with a
    // booked list already trimmed by a newer mined count, and undercount.
    if (ledger.reading) return ledger.reading;
    const reading = (async () => {
      const readAtMs = Date.now();
      const marks = ledger.staleMarks;
      const block = await this.latestBlock();
      const [mined, usage] = await Promise.all([
        this.client.getTransactionCount({ address: record.sessionAddress, blockNumber: block.number }),
        this.chainUsage(record, scope, block),
      ]);
      ledger.booked = ledger.booked.filter((b) => b.nonce === undefined || b.nonce >= mined);
      ledger.base = { usage, mined, readAtMs };
      // A failure marked after this reading began may not be in it: the next check reads again.
      ledger.stale = ledger.staleMarks !== marks;
    })();
    ledger.reading = reading;
    const done = () => void (ledger.reading === reading && delete ledger.reading);
    reading.then(done, done);
    return reading;
  }

  /** The hot path (BookedSessionSends): see the top of the file. */
  readonly sessionSends: BookedSessionSends = {
    prepare: (record, calls) => this.prepareSend(record, calls),
    usage: async (record, scope, prepared) => {
      const ledger = this.ledgerOf(record.id);
      // A reading prepare() started (a cold ledger) is joined; it began no earlier than this send.
      if (ledger.reading) await ledger.reading.catch(() => undefined);
      if (this.needsReading(ledger) || prepared.now === undefined) await this.readChain(record, scope, ledger);
      const usage = ledger.base!.usage;
      // The latest block read with the dry run: the check judges expiry and allowances over time at it.
      const now = Math.max(usage.now, prepared.now ?? 0);
      return withSpend(scope, { ...usage, now }, ledger.booked.flatMap((b) => b.calls));
    },
    book: (record, _scope, calls) => {
      const ledger = this.ledgerOf(record.id);
      const booked: Booked = { calls };
      ledger.booked.push(booked);
      return Object.assign(
        { release: () => void (ledger.booked = ledger.booked.filter((b) => b !== booked)) },
        { booked },
      );
    },
    send: (record, key, prepared, booking, recordBundle, bundles) => this.sendBooked(record, key, prepared as PreparedDelegationSend, booking as SessionBooking & { booked: Booked }, recordBundle, bundles),
  };

  /**
   * The dry run (eth_estimateGas of the exact redeemDelegations from the session key), the latest
   * block (its time for the check, its base fee for the send) and the priority fee: started in the
   * same turn, so the transport sends them as one message (clients.ts).
   */
  private async prepareSend(record: SessionRecord, calls: SessionCall[]): Promise<PreparedDelegationSend> {
    let data: Hex;
    let scope: SessionScope;
    try {
      scope = deserializeScope(record.scope);
      data = encodeSessionBatch(toDelegation(record), scope, calls, this.framework().caveatEnforcers);
    } catch {
      return { dryRun: { reverts: false } }; // no group takes a call: the check refuses it
    }
    const client = this.client;
    // First-use reads go out in the same round trip (the worker is cold, or a send failed): the
    // ledger's chain reading (which the check joins, under the lock) and the key's nonce count.
    // Both only read; nothing is booked or signed before the check.
    const ledger = this.ledgerOf(record.id);
    if (this.needsReading(ledger)) void this.readChain(record, scope, ledger).catch(() => undefined);
    prefetchNonce(this.chain, record.sessionAddress);
    const [sim, block, tip] = await Promise.all([
      simulateSessionBatch(client, { from: record.sessionAddress, delegationManager: this.framework().DelegationManager, data }).catch(() => undefined),
      this.latestBlock().catch(() => undefined),
      shared(`${this.chain.id}|${this.chain.rpcUrl}|tip`, () => client.request({ method: 'eth_maxPriorityFeePerGas' })).catch(() => undefined),
    ]);
    const dryRun: SessionDryRun = !sim ? { reverts: false } : sim.ok ? { reverts: false, gas: sim.gas } : sim.reverted ? { reverts: true, reason: sim.reason } : { reverts: false };
    // viem's default: 1.2 x the base fee, plus the tip (estimateFeesPerGas), from the same block.
    const fees = block?.baseFeePerGas != null && tip !== undefined ? { maxPriorityFeePerGas: BigInt(tip), maxFeePerGas: (block.baseFeePerGas * 12n) / 10n + BigInt(tip) } : undefined;
    return { dryRun, data, ...(block ? { now: Number(block.timestamp) } : {}), ...(fees ? { fees } : {}) };
  }

  private async sendBooked(
    record: SessionRecord,
    key: LocalAccount,
    prepared: PreparedDelegationSend,
    booking: SessionBooking & { booked: Booked },
    recordBundle: (signed: Pick<CallBundle, 'rawTransactions' | 'txHashes'>) => Promise<CallBundle>,
    bundles: Bundles,
  ): Promise<CallBundle> {
    const framework = this.framework();
    const ledger = this.ledgerOf(record.id);
    try {
      if (!prepared.data) throw new InternalError('The session call could not be encoded.');
      const data = prepared.data;
      const gas = prepared.dryRun.reverts === false && prepared.dryRun.gas !== undefined ? prepared.dryRun.gas : await this.estimateSessionGas(record, data);
      const fees = prepared.fees ?? (await this.client.estimateFeesPerGas());
      const { bundle } = await sendSessionTransaction(this.chain, key, { to: framework.DelegationManager, data, gas, maxFeePerGas: fees.maxFeePerGas!, maxPriorityFeePerGas: fees.maxPriorityFeePerGas! }, bundles, async ({ raw, hash, nonce }) => {
        booking.booked.nonce = nonce;
        return recordBundle({ rawTransactions: [raw], txHashes: [hash] });
      }, 'The session call');
      return bundle;
    } catch (error) {
      // Never signed: given back now. Signed and not broadcast: kept until the chain's nonce passes
      // it (the next send reuses the nonce), and the chain is read again before the next check.
      if (booking.booked.nonce === undefined) booking.release();
      else this.markStale(ledger);
      throw error instanceof RpcError ? error : new TransactionRejectedError(`The session call failed: ${(error as Error).message.split('\n')[0]}`);
    }
  }

  /** The dry run's gas was not measured (the node did not answer it with the reads): measured now; a revert refuses the send. */
  private async estimateSessionGas(record: SessionRecord, data: Hex): Promise<bigint> {
    const sim = await simulateSessionBatch(this.client, { from: record.sessionAddress, delegationManager: this.framework().DelegationManager, data });
    if (sim.ok) return sim.gas;
    throw new TransactionRejectedError(`The session call would revert: ${sim.reason}`, { reason: sim.reason });
  }

  async usageView(record: SessionRecord, scope: SessionScope) {
    const usage = decimal(await this.chainUsage(record, scope));
    // A dApp-held delegate is the dApp's own account: its balance is not the owner's gas money.
    if (holderOf(record).kind === 'dapp') return { usage, stipendLeft: null };
    return { usage, stipendLeft: (await this.client.getBalance({ address: record.sessionAddress })).toString() };
  }

  private chainUsage(record: SessionRecord, scope: SessionScope, block?: UsageBlock): Promise<SessionUsage> {
    return readSessionUsage(this.client, toDelegation(record), scope, this.framework(), block);
  }

  /**
   * The same redeemDelegations transaction sendAsSession would sign, as eth_estimateGas from the
   * session key on the latest block: one request, which the transport sends with the
   * usage reads it runs beside. Calls the session's groups do not take are no dry run's business
   * (covers refuses them): no revert is claimed for them.
   */
  async dryRunAsSession(record: SessionRecord, calls: SessionCall[]): Promise<SessionDryRun> {
    let data: Hex;
    try {
      // The same calldata sendAsSession signs (the deployment's enforcers pick the session's layout).
      data = encodeSessionBatch(toDelegation(record), deserializeScope(record.scope), calls, this.framework().caveatEnforcers);
    } catch {
      return { reverts: false };
    }
    const sim = await simulateSessionBatch(this.client, { from: record.sessionAddress, delegationManager: this.framework().DelegationManager, data });
    if (sim.ok) return { reverts: false, gas: sim.gas };
    return sim.reverted ? { reverts: true, reason: sim.reason } : { reverts: false };
  }

  /** Signs and broadcasts the redemption with the session key, and books it as in flight. */
  async sendAsSession(record: SessionRecord, key: LocalAccount, bundle: CallBundle, io: SessionIo, opts: { gas?: bigint } = {}): Promise<void> {
    const framework = this.framework();
    const calls = toSessionCalls(bundle);
    const data = encodeSessionBatch(toDelegation(record), deserializeScope(record.scope), calls, framework.caveatEnforcers);
    const tx: TxRequest = { to: framework.DelegationManager, value: 0n, data, ...(opts.gas !== undefined ? { gas: opts.gas } : {}) };
    await sendBundleTransactions(this.chain, key, bundle, io.bundles, [tx], 'The session call');
    const raw = (await io.bundles.get(bundle.id))?.rawTransactions[0];
    if (raw) this.ledgerOf(record.id).booked.push({ nonce: parseTransaction(raw).nonce ?? 0, calls });
  }

  async resendAsSession(_sessionId: string, bundle: CallBundle, io: SessionIo): Promise<void> {
    await this.resend(bundle, io.bundles);
  }

  /** disableDelegation on chain, sent by the owner's upgraded account; needs the wallet unlocked. */
  async revoke(record: SessionRecord, owner: () => Promise<LocalAccount>): Promise<{ hash?: Hex; note?: string }> {
    let hash: Hex | undefined;
    try {
      hash = await this.wallet(await owner()).sendTransaction({ to: record.account, data: encodeDisableDelegation(rootOf(toDelegation(record))) });
      const receipt = await this.client.waitForTransactionReceipt({ hash });
      return receipt.status === 'success' ? { hash } : { hash, note: 'Disabling the delegation on chain reverted.' };
    } catch (error) {
      const note = error instanceof UnauthorizedError ? 'Unlock the wallet to also disable the delegation on chain; the session can no longer sign.' : `Disabling on chain failed: ${(error as Error).message.split('\n')[0]}`;
      return hash ? { hash, note } : { note };
    }
  }

  /**
   * Whether the chain has the delegation disabled; null when it cannot be read. Reads only the
   * DelegationManager's flag, not the scope: a session granted under rules this version refuses must
   * still be revocable and checkable (Remove wallet, housekeeping).
   */
  async revokedOnChain(record: SessionRecord): Promise<boolean | null> {
    try {
      return await this.client.readContract({ address: this.framework().DelegationManager, abi: DelegationManagerAbi, functionName: 'disabledDelegations', args: [record.id] });
    } catch {
      return null;
    }
  }

  /**
   * Sends what is left of the gas stipend back to the owner. The key may be deleted only once that
   * worked (or there was nothing worth returning); otherwise it is kept, unable to sign for the
   * session, and the sweep is tried again by the next alarm.
   */
  async release(record: SessionRecord, key: () => Promise<LocalAccount>): Promise<{ done: boolean; hash?: Hex; note?: string }> {
    if (!record.sealedKey) return { done: true };
    try {
      const hash = await this.sweep(await key(), record.account);
      return hash ? { done: true, hash } : { done: true };
    } catch (error) {
      return { done: false, note: `Returning the gas stipend failed (${(error as Error).message.split('\n')[0]}); it will be retried.` };
    }
  }

  stipendLeft(record: SessionRecord): Promise<bigint | undefined> {
    if (holderOf(record).kind === 'dapp') return Promise.resolve(undefined);
    return this.client.getBalance({ address: record.sessionAddress }).catch(() => undefined);
  }

  /**
   * Sends the session key's remaining ETH to the owner, minus the transfer's own fee. The owner's
   * upgraded account has code that runs on receipt, so the gas is estimated, not assumed 21,000.
   * Returns undefined when there is nothing worth sending back.
   */
  private async sweep(key: LocalAccount, to: Address): Promise<Hex | undefined> {
    const client = this.client;
    const [balance, fees] = await Promise.all([client.getBalance({ address: key.address }), client.estimateFeesPerGas()]);
    if (balance === 0n) return undefined;
    const gas = ((await client.estimateGas({ account: key, to, value: 1n })) * 12n) / 10n;
    const cost = gas * fees.maxFeePerGas;
    if (balance <= cost * 2n) return undefined; // dust: returning it would cost about as much as it is worth
    const hash = await this.wallet(key).sendTransaction({ to, value: balance - cost, gas, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas });
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`the transfer ${hash} reverted`);
    return hash;
  }

  // ---- bundles

  resend(bundle: CallBundle, bundles: Bundles): Promise<void> {
    return rebroadcastBundle(this.chain, bundle, bundles);
  }

  async status(bundle: CallBundle): Promise<CallsStatus> {
    const status = await bundleStatus(bundle, this.chain);
    // A session's send that reverted spent nothing of its scope: the next check reads the chain
    // again, which gives its booking back.
    if (bundle.sessionId && (status.status === 500 || status.status === 600)) this.markStale(this.ledgerOf(bundle.sessionId));
    return status;
  }

  async transactionHash(bundle: CallBundle): Promise<Hex> {
    return bundle.txHashes[bundle.txHashes.length - 1]!;
  }

  // ---- messages: the owner key's ECDSA signature, which the upgraded DeleGator also validates (ERC-1271)

  signMessage(owner: LocalAccount, message: SignableMessage): Promise<Hex> {
    return owner.signMessage({ message });
  }

  signTypedData(owner: LocalAccount, typedData: TypedDataDefinition): Promise<Hex> {
    return owner.signTypedData(typedData);
  }
}
