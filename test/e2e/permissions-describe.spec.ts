// The grant window reads each permission in the kind's own words (src/permissions/kinds.ts): a
// token the wallet knows in its real decimals, an unknown token in base units that say so, the gas
// limit as what it costs the owner. Nothing is granted here; the owner reads and rejects.
import { numberToHex, parseEther, parseUnits, type Address } from 'viem';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, connectedOwner, decide, publicClient } from './helpers';

const TOKEN = deployment.contracts.DemoToken as Address;
/** A token the wallet has no entry for: its decimals are unknown to the window. */
const UNKNOWN_TOKEN: Address = '0x1111111111111111111111111111111111111111';
const allowance = (amount: bigint) => ({ type: 'token-allowance', data: { allowance: numberToHex(amount) } });

test.describe('grant window: permissions in plain words', () => {
  test('behavior: token allowances in the token\'s real decimals, or in base units marked "decimals unknown"; the gas stipend says who pays', async ({
    context,
    fresh,
    rpcUrl,
    shoot,
  }) => {
    const { key, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const expiry = Number((await publicClient(rpcUrl).getBlock()).timestamp) + 3600;
    const request = {
      expiry,
      signer: { type: 'wallet' },
      permissions: [
        {
          type: 'erc20-token-transfer',
          data: { address: TOKEN, ticker: 'DEMO' },
          policies: [allowance(parseUnits('2.5', 18)), { type: 'gas-limit', data: { limit: numberToHex(parseEther('0.002')) } }],
          required: true,
        },
        { type: 'erc20-token-transfer', data: { address: UNKNOWN_TOKEN }, policies: [allowance(1_500_000n)], required: false },
      ],
    };
    let answered: Promise<unknown> | undefined;
    const w = await approvalWindow(context, async () => {
      answered = providerRequest(dapp, 'wallet_grantPermissions', [request]);
    });
    const details = w.getByTestId('grant-details');
    await expect(details).toContainText('Transfer up to 2.5 DEMO');
    // The token's name and full address as its contract answers on chain.
    await expect(w.getByTestId('grant-token-0')).toHaveText(`Token: Demo Token (DEMO) ${TOKEN}`);
    await expect(details).toContainText('Transfer up to 1500000 base units of token 0x1111…1111 (decimals unknown)');
    await expect(w.getByTestId('grant-gas-limit')).toContainText('Gas stipend up to 0.002 ETH');
    // Once the buttons unlock the card has finished sliding in, so the screenshot shows it settled.
    await expect(w.getByTestId('approval-approve')).toBeEnabled();
    await shoot(w, 'grant-token-decimals');
    await decide(w, 'reject');
    expect(await answered).toMatchObject({ error: { code: 4001 } });
  });

  test('behavior: allowances per period and streamed say how much, how often and from when', async ({ context, fresh, rpcUrl, shoot }) => {
    const { key, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const now = Number((await publicClient(rpcUrl).getBlock()).timestamp);
    const request = {
      expiry: now + 3600,
      signer: { type: 'wallet' },
      permissions: [
        { type: 'native-token-periodic', data: { periodAmount: numberToHex(parseEther('0.01')), periodDuration: 86400, startTime: now }, policies: [], required: true },
        {
          type: 'erc20-token-stream',
          data: { address: TOKEN, amountPerSecond: numberToHex(10n ** 15n), initialAmount: '0x0', maxAmount: numberToHex(parseEther('100')), startTime: now },
          policies: [],
          required: true,
        },
      ],
    };
    let answered: Promise<unknown> | undefined;
    const w = await approvalWindow(context, async () => {
      answered = providerRequest(dapp, 'wallet_grantPermissions', [request]);
    });
    const details = w.getByTestId('grant-details');
    await expect(details).toContainText('Spend up to 0.01 ETH per day, starting');
    await expect(details).toContainText('Streams 3.6 DEMO per hour');
    await expect(details).toContainText('at most 100 DEMO, starting now, until');
    await expect(w.getByTestId('grant-token-1')).toHaveText(`Token: Demo Token (DEMO) ${TOKEN}`);
    await expect(w.getByTestId('approval-approve')).toBeEnabled();
    await shoot(w, 'grant-periodic-stream');
    await decide(w, 'reject');
    expect(await answered).toMatchObject({ error: { code: 4001 } });
  });
});
