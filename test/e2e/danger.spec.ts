// Danger is visible (issue 13 items 2 and 3): an unlimited approve gets the red banner and a red
// "Approve unlimited DEMO" that stays on screen at 400 px; a Permit is shown as a labelled view read
// to its end; a root grant needs "I understand this site can move everything" ticked (and the
// background refuses it without the tick); a grant on a plain account says it upgrades it first and
// funds the session key.
import { encodeFunctionData, erc20Abi, getTypesForEIP712Domain, maxUint256, parseEther, serializeTypedData, type Address, type Hex, type TypedDataDefinition } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import type { Page } from '@playwright/test';
import type { PageAnswer } from '../../scripts/lib/page';
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, codeAt, connectedOwner, decide, publicClient } from './helpers';

const DEMO_TOKEN = deployment.contracts.DemoToken as Address;
const PERMIT2: Address = '0x000000000022D473030F116dDEE9F6B43aC78BA3';

const asSent = (t: TypedDataDefinition) =>
  serializeTypedData({ ...t, types: { EIP712Domain: getTypesForEIP712Domain({ domain: t.domain }), ...t.types } } as unknown as TypedDataDefinition);

/** The element lies wholly inside the window's viewport (no scrolling needed to see or press it). */
async function expectInViewport(page: Page, testId: string) {
  const box = (await page.getByTestId(testId).boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
}

test.describe('danger is visible', () => {
  test('behavior: an unlimited approve shows the red banner, reads "Unlimited", and its red "Approve unlimited DEMO" is on screen at 400 px; approving sets the allowance on chain', async ({
    context,
    fresh,
    rpcUrl,
    shoot,
  }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const spender = privateKeyToAccount(generatePrivateKey()).address;
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [spender, maxUint256] });
    let answer: Promise<PageAnswer<Hex>> = Promise.resolve({ result: null as never });
    const w = await approvalWindow(context, async () => {
      answer = providerRequest<Hex>(dapp, 'eth_sendTransaction', [{ from: owner.address, to: DEMO_TOKEN, data }]);
    });
    const banner = w.getByTestId('danger-banner');
    await expect(banner).toContainText('Unlimited token approval');
    await expect(banner).toContainText(`${spender} may take all your DEMO`);
    await expect(w.getByTestId('call-action')).toHaveText(/^approve\(0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}, Unlimited\)$/);
    const approve = w.getByTestId('approval-approve');
    await expect(approve).toHaveText('Approve unlimited DEMO');
    await expect(approve).toHaveAttribute('data-danger', 'true');
    await expect(approve).toBeEnabled();
    await expectInViewport(w, 'approval-approve');
    await shoot(w, 'danger-unlimited-approve');
    await decide(w, 'approve');
    const { result: hash } = await answer;
    const client = publicClient(rpcUrl);
    expect((await client.waitForTransactionReceipt({ hash: hash! })).status).toBe('success');
    expect(await client.readContract({ address: DEMO_TOKEN, abi: erc20Abi, functionName: 'allowance', args: [owner.address, spender] })).toBe(maxUint256);
  });

  test('behavior: a Permit is shown structured (domain, type, labelled fields, 2.5 DEMO from the chain, the deadline as a date, the spender in full) and signs after it is read', async ({
    context,
    fresh,
    rpcUrl,
    shoot,
  }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const spender = privateKeyToAccount(generatePrivateKey()).address;
    const permit = {
      domain: { name: 'DemoToken', version: '1', chainId: foundry.id, verifyingContract: DEMO_TOKEN },
      types: {
        Permit: [
          { name: 'owner', type: 'address' },
          { name: 'spender', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
        ],
      },
      primaryType: 'Permit' as const,
      message: { owner: owner.address, spender, value: parseEther('2.5'), nonce: 0n, deadline: 1893456000n },
    };
    let answer: Promise<PageAnswer<Hex>> = Promise.resolve({ result: null as never });
    const w = await approvalWindow(context, async () => {
      answer = providerRequest<Hex>(dapp, 'eth_signTypedData_v4', [owner.address, asSent(permit as unknown as TypedDataDefinition)]);
    });
    await expect(w.getByTestId('typed-data-warning')).toContainText(spender);
    const domain = w.getByTestId('typed-data-domain');
    await expect(domain).toContainText('DemoToken');
    await expect(domain).toContainText('Local devnet (chain 31337)');
    await expect(domain).toContainText(`${DEMO_TOKEN} (DemoToken (DEMO))`);
    await expect(w.getByTestId('typed-data-type')).toHaveText('Permit');
    await expect(w.getByTestId('typed-field-owner')).toContainText(`${owner.address} (your account)`);
    await expect(w.getByTestId('typed-field-spender')).toContainText(spender);
    // Symbol and decimals as the token contract answered them on chain.
    await expect(w.getByTestId('typed-field-value')).toContainText('2.5 DEMO');
    const deadline = await w.evaluate(() => new Date(1893456000 * 1000).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }));
    await expect(w.getByTestId('typed-field-deadline')).toContainText(deadline);
    await expect(w.getByTestId('approval-approve')).toHaveText('Approve token spending');
    await expect(w.getByTestId('approval-approve')).toHaveAttribute('data-danger', 'true');
    await shoot(w, 'danger-permit-structured');
    await decide(w, 'approve');
    const { result: signature } = await answer;
    expect(await publicClient(rpcUrl).verifyTypedData({ address: owner.address, signature: signature!, ...permit })).toBe(true);
  });

  test('behavior: long typed data keeps Approve off until it is scrolled to its end; Permit2 amounts read "Unlimited DEMO"', async ({ context, fresh, shoot }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const spender = privateKeyToAccount(generatePrivateKey()).address;
    const batch = {
      domain: { name: 'Permit2', chainId: foundry.id, verifyingContract: PERMIT2 },
      types: {
        PermitBatch: [
          { name: 'details', type: 'PermitDetails[]' },
          { name: 'spender', type: 'address' },
          { name: 'sigDeadline', type: 'uint256' },
        ],
        PermitDetails: [
          { name: 'token', type: 'address' },
          { name: 'amount', type: 'uint160' },
          { name: 'expiration', type: 'uint48' },
          { name: 'nonce', type: 'uint48' },
        ],
      },
      primaryType: 'PermitBatch' as const,
      message: {
        details: Array.from({ length: 4 }, (_, i) => ({ token: DEMO_TOKEN, amount: (1n << 160n) - 1n, expiration: 1893456000, nonce: i })),
        spender,
        sigDeadline: 1893456000n,
      },
    };
    let answer: Promise<PageAnswer<Hex>> = Promise.resolve({ result: null as never });
    const w = await approvalWindow(context, async () => {
      answer = providerRequest<Hex>(dapp, 'eth_signTypedData_v4', [owner.address, asSent(batch as unknown as TypedDataDefinition)]);
    });
    const view = w.getByTestId('typed-data-view');
    await expect(view).toContainText('Unlimited DEMO');
    await expect(w.getByTestId('approval-wait')).toBeHidden();
    await expect(view).toHaveAttribute('data-read', 'false');
    await expect(w.getByTestId('typed-data-scroll-hint')).toBeVisible();
    await expect(w.getByTestId('approval-approve')).toBeDisabled();
    await expect(w.getByTestId('approval-approve')).toHaveText('Approve unlimited DEMO');
    await shoot(w, 'danger-typed-data-unread');
    await view.evaluate((box) => box.scrollTo(0, box.scrollHeight));
    await expect(view).toHaveAttribute('data-read', 'true');
    await expect(w.getByTestId('approval-approve')).toBeEnabled();
    await decide(w, 'reject');
    expect(await answer).toMatchObject({ error: { code: 4001 } });
  });

  test('behavior: a root grant shows the danger banner, no "only within these limits", and Approve stays off until "I understand this site can move everything" is ticked; the grant then works', async ({
    context,
    fresh,
    rpcUrl,
    shoot,
  }) => {
    const { key, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const expiry = Number((await publicClient(rpcUrl).getBlock()).timestamp) + 3600;
    const request = { expiry, signer: { type: 'wallet' }, permissions: [{ type: 'root', data: {}, policies: [], required: true }] };
    let answer: Promise<PageAnswer<{ permissionsContext: Hex }>> = Promise.resolve({ result: null as never });
    const w = await approvalWindow(context, async () => {
      answer = providerRequest<{ permissionsContext: Hex }>(dapp, 'wallet_grantPermissions', [request]);
    });
    const banner = w.getByTestId('grant-root-warning');
    await expect(banner).toContainText('This site could move everything in your account, any time until');
    await expect(w.getByTestId('grant-holder')).not.toContainText('only');
    await expect(w.getByTestId('grant-exposure')).toContainText('No limit on anything in your account');
    await expect(w.getByTestId('approval-wait')).toBeHidden();
    const approve = w.getByTestId('approval-approve');
    await expect(approve).toHaveText('Grant full access');
    await expect(approve).toHaveAttribute('data-danger', 'true');
    await expect(approve).toBeDisabled();
    await shoot(w, 'danger-root-grant');
    await w.getByTestId('grant-root-confirm').check();
    await expect(approve).toBeEnabled();
    await decide(w, 'approve');
    const granted = await answer;
    expect(granted.error).toBeUndefined();
    expect(granted.result!.permissionsContext).toMatch(/^0x/);
  });

  test('error: a root grant answered without the tick (a forged window answer) is refused with 4001 by the background', async ({ context, fresh, rpcUrl }) => {
    const { key, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const expiry = Number((await publicClient(rpcUrl).getBlock()).timestamp) + 3600;
    const request = { expiry, signer: { type: 'wallet' }, permissions: [{ type: 'root', data: {}, policies: [], required: true }] };
    let answer: Promise<PageAnswer<unknown>> = Promise.resolve({ result: null as never });
    await approvalWindow(context, async () => {
      answer = providerRequest(dapp, 'wallet_grantPermissions', [request]);
    });
    // The window's own code would never send this; the background must not rely on that. Sent from
    // the popup (another extension page): the approval window closes as soon as it is answered.
    await popup.evaluate(async () => {
      const api = (globalThis as unknown as { chrome: { runtime: { sendMessage: (m: unknown) => Promise<{ ok: boolean; value: { id: string }[] }> } } }).chrome.runtime;
      const list = await api.sendMessage({ type: 'wallet-api', method: 'approval.list', params: {} });
      await api.sendMessage({ type: 'wallet-api', method: 'approval.resolve', params: { id: list.value[0]!.id, approved: true, edits: {} } });
    });
    const refused = await answer;
    expect(refused.error?.code).toBe(4001);
    expect(refused.error?.message).toMatch(/move everything/);
  });

  test('behavior: a grant on a not-yet-upgraded account says it upgrades it first and funds the session key; approving does both on chain', async ({ context, fresh, rpcUrl, shoot }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    expect(await codeAt(rpcUrl, owner.address)).toBeUndefined();
    const w = await approvalWindow(context, () => dapp.click('#grant'));
    await expect(w.getByTestId('grant-upgrade-first')).toHaveText(
      'First, your account will be upgraded (EIP-7702) to a smart account: one transaction, you pay the gas.',
    );
    const stipend = w.getByTestId('grant-stipend');
    await expect(stipend).toHaveText(/^The wallet funds the session key with [0-9.]+ ETH for gas now; what is left comes back when the session ends\.$/);
    const funded = parseEther(/with ([0-9.]+) ETH/.exec((await stipend.textContent())!)![1]!);
    await expect(w.getByTestId('approval-approve')).toHaveText('Approve');
    await expect(w.getByTestId('approval-approve')).toBeEnabled();
    await shoot(w, 'danger-grant-upgrade-first');
    await decide(w, 'approve');
    await expect(dapp.locator('#session-result')).toHaveAttribute('data-tone', 'ok', { timeout: 30_000 });
    expect((await codeAt(rpcUrl, owner.address))?.toLowerCase()).toMatch(/^0xef0100/);
    // The session key holds what the window said it would be funded with.
    const sessions = await popup.evaluate(async () => {
      const api = (globalThis as unknown as { chrome: { runtime: { sendMessage: (m: unknown) => Promise<{ value: { sessionAddress: Address }[] }> } } }).chrome.runtime;
      return (await api.sendMessage({ type: 'wallet-api', method: 'sessions.list', params: undefined })).value;
    });
    expect(await publicClient(rpcUrl).getBalance({ address: sessions[0]!.sessionAddress })).toBe(funded);
  });
});
