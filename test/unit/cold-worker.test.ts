// The worker's bootstrap (src/background/bootstrap.ts, issue 15): what it answers without the wallet
// (the same chain id as the wallet's), and that every other event reaches the wallet, loaded once, in
// the order the events came. The real worker is in test/e2e/cold-worker.spec.ts.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Runtime } from 'webextension-polyfill';
import { startBootstrap, type BootstrapEnvironment } from '@/src/background/bootstrap';
import type { WalletHandlers } from '@/src/background/wallet-script';
import { BUILT_IN_CHAIN_IDS, chainIdHexOf, currentChainId } from '@/src/chains/current';
import { Networks } from '@/src/chains/network';
import { builtInChains, chainIdHex } from '@/src/chains/registry';
import { PROVIDER_PORT, type BackgroundRequestMessage } from '@/src/provider/protocol';
import { fakeOnConnect } from './fake-on-connect';

const tab = { id: 7, index: 0, highlighted: false, active: true, pinned: false, incognito: false } as Runtime.MessageSender['tab'];
const pageSender = (): Runtime.MessageSender => ({ id: fakeBrowser.runtime.id, tab, frameId: 0, url: 'http://127.0.0.1:5173/', origin: 'http://127.0.0.1:5173' } as Runtime.MessageSender);
let n = 0;
const request = (method: string, params?: unknown): BackgroundRequestMessage => ({ type: 'provider/request', requestId: `r${++n}`, request: params === undefined ? { method } : { method, params } });

/** A stand-in wallet script that records what it is handed. */
function fakeWallet() {
  const seen: string[] = [];
  let starts = 0;
  let loads = 0;
  const handlers: WalletHandlers = {
    onMessage: (message) => {
      seen.push(`message ${JSON.stringify((message as BackgroundRequestMessage).request)}`);
      return Promise.resolve({ result: 'from the wallet' });
    },
    onAlarm: (alarm) => void seen.push(`alarm ${alarm.name}`),
    onWindowRemoved: (id) => void seen.push(`window ${id}`),
  };
  const env: BootstrapEnvironment = {
    lazy: true,
    loadWalletScript: () => {
      loads++;
      return { start: () => (starts++, handlers) };
    },
  };
  return { env, seen, loads: () => loads, starts: () => starts };
}

const send = async (message: unknown, sender = pageSender()) => (await fakeBrowser.runtime.onMessage.trigger(message, sender as never, () => undefined))[0];

/** A port from the bridge: what the background posts on it is kept in `posted`. */
function fakePort(sender: Runtime.MessageSender | undefined, name = PROVIDER_PORT) {
  const listeners: ((message: unknown) => void)[] = [];
  const posted: unknown[] = [];
  return { port: { name, sender, onMessage: { addListener: (l: (m: unknown) => void) => listeners.push(l) }, postMessage: (m: unknown) => posted.push(m) }, deliver: (m: unknown) => listeners.forEach((l) => l(m)), posted };
}

