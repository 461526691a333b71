// The wallet in Firefox ESR (the MV3 build: an event page, not a service worker), end to end on the
// e2e devnet and the demo dApp. One browser for the whole file, since Firefox takes 10-40 s to start
// on a loaded 2-core machine: the tests run in order and build on each other (owner, connection,
// session), as a user would.
import { encodeFunctionData, parseEther, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { E2E_DAPP_PORT, E2E_DEVNET_PORT } from '../../scripts/lib/test-env';
import { gameScore, publicClient } from '../e2e/helpers';
import { byTestId, click, decide, importOwner, launchFirefoxWallet, request, shoot, textOf, waitFor, waitForMatch, type FirefoxWallet } from './harness';

const RPC_URL = `http://127.0.0.1:${E2E_DEVNET_PORT}`;
const DAPP_URL = `http://127.0.0.1:${E2E_DAPP_PORT}/`;
const GAME = deployment.contracts.DemoGame as Address;
const DISABLED_ABI = [{ type: 'function', name: 'disabledDelegations', stateMutability: 'view', inputs: [{ type: 'bytes32' }], outputs: [{ type: 'bool' }] }] as const;
const MOVE_ABI = [{ type: 'function', name: 'move', stateMutability: 'nonpayable', inputs: [{ type: 'uint8' }], outputs: [] }] as const;
const moveCall = (direction: number) => ({ to: GAME, data: encodeFunctionData({ abi: MOVE_ABI, functionName: 'move', args: [direction] }) });

const key = generatePrivateKey();
const owner = privateKeyToAccount(key);
let ff: FirefoxWallet;
let popup: Page;
let dapp: Page;
let sessionContext: Hex;

beforeAll(async () => {
  ff = await launchFirefoxWallet();
  console.log(`Firefox ${ff.version}`);
}, 120_000);

afterAll(async () => {
  await ff?.close();
});

describe('Firefox: the provider', () => {
  test('behavior: window.ethereum exists before the first page script, and EIP-6963 announces it', async () => {
    dapp = await ff.openPage(DAPP_URL);
    expect(await dapp.evaluate(() => (window as unknown as { __hadEthereumAtParse: boolean }).__hadEthereumAtParse)).toBe(true);
    const announced = await dapp.evaluate(() => {
      const seen: { name: string; rdns: string; uuid: string; isWindowEthereum: boolean }[] = [];
      window.addEventListener('eip6963:announceProvider', (e) => {
        const { info, provider } = (e as CustomEvent).detail;
        seen.push({ name: info.name, rdns: info.rdns, uuid: info.uuid, isWindowEthereum: provider === (window as unknown as { ethereum: unknown }).ethereum });
      });
      window.dispatchEvent(new Event('eip6963:requestProvider'));
      return seen;
    });
    expect(announced).toContainEqual(expect.objectContaining({ name: 'Session Key Wallet', rdns: 'app.sessionkeywallet', isWindowEthereum: true }));
  });

  test('behavior: eth_chainId answers the devnet through the background', async () => {
    expect(await request(dapp, 'eth_chainId')).toEqual({ result: '0x7a69' });
  });

  test('error: an unknown method is 4200', async () => {
    expect(await request(dapp, 'wallet_noSuchMethod')).toMatchObject({ error: { code: 4200 } });
  });
});

describe('Firefox: the owner', () => {
  test('behavior: onboarding by import in the popup shows the account and its test ETH', async () => {
    popup = await ff.openExtensionPage('popup.html');
    await importOwner(popup, key);
    expect(await popup.$eval(byTestId('account-address'), (el) => el.getAttribute('title'))).toBe(owner.address);
    await click(popup, byTestId('fund-devnet'));
    await waitForMatch(popup, byTestId('account-balance'), /^100 ETH/);
    await shoot(popup, 'popup-account');
  });

  test('behavior: connect, then eth_sendTransaction approved in the approval window is mined', async () => {
    await decide(await ff.approvalWindow(() => click(dapp, '#connect')), 'approve');
    await waitForMatch(dapp, '#account', new RegExp(owner.address, 'i'));

    const to = privateKeyToAccount(generatePrivateKey()).address;
    let sent!: Promise<unknown>;
    const approval = await ff.approvalWindow(async () => {
      sent = request(dapp, 'eth_sendTransaction', [{ from: owner.address, to, value: `0x${parseEther('0.25').toString(16)}` }]);
    });
    const text = await textOf(approval, byTestId('approval-card'));
    expect(text).toContain('0.25');
    await shoot(approval, 'approval-send');
    await decide(approval, 'approve');
    const answer = (await sent) as { result?: Hex; error?: unknown };
    expect(answer.error).toBeUndefined();
    const receipt = await publicClient(RPC_URL).waitForTransactionReceipt({ hash: answer.result! });
    expect(receipt.status).toBe('success');
    expect(await publicClient(RPC_URL).getBalance({ address: to })).toBe(parseEther('0.25'));
  });
});

describe('Firefox: sessions', () => {
  test('behavior: a granted session covers five moves with no window (score +5 on chain)', async () => {
    const grant = await ff.approvalWindow(() => click(dapp, '#grant'));
    expect(await grant.$eval(byTestId('approval-card'), (el) => el.getAttribute('data-kind'))).toBe('grantPermissions');
    await shoot(grant, 'approval-grant');
    await decide(grant, 'approve');
    await waitForMatch(dapp, '#session-result', /^ok$/, { attribute: 'data-tone', timeoutMs: 60_000 });
    sessionContext = (await textOf(dapp, '#session-context')) as Hex;
    expect(sessionContext).toMatch(/^0x[0-9a-f]{64}$/);

    const windows = ff.countWindows();
    const before = await gameScore(RPC_URL, GAME, owner.address);
    await click(dapp, '#batch');
    await waitForMatch(dapp, '#batch-result', /^ok$/, { attribute: 'data-tone', timeoutMs: 60_000 });
    expect(await gameScore(RPC_URL, GAME, owner.address)).toBe(before + 5n);
    expect(windows()).toBe(0);
  });

  test('behavior: the event page stopped in the middle of session calls: each bundle runs exactly once', async () => {
    const windows = ff.countWindows();
    let answeredAfterStop = 0;
    for (const delayMs of [0, 10, 40, 120]) {
      const before = await gameScore(RPC_URL, GAME, owner.address);
      const pending = request<{ id: string }>(dapp, 'wallet_sendCalls', [
        { version: '2.0.0', chainId: '0x7a69', from: owner.address, atomicRequired: true, calls: [moveCall(0), moveCall(1), moveCall(2)], capabilities: { permissions: { context: sessionContext } } },
      ]);
      let answeredAt = Infinity;
      void pending.then(() => (answeredAt = Date.now()));
      await new Promise((r) => setTimeout(r, delayMs));
      await ff.background.terminate();
      const stoppedAt = Date.now();
      const answer = await pending;
      if (answeredAt >= stoppedAt) answeredAfterStop++;
      expect(answer.error, `delay ${delayMs} ms`).toBeUndefined();
      await expect
        .poll(async () => ((await request<{ status: number }>(dapp, 'wallet_getCallsStatus', [answer.result!.id])).result?.status), { timeout: 30_000 })
        .toBe(200);
      // Exactly once: three moves, not zero and not six.
      expect(await gameScore(RPC_URL, GAME, owner.address), `delay ${delayMs} ms`).toBe(before + 3n);
    }
    console.log(`event page stopped mid-request in ${answeredAfterStop} of 4 trials; every bundle ran exactly once`);
    expect(answeredAfterStop).toBeGreaterThan(0);
    expect(windows()).toBe(0);
  });

  test("behavior: Firefox's idle timeout suspends the event page; the next session call wakes it and signs with no window", async () => {
    await popup.close(); // an open wallet page calls the background every few seconds, as a person's would
    await ff.background.setIdleTimeout(1_000);
    try {
      // A running page keeps the timer it armed with the old timeout: stop it once, and the next
      // event starts a page whose idle timer uses the new one.
      await ff.background.terminate();
      expect(await request(dapp, 'eth_chainId')).toEqual({ result: '0x7a69' });
      await waitFor('the event page to be suspended', async () => ((await ff.background.state()) === 'stopped' ? true : undefined), 30_000);
      const windows = ff.countWindows();
      const before = await gameScore(RPC_URL, GAME, owner.address);
      const answer = await request<{ id: string }>(dapp, 'wallet_sendCalls', [
        { version: '2.0.0', chainId: '0x7a69', from: owner.address, atomicRequired: true, calls: [moveCall(3), moveCall(0)], capabilities: { permissions: { context: sessionContext } } },
      ]);
      expect(answer.error).toBeUndefined();
      await expect
        .poll(async () => ((await request<{ status: number }>(dapp, 'wallet_getCallsStatus', [answer.result!.id])).result?.status), { timeout: 30_000 })
        .toBe(200);
      expect(await gameScore(RPC_URL, GAME, owner.address)).toBe(before + 2n);
      expect(windows()).toBe(0);
    } finally {
      await ff.background.setIdleTimeout(30_000);
    }
  });

  test('behavior: revoke disables the session on chain, and the next batch asks the owner', async () => {
    await click(dapp, '#revoke');
    await waitForMatch(dapp, '#session-result', /revoked/i, { timeoutMs: 60_000 });
    const disabled = await publicClient(RPC_URL).readContract({
      address: deployment.contracts.DelegationManager as Address,
      abi: DISABLED_ABI,
      functionName: 'disabledDelegations',
      args: [sessionContext],
    });
    expect(disabled).toBe(true);
    const before = await gameScore(RPC_URL, GAME, owner.address);
    const asked = await ff.approvalWindow(() => click(dapp, '#batch'));
    expect(await textOf(asked, byTestId('approval-calls'))).toContain('move');
    await decide(asked, 'reject');
    await waitForMatch(dapp, '#batch-result', /^4001$/, { attribute: 'data-code' });
    expect(await gameScore(RPC_URL, GAME, owner.address)).toBe(before);
  });
});
