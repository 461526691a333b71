// The in-page provider as pages use it: methods cannot be replaced, unrelated properties can be set,
// isMetaMask follows the owner's setting (carried by the flag script), in either script order.
import { describe, expect, it } from 'vitest';
import { createInpageProvider, guardProvider, installInpageProvider, METAMASK_COMPAT_EVENT, METAMASK_COMPAT_FLAG } from '@/src/provider/inpage';

/** The few window members the provider captures, on a real EventTarget. */
function fakeWindow(flag = false) {
  const target = new EventTarget();
  const posted: unknown[] = [];
  const win = {
    postMessage: (m: unknown) => posted.push(m),
    addEventListener: target.addEventListener.bind(target),
    dispatchEvent: target.dispatchEvent.bind(target),
    location: { origin: 'http://127.0.0.1:5173' },
    crypto: globalThis.crypto,
    CustomEvent: globalThis.CustomEvent,
    ...(flag ? { [METAMASK_COMPAT_FLAG]: true } : {}),
  };
  return { win: win as unknown as Window, posted };
}

describe('in-page provider: what a page may change', () => {
  it('behavior: strict-mode code can set a legacy property, and reads it back', () => {
    'use strict';
    const provider = createInpageProvider(fakeWindow().win) as unknown as Record<string, unknown>;
    expect(() => {
      provider.autoRefreshOnNetworkChange = false;
    }).not.toThrow();
    expect(provider.autoRefreshOnNetworkChange).toBe(false);
  });

  it('behavior: assigning request, on or removeListener is ignored (no throw) and the wallet\'s own stay', () => {
    'use strict';
    const { win, posted } = fakeWindow();
    const provider = createInpageProvider(win) as unknown as Record<string, unknown> & { request(a: unknown): Promise<unknown> };
    const { request, on, removeListener } = provider;
    const evil = () => Promise.resolve('hijacked');
    expect(() => {
      provider.request = evil;
      provider.on = evil;
      provider.removeListener = evil;
      provider.isMetaMask = true;
    }).not.toThrow();
    expect(provider.request).toBe(request);
    expect(provider.on).toBe(on);
    expect(provider.removeListener).toBe(removeListener);
    expect(provider.isMetaMask).toBe(false);
    const before = posted.length;
    void provider.request({ method: 'eth_accounts' });
    expect(posted.length).toBe(before + 1); // still the wallet's request: it went to the bridge
  });

  it('error: defineProperty over request throws and delete leaves it in place', () => {
    const provider = createInpageProvider(fakeWindow().win) as unknown as Record<string, unknown>;
    const request = provider.request;
    expect(() => Object.defineProperty(provider, 'request', { value: () => 1 })).toThrow(TypeError);
    expect(delete provider.request).toBe(true);
    expect(provider.request).toBe(request);
  });

  it('behavior: on() chains on the guarded provider, never the unguarded one', () => {
    const provider = createInpageProvider(fakeWindow().win);
    const request = provider.request;
    const chained = provider.on('chainChanged', () => {}).once('connect', () => {}) as unknown as Record<string, unknown>;
    expect(chained).toBe(provider);
    chained.request = () => 1;
    expect(provider.request).toBe(request);
  });

  it('param: guardProvider protects only the keys it is given', () => {
    const g = guardProvider({ a: 1, b: 2 } as Record<string, number>, ['a']);
    g.a = 5;
    g.b = 6;
    expect(g).toMatchObject({ a: 1, b: 6 });
  });
});

describe('in-page provider: isMetaMask', () => {
  it('behavior: false unless the flag script ran; the EIP-6963 announcement keeps the real name', () => {
    const { win } = fakeWindow();
    const announced: { name: string; rdns: string }[] = [];
    win.addEventListener('eip6963:announceProvider', (e) => announced.push((e as CustomEvent).detail.info));
    const provider = installInpageProvider(win);
    expect(provider.isMetaMask).toBe(false);
    expect(announced[0]).toMatchObject({ name: 'Session Key Wallet', rdns: 'app.sessionkeywallet' });
  });

  it('behavior: true when the flag script ran first, or when it runs after the provider', () => {
    expect(createInpageProvider(fakeWindow(true).win).isMetaMask).toBe(true);
    const { win } = fakeWindow();
    const provider = createInpageProvider(win);
    expect(provider.isMetaMask).toBe(false);
    win.dispatchEvent(new Event(METAMASK_COMPAT_EVENT));
    expect(provider.isMetaMask).toBe(true);
  });

  it('behavior: with the setting on, EIP-6963 still names this wallet, not MetaMask', () => {
    const { win } = fakeWindow(true);
    const announced: { name: string; rdns: string; icon: string }[] = [];
    win.addEventListener('eip6963:announceProvider', (e) => announced.push((e as CustomEvent).detail.info));
    const provider = installInpageProvider(win);
    expect(provider.isMetaMask).toBe(true);
    expect(announced[0]).toMatchObject({ name: 'Session Key Wallet', rdns: 'app.sessionkeywallet' });
    expect(announced[0]!.icon).toMatch(/^data:image\/svg\+xml;base64,/);
  });
});
