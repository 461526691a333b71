// Issue 15 item 4: the popup draws the account from what the worker kept of its last read, says so,
// and replaces it with the chain's answer. The devnet's RPC goes through a small proxy in this test
// that can hold the balance read until the test releases it, so the kept figure is on screen for as
// long as the test looks at it (no timing involved), across a worker restart.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { parseEther, toHex } from 'viem';
import { devnet } from '../../src/chains/registry';
import { expect, test } from './fixtures';
import { importOwner, ownerWithSession, publicClient, watchServiceWorker } from './helpers';

/** Forwards JSON-RPC to `target`; while held, a request that reads a balance waits for release(). */
async function holdingProxy(target: string) {
  let held = false;
  let waiting: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const forward = () => {
        const out = httpRequest(target, { method: 'POST', headers: { 'content-type': 'application/json' } }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' });
          answer.pipe(res);
        });
        out.on('error', () => res.destroy());
        out.end(body);
      };
      if (held && body.includes('"eth_getBalance"')) waiting.push(forward);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: () => (held = true),
    release: () => {
      held = false;
      const go = waiting;
      waiting = [];
      go.forEach((f) => f());
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const walletApi = (page: Page, method: string, params?: unknown) =>
  page.evaluate(
    ([method, params]) => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({ type: 'wallet-api', method, params }),
    [method, params] as const,
  );

test('behavior: a reopened popup shows the kept balance labelled as updating, then the balance the chain now holds (across a worker restart)', async ({
  context,
  fresh,
  rpcUrl,
  openPopup,
  extensionId,
  shoot,
}) => {
  const proxy = await holdingProxy(rpcUrl);
  try {
    const chain = publicClient(rpcUrl);
    const setBalance = (wei: bigint) => chain.request({ method: 'anvil_setBalance' as never, params: [fresh.owner.address, toHex(wei)] as never });
    await setBalance(parseEther('5'));
    await importOwner(fresh.popup, fresh.key);
    // The devnet through the proxy (a user's own RPC for the network, as Settings sets it).
    expect(await walletApi(fresh.popup, 'network.setRpc', { chainId: devnet.id, rpcUrl: proxy.url })).toMatchObject({ ok: true });
    await fresh.popup.reload();
    const balance = fresh.popup.getByTestId('account-balance');
    await expect(balance).toHaveAttribute('data-state', 'fresh');
    await expect(balance).toContainText('5 ETH');
    await fresh.popup.close();

    // The chain changes while the popup is closed, the worker stops (idle), and the node is slow to answer.
    await setBalance(parseEther('7.25'));
    proxy.hold();
    const manifest = await context.newPage(); // an extension page that never wakes the worker
    await manifest.goto(`chrome-extension://${extensionId}/manifest.json`);
    await (await watchServiceWorker(context, manifest)).stop();

    const popup = await openPopup();
    const kept = popup.getByTestId('account-balance');
    await expect(kept).toHaveAttribute('data-state', 'cached');
    await expect(kept).toContainText('5 ETH'); // what was last read, not a new figure
    await expect(popup.getByTestId('balance-refreshing')).toContainText('updating from the network');
    await expect(popup.getByTestId('account-address')).toHaveText(fresh.owner.address);
    await expect(popup.getByTestId('upgrade')).toBeDisabled(); // no action on figures that may be old
    await shoot(popup, 'popup-account-kept-light');
    await popup.emulateMedia({ colorScheme: 'dark' });
    await shoot(popup, 'popup-account-kept-dark');
    await popup.emulateMedia({ colorScheme: 'light' });

    proxy.release();
    await expect(kept).toHaveAttribute('data-state', 'fresh');
    await expect(kept).toContainText('7.25 ETH');
    await expect(popup.getByTestId('balance-refreshing')).toHaveCount(0);
    await expect(popup.getByTestId('upgrade')).toBeEnabled();
    await shoot(popup, 'popup-account-fresh-light');
    await popup.emulateMedia({ colorScheme: 'dark' });
    await shoot(popup, 'popup-account-fresh-dark');
  } finally {
    proxy.release();
    proxy.close();
  }
});

test('behavior: a locked wallet opens on the unlock screen, with no account figures drawn first', async ({ fresh, openPopup }) => {
  await importOwner(fresh.popup, fresh.key);
  await fresh.popup.getByTestId('lock').click();
  await expect(fresh.popup.getByTestId('unlock-password')).toBeVisible();
  const popup = await openPopup();
  await expect(popup.getByTestId('unlock-password')).toBeVisible();
  await expect(popup.getByTestId('account-balance')).toHaveCount(0);
  expect(await walletApi(popup, 'popup.home')).toMatchObject({ ok: true, value: { vault: { status: 'locked' }, account: null } });
});

test('behavior: the account view counts the active sessions, from the first paint of a reopened popup, and one revoked is no longer counted', async ({ context, fresh, openPopup, shoot }) => {
  await ownerWithSession(context, fresh.popup, fresh.dapp, fresh.key);
  await fresh.popup.getByTestId('tab-account').click();
  await expect(fresh.popup.getByTestId('account-sessions')).toContainText('1 active session: a site you approved can send from this account');
  await shoot(fresh.popup, 'popup-account-one-session');

  const popup = await openPopup();
  await expect(popup.getByTestId('account-sessions')).toContainText('1 active session');
  // Revoked from the Sessions tab: the count follows at the next read.
  await popup.getByTestId('tab-sessions').click();
  await popup.getByTestId('session-revoke').first().click();
  await popup.getByTestId('tab-account').click();
  await expect(popup.getByTestId('account-sessions')).toHaveCount(0, { timeout: 30_000 });
});
