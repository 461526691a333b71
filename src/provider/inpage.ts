// The EIP-1193 provider that lives in the page (MAIN world) and its EIP-6963 announcement.
//
// It holds nothing secret: every request is posted to the bridge content script, which relays it to
// the background. The page cannot replace its methods (a library that does `ethereum.request = …`
// would otherwise hijack every other script's calls), but it may set unrelated properties: many real
// pages assign legacy fields such as `autoRefreshOnNetworkChange` in strict-mode code, and a frozen
// provider made that assignment throw and broke them. The globals it needs are captured once at
// document_start, before any page script can replace them.
import { CHANNEL, type PageEventMessage, type PageRequestMessage, type PageResponseMessage, type ProviderEventName } from './protocol';
import { uuidV4 } from './uuid';
import { WALLET_ICON, WALLET_NAME, WALLET_RDNS } from './wallet-info';

export interface ProviderRpcError extends Error {
  code: number;
  data?: unknown;
}

type Listener = (...args: unknown[]) => void;

export interface InpageProvider {
  readonly isSessionKeyWallet: true;
  /** True only when the owner turned on "Work with sites made only for MetaMask" (read at page load). */
  readonly isMetaMask: boolean;
  request(args: { method: string; params?: unknown }): Promise<unknown>;
  on(event: string, listener: Listener): InpageProvider;
  once(event: string, listener: Listener): InpageProvider;
  removeListener(event: string, listener: Listener): InpageProvider;
  off(event: string, listener: Listener): InpageProvider;
}

function providerError(code: number, message: string, data?: unknown): ProviderRpcError {
  const error = new Error(message) as ProviderRpcError;
  error.name = 'ProviderRpcError';
  error.code = code;
  if (data !== undefined) error.data = data;
  return error;
}

/** The provider's own API: assignments to these are ignored, redefinitions and deletions refused. */
export const PROTECTED_KEYS: readonly string[] = ['request', 'on', 'once', 'removeListener', 'off', 'isSessionKeyWallet', 'isMetaMask'];

/**
 * Wraps the provider so the page can add or change unrelated properties, while `request`, `on`, ...
 * keep pointing at the wallet's own functions. An assignment to one of them is ignored without a
 * throw (also in strict mode: libraries that "polyfill" a method this way must not crash the page);
 * Object.defineProperty / delete on them are refused.
 */
export function guardProvider<T extends object>(target: T, protectedKeys: readonly PropertyKey[] = PROTECTED_KEYS): T {
  // Functions are kept as they were at creation; accessors (isMetaMask) are read through the original
  // descriptor, so neither can be swapped.
  const own = new Map<PropertyKey, PropertyDescriptor>();
  for (const k of protectedKeys) {
    const d = Reflect.getOwnPropertyDescriptor(target, k);
    if (d) own.set(k, d);
  }
  return new Proxy(target, {
    get: (t, key, receiver) => {
      const d = own.get(key);
      if (!d) return Reflect.get(t, key, receiver);
      return d.get ? d.get.call(t) : d.value;
    },
    set: (t, key, value, receiver) => (own.has(key) ? true : Reflect.set(t, key, value, receiver)),
    defineProperty: (t, key, descriptor) => (own.has(key) ? false : Reflect.defineProperty(t, key, descriptor)),
    deleteProperty: (t, key) => (own.has(key) ? true : Reflect.deleteProperty(t, key)),
    // Freezing would make the protected props non-configurable and break the invariants above.
    preventExtensions: () => false,
  });
}

/**
 * "Work with sites made only for MetaMask": a tiny MAIN-world script, registered by the background
 * only while the owner's setting is on, sets this flag on the window and fires the event. Both run at
 * document_start, before the page's first script, in either order: the provider reads the flag when
 * it is made and listens for the event in case the flag script runs after it. A page that fires the
 * event itself only changes what it tells itself.
 */
export const METAMASK_COMPAT_FLAG = Symbol.for('session-key-wallet.metamask-compat');
export const METAMASK_COMPAT_EVENT = 'session-key-wallet:metamask-compat';

