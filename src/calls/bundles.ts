// EIP-5792 call bundles: every send gets an id and a record, which is also the activity list.
//
// Exactly-once: a bundle is recorded under the dApp request's id before anything is signed, and its
// signed raw transactions are recorded before they are broadcast. A request retried after a worker
// restart finds its bundle: signed transactions are broadcast again (same hash; the node already
// has them), never signed anew.
//
// Storage: one key per bundle, and the order of bundles as append-only keys (`bundle.seq:<n>` -> id,
// with `bundles.seq` = { head, tail }), so a send writes its own record, its links and one index
// entry in a single storage call, and never reads or rewrites a list of ids (a 500-id index array
// rewritten on every call cost 16-18 ms; one store of every bundle, 30-50 ms at 200 bundles).
// Eviction runs in batches once the history is EVICT_BATCH past MAX_KEPT, off the send's path;
// only finished bundles are evicted; one still being sent never is. Records this worker wrote are
// kept in memory too (storage stays the truth across a restart), so nothing is read back that this
// worker just wrote.
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

/** The id list an older version kept (read once, to move it to the append-only keys). */
const LEGACY_INDEX = 'bundles.index';
const SEQ = 'bundles.seq';
const INDEX_LOCK = 'bundles.index';
const MAX_KEPT = 500;
/** Evicting starts this many bundles past MAX_KEPT, and drops about that many at once. */
const EVICT_BATCH = 50;
/** Records kept in memory (the newest written or read). */
const CACHED = 600;
const bundleKey = (id: string) => `bundle:${id.toLowerCase()}`;
const seqKey = (n: number) => `bundle.seq:${n}`;
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

/** A record as storage keeps it (a field set to undefined is not stored), so the copy in memory is the same. */
const withoutUndefined = (b: CallBundle): CallBundle => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) as unknown as CallBundle;

/** The append-only order: entries tail..head-1 may exist (evicted ones are gone). */
interface Seq {
  head: number;
  tail: number;
}

export class Bundles {
  private readonly lock = new KeyedMutex();
  private readonly cache = new Map<string, CallBundle>();
  private seq: Promise<Seq> | undefined;
  private evicting = false;

  private remember(bundle: CallBundle): CallBundle {
    const key = bundle.id.toLowerCase();
    this.cache.delete(key);
    this.cache.set(key, bundle);
    if (this.cache.size > CACHED) this.cache.delete(this.cache.keys().next().value!);
    return bundle;
  }

  async get(id: string): Promise<CallBundle | undefined> {
    const cached = this.cache.get(id.toLowerCase());
    if (cached) return cached;
    const stored = (await browser.storage.local.get(bundleKey(id)))[bundleKey(id)] as CallBundle | undefined;
    return stored && migrateBundle(stored);
  }

  /** The bundle `origin` knows as `publicId` (its own chosen id or the wallet's); another origin's is unknown. */
  async forOrigin(origin: string, publicId: string): Promise<CallBundle | undefined> {
    // A bundle of this origin this worker holds under its wallet id, with no id of the dApp's own:
    // no dApp id of the origin can name another one (creating it would have been a duplicate; the
    // wallet's ids are unguessable), so the link need not be read.
    const held = this.cache.get(publicId.toLowerCase());
    if (held && held.origin === origin && held.dappId === undefined) return held;
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
    const { head, tail } = await this.order();
    const seqs: string[] = [];
    for (let n = head - 1; n >= tail && seqs.length < limit; n--) seqs.push(seqKey(n));
    if (seqs.length === 0) return [];
    const entries = await browser.storage.local.get(seqs);
    const ids = seqs.map((k) => entries[k] as string | undefined).filter((id): id is string => id !== undefined);
    if (ids.length === 0) return [];
    const got = await browser.storage.local.get(ids.map(bundleKey));
    return ids.map((id) => got[bundleKey(id)] as CallBundle | undefined).filter((b): b is CallBundle => b !== undefined).map(migrateBundle);
  }

  /** A new bundle id: unguessable, and unique per request. */
  static newId(origin: string, requestId: string): Hex {
    return keccak256(toHex(`${origin}|${requestId}|${crypto.getRandomValues(new Uint32Array(4)).join('.')}`));
  }

