// Queued approvals under attack: a click meant for one request must not approve the next one that
// slides in under the cursor, and a flood of requests must neither corrupt the queue nor leave a
// dApp's promise hanging.
import type { Page } from '@playwright/test';
import { toHex, type Hex } from 'viem';
import { expect, test } from './fixtures';
import { approvalWindow, countApprovalWindows, decide, importOwner } from './helpers';

type Outcome = { result?: unknown; code?: number };
type Answers = Record<string, Outcome>;

/** Sends personal_sign requests from the page without waiting; their outcomes land in window.__answers. */
function sendSigns(page: Page, owner: Hex, messages: Record<string, Hex>): Promise<void> {
  return page.evaluate(
    ([from, msgs]) => {
      const w = window as unknown as { __answers?: Answers; ethereum: { request(a: unknown): Promise<unknown> } };
      const answers = (w.__answers ??= {});
      for (const [name, message] of Object.entries(msgs)) {
        w.ethereum.request({ method: 'personal_sign', params: [message, from] }).then(
          (result) => (answers[name] = { result }),
          (e: { code?: number }) => (answers[name] = { code: e.code }),
        );
      }
    },
    [owner, messages] as const,
  );
}

/** The messages still waiting in the approval queue of `origin`, read through the wallet API as the window does. */
const pendingMessages = (win: Page, origin: string) =>
  win.evaluate(async (o) => {
    const rt = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<{ ok: boolean; value: { request: { message?: string } }[] }> } } }).chrome.runtime;
    const answer = await rt.sendMessage({ type: 'wallet-api', method: 'approval.list', params: { origin: o } });
    return answer.value.map((p) => p.request.message);
  }, origin);

const answers = (page: Page) => page.evaluate(() => (window as unknown as { __answers?: Answers }).__answers ?? {});

async function connect(context: Parameters<typeof approvalWindow>[0], dapp: Page): Promise<void> {
  await decide(await approvalWindow(context, () => dapp.click('#connect')), 'approve');
  await expect(dapp.locator('#account')).toContainText('0x');
}