export function createInpageProvider(win: Window): InpageProvider {
  // Captured before page scripts run.
  const postMessage = win.postMessage.bind(win);
  const addEventListener = win.addEventListener.bind(win);
  const targetOrigin = win.location.origin;
  const getRandomValues = win.crypto.getRandomValues.bind(win.crypto);
  const stringify = JSON.stringify;

  const idPrefix = uuidV4(getRandomValues);
  let counter = 0;
  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new Map<string, Set<Listener>>();
  let connected = false;
  let isMetaMask = (win as unknown as Record<symbol, unknown>)[METAMASK_COMPAT_FLAG] === true;
  addEventListener(METAMASK_COMPAT_EVENT, () => (isMetaMask = true));

  const emit = (event: string, ...args: unknown[]) => {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(...args);
      } catch (e) {
        // A dApp listener that throws must not break the provider or the other listeners.
        setTimeout(() => {
          throw e;
        });
      }
    }
  };

  addEventListener('message', (event: MessageEvent) => {
    if (event.source !== win || event.origin !== targetOrigin) return;
    const data = event.data as PageResponseMessage | PageEventMessage | undefined;
    if (!data || data.channel !== CHANNEL) return;
    if (data.kind === 'response') {
      const entry = pending.get(data.id);
      if (!entry) return;
      pending.delete(data.id);
      if ('error' in data) entry.reject(providerError(data.error.code, data.error.message, data.error.data));
      else entry.resolve(data.result);
    } else if (data.kind === 'event') {
      onEvent(data.event, data.data);
    }
  });

  function onEvent(event: ProviderEventName, data: unknown) {
    if (event === 'chainChanged' && !connected) {
      connected = true;
      emit('connect', { chainId: data });
    }
    if (event === 'disconnect') connected = false;
    emit(event, data);
  }

  const provider: InpageProvider = {
    isSessionKeyWallet: true,
    get isMetaMask() {
      return isMetaMask;
    },
    request(args) {
      if (typeof args !== 'object' || args === null || Array.isArray(args)) {
        return Promise.reject(providerError(-32600, 'request() expects an object { method, params }.'));
      }
      const { method, params } = args as { method?: unknown; params?: unknown };
      if (typeof method !== 'string' || method.length === 0) {
        return Promise.reject(providerError(-32600, 'request() needs a method name (a non-empty string).'));
      }
      let request: PageRequestMessage['request'];
      try {
        // JSON is the wire format to the background: refuse what would not survive it (BigInt,
        // cycles, functions) here, with a clear code, instead of losing it later.
        request = JSON.parse(stringify(params === undefined ? { method } : { method, params }));
      } catch {
        return Promise.reject(providerError(-32602, 'params must be JSON-serializable (hex strings, not BigInt).'));
      }
      const id = `${idPrefix}:${++counter}`;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const message: PageRequestMessage = { channel: CHANNEL, kind: 'request', id, request };
        postMessage(message, targetOrigin);
      });
    },
    on(event, listener) {
      if (typeof listener !== 'function') return guarded;
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return guarded;
    },
    once(event, listener) {
      const wrapped: Listener = (...a) => {
        guarded.removeListener(event, wrapped);
        listener(...a);
      };
      return guarded.on(event, wrapped);
    },
    removeListener(event, listener) {
      listeners.get(event)?.delete(listener);
      return guarded;
    },
    off(event, listener) {
      return guarded.removeListener(event, listener);
    },
  };
  // Methods return the guarded object, so chaining (`ethereum.on(…).on(…)`) never hands out the
  // unguarded one.
  const guarded = guardProvider(provider);

  // EIP-1193 `connect`: emitted once the wallet has answered with a chain.
  provider.request({ method: 'eth_chainId' }).then(
    (chainId) => {
      if (!connected) {
        connected = true;
        emit('connect', { chainId });
      }
    },
    () => {
      // Not connected yet; a later chainChanged event connects.
    },
  );

  return guarded;
}

/** Sets window.ethereum (when no other wallet holds it) and announces the provider with EIP-6963. */
export function installInpageProvider(win: Window): InpageProvider {
  // The announcement names this wallet whatever `isMetaMask` says: EIP-6963 lets the user pick the
  // wallet by its real name, icon and rdns.
  const provider = createInpageProvider(win);
  if (!('ethereum' in win) || (win as { ethereum?: unknown }).ethereum === undefined) {
    Object.defineProperty(win, 'ethereum', { value: provider, writable: true, configurable: true, enumerable: true });
  }
  const info = Object.freeze({
    uuid: uuidV4(win.crypto.getRandomValues.bind(win.crypto)),
    name: WALLET_NAME,
    icon: WALLET_ICON,
    rdns: WALLET_RDNS,
  });
  const detail = Object.freeze({ info, provider });
  const CustomEventCtor = (win as unknown as typeof globalThis).CustomEvent;
  const dispatch = win.dispatchEvent.bind(win);
  const announce = () => dispatch(new CustomEventCtor('eip6963:announceProvider', { detail }));
  win.addEventListener('eip6963:requestProvider', announce);
  announce();
  return provider;
}
