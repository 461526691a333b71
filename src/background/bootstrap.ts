// The service worker's own script (background.js, issue 15): small, so that a cold start that only
// asks the chain id (what a page's provider asks first, and what most often wakes the worker) does not
// fetch, compile and evaluate the whole wallet first. It registers every listener the wallet needs,
// synchronously at the worker's top level as MV3 requires, and:
// - answers eth_chainId and net_version (no params, from a page) itself from one storage read, the
//   same answer as the wallet's (src/chains/current.ts is the choice both make), while the wallet is
//   not loaded;
// - for anything else (every other message, every alarm, a closed window) loads the wallet script
//   (wallet.js, src/background/index.ts startWallet) once, synchronously, and hands it the event.
//   importScripts() evaluates wallet.js before it returns and the worker runs nothing else
//   meanwhile, so events are handed over in the order they came and none is lost.
// A service worker may importScripts() after its installation only a script it imported while being
// installed, so the install event loads the wallet (which also starts it, as every new version did).
// Firefox runs background scripts in a page, not a worker: its manifest lists wallet.js before
// background.js (wxt.config.ts) and the wallet starts at once, as it did before.
import type { Runtime } from 'webextension-polyfill';
import { browser } from 'wxt/browser';
import { chainIdHexOf, readCurrentChainId } from '../chains/current';
import { PROVIDER_PORT, type BackgroundResponse, type PortAnswer } from '../provider/protocol';
import { rememberTab } from './events';
import { isBackgroundRequestMessage } from './provider-handler';
import { originOfSender } from './sender';
import { evaluatedWalletScript, WALLET_SCRIPT_PATH, type WalletHandlers, type WalletScript } from './wallet-script';

export interface BootstrapEnvironment {
  /** A service worker (Chromium): the wallet loads on the first event that needs it. Else it starts at once. */
  lazy: boolean;
  /** wallet.js's script, evaluated now if it was not yet. Throws when it cannot be. */
  loadWalletScript(): WalletScript;
  /** Registers a listener for the worker's install event (service worker only). */
  onInstall?(listener: () => void): void;
}

/** What the bootstrap answers itself while the wallet is not loaded: the chain's id, two ways. */
const COLD_METHODS: Record<string, (chainId: number) => string> = {
  eth_chainId: chainIdHexOf,
  net_version: (id) => String(id),
};

const noParams = (params: unknown) => params === undefined || params === null || (Array.isArray(params) && params.length === 0);

/**
 * The method and verified origin of a provider request the bootstrap can answer alone, else
 * undefined: then the wallet answers it, errors included (params given, not from a page, ...).
 */
function coldRequest(message: unknown, sender: Runtime.MessageSender): { method: string; origin: string } | undefined {
  if (!isBackgroundRequestMessage(message)) return undefined;
  const request = message.request as { method?: unknown; params?: unknown } | null;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return undefined;
  const { method, params } = request;
  if (typeof method !== 'string' || !Object.hasOwn(COLD_METHODS, method) || !noParams(params)) return undefined;
  try {
    return { method, origin: originOfSender(sender, browser.runtime.id) };
  } catch {
    return undefined;
  }
}

// wallet.js could not be loaded. In a worker: it is not among the scripts the worker imported while
// installing ("importScripts() of new scripts after service worker installation is not allowed"; the
// install event imports it, so this takes a broken installation) or it threw while evaluating. Only a
// new installation can add a script to a worker, so the wallet stays unavailable until the extension
// is reloaded or updated: every event that needs the wallet tries again and a request gets this
// -32603 (the console has the cause); eth_chainId and net_version still work. The worker does not
// reload its extension itself: chrome.runtime.reload() leaves an extension loaded with
// --load-extension (npm start, the tests) unloaded in Chromium, which would break even those two.
const UNAVAILABLE = { code: -32603, message: 'The wallet could not load its background script. Reload the extension.' };

/** The answer to a message that needed the wallet when it could not be loaded. */
function unavailable(message: unknown): Promise<unknown> | undefined {
  if (isBackgroundRequestMessage(message)) return Promise.resolve({ error: UNAVAILABLE } satisfies BackgroundResponse);
  // The wallet API's envelope (wallet-api.ts isWalletApiMessage; not imported: that module is the wallet).
  if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'wallet-api') return Promise.resolve({ ok: false, error: UNAVAILABLE });
  return undefined;
}

