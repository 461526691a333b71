// The real extension in Chromium for benchmarks: build it (and the demo dApp) into .output/bench,
// launch it headless with scripts/lib/chromium.ts, onboard an owner through the popup, approve
// what a page asks in the approval window, and stop / watch the service worker through CDP.
// Same steps as test/e2e/helpers.ts, without @playwright/test's expect (no test runner here).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from '@playwright/test';
import { buildDapp } from '../scripts/dapp';
import type { PageAnswer } from '../scripts/lib/page';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BENCH_OUT_DIR = path.join(ROOT, '.output', 'bench');
export const PASSWORD = 'Correct-Horse-9';
const UI_TIMEOUT_MS = 30_000;

/** Runs a command from the repository root; its output is shown only when it fails. */
function run(cmd: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
    child.stderr.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${out}`))));
  });
}

/** `WALLET_OUT_DIR=.output/bench WXT_DEVNET_RPC_URL=<rpcUrl> npx wxt build`; returns the Chromium build's folder. */
export async function buildExtension(rpcUrl: string): Promise<string> {
  await run(path.join(ROOT, 'node_modules', '.bin', 'wxt'), ['build'], { WALLET_OUT_DIR: BENCH_OUT_DIR, WXT_DEVNET_RPC_URL: rpcUrl });
  return path.join(BENCH_OUT_DIR, 'chrome-mv3');
}

/**
 * The demo dApp built as scripts/dapp.ts buildDapp() builds it, but into .output/bench/dapp, so a
 * benchmark never rewrites the .output/dapp that an e2e run may be serving at the same time.
 */
/** The dApp built into .output/bench/dapp, so the bench never rewrites the .output/dapp an e2e run may be serving. */
export function buildBenchDapp(): Promise<string> {
  return buildDapp(path.join(BENCH_OUT_DIR, 'dapp'));
}

/** Imports `secret` as the owner through the popup's onboarding, then closes the popup (it polls the worker). */
export async function importOwner(context: BrowserContext, extensionId: string, secret: string): Promise<void> {
  const popup = await context.newPage();
  try {
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await popup.getByTestId('import-wallet').click({ timeout: UI_TIMEOUT_MS });
    await popup.getByTestId('import-secret').fill(secret);
    await popup.getByTestId('import-next').click();
    await popup.getByTestId('password').fill(PASSWORD);
    await popup.getByTestId('password-confirm').fill(PASSWORD);
    await popup.getByTestId('create-vault').click();
    await popup.getByTestId('account-card').waitFor({ timeout: UI_TIMEOUT_MS });
  } finally {
    await popup.close();
  }
}

export { providerRequest, type PageAnswer } from '../scripts/lib/page';

export function resultOf<T>(answer: PageAnswer<T>, what: string): T {
  if (answer.error) throw new Error(`${what}: ${answer.error.code} ${answer.error.message}`);
  return answer.result as T;
}

/** Fires `request` (a page request that opens an approval window), approves it, and returns its answer. */
export async function approve<T>(context: BrowserContext, request: () => Promise<T>): Promise<T> {
  const opened = context.waitForEvent('page', { predicate: (p) => p.url().includes('/approval.html'), timeout: UI_TIMEOUT_MS });
  const answer = request();
  const win = await opened;
  await win.waitForLoadState();
  await win.getByTestId('approval-card').waitFor({ timeout: UI_TIMEOUT_MS });
  const closed = win.waitForEvent('close', { timeout: UI_TIMEOUT_MS });
  // The window closes itself once nothing else waits, possibly while the click is still settling.
  await win
    .getByTestId('approval-approve')
    .click()
    .catch((error: Error) => {
      if (!win.isClosed()) throw error;
    });
  await closed;
  return answer;
}

/**
 * The extension's service worker through the DevTools protocol of an extension page (as
 * test/e2e/helpers.ts watchServiceWorker). The page shows the extension's manifest.json: unlike
 * the popup, it never talks to the worker, so it does not wake it up.
 */
export async function watchServiceWorker(context: BrowserContext, extensionId: string) {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/manifest.json`);
  const cdp = await context.newCDPSession(page);
  let status = 'unknown';
  let starts = 0;
  const waiters: { want: string; resolve: () => void }[] = [];
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    const ours = (versions as { runningStatus: string; scriptURL: string }[]).find((v) => v.scriptURL.startsWith(`chrome-extension://${extensionId}/`));
    if (!ours) return;
    if (ours.runningStatus === 'running' && status !== 'running') starts++;
    status = ours.runningStatus;
    for (const w of waiters.filter((w) => w.want === status)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  await cdp.send('ServiceWorker.enable');
  const reach = (want: string, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      if (status === want) return resolve();
      const timer = setTimeout(() => reject(new Error(`the service worker did not reach "${want}" within ${timeoutMs} ms (it is ${status})`)), timeoutMs);
      waiters.push({ want, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return {
    status: () => status,
    /** How many times the worker was seen starting. */
    starts: () => starts,
    /** Stops the worker the way Chrome does after 30 s idle, and waits until it reports stopped. */
    async stop(): Promise<void> {
      const stopped = reach('stopped');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await stopped;
    },
    /** Waits until the worker reports stopped (after a stop(), of this or another watcher: it stops them all). */
    stopped: (timeoutMs?: number) => reach('stopped', timeoutMs),
    async close(): Promise<void> {
      await cdp.detach().catch(() => undefined);
      await page.close().catch(() => undefined);
    },
  };
}

/**
 * In the page: wallet_sendCalls with `params`, then wallet_getCallsStatus every `pollMs` until 200,
 * as a dApp waits for its calls. Times from the page's own clock: when the id came back and when
 * the status said confirmed. Any other final status, or 60 s, throws.
 */
export function sendAndConfirmInPage(page: Page, params: unknown, pollMs: number): Promise<{ total: number; answered: number }> {
  return page.evaluate(
    async ({ params, pollMs }) => {
      const eth = (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum;
      const t0 = performance.now();
      const { id } = (await eth.request({ method: 'wallet_sendCalls', params: [params] })) as { id: string };
      const answered = performance.now() - t0;
      for (;;) {
        const { status } = (await eth.request({ method: 'wallet_getCallsStatus', params: [id] })) as { status: number };
        if (status === 200) return { total: performance.now() - t0, answered };
        if (status !== 100) throw new Error(`bundle ${id} ended with status ${status}`);
        if (performance.now() - t0 > 60_000) throw new Error(`bundle ${id} not confirmed within 60 s`);
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    { params, pollMs },
  );
}
