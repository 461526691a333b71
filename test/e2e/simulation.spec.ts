// Simulated balance changes before the owner approves a send (issue 13): the approval window shows
// what leaves and arrives, approvals, the fee, the account and the network, read from a simulation
// on the devnet; a call that would revert says so with its reason before approval; Activity keeps
// what was simulated next to the receipt.
import { encodeFunctionData, maxUint256, parseEther, type Address, type Hex } from 'viem';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, connectedOwner, decide, ownerWithSession, publicClient } from './helpers';

const DEMO_TOKEN = deployment.contracts.DemoToken as Address;
const DEMO_GAME = deployment.contracts.DemoGame as Address;
const SINK: Address = '0x000000000000000000000000000000000000dEaD';

test.describe('simulation in the approval window', () => {
  test('behavior: a batch with ETH, a DEMO mint and an unlimited approve shows the simulated changes, the fee, account and network; the chain then does exactly that; Activity shows them', async ({
    context,
    fresh,
    rpcUrl,
    shoot,
  }) => {
    test.setTimeout(150_000);
    const { key, owner, popup, dapp } = fresh;
    // A session for DemoGame.move upgrades the account (EIP-7702): the batch is one execute() transaction.
    await ownerWithSession(context, popup, dapp, key);
    const chain = publicClient(rpcUrl);
    const demoBefore = await chain.readContract({ address: DEMO_TOKEN, abi: DemoTokenAbi, functionName: 'balanceOf', args: [owner.address] });
    const sinkBefore = await chain.getBalance({ address: SINK });

    let answer: Promise<{ result?: unknown; error?: { code?: number } }> = Promise.resolve({});
    const window = await approvalWindow(context, async () => {
      answer = providerRequest(dapp, 'wallet_sendCalls', [
        {
          version: '2.0.0',
          chainId: '0x7a69',
          from: owner.address,
          calls: [
            { to: SINK, value: `0x${parseEther('1.5').toString(16)}` },
            { to: DEMO_TOKEN, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'mint', args: [owner.address, parseEther('20')] }) },
            { to: DEMO_TOKEN, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'approve', args: [DEMO_GAME, maxUint256] }) },
          ],
        },
      ]);
    });
    await expect(window.getByTestId('simulation')).toHaveAttribute('data-state', 'true', { timeout: 20_000 });
    await expect(window.getByTestId('simulation-change')).toHaveText(['You send 1.5 ETH', 'You receive 20 DEMO', 'DemoGame may spend all your DEMO']);
    await expect(window.getByTestId('simulation-change').nth(2)).toHaveAttribute('data-tone', 'danger');
    await expect(window.getByTestId('simulation-fee')).toHaveText(/^≈ 0\.\d+ ETH$/);
    await expect(window.getByTestId('simulation-account')).toHaveText(owner.address);
    await expect(window.getByTestId('simulation-network')).not.toBeEmpty();
    await expect(window.getByTestId('approval-approve')).toHaveText('Approve unlimited DEMO'); // the batch's unlimited approve names itself (danger.ts); it would not fail, so not 'Send anyway'
    await shoot(window, 'approval-simulated');
    await decide(window, 'approve');

    const { result } = await answer;
    const id = (result as { id: string }).id;
    await expect.poll(async () => (await providerRequest<{ status: number }>(dapp, 'wallet_getCallsStatus', [id])).result?.status, { timeout: 30_000 }).toBe(200);
    // The chain did what the window said.
    expect(await chain.readContract({ address: DEMO_TOKEN, abi: DemoTokenAbi, functionName: 'balanceOf', args: [owner.address] })).toBe(demoBefore + parseEther('20'));
    expect(await chain.getBalance({ address: SINK })).toBe(sinkBefore + parseEther('1.5'));
    expect(await chain.readContract({ address: DEMO_TOKEN, abi: DemoTokenAbi, functionName: 'allowance', args: [owner.address, DEMO_GAME] })).toBe(maxUint256);

    await popup.reload();
    await popup.getByTestId('tab-activity').click();
    const item = popup.getByTestId('activity-item').filter({ has: popup.getByTestId('activity-simulation') }).first();
    await expect(item.getByTestId('activity-simulation-change')).toHaveText(['You send 1.5 ETH', 'You receive 20 DEMO', 'DemoGame may spend all your DEMO']);
    await expect(item).toContainText(/Tx 0x/);
    await shoot(popup, 'popup-activity-simulated');
  });

  test('error: a call that would revert shows the decoded reason before approval and "Send anyway"; sending anyway is refused before signing (-32003, nonce unchanged)', async ({
    context,
    fresh,
    rpcUrl,
    shoot,
  }) => {
    test.setTimeout(120_000);
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const chain = publicClient(rpcUrl);
    const nonce = await chain.getTransactionCount({ address: owner.address });

    let answer: Promise<{ result?: unknown; error?: { code?: number; message?: string } }> = Promise.resolve({});
    const window = await approvalWindow(context, async () => {
      // DemoGame.buyItem costs 0.001 ETH; 1 wei reverts with WrongPayment(1, 1000000000000000).
      answer = providerRequest(dapp, 'eth_sendTransaction', [
        { from: owner.address, to: DEMO_GAME, value: '0x1', data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'buyItem', args: [1n] }) as Hex },
      ]);
    });
    await expect(window.getByTestId('simulation-revert')).toBeVisible({ timeout: 20_000 });
    await expect(window.getByTestId('simulation-revert')).toContainText('This transaction would fail');
    await expect(window.getByTestId('simulation-revert-reason')).toHaveText('Reason: WrongPayment(1, 1000000000000000)');
    await expect(window.getByTestId('approval-approve')).toHaveText('Send anyway');
    await shoot(window, 'approval-simulated-revert');
    await decide(window, 'approve');

    const { error } = await answer;
    expect(error?.code).toBe(-32003);
    expect(error?.message).toMatch(/would revert/);
    expect(await chain.getTransactionCount({ address: owner.address })).toBe(nonce);
  });
});
