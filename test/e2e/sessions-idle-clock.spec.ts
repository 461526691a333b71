// Sessions on a devnet that mines no blocks for a while (issue 13): the session clock is the later
// of the latest block and the wall clock (chains/clock.ts), so a one-minute session granted while
// the chain's last block is two minutes old is not "expired" at once, is used by the site within
// its minute with no window, and its countdown in the popup moves every second. The idle chain is
// made without waiting: anvil's clock is set two minutes back for one block, then back to now
// without mining; the popup's clock is Playwright's, moved tick by tick. The devnet is put back
// (snapshot/revert, clock included) for the specs after this one.
import { encodeFunctionData, type Hex } from 'viem';
import type { Page } from '@playwright/test';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { expect, providerRequest, test } from './fixtures';
import { connectedOwner, gameScore, publicClient } from './helpers';

const GAME = deployment.contracts.DemoGame as Hex;
const move = { to: GAME, data: encodeFunctionData({ abi: [{ type: 'function', name: 'move', stateMutability: 'nonpayable', inputs: [{ type: 'uint8' }], outputs: [] }], functionName: 'move', args: [1] }) };

let revertTo: (() => Promise<void>) | null = null;
test.afterEach(async () => {
  await revertTo?.();
  revertTo = null;
});

/** The seconds the session's pill shows ("1 min 0 s", "42 s"). */
async function secondsShown(popup: Page): Promise<number> {
  const text = (await popup.getByTestId('session-item').first().getByTestId('session-status').textContent()) ?? '';
  const m = /^(?:(\d+) min )?(\d+) s$/.exec(text.trim());
  if (!m) throw new Error(`the session pill reads "${text}", not a countdown`);
  return Number(m[1] ?? 0) * 60 + Number(m[2]);
}

test.describe('sessions on an idle devnet', () => {
  test('behavior: a new 1-minute session works within its minute, with no window, and its countdown moves every second', async ({ context, fresh, dappUrl, rpcUrl, shoot }) => {
    test.setTimeout(120_000);
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);

    // No block for two minutes: one block stamped two minutes ago, then anvil's clock back to now, unmined.
    const client = publicClient(rpcUrl);
    const rpc = (method: string, params: unknown[] = []) => client.request({ method: method as never, params: params as never });
    const snapshot = await rpc('evm_snapshot');
    revertTo = async () => void (await rpc('evm_revert', [snapshot]));
    await rpc('anvil_setTime', [Math.floor(Date.now() / 1000) - 120]);
    await rpc('evm_mine');
    await rpc('anvil_setTime', [Math.floor(Date.now() / 1000)]);
    const idleSince = Number((await client.getBlock()).timestamp);
    expect(Math.floor(Date.now() / 1000) - idleSince).toBeGreaterThanOrEqual(119);

    // A one-minute session for the site, from the popup.
    await popup.getByTestId('tab-sessions').click();
    await popup.getByTestId('grant-open').click();
    await popup.getByTestId('grant-origin').fill(new URL(dappUrl).origin);
    await popup.getByRole('button', { name: 'Custom' }).click();
    await popup.getByTestId('grant-minutes').fill('1');
    await popup.getByTestId('grant-fn-move').check();
    await popup.getByTestId('grant-fn-buyItem').uncheck();
    await popup.getByTestId('grant-submit').click();
    const item = popup.getByTestId('session-item').first();
    await expect(item).toHaveAttribute('data-status', 'active', { timeout: 30_000 });
    // Its minute counts from now, not from the two-minute-old block.
    await expect(item.getByTestId('session-status')).toHaveText(/^(1 min 0 s|[3-5]\d s)$/);

    // Within its minute the site's call is signed by the session: no window, the move is on chain.
    const before = await gameScore(rpcUrl, GAME, owner.address);
    const opened: string[] = [];
    context.on('page', (p) => opened.push(p.url()));
    const sent = (await providerRequest(dapp, 'wallet_sendCalls', [{ version: '2.0.0', chainId: '0x7a69', from: owner.address, atomicRequired: true, calls: [move] }])) as { result?: { id: Hex }; error?: unknown };
    expect(sent.error).toBeUndefined();
    expect(sent.result?.id).toMatch(/^0x/);
    await expect.poll(() => gameScore(rpcUrl, GAME, owner.address)).toBe(before + 1n);
    expect(opened.filter((u) => u.includes('approval.html'))).toHaveLength(0);

    // The chain is idle again (nothing mined since). A popup whose clock the test moves, tick by tick.
    await context.clock.install({ time: Date.now() });
    const watched = await context.newPage();
    await watched.setViewportSize({ width: 360, height: 600 });
    await watched.goto(popup.url());
    await watched.getByTestId('tab-sessions').click();
    await expect(watched.getByTestId('session-item').first()).toHaveAttribute('data-status', 'active');
    await context.clock.pauseAt(Date.now() + 1000);
    const first = await secondsShown(watched);
    await context.clock.runFor(1000);
    await expect.poll(() => secondsShown(watched)).toBe(first - 1);
    await context.clock.runFor(1000);
    await expect.poll(() => secondsShown(watched)).toBe(first - 2);
    // Across the list's next read (every 5 s): the chain has still not mined, and the countdown goes on.
    await context.clock.runFor(4000);
    await expect.poll(() => secondsShown(watched)).toBe(first - 6);
    await watched.waitForLoadState('networkidle');
    await context.clock.runFor(1000);
    await expect.poll(() => secondsShown(watched)).toBe(first - 7);
    await shoot(watched, 'sessions-idle-countdown');
  });
});