describe('cold worker: the bootstrap', () => {
  let onConnect: ReturnType<typeof fakeOnConnect>;
  beforeEach(() => {
    fakeBrowser.reset();
    onConnect = fakeOnConnect();
  });

  it('behavior: a request on the provider port is answered on it with its requestId: eth_chainId by the bootstrap alone, the rest by the wallet; a port with another name or no sender gets nothing', async () => {
    const wallet = fakeWallet();
    startBootstrap(wallet.env);
    // Its own frame: the frames remembered for events are kept in memory too (a module of the worker).
    const frame = { ...pageSender(), frameId: 5 } as Runtime.MessageSender;
    const bridge = fakePort(frame);
    onConnect.connect(bridge.port);
    const chainId = request('eth_chainId');
    const accounts = request('eth_accounts');
    bridge.deliver(chainId);
    await vi.waitFor(() => expect(bridge.posted).toHaveLength(1));
    expect(bridge.posted[0]).toEqual({ requestId: chainId.requestId, response: { result: '0x7a69' } });
    expect(wallet.loads()).toBe(0);
    bridge.deliver(accounts);
    bridge.deliver({ type: 'something else' }); // not a provider request: no answer
    await vi.waitFor(() => expect(bridge.posted).toHaveLength(2));
    expect(bridge.posted[1]).toEqual({ requestId: accounts.requestId, response: { result: 'from the wallet' } });
    expect(wallet.seen).toEqual(['message {"method":"eth_accounts"}']);

    for (const other of [fakePort(frame, 'another'), fakePort(undefined)]) {
      onConnect.connect(other.port);
      other.deliver(request('eth_chainId'));
      await new Promise((r) => setTimeout(r, 10));
      expect(other.posted).toEqual([]);
    }
  });

  it('behavior: answers eth_chainId and net_version (no params, from a page) without loading the wallet, and remembers the frame for events', async () => {
    const wallet = fakeWallet();
    startBootstrap(wallet.env);
    expect(await send(request('eth_chainId'))).toEqual({ result: '0x7a69' });
    expect(await send(request('net_version', []))).toEqual({ result: '31337' });
    expect(await send(request('eth_chainId', null))).toEqual({ result: '0x7a69' });
    expect(wallet.loads()).toBe(0);
    expect((await fakeBrowser.storage.session.get('provider.tabs'))['provider.tabs']).toEqual({ '7:0': 'http://127.0.0.1:5173' });
  });

  it('behavior: anything else loads the wallet once and is handed to it; after that the wallet answers eth_chainId too', async () => {
    const wallet = fakeWallet();
    startBootstrap(wallet.env);
    expect(await send(request('eth_chainId', [1]))).toEqual({ result: 'from the wallet' }); // the wallet's -32602
    expect(await send(request('eth_accounts'))).toEqual({ result: 'from the wallet' });
    expect(await send(request('eth_chainId'))).toEqual({ result: 'from the wallet' });
    // Not from a page (no tab): the wallet refuses it with its own error.
    expect(await send(request('eth_chainId'), { id: fakeBrowser.runtime.id, url: 'http://127.0.0.1:5173/' })).toEqual({ result: 'from the wallet' });
    expect([wallet.loads(), wallet.starts()]).toEqual([1, 1]);
    expect(wallet.seen).toEqual(['message {"method":"eth_chainId","params":[1]}', 'message {"method":"eth_accounts"}', 'message {"method":"eth_chainId"}', 'message {"method":"eth_chainId"}']);
  });

  it('behavior: an alarm, a closed window and a message arriving on a cold start reach the wallet in the order they came', async () => {
    const wallet = fakeWallet();
    startBootstrap(wallet.env);
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'vault-auto-lock', scheduledTime: 0, persistAcrossSessions: true });
    await fakeBrowser.windows.onRemoved.trigger(12);
    await send({ type: 'wallet-api', method: 'vault.state' }, { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/popup.html` });
    expect(wallet.seen).toEqual(['alarm vault-auto-lock', 'window 12', 'message undefined']);
    expect([wallet.loads(), wallet.starts()]).toEqual([1, 1]);
  });

  it('behavior: the install event loads and starts the wallet (a worker may import only then); a background page (Firefox) starts it at once', () => {
    const worker = fakeWallet();
    let install: (() => void) | undefined;
    startBootstrap({ ...worker.env, onInstall: (l) => (install = l) });
    expect(worker.starts()).toBe(0);
    install!();
    expect(worker.starts()).toBe(1);

    fakeBrowser.reset();
    fakeOnConnect();
    const page = fakeWallet();
    startBootstrap({ ...page.env, lazy: false });
    expect(page.starts()).toBe(1);
  });

  it('error: a wallet script that cannot be loaded: the request gets -32603 (the wallet API its own error shape), the next event tries again, eth_chainId still works', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let attempts = 0;
    startBootstrap({
      lazy: true,
      loadWalletScript: () => {
        attempts++;
        throw new Error("importScripts() of new scripts after service worker installation is not allowed");
      },
    });
    expect(await send(request('eth_accounts'))).toEqual({ error: { code: -32603, message: expect.stringMatching(/could not load/) } });
    expect(await send({ type: 'wallet-api', method: 'vault.state' })).toMatchObject({ ok: false, error: { code: -32603 } });
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'vault-auto-lock', scheduledTime: 0, persistAcrossSessions: true });
    expect([attempts, logged.mock.calls.length]).toEqual([3, 3]);
    logged.mockRestore();
    // What needs no wallet still works.
    expect(await send(request('eth_chainId'))).toEqual({ result: '0x7a69' });
  });
});

describe('cold worker: the same chain as the wallet', () => {
  beforeEach(() => fakeBrowser.reset());

  it('behavior: the built-in ids and hex form match the registry', () => {
    expect(BUILT_IN_CHAIN_IDS).toEqual(builtInChains.map((c) => c.id));
    for (const id of [1, 10, 31337, 11155111, 4503599627370476]) expect(chainIdHexOf(id)).toBe(chainIdHex(id));
    expect(currentChainId(undefined, BUILT_IN_CHAIN_IDS)).toBe(31337);
  });

  const custom = (id: number) => ({ id, name: `Chain ${id}`, rpcUrl: 'http://127.0.0.1:9999', nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 }, kind: 'custom' });
  it.each([
    ['nothing stored (the devnet)', {}],
    ['a built-in testnet chosen', { 'network.current': 11155111 }],
    ['an added chain chosen', { 'network.custom': [custom(8453)], 'network.current': 8453 }],
    ['a chosen chain that was removed (the first known: the devnet)', { 'network.custom': [custom(8453)], 'network.current': 10 }],
    ['an added chain with a built-in id', { 'network.custom': [custom(84532)], 'network.current': 84532 }],
    ['a built-in RPC pointed elsewhere', { 'network.rpcOverrides': { 421614: 'http://127.0.0.1:1' }, 'network.current': 421614 }],
  ])('behavior: %s: the bootstrap answers what the wallet (Networks.current) answers', async (_name, stored) => {
    await fakeBrowser.storage.local.set(stored);
    const wallet = fakeWallet();
    startBootstrap(wallet.env);
    const expected = (await new Networks().current()).id;
    expect(await send(request('eth_chainId'))).toEqual({ result: chainIdHex(expected) });
    expect(await send(request('net_version'))).toEqual({ result: String(expected) });
    expect(wallet.loads()).toBe(0);
  });
});
