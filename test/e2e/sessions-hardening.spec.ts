import { encodeFunctionData, numberToHex, type Hex } from 'viem';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, decide, gameScore, ownerWithSession, watchServiceWorker } from './helpers';

const GAME = deployment.contracts.DemoGame as Hex;
const moveCall = (direction: number) => ({
  to: GAME,
  data: encodeFunctionData({ abi: [{ type: 'function', name: 'move', stateMutability: 'nonpayable', inputs: [{ type: 'uint8' }], outputs: [] }], functionName: 'move', args: [direction] }),
});

test.describe('session hardening', () => {
  test('another origin cannot use the session, even naming its context or forging origin fields', async ({ context, fresh, dappUrl, dappUrl2, rpcUrl }) => {
    const { key, owner, popup, dapp } = fresh;
    const sessionContext = await ownerWithSession(context, popup, dapp, key);

    const evil = await context.newPage();
    await evil.goto(dappUrl2);
    const send = (page = evil) =>
      providerRequest(page, 'wallet_sendCalls', [
        { version: '2.0.0', chainId: numberToHex(31337), from: owner.address, atomicRequired: true, calls: [moveCall(1)], capabilities: { permissions: { context: sessionContext } } },
      ]);
    // Not connected: refused outright.
    expect(await send()).toMatchObject({ error: { code: 4100 } });

    // Forged origin fields in the raw message to the bridge change nothing: the background reads the sender.
    const forged = await evil.evaluate(
      ([origin, ctx, from, call]) =>
        new Promise((resolve) => {
          window.addEventListener('message', (e) => {
            if (e.data?.channel === 'session-key-wallet' && e.data.kind === 'response' && e.data.id === 'forged') resolve(e.data.error ?? e.data.result);
          });
          window.postMessage(
            {
              channel: 'session-key-wallet',
              kind: 'request',
              id: 'forged',
              origin,
              sender: { origin, url: `${origin}/` },
              request: { method: 'wallet_sendCalls', origin, params: [{ version: '2.0.0', chainId: '0x7a69', from, calls: [call], capabilities: { permissions: { context: ctx } } }] },
            },
            location.origin,
          );
        }),
      [new URL(dappUrl).origin, sessionContext, owner.address, moveCall(1)] as const,
    );
    expect(forged).toMatchObject({ code: 4100 });

    // Connected too, the second origin still cannot ride the first one's session: the owner is asked.
    await decide(await approvalWindow(context, () => evil.click('#connect')), 'approve');
    const before = await gameScore(rpcUrl, GAME, owner.address);
    let sent: Promise<unknown> = Promise.resolve();
    const asked = await approvalWindow(context, async () => {
      sent = send(); // answered only once the owner decides
    });
    await expect(asked.getByTestId('approval-origin')).toHaveText(new URL(dappUrl2).origin);
    await expect(asked.getByTestId('approval-why')).toContainText(/another site|no active session/i);
    await decide(asked, 'reject');
    expect(await sent).toMatchObject({ error: { code: 4001 } });
    expect(await gameScore(rpcUrl, GAME, owner.address)).toBe(before);
  });

  test('the worker stopped in the middle of session calls: each completes exactly once', async ({ context, fresh, rpcUrl }) => {
    test.setTimeout(120_000);
    const { key, owner, popup, dapp } = fresh;
    const sessionContext = await ownerWithSession(context, popup, dapp, key);
    const worker = await watchServiceWorker(context, popup);

    const windows: string[] = [];
    context.on('page', (p) => windows.push(p.url()));
    let answeredByNewWorker = 0;
    for (const delayMs of [0, 5, 15, 30, 60, 120]) {
      const before = await gameScore(rpcUrl, GAME, owner.address);
      // Start a 3-call session bundle, stop the worker `delayMs` later, and let the bridge replay it.
      const pending = providerRequest(dapp, 'wallet_sendCalls', [
        { version: '2.0.0', chainId: '0x7a69', from: owner.address, atomicRequired: true, calls: [moveCall(0), moveCall(1), moveCall(2)], capabilities: { permissions: { context: sessionContext } } },
      ]);
      let answeredAt = 0;
      void pending.then(() => (answeredAt = Date.now()));
      await new Promise((r) => setTimeout(r, delayMs));
      await worker.stop();
      const stoppedAt = Date.now();
      const answer = (await pending) as { result?: { id: Hex }; error?: unknown };
      // Answered after the stop: the request was in flight when its worker died, and was replayed.
      if (answeredAt >= stoppedAt) answeredByNewWorker++;
      expect(answer.error, `delay ${delayMs} ms`).toBeUndefined();
      const status = await providerRequest(dapp, 'wallet_getCallsStatus', [answer.result!.id]);
      await expect.poll(async () => ((await providerRequest(dapp, 'wallet_getCallsStatus', [answer.result!.id])) as { result: { status: number } }).result.status).toBe(200);
      expect(status).toHaveProperty('result');
      // Exactly once: three moves, not zero and not six.
      expect(await gameScore(rpcUrl, GAME, owner.address), `delay ${delayMs} ms`).toBe(before + 3n);
    }
    expect(windows.filter((u) => u.includes('/approval.html'))).toHaveLength(0);
    console.log(`worker stopped mid-request in ${answeredByNewWorker} of 6 trials; every bundle ran exactly once`);
    expect(answeredByNewWorker).toBeGreaterThan(0);
  });
});
