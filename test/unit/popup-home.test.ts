// The popup's first call (issue 15 item 4): popup.home answers from what the worker kept of the
// last account read, across a worker restart, without a chain call; account.view reads the chain
// and replaces it. Against a small JSON-RPC node whose balance the test changes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { privateKeyToAccount } from 'viem/accounts';
import { toHex } from 'viem';
import { devnet } from '@/src/chains/registry';
import { parsePrivateKey } from '@/src/vault/owner-secret';
import { dropAccountViewMemory } from '@/src/account/view-cache';
import { callWalletApi, testServices } from './wallet-services';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const OWNER = privateKeyToAccount(KEY).address;
const PW = 'Correct-Horse-9';

describe('popup.home: the account view the worker kept', () => {
  let node: Server;
  let url: string;
  let balance = 10n ** 18n;
  const asked: string[] = [];
  beforeAll(async () => {
    node = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const one = (r: { id: number; method: string }) => {
          asked.push(r.method);
          const result = r.method === 'eth_getBalance' ? toHex(balance) : r.method === 'eth_getCode' ? '0x' : r.method === 'eth_chainId' ? toHex(devnet.id) : null;
          return { jsonrpc: '2.0', id: r.id, result };
        };
        const parsed = JSON.parse(body) as { id: number; method: string } | { id: number; method: string }[];
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(one) : one(parsed)));
      });
    });
    await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(node.address() as AddressInfo).port}`;
  });
  afterAll(() => node.close());
  beforeEach(() => {
    fakeBrowser.reset();
    dropAccountViewMemory();
    balance = 10n ** 18n;
    asked.length = 0;
  });

  const ok = <T>(r: { ok: true; value: unknown } | { ok: false; error: unknown }) => {
    if (!r.ok) throw new Error(`wallet API error: ${JSON.stringify(r.error)}`);
    return r.value as T;
  };
  type Home = { vault: { status: string }; networks: { current: number }; account: { cached: true; account: { address: string; balance: string }; chain: { id: number }; activeSessions: number } | null };

  async function unlockedWallet() {
    const s = testServices();
    await s.networks.setRpcUrl(devnet.id, url);
    await s.vault.create(parsePrivateKey(KEY), PW, PW);
    return s;
  }

  it('behavior: after a read, a restarted worker answers the popup from the kept view (no chain call), and the next read shows the chain change', async () => {
    const s = await unlockedWallet();
    expect(ok<Home>(await callWalletApi(s, 'popup.home')).account).toBeNull(); // nothing read yet: the popup reads the chain
    expect(ok<{ account: { balance: string } }>(await callWalletApi(s, 'account.view')).account.balance).toBe(String(10n ** 18n));

    balance = 3n * 10n ** 18n; // the chain changes while the popup is closed
    dropAccountViewMemory(); // the worker stops (idle); storage.session stays
    asked.length = 0;
    const home = ok<Home>(await callWalletApi(s, 'popup.home'));
    expect(home.vault.status).toBe('unlocked');
    expect(home.networks.current).toBe(devnet.id);
    expect(home.account).toMatchObject({ cached: true, chain: { id: devnet.id }, account: { address: OWNER, balance: String(10n ** 18n) }, activeSessions: 0 });
    expect(asked).toEqual([]); // from what the worker holds, not the node

    const fresh = ok<{ account: { balance: string }; cached?: true }>(await callWalletApi(s, 'account.view'));
    expect(fresh.account.balance).toBe(String(3n * 10n ** 18n));
    expect(fresh.cached).toBeUndefined(); // a fresh read is never marked as kept
    expect(ok<Home>(await callWalletApi(s, 'popup.home')).account?.account.balance).toBe(String(3n * 10n ** 18n));
  });

  it('behavior: a locked wallet gets no account figures, so the unlock screen comes first', async () => {
    const s = await unlockedWallet();
    ok(await callWalletApi(s, 'account.view'));
    ok(await callWalletApi(s, 'vault.lock'));
    const home = ok<Home>(await callWalletApi(s, 'popup.home'));
    expect(home.vault.status).toBe('locked');
    expect(home.account).toBeNull();
  });

  it('behavior: another RPC for the network does not show the figures read through the old one', async () => {
    const s = await unlockedWallet();
    ok(await callWalletApi(s, 'account.view'));
    await s.networks.setRpcUrl(devnet.id, `${url}/other`);
    expect(ok<Home>(await callWalletApi(s, 'popup.home')).account).toBeNull();
  });

  it('behavior: no wallet yet: popup.home says so and holds no account', async () => {
    const s = testServices();
    const home = ok<Home>(await callWalletApi(s, 'popup.home'));
    expect(home.vault.status).toBe('uninitialized');
    expect(home.account).toBeNull();
  });

  it('error: popup.home from a web page is 4100', async () => {
    const s = await unlockedWallet();
    const { handleWalletApiMessage } = await import('@/src/background/wallet-api');
    const r = await handleWalletApiMessage({ type: 'wallet-api', method: 'popup.home' }, { url: 'https://evil.example/' }, 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/', s);
    expect(r).toMatchObject({ ok: false, error: { code: 4100 } });
  });
});
