// src/backends/alchemy/backend.ts against the local Wallet API stand-in (test/alchemy/server.ts),
// executing on the devnet: delegate, grants, session and owner sends, statuses, error mapping,
// message signing, and the checks made before anything the server returns is signed.
import { alchemyWalletTransport, createSmartWalletClient } from '@alchemy/wallet-apis';
import { ModularAccountAbi_V2_0_0 } from '@alchemy/wallet-api-types/abi';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeFunctionData, encodeFunctionData, encodePacked, getAddress, parseEther, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DemoGameAbi } from '../../devnet/contracts/abis';
import { devnetChain } from '../../devnet/constants';
import deployment from '../../devnet/deployment.json';
import { AlchemyBackend, ALCHEMY_MAV2_7702_ADDRESS } from '../../src/backends/alchemy/backend';
import { devnet, type ChainConfig } from '../../src/chains/registry';
import type { SessionCall, SessionScope } from '../../src/permissions/types';
import { startWalletApiServer, type WalletApiServer } from '../alchemy/server';
import { devnetClients, freePort, rejection } from './helpers';

const rpcUrl = inject('rpcUrl');
const { publicClient, testClient, walletFor } = devnetClients(rpcUrl);
const API_KEY = 'alchemy-backend-test-key-7c41d9e2';
const game = deployment.contracts.DemoGame as Address;
const chain: ChainConfig = { ...devnet, rpcUrl };

let server: WalletApiServer;
let backend: AlchemyBackend;
// Every fetch in this file: where it went, and whether the key was anywhere but an Authorization header.
const fetched: { url: string; keyOutsideAuth: boolean }[] = [];
const realFetch = globalThis.fetch;
/** The URLs backends in this file were configured with, besides the stand-in's. */
const configuredOrigins = new Set<string>();

beforeAll(async () => {
  globalThis.fetch = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = input instanceof Request ? input.url : String(input);
    const keyOutsideAuth = url.includes(API_KEY) || String(init?.body ?? '').includes(API_KEY) || [...new Headers(init?.headers)].some(([k, v]) => k !== 'authorization' && v.includes(API_KEY));
    fetched.push({ url, keyOutsideAuth });
    return realFetch(input, init);
  };
  server = await startWalletApiServer({ rpcUrl, apiKey: API_KEY });
  backend = new AlchemyBackend({ apiKey: API_KEY, url: server.url, chain, pollIntervalMs: 250 });
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await server?.close();
});

const now = () => Math.floor(Date.now() / 1000);
const score = (who: Address) => publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'score', args: [who] });
const move = (direction: number): SessionCall => ({ to: game, value: 0n, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'move', args: [direction] }) });

