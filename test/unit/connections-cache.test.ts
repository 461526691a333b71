// The worker keeps the connected sites in memory (read on every dApp request); a change made in
// storage by another extension page must be seen by the next request.
import { beforeEach, describe, expect, it } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Connections } from '@/src/connections/connections';

const SITE = 'https://game.example';
const ACCOUNT = '0x1111111111111111111111111111111111111111';

describe('Connections (in-memory copy)', () => {
  beforeEach(() => fakeBrowser.reset());

  it('behavior: a disconnect written to storage by another page is seen by the next read', async () => {
    const connections = new Connections();
    await connections.connect(SITE, ACCOUNT);
    expect(await connections.get(SITE)).toMatchObject({ origin: SITE, account: ACCOUNT });
    // Another extension page (its own Connections, its own memory) disconnects the site.
    await new Connections().disconnect(SITE);
    expect(await connections.get(SITE)).toBeUndefined();
  });

  it('behavior: a connection stored directly in storage is seen by the next read', async () => {
    const connections = new Connections();
    expect(await connections.get(SITE)).toBeUndefined();
    await browser.storage.local.set({ connections: { [SITE]: { origin: SITE, account: ACCOUNT, connectedAt: 1 } } });
    expect(await connections.get(SITE)).toMatchObject({ account: ACCOUNT });
  });

  it('behavior: reads between changes are served from memory, not storage', async () => {
    const connections = new Connections();
    await connections.connect(SITE, ACCOUNT);
    await connections.get(SITE);
    let reads = 0;
    const get = browser.storage.local.get.bind(browser.storage.local);
    browser.storage.local.get = ((keys: Parameters<typeof get>[0]) => {
      reads++;
      return get(keys);
    }) as typeof get;
    try {
      for (let i = 0; i < 3; i++) expect(await connections.get(SITE)).toMatchObject({ account: ACCOUNT });
      expect(reads).toBe(0);
    } finally {
      browser.storage.local.get = get;
    }
  });

  it('behavior: a caller changing what it read does not change the copy in memory', async () => {
    const connections = new Connections();
    await connections.connect(SITE, ACCOUNT);
    const all = await connections.all();
    delete all[SITE];
    expect(await connections.get(SITE)).toMatchObject({ account: ACCOUNT });
  });

  it('behavior: clear forgets every site and answers which were connected', async () => {
    const connections = new Connections();
    await connections.connect(SITE, ACCOUNT);
    expect(await connections.clear()).toEqual([SITE]);
    expect(await connections.get(SITE)).toBeUndefined();
    expect(await new Connections().all()).toEqual({});
  });
});
