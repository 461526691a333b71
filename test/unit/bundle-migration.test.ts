// A call bundle stores what a backend signed as `signed: { backend, payload }`. A bundle an older
// version stored (an Alchemy bundle still pending across an update) kept it in `alchemySigned`:
// it is read in the new shape, and written back in it on the next update.
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Bundles, migrateBundle, type CallBundle } from '@/src/calls/bundles';

const ORIGIN = 'https://game.example';
const payload = { payload: '{"type":"user-operation-v070"}', context: `0x00${'11'.repeat(32)}` };

function legacyBundle(id: `0x${string}`): CallBundle & { alchemySigned: unknown } {
  return {
    id,
    requestId: 'r1',
    origin: ORIGIN,
    chainId: 11155111,
    account: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    signer: 'session',
    sessionId: `0x${'22'.repeat(32)}`,
    calls: [{ to: '0x23DaD949f5f9aD0552E453A421EBa6ECF9331259', value: '0', data: '0x' }],
    atomic: true,
    rawTransactions: [],
    txHashes: [],
    alchemySigned: payload,
    state: 'preparing',
    createdAt: 1,
  };
}

describe('bundle records stored by the previous version', () => {
  beforeEach(() => fakeBrowser.reset());

  it('behavior: a pending bundle with alchemySigned is read as signed: { backend: "alchemy", payload }', async () => {
    const id = `0x${'ab'.repeat(32)}` as const;
    await fakeBrowser.storage.local.set({ [`bundle:${id}`]: legacyBundle(id), 'bundles.index': [id], [`bundle.request:${ORIGIN}|r1`]: id });
    const bundles = new Bundles();

    const read = (await bundles.get(id))!;
    expect(read.signed).toEqual({ backend: 'alchemy', payload });
    expect('alchemySigned' in read).toBe(false);
    expect((await bundles.list())[0]!.signed).toEqual({ backend: 'alchemy', payload });
    expect((await bundles.byRequest(ORIGIN, 'r1'))!.signed).toEqual({ backend: 'alchemy', payload });

    // The next write stores the new shape only.
    await bundles.update(id, { state: 'submitted', alchemyId: `0x${'cd'.repeat(64)}` });
    const stored = (await fakeBrowser.storage.local.get(`bundle:${id}`))[`bundle:${id}`] as Record<string, unknown>;
    expect(stored.signed).toEqual({ backend: 'alchemy', payload });
    expect(stored).not.toHaveProperty('alchemySigned');
  });

  it('behavior: a bundle in the new shape, or with nothing signed, is read unchanged', () => {
    const { alchemySigned: _dropped, ...plain } = legacyBundle(`0x${'01'.repeat(32)}`);
    expect(migrateBundle(plain)).toBe(plain);
    const current = { ...plain, signed: { backend: 'alchemy', payload } };
    expect(migrateBundle(current)).toBe(current);
  });
});