async function freshOwner() {
  const owner = privateKeyToAccount(generatePrivateKey());
  await testClient.setBalance({ address: owner.address, value: parseEther('10') });
  return owner;
}
async function delegatedOwner() {
  const owner = await freshOwner();
  await backend.delegate(owner);
  return owner;
}
const scope = (account: Address, permissions: SessionScope['permissions'], extra: Partial<SessionScope> = {}): SessionScope => ({
  account,
  chainId: chain.id,
  expiry: now() + 3600,
  permissions,
  ...extra,
});
describe('AlchemyBackend on the stand-in', () => {
  it('delegates an owner once (empty batch as the owner, waits for 200)', async () => {
    const owner = await freshOwner();
    expect(await backend.isDelegated(owner.address)).toBe(false);
    const done = await backend.delegate(owner);
    expect(done?.status.status).toBe(200);
    expect(done?.status.receipts).toHaveLength(1);
    expect(await backend.isDelegated(owner.address)).toBe(true);
    expect(await publicClient.getCode({ address: owner.address })).toBe(`0xef0100${deployment.contracts.EIP7702StatelessDeleGatorImpl.slice(2).toLowerCase()}`);
    expect(backend.delegationAddress).toBe(getAddress(deployment.contracts.EIP7702StatelessDeleGatorImpl));
    expect(await backend.delegate(owner)).toBeNull();
  });

  it('grants root; the session key moves on DemoGame; status goes 100 then 200 with receipts', async () => {
    const owner = await delegatedOwner();
    const key = privateKeyToAccount(generatePrivateKey());
    const permissions = await backend.grant(owner, scope(owner.address, [{ type: 'root' }]), key.address);
    expect(permissions.context).toMatch(/^0x00[0-9a-f]{32}[0-9a-f]{130}$/);
    const before = await score(owner.address);
    const id = await backend.sendAsSession(key, owner.address, permissions, [move(1), move(2)]);
    const first = await backend.status(id);
    expect(first).toMatchObject({ version: '2.0.0', id, chainId: '0x7a69', status: 100 });
    expect(first.receipts).toBeUndefined();
    const final = await backend.waitForStatus(id);
    expect(final).toMatchObject({ version: '2.0.0', id, chainId: '0x7a69', status: 200, atomic: true });
    expect(final.receipts).toHaveLength(1);
    const r = final.receipts![0]!;
    expect(r.status).toBe('0x1');
    expect(r.blockNumber).toMatch(/^0x[0-9a-f]+$/);
    expect(r.gasUsed).toMatch(/^0x[0-9a-f]+$/);
    const receipt = await publicClient.getTransactionReceipt({ hash: r.transactionHash });
    expect(getAddress(receipt.from)).toBe(owner.address);
    expect(await score(owner.address)).toBe(before + 2n);
  });

  it('a scoped grant (allowance + one contract) sends within it and refuses the overrun with -32003', async () => {
    const owner = await delegatedOwner();
    const price = await publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'ITEM_PRICE' });
    const key = privateKeyToAccount(generatePrivateKey());
    const permissions = await backend.grant(
      owner,
      scope(owner.address, [
        { type: 'native-token-transfer', data: { allowance: (price * 3n) / 2n } },
        { type: 'contract-access', data: { address: game } },
      ]),
      key.address,
    );
    const buy = (itemId: bigint): SessionCall => ({ to: game, value: price, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'buyItem', args: [itemId] }) });
    const ok = await backend.sendAsSession(key, owner.address, permissions, [buy(1n), move(1)]);
    expect((await backend.waitForStatus(ok)).status).toBe(200);

    const over = await rejection(backend.sendAsSession(key, owner.address, permissions, [buy(2n)]));
    expect(over.code).toBe(-32003);
    expect(over.message).toMatch(/^Alchemy refused to send the calls: .*native-token-transfer allowance/);
    expect(await publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'itemsOwned', args: [owner.address, 2n] })).toBe(0n);
  });

  it('refuses a scope with a call limit before contacting Alchemy', async () => {
    const owner = await delegatedOwner();
    const logged = server.requests.length;
    const err = await rejection(backend.grant(owner, scope(owner.address, [{ type: 'contract-access', data: { address: game } }], { callLimit: 3 }), owner.address));
    expect(err.code).toBe(-32602);
    expect(err.message).toMatch(/cannot limit the number of calls/);
    expect(server.requests.length).toBe(logged);
  });

  it('sends as the owner (delegating first when needed: authorization + user operation)', async () => {
    const owner = await freshOwner();
    const before = await score(owner.address);
    const id = await backend.sendAsOwner(owner, [move(3)]);
    const status = await backend.waitForStatus(id);
    expect(status.status).toBe(200);
    expect(await backend.isDelegated(owner.address)).toBe(true);
    expect(await score(owner.address)).toBe(before + 1n);
    const again = await backend.sendAsOwner(owner, [move(0)]);
    expect((await backend.waitForStatus(again)).status).toBe(200);
    expect(await score(owner.address)).toBe(before + 2n);
  });

  it('signs messages as the owner (ERC-1271 on the devnet); a session key cannot', async () => {
    const owner = await delegatedOwner();
    const signature = await backend.signMessage(owner, 'hello from the alchemy backend');
    expect(await publicClient.verifyMessage({ address: owner.address, message: 'hello from the alchemy backend', signature })).toBe(true);
    expect(await publicClient.verifyMessage({ address: owner.address, message: 'something else', signature })).toBe(false);

    const key = privateKeyToAccount(generatePrivateKey());
    const logged = server.requests.length;
    const err = await rejection(backend.signMessage(key, 'hello', owner.address));
    expect(err.code).toBe(4200);
    expect(err.message).toMatch(/session keys cannot sign messages/);
    expect(server.requests.length).toBe(logged);
  });

  it('behavior: signs typed data as the owner through wallet_prepareSign/wallet_formatSign (ERC-1271 on the devnet), uint256 values and all', async () => {
    const owner = await delegatedOwner();
    const typedData = {
      domain: { name: 'Ticket', version: '1', chainId: chain.id, verifyingContract: game },
      types: { Ticket: [{ name: 'holder', type: 'address' }, { name: 'amount', type: 'uint256' }, { name: 'note', type: 'string' }] },
      primaryType: 'Ticket' as const,
      message: { holder: owner.address, amount: 10n ** 30n, note: 'seat 12' },
    };
    const signature = await backend.signTypedData(owner, typedData);
    expect(await publicClient.verifyTypedData({ address: owner.address, ...typedData, signature })).toBe(true);
    expect(await publicClient.verifyTypedData({ address: owner.address, ...typedData, message: { ...typedData.message, amount: 1n }, signature })).toBe(false);
  });
});

