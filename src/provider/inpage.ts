// The EIP-1193 provider that lives in the page (MAIN world) and its EIP-6963 announcement.
//
// It holds nothing secret: every request is posted to the bridge content script, which relays it to
// the background. The page can read and patch this object; that only lets it lie to itself. The
// globals it needs are captured once at document_start, before any page script can replace them.
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
      if (typeof listener !== 'function') return provider;
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return provider;
    },
    once(event, listener) {
      const wrapped: Listener = (...a) => {
        provider.removeListener(event, wrapped);
        listener(...a);
      };
      return provider.on(event, wrapped);
    },
    removeListener(event, listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
    off(event, listener) {
      return provider.removeListener(event, listener);
    },
  };

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

  return provider;
}

/** Sets window.ethereum (when no other wallet holds it) and announces the provider with EIP-6963. */
export function installInpageProvider(win: Window): InpageProvider {
  const provider = Object.freeze(createInpageProvider(win));
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
