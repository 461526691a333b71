// The approval queue under load: floods of concurrent asks must open one window per origin, answer
// the excess at once, keep every origin's requests apart, and leave no promise hanging.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Approvals, MAX_PENDING_PER_ORIGIN as CAP } from '@/src/approvals/service';
import type { ApprovalRequest } from '@/src/approvals/types';

const FLOOD = 'https://flood.example';
const OTHER = 'https://other.example';

const sign = (origin: string, i: number): ApprovalRequest => ({ kind: 'signMessage', origin, message: `0x${i.toString(16).padStart(4, '0')}` });

/** Starts `ask` and records how it settled: 'approved' or the error's code. */
function track(approvals: Approvals, request: ApprovalRequest) {
  const outcome: { settled: boolean; value?: 'approved' | number } = { settled: false };
  approvals.ask(request).then(
    () => Object.assign(outcome, { settled: true, value: 'approved' }),
    (e: { code?: number }) => Object.assign(outcome, { settled: true, value: e.code }),
  );
  return outcome;
}

const count = <T>(xs: T[], pred: (x: T) => boolean) => xs.filter(pred).length;

describe('approvals: floods', () => {
  let approvals: Approvals;
  beforeEach(() => {
    vi.restoreAllMocks();
    fakeBrowser.reset();
    approvals = new Approvals();
    fakeBrowser.windows.onRemoved.addListener((id) => void approvals.onWindowRemoved(id));
  });

  it('behavior: 1,000 concurrent asks open one window, queue the cap, answer the rest with -32005 at once, and all settle when the window closes', async () => {
    const create = vi.spyOn(fakeBrowser.windows, 'create');
    const outcomes = Array.from({ length: 1000 }, (_, i) => track(approvals, sign(FLOOD, i)));

    // The excess is answered without the owner: nothing of it waits.
    await vi.waitFor(() => expect(count(outcomes, (o) => o.settled)).toBe(1000 - CAP));
    expect(count(outcomes, (o) => o.value === -32005)).toBe(1000 - CAP);
    expect(create).toHaveBeenCalledTimes(1);
    expect(await approvals.list(FLOOD)).toHaveLength(CAP);

    // Closing the window answers every queued request with 4001; none hangs.
    const [windowId] = await Promise.all(create.mock.results.map((r) => r.value as Promise<{ id: number }>)).then((ws) => ws.map((w) => w.id));
    await fakeBrowser.windows.remove(windowId!);
    await vi.waitFor(() => expect(count(outcomes, (o) => o.settled)).toBe(1000));
    expect(count(outcomes, (o) => o.value === 4001)).toBe(CAP);
    expect(await approvals.list(FLOOD)).toHaveLength(0);
  });

  it("behavior: a second origin's single request during a flood gets its own window and can be approved", async () => {
    const create = vi.spyOn(fakeBrowser.windows, 'create');
    const flood = Array.from({ length: 60 }, (_, i) => track(approvals, sign(FLOOD, i)));
    const other = track(approvals, { kind: 'connect', origin: OTHER });
    const more = Array.from({ length: 60 }, (_, i) => track(approvals, sign(FLOOD, 100 + i)));

    await vi.waitFor(() => expect(count([...flood, ...more], (o) => o.settled)).toBe(120 - CAP));
    expect(create).toHaveBeenCalledTimes(2);
    const urls = create.mock.calls.map(([data]) => decodeURIComponent(String(data?.url)));
    expect(urls.filter((u) => u.endsWith(`origin=${FLOOD}`))).toHaveLength(1);
    expect(urls.filter((u) => u.endsWith(`origin=${OTHER}`))).toHaveLength(1);

    const [mine] = await approvals.list(OTHER);
    expect(mine?.request).toEqual({ kind: 'connect', origin: OTHER });
    expect(count(await approvals.list(FLOOD), (p) => p.request.origin !== FLOOD)).toBe(0);
    await approvals.resolve(mine!.id, { approved: true });
    await vi.waitFor(() => expect(other).toEqual({ settled: true, value: 'approved' }));
    expect(await approvals.list(FLOOD)).toHaveLength(CAP);
  });

  it('behavior: a flood does not pull the window to the front again for every queued request', async () => {
    const update = vi.spyOn(fakeBrowser.windows, 'update');
    track(approvals, sign(FLOOD, 0));
    await vi.waitFor(async () => expect(await approvals.list(FLOOD)).toHaveLength(1));
    for (let i = 1; i < 10; i++) track(approvals, sign(FLOOD, i));
    await vi.waitFor(async () => expect(await approvals.list(FLOOD)).toHaveLength(10));
    expect(update.mock.calls.filter(([, info]) => info?.focused)).toHaveLength(0);
  });

  it('behavior: Reject all answers every queued request of the origin with 4001, closes its window, and leaves other origins alone', async () => {
    const remove = vi.spyOn(fakeBrowser.windows, 'remove');
    const mine = Array.from({ length: 5 }, (_, i) => track(approvals, sign(FLOOD, i)));
    const other = track(approvals, sign(OTHER, 0));
    await vi.waitFor(async () => expect(await approvals.list()).toHaveLength(6));
    await approvals.rejectAll(FLOOD);
    await vi.waitFor(() => expect(mine.map((o) => o.value)).toEqual([4001, 4001, 4001, 4001, 4001]));
    expect(remove).toHaveBeenCalledTimes(1);
    expect(other.settled).toBe(false);
    expect(await approvals.list(OTHER)).toHaveLength(1);
  });

  it('behavior: the last answer closes the window; the next request opens a new one', async () => {
    const create = vi.spyOn(fakeBrowser.windows, 'create');
    const first = track(approvals, sign(FLOOD, 0));
    const [p] = await vi.waitFor(async () => {
      const list = await approvals.list(FLOOD);
      expect(list).toHaveLength(1);
      return list;
    });
    await approvals.resolve(p!.id, { approved: true });
    await vi.waitFor(() => expect(first).toEqual({ settled: true, value: 'approved' }));
    expect((await fakeBrowser.windows.getAll()).filter((w) => w.type === 'popup')).toHaveLength(0);
    track(approvals, sign(FLOOD, 1));
    await vi.waitFor(() => expect(create).toHaveBeenCalledTimes(2));
  });

  it('error: a window that cannot be opened answers its requests at once instead of leaving them waiting', async () => {
    vi.spyOn(fakeBrowser.windows, 'create').mockRejectedValue(new Error('no windows here'));
    const outcomes = Array.from({ length: 3 }, (_, i) => track(approvals, sign(FLOOD, i)));
    await vi.waitFor(() => expect(outcomes.map((o) => o.value)).toEqual([-32002, -32002, -32002]));
    expect(await approvals.list(FLOOD)).toHaveLength(0);
  });

  it('error: answering a request that no longer waits is -32002', async () => {
    await expect(approvals.resolve('nope', { approved: true })).rejects.toMatchObject({ code: -32002 });
  });

  it('behavior: a restarted worker closes the windows of the previous one, whose requests it can no longer answer', async () => {
    track(approvals, sign(FLOOD, 0));
    await vi.waitFor(async () => expect((await fakeBrowser.windows.getAll()).filter((w) => w.type === 'popup')).toHaveLength(1));
    await vi.waitFor(async () => expect(await fakeBrowser.storage.session.get('approvals.windows')).not.toEqual({}));

    const restarted = new Approvals();
    await vi.waitFor(async () => expect((await fakeBrowser.windows.getAll()).filter((w) => w.type === 'popup')).toHaveLength(0));
    expect(await restarted.list()).toHaveLength(0);
  });
});

describe('approvals: a restarted worker', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
    fakeBrowser.reset();
  });

  it("behavior: closes the previous worker's windows and forgets them", async () => {
    await fakeBrowser.storage.session.set({ 'approvals.windows': { [FLOOD]: 7, [OTHER]: 9 }, 'approvals.pending': [{ id: 'x' }] });
    const remove = vi.fn(async (_id: number) => undefined);
    new Approvals({ create: vi.fn(), update: vi.fn(), remove } as never);
    await vi.waitFor(async () => expect(await fakeBrowser.storage.session.get(['approvals.windows', 'approvals.pending'])).toEqual({}));
    await vi.waitFor(() => expect(remove.mock.calls.map(([id]) => id).sort()).toEqual([7, 9]));
  });

  it('behavior: writes nothing when the previous worker left nothing (the usual start)', async () => {
    const remove = vi.spyOn(fakeBrowser.storage.session, 'remove');
    const get = vi.spyOn(fakeBrowser.storage.session, 'get');
    new Approvals();
    await vi.waitFor(() => expect(get).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 10));
    expect(remove).not.toHaveBeenCalled();
  });
});
