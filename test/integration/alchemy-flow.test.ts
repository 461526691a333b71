// Alchemy's Session Keys SDK guide, step by step as it is written (delegate, grantPermissions,
// sendCalls with the permissions capability, waitForCallsStatus), end to end with the real @alchemy/wallet-apis
// v5 client against the local Wallet API stand-in (test/alchemy/server.ts), executing on the devnet.
import { alchemyWalletTransport, createSmartWalletClient } from '@alchemy/wallet-apis';
import { encodeFunctionData, getAddress, parseEther, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import { devnetChain } from '../../devnet/constants';
import deployment from '../../devnet/deployment.json';
import { ERROR_CODES, startWalletApiServer, UNAUTHENTICATED_MESSAGE, type WalletApiServer } from '../alchemy/server';
import { devnetClients } from './helpers';

const rpcUrl = inject('rpcUrl');
const { publicClient, testClient } = devnetClients(rpcUrl);
const API_KEY = 'test-api-key-3f9c1a7e5b';
const game = deployment.contracts.DemoGame as Address;
const token = deployment.contracts.DemoToken as Address;

// The SDK takes any viem chain. blockTime only sets the client's polling interval (viem: half of it,
// at least 500 ms; without it 4 s), which is what waitForCallsStatus polls wallet_getCallsStatus at.
const chain = { ...devnetChain(rpcUrl), blockTime: 1_000 };

// The server's clock can be moved forward to expire sessions without waiting.
let skew = 0;
const wallClock = () => Math.floor(Date.now() / 1000);

let server: WalletApiServer;
const fetchedUrls: string[] = [];
const realFetch = globalThis.fetch;

beforeAll(async () => {
  server = await startWalletApiServer({ rpcUrl, apiKey: API_KEY, now: () => wallClock() + skew });
  // Every HTTP request made in this file (by the SDK and by our own viem clients) is recorded.
  globalThis.fetch = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    fetchedUrls.push(input instanceof Request ? input.url : String(input));
    return realFetch(input, init);
  };
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await server?.close();
});

/** The SDK's transport pointed at the stand-in; `null` sends no key at all. */
const transport = (apiKey: string | null = API_KEY) => alchemyWalletTransport({ url: server.url, ...(apiKey !== null ? { apiKey } : {}) });

async function freshOwner() {
  const owner = privateKeyToAccount(generatePrivateKey());
  await testClient.setBalance({ address: owner.address, value: parseEther('10') });
  return owner;
}

const score = (who: Address) => publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'score', args: [who] });
const move = (direction: number) => ({ to: game, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'move', args: [direction] }) });

/** An owner delegated the guide's way, with a client of its own. */
async function delegatedOwner() {
  const owner = await freshOwner();
  const client = createSmartWalletClient({ transport: transport(), chain, signer: owner });
  const { id } = await client.sendCalls({ calls: [] });
  await client.waitForCallsStatus({ id });
  return { owner, client };
}

function rpcErrorOf(err: unknown): { code?: number; message: string; status?: number } {
  // viem wraps the JSON-RPC error; walk the cause chain to the RpcRequestError.
  let e = err as { code?: number; status?: number; message: string; cause?: unknown; details?: string } | undefined;
  let code: number | undefined;
  let status: number | undefined;
  const messages: string[] = [];
  while (e) {
    if (typeof e.code === 'number' && code === undefined) code = e.code;
    if (typeof e.status === 'number' && status === undefined) status = e.status;
    messages.push(e.details ?? e.message);
    e = e.cause as typeof e;
  }
  return { code, status, message: messages.join(' | ') };
}

