// ERC-20 tokens the owner chose to see (EIP-747 wallet_watchAsset), per account and chain, and their
// balances. What a token is (symbol, decimals, name) is read from its contract, never taken from the
// page that suggested it: a page's symbol or decimals that differ are refused, as MetaMask does.
import { browser } from 'wxt/browser';
import { erc20Abi, formatUnits, getAddress, type Address } from 'viem';
import type { ChainConfig } from '../chains/registry';
import { publicClientFor } from '../chains/clients';
import { ChainDisconnectedError, InvalidParamsError } from '../errors';

/** A token as the wallet keeps it (read from the chain when it was added). */
export interface WatchedToken {
  address: Address;
  symbol: string;
  decimals: number;
  name: string;
}

/** MetaMask's limits: a symbol of at most 11 characters, decimals 0..36. */
export const MAX_SYMBOL_LENGTH = 11;
export const MAX_DECIMALS = 36;
/** Enough for any real portfolio; keeps one storage record and one popup read small. */
export const MAX_WATCHED_TOKENS = 100;

const ERC721_INTERFACE = '0x80ac58cd';
const ERC1155_INTERFACE = '0xd9b67a26';
const supportsInterfaceAbi = [
  { type: 'function', name: 'supportsInterface', stateMutability: 'view', inputs: [{ type: 'bytes4' }], outputs: [{ type: 'bool' }] },
] as const;

const key = (chainId: number, account: Address) => `tokens:${chainId}:${account.toLowerCase()}`;

export async function watchedTokens(chainId: number, account: Address): Promise<WatchedToken[]> {
  return ((await browser.storage.local.get(key(chainId, account)))[key(chainId, account)] as WatchedToken[] | undefined) ?? [];
}

/** Adds the token (or refreshes what is known of it); the list keeps the order tokens were added in. */
export async function addWatchedToken(chainId: number, account: Address, token: WatchedToken): Promise<void> {
  const list = await watchedTokens(chainId, account);
  const at = list.findIndex((t) => t.address.toLowerCase() === token.address.toLowerCase());
  if (at < 0 && list.length >= MAX_WATCHED_TOKENS) throw new InvalidParamsError(`The wallet already lists ${MAX_WATCHED_TOKENS} tokens on this network; remove one first.`);
  const next = at < 0 ? [...list, token] : list.map((t, i) => (i === at ? token : t));
  await browser.storage.local.set({ [key(chainId, account)]: next });
}

export async function removeWatchedToken(chainId: number, account: Address, address: Address): Promise<void> {
  const list = await watchedTokens(chainId, account);
  await browser.storage.local.set({ [key(chainId, account)]: list.filter((t) => t.address.toLowerCase() !== address.toLowerCase()) });
}

/** What the page suggested (EIP-747 `options`); symbol and decimals are only checked against the chain. */
export interface SuggestedToken {
  address: string;
  symbol?: string | undefined;
  decimals?: number | string | undefined;
}

/**
 * Reads the token from its contract and checks the page's suggestion against it. -32602 when there
 * is no contract, when it is an NFT (ERC-721/1155), when it does not answer decimals() and symbol()
 * as an ERC-20 does, or when the page's symbol or decimals differ from the contract's.
 */
export async function readSuggestedToken(chain: ChainConfig, suggested: SuggestedToken): Promise<WatchedToken> {
  const address = getAddress(suggested.address);
  const client = publicClientFor(chain);
  const code = await client.getCode({ address }).catch(() => {
    throw new ChainDisconnectedError(`${chain.name}'s RPC did not answer, so the token cannot be read.`);
  });
  if (!code || code === '0x') throw new InvalidParamsError(`There is no contract at ${address} on ${chain.name}, so it is not a token there.`);
  const read = <T>(run: () => Promise<T>) => run().then((v) => ({ ok: true as const, v }), () => ({ ok: false as const }));
  const [decimals, symbol, name, is721, is1155] = await Promise.all([
    read(() => client.readContract({ address, abi: erc20Abi, functionName: 'decimals' })),
    read(() => client.readContract({ address, abi: erc20Abi, functionName: 'symbol' })),
    read(() => client.readContract({ address, abi: erc20Abi, functionName: 'name' })),
    read(() => client.readContract({ address, abi: supportsInterfaceAbi, functionName: 'supportsInterface', args: [ERC721_INTERFACE] })),
    read(() => client.readContract({ address, abi: supportsInterfaceAbi, functionName: 'supportsInterface', args: [ERC1155_INTERFACE] })),
  ]);
  if ((is721.ok && is721.v) || (is1155.ok && is1155.v)) {
    throw new InvalidParamsError(`The contract at ${address} is an ${is721.ok && is721.v ? 'ERC-721' : 'ERC-1155'} NFT contract, not an ERC-20 token; the wallet lists ERC-20 tokens only.`);
  }
  if (!decimals.ok || !symbol.ok) throw new InvalidParamsError(`The contract at ${address} does not answer decimals() and symbol() as an ERC-20 token does.`);
  if (decimals.v > MAX_DECIMALS) throw new InvalidParamsError(`The token says it has ${decimals.v} decimals; at most ${MAX_DECIMALS} are supported.`);
  const chainSymbol = cleanText(symbol.v, MAX_SYMBOL_LENGTH);
  if (!chainSymbol) throw new InvalidParamsError(`The token at ${address} has an empty or unreadable symbol.`);
  if (suggested.decimals !== undefined && String(suggested.decimals) !== String(decimals.v)) {
    throw new InvalidParamsError(`The decimals in the request (${suggested.decimals}) do not match the decimals in the contract (${decimals.v}).`);
  }
  if (suggested.symbol !== undefined && suggested.symbol.toUpperCase() !== symbol.v.toUpperCase()) {
    throw new InvalidParamsError(`The symbol in the request (${suggested.symbol}) does not match the symbol in the contract (${symbol.v}).`);
  }
  return { address, symbol: chainSymbol, decimals: decimals.v, name: (name.ok && cleanText(name.v, 64)) || chainSymbol };
}

/** A contract's string as the wallet shows it: no control characters, bounded length. */
function cleanText(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, max);
}

export interface TokenBalance extends WatchedToken {
  /** Base units (decimal string), or null when the token did not answer balanceOf this time. */
  balance: string | null;
  /** The balance in the token's own units (its decimals), or null. */
  formatted: string | null;
}

/** Each watched token's balance for `account`; a token that stops answering shows null, the others still show. */
export async function tokenBalances(chain: ChainConfig, account: Address): Promise<TokenBalance[]> {
  const tokens = await watchedTokens(chain.id, account);
  if (tokens.length === 0) return [];
  const client = publicClientFor(chain);
  return Promise.all(
    tokens.map(async (t) => {
      try {
        const balance = await client.readContract({ address: t.address, abi: erc20Abi, functionName: 'balanceOf', args: [account] });
        return { ...t, balance: balance.toString(), formatted: formatUnits(balance, t.decimals) };
      } catch {
        return { ...t, balance: null, formatted: null };
      }
    }),
  );
}