export function startBootstrap(env: BootstrapEnvironment = workerEnvironment()): void {
  let wallet: WalletHandlers | undefined;
  /** The wallet, loaded and started on first use; undefined when it cannot be loaded. */
  const loadWallet = (): WalletHandlers | undefined => {
    if (wallet) return wallet;
    try {
      wallet = env.loadWalletScript().start();
    } catch (error) {
      console.error('[wallet] could not load the wallet script', error); // the next event tries again (UNAVAILABLE says why)
    }
    return wallet;
  };

  /** A message from the wallet's own contexts, by runtime.sendMessage or over a provider port. */
  const onMessage = (message: unknown, sender: Runtime.MessageSender): Promise<unknown> | undefined => {
    if (!wallet) {
      const cold = coldRequest(message, sender);
      if (cold) {
        const answer = async (): Promise<BackgroundResponse> => {
          // As the wallet's provider handler does: the frame is remembered for events, then the answer.
          const [, chainId] = await Promise.all([
            rememberTab(sender.tab?.id, cold.origin, sender.frameId, (sender as { documentId?: string }).documentId),
            readCurrentChainId(browser.storage.local),
          ]);
          return { result: COLD_METHODS[cold.method]!(chainId) };
        };
        // A storage failure here: the wallet answers instead (with its own error if it fails too).
        return answer().catch(() => loadWallet()?.onMessage(message, sender) ?? unavailable(message));
      }
    }
    const handlers = loadWallet();
    return handlers ? handlers.onMessage(message, sender) : unavailable(message);
  };
  browser.runtime.onMessage.addListener(onMessage);
  // The bridge's long-lived channel (src/provider/bridge.ts): each provider request on it is
  // answered on it, tagged with its requestId. The sender is the port's, filled in by the browser.
  browser.runtime.onConnect.addListener((port) => {
    const sender = port.sender;
    if (port.name !== PROVIDER_PORT || !sender) return;
    port.onMessage.addListener((message: unknown) => {
      if (!isBackgroundRequestMessage(message)) return;
      void Promise.resolve(onMessage(message, sender))
        .catch((error: unknown) => ({ error: { code: -32603, message: `The wallet failed: ${(error as Error)?.message ?? String(error)}` } }))
        .then((response) => {
          try {
            port.postMessage({ requestId: message.requestId, response: response as BackgroundResponse } satisfies PortAnswer);
          } catch {
            // The page went away (or the port closed): the bridge, if still there, asks again.
          }
        });
    });
  });
  browser.alarms.onAlarm.addListener((alarm) => loadWallet()?.onAlarm(alarm));
  browser.windows.onRemoved.addListener((windowId) => loadWallet()?.onWindowRemoved(windowId));

  if (!env.lazy) loadWallet();
  else env.onInstall?.(() => void loadWallet());
}

interface WorkerScope {
  importScripts(...urls: string[]): void;
  addEventListener(type: 'install', listener: () => void): void;
}

/** The real one: a service worker in Chromium, a background page in Firefox. */
export function workerEnvironment(): BootstrapEnvironment {
  const scope = globalThis as unknown as WorkerScope;
  const inWorker = typeof (globalThis as { ServiceWorkerGlobalScope?: unknown }).ServiceWorkerGlobalScope === 'function' && typeof scope.importScripts === 'function';
  return {
    lazy: inWorker,
    loadWalletScript() {
      // Firefox's manifest loads wallet.js before background.js; a worker imports it (the first
      // time in its life; a second importScripts() would evaluate it again).
      if (!evaluatedWalletScript()) scope.importScripts(WALLET_SCRIPT_PATH);
      const script = evaluatedWalletScript();
      if (!script) throw new Error(`${WALLET_SCRIPT_PATH} did not define the wallet`);
      return script;
    },
    onInstall: inWorker ? (listener) => scope.addEventListener('install', listener) : undefined,
  };
}
