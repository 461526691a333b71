import { encodeFunctionData, type Hex } from 'viem';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, connectedOwner, decide, gameScore, grantMoveFromPopup, publicClient } from './helpers';

const GAME = deployment.contracts.DemoGame as Hex;
const move = { to: GAME, data: encodeFunctionData({ abi: [{ type: 'function', name: 'move', stateMutability: 'nonpayable', inputs: [{ type: 'uint8' }], outputs: [] }], functionName: 'move', args: [3] }) };
const DISABLED_ABI = [{ type: 'function', name: 'disabledDelegations', stateMutability: 'view', inputs: [{ type: 'bytes32' }], outputs: [{ type: 'bool' }] }] as const;

let revertTo: (() => Promise<void>) | null = null;
test.afterEach(async () => {
  await revertTo?.();
  revertTo = null;
});

test.describe('sessions from the popup', () => {
  test('grant in the popup, countdown, used by the site without a popup, revoke disables it on chain', async ({ context, fresh, dappUrl, rpcUrl, shoot }) => {
    test.setTimeout(120_000);
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    await grantMoveFromPopup(popup, new URL(dappUrl).origin, { callLimit: 10 });
    await shoot(popup, 'sessions-grant-form');
    await popup.getByTestId('grant-submit').click();
    const item = popup.getByTestId('session-item').first();
    await expect(item).toHaveAttribute('data-status', 'active', { timeout: 30_000 });
    await expect(item.getByTestId('session-status')).toHaveText(/1[45] min/);
    await expect(item.getByTestId('session-gauges')).toContainText('10 calls left');
    const sessionId = (await item.getAttribute('data-session-id')) as Hex;

    // The site's call is covered: no popup, and the calls-left gauge moves.
    const before = await gameScore(rpcUrl, GAME, owner.address);
    const opened: string[] = [];
    context.on('page', (p) => opened.push(p.url()));
    const sent = (await providerRequest(dapp, 'wallet_sendCalls', [{ version: '2.0.0', chainId: '0x7a69', from: owner.address, atomicRequired: true, calls: [move, move] }])) as { result: { id: Hex } };
    expect(sent.result.id).toMatch(/^0x/);
    await expect.poll(() => gameScore(rpcUrl, GAME, owner.address)).toBe(before + 2n);
    expect(opened.filter((u) => u.includes('approval.html'))).toHaveLength(0);
    await expect(item.getByTestId('session-gauges')).toContainText('8 calls left', { timeout: 10_000 });
    await shoot(popup, 'sessions-popup-granted');

    // Revoke from the popup: progress, then revoked with the on-chain result.
    await item.getByTestId('session-revoke').click();
    await expect(item).toHaveAttribute('data-status', 'revoked', { timeout: 30_000 });
    await expect(item.getByTestId('session-revoke-tx')).toContainText('disableDelegation tx');
    // The unspent gas stipend went back to the owner (the session key keeps less than a transfer's fee).
    await expect(item.getByTestId('session-sweep-tx')).toContainText('gas stipend returned');
    const sessionKey = (await item.getAttribute('data-session-key')) as Hex;
    expect(await publicClient(rpcUrl).getBalance({ address: sessionKey })).toBeLessThan(10n ** 15n);
    expect(await publicClient(rpcUrl).readContract({ address: deployment.contracts.DelegationManager as Hex, abi: DISABLED_ABI, functionName: 'disabledDelegations', args: [sessionId] })).toBe(true);
    await shoot(popup, 'sessions-popup-revoked');
  });

  test('after the chain passes the expiry, calls need the owner again and the session shows as expired', async ({ context, fresh, dappUrl, rpcUrl }) => {
    test.setTimeout(120_000);
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    await grantMoveFromPopup(popup, new URL(dappUrl).origin);
    await popup.getByTestId('grant-submit').click();
    await expect(popup.getByTestId('session-item').first()).toHaveAttribute('data-status', 'active', { timeout: 30_000 });

    // Sixteen minutes later on chain (reverted at the end so later tests see the chain's clock undisturbed).
    const client = publicClient(rpcUrl);
    const snapshot = await client.request({ method: 'evm_snapshot' as never, params: [] as never });
    test.info().attach('snapshot', { body: String(snapshot) });
    revertTo = async () => void (await client.request({ method: 'evm_revert' as never, params: [snapshot] as never }));
    await client.request({ method: 'evm_increaseTime' as never, params: [16 * 60] as never });
    await client.request({ method: 'evm_mine' as never, params: [] as never });

    let sent: Promise<unknown> = Promise.resolve();
    const asked = await approvalWindow(context, async () => {
      sent = providerRequest(dapp, 'wallet_sendCalls', [{ version: '2.0.0', chainId: '0x7a69', from: owner.address, calls: [move] }]);
    });
    await expect(asked.getByTestId('approval-why')).toContainText(/expire/i);
    await decide(asked, 'reject');
    expect(await sent).toMatchObject({ error: { code: 4001 } });
    await expect(popup.getByTestId('session-item').first()).toHaveAttribute('data-status', 'expired', { timeout: 15_000 });
  });
});
