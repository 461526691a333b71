// A session whose key the dApp holds (ERC-7715 `to`), on the delegation backend, end to end: the
// wallet's Sessions service (real Vault, Backends, store over fakeBrowser) grants it, the owner's
// account is upgraded, no key is made and nothing is funded; the dApp's own account redeems the
// returned context with DelegationManager.redeemDelegations (ERC-7710, its own gas): within scope it
// succeeds on chain, out of scope it reverts; after wallet_revokeExecutionPermission by that
// context, the same redemption reverts.
import { decodeAbiParameters, encodeFunctionData, getAddress, numberToHex, parseEther, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import deployment from '../../devnet/deployment.json';
import { Approvals } from '../../src/approvals/service';
import { Backends } from '../../src/backends/choice';
import { createDelegation, encodeExecutionCalldata, encodePermissionContext, EXECUTION_MODE, signDelegation } from '../../src/backends/delegation/framework';
import { DelegationManager as DelegationManagerAbi } from '@metamask/delegation-abis';
import type { Services } from '../../src/background/services';
import { Bundles } from '../../src/calls/bundles';
import { Networks } from '../../src/chains/network';
import { devnet, type ChainConfig } from '../../src/chains/registry';
import { Connections } from '../../src/connections/connections';
import { draftToScope, translateErc7715Request } from '../../src/permissions/erc7715';
import { deserializeScope } from '../../src/permissions/serialize';
import { parseSessionScope } from '../../src/permissions/validate';
import { httpChainRpc } from '../../src/rpc/chain-rpc';
import type { RequestContext } from '../../src/rpc/method';
import { wallet_getGrantedExecutionPermissions, wallet_revokeExecutionPermission } from '../../src/rpc/methods/permissions';
import { memoryDeviceKeyStore, SessionKeyVault } from '../../src/sessions/key-store';
import { Sessions, type SessionRecord } from '../../src/sessions/service';
import { parsePrivateKey } from '../../src/vault/owner-secret';
import { Vault } from '../../src/vault/vault';
import { devnetClients } from './helpers';

const rpcUrl = inject('rpcUrl');
const { publicClient, testClient, walletFor } = devnetClients(rpcUrl);
const chain: ChainConfig = { ...devnet, rpcUrl };
const PASSWORD = 'Correct-Horse-9';
const SITE = 'https://game.example';
const game = getAddress(deployment.contracts.DemoGame);
const token = getAddress(deployment.contracts.DemoToken);
const DM = getAddress(deployment.contracts.DelegationManager);
const ITEM_PRICE = parseEther('0.001');
/** A Delegation's ABI tuple, to read the root delegation back out of a context. */
const DELEGATION_COMPONENTS = [
  { name: 'delegate', type: 'address' },
  { name: 'delegator', type: 'address' },
  { name: 'authority', type: 'bytes32' },
  { name: 'caveats', type: 'tuple[]', components: [{ name: 'enforcer', type: 'address' }, { name: 'terms', type: 'bytes' }, { name: 'args', type: 'bytes' }] },
  { name: 'salt', type: 'uint256' },
  { name: 'signature', type: 'bytes' },
] as const;

beforeEach(() => fakeBrowser.reset());

function services(): Services {
  const vault = new Vault({ kdfIterations: 1000 });
  const bundles = new Bundles();
  const backends = new Backends();
  const sessions = new Sessions({ vault, bundles, backends, keys: new SessionKeyVault(memoryDeviceKeyStore()) });
  return { vault, bundles, backends, sessions, networks: new Networks(), approvals: new Approvals(), connections: new Connections(), events: { broadcast: async () => undefined } };
}

const ctxFor = (s: Services): RequestContext => ({ origin: SITE, chain, chainRpc: httpChainRpc(rpcUrl), requestId: crypto.randomUUID(), services: s });

/** The dApp redeems `context` itself: one call, from its own account, with a fixed gas limit (so a refusal really goes on chain). */
async function redeem(dapp: PrivateKeyAccount, context: Hex, call: { to: Address; value: bigint; data: Hex }) {
  const data = encodeFunctionData({
    abi: DelegationManagerAbi,
    functionName: 'redeemDelegations',
    args: [[context], [EXECUTION_MODE.SingleDefault], [encodeExecutionCalldata([{ target: call.to, value: call.value, callData: call.data }], EXECUTION_MODE.SingleDefault)]],
  });
  const hash = await walletFor(dapp).sendTransaction({ to: DM, data, gas: 900_000n });
  return publicClient.waitForTransactionReceipt({ hash });
}

const buy = (id: bigint, value = ITEM_PRICE) => ({ to: game, value, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'buyItem', args: [id] }) });
const itemsOwned = (who: Address, id: bigint) => publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'itemsOwned', args: [who, id] });

