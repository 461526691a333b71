// The popup's rough edges (issue 13): a node that never answers, a forgotten password, undoing the
// upgrade under live sessions, upgrading with no ETH.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { toHex } from 'viem';
import { english, generateMnemonic, generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { expect, test } from './fixtures';
import { approvalWindow, codeAt, decide, grantMoveFromPopup, importOwner, ownerWithSession, PASSWORD, unlock } from './helpers';

/** One wallet API call from an extension page (the popup), as the popup's own code makes it. */
async function walletApi(page: Page, method: string, params?: unknown): Promise<unknown> {
  return page.evaluate(
    async ([m, p]) => {
      const chrome = (globalThis as unknown as { chrome: { runtime: { sendMessage(x: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }> } } }).chrome;
      const r = await chrome.runtime.sendMessage({ type: 'wallet-api', method: m, params: p });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value;
    },
    [method, params] as const,
  );
}

test.describe('popup rough edges', () => {
  test('behavior: a node that never answers shows the address, "Cannot reach the network" and a Retry that recovers', async ({ openPopup, rpcUrl, shoot }) => {
    // Accepts connections and never answers: the case that left "Reading the account…" forever.
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const key = generatePrivateKey();
      const popup = await openPopup();
      await importOwner(popup, key);
      const { current } = (await walletApi(popup, 'network.list')) as { current: number };
      await walletApi(popup, 'network.setRpc', { chainId: current, rpcUrl: silentUrl });
      await popup.reload();
      await expect(popup.getByTestId('account-unreachable-message')).toHaveText('Cannot reach the network (Local devnet).', { timeout: 20_000 });
      await expect(popup.getByTestId('account-address')).toHaveText(privateKeyToAccount(key).address);
      await expect(popup.getByTestId('account-retry')).toBeEnabled();
      await shoot(popup, 'rough-01-unreachable');

      await walletApi(popup, 'network.setRpc', { chainId: current, rpcUrl });
      await popup.getByTestId('account-retry').click();
      await expect(popup.getByTestId('account-card')).toBeVisible();
      await expect(popup.getByTestId('account-unreachable')).toHaveCount(0);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  test('behavior: forgotten password: the recovery phrase of this account sets a new one; another account\'s is refused', async ({ openPopup, shoot }) => {
    const phrase = generateMnemonic(english);
    const address = mnemonicToAccount(phrase).address;
    const popup = await openPopup();
    await importOwner(popup, phrase);
    await popup.getByTestId('lock').click();
    await popup.getByTestId('forgot-password').click();
    await expect(popup.getByTestId('restore')).toContainText('Connected sites, networks and settings are kept.');

    await popup.getByTestId('restore-secret').fill(generateMnemonic(english));
    await popup.getByTestId('restore-password').fill('New-Password-77');
    await popup.getByTestId('restore-password-confirm').fill('New-Password-77');
    await popup.getByTestId('restore-submit').click();
    await expect(popup.getByTestId('restore-error')).toContainText("not this wallet's");
    await shoot(popup, 'rough-02-restore-wrong-account');

    await popup.getByTestId('restore-secret').fill(phrase);
    await popup.getByTestId('restore-submit').click();
    await expect(popup.getByTestId('restore-done')).toBeVisible({ timeout: 20_000 });
    await popup.getByTestId('restore-continue').click();
    await expect(popup.getByTestId('account-address')).toHaveText(address);

    await popup.getByTestId('lock').click();
    await popup.getByTestId('unlock-password').fill(PASSWORD);
    await popup.getByTestId('unlock-submit').click();
    await expect(popup.getByTestId('unlock-error')).toHaveText('Wrong password.');
    await unlock(popup, 'New-Password-77');
    await expect(popup.getByTestId('account-address')).toHaveText(address);
  });

  test('behavior: "Undo upgrade" under a live session warns with the count, then revokes it: never listed as active afterwards', async ({ context, fresh, rpcUrl, shoot }) => {
    const { key, owner, popup, dapp } = fresh;
    await ownerWithSession(context, popup, dapp, key);
    await popup.getByTestId('tab-account').click();
    await popup.getByTestId('undelegate').click();
    await expect(popup.getByTestId('undo-warning')).toContainText('1 active session will stop working');
    await expect(popup.getByTestId('undo-warning')).toContainText('127.0.0.1');
    await shoot(popup, 'rough-03-undo-warning');

    // Cancel leaves everything as it was.
    await popup.getByTestId('undo-cancel').click();
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'framework');

    await popup.getByTestId('undelegate').click();
    await popup.getByTestId('undo-confirm').click();
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'none', { timeout: 30_000 });
    expect(await codeAt(rpcUrl, owner.address)).toBeUndefined();
    await popup.getByTestId('tab-sessions').click();
    await expect(popup.getByTestId('session-item')).toHaveCount(1);
    await expect(popup.getByTestId('session-item')).toHaveAttribute('data-status', 'revoked');
  });

  test('error: upgrading with 0 ETH gives a hint to get funds, not the node\'s error', async ({ openPopup, shoot }) => {
    const popup = await openPopup();
    await importOwner(popup, generatePrivateKey());
    await popup.getByTestId('upgrade').click();
    await expect(popup.getByTestId('needs-funds')).toContainText('Your account needs a little ETH first.');
    await expect(popup.getByTestId('account-error')).toHaveCount(0);
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'none');
    await shoot(popup, 'rough-04-needs-funds');
  });

  test('behavior: connect and sign windows name the account and network; Escape rejects with 4001; "Reject all" answers the queue in order', async ({ context, fresh, shoot }) => {
    const { key, owner, popup, dapp } = fresh;
    await importOwner(popup, key);
    const short = `${owner.address.slice(0, 6)}…${owner.address.slice(-4)}`;

    const connect = await approvalWindow(context, () => dapp.click('#connect'));
    await expect(connect.getByTestId('approval-account')).toHaveText(`Account ${short} on Local devnet`);
    await shoot(connect, 'rough-05-connect-account');
    await decide(connect, 'approve');
    await expect(dapp.locator('#account')).toContainText('0x');

    // Sends personal_sign without waiting; the outcome (result or error code) lands in window.__signs.
    const sign = (name: string) =>
      dapp.evaluate(
        ([n, from, message]) => {
          const w = window as unknown as { __signs?: Record<string, unknown>; ethereum: { request(a: unknown): Promise<unknown> } };
          const out = (w.__signs ??= {});
          w.ethereum.request({ method: 'personal_sign', params: [message, from] }).then(
            () => (out[n] = 'signed'),
            (e: { code?: number }) => (out[n] = e.code),
          );
        },
        [name, owner.address, toHex(`Sign in (${name})`)] as const,
      );
    const signs = () => dapp.evaluate(() => (window as unknown as { __signs?: Record<string, unknown> }).__signs ?? {});

    const win = await approvalWindow(context, () => sign('escape'));
    await expect(win.getByTestId('approval-account')).toHaveText(`Account ${short} on Local devnet`);
    await expect(win.getByTestId('approval-reject')).toBeEnabled();
    await shoot(win, 'rough-06-sign-account');
    const closed = win.waitForEvent('close');
    // The window closes itself on the answer, possibly before the key is released.
    await win.keyboard.press('Escape').catch((error: Error) => {
      if (!win.isClosed()) throw error;
    });
    await closed;
    await expect.poll(signs).toEqual({ escape: 4001 });

    const queue = await approvalWindow(context, () => sign('first'));
    await sign('second');
    await sign('third');
    await expect(queue.getByTestId('approval-queue')).toHaveText('1 of 3');
    // Arrival order: the first request is the one on screen.
    await expect(queue.getByTestId('approval-card')).toContainText('Sign in (first)');
    await expect(queue.getByTestId('approval-reject-all')).toHaveText('Reject all 3 requests from this site');
    await shoot(queue, 'rough-07-reject-all');
    const queueClosed = queue.waitForEvent('close');
    // The window closes itself once answered, possibly while the click is still settling.
    await queue
      .getByTestId('approval-reject-all')
      .click()
      .catch((error: Error) => {
        if (!queue.isClosed()) throw error;
      });
    await queueClosed;
    await expect.poll(signs).toEqual({ escape: 4001, first: 4001, second: 4001, third: 4001 });
  });

  test('behavior: Settings lists connected sites with Disconnect, shows the recovery phrase blurred behind the password, and changes the password', async ({ context, fresh, shoot }) => {
    const { popup, dapp } = fresh;
    const phrase = generateMnemonic(english);
    await importOwner(popup, phrase);
    await decide(await approvalWindow(context, () => dapp.click('#connect')), 'approve');
    await expect(dapp.locator('#account')).toContainText('0x');
    const site = new URL(dapp.url()).host;

    await popup.getByTestId('tab-settings').click();
    await expect(popup.getByTestId('connected-site')).toHaveText(new RegExp(site));

    // The phrase: wrong password refused, then shown blurred until revealed.
    await popup.getByTestId('reveal-start').click();
    await popup.getByTestId('reveal-password').fill('Wrong-Password-1');
    await popup.getByTestId('reveal-submit').click();
    await expect(popup.getByTestId('reveal-error')).toHaveText('Wrong password.');
    await popup.getByTestId('reveal-password').fill(PASSWORD);
    await popup.getByTestId('reveal-submit').click();
    await expect(popup.getByTestId('secret-box')).toHaveAttribute('data-revealed', 'false');
    await expect(popup.getByTestId('secret-box')).toHaveClass(/blurred/);
    await popup.getByTestId('secret-box').scrollIntoViewIfNeeded();
    await shoot(popup, 'rough-08-settings-phrase-blurred');
    await popup.getByTestId('reveal-show').click();
    await expect(popup.getByTestId('secret-box')).not.toHaveClass(/blurred/);
    await expect(popup.getByTestId('secret-text')).toHaveText(phrase);
    await popup.getByTestId('reveal-hide').click();
    await expect(popup.getByTestId('secret-text')).toHaveCount(0);

    // Change the password: the old one stops working, the new one unlocks.
    await popup.getByTestId('change-start').click();
    await popup.getByTestId('change-current').fill(PASSWORD);
    await popup.getByTestId('change-password').fill('Brand-New-Pass-5');
    await popup.getByTestId('change-confirmation').fill('Brand-New-Pass-5');
    await popup.getByTestId('change-submit').click();
    await expect(popup.getByTestId('change-done')).toBeVisible();

    // Disconnect, by its accessible name: the site hears accountsChanged([]) and is gone from the list.
    await popup.getByRole('button', { name: `Disconnect ${site}` }).click();
    await expect(popup.getByTestId('connected-site')).toHaveCount(0);
    await expect.poll(() => dapp.evaluate(() => (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum.request({ method: 'eth_accounts' }))).toEqual([]);

    await popup.getByTestId('lock').click();
    await popup.getByTestId('unlock-password').fill(PASSWORD);
    await popup.getByTestId('unlock-submit').click();
    await expect(popup.getByTestId('unlock-error')).toHaveText('Wrong password.');
    await popup.getByTestId('unlock-password').fill('Brand-New-Pass-5');
    await popup.getByTestId('unlock-submit').click();
    await expect(popup.getByTestId('lock')).toBeVisible();
  });

  test('behavior: sessions: "Revoke all" asks first with the count, Revoke buttons name the site, ended sessions fold under "Ended" and clear', async ({ context, fresh, dappUrl, shoot }) => {
    test.setTimeout(120_000);
    const { key, popup, dapp } = fresh;
    await ownerWithSession(context, popup, dapp, key);
    const site = new URL(dappUrl).host;
    await grantMoveFromPopup(popup, new URL(dappUrl).origin);
    await popup.getByTestId('grant-submit').click();
    await expect(popup.locator('[data-testid="session-item"][data-status="active"]')).toHaveCount(2, { timeout: 30_000 });
    await expect(popup.getByRole('button', { name: `Revoke session for ${site}` })).toHaveCount(2);

    await popup.getByTestId('revoke-all').click();
    await expect(popup.getByTestId('revoke-all-confirm')).toContainText(`Revoke all 2 sessions (${site})?`);
    await shoot(popup, 'rough-09-revoke-all-confirm');
    await popup.getByTestId('revoke-all-cancel').click();
    await expect(popup.locator('[data-testid="session-item"][data-status="active"]')).toHaveCount(2);

    await popup.getByTestId('revoke-all').click();
    await popup.getByTestId('revoke-all-yes').click();
    await expect(popup.getByTestId('sessions-ended').locator('summary')).toHaveText('Ended (2)', { timeout: 30_000 });
    await expect(popup.locator('[data-testid="session-item"][data-status="active"]')).toHaveCount(0);
    await popup.getByTestId('sessions-ended').locator('summary').click();
    // Settled (revoked on chain, gas money returned) before they may be cleared.
    await expect(popup.getByTestId('sessions-ended').getByTestId('session-sweep-tx')).toHaveCount(2, { timeout: 30_000 });
    await shoot(popup, 'rough-10-ended-sessions');
    await popup.getByTestId('sessions-clear-ended').click();
    await expect(popup.getByTestId('sessions-ended')).toHaveCount(0);
    await expect(popup.getByTestId('session-item')).toHaveCount(0);
  });

  test('behavior: onboarding shows the network in plain words: no RPC URL, no contract address', async ({ openPopup, rpcUrl, shoot }) => {
    const popup = await openPopup();
    await expect(popup.getByTestId('node-status')).toHaveText(/Block \d+/);
    await expect(popup.getByTestId('framework-status')).toHaveText('Deployed');
    await expect(popup.getByTestId('network-card')).not.toContainText(new URL(rpcUrl).host);
    await expect(popup.getByTestId('network-card')).not.toContainText('0x');
    await shoot(popup, 'rough-11-onboarding-plain');
  });

  test('behavior: Activity lists the owner\'s own actions (upgrade, undo) with date and network', async ({ openPopup, shoot }) => {
    const popup = await openPopup();
    await importOwner(popup, generatePrivateKey());
    await popup.getByTestId('fund-devnet').click();
    await expect(popup.getByTestId('account-balance')).toHaveText(/^100 ETH/);
    await popup.getByTestId('upgrade').click();
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'framework', { timeout: 30_000 });
    await popup.getByTestId('undelegate').click();
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'none', { timeout: 30_000 });

    await popup.getByTestId('tab-activity').click();
    const rows = popup.getByTestId('activity-owner-item');
    await expect(rows).toHaveCount(2);
    // Newest first.
    await expect(rows.nth(0)).toHaveAttribute('data-kind', 'undo-upgrade');
    await expect(rows.nth(1)).toHaveAttribute('data-kind', 'upgrade');
    await expect(rows.nth(1)).toContainText('Upgraded the account to a smart account (EIP-7702)');
    await expect(rows.nth(1).getByTestId('activity-when')).toContainText(`${new Date().getFullYear()}`);
    await expect(rows.nth(1).getByTestId('activity-when')).toContainText('Local devnet');
    await shoot(popup, 'rough-12-activity-owner');
  });

  test('behavior: the popup works at 320 px: every tab fits without sideways scrolling', async ({ openPopup, shoot }) => {
    const popup = await openPopup();
    await popup.setViewportSize({ width: 320, height: 600 });
    await shoot(popup, 'rough-13-320-welcome');
    await importOwner(popup, generatePrivateKey());
    await shoot(popup, 'rough-14-320-account');
    for (const tab of ['sessions', 'activity', 'settings'] as const) {
      await popup.getByTestId(`tab-${tab}`).click();
      await shoot(popup, `rough-15-320-${tab}`);
    }
  });
});
