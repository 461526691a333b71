// The wallet's Sessions service (src/sessions/service.ts) on the Alchemy backend, end to end: the
// real Vault, Bundles, Backends and Sessions over WXT's fakeBrowser storage, a chain switched to
// Alchemy through Backends.useAlchemy, talking to the local Wallet API stand-in
// (test/alchemy/server.ts), which executes on the devnet. Every test checks what happened on chain
// and what the stand-in received, not only what the service returned.
import { encodeFunctionData, getAddress, keccak256, numberToHex, parseEther, slice, toFunctionSelector, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import deployment from '../../devnet/deployment.json';
import { Approvals } from '../../src/approvals/service';
import { ApiKeyStore } from '../../src/backends/alchemy/api-key';
import { AlchemyBackend } from '../../src/backends/alchemy/backend';
import { Backends } from '../../src/backends/choice';
import type { Services } from '../../src/background/services';
import { alchemyBundleStatus } from '../../src/backends/alchemy/account';
import { Bundles, type BundleCall, type CallBundle } from '../../src/calls/bundles';
import type { CallsStatus } from '../../src/calls/status';
import { Networks } from '../../src/chains/network';
import { devnet, type ChainConfig } from '../../src/chains/registry';
import { Connections } from '../../src/connections/connections';
import type { SessionScope } from '../../src/permissions/types';
import { parseSessionScope } from '../../src/permissions/validate';
import { httpChainRpc } from '../../src/rpc/chain-rpc';
import type { RequestContext } from '../../src/rpc/method';
import { routeSend } from '../../src/rpc/methods/calls';
import { wallet_getGrantedExecutionPermissions, wallet_requestExecutionPermissions, wallet_revokeExecutionPermission } from '../../src/rpc/methods/permissions';
import { memoryDeviceKeyStore, SessionKeyVault, type DeviceKeyStore } from '../../src/sessions/key-store';
import { Sessions, type SessionRecord } from '../../src/sessions/service';
import { parsePrivateKey } from '../../src/vault/owner-secret';
import { Vault } from '../../src/vault/vault';
import { startWalletApiServer, type WalletApiServer } from '../alchemy/server';
import { devnetClients, rejection } from './helpers';

const rpcUrl = inject('rpcUrl');
const { publicClient, testClient } = devnetClients(rpcUrl);
const chain: ChainConfig = { ...devnet, rpcUrl };
const API_KEY = 'sessions-alchemy-test-key-5d2e8a41';
const PASSWORD = 'Correct-Horse-9';
const game = getAddress(deployment.contracts.DemoGame);
const token = getAddress(deployment.contracts.DemoToken);
const impl = getAddress(deployment.contracts.EIP7702StatelessDeleGatorImpl);
const ITEM_PRICE = parseEther('0.001');
/** An address as covers() shows it in a reason. */
const short = (a: Address) => `${a.slice(0, 6)}…${a.slice(-4)}`;

let server: WalletApiServer;

beforeAll(async () => {
  server = await startWalletApiServer({ rpcUrl, apiKey: API_KEY });
});
afterAll(async () => {
  try {
    expect(server?.internalErrors ?? []).toEqual([]);
  } finally {
    await server?.close();
  }
});
beforeEach(() => {
  fakeBrowser.reset();
});

// ------------------------------------------------------------------------------------ helpers

/**
 * One service worker's services over the shared fakeBrowser storage. Session keys and the Alchemy
 * API key are sealed under the vault's sealing key, which the unlock leaves in storage.session
 * (surviving a worker restart, as in the extension). `devices` stands for the extension's IndexedDB,
 * where an older version kept its device key (read only to migrate).
 */
function worker(devices: DeviceKeyStore): Services {
  // Fewer PBKDF2 rounds than production: the vault is not under test here, only its owner key.
  const vault = new Vault({ kdfIterations: 1000 });
  const bundles = new Bundles();
  const backends = new Backends(new ApiKeyStore(devices));
  const sessions = new Sessions({ vault, bundles, backends, keys: new SessionKeyVault(devices) });
  return { vault, bundles, backends, sessions, networks: new Networks(), approvals: new Approvals(), connections: new Connections(), events: { broadcast: async () => undefined } };
}

interface Wallet {
  services: Services;
  devices: DeviceKeyStore;
  owner: Address;
}

/** A fresh wallet: a new funded owner (not delegated yet) in an unlocked vault, the devnet on Alchemy. */
async function freshWallet(): Promise<Wallet> {
  const devices = memoryDeviceKeyStore();
  const services = worker(devices);
  const owner = await services.vault.create(parsePrivateKey(generatePrivateKey()), PASSWORD, PASSWORD);
  await testClient.setBalance({ address: owner, value: parseEther('10') });
  await services.backends.useAlchemy(chain, { apiKey: API_KEY, url: server.url });
  return { services, devices, owner };
}

let origins = 0;
const freshOrigin = () => `https://game-${++origins}-${Date.now()}.example`;

const ctxFor = (services: Services, origin: string, requestId: string = crypto.randomUUID()): RequestContext => ({
  origin,
  chain,
  chainRpc: httpChainRpc(rpcUrl),
  requestId,
  services,
});

/** A scope parsed as the wallet parses a dApp's request, expiring in an hour by both clocks (chain and stand-in). */
async function scopeOf(owner: Address, permissions: unknown[], extra: { callLimit?: number } = {}): Promise<SessionScope> {
  const chainTime = Number((await publicClient.getBlock()).timestamp);
  const now = Math.max(chainTime, Math.floor(Date.now() / 1000));
  return parseSessionScope({ expiry: now + 3600, permissions, ...extra }, { account: owner, chainId: chain.id, now });
}

const GAME_PERMISSIONS = [
  { type: 'functions-on-contract', data: { address: game, functions: ['move(uint8)', 'buyItem(uint256)'] } },
  { type: 'native-token-transfer', data: { allowance: (ITEM_PRICE * 3n) / 2n } },
];

const moveCall = (direction: number): BundleCall => ({ to: game, value: '0', data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'move', args: [direction] }) });
const buyCall = (itemId: bigint, value = ITEM_PRICE): BundleCall => ({
  to: game,
  value: value.toString(),
  data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'buyItem', args: [itemId] }),
});

