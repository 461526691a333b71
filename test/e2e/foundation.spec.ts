import { readFileSync } from 'node:fs';
import path from 'node:path';
import { E2E_EXTENSION_DIR } from '../../scripts/lib/test-env';
import { expect, providerRequest, test } from './fixtures';

test.describe('foundation', () => {
  test('popup: shows the devnet, its block height and the Delegation Framework found on chain', async ({ openPopup, shoot }) => {
    const popup = await openPopup();
    await expect(popup.getByTestId('network-card')).toBeVisible();
    await expect(popup.getByTestId('network-pill')).toHaveText(/Local devnet/);
    await expect(popup.getByTestId('node-status')).toHaveText(/Block \d+/);
    await expect(popup.getByTestId('framework-status')).toHaveText(/Deployed/);
    await shoot(popup, 'foundation-popup');
  });

  test('provider: present before the first page script and announced through EIP-6963', async ({ context, dappUrl }) => {
    const page = await context.newPage();
    await page.goto(dappUrl);
    expect(await page.evaluate(() => (window as unknown as { __hadEthereumAtParse: boolean }).__hadEthereumAtParse)).toBe(true);
    const announced = await page.evaluate(() =>
      (window as unknown as { __announced: { info: Record<string, string>; provider: unknown }[] }).__announced.map((d) => ({
        uuid: d.info.uuid!,
        name: d.info.name!,
        icon: d.info.icon!,
        rdns: d.info.rdns!,
        isWindowEthereum: d.provider === (window as unknown as { ethereum: unknown }).ethereum,
        frozen: Object.isFrozen(d) && Object.isFrozen(d.info),
      })),
    );
    expect(announced.length).toBeGreaterThanOrEqual(1);
    const ours = announced.find((a) => a.rdns === 'app.sessionkeywallet')!;
    expect(ours).toMatchObject({ name: 'Session Key Wallet', isWindowEthereum: true, frozen: true });
    expect(ours.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ours.icon).toMatch(/^data:image\/svg\+xml;base64,/);

    // Re-announces on request, with the same uuid for this page load.
    const again = await page.evaluate(() => {
      const seen: string[] = [];
      window.addEventListener('eip6963:announceProvider', (e) => seen.push((e as CustomEvent).detail.info.uuid));
      window.dispatchEvent(new Event('eip6963:requestProvider'));
      return seen;
    });
    expect(again).toContain(ours.uuid);
  });

  test('provider: eth_chainId answers the devnet, reads reach the node, unknown methods are 4200', async ({ context, dappUrl, rpcUrl }) => {
    const page = await context.newPage();
    await page.goto(dappUrl);
    expect(await providerRequest(page, 'eth_chainId')).toEqual({ result: '0x7a69' });
    expect(await providerRequest(page, 'net_version')).toEqual({ result: '31337' });

    const nodeBlock = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
    }).then((r) => r.json() as Promise<{ result: string }>);
    const viaWallet = await providerRequest(page, 'eth_blockNumber');
    expect(BigInt((viaWallet as { result: string }).result)).toBeGreaterThanOrEqual(BigInt(nodeBlock.result));

    expect(await providerRequest(page, 'wallet_fooBar')).toMatchObject({ error: { code: 4200 } });
    expect(await providerRequest(page, 'anvil_setBalance', ['0x0000000000000000000000000000000000000001', '0x1'])).toMatchObject({ error: { code: 4200 } });
    expect(await providerRequest(page, 'eth_chainId', [1])).toMatchObject({ error: { code: -32602 } });
  });
});

// Chrome refuses import() in a service worker, so one left in the worker's code fails only when
// its path runs (it did: personal_ecRecover, and every failing eth_call through viem's CCIP-read
// check). scripts/lib/static-imports.ts makes dependencies' dynamic imports static; this checks the
// build that the tests load. The worker runs two classic scripts (issue 15): background.js, the
// bootstrap, and wallet.js, which it loads with importScripts(); a classic script has no import of
// any kind, static or dynamic, and each is one file.
test('behavior: the service worker and everything it imports hold no dynamic import()', () => {
  const dir = E2E_EXTENSION_DIR;
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { background: { service_worker: string; type?: string } };
  expect(manifest.background).toEqual({ service_worker: 'background.js' }); // classic: importScripts() needs it
  const bootstrap = readFileSync(path.join(dir, 'background.js'), 'utf8');
  expect(bootstrap).toMatch(/["'`]\/wallet\.js["'`]/); // what it imports (src/background/wallet-script.ts WALLET_SCRIPT_PATH)
  for (const file of ['background.js', 'wallet.js']) {
    const code = readFileSync(path.join(dir, file), 'utf8');
    expect(code.match(/\bimport\s*\(/g) ?? [], `${file} has a dynamic import()`).toEqual([]);
    expect(code.match(/(?:\bfrom|\bimport)\s*["'`]\.{0,2}\/[^"'`]+["'`]/g) ?? [], `${file} has a static import`).toEqual([]);
  }
  // The wallet is in wallet.js, not in the bootstrap (whose size is the cold start).
  const wallet = readFileSync(path.join(dir, 'wallet.js'), 'utf8');
  expect(wallet.length).toBeGreaterThan(20 * bootstrap.length);
  // secp256k1's base-point table is window 4 (scripts/lib/secp256k1-window.ts): window 8 took ~33 ms
  // of a cold worker's first send.
  expect(wallet.match(/\._setWindowSize\(\d+\)/g)).toEqual(['._setWindowSize(4)']);
});
