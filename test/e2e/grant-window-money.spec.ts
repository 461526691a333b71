// The grant window and the Sessions list as a person reads them (issue 11 item 4): an allowance per
// period "starting now, until …", a stream "per hour, at most …", the token's symbol, decimals and
// full address as the chain answers them, the site's justification marked as its own words, the
// total exposure over the grant's life, and amounts the owner lowers where the site allowed it: the
// lowered amount is what the chain enforces and what the dApp is told. The popup's own form grants
// a periodic ETH allowance too.
import { createTestClient, createWalletClient, http, numberToHex, parseEther, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { devnetChain } from '../../devnet/constants';
import { encodeExecutionCalldata, EXECUTION_MODE } from '../../src/backends/delegation/framework';
import { DelegationManager as DelegationManagerAbi } from '@metamask/delegation-abis';
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, connectedOwner, decide, importOwner, publicClient } from './helpers';

const TOKEN = deployment.contracts.DemoToken as Address;
const DAY = 86400;

interface Granted {
  to: Address;
  permission: { type: string; data: Record<string, unknown> };
  context: Hex;
  delegationManager: Address;
}

test.describe('grant window: money in plain words', () => {
  test('behavior: the owner lowers a periodic ETH amount the site allows to adjust; the chain enforces the lowered amount, the dApp is told it, the Sessions list shows what is left this period', async ({
    context,
    fresh,
    rpcUrl,
    shoot,
  }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const chain = devnetChain(rpcUrl);
    const client = publicClient(rpcUrl);
    const site = privateKeyToAccount(generatePrivateKey());
    await createTestClient({ chain, transport: http(rpcUrl), mode: 'anvil' }).setBalance({ address: site.address, value: parseEther('1') });
    // Three days: three periods start before the expiry.
    const expiry = Number((await client.getBlock()).timestamp) + 3 * DAY;
    const request = [
      {
        chainId: '0x7a69',
        from: owner.address,
        to: site.address,
        permission: {
          type: 'native-token-periodic',
          isAdjustmentAllowed: true,
          data: { periodAmount: numberToHex(parseEther('0.01')), periodDuration: DAY, justification: 'Pays your daily newsletter subscription' },
        },
        rules: [{ type: 'expiry', data: { timestamp: expiry } }],
      },
    ];
    let answered: Promise<{ result?: Granted[]; error?: { code?: number } }> | undefined;
    const w = await approvalWindow(context, async () => {
      answered = providerRequest<Granted[]>(dapp, 'wallet_requestExecutionPermissions', request);
    });
    await expect(w.getByTestId('grant-permission-0')).toContainText('Spend up to 0.01 ETH per day, starting now, until ');
    await expect(w.getByTestId('grant-justification-0')).toHaveText("The site's own words (not checked by the wallet): “Pays your daily newsletter subscription”");
    await expect(w.getByTestId('grant-exposure')).toContainText('Total exposure');
    await expect(w.getByTestId('grant-exposure-line')).toHaveText('At most 0.03 ETH');
    await expect(w.getByTestId('approval-approve')).toBeEnabled();

    // Raising is not possible from the window (and the background refuses it: grant-exposure.test.ts).
    const field = w.getByTestId('grant-lower-0-periodAmount');
    await field.fill('0.02');
    await expect(w.getByTestId('grant-lower-error-0-periodAmount')).toHaveText('You can only lower it.');
    await expect(w.getByTestId('approval-approve')).toBeDisabled();
    await field.fill('0.004');
    await expect(w.getByTestId('grant-permission-0')).toContainText('Spend up to 0.004 ETH per day, starting now');
    await expect(w.getByTestId('grant-exposure-line')).toHaveText('At most 0.012 ETH');
    await expect(w.getByTestId('approval-approve')).toBeEnabled();
    await shoot(w, 'grant-lowered-dapp-held');
    await decide(w, 'approve');

    const answer = await answered!;
    expect(answer.error).toBeUndefined();
    const [granted] = answer.result!;
    // The answer repeats the request with what the owner narrowed.
    expect(granted!.permission).toMatchObject({ type: 'native-token-periodic', data: { periodAmount: numberToHex(parseEther('0.004')), periodDuration: DAY } });

    const siteWallet = createWalletClient({ chain, transport: http(rpcUrl), account: site });
    const recipient = privateKeyToAccount(generatePrivateKey()).address;
    const redeem = async (value: bigint) => {
      const hash = await siteWallet.writeContract({
        address: granted!.delegationManager,
        abi: DelegationManagerAbi,
        functionName: 'redeemDelegations',
        args: [[granted!.context], [EXECUTION_MODE.SingleDefault], [encodeExecutionCalldata([{ target: recipient, value, callData: '0x' }], EXECUTION_MODE.SingleDefault)]],
        gas: 900_000n, // fixed: a refused redemption goes on chain and reverts there
      });
      return (await client.waitForTransactionReceipt({ hash })).status;
    };
    // Above the lowered amount (though under what the site asked): the chain refuses.
    expect(await redeem(parseEther('0.005'))).toBe('reverted');
    expect(await redeem(parseEther('0.003'))).toBe('success');
    expect(await client.getBalance({ address: recipient })).toBe(parseEther('0.003'));

    await popup.getByTestId('tab-sessions').click();
    const item = popup.getByTestId('session-item').first();
    await expect(item.getByTestId('session-allowance')).toContainText(/^0\.001 ETH left this period · resets /);
    await shoot(popup, 'sessions-periodic');
  });

  test('behavior: a stream in the token\'s own symbol and decimals read from the chain, its full address, and a fixed amount the owner cannot change', async ({
    context,
    fresh,
    rpcUrl,
    shoot,
  }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const expiry = Number((await publicClient(rpcUrl).getBlock()).timestamp) + 7 * DAY;
    const request = [
      {
        chainId: '0x7a69',
        from: owner.address,
        permission: {
          type: 'erc20-token-stream',
          isAdjustmentAllowed: false,
          // The page's ticker and decimals are not what the window shows: the chain's are.
          data: { tokenAddress: TOKEN, ticker: 'USDC', decimals: 6, amountPerSecond: numberToHex(parseEther('0.001')), maxAmount: numberToHex(parseEther('100')), justification: 'Streams your game rewards budget' },
        },
        rules: [{ type: 'expiry', data: { timestamp: expiry } }],
      },
    ];
    let answered: Promise<unknown> | undefined;
    const w = await approvalWindow(context, async () => {
      answered = providerRequest(dapp, 'wallet_requestExecutionPermissions', request);
    });
    await expect(w.getByTestId('grant-permission-0')).toContainText('Streams 3.6 DEMO per hour, at most 100 DEMO, starting now, until ');
    await expect(w.getByTestId('grant-token-0')).toHaveText(`Token: Demo Token (DEMO) ${TOKEN}`);
    await expect(w.getByTestId('grant-fixed-0')).toContainText('The site does not allow changing these amounts');
    await expect(w.getByTestId('grant-lower-0')).toHaveCount(0);
    // 7 days at 3.6 DEMO per hour is 604.8 DEMO: the cap of 100 is the most it can ever move.
    await expect(w.getByTestId('grant-exposure-line')).toHaveText('At most 100 DEMO');
    await expect(w.getByTestId('approval-approve')).toBeEnabled();
    await shoot(w, 'grant-stream');
    await decide(w, 'reject');
    expect(await answered).toMatchObject({ error: { code: 4001 } });
  });

  test('behavior: the popup grants a periodic ETH allowance; the Sessions list says what is left this period and when it resets', async ({ fresh, dappUrl, shoot }) => {
    const { key, popup } = fresh;
    await importOwner(popup, key);
    await popup.getByTestId('fund-devnet').click();
    await expect(popup.getByTestId('account-balance')).toHaveText(/^100 ETH/);
    await popup.getByTestId('tab-sessions').click();
    await popup.getByTestId('grant-open').click();
    await popup.getByTestId('grant-origin').fill(new URL(dappUrl).origin);
    await popup.getByTestId('grant-eth').fill('0.01');
    await popup.getByTestId('grant-eth-period').selectOption({ label: 'per day' });
    await expect(popup.getByTestId('grant-eth-period-note')).toContainText('The allowance renews per day, starting now');
    await shoot(popup, 'popup-grant-periodic');
    await popup.getByTestId('grant-submit').click();
    const item = popup.getByTestId('session-item').first();
    await expect(item).toContainText('Spend up to 0.01 ETH per day', { timeout: 30_000 });
    await expect(item.getByTestId('session-allowance')).toContainText(/^0\.01 ETH left this period · resets /);
    await shoot(popup, 'sessions-popup-periodic');
  });
});
