// Everyday requests every wallet answers (issue 12): deployments through eth_sendTransaction and
// wallet_sendCalls, every personal_sign form, personal_ecRecover, EIP-747 wallet_watchAsset. The RPC handlers run with
// stand-in services that record what would reach a window, a session or a backend; the e2e tests
// (test/e2e/everyday-requests.spec.ts) run the same requests on the devnet.
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { getAddress, hashMessage, recoverMessageAddress, stringToHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { ApprovalRequest } from '@/src/approvals/types';
import { Bundles } from '@/src/calls/bundles';
import { devnet } from '@/src/chains/registry';
import { UserRejectedError } from '@/src/errors';
import type { RequestContext } from '@/src/rpc/method';
import { DEPLOY_NEEDS_OWNER, eth_sendTransaction, wallet_sendCalls } from '@/src/rpc/methods/calls';
import { messageBytes, personal_ecRecover, personal_sign, personalSignParams } from '@/src/rpc/methods/sign';
import { parseParams } from '@/src/rpc/schema';
import type { Services } from '@/src/services';
import { describeCall } from '@/src/ui/describe-call';
import { wallet_watchAsset } from '@/src/rpc/methods/assets';
import { wallet_addEthereumChain, wallet_switchEthereumChain } from '@/src/rpc/methods/chain';
import { addWatchedToken, removeWatchedToken, tokenBalances, watchedTokens } from '@/src/tokens/watched';

const owner = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const OTHER: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const SITE = 'https://app.example';
const CREATION_CODE: Hex = '0x6080604052348015600f57600080fd5b50603f80601d6000396000f3fe6080604052600080fdfea164736f6c6343000818000a';

/** Services with a connected site; approvals answer `decision` and record what they were asked. */
function setup({ decision = 'reject', deploys = true }: { decision?: 'approve' | 'reject'; deploys?: boolean } = {}) {
  const asked: ApprovalRequest[] = [];
  const trySend = vi.fn(async () => ({ reason: 'no session' }));
  const sendAsOwner = vi.fn(async () => {});
  const signMessage = vi.fn(async (account: typeof owner, message: { raw: Hex }) => account.signMessage({ message }));
  const backend = { deploysContracts: deploys, ownerAtomic: async () => true, sendAsOwner, signMessage, transactionHash: async () => '0x' + 'ab'.repeat(32) };
  const services = {
    connections: { get: async (origin: string) => (origin === SITE ? { origin, account: owner.address, connectedAt: 0 } : undefined) },
    bundles: new Bundles(),
    sessions: { trySend },
    backends: { for: async () => backend, forBundle: async () => backend },
    approvals: {
      ask: async (request: ApprovalRequest) => {
        asked.push(request);
        if (decision === 'reject') throw new UserRejectedError();
        return { approved: true };
      },
    },
    vault: { ownerAccount: async () => owner },
  } as unknown as Services;
  const ctx: RequestContext = { origin: SITE, chain: devnet, chainRpc: { request: vi.fn() }, requestId: `r-${Math.random()}`, services };
  return { ctx, asked, trySend, sendAsOwner, signMessage };
}

const run = <P, R>(def: { method: string; params: unknown; handler: (p: P, c: RequestContext) => Promise<R> | R }, params: unknown, ctx: RequestContext) =>
  Promise.resolve().then(() => def.handler(parseParams(def.params as never, params, def.method) as P, ctx));
const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: number }) => e.code);

