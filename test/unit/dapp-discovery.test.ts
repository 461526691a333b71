// EIP-6963 discovery of the demo dApp (dapp/src/discovery.ts), driven with a bare EventTarget as the
// window: no DOM library needed.
import { describe, expect, it, vi } from 'vitest';
import {
  ANNOUNCE_EVENT,
  REQUEST_EVENT,
  discoverWallets,
  parseAnnouncement,
  safeIcon,
  type EIP6963ProviderInfo,
} from '../../dapp/src/discovery';

const ICON = 'data:image/svg+xml;base64,PHN2Zy8+';

function info(n: number, overrides: Partial<EIP6963ProviderInfo> = {}): EIP6963ProviderInfo {
  return { uuid: `00000000-0000-4000-8000-00000000000${n}`, name: `Wallet ${n}`, icon: ICON, rdns: `com.example.w${n}`, ...overrides };
}

function provider() {
  return { request: vi.fn(async () => null) };
}

/** A fake wallet in the page: announces now and again on every request, like a real one. */
function installWallet(target: EventTarget, walletInfo: EIP6963ProviderInfo, p = provider(), { announceNow = true } = {}) {
  const detail = Object.freeze({ info: Object.freeze({ ...walletInfo }), provider: p });
  const announce = () => target.dispatchEvent(new CustomEvent(ANNOUNCE_EVENT, { detail }));
  target.addEventListener(REQUEST_EVENT, announce);
  if (announceNow) announce();
  return { detail, announce, remove: () => target.removeEventListener(REQUEST_EVENT, announce) };
}

/** Manual timers so tests decide when the "none found" timeout fires. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout: (fn: () => void) => {
      pending.set(next, fn);
      return next++;
    },
    clearTimeout: (h: number) => void pending.delete(h),
    fire() {
      for (const [h, fn] of [...pending]) {
        pending.delete(h);
        fn();
      }
    },
    get size() {
      return pending.size;
    },
  };
}

describe('dApp EIP-6963 discovery', () => {
  it('dispatches eip6963:requestProvider on start and finds a wallet that answers', () => {
    const win = new EventTarget();
    const requests = vi.fn();
    win.addEventListener(REQUEST_EVENT, requests);
    const w = installWallet(win, info(1), provider(), { announceNow: false });

    const d = discoverWallets(win, manualTimers());
    expect(requests).toHaveBeenCalledTimes(1);
    expect(d.status).toBe('found');
    expect(d.wallets).toHaveLength(1);
    expect(d.wallets[0]!.info).toEqual(info(1));
    expect(d.wallets[0]!.provider).toBe(w.detail.provider);
    expect(d.find(info(1).uuid)?.info.name).toBe('Wallet 1');
  });

  it('dedupes by uuid: re-announcements and repeated requests keep one entry per wallet', () => {
    const win = new EventTarget();
    installWallet(win, info(1));
    installWallet(win, info(2));
    const d = discoverWallets(win, manualTimers());
    const changes = vi.fn();
    d.subscribe(changes);

    d.request();
    d.request();
    // Same uuid, different name/provider: still the first announcement.
    win.dispatchEvent(new CustomEvent(ANNOUNCE_EVENT, { detail: { info: info(1, { name: 'Impostor' }), provider: provider() } }));

    expect(d.wallets.map((w) => w.info.uuid)).toEqual([info(1).uuid, info(2).uuid]);
    expect(d.wallets[0]!.info.name).toBe('Wallet 1');
    expect(changes).not.toHaveBeenCalled();
  });

  it('two wallets with the same rdns but different uuids are both listed', () => {
    const win = new EventTarget();
    installWallet(win, info(1, { rdns: 'com.same' }));
    installWallet(win, info(2, { rdns: 'com.same' }));
    expect(discoverWallets(win, manualTimers()).wallets).toHaveLength(2);
  });

  it('reports none found after the timeout, then picks up a late announcement', () => {
    const win = new EventTarget();
    const timers = manualTimers();
    const d = discoverWallets(win, { ...timers, timeoutMs: 500 });
    const changes = vi.fn();
    d.subscribe(changes);

    expect(d.status).toBe('searching');
    expect(d.wallets).toEqual([]);
    timers.fire();
    expect(d.status).toBe('none');
    expect(changes).toHaveBeenLastCalledWith([], 'none');

    // The extension's content script arrives late (e.g. installed while the page was open).
    const late = installWallet(win, info(3));
    expect(d.status).toBe('found');
    expect(d.wallets.map((w) => w.info.name)).toEqual(['Wallet 3']);
    expect(changes).toHaveBeenLastCalledWith([late.detail], 'found');
  });

  it('does not report none when a wallet answered before the timeout', () => {
    const win = new EventTarget();
    const timers = manualTimers();
    installWallet(win, info(1));
    const d = discoverWallets(win, timers);
    const changes = vi.fn();
    d.subscribe(changes);
    timers.fire();
    expect(d.status).toBe('found');
    expect(changes).not.toHaveBeenCalled();
  });

  it('request() asks wallets to announce again; a wallet that only answers requests is found late', () => {
    const win = new EventTarget();
    const timers = manualTimers();
    const d = discoverWallets(win, timers);
    timers.fire();
    expect(d.status).toBe('none');

    installWallet(win, info(4), provider(), { announceNow: false });
    expect(d.wallets).toHaveLength(0);
    d.request();
    expect(d.wallets.map((w) => w.info.uuid)).toEqual([info(4).uuid]);
  });

  it('takes seed announcements captured before it started (the head script), deduped with live ones', () => {
    const win = new EventTarget();
    const w1 = installWallet(win, info(1), provider(), { announceNow: false });
    const d = discoverWallets(win, { ...manualTimers(), seed: [w1.detail, w1.detail, { junk: true }] });
    expect(d.wallets).toHaveLength(1);
    expect(d.wallets[0]!.provider).toBe(w1.detail.provider);
  });

  it('ignores malformed announcements', () => {
    const win = new EventTarget();
    const d = discoverWallets(win, manualTimers());
    const bad: unknown[] = [
      undefined,
      null,
      'wallet',
      { info: info(1) },
      { info: info(1), provider: {} },
      { info: info(1), provider: { request: 'nope' } },
      { info: { ...info(1), uuid: '' }, provider: provider() },
      { info: { ...info(1), name: 42 }, provider: provider() },
      { info: { name: 'x', icon: ICON, rdns: 'a.b' }, provider: provider() },
    ];
    for (const detail of bad) win.dispatchEvent(new CustomEvent(ANNOUNCE_EVENT, { detail }));
    win.dispatchEvent(new Event(ANNOUNCE_EVENT)); // no detail at all
    expect(d.wallets).toEqual([]);
    expect(d.status).toBe('searching');
    expect(parseAnnouncement({ info: info(1), provider: provider() })?.info.uuid).toBe(info(1).uuid);
  });

  it('stop() removes the listener and the timer', () => {
    const win = new EventTarget();
    const timers = manualTimers();
    const d = discoverWallets(win, timers);
    expect(timers.size).toBe(1);
    d.stop();
    expect(timers.size).toBe(0);
    installWallet(win, info(1));
    d.request();
    expect(d.wallets).toEqual([]);
  });

  it('only renders data:image icons', () => {
    expect(safeIcon(ICON)).toBe(ICON);
    expect(safeIcon('data:image/png;base64,AAAA')).toBe('data:image/png;base64,AAAA');
    expect(safeIcon('https://evil.example/icon.png')).toBeUndefined();
    expect(safeIcon('javascript:alert(1)')).toBeUndefined();
    expect(safeIcon('data:text/html,<script>')).toBeUndefined();
  });
});