const score = (who: Address) => publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'score', args: [who] });
const itemsOwned = (who: Address, id: bigint) => publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'itemsOwned', args: [who, id] });

/** JSON-RPC requests of `method` the stand-in has received (batches unpacked), in order. */
function rpcRequests(method: string): { method: string; params: any[] }[] {
  return server.requests.flatMap((r) => {
    if (!r.rpcMethods.includes(method)) return [];
    const parsed = JSON.parse(r.body) as { method: string; params: any[] } | { method: string; params: any[] }[];
    return (Array.isArray(parsed) ? parsed : [parsed]).filter((m) => m.method === method);
  });
}
const countOf = (method: string) => rpcRequests(method).length;

/** What the wallet's calls of a session ask the stand-in for: a snapshot to compare before/after. */
const walletTraffic = () => ({ prepare: countOf('wallet_prepareCalls'), send: countOf('wallet_sendPreparedCalls'), accepted: server.calls.size });

/** sessions.trySend as routeSend calls it: makeBundle records the bundle under the request once a session covers it. */
async function trySend(w: Wallet, origin: string, calls: BundleCall[], opts: { context?: Hex; requestId?: string } = {}) {
  const ctx = ctxFor(w.services, origin, opts.requestId);
  let made = 0;
  const outcome = await w.services.sessions.trySend(ctx, w.owner, calls, opts.context, (sessionId) => {
    made += 1;
    return w.services.bundles.create({
      id: Bundles.newId(ctx.origin, ctx.requestId),
      requestId: ctx.requestId,
      origin: ctx.origin,
      chainId: ctx.chain.id,
      account: w.owner,
      signer: 'session',
      sessionId,
      calls,
      atomic: true,
    });
  });
  return { outcome, made, ctx };
}

async function sentOrThrow(w: Wallet, origin: string, calls: BundleCall[]): Promise<CallBundle> {
  const { outcome } = await trySend(w, origin, calls);
  if (!('sent' in outcome)) throw new Error(`expected the session to cover the calls: ${outcome.reason}`);
  return outcome.sent;
}

