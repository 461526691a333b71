import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, connectedOwner, countApprovalWindows, decide, gameScore, publicClient } from './helpers';

const DISABLED_ABI = [{ type: 'function', name: 'disabledDelegations', stateMutability: 'view', inputs: [{ type: 'bytes32' }], outputs: [{ type: 'bool' }] }] as const;

test.describe('sessions through the demo dApp', () => {
  test('grant via ERC-7715, five batched calls with no popup, out-of-scope needs the owner, revoke brings the popup back', async ({ context, fresh, rpcUrl, shoot, serviceWorker }) => {
    serviceWorker.on('console', (m) => console.log('[sw]', m.text()));
    test.setTimeout(120_000);
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    await expect(dapp.locator('#account')).toContainText(owner.address);

    // Grant: the approval window shows the permissions; the optional DEMO allowance is left out.
    const grant = await approvalWindow(context, () => dapp.click('#grant'));
    await expect(grant.getByTestId('approval-card')).toHaveAttribute('data-kind', 'grantPermissions');
    await expect(grant.getByTestId('grant-details')).toContainText('move');
    await grant.getByTestId('grant-item-2').uncheck();
    await shoot(grant, 'approval-grant-session');
    await decide(grant, 'approve');
    await expect(dapp.locator('#session-result')).toHaveAttribute('data-tone', 'ok', { timeout: 30_000 });
    const context7715 = (await dapp.locator('#session-context').textContent())!.trim();
    expect(context7715).toMatch(/^0x[0-9a-f]{64}$/);
    // The account was upgraded on the way, and the session shows in the popup with its countdown.
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'framework', { timeout: 15_000 });
    await popup.getByTestId('tab-sessions').click();
    await expect(popup.getByTestId('session-item').first()).toHaveAttribute('data-status', 'active');
    await expect(popup.getByTestId('session-status').first()).toHaveText(/\d+ min/);
    await shoot(popup, 'sessions-list-active');

    // Five moves in one batch: signed by the session key, no popup at all.
    const windows = countApprovalWindows(dapp);
    const scoreBefore = await gameScore(rpcUrl, deployment.contracts.DemoGame as `0x${string}`, owner.address);
    await dapp.click('#batch');
    await expect(dapp.locator('#batch-result')).toHaveAttribute('data-tone', 'ok', { timeout: 30_000 });
    expect(windows()).toBe(0);
    const scoreAfter = await gameScore(rpcUrl, deployment.contracts.DemoGame as `0x${string}`, owner.address);
    expect(scoreAfter - scoreBefore).toBe(5n);
    await shoot(dapp, 'dapp-session-batch');

    // wallet_showCallsStatus opens the wallet on its Activity tab with the bundle marked: signed by the session.
    const batchId = await dapp.evaluate(() => (window as unknown as { __dapp: { state: { lastBatch: { id: string } } } }).__dapp.state.lastBatch.id);
    const [activity] = await Promise.all([
      context.waitForEvent('page', (p) => p.url().includes('popup.html?tab=activity')),
      providerRequest(dapp, 'wallet_showCallsStatus', [batchId]),
    ]);
    await activity.setViewportSize({ width: 360, height: 600 });
    await expect(activity.locator('.activity.highlight')).toHaveAttribute('data-signer', 'session');
    await shoot(activity, 'activity-session-batch');
    await activity.close();

    // Out of scope (DemoToken.mint): the owner is asked. Reject -> 4001; approve -> mined.
    const reject = await approvalWindow(context, () => dapp.click('#out-of-scope'));
    await expect(reject.getByTestId('approval-why')).toContainText(/not|session/i);
    await expect(reject.getByTestId('approval-calls')).toContainText('mint');
    await shoot(reject, 'approval-out-of-scope');
    await decide(reject, 'reject');
    await expect(dapp.locator('#out-of-scope-result')).toHaveAttribute('data-code', '4001');
    const approve = await approvalWindow(context, () => dapp.click('#out-of-scope'));
    await decide(approve, 'approve');
    await expect(dapp.locator('#out-of-scope-result')).toHaveAttribute('data-tone', 'ok', { timeout: 30_000 });

    // Revoke: the chain shows the delegation disabled, and the next call needs the popup again.
    await dapp.click('#revoke');
    await expect(dapp.locator('#session-result')).toContainText(/revoked/i, { timeout: 30_000 });
    const disabled = await publicClient(rpcUrl).readContract({
      address: deployment.contracts.DelegationManager as `0x${string}`,
      abi: DISABLED_ABI,
      functionName: 'disabledDelegations',
      args: [context7715 as `0x${string}`],
    });
    expect(disabled).toBe(true);
    const after = await approvalWindow(context, () => dapp.click('#batch'));
    await expect(after.getByTestId('approval-calls')).toContainText('move');
    await decide(after, 'reject');
    await expect(popup.getByTestId('session-item').first()).toHaveAttribute('data-status', 'revoked', { timeout: 10_000 });
    await shoot(popup, 'sessions-list-revoked');

    // A forged context from this page for a session that is not active is not a way around the owner.
    expect(await providerRequest(dapp, 'wallet_revokePermissions', [{ permissionsContext: `0x${'ab'.repeat(32)}` }])).toMatchObject({ error: { code: -32602 } });
  });
});