describe('the guide flow with the real v5 client', () => {
  it('delegates with an empty sendCalls, grants root, and the session key moves on DemoGame', async () => {
    // 2. Create a smart wallet client (guide step 2), for a fresh owner funded on the devnet.
    const owner = await freshOwner();
    const client = createSmartWalletClient({
      transport: alchemyWalletTransport({ url: server.url, apiKey: API_KEY }),
      chain,
      signer: owner,
    });
    expect(client.account.address).toBe(owner.address);
    expect(await publicClient.getCode({ address: owner.address })).toBeUndefined();

    // 3a. Delegate first: an empty call as the owner.
    const delegation = await client.sendCalls({ calls: [] });
    const delegated = await client.waitForCallsStatus({ id: delegation.id });
    expect(delegated.status).toBe('success');
    expect(delegated.statusCode).toBe(200);
    expect(delegated.receipts).toHaveLength(1);
    // The owner's signed authorization was applied for real by a type-4 transaction.
    expect(await publicClient.getCode({ address: owner.address })).toBe(`0xef0100${server.delegationAddress.slice(2).toLowerCase()}`);
    const authTx = await publicClient.getTransaction({ hash: delegated.receipts![0]!.transactionHash });
    expect(authTx.type).toBe('eip7702');
    expect(getAddress(authTx.from)).toBe(server.relayerAddress);
    expect(getAddress(authTx.authorizationList![0]!.address)).toBe(server.delegationAddress);

    // 3b. Create the session key.
    const sessionKeyPrivateKey = generatePrivateKey();
    const sessionKey = privateKeyToAccount(sessionKeyPrivateKey);
    const permissions = await client.grantPermissions({
      expirySec: Math.floor(Date.now() / 1000) + 60 * 60,
      key: { publicKey: sessionKey.address, type: 'secp256k1' },
      permissions: [{ type: 'root' }],
    });
    expect(permissions.context).toMatch(/^0x00[0-9a-f]{32}[0-9a-f]{130}$/); // 0x00 ‖ sessionId(16) ‖ ownerSig(65)

    // 4. Send calls using the session key.
    const sessionKeyClient = createSmartWalletClient({
      transport: alchemyWalletTransport({ url: server.url, apiKey: API_KEY }),
      chain,
      signer: sessionKey,
      account: client.account.address,
    });
    const before = await score(owner.address);
    const { id } = await sessionKeyClient.sendCalls({ calls: [move(1)], capabilities: { permissions } });
    const status = await sessionKeyClient.waitForCallsStatus({ id });

    expect(status.status).toBe('success');
    expect(status.receipts).toHaveLength(1);
    const receipt = await publicClient.getTransactionReceipt({ hash: status.receipts![0]!.transactionHash });
    expect(receipt.status).toBe('success');
    expect(getAddress(receipt.from)).toBe(owner.address); // the account itself ran the call
    expect(await score(owner.address)).toBe(before + 1n);

    // The wire sequence is the one the reference captured (§9), plus status polls.
    const methods = server.requests.filter((r) => r.headers.authorization === `Bearer ${API_KEY}`).map((r) => r.rpcMethods[0]);
    const flow = methods.slice(-9).filter((m) => m !== 'wallet_getCallsStatus');
    expect(flow).toEqual(['wallet_prepareCalls', 'wallet_sendPreparedCalls', 'wallet_createSession', 'wallet_prepareCalls', 'wallet_sendPreparedCalls']);
    // Pending first, then confirmed.
    const statusAnswers = server.requests
      .filter((r) => r.rpcMethods[0] === 'wallet_getCallsStatus' && (r.response as { result?: { id?: string } }).result?.id === id)
      .map((r) => (r.response as { result: { status: number } }).result.status);
    expect(statusAnswers[0]).toBe(100);
    expect(statusAnswers.at(-1)).toBe(200);
    expect(statusAnswers.every((s) => s === 100 || s === 200)).toBe(true);

    // getCapabilities: answered under "0x0", read back by the SDK.
    expect(await client.getCapabilities()).toMatchObject({ atomic: { status: 'supported' }, eip7702Auth: { supported: true } });
    expect(server.internalErrors).toEqual([]);
  });
});

