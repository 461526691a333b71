import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Runtime } from 'webextension-polyfill';
import { devnet } from '@/src/chains/registry';
import { handleProviderMessage } from '@/src/background/provider-handler';
import { originOfSender } from '@/src/background/sender';
import { handleWalletApiMessage, isFromExtensionPage } from '@/src/background/wallet-api';
import { createServices } from '@/src/background/services';
import type { BackgroundRequestMessage } from '@/src/provider/protocol';
import { createRouter } from '@/src/rpc/router';
import { defineMethod } from '@/src/rpc/method';
import { noParams } from '@/src/rpc/schema';
import { WALLET_GLOBAL } from '@/src/background/wallet-script';
import { fakeOnConnect } from './fake-on-connect';

const EXT_ID = 'abcdefghijklmnopabcdefghijklmnop';
const tab = { id: 7, index: 0, highlighted: false, active: true, pinned: false, incognito: false } as Runtime.MessageSender['tab'];

// A method that echoes the origin the background attributed to the request.
const whoAmI = defineMethod({ method: 'test_origin', params: noParams, handler: (_p, ctx) => ctx.origin });
const router = createRouter([whoAmI]);
const deps = {
  router,
  extensionId: EXT_ID,
  services: createServices(),
  chainContext: async () => ({ chain: devnet, chainRpc: { request: async () => null } }),
};
const msg = (request: unknown): BackgroundRequestMessage => ({ type: 'provider/request', requestId: 'r1', request });

describe('background: who is asking', () => {
  beforeEach(() => fakeBrowser.reset());

  it('behavior: the origin comes from sender, not from anything in the message', async () => {
    const forged = msg({ method: 'test_origin', origin: 'https://bank.example', params: [] });
    const sender = { id: EXT_ID, tab, url: 'http://127.0.0.1:5173/game?x=1', origin: 'http://127.0.0.1:5173' };
    expect(await handleProviderMessage(forged, sender, deps)).toEqual({ result: 'http://127.0.0.1:5173' });
  });

  it('behavior: Firefox senders carry only url; its origin is used', () => {
    expect(originOfSender({ id: EXT_ID, tab, url: 'https://app.example/path#h' }, EXT_ID)).toBe('https://app.example');
  });

  it.each([
    ['another extension', { id: 'other', tab, url: 'https://a.example/' }],
    ['no tab (not a content script)', { id: EXT_ID, url: 'https://a.example/' }],
    ['a file: page', { id: EXT_ID, tab, url: 'file:///etc/passwd' }],
    ['no url at all', { id: EXT_ID, tab }],
  ])('error: %s is refused with 4100', async (_name, sender) => {
    expect(await handleProviderMessage(msg({ method: 'test_origin' }), sender as Runtime.MessageSender, deps)).toMatchObject({
      error: { code: 4100 },
    });
  });

  it('error: internal failures are -32603 without details', async () => {
    const boom = createRouter([defineMethod({ method: 'test_boom', params: noParams, handler: () => { throw new Error('secret path /home/x'); } })]);
    const res = await handleProviderMessage(msg({ method: 'test_boom' }), { id: EXT_ID, tab, url: 'https://a.example/' }, { ...deps, router: boom });
    expect(res).toEqual({ error: { code: -32603, message: 'Internal wallet error.' } });
  });
});

describe('background: wallet API for extension pages only', () => {
  beforeEach(() => fakeBrowser.reset());
  const extOrigin = `chrome-extension://${EXT_ID}/`;
  const call = (method: string, params: unknown, sender: Runtime.MessageSender) =>
    handleWalletApiMessage({ type: 'wallet-api', method, params }, sender, extOrigin, createServices());

  it('behavior: the popup page may call it', async () => {
    expect(isFromExtensionPage({ url: `${extOrigin}popup.html` }, extOrigin)).toBe(true);
    expect(await call('vault.state', undefined, { url: `${extOrigin}popup.html` })).toEqual({ ok: true, value: { status: 'uninitialized' } });
  });

  it('error: a web page (content script) may not', async () => {
    expect(await call('vault.state', undefined, { url: 'https://evil.example/', tab })).toMatchObject({ ok: false, error: { code: 4100 } });
  });

  it('error: unknown calls and bad params are refused with codes', async () => {
    const popup = { url: `${extOrigin}popup.html` };
    expect(await call('toString', undefined, popup)).toMatchObject({ ok: false, error: { code: -32600 } });
    expect(await call('vault.unlock', { password: 42 }, popup)).toMatchObject({ ok: false, error: { code: -32602 } });
    expect(await call('vault.create', { secret: 'not a phrase', password: 'x', confirmation: 'x' }, popup)).toMatchObject({
      ok: false,
      error: { code: -32602, message: /12, 15, 18, 21 or 24 words/ },
    });
    expect(await call('account.send', { to: '0x1234', value: '1', data: '0x' }, popup)).toMatchObject({ ok: false, error: { code: -32602 } });
  });
});

