// Everyday requests every wallet answers (issue 12), from the demo dApp's page through viem (bundled
// for the page here: viem's own actions on window.ethereum, as a dApp would call them) and raw
// window.ethereum requests: contract deployments, every personal_sign form and personal_ecRecover,
// EIP-747 wallet_watchAsset with the token's balance in the popup.
import type { Page } from '@playwright/test';
import { build } from 'esbuild';
import path from 'node:path';
import { createWalletClient, getContractAddress, http, parseEther, parseUnits, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { DemoTokenAbi } from '../../devnet/contracts/abis';
import { DEVNET_DEPLOYER, devnetChain } from '../../devnet/constants';
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, connectedOwner, countApprovalWindows, decide, ownerWithSession, publicClient } from './helpers';

const DEMO_TOKEN = deployment.contracts.DemoToken as Address;
const DEMO_GAME = deployment.contracts.DemoGame as Address;
/** Creation code whose runtime code (10 bytes) returns 42: PUSH10 runtime, MSTORE, RETURN the last 10 bytes. */
const RUNTIME: Hex = '0x602a60005260206000f3';
const INIT_CODE: Hex = `0x69${RUNTIME.slice(2)}600052600a6016f3`;
/** Anvil's dev account #0 (the devnet's deployer): mints DEMO for the owner in the token test. */
const DEV_0 = privateKeyToAccount(DEVNET_DEPLOYER!.privateKey as Hex);