describe('a scoped session: native-token-transfer allowance + contract-access on DemoGame', () => {
  it('accepts calls within the scope and refuses the allowance overrun and another contract', async () => {
    const { owner, client } = await delegatedOwner();
    const price = await publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'ITEM_PRICE' });
    const sessionKey = privateKeyToAccount(generatePrivateKey());
    const permissions = await client.grantPermissions({
      expirySec: Math.floor(Date.now() / 1000) + 60 * 60,
      key: { publicKey: sessionKey.address, type: 'secp256k1' },
      permissions: [
        { type: 'native-token-transfer', data: { allowance: (price * 5n) / 2n } }, // two items, not three
        { type: 'contract-access', data: { address: game } },
      ],
    });
    const session = createSmartWalletClient({ transport: transport(), chain, signer: sessionKey, account: owner.address });
    const buy = (itemId: bigint) => ({ to: game, value: price, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'buyItem', args: [itemId] }) });
    const send = async (calls: Parameters<typeof session.sendCalls>[0]['calls']) => {
      const { id } = await session.sendCalls({ calls, capabilities: { permissions } });
      return session.waitForCallsStatus({ id });
    };
    const owned = (itemId: bigint) => publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'itemsOwned', args: [owner.address, itemId] });
    const gameBalance0 = await publicClient.getBalance({ address: game });

    // Within: two items (2 x price <= 2.5 x price), in two bundles.
    expect((await send([buy(1n)])).status).toBe('success');
    expect((await send([buy(2n), move(1)])).status).toBe('success');
    expect([await owned(1n), await owned(2n)]).toEqual([1n, 1n]);
    expect(await publicClient.getBalance({ address: game })).toBe(gameBalance0 + 2n * price);

    // Over the allowance: a third item is refused before anything is sent.
    const over = await send([buy(3n)]).catch((e: unknown) => e);
    expect(rpcErrorOf(over)).toMatchObject({ code: ERROR_CODES.rejected });
    expect(rpcErrorOf(over).message).toMatch(/native-token-transfer allowance 2500000000000000 wei would be exceeded \(used 2000000000000000/);
    expect(await owned(3n)).toBe(0n);

    // Another contract: DemoToken is not in the scope, even for a call without value; the whole batch is refused.
    const scoreBefore = await score(owner.address);
    const mint = { to: token, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'mint', args: [owner.address, 1n] }) };
    const other = await send([move(2), mint]).catch((e: unknown) => e);
    expect(rpcErrorOf(other)).toMatchObject({ code: ERROR_CODES.rejected });
    expect(rpcErrorOf(other).message).toMatch(new RegExp(`call 1 \\(to ${token}, selector 0x40c10f19\\) is outside the session`));
    expect(await score(owner.address)).toBe(scoreBefore);

    // Still within: DemoGame without value, and value-free calls do not touch the allowance.
    expect((await send([move(3)])).status).toBe('success');
    expect(await score(owner.address)).toBe(scoreBefore + 1n);
    expect(server.internalErrors).toEqual([]);
  });
});

