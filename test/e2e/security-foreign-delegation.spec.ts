// Security: a session grant must not silently replace a foreign EIP-7702 delegation. Before the fix
// the grant upgraded "whatever is not the framework", so a dApp's grant request, approved by an owner
// who did not look at the account card, overwrote the other contract without a word.
import { createWalletClient, http, parseEther, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { expect, test } from './fixtures';
import { codeAt, connectedOwner, decide, grantMoveFromPopup, publicClient } from './helpers';

const FOREIGN = deployment.contracts.DemoGame as Address; // any contract that is not the DeleGator

/** The owner signs a 7702 authorization to `target`; a freshly funded sponsor sends it. */
async function delegateElsewhere(rpcUrl: string, owner: PrivateKeyAccount, target: Address): Promise<void> {
  const chain = { id: deployment.chainId, name: 'devnet', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } };
  const sponsor = privateKeyToAccount(generatePrivateKey());
  await publicClient(rpcUrl).request({ method: 'anvil_setBalance' as never, params: [sponsor.address, `0x${parseEther('1').toString(16)}`] as never });
  const ownerClient = createWalletClient({ account: owner, chain, transport: http(rpcUrl) });
  const authorization = await ownerClient.signAuthorization({ contractAddress: target });
  const sponsorClient = createWalletClient({ account: sponsor, chain, transport: http(rpcUrl) });
  const hash = await sponsorClient.sendTransaction({ to: owner.address, data: '0x', authorizationList: [authorization], gas: 200_000n });
  await publicClient(rpcUrl).waitForTransactionReceipt({ hash });
}

const delegationTo = (target: Address): Hex => `0xef0100${target.slice(2).toLowerCase()}`;

test.describe('security: a foreign 7702 delegation', () => {
  test('error: a dApp grant is refused with 4100 before any window, and the foreign delegation stays on chain', async ({ context, fresh, rpcUrl, shoot }) => {
    test.setTimeout(120_000);
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    await delegateElsewhere(rpcUrl, owner, FOREIGN);
    expect((await codeAt(rpcUrl, owner.address))?.toLowerCase()).toBe(delegationTo(FOREIGN));
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'foreign', { timeout: 15_000 });

    // If an approval window opens, a hurried owner approves it: that is the attack.
    let windows = 0;
    context.on('page', async (page) => {
      if (!page.url().includes('/approval.html')) return;
      windows++;
      await page.waitForLoadState();
      await decide(page, 'approve').catch(() => undefined);
    });
    await dapp.click('#grant');
    const result = dapp.locator('#session-result');
    await expect(result).toHaveAttribute('data-tone', /^(ok|error)$/, { timeout: 60_000 });
    await expect(result).toHaveAttribute('data-code', '4100');
    await expect(result).toContainText('upgraded to another contract');
    expect(windows).toBe(0);
    expect((await codeAt(rpcUrl, owner.address))?.toLowerCase()).toBe(delegationTo(FOREIGN));
    await shoot(dapp, 'dapp-grant-refused-foreign');

    // The popup's own grant form refuses likewise and points to the account card's Replace.
    await grantMoveFromPopup(popup, new URL(dapp.url()).origin);
    await popup.getByTestId('grant-submit').click();
    await expect(popup.getByTestId('grant-error')).toContainText('Replace');
    await shoot(popup, 'grant-refused-foreign');
    expect((await codeAt(rpcUrl, owner.address))?.toLowerCase()).toBe(delegationTo(FOREIGN));
  });
});