describe('deployments', () => {
  it('behavior: eth_sendTransaction with no to asks the owner to deploy, and never a session', async () => {
    const { ctx, asked, trySend } = setup();
    expect(await codeOf(run(eth_sendTransaction, [{ from: owner.address, data: CREATION_CODE, value: '0x5' }], ctx))).toBe(4001);
    expect(trySend).not.toHaveBeenCalled();
    expect(asked).toHaveLength(1);
    const request = asked[0] as Extract<ApprovalRequest, { kind: 'sendCalls' }>;
    expect(request.kind).toBe('sendCalls');
    expect(request.whyNoSession).toBe(DEPLOY_NEEDS_OWNER);
    expect(request.calls).toEqual([{ data: CREATION_CODE, value: '5' }]);
  });

  it('behavior: to: null is a deployment too, and an approved one is sent by the owner', async () => {
    const { ctx, sendAsOwner } = setup({ decision: 'approve' });
    await run(eth_sendTransaction, [{ to: null, data: CREATION_CODE }], ctx);
    expect(sendAsOwner).toHaveBeenCalledTimes(1);
    const [signer, bundle] = sendAsOwner.mock.calls[0] as unknown as [typeof owner, { calls: unknown[]; signer: string; account: Address }];
    expect(signer.address).toBe(owner.address);
    expect(bundle).toMatchObject({ signer: 'owner', account: owner.address, calls: [{ data: CREATION_CODE, value: '0' }] });
    expect(bundle.calls[0]).not.toHaveProperty('to');
  });

  it('behavior: wallet_sendCalls with a call that has no to is a deployment for the owner', async () => {
    const { ctx, asked, trySend } = setup();
    const params = [{ version: '2.0.0', chainId: '0x7a69', calls: [{ data: CREATION_CODE }] }];
    expect(await codeOf(run(wallet_sendCalls, params, ctx))).toBe(4001);
    expect(trySend).not.toHaveBeenCalled();
    expect((asked[0] as Extract<ApprovalRequest, { kind: 'sendCalls' }>).calls[0]).toEqual({ data: CREATION_CODE, value: '0' });
  });

  it.each([
    ['no creation code', [{ from: owner.address }], /needs the contract's creation code/],
    ['a half byte', [{ data: '0x608' }], /whole bytes/],
    ['code over the EIP-3860 limit', [{ data: `0x${'00'.repeat(49_153)}` }], /at most 49152/],
  ])('error: a deployment with %s is -32602 before any window', async (_what, params, reason) => {
    const { ctx, asked } = setup();
    await expect(run(eth_sendTransaction, params, ctx)).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(reason) });
    expect(asked).toHaveLength(0);
  });

  it('error: a deployment batched with other calls is -32602 (the account cannot create inside a batch)', async () => {
    const { ctx, asked } = setup();
    const params = [{ version: '2.0.0', chainId: '0x7a69', calls: [{ data: CREATION_CODE }, { to: OTHER, value: '0x1' }] }];
    await expect(run(wallet_sendCalls, params, ctx)).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/must be sent alone/) });
    expect(asked).toHaveLength(0);
  });

  it('error: a backend that cannot deploy refuses with 4200 before any window', async () => {
    const { ctx, asked } = setup({ deploys: false });
    await expect(run(eth_sendTransaction, [{ data: CREATION_CODE }], ctx)).rejects.toMatchObject({ code: 4200, message: expect.stringMatching(/cannot deploy/) });
    expect(asked).toHaveLength(0);
  });

  it('behavior: the window describes a deployment by its size and value', () => {
    expect(describeCall(31337, { value: '1000000000000000000', data: CREATION_CODE })).toMatchObject({
      target: 'New contract',
      targetAddress: null,
      action: `Deploy a contract (${(CREATION_CODE.length - 2) / 2} bytes)`,
      value: '1 ETH',
      selector: null,
    });
  });
});

describe('personal_sign', () => {
  it.each([
    ['[hex, address]', ['0x68656c6c6f', owner.address], '0x68656c6c6f'],
    ['[text, address]', ['hello', owner.address], stringToHex('hello')],
    ['[text, address, password]', ['hello', owner.address, 'ignored'], stringToHex('hello')],
    ['[hex, address, {}]', ['0xdeadbeef', owner.address, {}], '0xdeadbeef'],
    ['the legacy [address, text]', [owner.address, 'hello'], stringToHex('hello')],
    ['the legacy [address, hex]', [owner.address, '0xdeadbeef'], '0xdeadbeef'],
    ['unicode text', ['héllo ✓', owner.address], stringToHex('héllo ✓')],
  ])('param: %s signs these bytes, after the window', async (_form, params, bytes) => {
    const { ctx, asked } = setup({ decision: 'approve' });
    const signature = (await run(personal_sign, params, ctx)) as Hex;
    expect(asked).toEqual([{ kind: 'signMessage', origin: SITE, message: bytes }]);
    expect(await recoverMessageAddress({ message: { raw: bytes as Hex }, signature })).toBe(owner.address);
  });

  it('param: an address-like message is the message when both look like addresses (MetaMask reads [message, address])', () => {
    expect(personalSignParams([OTHER, owner.address])).toEqual({ message: OTHER.toLowerCase(), account: owner.address });
  });

  it('error: another address is 4100 with the reason, and no window opens', async () => {
    const { ctx, asked } = setup({ decision: 'approve' });
    await expect(run(personal_sign, ['hello', OTHER], ctx)).rejects.toMatchObject({ code: 4100, message: expect.stringMatching(/not your account in this wallet/) });
    expect(asked).toHaveLength(0);
  });

  it.each([
    ['no address', ['hello']],
    ['a non-address second param', ['hello', 'world']],
    ['four params', ['hello', owner.address, '', '']],
    ['odd hex', ['0x123', owner.address]],
    ['over 64 KiB', [`0x${'aa'.repeat(64 * 1024 + 1)}`, owner.address]],
    ['over 64 KiB of UTF-8', ['✓'.repeat(30_000), owner.address]],
    ['a number', [42, owner.address]],
  ])('error: %s is -32602', async (_what, params) => {
    const { ctx, asked } = setup({ decision: 'approve' });
    expect(await codeOf(run(personal_sign, params, ctx))).toBe(-32602);
    expect(asked).toHaveLength(0);
  });

  it('error: a site that is not connected is 4100', async () => {
    const { ctx } = setup({ decision: 'approve' });
    expect(await codeOf(run(personal_sign, ['hello', owner.address], { ...ctx, origin: 'https://other.example' }))).toBe(4100);
  });
});

