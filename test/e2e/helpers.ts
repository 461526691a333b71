// Steps the e2e tests share: onboarding, unlocking, reading chain state, stopping the worker.
import type { BrowserContext, Page } from '@playwright/test';
import { createPublicClient, http, type Address, type Hex } from 'viem';
import { expect } from './fixtures';

export const PASSWORD = 'Correct-Horse-9';

export async function importOwner(popup: Page, secret: string, password = PASSWORD): Promise<void> {
  await popup.getByTestId('import-wallet').click();
  await popup.getByTestId('import-secret').fill(secret);
  await popup.getByTestId('import-next').click();
  await popup.getByTestId('password').fill(password);
  await popup.getByTestId('password-confirm').fill(password);
  await popup.getByTestId('create-vault').click();
  await expect(popup.getByTestId('account-card')).toBeVisible();
}

export async function unlock(popup: Page, password = PASSWORD): Promise<void> {
  await popup.getByTestId('unlock-password').fill(password);
  await popup.getByTestId('unlock-submit').click();
  await expect(popup.getByTestId('account-card')).toBeVisible();
}

export function publicClient(rpcUrl: string) {
  return createPublicClient({ transport: http(rpcUrl) });
}

export async function codeAt(rpcUrl: string, address: Address): Promise<Hex | undefined> {
  return publicClient(rpcUrl).getCode({ address });
}

/**
 * Watches the extension's service worker through the DevTools protocol of a page in the
 * extension's own storage partition. `stop()` stops it the way Chrome does after 30 s idle and waits
 * until it reports stopped; `started()` resolves when a new instance is running again.
 */
export async function watchServiceWorker(context: BrowserContext, extensionPage: Page) {
  const cdp = await context.newCDPSession(extensionPage);
  let status = 'unknown';
  const waiters: { want: string; resolve: () => void }[] = [];
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    const ours = (versions as { runningStatus: string; scriptURL: string }[]).find((v) => v.scriptURL.endsWith('/background.js'));
    if (!ours) return;
    status = ours.runningStatus;
    for (const w of waiters.filter((w) => w.want === status)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  await cdp.send('ServiceWorker.enable');
  const reach = (want: string) => new Promise<void>((resolve) => (status === want ? resolve() : waiters.push({ want, resolve })));
  return {
    status: () => status,
    async stop() {
      const stopped = reach('stopped');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await stopped;
    },
    /** Resolves on the next transition to running (call before the action that wakes it). */
    nextStart() {
      return new Promise<void>((resolve) => waiters.push({ want: 'running', resolve }));
    },
  };
}

/** Counts approval windows opened from now on. */
export function countApprovalWindows(page: Page): () => number {
  let n = 0;
  page.context().on('page', (p) => {
    if (p.url().includes('/approval.html')) n++;
  });
  return () => n;
}

/** Runs `action` and returns the approval window it opens, sized like the real one. */
export async function approvalWindow(context: BrowserContext, action: () => Promise<unknown>): Promise<Page> {
  const [page] = await Promise.all([context.waitForEvent('page', (p) => p.url().includes('/approval.html')), action()]);
  await page.waitForLoadState();
  await page.setViewportSize({ width: 400, height: 660 }); // the window's size (approvals/service.ts)
  await expect(page.getByTestId('approval-card')).toBeVisible();
  return page;
}

/**
 * Clicks Approve or Reject. The window closes itself once nothing else waits, possibly while the
 * click is still settling; that close is the expected outcome and is awaited.
 */
export async function decide(page: Page, choice: 'approve' | 'reject', { closes = true } = {}): Promise<void> {
  const closed = closes ? page.waitForEvent('close') : Promise.resolve();
  // Typed data unlocks Approve once read to its end (a scroll box marked data-scroll-gate): read it.
  if (choice === 'approve') await page.locator('[data-scroll-gate]').evaluateAll((boxes) => boxes.forEach((b) => b.scrollTo(0, b.scrollHeight)));
  await page
    .getByTestId(`approval-${choice}`)
    .click()
    .catch((error: Error) => {
      if (!page.isClosed()) throw error;
    });
  await closed;
}

/** An owner imported into the popup, with 100 test ETH, and the dApp page connected to it. */
export async function connectedOwner(context: BrowserContext, popup: Page, dapp: Page, key: Hex): Promise<void> {
  await importOwner(popup, key);
  await popup.getByTestId('fund-devnet').click();
  await expect(popup.getByTestId('account-balance')).toHaveText(/^100 ETH/);
  await decide(await approvalWindow(context, () => dapp.click('#connect')), 'approve');
}

/** Grants `origin` a 15-minute session for DemoGame.move from the popup's Sessions tab. */
export async function grantMoveFromPopup(popup: Page, origin: string, opts: { callLimit?: number } = {}): Promise<void> {
  await popup.getByTestId('tab-sessions').click();
  await popup.getByTestId('grant-open').click();
  await popup.getByTestId('grant-origin').fill(origin);
  await popup.getByRole('button', { name: '15 min' }).click();
  await popup.getByTestId('grant-fn-move').check();
  await popup.getByTestId('grant-fn-buyItem').uncheck();
  if (opts.callLimit !== undefined) await popup.getByTestId('grant-calls').fill(String(opts.callLimit));
}

/**
 * An owner with test ETH, a dApp page connected to it, and a session granted through the dApp's
 * ERC-7715 request. Returns the session's permissions context.
 */
export async function ownerWithSession(context: BrowserContext, popup: Page, dapp: Page, key: Hex): Promise<Hex> {
  await connectedOwner(context, popup, dapp, key);
  await decide(await approvalWindow(context, () => dapp.click('#grant')), 'approve');
  await expect(dapp.locator('#session-result')).toHaveAttribute('data-tone', 'ok', { timeout: 30_000 });
  return (await dapp.locator('#session-context').textContent())!.trim() as Hex;
}

const SCORE_ABI = [{ type: 'function', name: 'score', stateMutability: 'view', inputs: [{ type: 'address' }], outputs: [{ type: 'uint256' }] }] as const;

export async function gameScore(rpcUrl: string, game: Address, player: Address): Promise<bigint> {
  return publicClient(rpcUrl).readContract({ address: game, abi: SCORE_ABI, functionName: 'score', args: [player] });
}