describe('errors a user understands', () => {
  it('a bad API key is 4100', async () => {
    const bad = new AlchemyBackend({ apiKey: 'wrong-key', url: server.url, chain });
    const err = await rejection(bad.sendAsOwner(await freshOwner(), []));
    expect(err.code).toBe(4100);
    expect(err.message).toMatch(/Alchemy refused the API key \(HTTP 401\)/);
  });

  it('an unsupported chain is 5710: refused locally on the public endpoint, and when the server says so', async () => {
    const publicEndpoint = new AlchemyBackend({ apiKey: API_KEY, chain });
    const local = await rejection(publicEndpoint.sendAsOwner(await freshOwner(), []));
    expect(local.code).toBe(5710);
    expect(local.message).toMatch(/does not support Local devnet \(chain 31337\)/);

    const other: ChainConfig = { ...chain, id: 999, name: 'Chain 999', kind: 'custom' };
    const remote = await rejection(new AlchemyBackend({ apiKey: API_KEY, url: server.url, chain: other }).sendAsOwner(await freshOwner(), []));
    expect(remote.code).toBe(5710);
    expect(remote.message).toMatch(/Alchemy does not serve Chain 999/);
  });

  it('an unreachable service is 4901', async () => {
    const port = await freePort();
    configuredOrigins.add(`http://127.0.0.1:${port}`);
    const down = new AlchemyBackend({ apiKey: API_KEY, url: `http://127.0.0.1:${port}/v2`, chain });
    const err = await rejection(down.status('0x01'));
    expect(err.code).toBe(4901);
    expect(err.message).toMatch(/Cannot reach the Alchemy Wallet API/);
  });

  it('an unknown call id is 5730', async () => {
    const err = await rejection(backend.status(`0x${'ab'.repeat(32)}` as Hex));
    expect(err.code).toBe(5730);
  });
});

