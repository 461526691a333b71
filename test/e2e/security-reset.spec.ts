// Security: "Remove wallet" must end everything the old wallet had. Before the fix the vault was
// deleted but the old site stayed connected (eth_accounts still named the old account), its session
// still signed without a popup, the delegation stayed enabled on chain and the stipend stayed at the
// session key.
import type { Page, Worker } from '@playwright/test';
import { encodeFunctionData, numberToHex, parseAbi, parseEther, type Address, type Hex } from 'viem';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { expect, providerRequest, test } from './fixtures';
import { countApprovalWindows, gameScore, ownerWithSession, PASSWORD, publicClient } from './helpers';

const DISABLED_ABI = parseAbi(['function disabledDelegations(bytes32) view returns (bool)']);
const GAME = deployment.contracts.DemoGame as Address;

type Chrome = { chrome: { storage: { local: { get: (k: string | null) => Promise<Record<string, unknown>> } } } };
/** storage.local of the extension, read in its service worker. */
const storageLocal = (worker: Worker, key: string | null) =>
  worker.evaluate(async (k) => (globalThis as unknown as Chrome).chrome.storage.local.get(k), key) as Promise<Record<string, unknown>>;

interface StoredSession {
  id: Hex;
  sessionAddress: Address;
}

test.describe('security: remove wallet', () => {
  test('behavior: removing the wallet revokes and sweeps its sessions on chain, disconnects the site and forgets its bundles', async ({ context, fresh, rpcUrl, serviceWorker, shoot }) => {
    test.setTimeout(150_000);
    const { key, owner, popup, dapp } = fresh;
    const sessionContext = await ownerWithSession(context, popup, dapp, key);
    const [session] = (await storageLocal(serviceWorker, 'sessions')).sessions as StoredSession[];
    expect(session!.id.toLowerCase()).toBe(sessionContext.toLowerCase());
    const client = publicClient(rpcUrl);
    expect(await client.getBalance({ address: session!.sessionAddress })).toBeGreaterThan(parseEther('0.001'));

    // One batch through the session, so there is an old bundle to ask about afterwards.
    await dapp.click('#batch');
    await expect(dapp.locator('#batch-result')).toHaveAttribute('data-tone', 'ok', { timeout: 30_000 });
    const oldBundle = await dapp.evaluate(() => (window as unknown as { __dapp: { state: { lastBatch: { id: string } } } }).__dapp.state.lastBatch.id);

    // The old page listens for what the wallet tells it.
    await dapp.evaluate(() => {
      const w = window as unknown as { ethereum: { on(e: string, f: (a: unknown) => void): void }; __accountsChanged: unknown[] };
      w.__accountsChanged = [];
      w.ethereum.on('accountsChanged', (a) => w.__accountsChanged.push(a));
    });

    // Remove wallet from the popup.
    await popup.getByTestId('tab-settings').click();
    await popup.getByTestId('reset-start').click();
    await expect(popup.getByTestId('reset-card')).toContainText('Your 1 active session is revoked on chain first');
    // The background checks the password itself: a wrong one is refused and nothing is removed.
    await popup.getByTestId('reset-password').fill('not-the-password');
    await popup.getByTestId('reset-confirm').click();
    await expect(popup.getByTestId('reset-error')).toContainText('Wrong password');
    expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [owner.address] });
    await popup.getByTestId('reset-password').fill(PASSWORD);
    await shoot(popup, 'reset-confirm');
    await popup.getByTestId('reset-confirm').click();
    await expect(popup.getByTestId('import-wallet')).toBeVisible({ timeout: 60_000 });

    // The old site is told, and is no longer connected.
    await expect.poll(() => dapp.evaluate(() => (window as unknown as { __accountsChanged: unknown[] }).__accountsChanged)).toContainEqual([]);
    expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [] });

    // A send the session covered is not signed silently: the site is not connected any more (4100).
    const windows = countApprovalWindows(dapp);
    const scoreBefore = await gameScore(rpcUrl, GAME, owner.address);
    const move = encodeFunctionData({ abi: parseAbi(['function move(uint8 direction)']), functionName: 'move', args: [0] });
    const send = await providerRequest(dapp, 'wallet_sendCalls', [
      { version: '2.0.0', chainId: numberToHex(deployment.chainId), from: owner.address, atomicRequired: true, calls: [{ to: GAME, data: move }], capabilities: { permissions: { context: sessionContext } } },
    ]);
    expect(send).toMatchObject({ error: { code: 4100 } });
    expect(windows()).toBe(0);
    expect(await gameScore(rpcUrl, GAME, owner.address)).toBe(scoreBefore);

    // The old bundle is unknown (5730).
    expect(await providerRequest(dapp, 'wallet_getCallsStatus', [oldBundle])).toMatchObject({ error: { code: 5730 } });

    // On chain: the delegation is disabled and the stipend is back at the owner (at most dust left).
    const disabled = await client.readContract({ address: deployment.contracts.DelegationManager as Address, abi: DISABLED_ABI, functionName: 'disabledDelegations', args: [sessionContext] });
    expect(disabled).toBe(true);
    expect(await client.getBalance({ address: session!.sessionAddress })).toBeLessThan(parseEther('0.0001'));

    // Nothing of the old wallet is left in storage.
    const left = Object.keys(await storageLocal(serviceWorker, null));
    expect(left.filter((k) => /^(vault$|vault\.meta|sessions|connections|bundle|alchemy\.apiKey)/.test(k))).toEqual([]);
    await shoot(popup, 'reset-done-onboarding');
  });

  test('behavior: when the chain cannot be reached the wallet is kept, the owner is told which session stays valid until when, and trying again revokes it', async ({ fresh, context, rpcUrl, serviceWorker, shoot }) => {
    test.setTimeout(150_000);
    const { key, owner, popup, dapp } = fresh;
    const sessionContext = await ownerWithSession(context, popup, dapp, key);
    const [session] = (await storageLocal(serviceWorker, 'sessions')).sessions as StoredSession[];

    // The network goes down (the wallet's RPC for the devnet points at a closed port).
    expect(await setDevnetRpc(popup, 'http://127.0.0.1:9')).toBe(true);
    await popup.getByTestId('tab-settings').click();
    await popup.getByTestId('reset-start').click();
    await popup.getByTestId('reset-password').fill(PASSWORD);
    await popup.getByTestId('reset-confirm').click();
    const failed = popup.getByTestId('reset-failed');
    await expect(failed).toContainText('1 session could not be revoked on chain', { timeout: 60_000 });
    await expect(failed).toContainText(new URL(dapp.url()).origin);
    await expect(failed).toContainText('valid until');
    await shoot(popup, 'reset-failed');
    // Nothing was removed: the wallet and the site are still there, and the owner decides.
    expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [owner.address] });
    expect((await storageLocal(serviceWorker, 'vault.meta'))['vault.meta']).toBeTruthy();

    // The network is back; Try again revokes on chain, returns the stipend and removes the wallet.
    expect(await setDevnetRpc(popup, rpcUrl)).toBe(true);
    await popup.getByTestId('reset-retry').click();
    await expect(popup.getByTestId('import-wallet')).toBeVisible({ timeout: 60_000 });
    const client = publicClient(rpcUrl);
    expect(await client.readContract({ address: deployment.contracts.DelegationManager as Address, abi: DISABLED_ABI, functionName: 'disabledDelegations', args: [sessionContext] })).toBe(true);
    expect(await client.getBalance({ address: session!.sessionAddress })).toBeLessThan(parseEther('0.0001'));
    expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [] });
  });
});

/** Points the wallet's devnet RPC at `url` through the wallet API, as the network settings do. */
async function setDevnetRpc(page: Page, url: string): Promise<boolean> {
  const answer = await page.evaluate(
    ([u, id]) =>
      (globalThis as unknown as { chrome: { runtime: { sendMessage: (m: unknown) => Promise<{ ok: boolean }> } } }).chrome.runtime.sendMessage({
        type: 'wallet-api',
        method: 'network.setRpc',
        params: { chainId: id, rpcUrl: u },
      }),
    [url, deployment.chainId] as const,
  );
  return answer.ok;
}
