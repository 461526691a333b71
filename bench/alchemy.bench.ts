// Issue 15 item 5: the Alchemy backend's session send against its stand-in (test/alchemy/server.ts,
// the Wallet API executing on a fresh devnet this benchmark starts).
//
// Figures:
// - the extension (headless Chromium, the devnet switched to Alchemy with the stand-in's URL, a
//   session granted to a page over ERC-7715): the page's wallet_sendCalls through the session, then
//   wallet_getCallsStatus polled every 20 ms until 200, timed in the page, as the provider suite does;
// - the wallet's Alchemy code alone in Node, src/backends/alchemy/backend.ts (AlchemyBackend through
//   the @alchemy/wallet-apis client): wallet_prepareCalls, the checks made before signing (account,
//   calls, user-operation hash), the session key's signature, wallet_sendPreparedCalls, then
//   wallet_getCallsStatus until 200.
// Floor, in the same run, interleaved: the same Wallet API requests made directly by a minimal client
// (fetch + viem's signMessage), one after another, polling the status at the same interval.
// The Node rows share one session of one delegated owner, the extension has its own; each send is one
// DemoGame.move, and every one is checked on chain (exactly once). The issue states no goal here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Address, type Hex, type LocalAccount, numberToHex, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startDevnet } from '../devnet/index';
import { AlchemyBackend, type AlchemyPermissions } from '../src/backends/alchemy/backend';
import { devnet } from '../src/chains/registry';
import type { SessionCall, SessionScope } from '../src/permissions/types';
import { startWalletApiServer } from '../test/alchemy/server';
import { launchWithExtension } from '../scripts/lib/chromium';
import { serveDapp } from '../scripts/dapp';
import { approve, buildBenchDapp, buildExtension, importOwner, providerRequest, resultOf, sendAndConfirmInPage } from './extension';
import { check, Cleanup, fromValues, report } from './lib';
import { benchEnv, moveCall } from './session-node';

const RUNS = 15;
const POLL_MS = 20;
const API_KEY = 'bench-alchemy-key-5f2c9a71';

