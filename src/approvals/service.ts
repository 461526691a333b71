// Approvals: a dApp request the owner must decide opens the approval window, one window per origin;
// further requests of that origin queue in the same window. Closing the window rejects what is
// still pending with 4001.
//
// The pending list lives in storage.session so the window can show it; the promises that answer the
// dApp live in this worker's memory. If the worker restarts, those answers are gone: the entries
// are dropped and the dApp's bridge sends the request again, which queues it anew.
import { browser } from 'wxt/browser';
import { uuidV4 } from '../provider/uuid';
import { ResourceUnavailableError, UserRejectedError } from '../rpc/errors';
import type { ApprovalDecision, ApprovalRequest, PendingApproval } from './types';

const PENDING_KEY = 'approvals.pending';
const WINDOWS_KEY = 'approvals.windows'; // origin -> windowId
const MAX_PENDING_PER_ORIGIN = 20;

export const APPROVAL_WINDOW = { width: 400, height: 660 };

interface Waiter {
  resolve: (d: ApprovalDecision) => void;
  reject: (e: Error) => void;
}

export class Approvals {
  private readonly waiters = new Map<string, Waiter>();
  private ready: Promise<void>;

  constructor() {
    // Entries from a previous worker can no longer be answered: drop them.
    this.ready = browser.storage.session.set({ [PENDING_KEY]: [] }).then(() => undefined);
  }

  async list(origin?: string): Promise<PendingApproval[]> {
    await this.ready;
    const all = ((await browser.storage.session.get(PENDING_KEY))[PENDING_KEY] as PendingApproval[] | undefined) ?? [];
    return origin ? all.filter((p) => p.request.origin === origin) : all;
  }

  /** Queues a request for the owner and resolves with the decision. Rejection is 4001. */
  async ask(request: ApprovalRequest): Promise<ApprovalDecision & { approved: true }> {
    await this.ready;
    const pending = await this.list();
    if (pending.filter((p) => p.request.origin === request.origin).length >= MAX_PENDING_PER_ORIGIN) {
      throw new ResourceUnavailableError('Too many requests are waiting for approval from this site.');
    }
    const entry: PendingApproval = { id: uuidV4(), createdAt: Date.now(), request };
    const decision = new Promise<ApprovalDecision>((resolve, reject) => this.waiters.set(entry.id, { resolve, reject }));
    await browser.storage.session.set({ [PENDING_KEY]: [...pending, entry] });
    await this.showWindow(request.origin);
    const d = await decision;
    if (!d.approved) throw new UserRejectedError('The owner rejected the request.');
    return d;
  }

  /** The owner's decision from the approval window. */
  async resolve(id: string, decision: ApprovalDecision): Promise<void> {
    const pending = await this.list();
    const entry = pending.find((p) => p.id === id);
    await browser.storage.session.set({ [PENDING_KEY]: pending.filter((p) => p.id !== id) });
    const waiter = this.waiters.get(id);
    this.waiters.delete(id);
    if (!entry || !waiter) throw new ResourceUnavailableError('This request is no longer waiting (the page may have been closed).');
    waiter.resolve(decision);
    if (pending.filter((p) => p.request.origin === entry.request.origin).length === 1) await this.closeWindow(entry.request.origin);
  }

  /** Rejects (4001) everything still waiting and closes the windows (Remove wallet). */
  async rejectAll(): Promise<void> {
    for (const p of await this.list()) await this.resolve(p.id, { approved: false }).catch(() => undefined);
    for (const origin of Object.keys(await this.windows())) await this.closeWindow(origin);
  }

  /** windows.onRemoved: closing an approval window rejects what it still held. */
  async onWindowRemoved(windowId: number): Promise<void> {
    const windows = await this.windows();
    const origin = Object.keys(windows).find((o) => windows[o] === windowId);
    if (!origin) return;
    delete windows[origin];
    await browser.storage.session.set({ [WINDOWS_KEY]: windows });
    for (const p of await this.list(origin)) {
      await this.resolve(p.id, { approved: false }).catch(() => undefined);
    }
  }

  private async windows(): Promise<Record<string, number>> {
    return ((await browser.storage.session.get(WINDOWS_KEY))[WINDOWS_KEY] as Record<string, number> | undefined) ?? {};
  }

  private async showWindow(origin: string): Promise<void> {
    const windows = await this.windows();
    const existing = windows[origin];
    if (existing !== undefined) {
      try {
        await browser.windows.update(existing, { focused: true });
        return;
      } catch {
        // closed without our noticing (worker restart): open a new one
      }
    }
    const url = (browser.runtime.getURL as (path: string) => string)(`/approval.html?origin=${encodeURIComponent(origin)}`);
    const created = await browser.windows.create({ url, type: 'popup', ...APPROVAL_WINDOW, focused: true });
    if (created?.id !== undefined) await browser.storage.session.set({ [WINDOWS_KEY]: { ...windows, [origin]: created.id } });
  }

  private async closeWindow(origin: string): Promise<void> {
    const windows = await this.windows();
    const id = windows[origin];
    if (id === undefined) return;
    delete windows[origin];
    await browser.storage.session.set({ [WINDOWS_KEY]: windows });
    await browser.windows.remove(id).catch(() => undefined);
  }
}
