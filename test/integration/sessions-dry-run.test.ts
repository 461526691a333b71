// A covered session send that would revert on chain is never signed by the session key: the
// wallet's own Sessions service (real Vault, Backends, bundles over fakeBrowser) on the devnet,
// through wallet_sendCalls as a dApp sends it. The redemption is dry-run from the session key
// first; a revert in the target (DemoGame.move with a bad direction, a DEMO transfer over the
// account's balance) sends the request to the owner's window with the chain's reason, and the
// key's nonce does not move. A good call still goes through with no window.
import { encodeFunctionData, getAddress, numberToHex, parseEther, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import deployment from '../../devnet/deployment.json';
import { Backends } from '../../src/backends/choice';
import { Bundles } from '../../src/calls/bundles';
import { devnet, type ChainConfig } from '../../src/chains/registry';
import { parseSessionScope } from '../../src/permissions/validate';
import { httpChainRpc } from '../../src/rpc/chain-rpc';
import type { RequestContext } from '../../src/rpc/method';
import { wallet_sendCalls } from '../../src/rpc/methods/calls';
import { Sessions, type SessionRecord } from '../../src/sessions/service';
import { Vault } from '../../src/vault/vault';
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

const wallet = () => walletRejectingWindows(testClient, SITE);

async function grant(w: Wallet, permissions: unknown[]): Promise<SessionRecord> {
  const now = Number((await publicClient.getBlock()).timestamp);
  const scope = parseSessionScope({ expiry: now + 3600, permissions }, { account: w.owner, chainId: chain.id, now });
  return w.s.sessions.grant(chain, SITE, scope);
}

const ctxOf = (w: Wallet): RequestContext => ({ origin: SITE, chain, chainRpc: httpChainRpc(rpcUrl), requestId: crypto.randomUUID(), services: w.s });

/** wallet_sendCalls as the site sends it: the bundle id, or the provider error's code and message. */
async function send(w: Wallet, calls: { to: Address; data: Hex }[]): Promise<{ id: string } | { code: number; message: string }> {
  try {
    return await wallet_sendCalls.handler([{ version: '2.0.0', chainId: numberToHex(chain.id), atomicRequired: true, calls: calls.map((c) => ({ to: c.to, data: c.data, value: '0x0' })) }], ctxOf(w));
  } catch (error) {
    return { code: (error as { code: number }).code, message: (error as Error).message };
  }
}

const nonceOf = (key: Address) => publicClient.getTransactionCount({ address: key, blockTag: 'latest' });
/** Waits until the bundle's transactions are mined, as a dApp waits for status 200: the answer comes once the key signed and the node took the transaction, not once it is in a block. */
async function mined(w: Wallet, answer: unknown): Promise<void> {
  const bundle = await w.s.bundles.get((answer as { id: string }).id);
  for (const hash of bundle?.txHashes ?? []) await publicClient.waitForTransactionReceipt({ hash });
  expect(bundle?.txHashes?.length).toBeGreaterThan(0);
}
const move = (direction: number) => ({ to: game, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'move', args: [direction] }) });
const transfer = (to: Address, amount: bigint) => ({ to: token, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'transfer', args: [to, amount] }) });
const moves = async (who: Address) => (await publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'players', args: [who] }))[2];

describe('a covered session send that would revert', () => {
  it('behavior: DemoGame.move(9) reverts in the target: not signed by the session key (its nonce stays), the owner\'s window says why; move(1) goes through with no window', async () => {
    const w = await wallet();
    const session = await grant(w, [{ type: 'functions-on-contract', data: { address: game, functions: ['move(uint8)'] } }]);
    const before = await nonceOf(session.sessionAddress);

    // Covered by the session's scope (DemoGame.move), but the game refuses direction 9.
    const refused = await send(w, [move(9)]);
    expect(refused).toEqual({ code: 4001, message: expect.any(String) });
    expect(await nonceOf(session.sessionAddress)).toBe(before);
    expect(w.windows).toHaveLength(1);
    expect(w.windows[0]).toMatchObject({ kind: 'sendCalls', whyNoSession: 'A session cannot send this: it would fail on chain: InvalidDirection(9)' });
    // Nothing was recorded for the session: no failed bundle in Activity for a call never sent.
    expect((await w.s.bundles.list()).filter((b) => b.signer === 'session')).toHaveLength(0);

    // A good call: signed by the session key at once, no window.
    const movesBefore = await moves(w.owner);
    const sent = await send(w, [move(1)]);
    expect(sent).toEqual({ id: expect.any(String) });
    expect(w.windows).toHaveLength(1);
    await mined(w, sent);
    expect(await nonceOf(session.sessionAddress)).toBe(before + 1);
    expect(await moves(w.owner)).toBe(movesBefore + 1n);
  });

  it('behavior: a DEMO transfer within the allowance but over the account\'s balance is not signed; the reason is the token\'s own error', async () => {
    const w = await wallet();
    await env.mintDemo(token, w.owner, parseEther('5'));
    const session = await grant(w, [{ type: 'erc20-token-transfer', data: { address: token, allowance: parseEther('100') } }]);
    const before = await nonceOf(session.sessionAddress);
    const to = privateKeyToAccount(generatePrivateKey()).address;

    const refused = await send(w, [transfer(to, parseEther('6'))]);
    expect(refused).toMatchObject({ code: 4001 });
    expect(await nonceOf(session.sessionAddress)).toBe(before);
    expect(w.windows[0]).toMatchObject({
      kind: 'sendCalls',
      whyNoSession: `A session cannot send this: it would fail on chain: InsufficientBalance(${w.owner}, ${parseEther('5')}, ${parseEther('6')})`,
    });
    expect(await env.balanceOf(token, to)).toBe(0n);

    // Within the balance: the session sends it, no window.
    const sent = await send(w, [transfer(to, parseEther('2'))]);
    expect(sent).toEqual({ id: expect.any(String) });
    expect(w.windows).toHaveLength(1);
    await mined(w, sent);
    expect(await nonceOf(session.sessionAddress)).toBe(before + 1);
    expect(await env.balanceOf(token, to)).toBe(parseEther('2'));
  });

  it('error: a retried request the session already holds (no window to move it to) fails with -32003 and the reason; nothing is signed', async () => {
    const w = await wallet();
    const session = await grant(w, [{ type: 'functions-on-contract', data: { address: game, functions: ['move(uint8)'] } }]);
    const before = await nonceOf(session.sessionAddress);
    // A bundle a previous worker recorded for the session and had not signed when it stopped.
    const ctx = ctxOf(w);
    const recorded = await w.s.bundles.create({ id: Bundles.newId(SITE, ctx.requestId), requestId: ctx.requestId, origin: SITE, chainId: chain.id, account: w.owner, signer: 'session', sessionId: session.id, calls: [{ ...move(7), value: '0' }], atomic: true });

    await expect(w.s.sessions.resume(ctx, recorded)).rejects.toMatchObject({ code: -32003, message: 'A session cannot send this: it would fail on chain: InvalidDirection(7)' });
    expect(await nonceOf(session.sessionAddress)).toBe(before);
    expect(await w.s.bundles.get(recorded.id)).toMatchObject({ state: 'failed', rawTransactions: [] });
    expect(w.windows).toHaveLength(0);
  });
});
