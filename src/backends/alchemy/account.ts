// The Alchemy account backend behind the common interface (src/backends/backend.ts): the Wallet API
// client (backend.ts, `AlchemyBackend`) does the protocol and checks everything Alchemy returns;
// this file is what the wallet keeps around it: the session's spend, booked here because Alchemy
// does not publish its own count, and bundles whose signed payload is stored before it is sent.
//
// Exactly once: the signed payload goes into the bundle (`signed`) before it is sent, so a request
// retried after a worker restart sends the same payload again (Alchemy answers the same call id and
// runs it once) instead of signing a second operation. The bundle keeps Alchemy's call id; its
// status is Alchemy's wallet_getCallsStatus under the wallet's bundle id.
//
// Booking: the spend is booked before signing and given back when the calls surely did not run (a
// failure before sending, or Alchemy refusing the send); when the answer was lost it stays booked.
import { keccak256, type Address, type Hex, type LocalAccount, type SignableMessage, type TypedDataDefinition } from 'viem';
import type { ExpectedImplementation } from '../../account/owner-actions';
import { contractCalls, publicBundleId, type Bundles, type CallBundle } from '../../calls/bundles';
import type { CallsStatus } from '../../calls/status';
import { chainNow } from '../../chains/clock';
import type { ChainConfig } from '../../chains/registry';
import { deserializeScope } from '../../permissions/serialize';
import type { SessionCall, SessionScope, SessionUsage } from '../../permissions/types';
import { InvalidParamsError, InvalidRequestError, RpcError, TransactionRejectedError, UnauthorizedError, UnsupportedChainIdError } from '../../errors';
import { holderOf, type AlchemySpent, type SessionHolder, type SessionRecord } from '../../sessions/record';
import type { AccountBackend, ChainCapabilities, ExecutionPermissionSupport, GrantedSession, GrantPreview, SessionIo } from '../backend';
import { spendOf } from '../spend';
import type { AlchemyBackend, SignedCalls } from './backend';
import { toAlchemyGrant } from './permissions';

const IMPLEMENTATION_NAME = "the Alchemy backend's account contract";

/** A definite refusal by Alchemy or the wallet (nothing ran), as opposed to a lost answer or an unreachable service. */
export function isAlchemyRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === TransactionRejectedError.code || code === InvalidParamsError.code || code === UnauthorizedError.code || code === UnsupportedChainIdError.code;
}

/** The Alchemy payload a bundle stores (`signed.payload`), if it holds one. */
export function alchemyPayload(bundle: CallBundle): SignedCalls | undefined {
  return bundle.signed?.backend === 'alchemy' ? (bundle.signed.payload as SignedCalls) : undefined;
}

/**
 * Sends the bundle's stored payload unless Alchemy already gave it an id. Refused: the bundle is
 * failed. No answer (network down, lost answer): it stays as it is, payload kept, so the request
 * retried sends the same payload and Alchemy runs it at most once.
 */
export async function sendAlchemyBundle(api: AlchemyBackend, bundle: CallBundle, bundles: Bundles): Promise<CallBundle> {
  if (bundle.alchemyId) return bundle;
  const payload = alchemyPayload(bundle);
  if (!payload) throw new TransactionRejectedError('The bundle was never signed.');
  try {
    const id = await api.sendSigned(payload);
    return await bundles.update(bundle.id, { state: 'submitted', alchemyId: id, error: undefined });
  } catch (error) {
    const refused = isAlchemyRefusal(error);
    await bundles.update(bundle.id, refused ? { state: 'failed', error: (error as Error).message } : { error: `No answer from Alchemy yet: ${(error as Error).message}` });
    throw error instanceof RpcError ? error : new TransactionRejectedError(`Sending through Alchemy failed: ${(error as Error).message}`);
  }
}

/**
 * EIP-5792 status of an Alchemy bundle, under the wallet's own bundle id. Once final, the
 * transaction hashes are kept in the bundle (the activity list shows them).
 */
