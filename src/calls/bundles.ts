// EIP-5792 call bundles: every send gets an id and a record, which is also the activity list.
//
// Exactly-once: a bundle is recorded under the dApp request's id before anything is signed, and its
// signed raw transactions are recorded before they are broadcast. A request retried after a worker
// restart finds its bundle: signed transactions are broadcast again (same hash; the node already
// has them), never signed anew.
//
// Storage: one key per bundle plus an index of ids, so a send touches its own record only (a single
// store of every bundle made each write cost grow with the history: 30-50 ms at 200 bundles).
// Only finished bundles are evicted when the history is full; one still being sent never is.
//
// Ids a dApp sees belong to its origin. The record's `id` is always the wallet's own (unguessable);
// a dApp that chooses its id (EIP-5792 `id`) gets that one back, stored as `dappId` and found
// through a per-origin key. So another site can neither learn which ids exist (a 5720 "duplicate"
// answer used to tell it) nor take the id a site will use next.
import { browser } from 'wxt/browser';
import type { Address, Hex } from 'viem';
import { keccak256, toHex } from 'viem';
import { InternalError } from '../errors';
import type { SessionCall } from '../permissions/types';
import { KeyedMutex } from './mutex';
import type { SimulationResult } from '../simulation/simulate';

const INDEX = 'bundles.index';
const MAX_KEPT = 500;
const bundleKey = (id: string) => `bundle:${id.toLowerCase()}`;
const requestKey = (origin: string, requestId: string) => `bundle.request:${origin}|${requestId}`;
const dappIdKey = (origin: string, dappId: string) => `bundle.dappId:${origin}|${dappId.toLowerCase()}`;

/** The id a dApp knows the bundle by: the one it chose, else the wallet's. */
export const publicBundleId = (bundle: Pick<CallBundle, 'id' | 'dappId'>): string => bundle.dappId ?? bundle.id;

export interface BundleCall {
  /** Absent: a contract deployment (the data is the creation code); only the owner sends one. */
  to?: Address;
  value: string;
  data: Hex;
}

/** A call with no `to` creates a contract from its data (the creation code). */
export const isDeployment = (call: Pick<BundleCall, 'to'>): boolean => call.to === undefined;

/**
 * The calls as calls to existing contracts, for the paths that can only make those (a session, a
 * smart-account batch). routeSend keeps deployments off those paths, so one here is a wallet bug.
 */
export function contractCalls(calls: readonly BundleCall[]): SessionCall[] {
  return calls.map((c) => {
    if (c.to === undefined) throw new InternalError('A contract deployment cannot be sent this way.');
    return { to: c.to, value: BigInt(c.value), data: c.data };
  });
}

export interface CallBundle {
  /** The wallet's id (storage key, activity list). */
  id: Hex;
  /** The id the dApp chose (EIP-5792 `id`), unique only within its origin; answered in place of `id`. */
  dappId?: string;
  requestId: string;
  origin: string;
  chainId: number;
  account: Address;
  signer: 'owner' | 'session';
  sessionId?: string;
  calls: BundleCall[];
  atomic: boolean;
  /** Signed before broadcast; kept so a retry rebroadcasts instead of signing again. */
  rawTransactions: Hex[];
  txHashes: Hex[];
  /**
   * A backend that signs something other than raw transactions stores it here before sending it
   * (opaque to everyone but that backend), so a retry sends the same signed payload again.
   */
  signed?: SignedPayload;
  /** Alchemy backend: Alchemy's call id (the activity list shows that the bundle was sent). */
  alchemyId?: Hex;
  /** 'failed' = refused before reaching the chain (the reason says why). */
  state: 'preparing' | 'submitted' | 'failed';
  error?: string;
  /** What the owner's approval window showed as the simulated result (owner sends only). */
  simulation?: SimulationResult;
  createdAt: number;
}

/** What a backend signed for a bundle: which backend, and its payload (JSON-safe). */
export interface SignedPayload {
  backend: string;
  payload: unknown;
}

/**
 * Read-time migration: a bundle stored by a version before `signed` (an Alchemy bundle still
 * pending across an update) kept its payload in `alchemySigned`.
 */
export function migrateBundle(stored: CallBundle & { alchemySigned?: unknown }): CallBundle {
  if (stored.alchemySigned === undefined) return stored;
  const { alchemySigned, ...rest } = stored;
  return rest.signed ? rest : { ...rest, signed: { backend: 'alchemy', payload: alchemySigned } };
}

export class Bundles {
  private readonly lock = new KeyedMutex();

