// The extension on the Alchemy backend, pointed at the local Wallet API stand-in (test/alchemy/):
// Settings switches the devnet to Alchemy (a wrong key is refused there), the demo dApp is granted a
// session through ERC-7715, five calls go through the session with no popup and their status comes
// from Alchemy, an out-of-scope call and a message signature are the owner's (approved in a popup),
// revoke ends the session.
// Along the way every HTTP request is recorded (the pages through Playwright, the chain's RPC
// through a recording proxy, the Wallet API by the stand-in) to prove the API key travels only to the
// Wallet API, in its Authorization header, and lies in no storage area in plain text.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Address, Hex } from 'viem';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { startWalletApiServer, type WalletApiServer } from '../alchemy/server';
import { closeServer } from './fake-rpc';
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, codeAt, connectedOwner, countApprovalWindows, decide, gameScore } from './helpers';

const API_KEY = 'e2eAlchemyKey_0123456789abcdefXYZ';
const WRONG_KEY = 'wrongAlchemyKey_0123456789abcdefX';
const POLICY_ID = '6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab';
const GAME = deployment.contracts.DemoGame as Address;
const DELEGATOR = deployment.contracts.EIP7702StatelessDeleGatorImpl as Address;

/** An HTTP proxy in front of the chain's RPC that keeps every request it forwards. */
async function recordingProxy(target: string) {
  const seen: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({ url: req.url ?? '', headers: { ...req.headers }, body });
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST, GET, OPTIONS' };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    try {
      const answer = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...cors }).end(await answer.text());
    } catch {
      res.writeHead(502, cors).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => closeServer(server) };
}