/** Polls alchemyBundleStatus (what wallet_getCallsStatus answers) until it is final. */
async function finalStatus(backend: AlchemyBackend, bundleId: Hex, bundles: Bundles): Promise<CallsStatus> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await alchemyBundleStatus(backend, (await bundles.get(bundleId))!, bundles);
    if (status.status !== 100) return status;
    if (Date.now() > deadline) throw new Error(`bundle ${bundleId} still pending after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function alchemyOf(w: Wallet): Promise<AlchemyBackend> {
  const backend = await w.services.backends.alchemyFor(chain);
  if (!backend) throw new Error('the devnet is not on the Alchemy backend');
  return backend;
}

async function grant(w: Wallet, origin: string, permissions: unknown[] = GAME_PERMISSIONS): Promise<SessionRecord> {
  return w.services.sessions.grant(chain, origin, await scopeOf(w.owner, permissions));
}

// ------------------------------------------------------------------------------------ tests

describe('Sessions on the Alchemy backend (stand-in Wallet API, devnet execution)', () => {
  it('grant: delegates the owner (7702 to the devnet DeleGator), creates the Alchemy session, stores the sealed key', async () => {
    const w = await freshWallet();
    const origin = freshOrigin();
    expect(await w.services.backends.setting(chain.id)).toEqual({ kind: 'alchemy', url: server.url });
    expect(await publicClient.getCode({ address: w.owner })).toBeUndefined();
    const createsBefore = countOf('wallet_createSession');
    const acceptedBefore = new Set(server.calls.keys());

    const record = await grant(w, origin);

    // The owner's EOA is now delegated on chain.
    expect(await publicClient.getCode({ address: w.owner })).toBe(`0xef0100${impl.slice(2).toLowerCase()}`);
    // That went through the stand-in as the owner's own bundle (no session), executed successfully.
    const delegation = [...server.calls.values()].filter((c) => !acceptedBefore.has(c.id));
    expect(delegation).toHaveLength(1);
    expect(delegation[0]).toMatchObject({ account: w.owner, sessionId: undefined, state: 200, deliveries: 1 });

    expect(record).toMatchObject({ origin, chainId: chain.id, account: w.owner, backend: 'alchemy', stipend: '0', status: 'active' });
    expect(record.delegation).toBeUndefined();
    expect(record.alchemy!.context).toMatch(/^0x00[0-9a-f]{32}[0-9a-f]{130}$/);
    expect(record.id).toBe(keccak256(record.alchemy!.context));
    expect(record.alchemy!.spent).toEqual({ native: '0', erc20: {}, calls: 0 });
    expect(record.sealedKey).not.toBeNull();
    // The sealed key is the session key whose address the record (and Alchemy) know.
    const sessionKey = await w.services.sessions.keys.open(record.sealedKey!);
    expect(privateKeyToAccount(sessionKey).address).toBe(record.sessionAddress);
    expect(JSON.stringify(await fakeBrowser.storage.local.get())).not.toContain(sessionKey.slice(2));
    // No stipend on Alchemy: the key holds nothing.
    expect(await publicClient.getBalance({ address: record.sessionAddress })).toBe(0n);
    expect(await w.services.sessions.all()).toEqual([record]);

    // The stand-in saw exactly one wallet_createSession, for this account and this key.
    const creates = rpcRequests('wallet_createSession').slice(createsBefore);
    expect(creates).toHaveLength(1);
    const request = creates[0]!.params[0] as { account: string; key: { publicKey: string; type: string } };
    expect(getAddress(request.account)).toBe(w.owner);
    expect(getAddress(request.key.publicKey)).toBe(record.sessionAddress);
    // The context the wallet keeps names the session the stand-in created (0x00 ‖ sessionId ‖ signature).
    const createAnswer = server.requests.filter((r) => r.rpcMethods.includes('wallet_createSession')).at(-1)!.response as { result: { sessionId: Hex } };
    expect(slice(record.alchemy!.context, 1, 17)).toBe(createAnswer.result.sessionId.toLowerCase());
  });

  it('trySend: covered calls are signed by the session key, sent, executed once; status under the wallet id; spend booked', async () => {
    const w = await freshWallet();
    const origin = freshOrigin();
    const record = await grant(w, origin);
    const backend = await alchemyOf(w);
    const before = { score: await score(w.owner), items: await itemsOwned(w.owner, 7n), traffic: walletTraffic() };
    const calls = [moveCall(1), buyCall(7n)];

    const { outcome, made, ctx } = await trySend(w, origin, calls);
    if (!('sent' in outcome)) throw new Error(`not covered: ${outcome.reason}`);
    const sent = outcome.sent;
    expect(made).toBe(1);
    expect(sent).toMatchObject({ origin, requestId: ctx.requestId, signer: 'session', sessionId: record.id, state: 'submitted', calls });
    expect(sent.signed).toMatchObject({ backend: 'alchemy', payload: { context: record.alchemy!.context } });
    expect(sent.alchemyId).toMatch(/^0x[0-9a-f]{128}$/);
    expect(sent.id).not.toBe(sent.alchemyId);
    expect(await w.services.bundles.get(sent.id)).toEqual(sent);
    expect((await w.services.bundles.byRequest(origin, ctx.requestId))?.id).toBe(sent.id);

    // One prepare and one send reached the stand-in; it accepted one session bundle with both calls.
    expect(walletTraffic()).toEqual({ prepare: before.traffic.prepare + 1, send: before.traffic.send + 1, accepted: before.traffic.accepted + 1 });
    const accepted = server.calls.get(sent.alchemyId!)!;
    expect(accepted).toMatchObject({ account: w.owner, sessionId: slice(record.alchemy!.context, 1, 17), deliveries: 1 });
    expect(accepted.calls.map((c) => [getAddress(c.to), c.value ?? 0n])).toEqual([
      [game, 0n],
      [game, ITEM_PRICE],
    ]);

    // wallet_getCallsStatus: pending first (the stand-in answers 100 once), then 200 with receipts, under the wallet's id.
    const first = await alchemyBundleStatus(backend, sent, w.services.bundles);
    expect(first).toMatchObject({ id: sent.id, status: 100 });
    const status = await finalStatus(backend, sent.id, w.services.bundles);
    expect(status).toMatchObject({ version: '2.0.0', id: sent.id, chainId: '0x7a69', status: 200, atomic: true });
    expect(status.receipts).toHaveLength(1);
    expect(status.receipts![0]!.status).toBe('0x1');
    const receipt = await publicClient.getTransactionReceipt({ hash: status.receipts![0]!.transactionHash });
    expect(receipt.status).toBe('success');
    expect(getAddress(receipt.from)).toBe(w.owner);
    // The final status left the transaction hash in the bundle, for the activity list.
    expect((await w.services.bundles.get(sent.id))!.txHashes).toEqual([status.receipts![0]!.transactionHash]);

    // On chain: one move (+1) and one item (+10).
    expect(await score(w.owner)).toBe(before.score + 11n);
    expect(await itemsOwned(w.owner, 7n)).toBe(before.items + 1n);

    // The session's own count: two calls, one item price.
    const after = (await w.services.sessions.get(record.id))!;
    expect(after.alchemy!.spent).toEqual({ native: ITEM_PRICE.toString(), erc20: {}, calls: 2 });
    const view = (await w.services.sessions.views(chain)).find((v) => v.id === record.id)!;
    expect(view.usage).toEqual({ nativeSpent: ITEM_PRICE.toString(), erc20Spent: {}, callsUsed: 2 });
  });

  it('the scope is checked off chain before anything is signed: out-of-scope calls and overspend never reach Alchemy', async () => {
    const w = await freshWallet();
    const origin = freshOrigin();
    const record = await grant(w, origin);
    // Spend 0.001 of the 0.0015 ETH allowance, so the overspend below is judged on the booked count.
    const first = await sentOrThrow(w, origin, [buyCall(1n)]);
    await server.idle();
    expect((await finalStatus(await alchemyOf(w), first.id, w.services.bundles)).status).toBe(200);
    const scoreBefore = await score(w.owner);
    const spentBefore = (await w.services.sessions.get(record.id))!.alchemy!.spent;
    expect(spentBefore).toEqual({ native: ITEM_PRICE.toString(), erc20: {}, calls: 1 });
    const traffic = walletTraffic();
    const bundlesBefore = (await w.services.bundles.list()).length;

    const transferDemo: BundleCall = { to: token, value: '0', data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'transfer', args: [w.owner, 1n] }) };
    const position: BundleCall = { to: game, value: '0', data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'position', args: [w.owner] }) };
    const cases: { name: string; calls: BundleCall[]; reason: RegExp }[] = [
      { name: 'another contract', calls: [transferDemo], reason: new RegExp(`^No session covers this request: call 1: ${short(token)}\\.transfer is not allowed: ${short(token)} is not one of the session's contracts$`) },
      { name: 'a selector the scope does not list', calls: [position], reason: new RegExp(`^No session covers this request: call 1: ${short(game)}\\.${toFunctionSelector('position(address)')} is not in the session's functions$`) },
      { name: 'a covered call then an uncovered one', calls: [moveCall(0), transferDemo], reason: new RegExp(`^No session covers this request: call 2: ${short(token)}\\.transfer is not allowed`) },
      { name: 'value over what is left of the allowance', calls: [buyCall(2n)], reason: /^No session covers this request: the session's ETH allowance has 0\.0005 ETH left; this batch sends 0\.001 ETH$/ },
    ];
    for (const c of cases) {
      const { outcome, made } = await trySend(w, origin, c.calls);
      expect(outcome, c.name).toMatchObject({ covered: false });
      if (!('covered' in outcome)) continue;
      expect(outcome.reason, c.name).toMatch(c.reason);
      expect(made, `${c.name}: no bundle recorded`).toBe(0);
    }

    // Nothing was prepared, signed, sent or executed for any of them.
    expect(walletTraffic()).toEqual(traffic);
    expect((await w.services.bundles.list()).length).toBe(bundlesBefore);
    expect((await w.services.sessions.get(record.id))!.alchemy!.spent).toEqual(spentBefore);
    await server.idle();
    expect(await score(w.owner)).toBe(scoreBefore);
    expect(await itemsOwned(w.owner, 2n)).toBe(0n);
  });

  it('exactly once across a worker restart: a retried request resends the stored payload; Alchemy answers the same id and runs it once', async () => {
    // The window that matters: routeSend signs (storing the signed payload), wallet_sendPreparedCalls is
    // delivered and accepted, and the worker stops before the bundle records Alchemy's id. The bundle
    // is then exactly as a crash leaves it: the signed payload set, state 'preparing', no alchemyId. The
    // dApp retries the request (same requestId); routeSend in a new worker finds the bundle by request
    // and, because the signed payload is set, calls sendAlchemyBundle with the same payload instead of
    // signing again. (A crash before the first delivery takes the same retry path; the stand-in would
    // then simply see its first delivery.)
    const w = await freshWallet();
    const origin = freshOrigin();
    const record = await grant(w, origin, [{ type: 'functions-on-contract', data: { address: game, functions: ['move(uint8)'] } }]);
    await w.services.connections.connect(origin, w.owner);
    const requestId = `retried-${crypto.randomUUID()}`;
    const scoreBefore = await score(w.owner);

    const first = await routeSend(ctxFor(w.services, origin, requestId), { calls: [moveCall(2)], atomicRequired: true });
    expect(first).toMatchObject({ signer: 'session', sessionId: record.id, state: 'submitted' });
    const alchemyId = first.alchemyId!;
    expect(server.calls.get(alchemyId)?.deliveries).toBe(1);
    await server.idle();

    // The crash: forget the id (storage drops undefined, as if it was never written) and the state.
    await w.services.bundles.update(first.id, { state: 'preparing', alchemyId: undefined });
    const crashed = (await w.services.bundles.get(first.id))!;
    expect(crashed).toMatchObject({ state: 'preparing', signed: first.signed });
    expect('alchemyId' in crashed).toBe(false);

    // A new worker over the same storage (and the same device key in IndexedDB) handles the retry.
    const restarted = worker(w.devices);
    const traffic = walletTraffic();
    const createsBefore = countOf('wallet_createSession');
    const again = await routeSend(ctxFor(restarted, origin, requestId), { calls: [moveCall(2)], atomicRequired: true });
    expect(again).toMatchObject({ id: first.id, alchemyId, state: 'submitted', signed: first.signed });
    // Same payload delivered a second time: not prepared or signed anew, no second bundle accepted.
    expect(walletTraffic()).toEqual({ prepare: traffic.prepare, send: traffic.send + 1, accepted: traffic.accepted });
    expect(countOf('wallet_createSession')).toBe(createsBefore);
    const lastSend = rpcRequests('wallet_sendPreparedCalls').at(-1)!;
    const firstSend = rpcRequests('wallet_sendPreparedCalls').find((m) => JSON.stringify(m.params) === JSON.stringify(lastSend.params));
    expect(firstSend).not.toBe(lastSend); // the identical params were sent before
    expect(server.calls.get(alchemyId)).toMatchObject({ deliveries: 2, state: 200 });

    await server.idle();
    const status = await finalStatus((await restarted.backends.alchemyFor(chain))!, first.id, restarted.bundles);
    expect(status).toMatchObject({ id: first.id, status: 200 });
    expect(status.receipts).toHaveLength(1);
    // Executed once: one move.
    expect(await score(w.owner)).toBe(scoreBefore + 1n);
    // Booked once.
    expect((await restarted.sessions.get(record.id))!.alchemy!.spent.calls).toBe(1);

    // A third try, now that the id is stored, is answered from storage: nothing reaches the stand-in.
    const logged = server.requests.length;
    const third = await routeSend(ctxFor(restarted, origin, requestId), { calls: [moveCall(2)], atomicRequired: true });
    expect(third).toMatchObject({ id: first.id, alchemyId });
    expect(server.requests.length).toBe(logged);
    expect(server.calls.get(alchemyId)?.deliveries).toBe(2);
    expect(await score(w.owner)).toBe(scoreBefore + 1n);
  });

  it('assertGrantable refuses a call limit on Alchemy (-32602), and grant refuses it before anything reaches Alchemy or the chain', async () => {
    const w = await freshWallet();
    const origin = freshOrigin();
    const limited = await scopeOf(w.owner, [{ type: 'contract-access', data: { address: game } }], { callLimit: 5 });
    const logged = server.requests.length;

    const err = await rejection(w.services.sessions.assertGrantable(chain, limited));
    expect(err.code).toBe(-32602);
    expect(err.message).toMatch(/cannot limit the number of calls \(callLimit 5\)/);

    const viaGrant = await rejection(w.services.sessions.grant(chain, origin, limited));
    expect(viaGrant.code).toBe(-32602);
    expect(viaGrant.message).toMatch(/callLimit 5/);
    expect(server.requests.length).toBe(logged);
    expect(await publicClient.getCode({ address: w.owner })).toBeUndefined();
    expect(await w.services.sessions.all()).toEqual([]);

    // The refusal is about the limit on this backend: without it the scope is grantable, and the
    // delegation backend grants the limit.
    await expect(w.services.sessions.assertGrantable(chain, { ...limited, callLimit: undefined })).resolves.toBeUndefined();
    await w.services.backends.useDelegation(chain.id);
    await expect(w.services.sessions.assertGrantable(chain, limited)).resolves.toBeUndefined();
  });

  it('revoke: the key is deleted, the record says so, and the origin can no longer send through the session', async () => {
    const w = await freshWallet();
    const origin = freshOrigin();
    const record = await grant(w, origin);
    // The session works before the revoke.
    const used = await sentOrThrow(w, origin, [moveCall(3)]);
    await server.idle();
    expect((await finalStatus(await alchemyOf(w), used.id, w.services.bundles)).status).toBe(200);
    const scoreBefore = await score(w.owner);
    const logged = server.requests.length;

    const revoked = await w.services.sessions.revoke(chain, record.id);
    expect(revoked).toMatchObject({ id: record.id, status: 'revoked', sealedKey: null });
    expect(revoked.note).toMatch(/session key was deleted/);
    expect(revoked.endedAt).toEqual(expect.any(Number));
    expect(revoked.revokeTx).toBeUndefined();
    expect(revoked.sweepTx).toBeUndefined();
    expect(await w.services.sessions.get(record.id)).toEqual(revoked);
    // Nothing was asked of Alchemy to revoke (its grant stays installed until expiry).
    expect(server.requests.length).toBe(logged);

    const anyone = await trySend(w, origin, [moveCall(0)]);
    expect(anyone.outcome).toEqual({ covered: false, reason: 'This site has no active session on this chain.' });
    const named = await trySend(w, origin, [moveCall(0)], { context: record.id });
    expect(named.outcome).toEqual({ covered: false, reason: 'The session named in the request is revoked.' });
    expect(anyone.made + named.made).toBe(0);
    expect(server.requests.length).toBe(logged);
    await server.idle();
    expect(await score(w.owner)).toBe(scoreBefore);
    // Revoking again changes nothing.
    expect(await w.services.sessions.revoke(chain, record.id)).toEqual(revoked);
  });

  it('switching the chain back to the delegation backend leaves Alchemy sessions unable to cover calls', async () => {
    const w = await freshWallet();
    const origin = freshOrigin();
    const record = await grant(w, origin);
    const scoreBefore = await score(w.owner);

    await w.services.backends.useDelegation(chain.id);
    expect(await w.services.backends.setting(chain.id)).toEqual({ kind: 'delegation' });
    expect(await w.services.backends.alchemyFor(chain)).toBeNull();
    const logged = server.requests.length;

    const { outcome, made } = await trySend(w, origin, [moveCall(1)]);
    expect(outcome).toMatchObject({ covered: false });
    if ('covered' in outcome) expect(outcome.reason).toMatch(/granted through Alchemy, and Local devnet no longer uses the Alchemy backend/);
    expect(made).toBe(0);
    expect(server.requests.length).toBe(logged);
    expect(await w.services.sessions.get(record.id)).toEqual(record); // still active, nothing booked
    await server.idle();
    expect(await score(w.owner)).toBe(scoreBefore);

    // Back on Alchemy (with the stored key), the same session covers and sends again.
    await w.services.backends.useAlchemy(chain, { url: server.url });
    const sent = await sentOrThrow(w, origin, [moveCall(1)]);
    expect(sent.sessionId).toBe(record.id);
    expect((await finalStatus(await alchemyOf(w), sent.id, w.services.bundles)).status).toBe(200);
    expect(await score(w.owner)).toBe(scoreBefore + 1n);
  });
});

