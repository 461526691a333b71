// The session records in storage.local ('sessions', one list), with the locks that keep concurrent
// writers from losing each other's changes: `KEY` for the list, a session's id for its lifecycle.
import { browser } from 'wxt/browser';
import { KeyedMutex } from '../calls/mutex';
import type { SessionKeyVault } from './key-store';
import type { SessionRecord } from './record';

const KEY = 'sessions';

export class SessionStore {
  readonly lock = new KeyedMutex();
  /** Counts this worker's writes of the list: a reader that saw no write since its read need not read again. */
  private writes = 0;

  /** A mark to take before reading; changedSince(mark) says whether the list was written since. */
  mark(): number {
    return this.writes;
  }

  changedSince(mark: number): boolean {
    return this.writes !== mark;
  }

  private async write(all: SessionRecord[]): Promise<void> {
    this.writes++;
    this.cached = undefined;
    await browser.storage.local.set({ [KEY]: all });
    this.cached = undefined;
  }

  /**
   * The list as this worker last read or wrote it (every send reads it): storage stays the truth,
   * read again after a restart or when anything else changed the key.
   */
  private cached: Promise<SessionRecord[]> | undefined;

  constructor() {
    browser.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && KEY in changes) this.cached = undefined;
    });
  }

  async all(): Promise<SessionRecord[]> {
    const read = (this.cached ??= browser.storage.local.get(KEY).then((got) => (got[KEY] as SessionRecord[] | undefined) ?? []));
    read.catch(() => (this.cached = undefined));
    // Copies: callers change records and the list before writing them back.
    return (await read).map((s) => ({ ...s }));
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    return (await this.all()).find((s) => s.id.toLowerCase() === id.toLowerCase());
  }

  async save(record: SessionRecord): Promise<void> {
    await this.lock.run(KEY, async () => {
      const all = await this.all();
      const i = all.findIndex((s) => s.id === record.id);
      if (i >= 0) all[i] = record;
      else all.push(record);
      await this.write(all);
    });
  }

  /** Runs `fn` under the session's own lock (one lifecycle step or send at a time per session). */
  withSession<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(id.toLowerCase(), fn);
  }

  /** Rewrites a record; undefined when it is gone. */
  async update(id: string, change: (current: SessionRecord) => SessionRecord): Promise<SessionRecord | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    const next = change(current);
    if (next !== current) await this.save(next);
    return next;
  }

  /**
   * Seals again, under the vault's sealing key, the keys an older version sealed with the IndexedDB
   * device key (run after an unlock). Under the store's lock, so no concurrent save is lost. Returns
   * how many legacy keys are left (a session ended meanwhile may have written its old blob back):
   * the device key may be deleted only when none is.
   */
  async resealLegacyKeys(keys: SessionKeyVault): Promise<number> {
    await this.lock.run(KEY, async () => {
      const all = await this.all();
      let changed = false;
      for (const s of all) {
        if (!s.sealedKey || s.sealedKey.version === 2) continue;
        try {
          s.sealedKey = await keys.resealIfLegacy(s.sealedKey);
          changed = true;
        } catch (error) {
          console.warn('[wallet] a session key sealed by an older version could not be opened', s.id, error);
        }
      }
      if (changed) await this.write(all);
    });
    return (await this.all()).filter((s) => s.sealedKey && s.sealedKey.version !== 2).length;
  }

  /** Deletes the records `remove` picks (the owner's "Clear ended"); how many went. */
  async removeWhere(remove: (s: SessionRecord) => boolean): Promise<number> {
    return this.lock.run(KEY, async () => {
      const all = await this.all();
      const kept = all.filter((s) => !remove(s));
      if (kept.length !== all.length) await this.write(kept);
      return all.length - kept.length;
    });
  }

  /** Deletes every record (Remove wallet); `then` runs under the same lock. */
  async clear(then: () => void): Promise<void> {
    await this.lock.run(KEY, async () => {
      this.writes++;
      this.cached = undefined;
      await browser.storage.local.remove(KEY);
      this.cached = undefined;
      then();
    });
  }
}
