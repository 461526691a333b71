// EIP-5792 call bundles: every send gets an id and a record, which is also the activity list.
//
// Exactly-once: a bundle is recorded under the dApp request's id before anything is signed, and its
// signed raw transactions are recorded before they are broadcast. A request retried after a worker
// restart finds its bundle: signed transactions are broadcast again (same hash; the node already
// has them), never signed anew.
import { browser } from 'wxt/browser';
import type { Address, Hex } from 'viem';
import { keccak256, toHex } from 'viem';
import { KeyedMutex } from './mutex';

const KEY = 'bundles';
const MAX_KEPT = 200;

export interface BundleCall {
  to: Address;
  value: string;
  data: Hex;
}

export interface CallBundle {
  id: Hex;
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
  /** 'failed' = refused before reaching the chain (the reason says why). */
  state: 'preparing' | 'submitted' | 'failed';
  error?: string;
  createdAt: number;
}

export class Bundles {
  // Concurrent requests (a burst of session calls) would otherwise lose each other's writes.
  private readonly lock = new KeyedMutex();

  private async all(): Promise<CallBundle[]> {
    return ((await browser.storage.local.get(KEY))[KEY] as CallBundle[] | undefined) ?? [];
  }

  async list(): Promise<CallBundle[]> {
    return (await this.all()).slice().reverse();
  }

  async get(id: string): Promise<CallBundle | undefined> {
    return (await this.all()).find((b) => b.id === id);
  }

  async byRequest(origin: string, requestId: string): Promise<CallBundle | undefined> {
    return (await this.all()).find((b) => b.origin === origin && b.requestId === requestId);
  }

  /** A new bundle id: unguessable, and unique per request. */
  static newId(origin: string, requestId: string): Hex {
    return keccak256(toHex(`${origin}|${requestId}|${crypto.getRandomValues(new Uint32Array(4)).join('.')}`));
  }

  async create(bundle: Omit<CallBundle, 'rawTransactions' | 'txHashes' | 'state' | 'createdAt'>): Promise<CallBundle> {
    const record: CallBundle = { ...bundle, rawTransactions: [], txHashes: [], state: 'preparing', createdAt: Date.now() };
    return this.lock.run(KEY, async () => {
      const all = await this.all();
      await browser.storage.local.set({ [KEY]: [...all, record].slice(-MAX_KEPT) });
      return record;
    });
  }

  async update(id: Hex, patch: Partial<CallBundle>): Promise<CallBundle> {
    return this.lock.run(KEY, async () => {
      const all = await this.all();
      const i = all.findIndex((b) => b.id === id);
      if (i < 0) throw new Error(`bundle ${id} vanished`);
      all[i] = { ...all[i]!, ...patch };
      await browser.storage.local.set({ [KEY]: all });
      return all[i]!;
    });
  }
}
