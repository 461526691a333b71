// Approvals: a dApp request the owner must decide opens the approval window, one window per origin;
// further requests of that origin queue in the same window. Closing the window rejects what is
// still pending with 4001.
//
// The queue lives in this worker's memory, next to the promises that answer the dApps, and is the
// only source of truth: every change to it is synchronous (check the cap, push, take out), so
// concurrent asks cannot interleave a read-modify-write the way they did when the list was kept in
// storage.session (a flood of 60 asks opened 20 windows, stored 3 and left 57 unanswered). The window
// of an origin is created once: the first ask records the creation's promise before its first
// `await`, and every later ask of that origin finds it.
//
// Every request is answered: by the owner (approve, reject, reject all), by closing the window
// (4001), at once when the origin's queue is full (-32005), or, if the worker restarts, by the
// dApp's bridge, which sends the request again to the new worker.
import { browser } from 'wxt/browser';
import { uuidV4 } from '../provider/uuid';
import { LimitExceededError, ResourceUnavailableError, UserRejectedError } from '../errors';
import type { ApprovalDecision, ApprovalRequest, PendingApproval } from './types';

/**
 * At most this many requests of one origin wait for the owner; more are refused at once with
 * -32005. A page cannot bury the owner under requests, and nothing it sends waits unanswered.
 */
export const MAX_PENDING_PER_ORIGIN = 20;

export const APPROVAL_WINDOW = { width: 400, height: 660 };

/**
 * origin -> windowId of the open approval windows, mirrored so that a restarted worker can close the
 * windows of the previous one: what they showed can no longer be answered, and the replayed
 * requests open a fresh window.
 */
const WINDOWS_KEY = 'approvals.windows';
/** The pending list as older builds stored it; cleared at start, no longer written. */
const LEGACY_PENDING_KEY = 'approvals.pending';

/** The part of `browser.windows` the queue uses. */
export type ApprovalWindowHost = Pick<typeof browser.windows, 'create' | 'update' | 'remove'>;

interface Entry {
  approval: PendingApproval;
  answer: (decision: ApprovalDecision | Error) => void;
}

export class Approvals {
  /** origin -> its requests in arrival order. */
  private readonly queues = new Map<string, Entry[]>();
  /** origin -> its window: the creation in flight, then its id (undefined if it could not open). */
  private readonly windows = new Map<string, { opening: Promise<number | undefined>; id?: number }>();
  /** windowId -> origin, for windows.onRemoved. */
  private readonly origins = new Map<number, string>();
  /** storage.session writes, one after another. */
  private writes: Promise<void>;

  constructor(private readonly host: ApprovalWindowHost = browser.windows) {
    this.writes = this.closeLeftovers();
  }

  /** What waits for the owner, oldest first; one origin's or all of them. */
  async list(origin?: string): Promise<PendingApproval[]> {
    const queues = origin === undefined ? [...this.queues.values()] : [this.queues.get(origin) ?? []];
    return queues.flat().map((e) => e.approval);
  }

  /** Queues a request for the owner and resolves with the decision. Rejection is 4001. */
  async ask(request: ApprovalRequest): Promise<ApprovalDecision & { approved: true }> {
    // Synchronous up to the first await: the cap check and the push cannot interleave.
    const { origin } = request;
    const queue = this.queues.get(origin) ?? [];
    if (queue.length >= MAX_PENDING_PER_ORIGIN) {
      throw new LimitExceededError(
        `Too many requests from this site are waiting for approval (${MAX_PENDING_PER_ORIGIN}). Wait until the owner has answered them, then try again.`,
      );
    }
    const wasEmpty = queue.length === 0;
    let answer!: Entry['answer'];
    const decision = new Promise<ApprovalDecision>((resolve, reject) => {
      answer = (d) => (d instanceof Error ? reject(d) : resolve(d));
    });
    queue.push({ approval: { id: uuidV4(), createdAt: Date.now(), request }, answer });
    this.queues.set(origin, queue);
    this.showWindow(origin, wasEmpty);

    const d = await decision;
    if (!d.approved) throw new UserRejectedError('The owner rejected the request.');
    return d;
  }

  /** The owner's decision from the approval window. */
  async resolve(id: string, decision: ApprovalDecision): Promise<void> {
    for (const [origin, queue] of this.queues) {
      const index = queue.findIndex((e) => e.approval.id === id);
      if (index < 0) continue;
      const [entry] = queue.splice(index, 1);
      entry!.answer(decision);
      if (queue.length === 0) await this.finish(origin);
      return;
    }
    throw new ResourceUnavailableError('This request is no longer waiting (the page may have been closed).');
  }

