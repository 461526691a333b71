// The provider as real pages use it: legacy assignments in strict-mode code, pages that try to
// replace request(), the "sites made only for MetaMask" switch (read before the page's first script),
// and dApps embedded in cross-origin iframes.
import { encodeFunctionData, numberToHex, type Hex } from 'viem';
import type { BrowserContext, Frame, Page } from '@playwright/test';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, decide, gameScore, importOwner, ownerWithSession } from './helpers';

const GAME = deployment.contracts.DemoGame as Hex;
const moveCall = (direction: number) => ({
  to: GAME,
  data: encodeFunctionData({ abi: [{ type: 'function', name: 'move', stateMutability: 'nonpayable', inputs: [{ type: 'uint8' }], outputs: [] }], functionName: 'move', args: [direction] }),
});

/** A page on the dApp's origin whose first (strict-mode) script records what it saw at parse time. */
async function servePage(context: BrowserContext, url: string, body = ''): Promise<void> {
  await context.route(url, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html><head><script>
        'use strict';
        window.__atParse = { has: typeof window.ethereum === 'object' && window.ethereum !== null, isMetaMask: !!(window.ethereum && window.ethereum.isMetaMask) };
        window.__announced = [];
        window.addEventListener('eip6963:announceProvider', (e) => window.__announced.push(e.detail.info));
        window.dispatchEvent(new Event('eip6963:requestProvider'));
      </script></head><body>${body}</body></html>`,
    }),
  );
}

type AtParse = { has: boolean; isMetaMask: boolean };

test.describe('provider: pages that patch it', () => {
  test('behavior: a strict-mode page sets autoRefreshOnNetworkChange and keeps working; replacing request leaves the real one', async ({ context, dappUrl }) => {
    const url = `${dappUrl}legacy.html`;
    await servePage(context, url);
    const page = await context.newPage();
    await page.goto(url);
    const outcome = await page.evaluate(async () => {
      'use strict';
      const eth = (window as unknown as { ethereum: Record<string, unknown> & { request(a: unknown): Promise<unknown> } }).ethereum;
      const errors: string[] = [];
      try {
        eth.autoRefreshOnNetworkChange = false;
      } catch (e) {
        errors.push(String(e));
      }
      const original = eth.request;
      try {
        eth.request = async () => '0xdeadbeef';
      } catch (e) {
        errors.push(String(e));
      }
      return { errors, legacy: eth.autoRefreshOnNetworkChange, same: eth.request === original, chainId: await eth.request({ method: 'eth_chainId' }) };
    });
    expect(outcome).toEqual({ errors: [], legacy: false, same: true, chainId: '0x7a69' });
  });
});

test.describe('provider: sites made only for MetaMask', () => {
  test('behavior: off by default; switched on in Settings, the next page load sees isMetaMask before its first script, and EIP-6963 still says Session Key Wallet', async ({ context, dappUrl, fresh, shoot }) => {
    const url = `${dappUrl}mm-only.html`;
    await servePage(context, url);
    const page = await context.newPage();
    await page.goto(url);
    expect(await page.evaluate(() => (window as unknown as { __atParse: AtParse }).__atParse)).toEqual({ has: true, isMetaMask: false });

    const { popup, key } = fresh;
    await importOwner(popup, key);
    await popup.getByTestId('tab-settings').click();
    await popup.getByTestId('metamask-compat').check();
    await expect(popup.getByTestId('metamask-compat-saved')).toBeVisible();
    await popup.getByTestId('metamask-compat-card').scrollIntoViewIfNeeded();
    await shoot(popup, 'settings-metamask-compat');

    // The open page keeps what it was told at load; a reload sees the switch.
    expect(await page.evaluate(() => (window as unknown as { ethereum: { isMetaMask: boolean } }).ethereum.isMetaMask)).toBe(false);
    await page.reload();
    expect(await page.evaluate(() => (window as unknown as { __atParse: AtParse }).__atParse)).toEqual({ has: true, isMetaMask: true });
    const announced = await page.evaluate(() => (window as unknown as { __announced: { name: string; rdns: string }[] }).__announced);
    expect(announced).toContainEqual(expect.objectContaining({ name: 'Session Key Wallet', rdns: 'app.sessionkeywallet' }));
    expect(announced.some((i) => /metamask/i.test(i.name) || i.rdns === 'io.metamask')).toBe(false);
    expect(await providerRequest(page, 'eth_chainId')).toEqual({ result: '0x7a69' });

    // Off again: the next load is told the truth.
    await popup.getByTestId('metamask-compat').uncheck();
    await expect(popup.getByTestId('metamask-compat-saved')).toBeVisible();
    await page.reload();
    expect(await page.evaluate(() => (window as unknown as { __atParse: AtParse }).__atParse)).toEqual({ has: true, isMetaMask: false });
  });
});

test.describe('provider: cross-origin iframes', () => {
  async function embed(page: Page, src: string): Promise<Frame> {
    await page.evaluate(
      (s) =>
        new Promise<void>((resolve) => {
          const iframe = document.createElement('iframe');
          iframe.src = s;
          iframe.id = 'embedded';
          iframe.addEventListener('load', () => resolve(), { once: true });
          document.body.append(iframe);
        }),
      src,
    );
    const frame = await (await page.locator('#embedded').elementHandle())!.contentFrame();
    if (!frame) throw new Error('the iframe has no frame');
    return frame;
  }

  const frameRequest = (frame: Frame, method: string, params?: unknown) =>
    frame.evaluate(
      async ([m, p]) => {
        try {
          const eth = (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum;
          return { result: await eth.request(p === undefined ? { method: m } : { method: m, params: p }) };
        } catch (e) {
          return { error: { code: (e as { code?: number }).code, message: (e as Error).message } };
        }
      },
      [method, params] as const,
    );

  test("behavior: an iframe gets its own provider and origin: no parent accounts or events, its own connect window, and it cannot ride the parent's session (nothing moves on chain)", async ({ context, fresh, dappUrl, dappUrl2, rpcUrl, shoot }) => {
    const { key, owner, popup, dapp } = fresh;
    const childOrigin = new URL(dappUrl2).origin;
    const frame = await embed(dapp, dappUrl2);
    await frame.evaluate(() => {
      const w = window as unknown as { __events: unknown[]; ethereum: { on(e: string, l: (a: unknown) => void): void } };
      w.__events = [];
      w.ethereum.on('accountsChanged', (a) => w.__events.push(a));
    });
    expect(await frameRequest(frame, 'eth_chainId')).toEqual({ result: '0x7a69' });

    // The parent connects and gets a session; the iframe hears nothing of it.
    const sessionContext = await ownerWithSession(context, popup, dapp, key);
    const parentAccounts = (await providerRequest<string[]>(dapp, 'eth_accounts')).result!;
    expect(parentAccounts.map((a) => a.toLowerCase())).toEqual([owner.address.toLowerCase()]);
    expect(await frameRequest(frame, 'eth_accounts')).toEqual({ result: [] });
    // Before, one tab-wide message gave every frame the parent's accountsChanged([owner]).
    const heard = await frame.evaluate(() => (window as unknown as { __events: unknown[][] }).__events);
    expect(heard.flat()).toEqual([]);

    // The parent's session, named from the iframe: refused, the iframe is not even connected.
    const send = () =>
      frameRequest(frame, 'wallet_sendCalls', [
        { version: '2.0.0', chainId: numberToHex(31337), from: owner.address, atomicRequired: true, calls: [moveCall(1)], capabilities: { permissions: { context: sessionContext } } },
      ]);
    const before = await gameScore(rpcUrl, GAME, owner.address);
    expect(await send()).toMatchObject({ error: { code: 4100 } });

    // Connecting from the iframe opens a window that names the iframe's origin, not the parent's.
    let connected: Promise<unknown> = Promise.resolve();
    const connect = await approvalWindow(context, async () => {
      connected = frameRequest(frame, 'eth_requestAccounts');
    });
    await expect(connect.getByTestId('approval-origin')).toHaveText(childOrigin);
    await shoot(connect, 'iframe-connect');
    await decide(connect, 'approve');
    expect(((await connected) as { result: string[] }).result.map((a) => a.toLowerCase())).toEqual([owner.address.toLowerCase()]);

    // Connected, it still cannot use the parent's session: the owner is asked, naming the iframe.
    let sent: Promise<unknown> = Promise.resolve();
    const asked = await approvalWindow(context, async () => {
      sent = send();
    });
    await expect(asked.getByTestId('approval-origin')).toHaveText(childOrigin);
    await decide(asked, 'reject');
    expect(await sent).toMatchObject({ error: { code: 4001 } });
    expect(await gameScore(rpcUrl, GAME, owner.address)).toBe(before);
  });
});