describe('a dApp-held session on the delegation backend', () => {
  it('behavior: granted to the dApp account, redeemed by it within scope, refused out of scope, and dead after revoke by context', async () => {
    const s = services();
    const owner = await s.vault.create(parsePrivateKey(generatePrivateKey()), PASSWORD, PASSWORD);
    await testClient.setBalance({ address: owner, value: parseEther('10') });
    const dapp = privateKeyToAccount(generatePrivateKey());
    await testClient.setBalance({ address: dapp.address, value: parseEther('1') });
    await s.connections.connect(SITE, owner);

    const now = Number((await publicClient.getBlock()).timestamp);
    const scope = parseSessionScope(
      { expiry: now + 3600, permissions: [{ type: 'functions-on-contract', data: { address: game, functions: ['buyItem(uint256)'] } }, { type: 'native-token-transfer', data: { allowance: (ITEM_PRICE * 3n) / 2n } }] },
      { account: owner, chainId: chain.id, now },
    );
    const ownerBalance = await publicClient.getBalance({ address: owner });
    const record = await s.sessions.grant(chain, SITE, scope, { kind: 'dapp', address: dapp.address });

    // No key made, nothing funded; the delegate is the dApp's account; the context is redeemable.
    expect(record).toMatchObject({ holder: { kind: 'dapp', address: dapp.address }, sessionAddress: dapp.address, sealedKey: null, stipend: '0', delegationManager: DM });
    // Two call groups: a chain whose leaves (one per group) name the dApp's account; the root names the owner's own.
    expect(record.delegation?.groups?.map((d) => d.delegate)).toEqual([dapp.address, dapp.address]);
    expect(record.delegation?.delegate).toBe(owner);
    const context = record.context!;
    expect(context).toMatch(/^0x[0-9a-f]+$/i);
    expect(ownerBalance - (await publicClient.getBalance({ address: owner }))).toBeLessThan(parseEther('0.01')); // only the upgrade's gas, no stipend

    // The listing: this origin's grant, in the answer's shape.
    const granted = await wallet_getGrantedExecutionPermissions.handler(undefined, ctxFor(s));
    // The ETH allowance is the second call group (after DemoGame's): its entry carries that group's context.
    expect(granted).toContainEqual(expect.objectContaining({ to: dapp.address, from: owner, context: record.groupContexts![1], delegationManager: DM, dependencies: [], permission: expect.objectContaining({ type: 'native-token-allowance' }) }));
    expect(granted).toContainEqual(expect.objectContaining({ context, permission: expect.objectContaining({ type: 'contract-call' }) }));

    // A wallet send never uses it: the wallet has no key for it.
    const tried = await s.sessions.trySend({ origin: SITE, chain }, owner, [{ to: game, value: ITEM_PRICE.toString(), data: buy(1n).data }], undefined, async () => {
      throw new Error('no bundle may be made');
    });
    expect(tried).toEqual({ covered: false, reason: 'This site has no active session on this chain.' });

    // Within scope: succeeds, paid from the owner's account, gas from the dApp's.
    const before = await itemsOwned(owner, 1n);
    expect((await redeem(dapp, context, buy(1n))).status).toBe('success');
    expect(await itemsOwned(owner, 1n)).toBe(before + 1n);
    // The wallet reads usage from the chain the same way as for its own keys.
    const view = (await s.sessions.views(chain)).find((v) => v.id === record.id)!;
    expect(view.usage?.nativeSpent).toBe(ITEM_PRICE.toString());
    expect(view.stipendLeft).toBeNull();

    // Out of scope: another contract, and more ETH than the allowance left.
    expect((await redeem(dapp, context, { to: token, value: 0n, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'transfer', args: [dapp.address, 1n] }) })).status).toBe('reverted');
    expect((await redeem(dapp, context, buy(2n, ITEM_PRICE))).status).toBe('reverted');

    // Revoke by the context the dApp was given: disabled on chain by the owner; the next redemption reverts.
    const revoked = await wallet_revokeExecutionPermission.handler([{ permissionContext: context }], ctxFor(s));
    expect(revoked.revokeTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await publicClient.readContract({ address: DM, abi: DelegationManagerAbi, functionName: 'disabledDelegations', args: [record.id] })).toBe(true);
    expect((await redeem(dapp, context, buy(3n, ITEM_PRICE / 4n))).status).toBe('reverted');
    expect((await s.sessions.get(record.id))?.status).toBe('revoked');
    expect(await wallet_getGrantedExecutionPermissions.handler(undefined, ctxFor(s))).toEqual([]);
  });
  it('behavior: each permission of the answer carries a context that redeems its own call group as given (ETH and DEMO per period in one grant), the other group\'s context does not', async () => {
    const s = services();
    const owner = await s.vault.create(parsePrivateKey(generatePrivateKey()), PASSWORD, PASSWORD);
    await testClient.setBalance({ address: owner, value: parseEther('10') });
    const dapp = privateKeyToAccount(generatePrivateKey());
    await testClient.setBalance({ address: dapp.address, value: parseEther('1') });
    await publicClient.waitForTransactionReceipt({ hash: await walletFor(dapp).writeContract({ address: token, abi: DemoTokenAbi, functionName: 'mint', args: [owner, 100n] }) });
    await s.connections.connect(SITE, owner);

    const now = Number((await publicClient.getBlock()).timestamp);
    const scope = parseSessionScope(
      {
        expiry: now + 3600,
        permissions: [
          { type: 'native-token-periodic', data: { periodAmount: '1000', periodDuration: 3600, startTime: now } },
          { type: 'erc20-token-periodic', data: { address: token, periodAmount: '10', periodDuration: 3600, startTime: now } },
        ],
      },
      { account: owner, chainId: chain.id, now },
    );
    const record = await s.sessions.grant(chain, SITE, scope, { kind: 'dapp', address: dapp.address });
    const listed = await wallet_getGrantedExecutionPermissions.handler(undefined, ctxFor(s));
    const [eth, demo] = listed.map((p) => p.context) as [Hex, Hex];
    expect(listed.map((p) => p.permission.type)).toEqual(['native-token-periodic', 'erc20-token-periodic']);
    expect(eth).toBe(record.context);
    expect(demo).not.toBe(eth);

    const recipient = privateKeyToAccount(generatePrivateKey()).address;
    const sendDemo = { to: token, value: 0n, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'transfer', args: [recipient, 4n] }) };
    expect((await redeem(dapp, eth, sendDemo)).status).toBe('reverted'); // the ETH group: plain transfers only
    expect((await redeem(dapp, demo, sendDemo)).status).toBe('success');
    expect((await redeem(dapp, demo, { to: recipient, value: 100n, data: '0x' })).status).toBe('reverted'); // the DEMO group: no ETH
    expect((await redeem(dapp, eth, { to: recipient, value: 100n, data: '0x' })).status).toBe('success');
    expect(await publicClient.readContract({ address: token, abi: DemoTokenAbi, functionName: 'balanceOf', args: [recipient] })).toBe(4n);
    expect(await publicClient.getBalance({ address: recipient })).toBe(100n);

    // Either context names the grant: revoking by the second ends it for both.
    await wallet_revokeExecutionPermission.handler([{ permissionContext: demo }], ctxFor(s));
    expect((await redeem(dapp, eth, { to: recipient, value: 100n, data: '0x' })).status).toBe('reverted');
    expect((await s.sessions.get(record.id))?.status).toBe('revoked');
  });
});