  /**
   * Every request waiting is answered with 4001 and its window closed: one origin's (the owner's
   * "Reject all"), or every origin's (Remove wallet).
   */
  async rejectAll(origin?: string): Promise<void> {
    const origins = origin === undefined ? [...new Set([...this.queues.keys(), ...this.windows.keys()])] : [origin];
    for (const o of origins) {
      this.answerAll(o, { approved: false });
      await this.finish(o);
    }
  }

  /** windows.onRemoved: closing an approval window rejects what it still held. */
  async onWindowRemoved(windowId: number): Promise<void> {
    const origin = this.origins.get(windowId);
    if (origin === undefined) return;
    this.forgetWindow(origin, windowId);
    this.answerAll(origin, { approved: false });
  }

  private answerAll(origin: string, outcome: ApprovalDecision | Error): void {
    const queue = this.queues.get(origin) ?? [];
    this.queues.delete(origin);
    for (const entry of queue) entry.answer(outcome);
  }

  /**
   * Opens the origin's window, once. The window is focused when it opens; a request queued behind
   * others leaves it where it is, so a flood cannot keep pulling the window in front of what the
   * owner is doing (and under the pointer). The window itself makes a new request wait before its
   * Approve button takes a click.
   */
  private showWindow(origin: string, queueWasEmpty: boolean): void {
    const existing = this.windows.get(origin);
    if (existing) {
      if (queueWasEmpty) {
        void existing.opening.then((id) => {
          if (id !== undefined) this.host.update(id, { focused: true }).catch(() => undefined);
        });
      }
      return;
    }
    const url = (browser.runtime.getURL as (path: string) => string)(`/approval.html?origin=${encodeURIComponent(origin)}`);
    const opening = this.writes
      .then(() => this.host.create({ url, type: 'popup', ...APPROVAL_WINDOW, focused: true }))
      .then((created) => created?.id)
      .catch(() => undefined);
    const record: { opening: Promise<number | undefined>; id?: number } = { opening };
    this.windows.set(origin, record);
    void opening.then((id) => {
      if (this.windows.get(origin) !== record) return; // closed or finished meanwhile
      if (id === undefined) {
        // No window, so no owner to ask: answer now rather than leave the dApp waiting.
        this.windows.delete(origin);
        this.answerAll(origin, new ResourceUnavailableError('The approval window could not be opened. Try again.'));
        return;
      }
      record.id = id;
      this.origins.set(id, origin);
      this.mirrorWindows();
      if (!this.queues.get(origin)?.length) void this.finish(origin);
    });
  }

  /** Nothing of `origin` waits any more: close its window. */
  private async finish(origin: string): Promise<void> {
    if (this.queues.get(origin)?.length) return;
    this.queues.delete(origin);
    const record = this.windows.get(origin);
    if (!record) return;
    this.windows.delete(origin); // a request arriving from now on opens a new window
    const id = record.id ?? (await record.opening);
    if (id === undefined) return;
    this.forgetWindow(origin, id);
    await this.host.remove(id).catch(() => undefined);
  }

  private forgetWindow(origin: string, id: number): void {
    this.origins.delete(id);
    if (this.windows.get(origin)?.id === id) this.windows.delete(origin);
    this.mirrorWindows();
  }

  private mirrorWindows(): void {
    this.writes = this.writes.then(() =>
      browser.storage.session.set({ [WINDOWS_KEY]: Object.fromEntries([...this.origins].map(([id, origin]) => [origin, id])) }).catch(() => undefined),
    );
  }

  /**
   * A previous worker's windows show requests nobody can answer any more: close them. Nothing is
   * written when nothing was left, the usual start (issue 15: the cold-send trace showed that write
   * in flight, 9 to 11 ms, beside the send's first reads).
   */
  private async closeLeftovers(): Promise<void> {
    try {
      const got = await browser.storage.session.get([WINDOWS_KEY, LEGACY_PENDING_KEY]);
      const stored = got[WINDOWS_KEY] as Record<string, number> | undefined;
      const left = [WINDOWS_KEY, LEGACY_PENDING_KEY].filter((key) => got[key] !== undefined);
      if (left.length) await browser.storage.session.remove(left);
      await Promise.all(Object.values(stored ?? {}).map((id) => this.host.remove(id).catch(() => undefined)));
    } catch {
      // storage.session unavailable: nothing to clean up
    }
  }
}
