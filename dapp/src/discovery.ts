// EIP-6963 wallet discovery (https://eips.ethereum.org/EIPS/eip-6963), written out by hand so the
// demo shows exactly what a dApp has to do: listen for `eip6963:announceProvider`, ask wallets to
// announce with `eip6963:requestProvider`, keep one entry per `info.uuid`.
//
// The module is DOM-free apart from EventTarget, so unit tests drive it with a bare EventTarget.

export const ANNOUNCE_EVENT = 'eip6963:announceProvider';
export const REQUEST_EVENT = 'eip6963:requestProvider';

export interface EIP6963ProviderInfo {
  /** UUIDv4, unique per wallet per page session. */
  uuid: string;
  name: string;
  /** Data URI of the wallet's icon (`data:image/...`). */
  icon: string;
  /** Reverse-DNS id, e.g. `com.example.wallet`. */
  rdns: string;
}

/** The minimal EIP-1193 surface the dApp relies on. */
export interface EIP1193Provider {
  request(args: { method: string; params?: unknown }): Promise<unknown>;
  on?(event: string, listener: (...args: any[]) => void): unknown;
  removeListener?(event: string, listener: (...args: any[]) => void): unknown;
}

export interface EIP6963ProviderDetail {
  info: EIP6963ProviderInfo;
  provider: EIP1193Provider;
}

/** `searching` until the first announcement or the timeout; `none` if the timeout passed empty. */
export type DiscoveryStatus = 'searching' | 'found' | 'none';

export type DiscoveryTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener' | 'dispatchEvent'>;

export interface DiscoveryOptions {
  /** How long to wait for a first announcement before reporting `none`. Default 600 ms. */
  timeoutMs?: number;
  /** Announcement details captured before discovery started (e.g. by an inline head script). */
  seed?: readonly unknown[];
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: any) => void;
}

export type DiscoveryListener = (wallets: readonly EIP6963ProviderDetail[], status: DiscoveryStatus) => void;

export interface WalletDiscovery {
  /** Wallets found so far, in order of first announcement. */
  readonly wallets: readonly EIP6963ProviderDetail[];
  readonly status: DiscoveryStatus;
  /** Called on every change (new wallet or status change); returns an unsubscribe function. */
  subscribe(listener: DiscoveryListener): () => void;
  /** Ask wallets to (re-)announce. */
  request(): void;
  find(uuid: string): EIP6963ProviderDetail | undefined;
  stop(): void;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Validates an announcement's `detail`; returns it narrowed, or undefined when malformed. */
export function parseAnnouncement(detail: unknown): EIP6963ProviderDetail | undefined {
  if (!detail || typeof detail !== 'object') return undefined;
  const { info, provider } = detail as { info?: unknown; provider?: unknown };
  if (!info || typeof info !== 'object') return undefined;
  const { uuid, name, icon, rdns } = info as Record<string, unknown>;
  if (!isString(uuid) || !isString(name) || !isString(rdns) || typeof icon !== 'string') return undefined;
  if (!provider || (typeof provider !== 'object' && typeof provider !== 'function')) return undefined;
  if (typeof (provider as { request?: unknown }).request !== 'function') return undefined;
  return { info: { uuid, name, icon, rdns }, provider: provider as EIP1193Provider };
}

/** Only `data:image/...` icons are rendered (the EIP requires a data URI; no remote fetches). */
export function safeIcon(icon: string): string | undefined {
  return /^data:image\/(png|jpeg|jpg|gif|webp|svg\+xml)[;,]/i.test(icon) ? icon : undefined;
}

export function discoverWallets(target: DiscoveryTarget, options: DiscoveryOptions = {}): WalletDiscovery {
  const timeoutMs = options.timeoutMs ?? 600;
  const set = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const clear = options.clearTimeout ?? ((h) => globalThis.clearTimeout(h));

  const wallets: EIP6963ProviderDetail[] = [];
  const listeners = new Set<DiscoveryListener>();
  let status: DiscoveryStatus = 'searching';
  let stopped = false;

  const emit = () => {
    const snapshot = wallets.slice();
    for (const l of listeners) l(snapshot, status);
  };

  const add = (detail: unknown) => {
    const parsed = parseAnnouncement(detail);
    if (!parsed) return;
    // Dedupe by uuid: a wallet re-announces on every request; the first announcement wins.
    if (wallets.some((w) => w.info.uuid === parsed.info.uuid)) return;
    wallets.push(parsed);
    status = 'found';
    emit();
  };

  const onAnnounce = (event: Event) => add((event as CustomEvent).detail);

  target.addEventListener(ANNOUNCE_EVENT, onAnnounce);
  for (const d of options.seed ?? []) add(d);

  const timer = set(() => {
    if (!stopped && status === 'searching') {
      status = 'none';
      emit();
    }
  }, timeoutMs);

  const request = () => {
    if (!stopped) target.dispatchEvent(new Event(REQUEST_EVENT));
  };
  request();

  return {
    get wallets() {
      return wallets.slice();
    },
    get status() {
      return status;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    request,
    find: (uuid) => wallets.find((w) => w.info.uuid === uuid),
    stop() {
      stopped = true;
      clear(timer);
      target.removeEventListener(ANNOUNCE_EVENT, onAnnounce);
      listeners.clear();
    },
  };
}