describe('a dApp-held grant with several call groups', () => {
  it("behavior: each permission's context selects its own call group, so a standard ERC-7710 redeemer passes any of them as given; revoke by any of them", async () => {
    const s = services();
    const owner = await s.vault.create(parsePrivateKey(generatePrivateKey()), PASSWORD, PASSWORD);
    await testClient.setBalance({ address: owner, value: parseEther('10') });
    const dapp = privateKeyToAccount(generatePrivateKey());
    await testClient.setBalance({ address: dapp.address, value: parseEther('1') });
    await s.connections.connect(SITE, owner);
    const now = Number((await publicClient.getBlock()).timestamp);
    // Group 0: DemoGame.buyItem; group 1: plain ETH transfers (the ETH allowance's own group).
    const scope = parseSessionScope(
      { expiry: now + 3600, permissions: [{ type: 'functions-on-contract', data: { address: game, functions: ['buyItem(uint256)'] } }, { type: 'native-token-transfer', data: { allowance: ITEM_PRICE * 3n } }] },
      { account: owner, chainId: chain.id, now },
    );
    const record = await s.sessions.grant(chain, SITE, scope, { kind: 'dapp', address: dapp.address });
    expect(record.groupContexts).toHaveLength(2);
    const granted = await wallet_getGrantedExecutionPermissions.handler(undefined, ctxFor(s));
    const forGame = granted.find((g) => g.permission.type === 'contract-call')!.context;
    const forEth = granted.find((g) => g.permission.type === 'native-token-allowance')!.context;
    expect(forGame).toBe(record.context);
    expect(forEth).not.toBe(forGame);

    const friend = privateKeyToAccount(generatePrivateKey()).address;
    const tip = { to: friend, value: ITEM_PRICE / 2n, data: '0x' as Hex };
    // The first group's context cannot send a plain transfer (it selects DemoGame's group)...
    expect((await redeem(dapp, forGame, tip)).status).toBe('reverted');
    // ...the ETH allowance's own context can, as given; and the game's context buys an item.
    expect((await redeem(dapp, forEth, tip)).status).toBe('success');
    expect(await publicClient.getBalance({ address: friend })).toBe(ITEM_PRICE / 2n);
    const before = await itemsOwned(owner, 4n);
    expect((await redeem(dapp, forGame, buy(4n))).status).toBe('success');
    expect(await itemsOwned(owner, 4n)).toBe(before + 1n);

    // Any of the contexts names the grant: revoking by the second disables the one delegation.
    const revoked = await wallet_revokeExecutionPermission.handler([{ permissionContext: forEth }], ctxFor(s));
    expect(revoked.revokeTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect((await redeem(dapp, forGame, buy(5n))).status).toBe('reverted');
    expect((await redeem(dapp, forEth, tip)).status).toBe('reverted');
  });
});

describe('the redeemer rule (ERC-7715 rules: [{ type: "redeemer" }]) on a dApp-held grant', () => {
  /** Grants `to` = holder a 0.001 ETH-per-day periodic allowance with `rules.redeemer = redeemers`, from the request as a dApp sends it. */
  async function grantWithRedeemers(s: Services, owner: Address, holder: Address, redeemers: Address[]) {
    const now = Number((await publicClient.getBlock()).timestamp);
    const draft = translateErc7715Request(
      'wallet_requestExecutionPermissions',
      [
        {
          chainId: numberToHex(chain.id),
          to: holder,
          permission: { type: 'native-token-periodic', isAdjustmentAllowed: false, data: { periodAmount: numberToHex(ITEM_PRICE), periodDuration: 86400 } },
          rules: [
            { type: 'expiry', data: { timestamp: now + 3600 } },
            { type: 'redeemer', data: { addresses: redeemers } },
          ],
        },
      ],
      { account: owner, chainId: chain.id, now },
    );
    const scope = draftToScope(draft, { account: owner, chainId: chain.id, now });
    return s.sessions.grant(chain, SITE, scope, { kind: 'dapp', address: holder });
  }

  /** The holder passes the grant on to `to` (an ERC-7710 re-delegation with no caveats of its own): the context `to` redeems. */
  async function redelegate(holder: PrivateKeyAccount, to: Address, record: SessionRecord): Promise<Hex> {
    const root = decodeAbiParameters([{ type: 'tuple[]', components: DELEGATION_COMPONENTS }], record.context!)[0][0]!;
    const leaf = await signDelegation(holder, createDelegation({ delegator: holder.address, delegate: to, caveats: [], authority: record.id }), { chainId: chain.id, delegationManager: DM });
    return encodePermissionContext([leaf, { ...root, caveats: [...root.caveats] }]);
  }

  it('behavior: only a listed address can redeem on chain; the holder itself is refused when it is not listed, and a listed address it passes the grant to succeeds', async () => {
    const s = services();
    const owner = await s.vault.create(parsePrivateKey(generatePrivateKey()), PASSWORD, PASSWORD);
    await testClient.setBalance({ address: owner, value: parseEther('10') });
    const holder = privateKeyToAccount(generatePrivateKey());
    const relayer = privateKeyToAccount(generatePrivateKey());
    for (const a of [holder, relayer]) await testClient.setBalance({ address: a.address, value: parseEther('1') });
    await s.connections.connect(SITE, owner);
    const pay = (n: bigint) => ({ to: relayer.address, value: n, data: '0x' as Hex });

    // Rule [holder]: the holder redeems (paid); the relayer it passes the grant to is refused by the chain.
    const own = await grantWithRedeemers(s, owner, holder.address, [holder.address]);
    expect(deserializeScope(own.scope).redeemers).toEqual([holder.address]);
    const granted = await wallet_getGrantedExecutionPermissions.handler(undefined, ctxFor(s));
    expect(granted.find((g) => g.context === own.context)?.rules).toContainEqual({ type: 'redeemer', data: { addresses: [holder.address] } });
    const before = await publicClient.getBalance({ address: relayer.address });
    expect((await redeem(holder, own.context!, pay(ITEM_PRICE / 4n))).status).toBe('success');
    expect(await publicClient.getBalance({ address: relayer.address })).toBe(before + ITEM_PRICE / 4n);
    const passedOn = await redelegate(holder, relayer.address, own);
    expect((await redeem(relayer, passedOn, pay(ITEM_PRICE / 4n))).status).toBe('reverted');

    // Rule [relayer]: the holder's own redemption is refused; the relayer, redeeming what the holder passed it, is paid.
    const viaRelayer = await grantWithRedeemers(s, owner, holder.address, [relayer.address]);
    const ownerBefore = await publicClient.getBalance({ address: owner });
    expect((await redeem(holder, viaRelayer.context!, pay(ITEM_PRICE / 4n))).status).toBe('reverted');
    expect(await publicClient.getBalance({ address: owner })).toBe(ownerBefore);
    const relayed = await redelegate(holder, relayer.address, viaRelayer);
    const relayerBefore = await publicClient.getBalance({ address: relayer.address });
    const receipt = await redeem(relayer, relayed, pay(ITEM_PRICE / 2n));
    expect(receipt.status).toBe('success');
    expect(await publicClient.getBalance({ address: owner })).toBe(ownerBefore - ITEM_PRICE / 2n);
    expect(await publicClient.getBalance({ address: relayer.address })).toBe(relayerBefore + ITEM_PRICE / 2n - receipt.gasUsed * receipt.effectiveGasPrice);
  });
});