export async function alchemyBundleStatus(api: AlchemyBackend, bundle: CallBundle, bundles: Bundles): Promise<CallsStatus> {
  if (bundle.state === 'failed') return { version: '2.0.0', id: publicBundleId(bundle), chainId: `0x${bundle.chainId.toString(16)}`, status: 400, atomic: true };
  if (!bundle.alchemyId) return { version: '2.0.0', id: publicBundleId(bundle), chainId: `0x${bundle.chainId.toString(16)}`, status: 100, atomic: true };
  const status = { ...(await api.status(bundle.alchemyId)), id: publicBundleId(bundle) };
  const hashes = status.receipts?.map((r) => r.transactionHash) ?? [];
  if (hashes.length > 0 && bundle.txHashes.length === 0) await bundles.update(bundle.id, { txHashes: hashes });
  return status;
}

/** Adds (sign 1) or takes back (sign -1) what `calls` spend to an Alchemy session's count. */
function bookSpend(spent: AlchemySpent, scope: SessionScope, calls: SessionCall[], sign: 1n | -1n): AlchemySpent {
  const spend = spendOf(scope, calls);
  const erc20 = { ...spent.erc20 };
  for (const [token, amount] of Object.entries(spend.erc20)) erc20[token] = (BigInt(erc20[token] ?? '0') + sign * amount).toString();
  return { native: (BigInt(spent.native) + sign * spend.native).toString(), erc20, calls: spent.calls + Number(sign) * spend.calls };
}

function usageOf(spent: AlchemySpent, now: number): SessionUsage {
  return {
    nativeSpent: BigInt(spent.native),
    erc20Spent: Object.fromEntries(Object.entries(spent.erc20).map(([k, v]) => [k, BigInt(v)])) as Record<Address, bigint>,
    callsUsed: spent.calls,
    now,
    disabled: false,
  };
}

const toSessionCalls = (bundle: CallBundle): SessionCall[] => contractCalls(bundle.calls);

/**
 * What Alchemy's session permissions can express (permissions.ts maps them): lifetime allowances,
 * contract and function scopes, with an expiry. Not the periodic or streamed allowances, approval
 * revocation, or the redeemer rule: Alchemy's session keys have no allowance that renews and no
 * limit on who submits, and granting those as something Alchemy can hold would be more than asked.
 */
const ALCHEMY_EXECUTION_PERMISSIONS: ExecutionPermissionSupport = Object.fromEntries(
  ['native-token-transfer', 'erc20-token-transfer', 'contract-call', 'native-token-allowance', 'erc20-token-allowance'].map((type) => [type, ['expiry'] as const]),
);

/**
 * `api` loads the Wallet API client (it needs the API key, which opens only once the wallet was
 * unlocked since the browser started); what does not talk to Alchemy never loads it, so a session
 * can end even when the chain no longer uses Alchemy.
 */
export class AlchemyAccountBackend implements AccountBackend {
  readonly kind = 'alchemy' as const;
  /** Revoking deletes the key; Alchemy keeps the grant installed until it expires. No stipend. */
  readonly endsOnChain = false;
  /**
   * A key the dApp holds is the seed's own flow: `grantPermissions` with the dApp's address as the
   * session key, and the dApp signs its own `wallet_prepareCalls` with the permissions context.
   */
  readonly grantsToDappKeys = true;
  readonly executionPermissions = ALCHEMY_EXECUTION_PERMISSIONS;
  readonly implementation: ExpectedImplementation;

  constructor(
    readonly chain: ChainConfig,
    delegationAddress: Address,
    private readonly api: () => Promise<AlchemyBackend>,
  ) {
    this.implementation = { address: delegationAddress, name: IMPLEMENTATION_NAME };
  }

  // ---- what it supports

  /** Alchemy prepares the 7702 authorization with the first operation: atomic batches always work. No call-count limit. */
  async capabilities(): Promise<ChainCapabilities> {
    return {
      atomic: { status: 'supported' },
      permissions: {
        supported: true,
        signerTypes: ['wallet', 'account', 'key'],
        permissionTypes: Object.keys(this.executionPermissions),
        policyTypes: ['token-allowance', 'gas-limit'],
      },
    };
  }

  assertCanEnforce(scope: SessionScope): void {
    toAlchemyGrant(scope);
  }

  // ---- the account

  /** An empty batch as the owner, with the 7702 authorization Alchemy prepares; waits for it. */
  async upgrade(owner: LocalAccount): Promise<Hex> {
    const done = await (await this.api()).delegate(owner);
    const hash = done?.status.receipts?.[0]?.transactionHash;
    if (!hash) throw new InvalidRequestError('The account is already upgraded.');
    return hash;
  }