export async function benchAlchemy(opts: { devnetPort: number; dappPort: number }): Promise<void> {
  const cleanup = new Cleanup();
  try {
    const net = await startDevnet({ port: opts.devnetPort, quiet: true, writeDeploymentFile: false });
    cleanup.defer('stop the devnet', () => net.stop());
    const env = benchEnv(net);
    // pendingPolls 0: the stand-in says 200 as soon as the call is mined (its default holds one 100 back for tests).
    const server = await startWalletApiServer({ rpcUrl: net.rpcUrl, apiKey: API_KEY, pendingPolls: 0 });
    cleanup.defer('stop the Wallet API stand-in', () => server.close());
    const backend = new AlchemyBackend({ apiKey: API_KEY, url: server.url, chain: { ...devnet, rpcUrl: net.rpcUrl }, pollIntervalMs: POLL_MS });

    // ---- the extension on Alchemy, a page with a session
    const [extensionDir, dappDir] = await Promise.all([buildExtension(net.rpcUrl), buildBenchDapp()]);
    const dappServer = await serveDapp({ port: opts.dappPort, dir: dappDir });
    cleanup.defer('stop the dApp server', () => dappServer.close());
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skw-bench-alchemy-'));
    cleanup.defer('remove the Chromium profile', () => fs.rmSync(userDataDir, { recursive: true, force: true }));
    const { context, extensionId } = await launchWithExtension({ extensionDir, userDataDir, headless: true });
    cleanup.defer('close Chromium', () => context.close());
    const extOwnerKey = generatePrivateKey();
    const extOwner = privateKeyToAccount(extOwnerKey).address;
    await env.setBalance(extOwner, parseEther('100'));
    await importOwner(context, extensionId, extOwnerKey);
    const settings = await context.newPage();
    await settings.goto(`chrome-extension://${extensionId}/popup.html`);
    const switched = (await settings.evaluate(
      ({ url, apiKey }) =>
        (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({ type: 'wallet-api', method: 'backend.useAlchemy', params: { apiKey, url } }),
      { url: server.url, apiKey: API_KEY },
    )) as { ok: boolean; error?: { message: string } };
    check(switched.ok, `switching the devnet to Alchemy failed: ${switched.error?.message}`);
    await settings.close();
    const page = await context.newPage();
    await page.goto(dappServer.url);
    await page.waitForFunction(() => 'ethereum' in window);
    await page.evaluate('globalThis.__name = (f) => f'); // tsx's helper, absent in the page
    resultOf(await approve(context, () => providerRequest<Address[]>(page, 'eth_requestAccounts')), 'eth_requestAccounts');
    const grantRequest = {
      expiry: (await env.now()) + 3600,
      signer: { type: 'wallet' },
      permissions: [{ type: 'contract-call', data: { address: env.game, calls: ['move(uint8)'] }, policies: [], required: true }],
    };
    const granted = resultOf(await approve(context, () => providerRequest<{ permissionsContext: Hex }>(page, 'wallet_grantPermissions', [grantRequest])), 'wallet_grantPermissions');
    const extension = async (call: SessionCall) =>
      (
        await sendAndConfirmInPage(
          page,
          {
            version: '2.0.0',
            chainId: numberToHex(devnet.id),
            from: extOwner,
            atomicRequired: true,
            calls: [{ to: call.to, data: call.data, value: numberToHex(call.value) }],
            capabilities: { permissions: { context: granted.permissionsContext } },
          },
          POLL_MS,
        )
      ).total;

    // ---- the wallet's Alchemy code in Node, and the floor, on a session of their own
    const owner = privateKeyToAccount(generatePrivateKey());
    await env.setBalance(owner.address, parseEther('100'));
    await backend.delegate(owner);
    const key = privateKeyToAccount(generatePrivateKey());
    const scope: SessionScope = { account: owner.address, chainId: devnet.id, expiry: (await env.now()) + 3600, permissions: [{ type: 'contract-access', data: { address: env.game } }] };
    const permissions = await backend.grant(owner, scope, key.address);

    const wallet = async (call: SessionCall) => {
      const t0 = performance.now();
      const id = await backend.sendAsSession(key, owner.address, permissions, [call]);
      const status = await backend.waitForStatus(id);
      check(status.status === 200, `the wallet's send ended with status ${status.status}`);
      return performance.now() - t0;
    };
    const floor = async (call: SessionCall) => {
      const t0 = performance.now();
      await minimalSessionSend(server.url, key, owner.address, permissions, call);
      return performance.now() - t0;
    };

    await extension(moveCall(env.game, 0)); // warm-up, not counted
    await wallet(moveCall(env.game, 0));
    await floor(moveCall(env.game, 0));
    const [before, extBefore] = [await env.score(owner.address), await env.score(extOwner)];
    const extensionMs: number[] = [];
    const walletMs: number[] = [];
    const floorMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      extensionMs.push(await extension(moveCall(env.game, i)));
      walletMs.push(await wallet(moveCall(env.game, i)));
      floorMs.push(await floor(moveCall(env.game, i)));
    }
    check((await env.score(owner.address)) - before === BigInt(2 * RUNS), 'the Node session sends did not all land exactly once');
    check((await env.score(extOwner)) - extBefore === BigInt(RUNS), "the extension's session sends did not all land exactly once");
    const base = fromValues('floor: minimal client, same Wallet API requests (Node)', floorMs, 'ms');
    report('Alchemy backend vs its stand-in (1 call through a session, send -> status 200)', base, [
      fromValues('extension: wallet_sendCalls -> getCallsStatus 200', extensionMs, 'ms'),
      fromValues("wallet's Alchemy code alone: AlchemyBackend (Node)", walletMs, 'ms'),
    ]);
  } finally {
    await cleanup.run();
  }
}

/** wallet_prepareCalls, the key signs the user operation's hash, wallet_sendPreparedCalls, status polled until final. */
async function minimalSessionSend(url: string, key: LocalAccount, account: Address, permissions: AlchemyPermissions, call: SessionCall): Promise<void> {
  let id = 0;
  const rpc = async <T>(method: string, params: unknown[]): Promise<T> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` }, body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }) });
    const body = (await res.json()) as { result?: T; error?: { code: number; message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.code} ${body.error.message}`);
    return body.result as T;
  };
  const capabilities = { permissions: { context: permissions.context } };
  const chainId = `0x${devnet.id.toString(16)}`;
  const prepared = await rpc<{ type: string; data: unknown; chainId: Hex; signatureRequest: { data: { raw: Hex } } }>('wallet_prepareCalls', [
    { calls: [{ to: call.to, data: call.data, value: `0x${call.value.toString(16)}` }], from: account, chainId, capabilities },
  ]);
  const signature = await key.signMessage({ message: { raw: prepared.signatureRequest.data.raw } });
  const sent = await rpc<{ id: Hex }>('wallet_sendPreparedCalls', [{ type: prepared.type, data: prepared.data, chainId: prepared.chainId, signature: { type: 'secp256k1', data: signature }, capabilities }]);
  for (;;) {
    const { status } = await rpc<{ status: number }>('wallet_getCallsStatus', [sent.id]);
    if (status >= 200) {
      check(status === 200, `the floor's send ended with status ${status}`);
      return;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
