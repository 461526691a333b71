// The discovery, listing and revoke methods of the current ERC-7715 dialect, through their RPC
// handlers with the background's services (no chain: nothing here sends a transaction).
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Address, Hex } from 'viem';
import { createServices, type Services } from '@/src/background/services';
import { Bundles } from '@/src/calls/bundles';
import { devnet } from '@/src/chains/registry';
import { httpChainRpc } from '@/src/rpc/chain-rpc';
import type { RequestContext } from '@/src/rpc/method';
import { grantPermissionsAnswer, wallet_getGrantedExecutionPermissions, wallet_getSupportedExecutionPermissions, wallet_revokeExecutionPermission } from '@/src/rpc/methods/permissions';
import { deserializeScope } from '@/src/permissions/serialize';
import { memoryDeviceKeyStore, SessionKeyVault } from '@/src/sessions/key-store';
import { Sessions, type SessionRecord } from '@/src/sessions/service';
import { Vault } from '@/src/vault/vault';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const DAPP: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const DM: Address = '0xdb9B1e94B5b69Df7e401DDbedE43491141047dB3';
const SITE = 'https://game.example';
const OTHER = 'https://other.example';
// The devnet chain with an RPC nobody listens on: the chain clock falls back to the local clock.
const chain = { ...devnet, rpcUrl: 'http://127.0.0.1:9' };

function services(): Services {
  const base = createServices();
  const vault = new Vault({ kdfIterations: 1000 });
  const bundles = new Bundles();
  return { ...base, vault, bundles, sessions: new Sessions({ vault, bundles, backends: base.backends, keys: new SessionKeyVault(memoryDeviceKeyStore()) }) };
}

const context = (s: Services, origin = SITE): RequestContext => ({ origin, chain, chainRpc: httpChainRpc(chain.rpcUrl), requestId: 'r1', services: s });

function record(id: string, origin: string, over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: `0x${id.repeat(32)}` as Hex,
    origin,
    chainId: chain.id,
    account: ACCOUNT,
    sessionAddress: DAPP,
    holder: { kind: 'dapp', address: DAPP },
    sealedKey: null,
    scope: { version: 1, account: ACCOUNT, chainId: chain.id, expiry: 4_000_000_000, permissions: [{ type: 'native-token-transfer', data: { allowance: '1000' } }] } as unknown as SessionRecord['scope'],
    stipend: '0',
    delegationManager: DM,
    context: `0x${id.repeat(40)}` as Hex,
    createdAt: 1,
    status: 'active',
    ...over,
  };
}

describe('wallet_getSupportedExecutionPermissions', () => {
  beforeEach(() => fakeBrowser.reset());

  it('behavior: the delegation backend lists every type it enforces on chain, on this chain, with the expiry and redeemer rules', async () => {
    const s = services();
    const supported = await wallet_getSupportedExecutionPermissions.handler(undefined, context(s));
    const both = { chainIds: ['0x7a69'], ruleTypes: ['expiry', 'redeemer'] };
    expect(supported).toEqual({
      'native-token-transfer': both,
      'erc20-token-transfer': both,
      'contract-call': both,
      'native-token-allowance': both,
      'erc20-token-allowance': both,
      'native-token-periodic': both,
      'native-token-stream': both,
      'erc20-token-periodic': both,
      'erc20-token-stream': both,
      'token-approval-revocation': both,
    });
    // wallet_getCapabilities says the same types (one list, on the backend).
    const caps = await (await s.backends.for(chain, { lazy: true })).capabilities(ACCOUNT, { current: false });
    expect(caps.permissions?.permissionTypes).toEqual(Object.keys(supported));
    // A type of MetaMask's the wallet has no kind for is never offered.
    expect(Object.keys(supported)).not.toContain('erc20-token-revocation');
  });

  it("behavior: on a network served by Alchemy, only what Alchemy's session permissions express is listed, with the expiry rule only (no API key needed to ask)", async () => {
    await fakeBrowser.storage.local.set({ 'backend.byChain': { [chain.id]: { kind: 'alchemy', url: 'http://127.0.0.1:9' } } });
    const s = services();
    const backend = await s.backends.for(chain, { lazy: true });
    const caps = await backend.capabilities(ACCOUNT, { current: false });
    const supported = await wallet_getSupportedExecutionPermissions.handler(undefined, context(s));
    const expiry = { chainIds: ['0x7a69'], ruleTypes: ['expiry'] };
    expect(supported).toEqual({
      'native-token-transfer': expiry,
      'erc20-token-transfer': expiry,
      'contract-call': expiry,
      'native-token-allowance': expiry,
      'erc20-token-allowance': expiry,
    });
    expect(Object.keys(supported)).toEqual(caps.permissions?.permissionTypes ?? []);
    // The seed's own flow: the site may hold the key.
    expect(backend.grantsToDappKeys).toBe(true);
  });
});