describe('background: the backend settings calls refuse bad input and store nothing', () => {
  beforeEach(() => fakeBrowser.reset());
  const extOrigin = `chrome-extension://${EXT_ID}/`;
  const popup = { url: `${extOrigin}popup.html` };
  const call = (method: string, params: unknown) => handleWalletApiMessage({ type: 'wallet-api', method, params }, popup, extOrigin, createServices());
  const KEY = 'aBcD1234efGH5678ijKL9012mnOP_-qr';

  it('error: malformed params, a bad URL or policy id, an unreachable Wallet API: a code and a reason; no setting, no key stored', async () => {
    expect(await call('backend.view', undefined)).toEqual({ ok: true, value: { kind: 'delegation', chainId: devnet.id } });
    expect(await call('backend.useAlchemy', { apiKey: 42 })).toMatchObject({ ok: false, error: { code: -32602 } });
    expect(await call('backend.useAlchemy', { apiKey: KEY, policyId: 'x'.repeat(101) })).toMatchObject({ ok: false, error: { code: -32602 } });
    expect(await call('backend.useAlchemy', { apiKey: KEY, url: 'ftp://127.0.0.1/v2' })).toMatchObject({ ok: false, error: { code: -32602, message: /https/ } });
    expect(await call('backend.useAlchemy', { apiKey: KEY, url: 'http://127.0.0.1:9/v2', policyId: 'not-a-policy' })).toMatchObject({ ok: false, error: { code: -32602, message: /gas policy id/ } });
    expect(await call('backend.useAlchemy', { apiKey: 'has spaces in it ok', url: 'http://127.0.0.1:9/v2' })).toMatchObject({ ok: false, error: { code: -32602, message: /no spaces/ } });
    // The devnet is not an Alchemy chain: without a URL of its own, 5710.
    expect(await call('backend.useAlchemy', { apiKey: KEY })).toMatchObject({ ok: false, error: { code: 5710 } });
    // Well-formed, but nothing answers at that URL: 4901, and still nothing stored.
    expect(await call('backend.useAlchemy', { apiKey: KEY, url: 'http://127.0.0.1:9/v2' })).toMatchObject({ ok: false, error: { code: 4901 } });
    const stored = await fakeBrowser.storage.local.get(null);
    expect(Object.keys(stored).filter((k) => k.startsWith('backend.') || k.startsWith('alchemy.'))).toEqual([]);
    expect(JSON.stringify(stored)).not.toContain(KEY);
    expect(await call('backend.view', undefined)).toEqual({ ok: true, value: { kind: 'delegation', chainId: devnet.id } });
  });
});