describe('what the server returns is checked before signing', () => {
  // A real prepared answer from the stand-in, then altered as a hostile server would.
  async function prepared(owner: ReturnType<typeof privateKeyToAccount>, calls: SessionCall[]) {
    const sdk = createSmartWalletClient({ transport: alchemyWalletTransport({ url: server.url, apiKey: API_KEY }), chain: devnetChain(rpcUrl), signer: owner });
    return sdk.prepareCalls({ calls });
  }

  it('accepts the honest answer; refuses other calls, another digest, another delegation contract or chain', async () => {
    const owner = await freshOwner();
    const calls = [move(1)];
    const honest = await prepared(owner, calls);
    if (honest.type !== 'array') throw new Error(`expected authorization + user operation, got ${honest.type}`);
    const policy = await backend.verifyPrepared(honest, owner.address, calls);
    expect(policy.authorization?.address).toBe(getAddress(deployment.contracts.EIP7702StatelessDeleGatorImpl));
    expect(policy.messages).toHaveLength(1);

    const [auth, op] = honest.data as [Extract<(typeof honest.data)[number], { type: 'authorization' }>, Extract<(typeof honest.data)[number], { type: 'user-operation-v070' }>];
    const refused = async (p: typeof honest, what: RegExp) => {
      const err = await rejection(backend.verifyPrepared(p, owner.address, calls));
      expect(err.code).toBe(-32003);
      expect(err.message).toMatch(what);
    };
    const otherCallData = encodeFunctionData({ abi: ModularAccountAbi_V2_0_0, functionName: 'executeBatch', args: [[{ target: game, value: 1n, data: calls[0]!.data }]] });
    await refused({ ...honest, data: [auth, { ...op, data: { ...op.data, callData: otherCallData } }] }, /calls differ from the requested ones/);
    await refused({ ...honest, data: [auth, { ...op, signatureRequest: { ...op.signatureRequest!, data: { raw: `0x${'11'.repeat(32)}` } } as typeof op.signatureRequest }] }, /not the operation's hash/);
    await refused({ ...honest, data: [{ ...auth, data: { ...auth.data, address: ALCHEMY_MAV2_7702_ADDRESS } }, op] }, /7702 authorization to 0x69007702/);
    await refused({ ...honest, data: [{ ...auth, chainId: 0 }, op] }, /7702 authorization for chain 0/);
    await refused({ ...honest, data: [auth, { ...op, data: { ...op.data, sender: privateKeyToAccount(generatePrivateKey()).address } }] }, /user operation for account/);
  });
});

/**
 * A hostile Wallet API: forwards to the stand-in and rewrites the result of one method. The key
 * reaches the stand-in only through the forwarded Authorization header.
 */
async function hostileProxy(method: string, rewrite: (result: any) => void) {
  const seen: string[] = [];
  const proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      const rpcMethod = (JSON.parse(body) as { method: string }).method;
      seen.push(rpcMethod);
      const answer = await realFetch(server.url, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: String(req.headers.authorization) } });
      const json = (await answer.json()) as { result?: unknown };
      if (rpcMethod === method && json.result) rewrite(json.result);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v2`;
  configuredOrigins.add(new URL(url).origin);
  return { backend: new AlchemyBackend({ apiKey: API_KEY, url, chain, pollIntervalMs: 250 }), seen, close: () => new Promise<void>((r) => proxy.close(() => r())) };
}

/** Rewrites the installValidation inside a DeferredAction typed data. */
function rewriteInstall(result: any, change: (args: [Hex, Hex[], Hex, Hex[]]) => [Hex, Hex[], Hex, Hex[]]) {
  const message = result.signatureRequest.data.message as { call: Hex };
  const decoded = decodeFunctionData({ abi: ModularAccountAbi_V2_0_0, data: message.call });
  message.call = encodeFunctionData({ abi: ModularAccountAbi_V2_0_0, functionName: 'installValidation', args: change(decoded.args as unknown as [Hex, Hex[], Hex, Hex[]]) as never });
}

describe('a hostile server gets no signature', () => {
  it('a session grant that installs another key, or escalates a scoped grant to root, is refused (-32003)', async () => {
    const owner = await delegatedOwner();
    const key = privateKeyToAccount(generatePrivateKey());
    const thief = privateKeyToAccount(generatePrivateKey()).address;

    const swapKey = await hostileProxy('wallet_createSession', (r) =>
      rewriteInstall(r, ([config, selectors, installData, hooks]) => [config, selectors, installData.replace(key.address.slice(2).toLowerCase(), thief.slice(2).toLowerCase()) as Hex, hooks]),
    );
    try {
      const err = await rejection(swapKey.backend.grant(owner, scope(owner.address, [{ type: 'root' }]), key.address));
      expect(err.code).toBe(-32003);
      expect(err.message).toMatch(new RegExp(`installs key ${thief}`));
    } finally {
      await swapKey.close();
    }

    const escalate = await hostileProxy('wallet_createSession', (r) =>
      rewriteInstall(r, ([config, selectors, installData, hooks]) => [`${config.slice(0, -2)}05` as Hex, selectors, installData, hooks]),
    );
    try {
      const err = await rejection(escalate.backend.grant(owner, scope(owner.address, [{ type: 'contract-access', data: { address: game } }]), key.address));
      expect(err.code).toBe(-32003);
      expect(err.message).toMatch(/root \(global\) validation for a scoped grant/);
    } finally {
      await escalate.close();
    }
  });

  it('a 7702 authorization to another contract is refused and nothing is sent', async () => {
    const owner = await freshOwner();
    const evil = getAddress(encodePacked(['uint160'], [0xbadn]).slice(0, 42));
    const hostile = await hostileProxy('wallet_prepareCalls', (r) => {
      for (const item of r.data ?? []) if (item.type === 'authorization') item.data.address = evil;
    });
    try {
      const err = await rejection(hostile.backend.sendAsOwner(owner, [move(1)]));
      expect(err.code).toBe(-32003);
      expect(err.message).toMatch(/7702 authorization to 0x/);
      expect(hostile.seen).toEqual(['wallet_prepareCalls']);
      expect(await publicClient.getCode({ address: owner.address })).toBeUndefined();
    } finally {
      await hostile.close();
    }
  });

  it('a user operation carrying other calls is refused for a session key', async () => {
    const owner = await delegatedOwner();
    const key = privateKeyToAccount(generatePrivateKey());
    const permissions = await backend.grant(owner, scope(owner.address, [{ type: 'root' }]), key.address);
    const drain = encodeFunctionData({ abi: ModularAccountAbi_V2_0_0, functionName: 'executeBatch', args: [[{ target: key.address, value: parseEther('9'), data: '0x' }]] });
    const hostile = await hostileProxy('wallet_prepareCalls', (r) => {
      r.data.callData = drain;
    });
    try {
      const err = await rejection(hostile.backend.sendAsSession(key, owner.address, permissions, [move(1)]));
      expect(err.code).toBe(-32003);
      expect(err.message).toMatch(/calls differ from the requested ones/);
      expect(hostile.seen).toEqual(['wallet_prepareCalls']);
    } finally {
      await hostile.close();
    }
  });
});

describe('an account upgraded to another contract', () => {
  // Finding: Alchemy's prepared answer asks for a 7702 authorization whenever the account is not
  // delegated to its contract, and the owner approves an ordinary send: signing it would silently
  // replace whatever contract the account is upgraded to now.
  it('error: an owner send does not re-delegate an account delegated elsewhere (4100, code unchanged, nothing signed)', async () => {
    const owner = await freshOwner();
    const sponsor = await freshOwner();
    const authorization = await walletFor(owner).signAuthorization({ account: owner, contractAddress: game });
    const tx = await walletFor(sponsor).sendTransaction({ authorizationList: [authorization], to: sponsor.address, value: 0n });
    expect((await publicClient.waitForTransactionReceipt({ hash: tx })).status).toBe('success');
    const foreign = `0xef0100${game.slice(2).toLowerCase()}`;
    expect(await publicClient.getCode({ address: owner.address })).toBe(foreign);
    const scoreBefore = await score(owner.address);

    const err = await rejection(backend.sendAsOwner(owner, [move(1)]));
    expect(err.code).toBe(4100);
    expect(err.message).toMatch(new RegExp(`upgraded to another contract \\(${getAddress(game)}\\)`, 'i'));
    expect(await publicClient.getCode({ address: owner.address })).toBe(foreign);
    expect(await score(owner.address)).toBe(scoreBefore);
  });
});

describe('gas sponsorship (policyId)', () => {
  it('an owner send with a policy id is sponsored; a malformed policy id is a clear -32003', async () => {
    const owner = await delegatedOwner();
    const sponsored = new AlchemyBackend({ apiKey: API_KEY, url: server.url, chain, policyId: crypto.randomUUID(), pollIntervalMs: 250 });
    const before = await publicClient.getBalance({ address: owner.address });
    const id = await sponsored.sendAsOwner(owner, [move(1)]);
    expect((await sponsored.waitForStatus(id)).status).toBe(200);
    expect(await publicClient.getBalance({ address: owner.address })).toBe(before);

    const err = await rejection(new AlchemyBackend({ apiKey: API_KEY, url: server.url, chain, policyId: 'not-a-policy' }).sendAsOwner(owner, [move(1)]));
    expect(err.code).toBe(-32003);
    expect(err.message).toMatch(/policy/i);
  });
});

describe('the API key', () => {
  it('appears only in the Authorization header of requests to the configured URL', () => {
    expect(server.requests.length).toBeGreaterThan(10);
    for (const r of server.requests) {
      expect(r.path).toBe('/v2');
      expect(r.body).not.toContain(API_KEY);
      for (const [name, value] of Object.entries(r.headers)) if (name !== 'authorization') expect(String(value)).not.toContain(API_KEY);
      expect([`Bearer ${API_KEY}`, 'Bearer wrong-key']).toContain(r.headers.authorization);
    }
    expect(server.internalErrors).toEqual([]);
    // Client side: nothing but the configured URLs (the stand-in, the hostile proxies, the closed
    // port of the 4901 test) and the devnet RPC was contacted; the key never left the Authorization header.
    expect(fetched.filter((f) => f.keyOutsideAuth)).toEqual([]);
    const allowed = new Set([new URL(server.url).origin, new URL(rpcUrl).origin, ...configuredOrigins]);
    expect(fetched.map((f) => new URL(f.url).origin).filter((o) => !allowed.has(o))).toEqual([]);
    expect(fetched.filter((f) => f.url.startsWith(server.url)).length).toBeGreaterThan(10);
  });
});
