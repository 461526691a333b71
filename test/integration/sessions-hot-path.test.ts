// The session hot path, counted: what one warm wallet_sendCalls through a session costs in storage
// calls and JSON-RPC round trips (HTTP requests to the node), on the devnet with the wallet's own
// services (real Vault, Backends, Bundles over fakeBrowser). Counts, not times: a count can fail.
import { encodeFunctionData, getAddress, numberToHex, parseEther, parseTransaction, type Address, type Hex } from 'viem';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import deployment from '../../devnet/deployment.json';
import { Backends } from '../../src/backends/choice';
import { Bundles } from '../../src/calls/bundles';
import { devnet, type ChainConfig } from '../../src/chains/registry';
import { parseSessionScope } from '../../src/permissions/validate';
import { httpChainRpc } from '../../src/rpc/chain-rpc';
import type { RequestContext } from '../../src/rpc/method';
import { wallet_getCallsStatus, wallet_sendCalls } from '../../src/rpc/methods/calls';
import { memoryDeviceKeyStore, SessionKeyVault } from '../../src/sessions/key-store';
import { Sessions, type SessionRecord } from '../../src/sessions/service';
import { Vault } from '../../src/vault/vault';
import { UserRejectedError } from '../../src/errors';
import { sessionEnv } from './session-helpers';
import { walletRejectingWindows, type Wallet } from './wallet-services';

const rpcUrl = inject('rpcUrl');
const env = sessionEnv(rpcUrl);
const { publicClient, testClient } = env;
const chain: ChainConfig = { ...devnet, rpcUrl };
const SITE = 'https://game.example';
const game = getAddress(deployment.contracts.DemoGame);
const token = getAddress(deployment.contracts.DemoToken);

beforeEach(() => fakeBrowser.reset());
afterEach(() => vi.restoreAllMocks());

const wallet = () => walletRejectingWindows(testClient, SITE);

async function grant(w: Wallet, permissions: unknown[], extra: Record<string, unknown> = {}): Promise<SessionRecord> {
  const now = Number((await publicClient.getBlock()).timestamp);
  const scope = parseSessionScope({ expiry: now + 3600, permissions, ...extra }, { account: w.owner, chainId: chain.id, now });
  return w.s.sessions.grant(chain, SITE, scope);
}

const ctxOf = (w: Wallet): RequestContext => ({ origin: SITE, chain, chainRpc: httpChainRpc(rpcUrl), requestId: crypto.randomUUID(), services: w.s });
const move = (direction: number) => ({ to: game, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'move', args: [direction] }), value: '0x0' as Hex });

async function send(w: Wallet, calls: { to: Address; data: Hex; value: Hex }[]): Promise<{ id: string } | { code: number; message: string }> {
  try {
    return await wallet_sendCalls.handler([{ version: '2.0.0', chainId: numberToHex(chain.id), atomicRequired: true, calls }], ctxOf(w));
  } catch (error) {
    return { code: (error as { code: number }).code, message: (error as Error).message };
  }
}

/** Counts storage.local calls and HTTP requests to the node (with the JSON-RPC methods in each) while `fn` runs. */
async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; storage: { get: number; set: number; remove: number }; reads: string[]; http: string[][] }> {
  const storage = { get: 0, set: 0, remove: 0 };
  const reads: string[] = [];
  const local = fakeBrowser.storage.local;
  const get = local.get.bind(local);
  const set = local.set.bind(local);
  const remove = local.remove.bind(local);
  vi.spyOn(local, 'get').mockImplementation(((...a: Parameters<typeof get>) => (storage.get++, reads.push(JSON.stringify(a[0])), get(...a))) as typeof get);
  vi.spyOn(local, 'set').mockImplementation(((...a: Parameters<typeof set>) => (storage.set++, set(...a))) as typeof set);
  vi.spyOn(local, 'remove').mockImplementation(((...a: Parameters<typeof remove>) => (storage.remove++, remove(...a))) as typeof remove);
  const http: string[][] = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method: string } | { method: string }[]) : [];
    http.push((Array.isArray(body) ? body : [body]).map((b) => b.method));
    return realFetch(input, init);
  });
  try {
    const result = await fn();
    return { result, storage, reads, http };
  } finally {
    vi.restoreAllMocks();
  }
}

/**
 * The round trips, each sorted, with repeated receipt reads at the end counted once: the receipt
 * read begun at the broadcast reads again after 5, 10, 20 ms while the node has not mined yet
 * (src/calls/status.ts), which a loaded machine can make happen.
 */
const roundTrips = (http: string[][]) => {
  const sorted = http.map((batch) => batch.toSorted());
  const receipt = (b: string[] | undefined) => b?.length === 1 && b[0] === 'eth_getTransactionReceipt';
  while (receipt(sorted.at(-1)) && receipt(sorted.at(-2))) sorted.pop();
  return sorted;
};