test.describe('approval queue', () => {
  test('behavior: a second click 250 ms after approving lands on the next queued request and does not approve it; a fresh click after the pause does', async ({
    context,
    fresh,
    shoot,
  }) => {
    const { key, owner, popup, dapp } = fresh;
    const site = new URL(dapp.url()).origin;
    await importOwner(popup, key);
    await connect(context, dapp);

    // Three requests laid out the same, queued in one window.
    const win = await approvalWindow(context, () => sendSigns(dapp, owner.address, { first: toHex('Move 1 ETH? (first)') }));
    await sendSigns(dapp, owner.address, { second: toHex('Move 1 ETH? (second)') });
    await expect(win.getByTestId('approval-queue')).toHaveText(/1 of 2/);
    await sendSigns(dapp, owner.address, { third: toHex('Move 1 ETH? (third)') });
    await expect(win.getByTestId('approval-queue')).toHaveText(/1 of 3/);
    await expect(win.getByTestId('approval-message')).toHaveText('Move 1 ETH? (first)');
    const approve = win.getByTestId('approval-approve');
    await expect(approve).toBeEnabled();
    await shoot(win, 'approval-queue-first-of-three');

    // The attack: approve the first, then click the same spot again 250 ms later.
    const box = (await approve.boundingBox())!;
    const spot = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await win.mouse.click(spot.x, spot.y);
    await win.waitForTimeout(250);
    await win.mouse.click(spot.x, spot.y);

    await expect.poll(async () => (await answers(dapp)).first?.result).toMatch(/^0x[0-9a-f]{130}$/);
    // The background has handled every click of this window once it answers the window's next call.
    expect(await pendingMessages(win, site).catch(() => 'the window is gone'), 'the stray second click approved the unread second request').toEqual([
      toHex('Move 1 ETH? (second)'),
      toHex('Move 1 ETH? (third)'),
    ]);
    expect((await answers(dapp)).second).toBeUndefined();
    // The second request is on screen, announced as the next one; its buttons unlock after the pause.
    await expect(win.getByTestId('approval-message')).toHaveText('Move 1 ETH? (second)');
    await expect(win.getByTestId('approval-queue')).toHaveText(/2 of 3/);
    await expect(win.getByTestId('approval-next')).toHaveText(`Next request from ${site} (2 of 3). Read it before you answer.`);
    await shoot(win, 'approval-queue-next-request');
    await expect(approve).toBeEnabled();
    await shoot(win, 'approval-queue-second-ready');

    // A fresh click after the pause approves it.
    const box2 = (await approve.boundingBox())!;
    const spot2 = { x: box2.x + box2.width / 2, y: box2.y + box2.height / 2 };
    await win.mouse.click(spot2.x, spot2.y);
    await expect.poll(async () => (await answers(dapp)).second?.result).toMatch(/^0x[0-9a-f]{130}$/);

    // A press held over from it does not count: the button goes down at once, while the third request
    // comes in and waits out its pause, and comes up once Approve is live again.
    await win.mouse.down();
    await expect(win.getByTestId('approval-message')).toHaveText('Move 1 ETH? (third)');
    await expect(approve).toBeEnabled();
    await win.mouse.up();
    expect(await pendingMessages(win, site), 'a held press approved the third request').toEqual([toHex('Move 1 ETH? (third)')]);
    expect((await answers(dapp)).third).toBeUndefined();

    // Enter pressed now, on purpose, on the focused button approves it.
    await approve.focus();
    const closed = win.waitForEvent('close');
    // The window closes itself once nothing waits, possibly before the key press has settled.
    await win.keyboard.press('Enter').catch((e: Error) => {
      if (!win.isClosed()) throw e;
    });
    await closed;
    await expect.poll(async () => (await answers(dapp)).third?.result).toMatch(/^0x[0-9a-f]{130}$/);
  });

  test('behavior: 60 concurrent requests open one window, queue at most the cap, answer the rest with -32005 at once, and every one settles when the window closes', async ({
    context,
    fresh,
    dappUrl2,
  }) => {
    const { key, owner, popup, dapp } = fresh;
    await importOwner(popup, key);
    await connect(context, dapp);

    const windows = countApprovalWindows(dapp);
    const messages = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`m${i}`, toHex(`flood ${i}`)]));
    const win = await approvalWindow(context, () => sendSigns(dapp, owner.address, messages));

    // The excess (over the cap of 20) is answered at once, without the owner.
    await expect.poll(async () => Object.values(await answers(dapp)).filter((a) => a.code === -32005).length).toBe(40);
    await expect(win.getByTestId('approval-queue')).toHaveText(/1 of 20/);

    // A second origin's single request during the flood gets its own window and is approved there.
    const other = await context.newPage();
    await other.goto(dappUrl2);
    const otherWin = await approvalWindow(context, () => other.click('#connect'));
    await expect(otherWin.getByTestId('approval-origin')).toHaveText(new URL(dappUrl2).origin);
    await expect(otherWin.getByTestId('approval-card')).toHaveAttribute('data-kind', 'connect');
    await expect(otherWin.getByTestId('approval-queue')).toHaveCount(0);
    await decide(otherWin, 'approve');
    await expect(other.locator('#account')).toContainText(owner.address);

    // The flood's window is still the only one for the first origin, holding the same 20.
    expect(windows()).toBe(2);
    await expect(win.getByTestId('approval-queue')).toHaveText(/1 of 20/);

    // Closing it answers every queued request with 4001: all 60 settled, none hanging.
    await win.close();
    await expect.poll(async () => Object.keys(await answers(dapp)).length).toBe(60);
    const all = Object.values(await answers(dapp));
    expect(all.filter((a) => a.code === 4001)).toHaveLength(20);
    expect(all.filter((a) => a.code === -32005)).toHaveLength(40);
  });

  test('behavior: Reject all answers every queued request of the site with 4001 and closes the window', async ({ context, fresh, shoot }) => {
    const { key, owner, popup, dapp } = fresh;
    await importOwner(popup, key);
    await connect(context, dapp);

    const win = await approvalWindow(context, () => sendSigns(dapp, owner.address, { a: toHex('one') }));
    await sendSigns(dapp, owner.address, { b: toHex('two'), c: toHex('three') });
    await expect(win.getByTestId('approval-queue')).toHaveText(/1 of 3/);
    await shoot(win, 'approval-queue-reject-all');
    const closed = win.waitForEvent('close');
    await win
      .getByTestId('approval-reject-all')
      .click()
      .catch((e: Error) => {
        if (!win.isClosed()) throw e;
      });
    await closed;
    await expect.poll(async () => Object.values(await answers(dapp)).map((a) => a.code)).toEqual([4001, 4001, 4001]);
  });
});
