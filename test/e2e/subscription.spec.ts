// The demo dApp's Subscription card, driven as a person would: the page makes its own subscription
// account (its key in the page's localStorage, labelled as a demo), the owner sends it gas money,
// the page asks for a native-token-periodic allowance (0.001 ETH a day) with `to` = that account,
// the owner approves in the window (which says the site's own account holds it), the page collects
// this period's payment itself through the DelegationManager (its own gas), a second payment in the
// same period is refused in words and reverts on chain, and "Cancel subscription" disables the grant
// on chain with no window.
import { createWalletClient, decodeAbiParameters, encodeFunctionData, encodePacked, getAddress, http, parseEther, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { devnetChain } from '../../devnet/constants';
import { hashDelegation } from '../../src/backends/delegation/framework';
import { DelegationManager as DelegationManagerAbi } from '@metamask/delegation-abis';
import { expect, test } from './fixtures';
import { approvalWindow, connectedOwner, countApprovalWindows, decide, publicClient } from './helpers';

const DM = getAddress(deployment.contracts.DelegationManager);
const DELEGATIONS = {
  type: 'tuple[]',
  components: [
    { name: 'delegate', type: 'address' },
    { name: 'delegator', type: 'address' },
    { name: 'authority', type: 'bytes32' },
    { name: 'caveats', type: 'tuple[]', components: [{ name: 'enforcer', type: 'address' }, { name: 'terms', type: 'bytes' }, { name: 'args', type: 'bytes' }] },
    { name: 'salt', type: 'uint256' },
    { name: 'signature', type: 'bytes' },
  ],
} as const;

test.describe('demo dApp: Subscription (a key the site holds, a periodic ETH allowance)', () => {
  test('behavior: subscribe, pay this period, a second payment in the period is refused in words and reverts on chain, cancel disables it on chain', async ({ context, fresh, rpcUrl, shoot }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const client = publicClient(rpcUrl);
    const result = dapp.getByTestId('sub-result');

    // The page's own account, labelled as a demo.
    await expect(dapp.getByTestId('sub-demo-note')).toContainText("Demo only: this page keeps the subscription account's private key in its localStorage");
    const sub = getAddress((await dapp.getByTestId('sub-account').textContent())!.trim());
    const stored = JSON.parse((await dapp.evaluate(() => localStorage.getItem('session-game.subscription')))!) as { key: Hex };
    expect(privateKeyToAccount(stored.key).address).toBe(sub);

    // Gas money: one ordinary send the owner approves.
    await decide(await approvalWindow(context, () => dapp.getByTestId('sub-fund').click()), 'approve');
    await expect(result).toHaveAttribute('data-tone', 'ok', { timeout: 30_000 });
    expect(await client.getBalance({ address: sub })).toBe(parseEther('0.002'));

    // Subscribe: the window says the site's own account holds a daily allowance.
    const w = await approvalWindow(context, () => dapp.getByTestId('sub-subscribe').click());
    await expect(w.getByTestId('grant-holder')).toHaveAttribute('data-holder', 'dapp');
    await expect(w.getByTestId('grant-holder-address')).toHaveText(sub);
    await expect(w.getByTestId('grant-details')).toContainText('Spend up to 0.001 ETH per day');
    await expect(w.getByTestId('grant-details')).toContainText('does not carry over');
    await shoot(w, 'grant-subscription');
    await decide(w, 'approve');
    await expect(result).toHaveAttribute('data-tone', 'ok', { timeout: 30_000 });
    await expect(dapp.getByTestId('sub-status')).toHaveText('Subscribed · 0.001 ETH / day');
    await expect(dapp.getByTestId('sub-left')).toHaveText('0.001 of 0.001 ETH');
    const { context: permissionContext } = JSON.parse((await dapp.evaluate(() => localStorage.getItem('session-game.subscription')))!).grant as { context: Hex };

    // Pay this period: 0.001 ETH leaves the owner's account (no gas: the site paid it) for the site's.
    const ownerBefore = await client.getBalance({ address: owner.address });
    const subBefore = await client.getBalance({ address: sub });
    await dapp.getByTestId('sub-pay').click();
    await expect(result).toContainText('Paid 0.001 ETH for this period', { timeout: 30_000 });
    await expect(result).toHaveAttribute('data-tone', 'ok');
    expect(ownerBefore - (await client.getBalance({ address: owner.address }))).toBe(parseEther('0.001'));
    expect(await client.getBalance({ address: sub })).toBeGreaterThan(subBefore); // + 0.001, less its own gas
    await expect(dapp.getByTestId('sub-left')).toHaveText('0 of 0.001 ETH');
    await shoot(dapp, 'dapp-subscription-paid');

    // A second payment in the same period: refused, in words; nothing moves.
    await dapp.getByTestId('sub-pay').click();
    await expect(result).toHaveAttribute('data-tone', 'error', { timeout: 30_000 });
    await expect(result).toContainText('Payment refused');
    await expect(result).toContainText('This period is already paid: the chain refused to move more than 0.001 ETH in one day.');
    expect(ownerBefore - (await client.getBalance({ address: owner.address }))).toBe(parseEther('0.001'));
    await shoot(dapp, 'dapp-subscription-refused');
    // The page only asked (eth_call); the chain itself reverts the same redemption when it is sent.
    const subWallet = createWalletClient({ chain: devnetChain(rpcUrl), transport: http(rpcUrl), account: privateKeyToAccount(stored.key) });
    const redeem = encodeFunctionData({
      abi: DelegationManagerAbi,
      functionName: 'redeemDelegations',
      args: [[permissionContext], [`0x${'00'.repeat(32)}`], [encodePacked(['address', 'uint256', 'bytes'], [sub, parseEther('0.001'), '0x'])]],
    });
    const overTx = await subWallet.sendTransaction({ to: DM, data: redeem, gas: 500_000n });
    expect((await client.waitForTransactionReceipt({ hash: overTx })).status).toBe('reverted');

    // Cancel: no window; the grant is disabled on chain.
    const windows = countApprovalWindows(dapp);
    await dapp.getByTestId('sub-cancel').click();
    await expect(result).toContainText('Subscription cancelled', { timeout: 30_000 });
    expect(windows()).toBe(0);
    await expect(dapp.getByTestId('sub-status')).toHaveText('Not subscribed');
    const [chain] = decodeAbiParameters([DELEGATIONS], permissionContext);
    const root = chain[chain.length - 1]!;
    expect(await client.readContract({ address: DM, abi: DelegationManagerAbi, functionName: 'disabledDelegations', args: [hashDelegation(root)] })).toBe(true);
    await shoot(dapp, 'dapp-subscription-cancelled');
  });
});