  async ensureUpgraded(owner: LocalAccount): Promise<void> {
    await (await this.api()).delegate(owner);
  }

  /** Alchemy upgrades the account with its own 7702 authorization at grant; it funds no stipend. */
  async grantPreview(account: Address): Promise<GrantPreview> {
    return { upgradeFirst: !(await (await this.api()).isDelegated(account)), stipend: 0n };
  }

  async ownerAtomic(): Promise<boolean> {
    return true;
  }

  /** The owner signs Alchemy's prepared operation (with a 7702 authorization first if the account is not upgraded yet). */
  async sendAsOwner(owner: LocalAccount, bundle: CallBundle, bundles: Bundles): Promise<void> {
    const api = await this.api();
    try {
      const signed = await api.signAsOwner(owner, toSessionCalls(bundle));
      await bundles.update(bundle.id, { signed: { backend: this.kind, payload: signed } });
    } catch (error) {
      await bundles.update(bundle.id, { state: 'failed', error: (error as Error).message });
      throw error;
    }
    await sendAlchemyBundle(api, (await bundles.get(bundle.id))!, bundles);
  }

  async sendOwnerCall(owner: LocalAccount, call: SessionCall): Promise<Hex> {
    const api = await this.api();
    const status = await api.waitForStatus(await api.sendAsOwner(owner, [call]));
    const hash = status.receipts?.[status.receipts.length - 1]?.transactionHash;
    if (!hash) throw new TransactionRejectedError(`Alchemy did not put the call on chain (status ${status.status}).`);
    return hash;
  }

  // ---- sessions

  /**
   * grantPermissions to the key. No stipend: the account pays for its operations, or the gas policy
   * sponsors them. A dApp-held key gets Alchemy's permissions context itself (`context`): it passes
   * it in `capabilities.permissions` of its own wallet_prepareCalls and signs with its own key.
   */
  async grant(owner: LocalAccount, scope: SessionScope, sessionKey: Address, holder: SessionHolder = { kind: 'wallet' }): Promise<GrantedSession> {
    const permissions = await (await this.api()).grant(owner, scope, sessionKey);
    const fields: GrantedSession['fields'] = { backend: 'alchemy', alchemy: { context: permissions.context, spent: { native: '0', erc20: {}, calls: 0 } }, stipend: '0' };
    return { id: keccak256(permissions.context), fields: holder.kind === 'dapp' ? { ...fields, context: permissions.context } : fields };
  }

  async fund(): Promise<void> {}

  async usage(record: SessionRecord, scope: SessionScope, resuming?: { bundleId: string; calls: SessionCall[] }): Promise<SessionUsage> {
    const a = record.alchemy!;
    const now = await chainNow(this.chain);
    const booked = resuming !== undefined && a.pending?.includes(resuming.bundleId);
    return usageOf(booked ? bookSpend(a.spent, scope, resuming.calls, -1n) : a.spent, now);
  }

  async usageView(record: SessionRecord) {
    // The site sends its own calls straight to Alchemy, which does not publish what a session spent:
    // the wallet has no figure for it, and showing its own count (0) would be a wrong one.
    if (holderOf(record).kind === 'dapp') throw new InvalidRequestError('Alchemy does not publish what a session key held by the site has spent.');
    const u = usageOf(record.alchemy!.spent, 0);
    return {
      usage: { nativeSpent: u.nativeSpent.toString(), erc20Spent: Object.fromEntries(Object.entries(u.erc20Spent).map(([k, v]) => [k, v.toString()])), callsUsed: u.callsUsed },
      stipendLeft: null,
    };
  }

  /**
   * Books the spend, prepares and signs with the session key, stores the signed payload in the
   * bundle, then sends it.
   */
  async sendAsSession(record: SessionRecord, key: LocalAccount, bundle: CallBundle, io: SessionIo): Promise<void> {
    const api = await this.api();
    await this.book(record.id, bundle, io);
    try {
      const signed = await api.signAsSession(key, record.account, { context: record.alchemy!.context }, toSessionCalls(bundle));
      await io.bundles.update(bundle.id, { signed: { backend: this.kind, payload: signed } });
    } catch (error) {
      await this.settle(record.id, bundle, 'give back', io);
      await io.bundles.update(bundle.id, { state: 'failed', error: (error as Error).message });
      throw error;
    }
    await this.sendForSession(api, record.id, (await io.bundles.get(bundle.id))!, io);
  }