  async get(id: string): Promise<CallBundle | undefined> {
    const stored = (await browser.storage.local.get(bundleKey(id)))[bundleKey(id)] as CallBundle | undefined;
    return stored && migrateBundle(stored);
  }

  /** The bundle `origin` knows as `publicId` (its own chosen id or the wallet's); another origin's is unknown. */
  async forOrigin(origin: string, publicId: string): Promise<CallBundle | undefined> {
    const key = dappIdKey(origin, publicId);
    const id = (await browser.storage.local.get(key))[key] as string | undefined;
    const bundle = await this.get(id ?? publicId);
    return bundle && bundle.origin === origin && (id !== undefined || bundle.dappId === undefined) ? bundle : undefined;
  }

  async byRequest(origin: string, requestId: string): Promise<CallBundle | undefined> {
    const id = (await browser.storage.local.get(requestKey(origin, requestId)))[requestKey(origin, requestId)] as string | undefined;
    return id ? this.get(id) : undefined;
  }

  /** Newest first, at most `limit`. */
  async list(limit = 50): Promise<CallBundle[]> {
    const ids = (((await browser.storage.local.get(INDEX))[INDEX] as string[] | undefined) ?? []).slice(-limit).reverse();
    if (ids.length === 0) return [];
    const got = await browser.storage.local.get(ids.map(bundleKey));
    return ids.map((id) => got[bundleKey(id)] as CallBundle | undefined).filter((b): b is CallBundle => b !== undefined).map(migrateBundle);
  }

  /** A new bundle id: unguessable, and unique per request. */
  static newId(origin: string, requestId: string): Hex {
    return keccak256(toHex(`${origin}|${requestId}|${crypto.getRandomValues(new Uint32Array(4)).join('.')}`));
  }

  async create(bundle: Omit<CallBundle, 'rawTransactions' | 'txHashes' | 'state' | 'createdAt'>): Promise<CallBundle> {
    const record: CallBundle = { ...bundle, rawTransactions: [], txHashes: [], state: 'preparing', createdAt: Date.now() };
    await browser.storage.local.set({
      [bundleKey(record.id)]: record,
      [requestKey(record.origin, record.requestId)]: record.id,
      ...(record.dappId !== undefined ? { [dappIdKey(record.origin, record.dappId)]: record.id } : {}),
    });
    await this.lock.run(INDEX, async () => {
      const index = ((await browser.storage.local.get(INDEX))[INDEX] as string[] | undefined) ?? [];
      index.push(record.id);
      await browser.storage.local.set({ [INDEX]: await this.evict(index) });
    });
    return record;
  }

  async update(id: Hex, patch: Partial<CallBundle>): Promise<CallBundle> {
    return this.lock.run(id.toLowerCase(), async () => {
      const current = await this.get(id);
      if (!current) throw new Error(`bundle ${id} vanished`);
      const next = { ...current, ...patch };
      await browser.storage.local.set({ [bundleKey(id)]: next });
      return next;
    });
  }

  /**
   * Forgets every bundle (Remove wallet): the index, each record and its request link. Found by
   * prefix over the whole store, so a record the index lost track of goes too.
   */
  async clear(): Promise<void> {
    await this.lock.run(INDEX, async () => {
      const keys = Object.keys(await browser.storage.local.get(null)).filter((k) => k === INDEX || k.startsWith('bundle:') || k.startsWith('bundle.request:') || k.startsWith('bundle.dappId:'));
      if (keys.length) await browser.storage.local.remove(keys);
    });
  }

  /** Drops the oldest finished bundles beyond MAX_KEPT; returns the index that remains. */
  private async evict(index: string[]): Promise<string[]> {
    if (index.length <= MAX_KEPT) return index;
    const excess = index.length - MAX_KEPT;
    const candidates = index.slice(0, excess + 20);
    const got = await browser.storage.local.get(candidates.map(bundleKey));
    const drop: string[] = [];
    for (const id of candidates) {
      const b = got[bundleKey(id)] as CallBundle | undefined;
      if (!b || b.state !== 'preparing') drop.push(id);
      if (drop.length === excess) break;
    }
    const keys = drop.flatMap((id) => {
      const b = got[bundleKey(id)] as CallBundle | undefined;
      if (!b) return [bundleKey(id)];
      return [bundleKey(id), requestKey(b.origin, b.requestId), ...(b.dappId !== undefined ? [dappIdKey(b.origin, b.dappId)] : [])];
    });
    if (keys.length) await browser.storage.local.remove(keys);
    const dropped = new Set(drop);
    return index.filter((id) => !dropped.has(id));
  }
}
