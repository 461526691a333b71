// The Firefox e2e harness: Debian's Firefox ESR with the wallet's MV3 build installed as a temporary
// add-on, driven by puppeteer-core over WebDriver BiDi (no geckodriver, nothing downloaded).
//
// Firefox's remote agent does not report extension pages (Bug 1755014), which shapes this file:
// - the moz-extension:// host is fixed by pref before launch, since the install answers only the
//   add-on id;
// - `goto` on an extension page never resolves: start it, then wait for the document;
// - `page.url()` stays about:blank there and no `close` event comes: read `location.href`, and take
//   "evaluate fails" as "the window is gone".
// One privileged tab (about:config, allowed by --remote-allow-system-access) reads and controls the
// add-on's background: what about:debugging's "Terminate background script" does, and what Firefox
// itself does after the event page's idle timeout.
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { findFirefox } from '../../scripts/lib/firefox';
import { FIREFOX_EXTENSION_DIR, SCREENSHOT_DIR } from '../../scripts/lib/test-env';

export const ADDON_ID = 'session-key-wallet@local';
export const PASSWORD = 'Correct-Horse-9';

/** Where the approval window's size comes from: approvals/service.ts opens it at this size. */
const APPROVAL_VIEWPORT = { width: 400, height: 660 };
const POPUP_VIEWPORT = { width: 360, height: 600 };

export const byTestId = (id: string) => `[data-testid="${id}"]`;

export type PageAnswer<T = unknown> = { result: T; error?: undefined } | { result?: undefined; error: { code?: number; message?: string } };