describe('personal_ecRecover', () => {
  it('behavior: answers the signer of a text or hex message, with no window', async () => {
    const { ctx, asked } = setup();
    const text = await owner.signMessage({ message: 'hello' });
    expect(await run(personal_ecRecover, ['hello', text], ctx)).toBe(owner.address);
    const raw = await owner.signMessage({ message: { raw: '0xdeadbeef' } });
    expect(await run(personal_ecRecover, ['0xdeadbeef', raw], ctx)).toBe(owner.address);
    // Another message recovers someone else, never the owner.
    expect(await run(personal_ecRecover, ['hellO', text], ctx)).not.toBe(owner.address);
    expect(asked).toHaveLength(0);
  });

  it('error: a malformed or unrecoverable signature is -32602', async () => {
    const { ctx } = setup();
    expect(await codeOf(run(personal_ecRecover, ['hello', '0x1234'], ctx))).toBe(-32602);
    expect(await codeOf(run(personal_ecRecover, ['hello'], ctx))).toBe(-32602);
    expect(await codeOf(run(personal_ecRecover, ['hello', `0x${'00'.repeat(65)}`], ctx))).toBe(-32602);
  });

  it('param: hex is bytes and text is UTF-8, as personal_sign reads them', () => {
    expect(messageBytes('0xDEADbeef')).toBe('0xdeadbeef');
    expect(hashMessage({ raw: messageBytes('hello') })).toBe(hashMessage('hello'));
    expect(getAddress(owner.address)).toBe(owner.address);
  });
});

