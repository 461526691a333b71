// The wallet's current network and the chains the owner (or a dApp, with the owner's approval) added.
import { browser } from 'wxt/browser';
import { InvalidParamsError, UnrecognizedChainError } from '../rpc/errors';
import { builtInChains, DEFAULT_CHAIN_ID, type ChainConfig } from './registry';

const KEYS = { current: 'network.current', custom: 'network.custom', rpcOverrides: 'network.rpcOverrides' } as const;

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
  async list(): Promise<ChainConfig[]> {
    const got = await browser.storage.local.get([KEYS.custom, KEYS.rpcOverrides]);
    const custom = (got[KEYS.custom] as ChainConfig[] | undefined) ?? [];
    const overrides = (got[KEYS.rpcOverrides] as Record<string, string> | undefined) ?? {};
    const builtIn = builtInChains.map((c) => (overrides[c.id] ? { ...c, rpcUrl: overrides[c.id]! } : c));
    return [...builtIn, ...custom.filter((c) => !builtIn.some((b) => b.id === c.id))];
  }

  async byId(chainId: number): Promise<ChainConfig | undefined> {
    return (await this.list()).find((c) => c.id === chainId);
  }

  async current(): Promise<ChainConfig> {
    const id = (await browser.storage.local.get(KEYS.current))[KEYS.current] as number | undefined;
    const chains = await this.list();
    return chains.find((c) => c.id === (id ?? DEFAULT_CHAIN_ID)) ?? chains[0]!;
  }

  /** Switches the wallet's network. 4902 for a chain the wallet does not know. */
  async switchTo(chainId: number): Promise<{ chain: ChainConfig; changed: boolean }> {
    const chain = await this.byId(chainId);
    if (!chain) throw new UnrecognizedChainError(`Chain ${chainId} is not known to the wallet. Add it first.`);
    const previous = await this.current();
    await browser.storage.local.set({ [KEYS.current]: chainId });
    return { chain, changed: previous.id !== chainId };
  }

  async addCustom(input: CustomChainInput): Promise<ChainConfig> {
    const chain = validateCustomChain(input);
    if (builtInChains.some((b) => b.id === chain.id)) {
      throw new InvalidParamsError(`Chain ${chain.id} is built in; change its RPC URL in the network settings instead.`);
    }
    const custom = ((await browser.storage.local.get(KEYS.custom))[KEYS.custom] as ChainConfig[] | undefined) ?? [];
    await browser.storage.local.set({ [KEYS.custom]: [...custom.filter((c) => c.id !== chain.id), chain] });
    return chain;
  }

  async setRpcUrl(chainId: number, rpcUrl: string): Promise<void> {
    const url = httpUrl(rpcUrl, 'The RPC URL');
    if (!builtInChains.some((b) => b.id === chainId)) {
      const custom = ((await browser.storage.local.get(KEYS.custom))[KEYS.custom] as ChainConfig[] | undefined) ?? [];
      const chain = custom.find((c) => c.id === chainId);
      if (!chain) throw new UnrecognizedChainError();
      await browser.storage.local.set({ [KEYS.custom]: custom.map((c) => (c.id === chainId ? { ...c, rpcUrl: url } : c)) });
      return;
    }
    const overrides = ((await browser.storage.local.get(KEYS.rpcOverrides))[KEYS.rpcOverrides] as Record<string, string> | undefined) ?? {};
    await browser.storage.local.set({ [KEYS.rpcOverrides]: { ...overrides, [chainId]: url } });
  }
}
