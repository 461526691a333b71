import { createWalletClient, http, parseEther, toHex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { expect, test } from './fixtures';
import { approvalWindow, codeAt, decide, importOwner, publicClient } from './helpers';

test.describe('networks and foreign delegations', () => {
  test('switching the network in the popup sends chainChanged to the connected dApp', async ({ context, openPopup, dappUrl, shoot }) => {
    const popup = await openPopup();
    await importOwner(popup, generatePrivateKey());
    const dapp = await context.newPage();
    await dapp.goto(dappUrl);
    const connect = await approvalWindow(context, () => dapp.click('#connect'));
    await decide(connect, 'approve');
    await expect(dapp.locator('#chain-id')).toContainText('31337');

    await popup.getByTestId('network-select').selectOption('11155111');
    await expect(dapp.locator('#chain-id')).toContainText('11155111');
    expect(await dapp.evaluate(() => (window as unknown as { ethereum: { request(a: unknown): Promise<string> } }).ethereum.request({ method: 'eth_chainId' }))).toBe('0xaa36a7');
    await shoot(popup, 'network-sepolia');

    await popup.getByTestId('network-select').selectOption('31337');
    await expect(dapp.locator('#chain-id')).toContainText('31337');
  });

  test('a foreign EIP-7702 delegation is flagged and can be cleared', async ({ openPopup, rpcUrl, shoot }) => {
    const key = generatePrivateKey();
    const owner = privateKeyToAccount(key);
    // Someone got the owner to delegate to a contract that is not the framework (here: DemoGame).
    await publicClient(rpcUrl).request({ method: 'anvil_setBalance' as never, params: [owner.address, toHex(parseEther('1'))] as never });
    const wallet = createWalletClient({ account: owner, chain: foundry, transport: http(rpcUrl) });
    const authorization = await wallet.signAuthorization({ contractAddress: deployment.contracts.DemoGame as `0x${string}`, executor: 'self' });
    await publicClient(rpcUrl).waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: owner.address, authorizationList: [authorization], gas: 100_000n /* the call itself may revert; the delegation sticks */ }) });

    const popup = await openPopup();
    await importOwner(popup, key);
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'foreign');
    await expect(popup.getByTestId('foreign-delegation')).toContainText('unknown code');
    await shoot(popup, 'account-foreign-delegation');
    await popup.getByTestId('clear-delegation').click();
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'none', { timeout: 15_000 });
    expect(await codeAt(rpcUrl, owner.address)).toBeUndefined();
  });
});