describe('wallet_watchAsset', () => {
  const TOKEN: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
  // An RPC nobody listens on: anything that reaches the chain fails.
  const deadChain = { ...devnet, rpcUrl: 'http://127.0.0.1:9' };

  it.each([
    ['an ERC721 asset', { type: 'ERC721', options: { address: TOKEN, tokenId: '1' } }, /ERC20 tokens only; ERC721/],
    ['an ERC1155 asset', { type: 'ERC1155', options: { address: TOKEN, tokenId: '1' } }, /ERC20 tokens only; ERC1155/],
    ['no address', { type: 'ERC20', options: { symbol: 'DEMO' } }, /options\]\[address/],
    ['a symbol over 11 characters', { type: 'ERC20', options: { address: TOKEN, symbol: 'TWELVE_CHARS' } }, /at most 11 characters/],
    ['decimals over 36', { type: 'ERC20', options: { address: TOKEN, decimals: 37 } }, /options\]\[decimals/],
    ['an array of params', [{ type: 'ERC20', options: { address: TOKEN } }], /expected object/],
  ])('error: %s is -32602 with the reason, before any window', async (_what, params, reason) => {
    const { ctx, asked } = setup({ decision: 'approve' });
    await expect(run(wallet_watchAsset, params, ctx)).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(reason) });
    expect(asked).toHaveLength(0);
  });

  it('error: a site that is not connected is 4100', async () => {
    const { ctx } = setup({ decision: 'approve' });
    expect(await codeOf(run(wallet_watchAsset, { type: 'ERC20', options: { address: TOKEN } }, { ...ctx, origin: 'https://other.example' }))).toBe(4100);
  });

  it('behavior: tokens are kept per account and chain, and removed one by one', async () => {
    fakeBrowser.reset();
    const demo = { address: TOKEN, symbol: 'DEMO', decimals: 18, name: 'DemoToken' };
    await addWatchedToken(31337, owner.address, demo);
    await addWatchedToken(31337, owner.address, { ...demo, address: OTHER, symbol: 'USDC', decimals: 6 });
    await addWatchedToken(31337, owner.address, demo); // again: no duplicate
    expect((await watchedTokens(31337, owner.address)).map((t) => t.symbol)).toEqual(['DEMO', 'USDC']);
    expect(await watchedTokens(1, owner.address)).toEqual([]);
    expect(await watchedTokens(31337, OTHER)).toEqual([]);
    await removeWatchedToken(31337, owner.address, getAddress(TOKEN.toLowerCase()));
    expect((await watchedTokens(31337, owner.address)).map((t) => t.symbol)).toEqual(['USDC']);
  });

  it('behavior: a token that does not answer shows no balance, and the list still answers', async () => {
    fakeBrowser.reset();
    await addWatchedToken(deadChain.id, owner.address, { address: TOKEN, symbol: 'DEMO', decimals: 18, name: 'DemoToken' });
    expect(await tokenBalances(deadChain, owner.address)).toEqual([{ address: TOKEN, symbol: 'DEMO', decimals: 18, name: 'DemoToken', balance: null, formatted: null }]);
  });

  it('error: an unreachable chain is 4901, not an internal error', async () => {
    const { ctx } = setup({ decision: 'approve' });
    expect(await codeOf(run(wallet_watchAsset, { type: 'ERC20', options: { address: TOKEN } }, { ...ctx, chain: deadChain }))).toBe(4901);
  });
});

describe('chain ids', () => {
  // 0xFFFFFFFFFFFEC is EIP-2294's largest chain id (what MetaMask accepts); above it, a chain id is
  // not a safe JS number and used to fail as -32603 "Internal wallet error" in hexToNumber.
  const TOO_BIG = '0xffffffffffffffffffff';
  it('error: a chain id beyond 0xFFFFFFFFFFFEC is -32602 with the reason in every method that takes one, before any window', async () => {
    const { ctx, asked } = setup({ decision: 'approve' });
    const requests: [string, Promise<unknown>][] = [
      ['wallet_addEthereumChain', run(wallet_addEthereumChain, [{ chainId: TOO_BIG, chainName: 'Huge', rpcUrls: ['http://127.0.0.1:1'] }], ctx)],
      ['wallet_addEthereumChain 0xffffffffffffed', run(wallet_addEthereumChain, [{ chainId: '0xffffffffffffed', chainName: 'Huge', rpcUrls: ['http://127.0.0.1:1'] }], ctx)],
      ['wallet_addEthereumChain 0x0', run(wallet_addEthereumChain, [{ chainId: '0x0', chainName: 'Zero', rpcUrls: ['http://127.0.0.1:1'] }], ctx)],
      ['wallet_switchEthereumChain', run(wallet_switchEthereumChain, [{ chainId: TOO_BIG }], ctx)],
      ['eth_sendTransaction', run(eth_sendTransaction, [{ to: OTHER, value: '0x1', chainId: TOO_BIG }], ctx)],
      ['wallet_sendCalls', run(wallet_sendCalls, [{ version: '2.0.0', chainId: TOO_BIG, calls: [{ to: OTHER, value: '0x1' }] }], ctx)],
    ];
    for (const [name, answer] of requests) {
      await expect(answer, name).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/chainId\]: expected a chain id/) });
    }
    expect(asked).toHaveLength(0);
  });

  it('param: the largest chain id EIP-2294 allows is accepted (another chain: 5710 for a send, 4902 for a switch)', async () => {
    const { ctx } = setup({ decision: 'approve' });
    const services = { ...ctx.services, networks: { byId: async () => undefined } } as unknown as Services;
    expect(await codeOf(run(wallet_switchEthereumChain, [{ chainId: '0xfffffffffffec' }], { ...ctx, services }))).toBe(4902);
    expect(await codeOf(run(wallet_sendCalls, [{ version: '2.0.0', chainId: '0xfffffffffffec', calls: [{ to: OTHER, value: '0x1' }] }], ctx))).toBe(5710);
  });
});
