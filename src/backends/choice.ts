// Which account backend serves each network, one of the two this wallet has: the delegation
// backend (the default: the local devnet, or any chain with the Delegation Framework on the
// network's own RPC) or Alchemy's Wallet API (the user's API key, an optional gas policy id, and
// the Wallet API URL, Alchemy's own unless the user points it elsewhere).
//
// The choice is stored per chain id in storage.local (no secret in it); the API key is one per
// wallet, sealed by ApiKeyStore. The background builds one AlchemyBackend per chain and settings,
// dropped whenever the choice or the key changes.
//
// `for(chain)` is the one way the rest of the wallet gets a backend: an `AccountBackend`
// (backend.ts), whichever serves the chain. `forSession` and `forBundle` give the backend that
// granted a session or signed a bundle, which may no longer be the chain's.
import { browser } from 'wxt/browser';
import type { CallBundle } from '../calls/bundles';
import type { ChainConfig } from '../chains/registry';
import type { SessionRecord } from '../sessions/record';
import { grantedBy } from '../sessions/record';
import { InvalidParamsError, RpcError, UnauthorizedError, UnsupportedChainIdError } from '../errors';
import { AlchemyBackend, alchemyDelegationAddress, ALCHEMY_SUPPORTED_CHAIN_IDS, ALCHEMY_WALLET_API_URL } from './alchemy/backend';
import { ApiKeyStore, checkApiKeyShape } from './alchemy/api-key';
import { AlchemyAccountBackend } from './alchemy/account';
import { BACKEND_NAMES, type AccountBackend, type BackendKind } from './backend';
import { DelegationBackend, type InFlight } from './delegation/backend';

const KEY = 'backend.byChain';

export type BackendSetting = { kind: 'delegation' } | { kind: 'alchemy'; url?: string; policyId?: string };

export type BackendView =
  | { kind: 'delegation'; chainId: number }
  | { kind: 'alchemy'; chainId: number; url: string; customUrl: boolean; policyId?: string; apiKey: { set: false } | { set: true; hint: string } };

export interface AlchemySettingInput {
  /** A new key; omitted keeps the stored one. */
  apiKey?: string;
  url?: string;
  policyId?: string;
}

const POLICY_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The Wallet API URL as the user typed it: https anywhere, plain http only to this machine (a local
 * stand-in or proxy), since the API key travels in its Authorization header. No credentials, no
 * query, no fragment: the key never goes in a URL.
 */