  /**
   * Records a new bundle: the record, its request and dApp-id links and its index entry, in one
   * storage call. `signed`: what was already signed for it (a session send records its bundle with
   * the signed transaction, still before the broadcast).
   */
  async create(bundle: Omit<CallBundle, 'rawTransactions' | 'txHashes' | 'state' | 'createdAt'>, signed?: Pick<CallBundle, 'rawTransactions' | 'txHashes'>): Promise<CallBundle> {
    const record = withoutUndefined({ ...bundle, rawTransactions: signed?.rawTransactions ?? [], txHashes: signed?.txHashes ?? [], state: 'preparing', createdAt: Date.now() });
    const seq = await this.order();
    // Taken and written in the same turn: storage applies calls in order, so `head` only grows.
    const n = seq.head++;
    await browser.storage.local.set({
      [bundleKey(record.id)]: record,
      [requestKey(record.origin, record.requestId)]: record.id,
      ...(record.dappId !== undefined ? { [dappIdKey(record.origin, record.dappId)]: record.id } : {}),
      [seqKey(n)]: record.id,
      [SEQ]: { head: seq.head, tail: seq.tail },
    });
    this.remember(record);
    if (seq.head - seq.tail > MAX_KEPT + EVICT_BATCH && !this.evicting) {
      this.evicting = true;
      void this.lock
        .run(INDEX_LOCK, () => this.evict())
        .catch((error: unknown) => console.warn('[wallet] evicting old bundles failed; retried after the next bundle', error))
        .finally(() => (this.evicting = false));
    }
    return record;
  }

  async update(id: Hex, patch: Partial<CallBundle>): Promise<CallBundle> {
    return this.lock.run(id.toLowerCase(), async () => {
      const current = await this.get(id);
      if (!current) throw new Error(`bundle ${id} vanished`);
      const next = withoutUndefined({ ...current, ...patch });
      await browser.storage.local.set({ [bundleKey(id)]: next });
      return this.remember(next);
    });
  }

  /**
   * Forgets every bundle (Remove wallet): the index, each record and its request link. Found by
   * prefix over the whole store, so a record the index lost track of goes too.
   */
  async clear(): Promise<void> {
    await this.lock.run(INDEX_LOCK, async () => {
      const keys = Object.keys(await browser.storage.local.get(null)).filter(
        (k) => k === LEGACY_INDEX || k === SEQ || k.startsWith('bundle:') || k.startsWith('bundle.request:') || k.startsWith('bundle.dappId:') || k.startsWith('bundle.seq:'),
      );
      if (keys.length) await browser.storage.local.remove(keys);
      this.cache.clear();
      this.seq = Promise.resolve({ head: 0, tail: 0 });
    });
  }

  /** The order's head and tail, read once per worker (and the older version's id list moved over). */
  private order(): Promise<Seq> {
    this.seq ??= this.lock.run(INDEX_LOCK, async () => {
      const got = await browser.storage.local.get([SEQ, LEGACY_INDEX]);
      const seq = got[SEQ] as Seq | undefined;
      const legacy = got[LEGACY_INDEX] as string[] | undefined;
      if (!legacy) return seq ? { ...seq } : { head: 0, tail: 0 };
      // Appended after what the new keys already hold (none, unless an older version ran again).
      const start = seq?.head ?? 0;
      const moved: Seq = { head: start + legacy.length, tail: seq?.tail ?? 0 };
      await browser.storage.local.set({ ...Object.fromEntries(legacy.map((id, i) => [seqKey(start + i), id])), [SEQ]: moved });
      await browser.storage.local.remove(LEGACY_INDEX);
      return moved;
    });
    this.seq.catch(() => (this.seq = undefined)); // a failed read is tried again by the next call
    return this.seq;
  }

  /**
   * Drops the oldest finished bundles beyond MAX_KEPT, reading only the entries past it (about
   * EVICT_BATCH). A bundle still being sent stays, and so does its entry.
   */
  private async evict(): Promise<void> {
    const seq = await this.order();
    const excess = seq.head - seq.tail - MAX_KEPT;
    if (excess <= 0) return;
    const seqs = Array.from({ length: excess }, (_, i) => seq.tail + i);
    const entries = await browser.storage.local.get(seqs.map(seqKey));
    const ids = seqs.map((n) => entries[seqKey(n)] as string | undefined);
    const present = ids.filter((id): id is string => id !== undefined);
    const got = present.length ? await browser.storage.local.get(present.map(bundleKey)) : {};
    const keys: string[] = [];
    let newTail = seq.tail + excess;
    seqs.forEach((n, i) => {
      const id = ids[i];
      const b = id === undefined ? undefined : (got[bundleKey(id)] as CallBundle | undefined);
      if (b && b.state === 'preparing') {
        newTail = Math.min(newTail, n); // kept, with its entry: the tail waits for it
        return;
      }
      keys.push(seqKey(n));
      if (id === undefined) return;
      keys.push(bundleKey(id));
      this.cache.delete(id.toLowerCase());
      if (b) keys.push(requestKey(b.origin, b.requestId), ...(b.dappId !== undefined ? [dappIdKey(b.origin, b.dappId)] : []));
    });
    if (keys.length) await browser.storage.local.remove(keys);
    seq.tail = newTail;
    await browser.storage.local.set({ [SEQ]: { head: seq.head, tail: seq.tail } });
  }
}
