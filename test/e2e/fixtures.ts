// Playwright fixtures: a fresh Chromium profile with the built extension loaded, its id, the demo
// dApp's URLs, and helpers to open the popup and take named screenshots.
import { test as base, expect as baseExpect, type BrowserContext, type Page, type Worker } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { launchWithExtension } from '../../scripts/lib/chromium';
import { E2E_DAPP_PORT, E2E_DAPP_PORT_2, E2E_DEVNET_PORT, E2E_EXTENSION_DIR, SCREENSHOT_DIR } from '../../scripts/lib/test-env';

export interface WalletFixtures {
  context: BrowserContext;
  extensionId: string;
  serviceWorker: Worker;
  dappUrl: string;
  dappUrl2: string;
  rpcUrl: string;
  openPopup: () => Promise<Page>;
  /** A fresh owner key, the wallet popup and the demo dApp open in tabs (nothing imported yet). */
  fresh: { key: Hex; owner: PrivateKeyAccount; popup: Page; dapp: Page };
  shoot: (page: Page, name: string) => Promise<string>;
}

export const test = base.extend<WalletFixtures>({
  // eslint-disable-next-line no-empty-pattern
  context: async ({}, use) => {
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skw-e2e-'));
    const { context } = await launchWithExtension({ extensionDir: E2E_EXTENSION_DIR, userDataDir, headless: true });
    await use(context);
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  },
  serviceWorker: async ({ context }, use) => {
    let [worker] = context.serviceWorkers();
    if (!worker) worker = await context.waitForEvent('serviceworker');
    await use(worker);
  },
  extensionId: async ({ serviceWorker }, use) => {
    await use(new URL(serviceWorker.url()).host);
  },
  // eslint-disable-next-line no-empty-pattern
  dappUrl: async ({}, use) => use(`http://127.0.0.1:${E2E_DAPP_PORT}/`),
  // eslint-disable-next-line no-empty-pattern
  dappUrl2: async ({}, use) => use(`http://127.0.0.1:${E2E_DAPP_PORT_2}/`),
  // eslint-disable-next-line no-empty-pattern
  rpcUrl: async ({}, use) => use(`http://127.0.0.1:${E2E_DEVNET_PORT}`),
  openPopup: async ({ context, extensionId }, use) => {
    await use(async () => {
      const page = await context.newPage();
      await page.setViewportSize({ width: 360, height: 600 });
      await page.goto(`chrome-extension://${extensionId}/popup.html`);
      return page;
    });
  },
  fresh: async ({ context, openPopup, dappUrl }, use) => {
    const key = generatePrivateKey();
    const popup = await openPopup();
    const dapp = await context.newPage();
    await dapp.goto(dappUrl);
    await use({ key, owner: privateKeyToAccount(key), popup, dapp });
  },
  // eslint-disable-next-line no-empty-pattern
  shoot: async ({}, use) => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await use(async (page, name) => {
      // The wallet's own pages must fit their window: no sideways scrolling.
      if (page.url().startsWith('chrome-extension://')) {
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
        baseExpect(scrollWidth, `${name}: content is wider than the window`).toBeLessThanOrEqual(innerWidth);
      }
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true, animations: 'disabled' }); // finished animations: what a person sees a moment later
      return file;
    });
  },
});



export { providerRequest } from '../../scripts/lib/page';

export const expect = test.expect;
