// A dApp written with wagmi's core actions (test/e2e/pages/wagmi/), driven through the real
// extension: wagmi finds the wallet by EIP-6963 under its own name, and connect, a deployment,
// signMessage (text and raw bytes), a 3-param personal_sign, watchAsset, switchChain (through
// wallet_addEthereumChain on 4902, as wagmi does), sendCalls / getCallsStatus and disconnect each
// do what they say, checked on chain or by verification. Also a page that enables its button only
// for window.ethereum.isMetaMask, with the Settings switch on and off.
import type { Page } from '@playwright/test';
import { createWalletClient, http, parseEther, parseUnits, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { DemoTokenAbi } from '../../devnet/contracts/abis';
import { DEVNET_DEPLOYER, devnetChain } from '../../devnet/constants';
import { chainIdRpc } from './fake-rpc';
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, decide, importOwner, publicClient } from './helpers';

const DEMO_TOKEN = deployment.contracts.DemoToken as Address;
/** Creation code whose runtime code (10 bytes) returns 42 (as in everyday-requests.spec.ts). */
const RUNTIME: Hex = '0x602a60005260206000f3';
const INIT_CODE: Hex = `0x69${RUNTIME.slice(2)}600052600a6016f3`;
const DEV_0 = privateKeyToAccount(DEVNET_DEPLOYER!.privateKey as Hex);
/** A chain id the wallet does not know and no registry lists: wagmi must add it first. */
const OTHER_CHAIN_ID = 4_242_424;

type Answer<T> = { result: T; error?: undefined } | { result?: undefined; error: { code?: number; message?: string } };

/** Calls `window.wagmiPage[name](arg)` in the test page; { result } or { error: { code, message } }. */
function wagmiPage<T>(page: Page, name: string, arg?: unknown): Promise<Answer<T>> {
  return page.evaluate(
    async ([n, a]) => {
      try {
        const api = (window as unknown as { wagmiPage: Record<string, (x: unknown) => unknown> }).wagmiPage;
        return { result: await api[n]!(a) };
      } catch (e) {
        const err = e as { code?: number; message?: string; cause?: { code?: number } };
        return { error: { code: err.code ?? err.cause?.code, message: err.message } };
      }
    },
    [name, arg] as const,
  ) as Promise<Answer<T>>;
}

/** Runs a wagmi action that opens an approval window; returns the window and the action's answer. */
async function withWindow<T>(page: Page, name: string, arg?: unknown): Promise<{ window: Page; answer: () => Promise<Answer<T>> }> {
  let answer!: Promise<Answer<T>>;
  const window = await approvalWindow(page.context(), async () => {
    answer = wagmiPage<T>(page, name, arg);
  });
  return { window, answer: () => answer };
}