export interface FirefoxWallet {
  browser: Browser;
  version: string;
  extensionUrl(file: string): string;
  /** Opens one of the wallet's pages in a tab and waits for its document (goto cannot). */
  openExtensionPage(file: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Opens a web page in a new tab. */
  openPage(url: string): Promise<Page>;
  /** Runs `action` and returns the approval window it opens, sized like the real one. */
  approvalWindow(action: () => Promise<unknown>): Promise<Page>;
  /** Counts every tab or window opened from now on. */
  countWindows(): () => number;
  background: {
    /** 'running', 'suspending' or 'stopped', as Firefox reports the add-on's event page. */
    state(): Promise<string>;
    /**
     * Stops the event page now, requests in flight or not: what Firefox's idle timer does at its
     * second timeout while a listener is still pending (the first one only postpones). Resolves
     * once the page is stopped.
     */
    terminate(): Promise<void>;
    /** Sets Firefox's event-page idle timeout (pref extensions.background.idle.timeout; default 30 s), read live. */
    setIdleTimeout(ms: number): Promise<void>;
  };
  close(): Promise<void>;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The page's href, or undefined when its browsing context is gone. */
async function hrefOf(page: Page): Promise<string | undefined> {
  return page.evaluate(() => location.href).catch(() => undefined);
}

export async function launchFirefoxWallet(opts: { extensionDir?: string; prefs?: Record<string, unknown> } = {}): Promise<FirefoxWallet> {
  const extensionDir = opts.extensionDir ?? FIREFOX_EXTENSION_DIR;
  if (!fs.existsSync(path.join(extensionDir, 'manifest.json'))) throw new Error(`No Firefox build at ${extensionDir} (run \`npm test -- --only build\` first).`);
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: findFirefox(),
    headless: true,
    args: ['--remote-allow-system-access'], // lets BiDi open moz-extension:// and about:config in a tab
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: uuid }),
      ...opts.prefs,
    },
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
  });
  try {
    await browser.installExtension(extensionDir);
    const version = await browser.version();

    // The privileged tab. Its script runs with the system principal, so it reaches the add-on's
    // Extension object; nothing of the wallet's own code runs there.
    const chrome = await browser.newPage();
    await chrome.goto('about:config', { timeout: 2_000 }).catch(() => {});
    await waitFor('about:config', async () => ((await hrefOf(chrome)) === 'about:config' ? true : undefined));

    const extensionUrl = (file: string) => `moz-extension://${uuid}/${file.replace(/^\//, '')}`;
    const claimed = new WeakSet<Page>();

    const wallet: FirefoxWallet = {
      browser,
      version,
      extensionUrl,
      async openExtensionPage(file, viewport = POPUP_VIEWPORT) {
        const page = await browser.newPage();
        claimed.add(page);
        await page.setViewport(viewport);
        const url = extensionUrl(file);
        await page.goto(url, { timeout: 1_000 }).catch(() => {});
        await page.waitForFunction((u: string) => location.href === u && document.readyState === 'complete', { timeout: 30_000 }, url);
        return page;
      },
      async openPage(url) {
        const page = await browser.newPage();
        claimed.add(page);
        await page.goto(url);
        return page;
      },
      async approvalWindow(action) {
        const before = new Set(await browser.pages());
        await action();
        const page = await waitFor('an approval window', async () => {
          for (const p of await browser.pages()) {
            if (before.has(p) || claimed.has(p)) continue;
            if ((await hrefOf(p))?.includes('/approval.html')) return p;
          }
          return undefined;
        });
        claimed.add(page);
        await page.setViewport(APPROVAL_VIEWPORT);
        await shown(page, byTestId('approval-card'), { enabled: false });
        return page;
      },
      countWindows() {
        let n = 0;
        const onCreated = () => n++;
        browser.on('targetcreated', onCreated);
        return () => n;
      },
      background: {
        state: () =>
          chrome.evaluate(async (id: string) => {
            // @ts-expect-error ChromeUtils exists only in a system-principal page
            const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
            return String(ExtensionParent.GlobalManager.getExtension(id).backgroundState);
          }, ADDON_ID),
        async terminate() {
          await chrome.evaluate(async (id: string) => {
            // @ts-expect-error ChromeUtils exists only in a system-principal page
            const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
            const extension = ExtensionParent.GlobalManager.getExtension(id);
            // Without the flag a pending runtime.onMessage listener only resets the idle timer.
            await extension.terminateBackground({ disableResetIdleForTest: true });
            if (extension.backgroundState !== 'stopped') throw new Error(`the event page is ${extension.backgroundState}, not stopped`);
          }, ADDON_ID);
        },
        async setIdleTimeout(ms) {
          await chrome.evaluate((value: number) => {
            // @ts-expect-error Services exists only in a system-principal page
            Services.prefs.setIntPref('extensions.background.idle.timeout', value);
          }, ms);
        },
      },
      close: () => browser.close(),
    };
    return wallet;
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** window.ethereum.request from the page: { result } or { error: { code, message } }, never a throw. */
export function request<T = unknown>(page: Page, method: string, params?: unknown): Promise<PageAnswer<T>> {
  return page.evaluate(
    async (m: string, p: unknown) => {
      try {
        const eth = (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum;
        return { result: await eth.request(p === undefined ? { method: m } : { method: m, params: p }) };
      } catch (e) {
        const err = e as { code?: number; message?: string };
        return { error: { code: err.code, message: err.message } };
      }
    },
    method,
    params,
  ) as Promise<PageAnswer<T>>;
}

/**
 * Waits until `selector` is shown (and enabled, unless told otherwise). Puppeteer's `visible` waits
 * and its Locator poll on animation frames, which Firefox does not run in a tab behind another one
 * (the dApp, while an approval window is up): this polls on DOM mutations instead.
 */
export async function shown(page: Page, selector: string, { enabled = true, timeoutMs = 30_000 } = {}): Promise<ElementHandle<Element>> {
  const handle = await page.waitForFunction(
    (sel: string, mustBeEnabled: boolean) => {
      const el = document.querySelector(sel);
      if (!el || el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') return null;
      return mustBeEnabled && (el as HTMLButtonElement).disabled ? null : el;
    },
    { polling: 'mutation', timeout: timeoutMs },
    selector,
    enabled,
  );
  return handle as ElementHandle<Element>;
}

/**
 * Clicks like a person: the tab or window comes to the front first. A real click into a tab behind
 * another one waits in Firefox for a frame that never comes (up to the length of whatever the click
 * starts).
 */
export async function click(page: Page, selector: string): Promise<void> {
  const element = await shown(page, selector);
  await page.bringToFront();
  await element.click();
}

export async function fill(page: Page, selector: string, text: string): Promise<void> {
  const input = await shown(page, selector);
  await input.click({ count: 3 }); // selects what is there, so typing replaces it
  await input.type(text);
}

export async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim());
}

/** Waits until `selector` exists and its `attribute` (or text when none is named) matches. */
export async function waitForMatch(page: Page, selector: string, pattern: RegExp, { attribute, timeoutMs = 30_000 }: { attribute?: string; timeoutMs?: number } = {}): Promise<string> {
  return waitFor(
    `${selector}${attribute ? `[${attribute}]` : ''} to match ${pattern}`,
    async () => {
      const value = await page.$eval(selector, (el, a) => (a ? el.getAttribute(a) : (el as HTMLElement).innerText) ?? '', attribute ?? null);
      return pattern.test(value) ? value : undefined;
    },
    timeoutMs,
  );
}

/**
 * Clicks Approve or Reject once the window takes a click (800 ms on screen), then waits until the
 * window has closed itself: Firefox sends no close event, so "the page no longer answers" is it.
 */
export async function decide(page: Page, choice: 'approve' | 'reject'): Promise<void> {
  await click(page, byTestId(`approval-${choice}`));
  await waitFor('the approval window to close', async () => ((await hrefOf(page)) === undefined ? true : undefined));
}

/** Imports `secret` in the popup's onboarding and waits for the account card. */
export async function importOwner(popup: Page, secret: string, password = PASSWORD): Promise<void> {
  await click(popup, byTestId('import-wallet'));
  await fill(popup, byTestId('import-secret'), secret);
  await click(popup, byTestId('import-next'));
  await fill(popup, byTestId('password'), password);
  await fill(popup, byTestId('password-confirm'), password);
  await click(popup, byTestId('create-vault'));
  await shown(popup, byTestId('account-card'), { enabled: false, timeoutMs: 60_000 });
}

/**
 * Saves a screenshot as test-results/screenshots/firefox-<name>.png. The wallet's own pages must fit
 * their window: no sideways scrolling.
 */
export async function shoot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  if ((await hrefOf(page))?.startsWith('moz-extension://')) {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(scrollWidth, `${name}: content is wider than the window`).toBeLessThanOrEqual(innerWidth);
  }
  const file = path.join(SCREENSHOT_DIR, `firefox-${name}.png`);
  await page.screenshot({ path: file as `${string}.png`, fullPage: true });
  return file;
}