const nonceOf = (key: Address) => publicClient.getTransactionCount({ address: key, blockTag: 'latest' });
const moves = async (who: Address) => (await publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'players', args: [who] }))[2];
const movePermission = [{ type: 'functions-on-contract', data: { address: game, functions: ['move(uint8)'] } }];
const limit = (callLimit: number) => ({ callLimit });

describe('the session hot path', () => {
  it('behavior: a warm one-call send and its status read make 2 storage writes and 3 round trips to the node (one-run dry run + fees + latest block in one, the broadcast, the receipt read begun at the broadcast), and read no storage key twice', async () => {
    const w = await wallet();
    await grant(w, movePermission);
    const warmUp = await send(w, [move(1)]); // warm-up: the ledger and the nonce count are read once
    expect(warmUp).toEqual({ id: expect.any(String) });
    if ('id' in warmUp) expect(await wallet_getCallsStatus.handler([warmUp.id], ctxOf(w))).toMatchObject({ status: 200 });
    const one = await counted(async () => {
      const answer = await send(w, [move(2)]);
      // The 'submitted' mark is written after the answer (it does not hold it up): counted too.
      if ('id' in answer) await vi.waitFor(async () => expect((await w.s.bundles.get(answer.id))?.state).toBe('submitted'));
      // The dApp's status read right after: answered from the receipt read begun at the broadcast.
      if ('id' in answer) expect(await wallet_getCallsStatus.handler([answer.id], ctxOf(w))).toMatchObject({ status: 200 });
      return answer;
    });
    expect(one.result).toEqual({ id: expect.any(String) });
    // Before this work: 14 reads, 4 writes, 4 round trips (usage reads, eth_call, eth_fillTransaction, broadcast).
    expect(one.storage.set).toBe(2);
    expect(one.storage.remove).toBe(0);
    expect(roundTrips(one.http)).toEqual([['eth_getBlockByNumber', 'eth_maxPriorityFeePerGas', 'eth_simulateV1'], ['eth_sendRawTransaction'], ['eth_getTransactionReceipt']]);
    // wallet_sendCalls itself checks the connection before routeSend does (src/rpc/methods/calls.ts): that one read is said here.
    expect(one.reads.filter((k) => k !== '"connections"')).toEqual([...new Set(one.reads.filter((k) => k !== '"connections"'))]);
    await expect.poll(() => moves(w.owner)).toBe(2n);
  });

  it('behavior: the first send of a session with no ledger yet (a cold worker) makes 4 round trips: the reads of a warm send with the nonce count, then the mined count and the usage at that same block, the broadcast, the receipt read', async () => {
    const w = await wallet();
    await grant(w, movePermission, limit(5));
    const first = await counted(async () => {
      const answer = await send(w, [move(1)]);
      // Read once, as the warm test does: the receipt read begun at the broadcast answers it.
      if ('id' in answer) await vi.waitFor(async () => expect((await w.s.bundles.get(answer.id))?.state).toBe('submitted'));
      if ('id' in answer) expect(await wallet_getCallsStatus.handler([answer.id], ctxOf(w))).toMatchObject({ status: 200 });
      return answer;
    });
    expect(first.result).toEqual({ id: expect.any(String) });
    // Before: the mined count, the latest block and the usage were three round trips after the first.
    expect(roundTrips(first.http)).toEqual([
      ['eth_getBlockByNumber', 'eth_getTransactionCount', 'eth_maxPriorityFeePerGas', 'eth_simulateV1'],
      ['eth_call', 'eth_call', 'eth_getTransactionCount'],
      ['eth_sendRawTransaction'],
      ['eth_getTransactionReceipt'],
    ]);
    // The ledger's reading counts what it read: 4 of the 5 calls are left for later sends.
    for (let i = 0; i < 4; i++) expect(await send(w, [move(1)])).toEqual({ id: expect.any(String) });
    // counted() restored every mock, the wallet's rejecting windows too: the sixth goes to a window again.
    vi.spyOn(w.s.approvals, 'ask').mockRejectedValue(new UserRejectedError());
    expect(await send(w, [move(1)])).toMatchObject({ code: 4001 });
  });

  it('behavior: 8 sends fired at once at a session with 5 calls left: exactly 5 are signed by the session key and run once each; 3 go to the owner, told why', async () => {
    const w = await wallet();
    const session = await grant(w, movePermission, limit(5));
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => send(w, [move(i % 4)])));
    expect(answers.filter((a) => 'id' in a)).toHaveLength(5);
    expect(answers.filter((a) => 'code' in a && a.code === 4001)).toHaveLength(3);
    expect(w.windows.map((r) => (r as { whyNoSession?: string }).whyNoSession)).toEqual(Array(3).fill(expect.stringMatching(/used all of its 5 calls/)));
    await expect.poll(() => nonceOf(session.sessionAddress)).toBe(5);
    expect(await moves(w.owner)).toBe(5n);
  });

  it('behavior: a send the dry run refuses gives its booking back: with 2 calls left, a reverting move(9) leaves both for the next two sends', async () => {
    const w = await wallet();
    const session = await grant(w, movePermission, limit(2));
    expect(await send(w, [move(9)])).toMatchObject({ code: 4001 });
    expect(w.windows[0]).toMatchObject({ whyNoSession: 'A session cannot send this: it would fail on chain: InvalidDirection(9)' });
    const [a, b] = await Promise.all([send(w, [move(1)]), send(w, [move(2)])]);
    expect(a).toEqual({ id: expect.any(String) });
    expect(b).toEqual({ id: expect.any(String) });
    expect(w.windows).toHaveLength(1);
    // The third is over the limit: the off-chain check counts the two in flight or mined.
    expect(await send(w, [move(3)])).toMatchObject({ code: 4001 });
    expect(w.windows[1]).toMatchObject({ whyNoSession: expect.stringMatching(/used all of its 2 calls/) });
    await expect.poll(() => nonceOf(session.sessionAddress)).toBe(2);
  });

  it('behavior: a send that reverted on chain gives its booking back once its status is read: the allowance it did not spend is there for the next send', async () => {
    const w = await wallet();
    await env.mintDemo(token, w.owner, parseEther('5'));
    await grant(w, [{ type: 'erc20-token-transfer', data: { address: token, allowance: parseEther('8') } }]);
    const to = getAddress(`0x${'42'.repeat(20)}`);
    const transfer = (amount: bigint) => ({ to: token, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'transfer', args: [to, amount] }), value: '0x0' as Hex });
    // Two transfers of 4 DEMO at once, mined in one block: both dry runs see 5 DEMO, so both are
    // signed (each within the allowance: 8 booked of 8); on chain the second reverts.
    await testClient.setAutomine(false);
    let a: Awaited<ReturnType<typeof send>>;
    let b: Awaited<ReturnType<typeof send>>;
    try {
      [a, b] = await Promise.all([send(w, [transfer(parseEther('4'))]), send(w, [transfer(parseEther('4'))])]);
      await testClient.mine({ blocks: 1 });
    } finally {
      await testClient.setAutomine(true);
    }
    const byNonce = await Promise.all([a, b].map(async (x) => (await w.s.bundles.get((x as { id: string }).id))!.rawTransactions[0]!));
    if (parseTransaction(byNonce[0]!).nonce! > parseTransaction(byNonce[1]!).nonce!) [a, b] = [b, a]; // the first in the block succeeds
    expect(a).toEqual({ id: expect.any(String) });
    expect(b).toEqual({ id: expect.any(String) });
    // What wallet_getCallsStatus asks of the backend (its network lookup would name the registry's devnet URL, not this test's).
    const status = async (id: string) => (await (await w.s.backends.for(chain)).status((await w.s.bundles.get(id))!, w.s.bundles)).status;
    await expect.poll(() => status((a as { id: string }).id)).toBe(200);
    await expect.poll(() => status((b as { id: string }).id)).toBe(500);
    expect(await env.balanceOf(token, to)).toBe(parseEther('4'));

    // 4 of the 8 DEMO allowance were spent, not 8: a third transfer of 4 is the session's.
    await env.mintDemo(token, w.owner, parseEther('4'));
    expect(await send(w, [transfer(parseEther('4'))])).toEqual({ id: expect.any(String) });
    expect(w.windows).toHaveLength(0);
    await expect.poll(() => env.balanceOf(token, to)).toBe(parseEther('8'));
    // And the allowance is now used up.
    expect(await send(w, [transfer(1n)])).toMatchObject({ code: 4001 });
    expect(w.windows[0]).toMatchObject({ whyNoSession: expect.stringMatching(/allowance has 0 DEMO left|allowance has 0 units/) });
  });

  it('behavior: a new worker (empty ledger) reads the usage from the chain: it refuses what an earlier worker already spent', async () => {
    const w = await wallet();
    await grant(w, movePermission, limit(2));
    expect(await send(w, [move(1)])).toEqual({ id: expect.any(String) });
    expect(await send(w, [move(1)])).toEqual({ id: expect.any(String) });
    await expect.poll(() => moves(w.owner)).toBe(2n);
    // Same storage and vault, new services: what a restarted worker has.
    const fresh = new Sessions({ vault: w.s.vault, bundles: new Bundles(), backends: new Backends(), keys: new SessionKeyVault(memoryDeviceKeyStore()) });
    const restarted: Wallet = { ...w, s: { ...w.s, sessions: fresh, bundles: new Bundles(), backends: new Backends() } };
    expect(await send(restarted, [move(1)])).toMatchObject({ code: 4001 });
    expect(w.windows.at(-1)).toMatchObject({ whyNoSession: expect.stringMatching(/used all of its 2 calls/) });
  });
});