test.describe('a dApp written with wagmi core', () => {
  test('behavior: wagmi finds the wallet by EIP-6963 under its own name; connect, deploy, signMessage (text, raw), 3-param personal_sign, watchAsset, sendCalls, switchChain and disconnect all work, checked on chain', async ({
    fresh,
    dappUrl,
    rpcUrl,
    shoot,
  }) => {
    test.setTimeout(240_000);
    const { key, owner, popup, dapp } = fresh;
    const chain = publicClient(rpcUrl);
    await importOwner(popup, key);
    await popup.getByTestId('fund-devnet').click();
    await expect(popup.getByTestId('account-balance')).toHaveText(/^100 ETH/);
    const other = await chainIdRpc(OTHER_CHAIN_ID);
    try {
      await dapp.goto(`${dappUrl}test-pages/wagmi/?rpc=${encodeURIComponent(rpcUrl)}&otherRpc=${encodeURIComponent(other.url)}&otherChainId=${OTHER_CHAIN_ID}`);
      await expect(dapp.locator('body')).toHaveAttribute('data-ready', 'true');

      // EIP-6963: a connector with this wallet's name, its id the announced rdns, beside wagmi's generic injected().
      type Connector = { id: string; name: string; type: string; rdns: string | null; icon: string | null };
      let connectors: Connector[] = [];
      await expect
        .poll(async () => {
          connectors = (await wagmiPage<Connector[]>(dapp, 'connectors')).result ?? [];
          return connectors.map((c) => c.id);
        })
        .toContain('app.sessionkeywallet');
      const ours = connectors.find((c) => c.id === 'app.sessionkeywallet')!;
      expect(ours).toMatchObject({ name: 'Session Key Wallet', type: 'injected', icon: expect.stringMatching(/^data:image\//) });
      expect(connectors.some((c) => /metamask/i.test(c.name) || c.id === 'io.metamask' || c.rdns === 'io.metamask')).toBe(false);

      // connect: the connect window; wagmi's account is the owner on the devnet, through our connector.
      const connecting = await withWindow<{ accounts: Address[]; chainId: number }>(dapp, 'connect', 'app.sessionkeywallet');
      await decide(connecting.window, 'approve');
      expect(await connecting.answer()).toEqual({ result: { accounts: [owner.address], chainId: 31337 } });
      expect((await wagmiPage(dapp, 'account')).result).toEqual({
        address: owner.address,
        status: 'connected',
        chainId: 31337,
        connector: { id: 'app.sessionkeywallet', name: 'Session Key Wallet' },
      });

      // sendTransaction with no `to`: a deployment, approved; the receipt's contractAddress holds the code.
      const nonce = await chain.getTransactionCount({ address: owner.address });
      const deploying = await withWindow<{ status: string; from: Address; contractAddress: Address; code: Hex }>(dapp, 'deploy', { data: INIT_CODE, value: parseEther('0.001').toString() });
      await expect(deploying.window.getByTestId('call-action')).toHaveText(`Deploy a contract (${(INIT_CODE.length - 2) / 2} bytes)`);
      await expect(deploying.window.getByTestId('approval-calls')).toContainText('0.001 ETH');
      await shoot(deploying.window, 'wagmi-approval-deploy');
      await decide(deploying.window, 'approve');
      const deployed = (await deploying.answer()).result!;
      expect(deployed).toMatchObject({ status: 'success', from: owner.address.toLowerCase(), code: RUNTIME });
      expect(await chain.getCode({ address: deployed.contractAddress })).toBe(RUNTIME);
      expect(await chain.getBalance({ address: deployed.contractAddress })).toBe(parseEther('0.001'));
      expect(await chain.getTransactionCount({ address: owner.address })).toBe(nonce + 1);

      // signMessage: text, then raw bytes that are not text; both verify with viem against the owner.
      const text = 'Sign in to the wagmi page ✓';
      const signingText = await withWindow<Hex>(dapp, 'signText', text);
      await expect(signingText.window.getByTestId('approval-message')).toHaveText(text);
      await decide(signingText.window, 'approve');
      const textSig = (await signingText.answer()).result!;
      expect(await chain.verifyMessage({ address: owner.address, message: text, signature: textSig })).toBe(true);

      const raw: Hex = '0x00ff10e2809c7f8081fe';
      const signingRaw = await withWindow<Hex>(dapp, 'signRaw', raw);
      await expect(signingRaw.window.getByTestId('approval-message')).toHaveText(raw);
      await decide(signingRaw.window, 'approve');
      const rawSig = (await signingRaw.answer()).result!;
      expect(await chain.verifyMessage({ address: owner.address, message: { raw }, signature: rawSig })).toBe(true);
      expect(await chain.verifyMessage({ address: owner.address, message: raw, signature: rawSig })).toBe(false); // bytes, not the hex text

      // personal_sign [message, address, password] through wagmi's connector client.
      const signing3 = await withWindow<Hex>(dapp, 'personalSign3', { message: '0x68656c6c6f', password: 'ignored' });
      await expect(signing3.window.getByTestId('approval-message')).toHaveText('hello');
      await decide(signing3.window, 'approve');
      expect(await chain.verifyMessage({ address: owner.address, message: 'hello', signature: (await signing3.answer()).result! })).toBe(true);

      // watchAsset: DEMO with the decimals the contract answers, then its balance in the popup.
      const dev = createWalletClient({ account: DEV_0, chain: devnetChain(rpcUrl), transport: http(rpcUrl) });
      await chain.waitForTransactionReceipt({ hash: await dev.writeContract({ address: DEMO_TOKEN, abi: DemoTokenAbi, functionName: 'mint', args: [owner.address, parseUnits('42.125', 18)] }) });
      const watching = await withWindow<boolean>(dapp, 'watchAsset', { address: DEMO_TOKEN, symbol: 'DEMO', decimals: 18 });
      await expect(watching.window.getByTestId('watch-asset-symbol')).toHaveText('DEMO');
      await expect(watching.window.getByTestId('watch-asset-decimals')).toHaveText('18');
      await expect(watching.window.getByTestId('watch-asset-address')).toHaveText(DEMO_TOKEN);
      await shoot(watching.window, 'wagmi-approval-watch-asset');
      await decide(watching.window, 'approve');
      expect(await watching.answer()).toEqual({ result: true });
      await popup.reload();
      const row = popup.getByTestId('token-row');
      await expect(row).toHaveCount(1);
      await expect(row.getByTestId('token-symbol')).toHaveText('DEMO');
      await expect(row.getByTestId('token-balance')).toHaveText('42.125');

      // sendCalls (EIP-5792) with two ETH transfers; getCallsStatus once final; balances on chain.
      const [a, b] = [privateKeyToAccount(generatePrivateKey()).address, privateKeyToAccount(generatePrivateKey()).address];
      const calling = await withWindow<{ id: string; status: { status: string; statusCode: number; receipts: { status: string }[] } }>(dapp, 'sendCalls', [
        { to: a, value: parseEther('0.002').toString() },
        { to: b, value: parseEther('0.003').toString() },
      ]);
      await expect(calling.window.getByTestId('approval-calls')).toContainText('0.002 ETH');
      await expect(calling.window.getByTestId('approval-calls')).toContainText('0.003 ETH');
      await decide(calling.window, 'approve');
      const called = (await calling.answer()).result!;
      expect(called.status).toMatchObject({ status: 'success', statusCode: 200 });
      expect(called.status.receipts.every((r) => r.status === 'success')).toBe(true);
      expect(await chain.getBalance({ address: a })).toBe(parseEther('0.002'));
      expect(await chain.getBalance({ address: b })).toBe(parseEther('0.003'));

      // switchChain to a chain the wallet does not know: 4902, so wagmi sends wallet_addEthereumChain.
      const adding = await withWindow<{ id: number }>(dapp, 'switchChain', OTHER_CHAIN_ID);
      await expect(adding.window.getByTestId('approval-card')).toContainText('Second test chain');
      await expect(adding.window.getByTestId('approval-card')).toContainText(other.url);
      await shoot(adding.window, 'wagmi-approval-add-chain');
      await decide(adding.window, 'approve');
      expect(await adding.answer()).toMatchObject({ result: { id: OTHER_CHAIN_ID } });
      expect(await providerRequest(dapp, 'eth_chainId')).toEqual({ result: `0x${OTHER_CHAIN_ID.toString(16)}` });
      // And back: a known chain, so a plain switch window.
      const back = await withWindow<{ id: number; account: { chainId: number } }>(dapp, 'switchChain', 31337);
      await decide(back.window, 'approve');
      expect(await back.answer()).toMatchObject({ result: { id: 31337, account: { chainId: 31337 } } });
      expect(await providerRequest(dapp, 'eth_chainId')).toEqual({ result: '0x7a69' });

      // disconnect: wagmi says disconnected, and the wallet has disconnected the site (wallet_revokePermissions).
      expect((await wagmiPage<{ status: string }>(dapp, 'disconnect')).result).toMatchObject({ status: 'disconnected', address: null });
      await expect.poll(async () => (await providerRequest<string[]>(dapp, 'eth_accounts')).result).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

test.describe('a site made only for MetaMask', () => {
  test('behavior: its Connect button stays disabled with the switch off; with Settings → Work with sites made only for MetaMask on, it is enabled on the next load and connects', async ({ context, fresh, dappUrl, shoot }) => {
    const { key, owner, popup } = fresh;
    await importOwner(popup, key);
    const page = await context.newPage();
    const url = `${dappUrl}test-pages/metamask-only/`;
    await page.goto(url);
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    await expect(page.locator('#connect')).toBeDisabled();
    await expect(page.locator('#status')).toHaveText('Please install MetaMask.');

    await popup.getByTestId('tab-settings').click();
    await popup.getByTestId('metamask-compat').check();
    await expect(popup.getByTestId('metamask-compat-saved')).toBeVisible();
    await page.reload();
    await expect(page.locator('#connect')).toBeEnabled();
    await expect(page.locator('#status')).toHaveText('MetaMask detected.');
    await shoot(page, 'metamask-only-page-switch-on');
    await decide(await approvalWindow(context, () => page.click('#connect')), 'approve');
    await expect(page.locator('#account')).toHaveText(new RegExp(`^${owner.address}$`, 'i'));

    await popup.getByTestId('metamask-compat').uncheck();
    await expect(popup.getByTestId('metamask-compat-saved')).toBeVisible();
    await page.reload();
    await expect(page.locator('#connect')).toBeDisabled();
    await expect(page.locator('#status')).toHaveText('Please install MetaMask.');
  });
});
