// The wallet's node client over a real WebSocket to the devnet's anvil (src/chains/socket-rpc.ts),
// as the service worker uses it: once the socket is up, a session's dry run, broadcast and receipt
// travel over it (no HTTP request), and what comes back is what HTTP gives: the revert reason
// decoded, the transaction mined once. Node 20 has no WebSocket of its own: the `ws` package
// (viem's own dependency) stands in for the browser's.
import { encodeFunctionData, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { DemoGameAbi } from '../../devnet/contracts/abis';
import { encodeSessionBatch, simulateSessionBatch } from '../../src/backends/delegation/session-chain';
import { devnet, type ChainConfig } from '../../src/chains/registry';
import { parseSessionScope } from '../../src/permissions/validate';
import { sessionEnv } from './session-helpers';

const rpcUrl = inject('rpcUrl');
const env = sessionEnv(rpcUrl);
const c = env.contracts;
const chain: ChainConfig = { ...devnet, rpcUrl };

let fetches: string[] = [];
beforeAll(() => {
  vi.stubGlobal('WebSocket', WebSocket);
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method: string } | { method: string }[]) : [];
    fetches.push(...(Array.isArray(body) ? body : [body]).map((b) => b.method));
    return realFetch(input, init);
  });
});
afterAll(() => vi.unstubAllGlobals());

describe('the node client over a WebSocket (real anvil)', () => {
  it('behavior: once the socket answered, a session send\'s dry run (revert decoded), broadcast and receipt make no HTTP request, and the call runs once', async () => {
    // Imported after the stubs: the transport looks for WebSocket when a client is made.
    const { publicClientFor } = await import('../../src/chains/clients');
    const client = publicClientFor(chain);
    expect(await client.getTransactionCount({ address: c.DemoGame })).toBeGreaterThanOrEqual(0); // over HTTP; the socket opens
    await vi.waitFor(async () => {
      fetches = [];
      await client.getTransactionCount({ address: c.DemoGame });
      expect(fetches).toEqual([]);
    });

    const owner = await env.newOwner();
    const key = await env.newSessionKey();
    const now = await env.now();
    const scope = parseSessionScope({ expiry: now + 3600, permissions: [{ type: 'contract-access', data: { address: c.DemoGame } }] }, { account: owner.address, chainId: chain.id, now });
    const delegation = await env.grant(owner, key.address, scope);
    const move = (direction: number) => ({ to: c.DemoGame, value: 0n, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'move', args: [direction] }) });
    const before = await env.score(owner.address);

    fetches = [];
    const refused = await simulateSessionBatch(client, { from: key.address, delegationManager: c.DelegationManager, data: encodeSessionBatch(delegation, scope, [move(9)]) });
    expect(refused).toMatchObject({ ok: false, reverted: true, reason: 'InvalidDirection(9)' });
    const data = encodeSessionBatch(delegation, scope, [move(1)]);
    const sim = await simulateSessionBatch(client, { from: key.address, delegationManager: c.DelegationManager, data });
    expect(sim).toMatchObject({ ok: true });
    const [nonce, block] = await Promise.all([client.getTransactionCount({ address: key.address }), client.getBlock()]);
    const raw = await key.signTransaction({ type: 'eip1559', chainId: chain.id, nonce, to: c.DelegationManager, data, gas: sim.ok ? sim.gas : 0n, maxFeePerGas: block.baseFeePerGas! * 2n, maxPriorityFeePerGas: 1n });
    const hash: Hex = await client.sendRawTransaction({ serializedTransaction: raw });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 5 });
    expect(receipt.status).toBe('success');
    expect(fetches).toEqual([]);
    expect(await env.score(owner.address)).toBe(before + 1n);
    // The same bytes again: the node knows them (no second run).
    await expect(client.sendRawTransaction({ serializedTransaction: raw })).rejects.toThrow(/nonce too low|already known/i);
    expect(await env.score(owner.address)).toBe(before + 1n);
  });
});
