// How Sessions (src/sessions/service.ts) books the spend of an Alchemy-backend session around a send:
// booked before signing, given back when the calls surely did not run (signing failed, or Alchemy
// refused the send), kept when the answer was lost; and what is booked counts in the next check.
// No network and no chain: the Alchemy backend is a fake, the session record is written straight
// into fakeBrowser storage, and the chain's clock falls back to the wall clock (nothing answers on
// 127.0.0.1:9).
import { encodeFunctionData, getAddress, keccak256, parseAbi, parseEther, type Address, type Hex, type LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { AlchemyBackend, AlchemyPermissions, SignedCalls } from '@/src/backends/alchemy/backend';
import { Backends } from '@/src/backends/choice';
import { Bundles, type BundleCall, type CallBundle } from '@/src/calls/bundles';
import { devnet, type ChainConfig } from '@/src/chains/registry';
import { serializeScope } from '@/src/permissions/serialize';
import type { SessionCall } from '@/src/permissions/types';
import { parseSessionScope } from '@/src/permissions/validate';
import { ChainDisconnectedError, InternalError, TransactionRejectedError } from '@/src/errors';
import type { RequestContext } from '@/src/rpc/method';
import { memoryDeviceKeyStore, SessionKeyVault } from '@/src/sessions/key-store';
import { unlockedSealingKey } from './sealing-key-helper';
import { Sessions, type SessionRecord } from '@/src/sessions/service';

const ORIGIN = 'https://game.example';
const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const GAME: Address = '0x23DaD949f5f9aD0552E453A421EBa6ECF9331259';
const OTHER: Address = '0x1111111111111111111111111111111111111111';
const CONTEXT: Hex = `0x00${'11'.repeat(32)}${'22'.repeat(65)}`;
const SESSION_ID: Hex = keccak256(CONTEXT);
const ALCHEMY_ID: Hex = `0x${'ab'.repeat(32)}`;
const ALLOWANCE = parseEther('1');

const chain: ChainConfig = { ...devnet, rpcUrl: 'http://127.0.0.1:9' };
const gameAbi = parseAbi(['function buyItem(uint256) payable']);
const buy = (value: bigint): BundleCall => ({ to: GAME, value: value.toString(), data: encodeFunctionData({ abi: gameAbi, functionName: 'buyItem', args: [1n] }) });
const pay = (value: bigint): BundleCall => ({ to: OTHER, value: value.toString(), data: '0x' });

let requests = 0;
function ctx(): RequestContext {
  return { origin: ORIGIN, chain, chainRpc: {} as never, requestId: `request-${++requests}`, services: {} as never };
}

interface Setup {
  sessions: Sessions;
  bundles: Bundles;
  sessionAddress: Address;
  signAsSession: ReturnType<typeof vi.fn<(key: LocalAccount, owner: Address, permissions: AlchemyPermissions, calls: SessionCall[]) => Promise<SignedCalls>>>;
  sendSigned: ReturnType<typeof vi.fn<(signed: SignedCalls) => Promise<Hex>>>;
}

async function setup(): Promise<Setup> {
  await unlockedSealingKey(); // session keys are sealed under the vault's sealing key
  const keys = new SessionKeyVault(memoryDeviceKeyStore());
  const bundles = new Bundles();
  const signAsSession = vi.fn(async (_key: LocalAccount, _owner: Address, permissions: AlchemyPermissions, _calls: SessionCall[]): Promise<SignedCalls> => ({ payload: '{}', context: permissions.context }));
  const sendSigned = vi.fn(async (_signed: SignedCalls): Promise<Hex> => ALCHEMY_ID);
  const fakeBackend = { signAsSession, sendSigned, delegationAddress: OTHER };
  // The chain uses the Alchemy backend, whose Wallet API client is the fake.
  await fakeBrowser.storage.local.set({ 'backend.byChain': { [chain.id]: { kind: 'alchemy' } } });
  const backends = new Backends();
  vi.spyOn(backends, 'alchemyFor').mockResolvedValue(fakeBackend as unknown as AlchemyBackend);
  const sessions = new Sessions({ vault: {} as never, bundles, backends, keys });

  const privateKey = generatePrivateKey();
  const sessionAddress = privateKeyToAccount(privateKey).address;
  const now = Math.floor(Date.now() / 1000);
  const scope = parseSessionScope(
    {
      expiry: now + 3600,
      permissions: [
        { type: 'native-token-transfer', data: { allowance: ALLOWANCE.toString() } },
        { type: 'functions-on-contract', data: { address: GAME, functions: ['buyItem(uint256)'] } },
      ],
    },
    { account: ACCOUNT, chainId: chain.id, now },
  );
  const record: SessionRecord = {
    id: SESSION_ID,
    origin: ORIGIN,
    chainId: chain.id,
    account: ACCOUNT,
    sessionAddress,
    sealedKey: await keys.seal(privateKey),
    scope: serializeScope(scope),
    backend: 'alchemy',
    alchemy: { context: CONTEXT, spent: { native: '0', erc20: {}, calls: 0 } },
    stipend: '0',
    createdAt: Date.now(),
    status: 'active',
  };
  await fakeBrowser.storage.local.set({ sessions: [record] });
  return { sessions, bundles, sessionAddress, signAsSession, sendSigned };
}

/** trySend as routeSend calls it: the bundle is recorded under the request once a session covers it. */
function send(s: Setup, calls: BundleCall[]) {
  const c = ctx();
  return s.sessions.trySend(c, ACCOUNT, calls, undefined, (sessionId) =>
    s.bundles.create({ id: Bundles.newId(c.origin, c.requestId), requestId: c.requestId, origin: c.origin, chainId: c.chain.id, account: ACCOUNT, signer: 'session', sessionId, calls, atomic: true }),
  );
}

/** The bundle the (only) request made, found through storage, not through trySend's answer. */
async function onlyBundle(s: Setup): Promise<CallBundle> {
  const list = await s.bundles.list();
  expect(list).toHaveLength(1);
  return list[0]!;
}

async function spent(s: Setup) {
  return (await s.sessions.get(SESSION_ID))!.alchemy!.spent;
}

beforeEach(() => {
  fakeBrowser.reset();
});

describe('Sessions on the Alchemy backend: booking the spend around a send', () => {
  it('a covered send that succeeds is submitted and its spend stays booked', async () => {
    const s = await setup();
    const calls = [buy(parseEther('0.3')), pay(parseEther('0.2'))];
    const outcome = await send(s, calls);

    expect('sent' in outcome).toBe(true);
    const sent = (outcome as { sent: CallBundle }).sent;
    expect(sent.alchemyId).toBe(ALCHEMY_ID);
    expect(sent.state).toBe('submitted');
    const stored = await onlyBundle(s);
    expect(stored).toMatchObject({ id: sent.id, state: 'submitted', alchemyId: ALCHEMY_ID, signer: 'session', sessionId: SESSION_ID, signed: { backend: 'alchemy', payload: { payload: '{}', context: CONTEXT } } });

    expect(await spent(s)).toEqual({ native: parseEther('0.5').toString(), erc20: {}, calls: 2 });

    // Signed with the session key, for the owner's account, under Alchemy's permissions context.
    expect(s.signAsSession).toHaveBeenCalledTimes(1);
    const [key, owner, permissions, signedCalls] = s.signAsSession.mock.calls[0]!;
    expect(key.address).toBe(s.sessionAddress);
    expect(owner).toBe(ACCOUNT);
    expect(permissions).toEqual({ context: CONTEXT });
    expect(signedCalls).toEqual(calls.map((c) => ({ to: getAddress(c.to!), value: BigInt(c.value), data: c.data })));
    expect(s.sendSigned).toHaveBeenCalledTimes(1);
    expect(s.sendSigned).toHaveBeenCalledWith({ payload: '{}', context: CONTEXT });
  });

  it('a send Alchemy refuses fails the bundle and gives the booked spend back', async () => {
    const s = await setup();
    s.sendSigned.mockRejectedValueOnce(new TransactionRejectedError('Alchemy refused to send the calls: policy'));

    await expect(send(s, [buy(parseEther('0.3')), pay(parseEther('0.2'))])).rejects.toMatchObject({ code: -32003 });

    expect(s.sendSigned).toHaveBeenCalledTimes(1);
    const bundle = await onlyBundle(s);
    expect(bundle.state).toBe('failed');
    expect(bundle.alchemyId).toBeUndefined();
    expect(await spent(s)).toEqual({ native: '0', erc20: {}, calls: 0 });
  });

  it.each([
    ['the Wallet API unreachable (4901)', () => new ChainDisconnectedError('Cannot reach the Alchemy Wallet API to send the calls.'), 4901],
    ['an internal error (-32603)', () => new InternalError('The Alchemy Wallet API failed to send the calls.'), -32603],
  ])('a lost answer, %s, keeps the spend booked', async (_name, error, code) => {
    const s = await setup();
    s.sendSigned.mockRejectedValueOnce(error());

    await expect(send(s, [buy(parseEther('0.3')), pay(parseEther('0.2'))])).rejects.toMatchObject({ code });

    expect(s.sendSigned).toHaveBeenCalledTimes(1);
    const bundle = await onlyBundle(s);
    expect(bundle.alchemyId).toBeUndefined();
    // The signed payload is kept: what may have run is exactly this.
    expect(bundle.signed).toEqual({ backend: 'alchemy', payload: { payload: '{}', context: CONTEXT } });
    expect(await spent(s)).toEqual({ native: parseEther('0.5').toString(), erc20: {}, calls: 2 });
  });

  it('signing that fails gives the spend back and sends nothing', async () => {
    const s = await setup();
    s.signAsSession.mockRejectedValueOnce(new InternalError('prepareCalls failed'));

    await expect(send(s, [buy(parseEther('0.3'))])).rejects.toMatchObject({ code: -32603 });

    expect(s.signAsSession).toHaveBeenCalledTimes(1);
    expect(s.sendSigned).not.toHaveBeenCalled();
    const bundle = await onlyBundle(s);
    expect(bundle.state).toBe('failed');
    expect(bundle.signed).toBeUndefined();
    expect(await spent(s)).toEqual({ native: '0', erc20: {}, calls: 0 });
  });

  it('a second send beyond the ETH allowance, given what is booked, is refused off chain', async () => {
    const s = await setup();
    const first = await send(s, [buy(parseEther('0.7'))]);
    expect('sent' in first).toBe(true);
    expect(await spent(s)).toEqual({ native: parseEther('0.7').toString(), erc20: {}, calls: 1 });
    s.signAsSession.mockClear();
    s.sendSigned.mockClear();

    // 0.4 ETH alone is within the 1 ETH allowance; with the 0.7 booked, it is not.
    const second = await send(s, [buy(parseEther('0.4'))]);

    expect(second).toEqual({ covered: false, reason: expect.stringMatching(/allowance has 0\.3 ETH left; this batch sends 0\.4 ETH/) });
    expect(s.signAsSession).not.toHaveBeenCalled();
    expect(s.sendSigned).not.toHaveBeenCalled();
    expect(await s.bundles.list()).toHaveLength(1); // no bundle recorded for the refused request
    expect(await spent(s)).toEqual({ native: parseEther('0.7').toString(), erc20: {}, calls: 1 });
  });

  it('a lost answer keeps the bundle and its payload; the retried request sends the same payload, booked once', async () => {
    const s = await setup();
    s.sendSigned.mockRejectedValueOnce(new ChainDisconnectedError('Cannot reach the Alchemy Wallet API'));
    await expect(send(s, [buy(parseEther('0.6'))])).rejects.toMatchObject({ code: 4901 });
    const lost = await onlyBundle(s);
    expect(lost.state).toBe('preparing');
    expect(lost.error).toMatch(/No answer from Alchemy/);

    // The bridge retries the same request (same bundle): the stored payload goes again, nothing is signed.
    const done = await s.sessions.resend(ctx(), lost);
    expect(done).toMatchObject({ id: lost.id, state: 'submitted', alchemyId: ALCHEMY_ID });
    expect(s.signAsSession).toHaveBeenCalledTimes(1);
    expect(s.sendSigned).toHaveBeenCalledTimes(2);
    expect(s.sendSigned.mock.calls[1]![0]).toEqual(s.sendSigned.mock.calls[0]![0]);
    const session = (await s.sessions.get(SESSION_ID))!.alchemy!;
    expect(session.spent).toEqual({ native: parseEther('0.6').toString(), erc20: {}, calls: 1 });
    expect(session.pending ?? []).toEqual([]);
  });

  it('a retried send that Alchemy then refuses gives the booked spend back', async () => {
    const s = await setup();
    s.sendSigned.mockRejectedValueOnce(new InternalError('the answer was lost'));
    await expect(send(s, [buy(parseEther('0.6'))])).rejects.toMatchObject({ code: -32603 });
    expect((await spent(s)).calls).toBe(1);

    s.sendSigned.mockRejectedValueOnce(new TransactionRejectedError('Alchemy refused to send the calls: session expired'));
    await expect(s.sessions.resend(ctx(), await onlyBundle(s))).rejects.toMatchObject({ code: -32003 });
    expect((await onlyBundle(s)).state).toBe('failed');
    expect(await spent(s)).toEqual({ native: '0', erc20: {}, calls: 0 });
  });

  it('a bundle booked by a worker that stopped before signing is resumed without booking it twice', async () => {
    const s = await setup();
    // What the stopped worker left: the spend booked for the bundle (pending), the bundle unsigned.
    const c = ctx();
    const calls = [buy(parseEther('0.6'))];
    const bundle = await s.bundles.create({ id: Bundles.newId(c.origin, c.requestId), requestId: c.requestId, origin: c.origin, chainId: c.chain.id, account: ACCOUNT, signer: 'session', sessionId: SESSION_ID, calls, atomic: true });
    const record = (await s.sessions.get(SESSION_ID))!;
    await fakeBrowser.storage.local.set({ sessions: [{ ...record, alchemy: { ...record.alchemy!, spent: { native: parseEther('0.6').toString(), erc20: {}, calls: 1 }, pending: [bundle.id] } }] });

    // 0.6 + 0.6 would exceed the 1 ETH allowance: the resumed bundle must not count against itself.
    const resumed = await s.sessions.resume(c, bundle);
    expect(resumed).toMatchObject({ id: bundle.id, state: 'submitted', alchemyId: ALCHEMY_ID });
    const session = (await s.sessions.get(SESSION_ID))!.alchemy!;
    expect(session.spent).toEqual({ native: parseEther('0.6').toString(), erc20: {}, calls: 1 });
    expect(session.pending ?? []).toEqual([]);
  });
});