test.describe('the Alchemy backend', () => {
  let server: WalletApiServer;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;

  test.beforeAll(async () => {
    const rpcUrl = process.env.E2E_RPC_URL!;
    server = await startWalletApiServer({ rpcUrl, apiKey: API_KEY, pendingPolls: 1 });
    proxy = await recordingProxy(rpcUrl);
  });
  test.afterAll(async () => {
    await server?.close();
    await proxy?.close();
  });

  test('settings, grant from the dApp, calls with no popup, status, owner call, revoke; the key goes nowhere else', async ({ context, fresh, rpcUrl, shoot, serviceWorker }) => {
    test.setTimeout(150_000);
    serviceWorker.on('console', (m) => console.log('[sw]', m.text()));
    const pageRequests: { url: string; headers: Record<string, string>; body: string }[] = [];
    context.on('request', (r) => pageRequests.push({ url: r.url(), headers: r.headers(), body: r.postData() ?? '' }));

    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    // The devnet's RPC goes through the recording proxy from here on.
    const set = await popup.evaluate(
      (url) => (globalThis as unknown as { chrome: { runtime: { sendMessage: (m: unknown) => Promise<{ ok: boolean }> } } }).chrome.runtime.sendMessage({ type: 'wallet-api', method: 'network.setRpc', params: { chainId: 31337, rpcUrl: url } }),
      proxy.url,
    );
    expect(set.ok).toBe(true);

    // Settings: a wrong key is refused when saved, with Alchemy's reason in words; the right one is accepted.
    await popup.getByTestId('tab-settings').click();
    const card = popup.getByTestId('backend-card');
    await expect(card).toHaveAttribute('data-kind', 'delegation');
    await card.getByTestId('backend-kind').selectOption('alchemy');
    await card.getByTestId('backend-apiKey').fill(WRONG_KEY);
    await card.getByTestId('backend-policyId').fill(POLICY_ID);
    await card.getByTestId('backend-url').fill(server.url);
    await card.getByTestId('backend-save').click();
    await expect(card.getByTestId('backend-error')).toContainText('Alchemy refused the API key');
    await expect(card).toHaveAttribute('data-kind', 'delegation');
    await card.getByTestId('backend-apiKey').fill(API_KEY);
    await card.getByTestId('backend-save').click();
    await expect(card.getByTestId('backend-saved')).toContainText('now uses Alchemy');
    await expect(card).toHaveAttribute('data-kind', 'alchemy');
    // The key is never shown again: only its last four characters.
    await expect(card.getByTestId('backend-apiKey')).toHaveValue('');
    await expect(card).toContainText(`ending …${API_KEY.slice(-4)}`);
    await shoot(popup, 'settings-backend-alchemy');
    await popup.getByTestId('tab-account').click();
    await expect(popup.getByTestId('network-backend')).toContainText('Alchemy Wallet API');
    await shoot(popup, 'account-alchemy-backend');

    // Grant from the dApp (ERC-7715): Alchemy upgrades the account (7702) and creates the session.
    expect(await codeAt(rpcUrl, owner.address)).toBeUndefined();
    const grant = await approvalWindow(context, () => dapp.click('#grant'));
    await expect(grant.getByTestId('grant-backend')).toContainText("Alchemy's Wallet API");
    await shoot(grant, 'approval-grant-alchemy');
    await decide(grant, 'approve');
    await expect(dapp.locator('#session-result')).toHaveAttribute('data-tone', 'ok', { timeout: 60_000 });
    const permissionsContext = (await dapp.locator('#session-context').textContent())!.trim() as Hex;
    expect(permissionsContext).toMatch(/^0x[0-9a-f]{64}$/);
    expect((await codeAt(rpcUrl, owner.address))?.toLowerCase()).toBe(`0xef0100${DELEGATOR.slice(2).toLowerCase()}`);
    expect(server.requests.some((r) => r.rpcMethods.includes('wallet_createSession'))).toBe(true);
    // Gas sponsorship: the policy id from Settings rides along in the paymaster capability.
    expect(server.requests.some((r) => r.rpcMethods.includes('wallet_prepareCalls') && r.body.includes(POLICY_ID))).toBe(true);

    // Five moves through the session: no popup; Alchemy ran them once; the score is on chain.
    const windows = countApprovalWindows(dapp);
    const callsBefore = server.calls.size;
    const scoreBefore = await gameScore(rpcUrl, GAME, owner.address);
    await dapp.click('#batch');
    await expect(dapp.locator('#batch-result')).toHaveAttribute('data-tone', 'ok', { timeout: 60_000 });
    expect(windows()).toBe(0);
    expect((await gameScore(rpcUrl, GAME, owner.address)) - scoreBefore).toBe(5n);
    const sessionSends = server.requests.filter((r) => r.rpcMethods.includes('wallet_sendPreparedCalls') && r.body.includes('"permissions"'));
    expect(sessionSends.length).toBeGreaterThan(0);
    const newCalls = [...server.calls.values()].slice(callsBefore);
    expect(newCalls).toHaveLength(1);
    expect(newCalls[0]!.sessionId).toBeDefined();
    expect(newCalls[0]!.calls).toHaveLength(5);
    expect(newCalls[0]!.deliveries).toBe(1);
    // The dApp's status came from Alchemy, under the wallet's own bundle id.
    const batch = await dapp.evaluate(() => (window as unknown as { __dapp: { state: { lastBatch: { id: string; statusCode: number; transactionHashes: string[] } } } }).__dapp.state.lastBatch);
    expect(batch.statusCode).toBe(200);
    expect(batch.transactionHashes[0]).toBe(newCalls[0]!.receipts[0]!.transactionHash);
    expect(server.requests.some((r) => r.rpcMethods.includes('wallet_getCallsStatus'))).toBe(true);
    await shoot(dapp, 'dapp-alchemy-session-batch');

    // Out of scope (DemoToken.mint): the owner approves in a popup and the owner signs through Alchemy.
    const approve = await approvalWindow(context, () => dapp.click('#out-of-scope'));
    await expect(approve.getByTestId('approval-why')).toContainText(/session/i);
    await decide(approve, 'approve');
    await expect(dapp.locator('#out-of-scope-result')).toHaveAttribute('data-tone', 'ok', { timeout: 60_000 });
    const ownerCall = [...server.calls.values()].at(-1)!;
    expect(ownerCall.sessionId).toBeUndefined();
    await expect.poll(() => ownerCall.state).toBe(200);

    // personal_sign goes to the owner (a popup), signed as the smart account through Alchemy's
    // prepareSign/formatSign; the dApp verifies it on chain (ERC-1271).
    const signsBefore = server.requests.filter((r) => r.rpcMethods.includes('wallet_formatSign')).length;
    await decide(await approvalWindow(context, () => dapp.click('#sign')), 'approve');
    await expect(dapp.locator('#sign-result')).toContainText('Signature valid', { timeout: 30_000 });
    expect(server.requests.filter((r) => r.rpcMethods.includes('wallet_formatSign')).length).toBe(signsBefore + 1);

    // Activity: the session's bundle with the transaction Alchemy mined it in.
    await popup.getByTestId('tab-activity').click();
    const sessionItem = popup.locator('[data-testid="activity-item"][data-signer="session"]').first();
    await expect(sessionItem).toContainText(`Tx ${newCalls[0]!.receipts[0]!.transactionHash.slice(0, 6)}`, { timeout: 10_000 });
    await shoot(popup, 'activity-alchemy');

    // The popup lists the session with what it spent; revoke ends it and the next batch needs the owner.
    await popup.getByTestId('tab-sessions').click();
    await expect(popup.getByTestId('session-item').first()).toHaveAttribute('data-status', 'active');
    await shoot(popup, 'sessions-list-alchemy');
    await dapp.click('#revoke');
    await expect(dapp.locator('#session-result')).toContainText(/revoked/i, { timeout: 30_000 });
    await expect(popup.getByTestId('session-item').first()).toHaveAttribute('data-status', 'revoked', { timeout: 10_000 });
    const reject = await approvalWindow(context, () => dapp.click('#batch'));
    await decide(reject, 'reject');
    await expect(dapp.locator('#batch-result')).toHaveAttribute('data-code', '4001');

    // A session granted from the popup goes through Alchemy too (no call limit offered there), and
    // covers the dApp's next batch with no popup.
    await popup.getByTestId('tab-sessions').click();
    await popup.getByTestId('grant-open').click();
    await expect(popup.getByTestId('grant-no-call-limit')).toBeVisible();
    await expect(popup.getByTestId('grant-calls')).toHaveCount(0);
    await popup.getByTestId('grant-origin').fill(new URL(dapp.url()).origin);
    await popup.getByRole('button', { name: '15 min' }).click();
    await popup.getByTestId('grant-fn-move').check();
    await popup.getByTestId('grant-submit').click();
    await expect(popup.locator('[data-testid="session-item"][data-status="active"]')).toHaveCount(1, { timeout: 30_000 });
    await expect(popup.getByTestId('session-backend')).toHaveText('via Alchemy');
    const popupGrantWindows = countApprovalWindows(dapp);
    const scoreBeforePopupSession = await gameScore(rpcUrl, GAME, owner.address);
    await dapp.click('#batch');
    await expect(dapp.locator('#batch-result')).toHaveAttribute('data-tone', 'ok', { timeout: 60_000 });
    expect(popupGrantWindows()).toBe(0);
    expect((await gameScore(rpcUrl, GAME, owner.address)) - scoreBeforePopupSession).toBe(5n);
    expect(server.internalErrors).toEqual([]);

    // The key: in the Authorization header of every Wallet API request (preflights carry nothing)...
    const apiRequests = server.requests.filter((r) => r.httpMethod !== 'OPTIONS');
    expect(apiRequests.length).toBeGreaterThan(5);
    for (const r of apiRequests.filter((r) => r.httpStatus !== 401)) expect(r.headers.authorization).toBe(`Bearer ${API_KEY}`);
    for (const r of server.requests) {
      expect(r.path).not.toContain(API_KEY);
      expect(r.body).not.toContain(API_KEY);
    }
    for (const r of server.requests.filter((r) => r.httpMethod === 'OPTIONS')) expect(JSON.stringify(r.headers)).not.toContain(API_KEY);
    // ...and in nothing sent to the chain's RPC, nor in any request a page made.
    expect(proxy.seen.length).toBeGreaterThan(10);
    for (const r of proxy.seen) expect(JSON.stringify(r)).not.toContain(API_KEY);
    // Playwright sees the worker's requests too: those to the Wallet API carry the key in the
    // header only, and no other request the browser made carries it at all.
    const toWalletApi = pageRequests.filter((r) => r.url.startsWith(server.url));
    expect(toWalletApi.length).toBeGreaterThan(5);
    for (const r of toWalletApi) {
      const { authorization, ...rest } = r.headers;
      expect(authorization === undefined || authorization === `Bearer ${API_KEY}` || authorization === `Bearer ${WRONG_KEY}`).toBe(true);
      expect(JSON.stringify({ ...r, headers: rest })).not.toContain(API_KEY);
    }
    const elsewhere = pageRequests.filter((r) => !r.url.startsWith(server.url));
    expect(elsewhere.length).toBeGreaterThan(10);
    for (const r of elsewhere) expect(JSON.stringify(r)).not.toContain(API_KEY);
    // No storage area holds it in plain text or base64.
    const stored = await serviceWorker.evaluate(async () => {
      type Area = { get: (keys: null) => Promise<unknown> };
      const { storage } = (globalThis as unknown as { chrome: { storage: { local: Area; session: Area; sync: Area } } }).chrome;
      return JSON.stringify(await Promise.all([storage.local.get(null), storage.session.get(null), storage.sync.get(null)]));
    });
    expect(stored).toContain('alchemy.apiKey');
    for (const form of [API_KEY, Buffer.from(API_KEY).toString('base64'), Buffer.from(API_KEY).toString('hex')]) expect(stored).not.toContain(form);

    // The owner can delete the key; a dApp request that needs Alchemy then gets 4100 with the reason.
    await popup.getByTestId('tab-settings').click();
    await popup.getByTestId('backend-forget-key').click();
    await expect(popup.getByTestId('backend-saved')).toContainText('deleted');
    await expect(popup.getByTestId('backend-forget-key')).toHaveCount(0);
    const afterForget = await serviceWorker.evaluate(async () => JSON.stringify(await (globalThis as unknown as { chrome: { storage: { local: { get: (k: null) => Promise<unknown> } } } }).chrome.storage.local.get(null)));
    expect(afterForget).not.toContain('alchemy.apiKey');
    const noKey = await providerRequest(dapp, 'wallet_sendCalls', [{ version: '2.0.0', chainId: '0x7a69', atomicRequired: true, calls: [{ to: GAME, data: '0x' }] }]);
    expect(noKey).toMatchObject({ error: { code: 4100, message: expect.stringMatching(/no Alchemy API key/) } });
  });

  test("behavior: a key the site holds on Alchemy: what Alchemy cannot enforce is refused before any window; the window says the grant cannot be taken back before it ends; the site gets Alchemy's context", async ({ context, fresh, rpcUrl, shoot }) => {
    test.setTimeout(120_000);
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    await popup.getByTestId('tab-settings').click();
    const card = popup.getByTestId('backend-card');
    await card.getByTestId('backend-kind').selectOption('alchemy');
    await card.getByTestId('backend-apiKey').fill(API_KEY);
    await card.getByTestId('backend-url').fill(server.url);
    await card.getByTestId('backend-save').click();
    await expect(card).toHaveAttribute('data-kind', 'alchemy');

    const site = '0x90F79bf6EB2c4f870365E785982E1f101E93b906' as Address;
    const expiry = Math.floor(Date.now() / 1000) + 3600;
    const ask = (permission: Record<string, unknown>) => [{ chainId: '0x7a69', from: owner.address, to: site, permission: { isAdjustmentAllowed: false, ...permission }, rules: [{ type: 'expiry', data: { timestamp: expiry } }] }];

    // Discovery says what Alchemy enforces; a periodic allowance is refused with the reason, no window.
    const supported = await providerRequest<Record<string, { ruleTypes: string[] }>>(dapp, 'wallet_getSupportedExecutionPermissions', []);
    expect(supported.result?.['native-token-allowance']?.ruleTypes).toEqual(['expiry']);
    expect(supported.result?.['native-token-periodic']).toBeUndefined();
    const windows = countApprovalWindows(dapp);
    const periodic = await providerRequest(dapp, 'wallet_requestExecutionPermissions', ask({ type: 'native-token-periodic', data: { periodAmount: '0x38d7ea4c68000', periodDuration: 86400 } }));
    expect(periodic.error).toMatchObject({ code: -32602, message: expect.stringContaining('cannot enforce native-token-periodic') });
    expect(windows()).toBe(0);

    // A lifetime allowance is granted to the site's own key, through Alchemy.
    let answered: Promise<{ result?: { context: Hex; to: Address; delegationManager?: Address }[]; error?: unknown }> | undefined;
    const w = await approvalWindow(context, async () => {
      answered = providerRequest(dapp, 'wallet_requestExecutionPermissions', ask({ type: 'native-token-allowance', data: { allowanceAmount: '0x2386f26fc10000' } }));
    });
    await expect(w.getByTestId('grant-holder')).toHaveAttribute('data-holder', 'dapp');
    await expect(w.getByTestId('grant-holder-irrevocable')).toContainText('You cannot take this back before it ends.');
    await expect(w.getByTestId('grant-backend')).toContainText('The site signs its own calls with its key.');
    await shoot(w, 'grant-dapp-held-alchemy');
    await decide(w, 'approve');
    const answer = await answered!;
    expect(answer.error).toBeUndefined();
    expect(answer.result?.[0]).toMatchObject({ to: site, context: expect.stringMatching(/^0x[0-9a-f]+$/i) });
    expect(answer.result?.[0]?.delegationManager).toBeUndefined();
    expect(await codeAt(rpcUrl, owner.address)).toBeDefined(); // upgraded through Alchemy for the grant

    // Revoking says plainly that the site can use it until it expires.
    const revoked = await providerRequest<{ revokeTx: null; note: string }>(dapp, 'wallet_revokeExecutionPermission', [{ permissionContext: answer.result![0]!.context }]);
    expect(revoked.result).toMatchObject({ revokeTx: null, note: expect.stringContaining('until then the site can still use it') });
  });
});
