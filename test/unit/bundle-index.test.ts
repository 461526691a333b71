// The bundle history's order is kept as append-only keys, so a send writes its record, links and
// index entry in one storage call and reads no list of ids; eviction runs in batches and never
// drops a bundle still being sent; the id list an older version kept is moved over once.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Bundles, type CallBundle } from '@/src/calls/bundles';

const ORIGIN = 'https://game.example';
const idOf = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as const;
const draft = (n: number) => ({
  id: idOf(n),
  requestId: `r${n}`,
  origin: ORIGIN,
  chainId: 31337,
  account: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as const,
  signer: 'session' as const,
  calls: [{ to: '0x23DaD949f5f9aD0552E453A421EBa6ECF9331259' as const, value: '0', data: '0x' as const }],
  atomic: true,
});

/** Creates bundles 0..n-1; every one finished unless `preparing` names it. */
async function fill(bundles: Bundles, n: number, preparing = new Set<number>()): Promise<void> {
  for (let i = 0; i < n; i++) {
    await bundles.create(draft(i));
    if (!preparing.has(i)) await bundles.update(idOf(i), { state: 'submitted' });
  }
}

const stored = async (n: number) => (await fakeBrowser.storage.local.get(`bundle:${idOf(n)}`))[`bundle:${idOf(n)}`] as CallBundle | undefined;
const settled = () => new Promise((r) => setTimeout(r, 0));

describe('the bundle history', () => {
  beforeEach(() => fakeBrowser.reset());

  it('behavior: creating a bundle is one storage write (record, request link, index entry) and no read once the order is known', async () => {
    const bundles = new Bundles();
    await bundles.create(draft(0)); // reads the order once
    const get = vi.spyOn(fakeBrowser.storage.local, 'get');
    const set = vi.spyOn(fakeBrowser.storage.local, 'set');
    await bundles.create(draft(1));
    expect(get).not.toHaveBeenCalled();
    expect(set).toHaveBeenCalledTimes(1);
    expect(Object.keys(set.mock.calls[0]![0] as object).sort()).toEqual([`bundle.request:${ORIGIN}|r1`, 'bundle.seq:1', `bundle:${idOf(1)}`, 'bundles.seq'].sort());
    vi.restoreAllMocks();
    expect((await bundles.list()).map((b) => b.id)).toEqual([idOf(1), idOf(0)]);
  });

  it('behavior: past 550 bundles the oldest finished ones are evicted in one batch down to 500; a bundle still being sent stays', async () => {
    const bundles = new Bundles();
    await fill(bundles, 551, new Set([3]));
    await settled();
    await vi.waitFor(async () => expect(await stored(0)).toBeUndefined());
    expect(await stored(3)).toMatchObject({ state: 'preparing' });
    expect(await stored(52)).toBeDefined();
    expect(await bundles.byRequest(ORIGIN, 'r0')).toBeUndefined();
    const list = await bundles.list(1000);
    expect(list).toHaveLength(501);
    expect(list[0]!.id).toBe(idOf(550));
    expect(list.at(-1)!.id).toBe(idOf(3));
  });

  it('behavior: a new worker continues the order where the last one stopped', async () => {
    await fill(new Bundles(), 3);
    const restarted = new Bundles();
    await restarted.create(draft(3));
    expect((await restarted.list()).map((b) => b.id)).toEqual([idOf(3), idOf(2), idOf(1), idOf(0)]);
  });

  it("behavior: an older version's id list (bundles.index) is moved to the append-only keys once, in its order", async () => {
    const old = [draft(0), draft(1)].map((d) => ({ ...d, rawTransactions: [], txHashes: [], state: 'submitted', createdAt: 1 }));
    await fakeBrowser.storage.local.set({ 'bundles.index': old.map((b) => b.id), ...Object.fromEntries(old.map((b) => [`bundle:${b.id}`, b])) });
    const bundles = new Bundles();
    await bundles.create(draft(2));
    expect((await bundles.list()).map((b) => b.id)).toEqual([idOf(2), idOf(1), idOf(0)]);
    expect(await fakeBrowser.storage.local.get('bundles.index')).toEqual({});
  });

  it('behavior: clear forgets every bundle and its index entries; the next bundle starts a new history', async () => {
    const bundles = new Bundles();
    await fill(bundles, 3);
    await bundles.clear();
    expect(Object.keys(await fakeBrowser.storage.local.get(null)).filter((k) => k.startsWith('bundle'))).toEqual([]);
    expect(await bundles.get(idOf(1))).toBeUndefined();
    await bundles.create(draft(9));
    expect((await bundles.list()).map((b) => b.id)).toEqual([idOf(9)]);
  });
});