export function checkWalletApiUrl(input: string): string {
  if (/[?#]/.test(input)) throw new InvalidParamsError('The Wallet API URL cannot carry credentials, a query or a fragment.');
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new InvalidParamsError('The Wallet API URL is not a valid URL.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname))) {
    throw new InvalidParamsError('The Wallet API URL must be https (plain http only for this computer: 127.0.0.1 or localhost).');
  }
  if (url.username || url.password || url.search || url.hash) throw new InvalidParamsError('The Wallet API URL cannot carry credentials, a query or a fragment.');
  return url.toString().replace(/\/$/, '');
}

export class Backends {
  readonly apiKeys: ApiKeyStore;
  private readonly built = new Map<string, AlchemyBackend>();
  /** The delegation backend's session transactions in flight: this worker's memory, whatever the backend instance. */
  private readonly inFlight: InFlight = new Map();
  /** The settings as last read (every send asks for them): dropped on any change to the key. */
  private settings: Promise<Record<string, BackendSetting>> | undefined;

  constructor(apiKeys: ApiKeyStore = new ApiKeyStore()) {
    this.apiKeys = apiKeys;
    browser.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && Object.keys(changes).some((k) => k === KEY || k.startsWith('alchemy.') || k.startsWith('network.'))) {
        this.built.clear();
        this.settings = undefined;
      }
    });
  }

  private async all(): Promise<Record<string, BackendSetting>> {
    const read = (this.settings ??= browser.storage.local.get(KEY).then((got) => (got[KEY] as Record<string, BackendSetting> | undefined) ?? {}));
    read.catch(() => (this.settings = undefined));
    // A copy: callers change what they get before writing it back.
    return { ...(await read) };
  }

  async setting(chainId: number): Promise<BackendSetting> {
    return (await this.all())[chainId] ?? { kind: 'delegation' };
  }

  async view(chain: ChainConfig): Promise<BackendView> {
    const s = await this.setting(chain.id);
    if (s.kind === 'delegation') return { kind: 'delegation', chainId: chain.id };
    const apiKey = await this.apiKeys.describe().catch(() => ({ set: false as const }));
    return { kind: 'alchemy', chainId: chain.id, url: s.url ?? ALCHEMY_WALLET_API_URL, customUrl: s.url !== undefined, ...(s.policyId ? { policyId: s.policyId } : {}), apiKey };
  }

  async useDelegation(chainId: number): Promise<void> {
    const all = await this.all();
    delete all[chainId];
    this.settings = undefined;
    await browser.storage.local.set({ [KEY]: all });
    this.settings = undefined;
    this.built.clear();
  }

  /**
   * Switches `chain` to Alchemy after checking the input, and that the Wallet API accepts the key
   * (one wallet_getCapabilities): a wrong key is 4100 here rather than at the first session.
   */
  async useAlchemy(chain: ChainConfig, input: AlchemySettingInput): Promise<void> {
    const url = input.url && input.url.trim().length > 0 ? checkWalletApiUrl(input.url) : undefined;
    if (url === undefined && !ALCHEMY_SUPPORTED_CHAIN_IDS.has(chain.id)) {
      throw new UnsupportedChainIdError(`Alchemy's Wallet API does not serve ${chain.name} (chain ${chain.id}). Use the delegation backend here.`);
    }
    const policyId = input.policyId?.trim() ? input.policyId.trim() : undefined;
    if (policyId && !POLICY_ID.test(policyId)) throw new InvalidParamsError('A gas policy id looks like 3f1e2d4c-0000-4000-8000-000000000000 (from the Gas Manager dashboard).');
    let apiKey: string | undefined;
    if (input.apiKey !== undefined && input.apiKey.trim().length > 0) {
      const check = checkApiKeyShape(input.apiKey);
      if (!check.ok) throw new InvalidParamsError(check.reason);
      apiKey = check.apiKey;
    } else {
      apiKey = await this.apiKeys.load();
      if (!apiKey) throw new InvalidParamsError('Enter your Alchemy API key.');
      // The stored key goes only to a Wallet API the owner entered it for (or, from before that was
      // recorded, one a network still uses it with). Otherwise anyone at the browser (the popup's
      // settings need no unlock) could send it to a server of theirs.
      const where = new Set([...(await this.apiKeys.urls()), ...Object.values(await this.all()).flatMap((s) => (s.kind === 'alchemy' ? [s.url ?? ALCHEMY_WALLET_API_URL] : []))]);
      if (!where.has(url ?? ALCHEMY_WALLET_API_URL)) {
        throw new InvalidParamsError('Enter the API key again to use it with this Wallet API URL: the stored key is sent only to a Wallet API it was saved for.');
      }
    }
    const setting: BackendSetting = { kind: 'alchemy', ...(url ? { url } : {}), ...(policyId ? { policyId } : {}) };
    await new AlchemyBackend({ apiKey, chain, ...(url ? { url } : {}), ...(policyId ? { policyId } : {}) }).checkAccess();
    if (input.apiKey !== undefined && input.apiKey.trim().length > 0) {
      const previous = await this.apiKeys.load().catch(() => undefined);
      await this.apiKeys.save(apiKey);
      await this.apiKeys.allowUrl(url ?? ALCHEMY_WALLET_API_URL, previous !== apiKey);
    }
    const next = { ...(await this.all()), [chain.id]: setting };
    this.settings = undefined;
    await browser.storage.local.set({ [KEY]: next });
    this.settings = undefined;
    this.built.clear();
  }

  /** The chain's Alchemy backend, or null when the delegation backend serves it. */
  async alchemyFor(chain: ChainConfig): Promise<AlchemyBackend | null> {
    const s = await this.setting(chain.id);
    if (s.kind !== 'alchemy') return null;
    const id = `${chain.id}|${chain.rpcUrl}`;
    const cached = this.built.get(id);
    if (cached) return cached;
    const apiKey = await this.apiKeys.load().catch((error: Error) => {
      if (error instanceof RpcError) throw error; // 4100 until the first unlock since the browser started: its message says so
      throw new UnauthorizedError(`${error.message} (Settings, Account backend).`);
    });
    if (!apiKey) throw new UnauthorizedError(`${chain.name} uses the Alchemy backend, but no Alchemy API key is stored. Enter it in Settings.`);
    const backend = new AlchemyBackend({ apiKey, chain, ...(s.url ? { url: s.url } : {}), ...(s.policyId ? { policyId: s.policyId } : {}), pollIntervalMs: 500 });
    this.built.set(id, backend);
    return backend;
  }

  /**
   * The backend that serves `chain`. Alchemy's needs the API key: 4100 when none is stored or it
   * cannot be opened yet, unless `lazy` (then only what talks to Alchemy fails, at that moment).
   */
  async for(chain: ChainConfig, opts: { lazy?: boolean } = {}): Promise<AccountBackend> {
    if ((await this.setting(chain.id)).kind !== 'alchemy') return this.delegation(chain);
    const load = async () => (await this.alchemyFor(chain))!;
    if (opts.lazy) return new AlchemyAccountBackend(chain, alchemyDelegationAddress(chain), load);
    const api = await load();
    return new AlchemyAccountBackend(chain, api.delegationAddress, async () => api);
  }

  /**
   * The backend that granted `session` on `chain`, to end it or show it. It talks to Alchemy only
   * if the chain still uses Alchemy; ending an Alchemy session never needs to.
   */
  async forSession(chain: ChainConfig, session: Pick<SessionRecord, 'backend'>): Promise<AccountBackend> {
    return this.ofKind(chain, grantedBy(session), (name) => new UnsupportedChainIdError(`${chain.name} no longer uses the ${name} backend this session was granted through.`));
  }

  /** The backend that signed `bundle` (raw transactions: the delegation backend's); `mismatch` when the chain no longer uses it. */
  async forBundle(chain: ChainConfig, bundle: CallBundle, mismatch: (name: string) => RpcError): Promise<AccountBackend> {
    return this.ofKind(chain, (bundle.signed?.backend as BackendKind | undefined) ?? 'delegation', mismatch);
  }

  /** Forgets this worker's memory of sessions in flight (Remove wallet). */
  forgetInFlight(): void {
    this.inFlight.clear();
  }

  private async ofKind(chain: ChainConfig, kind: BackendKind, mismatch: (name: string) => RpcError): Promise<AccountBackend> {
    if (kind === 'delegation') return this.delegation(chain);
    const load = async () => {
      if ((await this.setting(chain.id)).kind !== kind) throw mismatch(BACKEND_NAMES[kind].name);
      return (await this.alchemyFor(chain))!;
    };
    return new AlchemyAccountBackend(chain, alchemyDelegationAddress(chain), load);
  }

  private delegation(chain: ChainConfig): DelegationBackend {
    return new DelegationBackend(chain, this.inFlight);
  }
}
