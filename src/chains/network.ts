// The wallet's current network and the chains the owner (or a dApp, with the owner's approval) added.
import { browser } from 'wxt/browser';
import { InvalidParamsError, UnrecognizedChainError } from '../errors';
import { currentChainId, NETWORK_KEYS as KEYS } from './current';
import { builtInChains, type ChainConfig } from './registry';

export interface CustomChainInput {
  id: number;
  name: string;
  rpcUrl: string;
  symbol?: string;
  decimals?: number;
  blockExplorerUrl?: string;
}

function httpUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidParamsError(`${what} is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidParamsError(`${what} must be an http(s) URL.`);
  return url.toString().replace(/\/$/, '');
}

export function validateCustomChain(input: CustomChainInput): ChainConfig {
  if (!Number.isSafeInteger(input.id) || input.id <= 0) throw new InvalidParamsError('The chain id must be a positive integer.');
  const name = input.name.trim();
  if (name.length === 0 || name.length > 64) throw new InvalidParamsError('The chain needs a name (at most 64 characters).');
  const symbol = (input.symbol ?? 'ETH').trim();
  if (!/^[A-Za-z0-9.$-]{1,11}$/.test(symbol)) throw new InvalidParamsError('The currency symbol must be 1-11 letters or digits.');
  const decimals = input.decimals ?? 18;
  if (decimals !== 18) throw new InvalidParamsError('Only 18-decimal native currencies are supported.');
  return {
    id: input.id,
    name,
    rpcUrl: httpUrl(input.rpcUrl, 'The RPC URL'),
    nativeCurrency: { name: symbol, symbol, decimals },
    ...(input.blockExplorerUrl ? { blockExplorerUrl: httpUrl(input.blockExplorerUrl, 'The block explorer URL') } : {}),
    kind: 'custom',
  };
}

export class Networks {
  // Read on every dApp request: kept in memory, dropped whenever the stored networks change (from
  // this worker or any other extension page).
  private cached: { list: ChainConfig[]; currentId: number | undefined } | null = null;

  constructor() {
    browser.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && Object.keys(changes).some((k) => k.startsWith('network.'))) this.cached = null;
    });
  }

  private async snapshot(): Promise<{ list: ChainConfig[]; currentId: number | undefined }> {
    if (this.cached) return this.cached;
    const got = await browser.storage.local.get([KEYS.custom, KEYS.rpcOverrides, KEYS.current]);
    const custom = (got[KEYS.custom] as ChainConfig[] | undefined) ?? [];
    const overrides = (got[KEYS.rpcOverrides] as Record<string, string> | undefined) ?? {};
    const builtIn = builtInChains.map((c) => (overrides[c.id] ? { ...c, rpcUrl: overrides[c.id]! } : c));
    this.cached = { list: [...builtIn, ...custom.filter((c) => !builtIn.some((b) => b.id === c.id))], currentId: got[KEYS.current] as number | undefined };
    return this.cached;
  }

  async list(): Promise<ChainConfig[]> {
    return (await this.snapshot()).list;
  }

  async byId(chainId: number): Promise<ChainConfig | undefined> {
    return (await this.list()).find((c) => c.id === chainId);
  }

  async current(): Promise<ChainConfig> {
    const { list, currentId } = await this.snapshot();
    // The same choice as the cold worker's eth_chainId (current.ts), from the same stored values.
    const id = currentChainId(currentId, list.map((c) => c.id));
    return list.find((c) => c.id === id)!;
  }

  /** Switches the wallet's network. 4902 for a chain the wallet does not know. */
  async switchTo(chainId: number): Promise<{ chain: ChainConfig; changed: boolean }> {
    const chain = await this.byId(chainId);
    if (!chain) throw new UnrecognizedChainError(`Chain ${chainId} is not known to the wallet. Add it first.`);
    const previous = await this.current();
    await browser.storage.local.set({ [KEYS.current]: chainId });
    this.cached = null;
    return { chain, changed: previous.id !== chainId };
  }

  async addCustom(input: CustomChainInput): Promise<ChainConfig> {
    const chain = validateCustomChain(input);
    if (builtInChains.some((b) => b.id === chain.id)) {
      throw new InvalidParamsError(`Chain ${chain.id} is built in; change its RPC URL in the network settings instead.`);
    }
    const custom = ((await browser.storage.local.get(KEYS.custom))[KEYS.custom] as ChainConfig[] | undefined) ?? [];
    await browser.storage.local.set({ [KEYS.custom]: [...custom.filter((c) => c.id !== chain.id), chain] });
    this.cached = null;
    return chain;
  }

  /** Renames a network the owner or a site added, or points it at another RPC (check the RPC first). */
  async updateCustom(chainId: number, change: { name?: string; rpcUrl?: string }): Promise<ChainConfig> {
    const custom = ((await browser.storage.local.get(KEYS.custom))[KEYS.custom] as ChainConfig[] | undefined) ?? [];
    const chain = custom.find((c) => c.id === chainId);
    if (!chain) throw new InvalidParamsError(`Chain ${chainId} is not a network you added; built-in networks can only change their RPC URL.`);
    const updated = validateCustomChain({
      id: chain.id,
      name: change.name ?? chain.name,
      rpcUrl: change.rpcUrl ?? chain.rpcUrl,
      symbol: chain.nativeCurrency.symbol,
      decimals: chain.nativeCurrency.decimals,
      blockExplorerUrl: chain.blockExplorerUrl,
    });
    await browser.storage.local.set({ [KEYS.custom]: custom.map((c) => (c.id === chainId ? updated : c)) });
    this.cached = null;
    return updated;
  }

  /**
   * Removes a network the owner or a site added. The network in use cannot be removed: the owner
   * switches away first, so the wallet never changes network (and every connected site's chain)
   * as a side effect. Sessions on that chain stay on chain and in the wallet; adding it again shows them.
   */
  async removeCustom(chainId: number): Promise<void> {
    const custom = ((await browser.storage.local.get(KEYS.custom))[KEYS.custom] as ChainConfig[] | undefined) ?? [];
    const chain = custom.find((c) => c.id === chainId);
    if (!chain) throw new InvalidParamsError(`Chain ${chainId} is not a network you added; built-in networks cannot be removed.`);
    if ((await this.current()).id === chainId) throw new InvalidParamsError(`${chain.name} is the network in use. Switch to another network before removing it.`);
    await browser.storage.local.set({ [KEYS.custom]: custom.filter((c) => c.id !== chainId) });
    this.cached = null;
  }

  async setRpcUrl(chainId: number, rpcUrl: string): Promise<void> {
    const url = httpUrl(rpcUrl, 'The RPC URL');
    if (!builtInChains.some((b) => b.id === chainId)) {
      const custom = ((await browser.storage.local.get(KEYS.custom))[KEYS.custom] as ChainConfig[] | undefined) ?? [];
      const chain = custom.find((c) => c.id === chainId);
      if (!chain) throw new UnrecognizedChainError();
      await browser.storage.local.set({ [KEYS.custom]: custom.map((c) => (c.id === chainId ? { ...c, rpcUrl: url } : c)) });
      this.cached = null;
      return;
    }
    const overrides = ((await browser.storage.local.get(KEYS.rpcOverrides))[KEYS.rpcOverrides] as Record<string, string> | undefined) ?? {};
    await browser.storage.local.set({ [KEYS.rpcOverrides]: { ...overrides, [chainId]: url } });
    this.cached = null;
  }
}
