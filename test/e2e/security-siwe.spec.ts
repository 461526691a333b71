// Sign-In with Ethereum (EIP-4361) through personal_sign: a site that asks the owner to sign a login
// for another domain (or for another account) gets a red warning in the window.
import { stringToHex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';
import type { PageAnswer } from '../../scripts/lib/page';
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, connectedOwner, decide } from './helpers';

test.describe('sign-in messages', () => {
  test('behavior: a sign-in message for another domain or another account is shown with a phishing warning; one for the site itself is not', async ({
    context,
    fresh,
    dappUrl,
    shoot,
  }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const origin = new URL(dappUrl).origin;
    const base = { address: owner.address, chainId: 31337, nonce: 'k3j4h5g6f7', version: '1' as const, statement: 'Sign in to Uniswap.' };
    const sign = async (text: string) => {
      let answer: Promise<PageAnswer> = Promise.resolve({ result: null });
      const window = await approvalWindow(context, async () => {
        answer = providerRequest(dapp, 'personal_sign', [stringToHex(text), owner.address]);
      });
      return { window, answer: () => answer };
    };

    // Another domain: the warning names it and the real origin.
    const phishing = await sign(createSiweMessage({ ...base, domain: 'app.uniswap.org', uri: 'https://app.uniswap.org' }));
    const warning = phishing.window.getByTestId('siwe-warning');
    await expect(warning).toContainText(`This sign-in request is for app.uniswap.org, but it comes from ${origin}: it may be a phishing attempt.`);
    await shoot(phishing.window, 'approval-siwe-phishing');
    await decide(phishing.window, 'reject');
    expect(await phishing.answer()).toMatchObject({ error: { code: 4001 } });

    // The site's own domain but another account.
    const other = privateKeyToAccount(generatePrivateKey()).address;
    const wrongAccount = await sign(createSiweMessage({ ...base, address: other, domain: new URL(dappUrl).host, uri: dappUrl }));
    await expect(wrongAccount.window.getByTestId('siwe-warning')).toContainText(`for the account ${other}, which is not yours (${owner.address})`);
    await decide(wrongAccount.window, 'reject');

    // The site's own domain and the owner's account: no warning, signed as usual.
    const own = await sign(createSiweMessage({ ...base, domain: new URL(dappUrl).host, uri: dappUrl }));
    await expect(own.window.getByTestId('approval-message')).toContainText('wants you to sign in with your Ethereum account');
    await expect(own.window.getByTestId('siwe-warning')).toHaveCount(0);
    await decide(own.window, 'approve');
    expect((await own.answer()).result).toMatch(/^0x[0-9a-f]{130}$/);
  });
});
