// Issue 15: the service worker's script is a small bootstrap (src/background/bootstrap.ts). A cold
// worker answers eth_chainId and net_version without loading the wallet (wallet.js); anything else
// loads it once and is answered by it, including an alarm that wakes the worker.
import type { BrowserContext, Worker } from '@playwright/test';
import { generatePrivateKey } from 'viem/accounts';
import { expect, providerRequest, test } from './fixtures';
import { importOwner, watchServiceWorker } from './helpers';

/** The global wallet.js defines when it is evaluated (src/background/wallet-script.ts WALLET_GLOBAL). */
const WALLET_GLOBAL = '__sessionKeyWallet';

/** The running worker's handle (a restarted worker is a new one). */
function latestWorker(context: BrowserContext): Worker {
  const worker = context.serviceWorkers().filter((w) => w.url().endsWith('/background.js')).at(-1);
  if (!worker) throw new Error('no service worker');
  return worker;
}

/** The extension APIs the tests use inside the worker. */
interface Chrome {
  storage: { session: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> } };
  alarms: { create(name: string, info: { when: number }): Promise<void> };
}

const walletLoaded = (context: BrowserContext) => latestWorker(context).evaluate((name) => name in globalThis, WALLET_GLOBAL);

test('behavior: a cold worker answers eth_chainId and net_version without loading the wallet; the next request loads it and is answered', async ({ context, extensionId, dappUrl }) => {
  const page = await context.newPage();
  await page.goto(dappUrl);
  expect(await providerRequest(page, 'eth_chainId')).toEqual({ result: '0x7a69' });
  expect(await walletLoaded(context)).toBe(true); // the first life loads it at install

  // A page of the extension that never talks to the worker (the popup would wake it).
  const manifest = await context.newPage();
  await manifest.goto(`chrome-extension://${extensionId}/manifest.json`);
  const worker = await watchServiceWorker(context, manifest);
  await worker.stop();
  const restarted = worker.nextStart();
  expect(await providerRequest(page, 'eth_chainId')).toEqual({ result: '0x7a69' });
  await restarted;
  expect(await providerRequest(page, 'net_version')).toEqual({ result: '31337' });
  expect(await walletLoaded(context)).toBe(false);

  // What the bootstrap does not answer alone: the wallet's own error for eth_chainId with params,
  // then a request that needs the wallet's state.
  expect(await providerRequest(page, 'eth_chainId', [1])).toMatchObject({ error: { code: -32602 } });
  expect(await walletLoaded(context)).toBe(true);
  expect(await providerRequest(page, 'eth_accounts')).toEqual({ result: [] });
  expect(await providerRequest(page, 'eth_chainId')).toEqual({ result: '0x7a69' });

  await worker.stop();
  expect(await providerRequest(page, 'eth_accounts')).toEqual({ result: [] }); // the first request of a cold worker
  expect(await walletLoaded(context)).toBe(true);
});

test('behavior: an alarm that wakes a cold worker is handled by the wallet (the auto-lock alarm locks the vault)', async ({ context, extensionId, openPopup }) => {
  const popup = await openPopup();
  await importOwner(popup, generatePrivateKey());
  await popup.close(); // it polls the worker

  const manifest = await context.newPage();
  await manifest.goto(`chrome-extension://${extensionId}/manifest.json`);
  const worker = await watchServiceWorker(context, manifest);
  // The vault's record says "lock in 2 s" and its alarm fires then (as after the auto-lock delay).
  await latestWorker(context).evaluate(async () => {
    const c = (globalThis as unknown as { chrome: Chrome }).chrome;
    const record = (await c.storage.session.get('vault.unlocked'))['vault.unlocked'] as { lockAt: number };
    const at = Date.now() + 2_000;
    await c.storage.session.set({ 'vault.unlocked': { ...record, lockAt: at } });
    await c.alarms.create('vault-auto-lock', { when: at });
  });
  await worker.stop();
  const restarted = worker.nextStart(); // nothing else wakes it: the alarm does
  await restarted;
  await expect
    .poll(() => latestWorker(context).evaluate(async () => Object.keys(await (globalThis as unknown as { chrome: Chrome }).chrome.storage.session.get('vault.unlocked')).length), { timeout: 10_000 })
    .toBe(0);
  expect(await walletLoaded(context)).toBe(true);
});