describe('refusals', () => {
  it('an expired session is refused (and a grant that is already expired is refused at wallet_createSession)', async () => {
    const { owner, client } = await delegatedOwner();
    const sessionKey = privateKeyToAccount(generatePrivateKey());
    const now = wallClock() + skew;
    const permissions = await client.grantPermissions({ expirySec: now + 60, key: { publicKey: sessionKey.address, type: 'secp256k1' }, permissions: [{ type: 'root' }] });
    const session = createSmartWalletClient({ transport: transport(), chain, signer: sessionKey, account: owner.address });
    const { id } = await session.sendCalls({ calls: [move(0)], capabilities: { permissions } });
    expect((await session.waitForCallsStatus({ id })).status).toBe('success');

    skew += 61;
    try {
      const before = await score(owner.address);
      const err = await session.sendCalls({ calls: [move(0)], capabilities: { permissions } }).catch((e: unknown) => e);
      expect(rpcErrorOf(err)).toMatchObject({ code: ERROR_CODES.expired });
      expect(rpcErrorOf(err).message).toMatch(/session expired at/);
      expect(await score(owner.address)).toBe(before);

      const late = await client
        .grantPermissions({ expirySec: wallClock() + 30, key: { publicKey: sessionKey.address, type: 'secp256k1' }, permissions: [{ type: 'root' }] })
        .catch((e: unknown) => e);
      expect(rpcErrorOf(late)).toMatchObject({ code: ERROR_CODES.invalidParams });
      expect(rpcErrorOf(late).message).toMatch(/expirySec \d+ is not in the future/);
    } finally {
      skew -= 61;
    }
  });

  it('tampered signatures are refused: the owner grant in the context, the session key on the user operation, a key that was not granted', async () => {
    const { owner, client } = await delegatedOwner();
    const sessionKey = privateKeyToAccount(generatePrivateKey());
    const permissions = await client.grantPermissions({ expirySec: wallClock() + 3600, key: { publicKey: sessionKey.address, type: 'secp256k1' }, permissions: [{ type: 'root' }] });
    const session = createSmartWalletClient({ transport: transport(), chain, signer: sessionKey, account: owner.address });
    const before = await score(owner.address);

    // The owner's EIP-712 grant signature inside the context, one byte of s changed.
    const ctx = permissions.context;
    const flipped = (ctx.slice(0, 2 + 2 * (17 + 40)) + (ctx.slice(2 + 2 * (17 + 40), 2 + 2 * (17 + 41)) === 'ff' ? '00' : 'ff') + ctx.slice(2 + 2 * (17 + 41))) as Hex;
    expect(flipped.length).toBe(ctx.length);
    const badGrant = await session.sendCalls({ calls: [move(1)], capabilities: { permissions: { context: flipped } } }).catch((e: unknown) => e);
    expect(rpcErrorOf(badGrant)).toMatchObject({ code: ERROR_CODES.badSignature });
    expect(rpcErrorOf(badGrant).message).toMatch(/session grant/);

    // The session key's personal_sign of the user operation hash, tampered after signing.
    const prepared = await session.prepareCalls({ calls: [move(1)], capabilities: { permissions } });
    const signed = await session.signPreparedCalls(prepared);
    if (signed.type !== 'user-operation-v070') throw new Error(`unexpected ${signed.type}`);
    const sig = signed.signature.data;
    const tampered = { ...signed, signature: { ...signed.signature, data: (sig.slice(0, 10) + (sig[10] === 'a' ? 'b' : 'a') + sig.slice(11)) as Hex } };
    const badOp = await session.sendPreparedCalls({ ...tampered, capabilities: { permissions } }).catch((e: unknown) => e);
    expect(rpcErrorOf(badOp).code).toBe(ERROR_CODES.badSignature);

    // A key that was not granted, holding the stolen context.
    const thief = createSmartWalletClient({ transport: transport(), chain, signer: privateKeyToAccount(generatePrivateKey()), account: owner.address });
    const stolen = await thief.sendCalls({ calls: [move(1)], capabilities: { permissions } }).catch((e: unknown) => e);
    expect(rpcErrorOf(stolen)).toMatchObject({ code: ERROR_CODES.badSignature });
    expect(rpcErrorOf(stolen).message).toMatch(new RegExp(`signed \\(personal_sign of the raw hash\\) by the session key ${sessionKey.address}`));

    // The untampered user operation still goes through, once.
    const ok = await session.sendPreparedCalls({ ...signed, capabilities: { permissions } });
    expect((await session.waitForCallsStatus({ id: ok.id })).status).toBe('success');
    expect(await score(owner.address)).toBe(before + 1n);
  });

  it('a wrong or missing API key is refused like Alchemy does (HTTP 401, -32600 "Must be authenticated!") before anything runs', async () => {
    const owner = await freshOwner();
    const logged = server.requests.length;
    for (const apiKey of ['not-the-key', null]) {
      const client = createSmartWalletClient({ transport: transport(apiKey), chain, signer: owner });
      const err = await client.sendCalls({ calls: [] }).catch((e: unknown) => e);
      expect(rpcErrorOf(err)).toMatchObject({ code: ERROR_CODES.invalidRequest, status: 401 });
      expect(rpcErrorOf(err).message).toContain(UNAUTHENTICATED_MESSAGE);
    }
    const refused = server.requests.slice(logged);
    expect(refused.map((r) => [r.httpStatus, r.rpcMethods[0], r.headers.authorization])).toEqual([
      [401, 'wallet_prepareCalls', 'Bearer not-the-key'],
      [401, 'wallet_prepareCalls', undefined],
    ]);
    expect(await publicClient.getCode({ address: owner.address })).toBeUndefined();
  });

  it('a retried wallet_sendPreparedCalls gets the same id and executes once', async () => {
    const { owner, client } = await delegatedOwner();
    const sessionKey = privateKeyToAccount(generatePrivateKey());
    const permissions = await client.grantPermissions({ expirySec: wallClock() + 3600, key: { publicKey: sessionKey.address, type: 'secp256k1' }, permissions: [{ type: 'root' }] });
    const session = createSmartWalletClient({ transport: transport(), chain, signer: sessionKey, account: owner.address });
    const before = await score(owner.address);

    // The transport's own retry: the first answer is lost (-32603), viem sends the same body again.
    const logged = server.requests.length;
    server.injectFault({ method: 'wallet_sendPreparedCalls' });
    const { id } = await session.sendCalls({ calls: [move(1)], capabilities: { permissions } });
    const sends = server.requests.slice(logged).filter((r) => r.rpcMethods[0] === 'wallet_sendPreparedCalls');
    expect(sends).toHaveLength(2);
    expect(JSON.parse(sends[1]!.body).params).toEqual(JSON.parse(sends[0]!.body).params);
    expect((sends[0]!.response as { error: { code: number } }).error.code).toBe(ERROR_CODES.internal);
    expect((sends[1]!.response as { result: { id: string } }).result.id).toBe(id);
    const status = await session.waitForCallsStatus({ id });
    expect(status.receipts).toHaveLength(1);
    expect(server.calls.get(id as Hex)?.deliveries).toBe(2);

    // And the same signed payload sent twice by hand.
    const prepared = await session.prepareCalls({ calls: [move(2)], capabilities: { permissions } });
    const signed = await session.signPreparedCalls(prepared);
    const first = await session.sendPreparedCalls({ ...signed, capabilities: { permissions } });
    const second = await session.sendPreparedCalls({ ...signed, capabilities: { permissions } });
    expect(second.id).toBe(first.id);
    await session.waitForCallsStatus({ id: first.id });
    await server.idle();

    expect(await score(owner.address)).toBe(before + 2n); // one move each, not four
    expect(server.internalErrors).toEqual([]);
  });
});

describe('the API key', () => {
  it('appears only in the Authorization header of requests to the server, never in URLs or bodies; nothing else was contacted', () => {
    expect(server.requests.length).toBeGreaterThan(20);
    for (const r of server.requests) {
      expect(r.path).toBe('/v2');
      expect(r.body).not.toContain(API_KEY);
      for (const [name, value] of Object.entries(r.headers)) {
        if (name === 'authorization') continue;
        expect(String(value)).not.toContain(API_KEY);
      }
      expect([`Bearer ${API_KEY}`, 'Bearer not-the-key', undefined]).toContain(r.headers.authorization);
      expect(r.headers['alchemy-aa-sdk-version']).toBe('5.1.0');
    }
    expect(server.requests.filter((r) => r.headers.authorization === `Bearer ${API_KEY}`).length).toBeGreaterThan(20);
    // Every fetch made in this file went to the stand-in or to the devnet: no telemetry, no Alchemy host.
    const origins = new Set(fetchedUrls.map((u) => new URL(u).origin));
    expect([...origins].sort()).toEqual([new URL(server.url).origin, new URL(rpcUrl).origin].sort());
    expect(fetchedUrls.filter((u) => u.startsWith(server.url)).length).toBe(server.requests.length);
  });
});
