// The popup's rough edges (issue 13): a node that never answers, a forgotten password, undoing the
// upgrade under live sessions, upgrading with no ETH.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { english, generateMnemonic, generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { expect, test } from './fixtures';
import { codeAt, importOwner, ownerWithSession, PASSWORD, unlock } from './helpers';

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
});