describe('wallet_getGrantedExecutionPermissions', () => {
  beforeEach(() => fakeBrowser.reset());

  it("behavior: only this origin's live grants, in the request's answer shape", async () => {
    const s = services();
    await s.connections.connect(SITE, ACCOUNT);
    await s.connections.connect(OTHER, ACCOUNT);
    await fakeBrowser.storage.local.set({
      sessions: [record('a1', SITE), record('b2', OTHER), record('c3', SITE, { status: 'revoked' }), record('d4', SITE, { chainId: 1 })],
    });
    const mine = await wallet_getGrantedExecutionPermissions.handler(undefined, context(s));
    expect(mine).toEqual([
      {
        chainId: '0x7a69',
        from: ACCOUNT,
        to: DAPP,
        permission: { type: 'native-token-allowance', isAdjustmentAllowed: false, data: { allowanceAmount: '0x3e8' } },
        rules: [{ type: 'expiry', data: { timestamp: 4_000_000_000 } }],
        context: `0x${'a1'.repeat(40)}`,
        delegationManager: DM,
        dependencies: [],
      },
    ]);
    const theirs = await wallet_getGrantedExecutionPermissions.handler(undefined, context(s, OTHER));
    expect(theirs.map((p) => p.context)).toEqual([`0x${'b2'.repeat(40)}`]);
  });

  it('behavior: each permission of a dApp-held grant is listed with the context of its own call group, and the grant is found by any of them', async () => {
    const s = services();
    await s.connections.connect(SITE, ACCOUNT);
    const groupContexts: Hex[] = [`0x${'e1'.repeat(40)}`, `0x${'e2'.repeat(40)}`];
    const scope = {
      version: 1,
      account: ACCOUNT,
      chainId: chain.id,
      expiry: 4_000_000_000,
      permissions: [
        { type: 'native-token-periodic', data: { periodAmount: '1000', periodDuration: 3600, startTime: 1 } },
        { type: 'erc20-token-periodic', data: { address: '0xAde078291A13b081F19A4a0636A91712Ac1A304C', periodAmount: '5', periodDuration: 3600, startTime: 1 } },
      ],
    } as unknown as SessionRecord['scope'];
    await fakeBrowser.storage.local.set({ sessions: [record('e1', SITE, { scope, context: groupContexts[0], groupContexts })] });
    const listed = await wallet_getGrantedExecutionPermissions.handler(undefined, context(s));
    expect(listed.map((p) => [p.permission.type, p.context])).toEqual([
      ['native-token-periodic', groupContexts[0]],
      ['erc20-token-periodic', groupContexts[1]],
    ]);
    expect((await s.sessions.byContext(SITE, groupContexts[1]!))?.id).toBe(`0x${'e1'.repeat(32)}`);
    expect(await s.sessions.byContext(OTHER, groupContexts[1]!)).toBeUndefined();
  });

  it('error: 4100 before the site is connected', async () => {
    await expect(wallet_getGrantedExecutionPermissions.handler(undefined, context(services()))).rejects.toMatchObject({ code: 4100 });
  });
});

describe("wallet_grantPermissions' answer (viem's shape)", () => {
  it("behavior: a key the dApp holds is told to submit to the DelegationManager in signerData (viem's grantPermissions drops signerMeta); a wallet-held session submits to the account", () => {
    const dappHeld = record('f1', SITE);
    const answer = grantPermissionsAnswer(deserializeScope(dappHeld.scope), dappHeld, {});
    expect(answer).toMatchObject({ permissionsContext: dappHeld.context, signerData: { submitToAddress: DM }, signerMeta: { delegationManager: DM } });
    const walletHeld = record('f2', SITE, { holder: { kind: 'wallet' }, context: undefined });
    const own = grantPermissionsAnswer(deserializeScope(walletHeld.scope), walletHeld, {});
    expect(own).toEqual({ expiry: 4_000_000_000, grantedPermissions: expect.any(Array), permissionsContext: walletHeld.id, signerData: { submitToAddress: ACCOUNT } });
  });
});

describe('wallet_revokeExecutionPermission', () => {
  beforeEach(() => fakeBrowser.reset());

  it("error: another site's grant is not found (-32602); nothing is ended", async () => {
    const s = services();
    await s.connections.connect(SITE, ACCOUNT);
    await fakeBrowser.storage.local.set({ sessions: [record('b2', OTHER)] });
    await expect(wallet_revokeExecutionPermission.handler([{ permissionContext: `0x${'b2'.repeat(40)}` }], context(s))).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('No grant of this site has that permissionContext') });
    expect((await s.sessions.all())[0]!.status).toBe('active');
  });

  it('error: 4100 while the wallet is locked, and the grant stays active (it would not be disabled on chain)', async () => {
    const s = services();
    await s.connections.connect(SITE, ACCOUNT);
    await fakeBrowser.storage.local.set({ sessions: [record('a1', SITE)] });
    await expect(wallet_revokeExecutionPermission.handler({ permissionContext: `0x${'a1'.repeat(40)}` }, context(s))).rejects.toMatchObject({ code: 4100 });
    expect((await s.sessions.all())[0]!.status).toBe('active');
  });
});
