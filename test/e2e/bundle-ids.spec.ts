// EIP-5792 bundle ids belong to the origin that made them. A dApp may choose its own ids
// (`wallet_sendCalls` with `id`); another site must neither learn them (a 5720 "duplicate" answer
// told it which ids exist) nor take them first (the owner of the id was then refused its own).
import type { Page } from '@playwright/test';
import { numberToHex, type Address } from 'viem';
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, connectedOwner, decide, publicClient } from './helpers';

const A_SINK: Address = '0x000000000000000000000000000000000000a001';
const B_SINK: Address = '0x000000000000000000000000000000000000b002';

test.describe('bundle ids', () => {
  test("behavior: a dApp's chosen bundle id is its own: another origin's same id is no duplicate, and status answers each origin with its own bundle", async ({ context, fresh, dappUrl2, rpcUrl }) => {
    const { key, owner, popup, dapp: siteA } = fresh;
    await connectedOwner(context, popup, siteA, key);
    const siteB = await context.newPage();
    await siteB.goto(dappUrl2);
    await decide(await approvalWindow(context, () => siteB.click('#connect')), 'approve');

    const send = async (page: typeof siteA, id: string, to: Address) => {
      const answer = providerRequest(page, 'wallet_sendCalls', [{ version: '2.0.0', id, chainId: numberToHex(31337), from: owner.address, calls: [{ to, value: '0x1' }] }]);
      // The owner approves the window if one opens; a refusal answers without one.
      const opened = await Promise.race([answer.then(() => null), context.waitForEvent('page', (p) => p.url().includes('/approval.html')).catch(() => null)]);
      if (opened) {
        await opened.waitForLoadState();
        await decide(opened, 'approve');
      }
      return answer;
    };

    // Site B takes the id site A will use next.
    expect(await send(siteB, 'order-2', B_SINK)).toEqual({ result: { id: 'order-2' } });
    // Site A can still use it: not a duplicate for A, and A learns nothing about B's ids.
    expect(await send(siteA, 'order-2', A_SINK)).toEqual({ result: { id: 'order-2' } });
    // The same origin twice is a duplicate (EIP-5792 5720), and no window opens for it.
    expect(await providerRequest(siteB, 'wallet_sendCalls', [{ version: '2.0.0', id: 'order-2', chainId: numberToHex(31337), from: owner.address, calls: [{ to: B_SINK, value: '0x1' }] }])).toMatchObject({ error: { code: 5720 } });

    // Each origin's status is its own bundle, under its own id.
    const statusOf = async (page: typeof siteA) => {
      await expect.poll(async () => ((await providerRequest<{ status: number }>(page, 'wallet_getCallsStatus', ['order-2'])).result?.status), { timeout: 20_000 }).toBe(200);
      return (await providerRequest<{ id: string; receipts: { transactionHash: `0x${string}` }[] }>(page, 'wallet_getCallsStatus', ['order-2'])).result!;
    };
    const a = await statusOf(siteA);
    const b = await statusOf(siteB);
    expect(a.id).toBe('order-2');
    expect(b.id).toBe('order-2');
    expect(a.receipts[0]!.transactionHash).not.toBe(b.receipts[0]!.transactionHash);
    const client = publicClient(rpcUrl);
    expect((await client.getTransaction({ hash: a.receipts[0]!.transactionHash })).to?.toLowerCase()).toBe(A_SINK);
    expect((await client.getTransaction({ hash: b.receipts[0]!.transactionHash })).to?.toLowerCase()).toBe(B_SINK);

    // An id only another origin used is unknown (5730), for status and for showCallsStatus alike.
    expect(await send(siteA, 'only-a', A_SINK)).toEqual({ result: { id: 'only-a' } });
    expect(await providerRequest(siteB, 'wallet_getCallsStatus', ['only-a'])).toMatchObject({ error: { code: 5730 } });
    expect(await providerRequest(siteB, 'wallet_showCallsStatus', ['only-a'])).toMatchObject({ error: { code: 5730 } });
  });

  test('behavior: wallet_showCallsStatus called 10 times shows one window, pointed at the bundle, and opens a new one only after it was closed', async ({ context, fresh, shoot }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const ids: string[] = [];
    for (const to of [A_SINK, B_SINK]) {
      let answer: Promise<{ result?: { id: string } }> = Promise.resolve({});
      const asked = await approvalWindow(context, async () => {
        answer = providerRequest<{ id: string }>(dapp, 'wallet_sendCalls', [{ version: '2.0.0', chainId: numberToHex(31337), from: owner.address, calls: [{ to, value: '0x1' }] }]);
      });
      await decide(asked, 'approve');
      ids.push((await answer).result!.id);
    }

    const statusWindows: Page[] = [];
    context.on('page', (p) => {
      if (p.url().includes('popup.html?tab=activity')) statusWindows.push(p);
    });
    const answers = await dapp.evaluate(async (ids) => {
      const eth = (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum;
      return Promise.all(Array.from({ length: 10 }, (_, i) => eth.request({ method: 'wallet_showCallsStatus', params: [ids[i % 2]] })));
    }, ids);
    expect(answers).toEqual(Array(10).fill(null));
    await expect.poll(() => statusWindows.length).toBeGreaterThan(0);
    expect(await providerRequest(dapp, 'eth_chainId')).toEqual({ result: '0x7a69' }); // one more round trip
    expect(statusWindows).toHaveLength(1);

    // The one window shows the bundle asked for last.
    const [shown] = statusWindows;
    await providerRequest(dapp, 'wallet_showCallsStatus', [ids[0]]);
    await expect(shown!).toHaveURL(new RegExp(`bundle=${ids[0]}`));
    await shown!.setViewportSize({ width: 360, height: 600 });
    await expect(shown!.locator('.activity.highlight')).toHaveCount(1);
    await shoot(shown!, 'activity-show-calls-status-reused');
    expect(statusWindows).toHaveLength(1);

    // Closed by the owner: the next call opens a new one.
    await shown!.close();
    const [again] = await Promise.all([context.waitForEvent('page', (p) => p.url().includes('popup.html?tab=activity')), providerRequest(dapp, 'wallet_showCallsStatus', [ids[1]])]);
    await expect(again).toHaveURL(new RegExp(`bundle=${ids[1]}`));
  });
});