  async resendAsSession(sessionId: string, bundle: CallBundle, io: SessionIo): Promise<void> {
    await this.sendForSession(await this.api(), sessionId, (await io.bundles.get(bundle.id)) ?? bundle, io);
  }

  private async sendForSession(api: AlchemyBackend, sessionId: string, bundle: CallBundle, io: SessionIo): Promise<void> {
    try {
      await sendAlchemyBundle(api, bundle, io.bundles);
    } catch (error) {
      if (isAlchemyRefusal(error)) await this.settle(sessionId, bundle, 'give back', io);
      throw error;
    }
    await this.settle(sessionId, bundle, 'keep', io);
  }

  /** Books what the bundle spends on its session, once (a resumed bundle may be booked already). */
  private async book(sessionId: string, bundle: CallBundle, io: SessionIo): Promise<void> {
    await io.updateSession(sessionId, (current) => {
      const a = current.alchemy!;
      if (a.pending?.includes(bundle.id)) return current;
      const spent = bookSpend(a.spent, deserializeScope(current.scope), toSessionCalls(bundle), 1n);
      return { ...current, alchemy: { ...a, spent, pending: [...(a.pending ?? []), bundle.id] } };
    });
  }

  /** Ends the bundle's booking: the spend stays (sent) or is given back (it surely did not run). */
  private async settle(sessionId: string, bundle: CallBundle, outcome: 'keep' | 'give back', io: SessionIo): Promise<void> {
    await io.updateSession(sessionId, (current) => {
      const a = current.alchemy;
      if (!a?.pending?.includes(bundle.id)) return current;
      const spent = outcome === 'give back' ? bookSpend(a.spent, deserializeScope(current.scope), toSessionCalls(bundle), -1n) : a.spent;
      return { ...current, alchemy: { ...a, spent, pending: a.pending.filter((id) => id !== bundle.id) } };
    });
  }

  async revoke(record: SessionRecord): Promise<{ hash?: Hex; note?: string }> {
    if (holderOf(record).kind === 'dapp') {
      return { note: `The site holds this key, and Alchemy keeps the grant installed on the account until it expires (${new Date(deserializeScope(record.scope).expiry * 1000).toISOString()}): until then the site can still use it within its limits. This wallet no longer lists it as live.` };
    }
    return { note: 'The session key was deleted, so nothing can sign for the session any more. Alchemy keeps the grant installed on the account until it expires.' };
  }

  async revokedOnChain(): Promise<boolean | null> {
    return null;
  }

  /** Alchemy sessions hold no stipend. */
  async release(): Promise<{ done: boolean }> {
    return { done: true };
  }

  async stipendLeft(): Promise<bigint | undefined> {
    return undefined;
  }

  // ---- bundles

  async resend(bundle: CallBundle, bundles: Bundles): Promise<void> {
    await sendAlchemyBundle(await this.api(), bundle, bundles);
  }

  async status(bundle: CallBundle, bundles: Bundles): Promise<CallsStatus> {
    return alchemyBundleStatus(await this.api(), bundle, bundles);
  }

  /** Alchemy bundles its operation into a transaction of its own choosing: the hash exists once mined. */
  async transactionHash(bundle: CallBundle): Promise<Hex> {
    const status = bundle.alchemyId ? await (await this.api()).waitForStatus(bundle.alchemyId) : null;
    const hash = status?.receipts?.[status.receipts.length - 1]?.transactionHash;
    if (!hash) throw new TransactionRejectedError(`The transaction did not make it on chain (status ${status?.status ?? 'unknown'}).`);
    return hash;
  }

  // ---- messages: the smart account signs (ERC-1271 through prepareSign/formatSign), still by the owner

  async signMessage(owner: LocalAccount, message: SignableMessage): Promise<Hex> {
    return (await this.api()).signMessage(owner, message);
  }

  async signTypedData(owner: LocalAccount, typedData: TypedDataDefinition): Promise<Hex> {
    return (await this.api()).signTypedData(owner, typedData);
  }
}
