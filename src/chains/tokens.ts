// A token's name, symbol and decimals as its contract answers them on chain: what the grant window
// shows amounts in. Never the page's word (a request's `ticker` or `decimals` could make 1,000,000
// USDC read as 1); a contract that does not answer as an ERC-20 is shown as an unknown token.
import { erc20Abi, type Address, type PublicClient } from 'viem';

export interface ChainTokenInfo {
  name: string;
  symbol: string;
  decimals: number;
}

/** Printable and short: a symbol is whatever its deployer chose, and lands in a window. */
const clean = (s: string, max: number) => s.replace(/[\p{C}]/gu, '').trim().slice(0, max);

/** The token's metadata, or undefined when the contract does not answer name/symbol/decimals. */
export async function readTokenInfo(client: Pick<PublicClient, 'readContract'>, address: Address): Promise<ChainTokenInfo | undefined> {
  try {
    const [name, symbol, decimals] = await Promise.all([
      client.readContract({ address, abi: erc20Abi, functionName: 'name' }),
      client.readContract({ address, abi: erc20Abi, functionName: 'symbol' }),
      client.readContract({ address, abi: erc20Abi, functionName: 'decimals' }),
    ]);
    const s = clean(symbol, 16);
    if (!s || !Number.isInteger(decimals) || decimals > 77) return undefined;
    return { name: clean(name, 40) || s, symbol: s, decimals };
  } catch {
    return undefined;
  }
}

/** Metadata of each address that answers as a token (the others are left out). */
export async function readTokens(client: Pick<PublicClient, 'readContract'>, addresses: readonly Address[]): Promise<Record<Address, ChainTokenInfo>> {
  const unique = [...new Set(addresses)];
  const infos = await Promise.all(unique.map((a) => readTokenInfo(client, a)));
  const out: Record<Address, ChainTokenInfo> = {};
  unique.forEach((a, i) => {
    const info = infos[i];
    if (info) out[a] = info;
  });
  return out;
}
