// Networks a site or the owner adds: the RPC is asked for its chain id before anything is shown or
// saved, a fake "Base" is shown with a red warning, and added networks can be edited and removed.
import { expect, providerRequest, test } from './fixtures';
import { chainIdRpc } from './fake-rpc';
import { approvalWindow, countApprovalWindows, decide, importOwner } from './helpers';

test.describe('networks', () => {
  test('error: wallet_addEthereumChain with another chain behind the RPC, or an unreachable RPC, is -32602 with the reason and opens no window', async ({ context, dappUrl, rpcUrl }) => {
    const page = await context.newPage();
    await page.goto(dappUrl);
    const windows = countApprovalWindows(page);
    const wrong = await providerRequest(page, 'wallet_addEthereumChain', [{ chainId: '0x2105', chainName: 'Base', rpcUrls: [rpcUrl], nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 } }]);
    expect(wrong).toMatchObject({ error: { code: -32602, message: expect.stringMatching(/is for chain 31337, not chain 8453/) } });
    const down = await providerRequest(page, 'wallet_addEthereumChain', [{ chainId: '0x2105', chainName: 'Base', rpcUrls: ['http://127.0.0.1:1'] }]);
    expect(down).toMatchObject({ error: { code: -32602, message: expect.stringMatching(/did not answer eth_chainId/) } });
    expect(windows()).toBe(0);
    expect(await providerRequest(page, 'eth_chainId')).toEqual({ result: '0x7a69' });
  });

  test('behavior: chain 8453 named "Base (totally legit)" on an unknown RPC opens a window with a red warning; rejecting adds nothing', async ({ context, fresh, shoot }) => {
    const rpc = await chainIdRpc(8453);
    try {
      await importOwner(fresh.popup, fresh.key);
      const page = fresh.dapp;
      let answer: Promise<unknown> = Promise.resolve();
      const win = await approvalWindow(context, async () => {
        answer = providerRequest(page, 'wallet_addEthereumChain', [{ chainId: '0x2105', chainName: 'Base (totally legit)', rpcUrls: [rpc.url], nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 } }]);
      });
      const warning = win.getByTestId('add-chain-warning-impostor');
      await expect(warning).toBeVisible();
      await expect(warning).toContainText('This is not the usual Base network');
      await expect(warning).toContainText('lie about your balances');
      await shoot(win, 'add-chain-fake-base');
      await decide(win, 'reject');
      expect(await answer).toMatchObject({ error: { code: 4001 } });
      expect(await providerRequest(page, 'wallet_switchEthereumChain', [{ chainId: '0x2105' }])).toMatchObject({ error: { code: 4902 } });
    } finally {
      await rpc.close();
    }
  });

  test('behavior: the popup checks the RPC before saving, and added networks can be edited (RPC re-checked) and removed, not while in use', async ({ fresh, rpcUrl, shoot }) => {
    const rpc = await chainIdRpc(8453);
    try {
      const { popup, key } = fresh;
      await importOwner(popup, key);
      await popup.getByTestId('tab-settings').click();
      const fill = async (name: string, id: string, url: string) => {
        await popup.getByTestId('network-name').fill(name);
        await popup.getByTestId('network-id').fill(id);
        await popup.getByTestId('network-rpcUrl').fill(url);
      };

      await fill('Nowhere', '8453', 'http://127.0.0.1:1');
      await popup.getByTestId('add-network').click();
      await expect(popup.getByTestId('add-network-error')).toContainText('could not be reached');

      await fill('Base', '8453', rpcUrl);
      await popup.getByTestId('add-network').click();
      await expect(popup.getByTestId('add-network-error')).toContainText('is for chain 31337, not chain 8453');
      await expect(popup.getByTestId('added-networks-card')).toHaveCount(0);

      rpc.hold();
      await fill('Base (totally legit)', '8453', rpc.url);
      await popup.getByTestId('add-network').click();
      await expect(popup.getByTestId('add-network-checking')).toHaveText(/Checking the RPC/);
      rpc.release();
      await expect(popup.getByTestId('add-network-done')).toContainText('Base (totally legit) added');
      await expect(popup.getByTestId('add-network-warning-impostor')).toContainText('not the usual Base network');
      await popup.getByTestId('add-network-card').scrollIntoViewIfNeeded();
      await shoot(popup, 'settings-add-network-warning');

      // Edit: an RPC for another chain is refused, the right one saved with the new name.
      await popup.getByTestId('network-edit-open-8453').click();
      await popup.getByTestId('network-edit-rpc').fill(rpcUrl);
      await popup.getByTestId('network-edit-save').click();
      await expect(popup.getByTestId('network-edit-error')).toContainText('not chain 8453');
      await popup.getByTestId('network-edit-name').fill('My Base fork');
      await popup.getByTestId('network-edit-rpc').fill(`${rpc.url}/v1`);
      await popup.getByTestId('network-edit-save').click();
      await expect(popup.getByTestId('network-item-8453')).toContainText('My Base fork');
      await expect(popup.getByTestId('network-item-8453')).toContainText(`${rpc.url}/v1`);

      // In use: cannot be removed; after switching away it can.
      await popup.getByTestId('network-select').selectOption('8453');
      await expect(popup.getByTestId('network-in-use-8453')).toBeVisible();
      await expect(popup.getByTestId('network-remove-8453')).toBeDisabled();
      await popup.getByTestId('added-networks-card').scrollIntoViewIfNeeded();
      await shoot(popup, 'settings-added-networks');
      await popup.getByTestId('network-select').selectOption('31337');
      await expect(popup.getByTestId('network-remove-8453')).toBeEnabled();
      await popup.getByTestId('network-remove-8453').click();
      await expect(popup.getByTestId('added-networks-card')).toHaveCount(0);
      await expect(popup.getByTestId('network-select').locator('option[value="8453"]')).toHaveCount(0);
    } finally {
      await rpc.close();
    }
  });
});
