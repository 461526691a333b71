import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Services } from '@/src/background/services';
import { Bundles } from '@/src/calls/bundles';
import type { SessionRecord } from '@/src/sessions/service';
import { parsePrivateKey } from '@/src/vault/owner-secret';
import { callWalletApi as call, testServices as services } from './wallet-services';

const PW = 'Correct-Horse-9';
const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const ACCOUNT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const SITE = 'https://game.example';


/** A wallet with a connected site, one bundle, a saved Alchemy key and an active session on a network the wallet no longer knows. */
async function walletWithHistory(s: Services): Promise<void> {
  await s.vault.create(parsePrivateKey(KEY), PW, PW);
  await s.connections.connect(SITE, ACCOUNT);
  await s.bundles.create({ id: Bundles.newId(SITE, 'r1'), requestId: 'r1', origin: SITE, chainId: 31337, account: ACCOUNT, signer: 'owner', calls: [], atomic: true });
  await s.bundles.create({ id: Bundles.newId(SITE, 'r2'), dappId: 'order-1', requestId: 'r2', origin: SITE, chainId: 31337, account: ACCOUNT, signer: 'owner', calls: [], atomic: true });
  await fakeBrowser.storage.local.set({ 'alchemy.apiKey': { version: 1, iv: 'aXY=', ciphertext: 'Y3Q=' } }); // a sealed key's shape
  const session: SessionRecord = {
    id: `0x${'11'.repeat(32)}`,
    origin: SITE,
    chainId: 999_999,
    account: ACCOUNT,
    sessionAddress: ACCOUNT,
    sealedKey: await s.sessions.keys.seal(`0x${'22'.repeat(32)}`),
    scope: { account: ACCOUNT, chainId: 999_999, expiry: 4_000_000_000, permissions: [] } as unknown as SessionRecord['scope'],
    stipend: '0',
    createdAt: 1,
    status: 'active',
  };
  await fakeBrowser.storage.local.set({ sessions: [session] });
}

const WALLET_KEYS = /^(vault$|vault\.|sessions$|connections$|bundle|alchemy\.apiKey$)/;

describe('remove wallet (wallet API vault.reset)', () => {
  beforeEach(() => fakeBrowser.reset());

  it('error: a wrong password is refused with 4100 and removes nothing', async () => {
    const s = services();
    await walletWithHistory(s);
    const before = await fakeBrowser.storage.local.get();
    expect(await call(s, 'vault.reset', { confirm: 'DELETE', password: 'wrong-password' })).toMatchObject({ ok: false, error: { code: 4100, message: 'Wrong password.' } });
    const after = await fakeBrowser.storage.local.get();
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(after.sessions).toEqual(before.sessions);
  });

  it('param: the password is required; the popup cannot skip it', async () => {
    const s = services();
    await walletWithHistory(s);
    expect(await call(s, 'vault.reset', { confirm: 'DELETE' })).toMatchObject({ ok: false, error: { code: -32602 } });
    expect((await fakeBrowser.storage.local.get('vault.meta'))['vault.meta']).toBeTruthy();
  });

  it('behavior: a session that cannot be revoked on chain keeps the wallet and is reported; the session signs nothing from then on', async () => {
    const s = services();
    await walletWithHistory(s);
    const answer = await call(s, 'vault.reset', { confirm: 'DELETE', password: PW });
    expect(answer).toMatchObject({ ok: true, value: { removed: false, revoked: 0, failed: [{ origin: SITE, chainId: 999_999, expiry: 4_000_000_000 }] } });
    expect((await fakeBrowser.storage.local.get('vault.meta'))['vault.meta']).toBeTruthy();
    expect(await s.connections.get(SITE)).toBeTruthy();
  });

  it('behavior: removing anyway deletes the wallet, its session keys, sites, bundles and the Alchemy key', async () => {
    const s = services();
    await walletWithHistory(s);
    expect(await call(s, 'vault.resetPreview')).toEqual({ ok: true, value: { liveSessions: 1, connectedSites: 1 } });
    expect(await call(s, 'vault.reset', { confirm: 'DELETE', password: PW, force: true })).toMatchObject({ ok: true, value: { removed: true } });
    const left = Object.keys(await fakeBrowser.storage.local.get());
    expect(left.filter((k) => WALLET_KEYS.test(k))).toEqual([]);
    // The sealing key is gone from disk and from memory: nothing it sealed can be opened again.
    expect(left).not.toContain('vault.sealingKey');
    expect(Object.keys(await fakeBrowser.storage.session.get()).filter((k) => k.toLowerCase().includes('seal'))).toEqual([]);
    expect(await s.vault.state()).toEqual({ status: 'uninitialized' });
    expect(await s.bundles.list()).toEqual([]);
    expect(await s.connections.all()).toEqual({});
  });
});