describe('background entrypoint', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    fakeOnConnect(); // the bootstrap listens for the bridge's port
  });

  /** As Firefox's background page runs them: wallet.js (it defines the wallet), then background.js (the bootstrap starts it). */
  async function startEntrypoints() {
    const { default: wallet } = await import('@/entrypoints/wallet');
    wallet.main();
    const { default: background } = await import('@/entrypoints/background');
    background.main!();
  }

  it('behavior: the real entrypoint answers eth_chainId for a content-script sender', async () => {
    await startEntrypoints();
    const sender = { id: fakeBrowser.runtime.id, tab, url: 'http://localhost:3000/' };
    const [answer] = await fakeBrowser.runtime.onMessage.trigger(msg({ method: 'eth_chainId' }), sender as never, () => {});
    expect(answer).toEqual({ result: '0x7a69' });
  });

  it('behavior: in a service worker the bootstrap answers eth_chainId alone, imports wallet.js once for the rest, and imports it at install', async () => {
    const scope = globalThis as unknown as Record<string, unknown>;
    const { default: wallet } = await import('@/entrypoints/wallet');
    const imported: string[] = [];
    let install: (() => void) | undefined;
    Object.assign(scope, {
      ServiceWorkerGlobalScope: function ServiceWorkerGlobalScope() {},
      importScripts: (url: string) => (imported.push(url), wallet.main()),
      addEventListener: (type: string, listener: () => void) => type === 'install' && (install = listener),
    });
    delete scope[WALLET_GLOBAL]; // a fresh worker: wallet.js not evaluated
    try {
      const { default: background } = await import('@/entrypoints/background');
      background.main!();
      const sender = { id: fakeBrowser.runtime.id, tab, url: 'http://localhost:3000/' };
      const ask = async (method: string, i: number) => (await fakeBrowser.runtime.onMessage.trigger({ type: 'provider/request', requestId: `w${i}`, request: { method } }, sender as never, () => {}))[0];
      expect(await ask('eth_chainId', 0)).toEqual({ result: '0x7a69' });
      expect(imported).toEqual([]);
      expect(await Promise.all(['eth_accounts', 'eth_chainId', 'net_version'].map(ask))).toEqual([{ result: [] }, { result: '0x7a69' }, { result: '31337' }]);
      expect(imported).toEqual(['/wallet.js']);
      expect(install).toBeTypeOf('function');
      install!(); // already loaded in this life: not imported again
      expect(imported).toEqual(['/wallet.js']);
    } finally {
      for (const k of ['ServiceWorkerGlobalScope', 'importScripts', 'addEventListener']) delete scope[k];
    }
  });

  it('behavior: a started wallet reads the connections, the backends and the session records at once, and its first requests read none of them again', async () => {
    const reads: string[] = [];
    const local = fakeBrowser.storage.local;
    const get = local.get.bind(local);
    local.get = ((keys: Parameters<typeof get>[0]) => (reads.push(...(typeof keys === 'string' ? [keys] : Array.isArray(keys) ? keys : Object.keys(keys ?? {}))), get(keys))) as typeof get;
    try {
      await startEntrypoints();
      // Started by the wallet, before any request arrived (issue 15: a cold send read them one after another).
      expect(reads).toEqual(expect.arrayContaining(['connections', 'backend.byChain', 'sessions']));
      const sender = { id: fakeBrowser.runtime.id, tab, url: 'http://localhost:3000/' };
      const ask = async (method: string, i: number) => (await fakeBrowser.runtime.onMessage.trigger({ type: 'provider/request', requestId: `p${i}`, request: { method } }, sender as never, () => {}))[0];
      expect(await ask('eth_accounts', 0)).toEqual({ result: [] });
      expect(await ask('wallet_getPermissions', 1)).toEqual({ result: [] });
      for (const key of ['connections', 'backend.byChain', 'sessions']) expect(reads.filter((k) => k === key), key).toHaveLength(1);
    } finally {
      local.get = get;
    }
  });

  it('behavior: requests that arrive while the worker is starting are all answered, none lost', async () => {
    await startEntrypoints();
    // The listener exists as soon as main() returns: Chrome hands the waking message to it right away.
    expect(fakeBrowser.runtime.onMessage.hasListeners()).toBe(true);
    const sender = { id: fakeBrowser.runtime.id, tab, url: 'http://localhost:3000/' };
    // Fired in the same tick, before anything the start-up began (storage reads, script sync) settled.
    const requests = ['eth_chainId', 'net_version', 'eth_accounts', 'eth_chainId', 'wallet_getPermissions', 'nope_unknown'];
    const answers = await Promise.all(
      requests.map((method, i) => fakeBrowser.runtime.onMessage.trigger({ type: 'provider/request', requestId: `r${i}`, request: { method } }, sender as never, () => {})),
    );
    expect(answers.map(([a]) => a)).toEqual([
      { result: '0x7a69' },
      { result: '31337' },
      { result: [] },
      { result: '0x7a69' },
      { result: [] },
      { error: expect.objectContaining({ code: 4200 }) },
    ]);
  });
});