let viemBundle: string | undefined;
/** viem, bundled once for the page: `window.viemTest` holds the actions a dApp would use. */
async function withViem(page: Page): Promise<void> {
  if (!viemBundle) {
    const out = await build({
      stdin: {
        contents: "import * as viem from 'viem'; window.viemTest = viem;",
        resolveDir: path.resolve(import.meta.dirname, '../..'),
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      write: false,
      target: 'es2022',
      logLevel: 'silent',
    });
    viemBundle = out.outputFiles[0]!.text;
  }
  await page.addScriptTag({ content: viemBundle });
}

type PageResult<T> = { ok: true; value: T } | { ok: false; code?: number; message?: string };

/**
 * Runs `body` in the page with a viem wallet client on window.ethereum (the injected provider) and
 * a public client reading through it: { ok, value } or { ok: false, code, message }.
 */
function inPage<T>(page: Page, body: string, arg: unknown = null): Promise<PageResult<T>> {
  return page.evaluate(
    async ([source, a]) => {
      const viem = (window as unknown as { viemTest: typeof import('viem') }).viemTest;
      const eth = (window as unknown as { ethereum: Parameters<typeof viem.custom>[0] }).ethereum;
      const chain = viem.defineChain({ id: 31337, name: 'devnet', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [] } } });
      const wallet = viem.createWalletClient({ chain, transport: viem.custom(eth) });
      const reader = viem.createPublicClient({ chain, transport: viem.custom(eth), pollingInterval: 200 });
      const [account] = await wallet.getAddresses();
      try {
        const run = new Function('viem', 'wallet', 'reader', 'account', 'arg', `return (async () => { ${source} })();`);
        const value = await run(viem, wallet, reader, account, a);
        return JSON.parse(JSON.stringify({ ok: true, value }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
      } catch (e) {
        const err = e as { code?: number; cause?: { code?: number }; details?: string; shortMessage?: string; message?: string };
        return { ok: false, code: err.code ?? err.cause?.code, message: err.details ?? err.shortMessage ?? err.message };
      }
    },
    [body, arg] as const,
  ) as Promise<PageResult<T>>;
}

/** Starts `body` in the page without waiting for it: the approval window opens meanwhile. */
function startInPage<T>(page: Page, body: string, arg: unknown = null): { done: Promise<PageResult<T>>; start: () => Promise<void> } {
  let done!: Promise<PageResult<T>>;
  return {
    start: async () => {
      done = inPage<T>(page, body, arg);
    },
    get done() {
      return done;
    },
  };
}

test.describe('everyday requests', () => {
  test('behavior: a deployment from a site that holds a session still asks the owner; the contract is deployed by the account, with its code on chain, and Activity shows its address', async ({
    context,
    fresh,
    rpcUrl,
    shoot,
  }) => {
    test.setTimeout(120_000);
    const { key, owner, popup, dapp } = fresh;
    await ownerWithSession(context, popup, dapp, key);
    await withViem(dapp);
    const chain = publicClient(rpcUrl);
    const nonce = await chain.getTransactionCount({ address: owner.address });

    // viem's sendTransaction with no `to`: eth_sendTransaction { from, data, value }.
    const deploy = startInPage<{ hash: Hex; contractAddress: Address | null; status: string; from: Address }>(
      dapp,
      `const hash = await wallet.sendTransaction({ account, data: arg.code, value: viem.parseEther('0.001') });
       const r = await reader.waitForTransactionReceipt({ hash });
       return { hash, contractAddress: r.contractAddress, status: r.status, from: r.from };`,
      { code: INIT_CODE },
    );
    const window = await approvalWindow(context, deploy.start);
    await expect(window.getByRole('heading', { name: 'Deploy a contract?' })).toBeVisible();
    await expect(window.getByTestId('call-action')).toHaveText(`Deploy a contract (${(INIT_CODE.length - 2) / 2} bytes)`);
    await expect(window.getByTestId('approval-calls')).toContainText('0.001 ETH');
    await expect(window.getByTestId('call-deploy-note')).toContainText('Creates a new contract from your account');
    await expect(window.getByTestId('approval-why')).toHaveText('Deploying a contract always needs your approval: no session can do it.');
    // anvil cannot run a creation in eth_simulateV1: the window shows the node's estimate, and says what it leaves out.
    await expect(window.getByTestId('simulation')).toHaveAttribute('data-state', 'true');
    await expect(window.getByTestId('simulation-change')).toHaveText(['You send 0.001 ETH']);
    await expect(window.getByTestId('simulation-fee')).toHaveText(/^≈ 0\.\d+ ETH$/);
    await expect(window.getByTestId('simulation-partial')).toContainText('cannot simulate a contract deployment in full');
    await shoot(window, 'approval-deploy');
    await window.emulateMedia({ colorScheme: 'dark' });
    await shoot(window, 'approval-deploy-dark');
    await window.emulateMedia({ colorScheme: 'light' });
    await decide(window, 'approve');

    const result = await deploy.done;
    expect(result).toMatchObject({ ok: true, value: { status: 'success' } });
    const { contractAddress, from } = (result as { value: { contractAddress: Address; from: Address } }).value;
    // The deployer is the account itself (the upgraded EOA), at its nonce.
    expect(from).toBe(owner.address.toLowerCase());
    expect(contractAddress.toLowerCase()).toBe(getContractAddress({ from: owner.address, nonce: BigInt(nonce) }).toLowerCase());
    expect(await chain.getCode({ address: contractAddress })).toBe(RUNTIME);
    expect(await chain.getBalance({ address: contractAddress })).toBe(parseEther('0.001'));
    expect((await chain.getCode({ address: owner.address }))?.startsWith('0xef0100')).toBe(true); // still the 7702 account

    // wallet_sendCalls with a call that has no `to`: the status's receipt carries the contract's address.
    const sendCalls = startInPage<{ id: string }>(dapp, `return await wallet.request({ method: 'wallet_sendCalls', params: [{ version: '2.0.0', chainId: '0x7a69', from: account, calls: [{ data: arg.code }] }] });`, { code: INIT_CODE });
    await decide(await approvalWindow(context, sendCalls.start), 'approve');
    const sent = await sendCalls.done;
    expect(sent.ok).toBe(true);
    const id = (sent as { value: { id: string } }).value.id;
    let status: { status: number; receipts?: { contractAddress?: Address }[] } | undefined;
    await expect
      .poll(async () => {
        status = (await providerRequest<typeof status>(dapp, 'wallet_getCallsStatus', [id])).result;
        return status?.status;
      })
      .toBe(200);
    const second = status!.receipts![0]!.contractAddress!;
    expect(second.toLowerCase()).toBe(getContractAddress({ from: owner.address, nonce: BigInt(nonce + 1) }).toLowerCase());
    expect(await chain.getCode({ address: second })).toBe(RUNTIME);

    // Activity: the owner's deployments, with the created addresses.
    await popup.reload();
    await popup.getByTestId('tab-activity').click();
    await expect(popup.getByTestId('activity-contract-address')).toHaveCount(2);
    await expect(popup.getByTestId('activity-contract-address').nth(1)).toHaveText(new RegExp(contractAddress, 'i'));
    await expect(popup.getByTestId('activity-item').first()).toContainText('Deploy a contract (19 bytes)');
    await shoot(popup, 'popup-activity-deploy');
    await popup.emulateMedia({ colorScheme: 'dark' });
    await shoot(popup, 'popup-activity-deploy-dark');
    await popup.emulateMedia({ colorScheme: 'light' });
  });

  test('behavior: personal_sign of text and of raw bytes through viem, the 3-param and legacy forms, all verify; another address is 4100; personal_ecRecover answers the account', async ({
    context,
    fresh,
    rpcUrl,
    shoot,
  }) => {
    test.setTimeout(120_000);
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    await withViem(dapp);
    const chain = publicClient(rpcUrl);

    // UTF-8 text: shown as text.
    const text = 'Hello, wallet ✓\nSign to log in.';
    const signText = startInPage<Hex>(dapp, `return await wallet.signMessage({ account, message: arg });`, text);
    const textWindow = await approvalWindow(context, signText.start);
    await expect(textWindow.getByTestId('approval-message')).toHaveText(text);
    await expect(textWindow.getByTestId('approval-message-kind')).toHaveText('Message');
    await shoot(textWindow, 'approval-sign-utf8');
    await decide(textWindow, 'approve');
    const textSig = await signText.done;
    expect(textSig.ok).toBe(true);
    expect(await chain.verifyMessage({ address: owner.address, message: text, signature: (textSig as { value: Hex }).value })).toBe(true);

    // Raw bytes that are not text: shown as hex with their size.
    const raw: Hex = '0x00ff10e2809c7f8081fe';
    const signRaw = startInPage<Hex>(dapp, `return await wallet.signMessage({ account, message: { raw: arg } });`, raw);
    const rawWindow = await approvalWindow(context, signRaw.start);
    await expect(rawWindow.getByTestId('approval-message')).toHaveText(raw);
    await expect(rawWindow.getByTestId('approval-message-kind')).toContainText('Not text: 10 bytes, shown as hex');
    await shoot(rawWindow, 'approval-sign-bytes');
    await decide(rawWindow, 'approve');
    const rawSig = await signRaw.done;
    expect(await chain.verifyMessage({ address: owner.address, message: { raw }, signature: (rawSig as { value: Hex }).value })).toBe(true);

    // [message, address, password] (MetaMask's older clients) and the legacy [address, message].
    for (const [params, message] of [
      [['0x68656c6c6f', owner.address, 'password'], 'hello'],
      [[owner.address, 'plain text, legacy order'], 'plain text, legacy order'],
    ] as const) {
      let answer: Promise<{ result?: unknown }> = Promise.resolve({});
      const w = await approvalWindow(context, async () => {
        answer = providerRequest(dapp, 'personal_sign', params);
      });
      await expect(w.getByTestId('approval-message')).toHaveText(message);
      await decide(w, 'approve');
      const { result } = await answer;
      expect(await chain.verifyMessage({ address: owner.address, message, signature: result as Hex })).toBe(true);
      // personal_ecRecover: the account, with no window.
      expect(await providerRequest(dapp, 'personal_ecRecover', [message, result])).toEqual({ result: owner.address });
    }

    // Another address: 4100, no window.
    const windows = countApprovalWindows(dapp);
    const other = await providerRequest(dapp, 'personal_sign', ['hello', DEV_0.address]);
    expect(other.error?.code).toBe(4100);
    expect(other.error?.message).toContain('not your account in this wallet');
    expect(windows()).toBe(0);
  });

  test('behavior: wallet_watchAsset shows the token read from the chain, lists its balance in its decimals in the popup, and can be removed; page values that differ, no code or an NFT are -32602', async ({
    context,
    fresh,
    rpcUrl,
    shoot,
  }) => {
    test.setTimeout(120_000);
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    await withViem(dapp);
    // 1,234.5 DEMO for the owner (DemoToken's mint is open on the devnet).
    const dev = createWalletClient({ account: DEV_0, chain: devnetChain(rpcUrl), transport: http(rpcUrl) });
    const minted = await dev.writeContract({ address: DEMO_TOKEN, abi: DemoTokenAbi, functionName: 'mint', args: [owner.address, parseUnits('1234.5', 18)] });
    await publicClient(rpcUrl).waitForTransactionReceipt({ hash: minted });

    // Refused before any window: what the page says differs from the contract, no code, not a token.
    const windows = countApprovalWindows(dapp);
    const refusals: [unknown, RegExp][] = [
      [{ type: 'ERC20', options: { address: DEMO_TOKEN, symbol: 'DEMO', decimals: 6 } }, /decimals in the request \(6\) do not match the decimals in the contract \(18\)/],
      [{ type: 'ERC20', options: { address: DEMO_TOKEN, symbol: 'USDC', decimals: 18 } }, /symbol in the request \(USDC\) does not match the symbol in the contract \(DEMO\)/],
      [{ type: 'ERC20', options: { address: '0x000000000000000000000000000000000000dEaD', symbol: 'X', decimals: 18 } }, /There is no contract at/],
      [{ type: 'ERC20', options: { address: DEMO_GAME } }, /does not answer decimals\(\) and symbol\(\)/],
      [{ type: 'ERC721', options: { address: DEMO_TOKEN, tokenId: '1' } }, /ERC20 tokens only/],
    ];
    for (const [params, reason] of refusals) {
      const answer = await providerRequest(dapp, 'wallet_watchAsset', params);
      expect(answer.error?.code, JSON.stringify(params)).toBe(-32602);
      expect(answer.error?.message).toMatch(reason);
    }
    expect(windows()).toBe(0);

    // Reject: 4001, nothing listed.
    const rejected = startInPage<boolean>(dapp, `return await wallet.watchAsset({ type: 'ERC20', options: { address: arg, symbol: 'DEMO', decimals: 18 } });`, DEMO_TOKEN);
    await decide(await approvalWindow(context, rejected.start), 'reject');
    expect(await rejected.done).toMatchObject({ ok: false, code: 4001 });

    // viem's watchAsset with only the address: the window shows what the contract says.
    const watch = startInPage<boolean>(dapp, `return await wallet.watchAsset({ type: 'ERC20', options: { address: arg } });`, DEMO_TOKEN);
    const window = await approvalWindow(context, watch.start);
    await expect(window.getByRole('heading', { name: 'Add a token to your wallet?' })).toBeVisible();
    await expect(window.getByTestId('watch-asset-symbol')).toHaveText('DEMO');
    await expect(window.getByTestId('watch-asset-decimals')).toHaveText('18');
    await expect(window.getByTestId('watch-asset-address')).toHaveText(DEMO_TOKEN);
    await shoot(window, 'approval-watch-asset');
    await decide(window, 'approve');
    expect(await watch.done).toEqual({ ok: true, value: true });
    // Already listed: true again, no window.
    expect(await providerRequest(dapp, 'wallet_watchAsset', { type: 'ERC20', options: { address: DEMO_TOKEN } })).toEqual({ result: true });
    expect(windows()).toBe(2);

    // The account view: the balance in the token's decimals.
    await popup.reload();
    const row = popup.getByTestId('token-row');
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('token-balance')).toHaveText('1,234.5');
    await expect(row.getByTestId('token-symbol')).toHaveText('DEMO');
    await shoot(popup, 'popup-account-tokens');

    // Removed: gone from the list, and stays gone after a reload.
    await row.getByTestId('token-remove').click();
    await expect(popup.getByTestId('token-row')).toHaveCount(0);
    await popup.reload();
    await expect(popup.getByTestId('account-card')).toBeVisible();
    await expect(popup.getByTestId('token-row')).toHaveCount(0);
  });
});