// ------------------------------------------------------------------------------------ a key the dApp holds

describe("A key the dApp holds on the Alchemy backend (the seed's own flow)", () => {
  /** wallet_requestExecutionPermissions as a page sends it, `to` = the dApp's account; it must fail before any window opens. */
  // Expiry from the chain's clock: other files on this devnet move it ahead of the wall clock.
  const request = async (to: Address, permission: Record<string, unknown>, rules: unknown[] = []) => {
    const now = Number((await publicClient.getBlock()).timestamp);
    return [{ chainId: numberToHex(chain.id), to, permission: { isAdjustmentAllowed: false, ...permission }, rules: [{ type: 'expiry', data: { timestamp: now + 3600 } }, ...rules] }];
  };

  it('behavior: grantPermissions installs the dApp\'s own address as the session key; the dApp signs its own calls with the context (in scope: runs; out of scope: Alchemy refuses); revoke says plainly the grant lives until expiry', async () => {
    const w = await freshWallet();
    const origin = freshOrigin();
    await w.services.connections.connect(origin, w.owner);
    const dapp = privateKeyToAccount(generatePrivateKey());
    const createsBefore = countOf('wallet_createSession');

    const record = await w.services.sessions.grant(chain, origin, await scopeOf(w.owner, GAME_PERMISSIONS), { kind: 'dapp', address: dapp.address });
    // What went to Alchemy: one wallet_createSession whose key is the dApp's address.
    const creates = rpcRequests('wallet_createSession');
    expect(creates.length).toBe(createsBefore + 1);
    expect(JSON.stringify(creates.at(-1)!.params).toLowerCase()).toContain(dapp.address.toLowerCase().slice(2));
    // No key made here, nothing funded; the dApp gets Alchemy's own permissions context.
    expect(record).toMatchObject({ holder: { kind: 'dapp', address: dapp.address }, sessionAddress: dapp.address, sealedKey: null, stipend: '0', backend: 'alchemy' });
    expect(record.context).toBe(record.alchemy!.context);
    const granted = await wallet_getGrantedExecutionPermissions.handler(undefined, ctxFor(w.services, origin));
    expect(granted[0]).toMatchObject({ from: w.owner, to: dapp.address, context: record.context, dependencies: [] });
    expect(granted[0]).not.toHaveProperty('delegationManager');

    // The wallet never signs for it.
    const tried = await trySend(w, origin, [moveCall(1)]);
    expect(tried.outcome).toEqual({ covered: false, reason: 'This site has no active session on this chain.' });

    // The dApp, with its own Wallet API client and its own key: within scope it runs on chain.
    const dappClient = new AlchemyBackend({ apiKey: API_KEY, url: server.url, chain, pollIntervalMs: 100 });
    const scoreBefore = await score(w.owner);
    const status = await dappClient.waitForStatus(await dappClient.sendAsSession(dapp, w.owner, { context: record.context! }, [{ to: game, value: 0n, data: moveCall(2).data }]));
    expect(status.status).toBe(200);
    expect(await score(w.owner)).toBe(scoreBefore + 1n);
    // Out of scope (a token transfer): Alchemy refuses it; nothing moves.
    const transfer = { to: token, value: 0n, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'transfer', args: [dapp.address, 1n] }) };
    const out = await rejection(dappClient.sendAsSession(dapp, w.owner, { context: record.context! }, [transfer]));
    expect(out.message).toMatch(/Alchemy refused/);

    // Revoke by context: answered honestly, the site can still use the grant until it expires.
    const revoked = await wallet_revokeExecutionPermission.handler([{ permissionContext: record.context! }], ctxFor(w.services, origin));
    expect(revoked).toMatchObject({ revokeTx: null, note: expect.stringContaining('until then the site can still use it') });
    expect(await wallet_getGrantedExecutionPermissions.handler(undefined, ctxFor(w.services, origin))).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, unknown[], string]>([
    ['a periodic allowance', { type: 'native-token-periodic', data: { periodAmount: numberToHex(ITEM_PRICE), periodDuration: 86400 } }, [], 'cannot enforce native-token-periodic'],
    ['a stream', { type: 'erc20-token-stream', data: { tokenAddress: token, amountPerSecond: '0x1', maxAmount: '0x64' } }, [], 'cannot enforce erc20-token-stream'],
    ['approval revocation', { type: 'token-approval-revocation', data: {} }, [], 'cannot limit a session to revoking approvals'],
    ['the redeemer rule', { type: 'native-token-allowance', data: { allowanceAmount: numberToHex(ITEM_PRICE) } }, [{ type: 'redeemer', data: { addresses: ['0x90F79bf6EB2c4f870365E785982E1f101E93b906'] } }], 'cannot limit who sends'],
  ])('error: %s for a dApp-held key is refused with -32602 and the reason, before any window and before Alchemy hears of it', async (_name, permission, rules, reason) => {
    const w = await freshWallet();
    const origin = freshOrigin();
    await w.services.connections.connect(origin, w.owner);
    const dapp = privateKeyToAccount(generatePrivateKey());
    const logged = server.requests.length;
    const err = await rejection(request(dapp.address, permission, rules).then((params) => wallet_requestExecutionPermissions.handler(params, ctxFor(w.services, origin))));
    expect(err).toMatchObject({ code: -32602, message: expect.stringContaining(reason) });
    expect(server.requests.length).toBe(logged);
    expect(await w.services.sessions.all()).toEqual([]);
  });
});
