// What the owner should know before trusting a network a site (or the owner) adds: a familiar chain
// id under another name or an unknown RPC is how a fake "Base" gets in, and the RPC of a network sees
// every address and transaction and can lie about balances and outcomes.
import { arbitrum, base, bsc, mainnet, optimism, polygon } from 'viem/chains';
import { builtInChains } from './registry';

interface WellKnown {
  id: number;
  name: string;
  /** Names a site may reasonably use for it. */
  names: string[];
  rpcHosts: string[];
}

// RPC providers a wallet user is likely to pick for any well-known chain (their hosts end with these).
const PROVIDER_DOMAINS = ['alchemy.com', 'infura.io', 'quiknode.pro', 'publicnode.com', 'ankr.com', 'llamarpc.com', 'drpc.org', 'blastapi.io', 'chainstack.com'];

const known = (id: number, name: string, names: string[], rpcUrls: readonly string[]): WellKnown => ({
  id,
  name,
  names: [name, ...names].map((n) => n.toLowerCase()),
  rpcHosts: rpcUrls.map((u) => new URL(u).hostname),
});

/** Chain ids people know by name; a network added under one of them must look like the real one. */
export const wellKnownChains: readonly WellKnown[] = [
  known(mainnet.id, 'Ethereum', ['Ethereum Mainnet', 'Mainnet', 'Ethereum Main Network'], mainnet.rpcUrls.default.http),
  known(optimism.id, 'OP Mainnet', ['Optimism', 'OP', 'Optimism Mainnet'], optimism.rpcUrls.default.http),
  known(bsc.id, 'BNB Smart Chain', ['BNB Chain', 'BSC', 'BNB Smart Chain Mainnet', 'Binance Smart Chain'], bsc.rpcUrls.default.http),
  known(polygon.id, 'Polygon', ['Polygon Mainnet', 'Polygon PoS', 'Matic'], polygon.rpcUrls.default.http),
  known(base.id, 'Base', ['Base Mainnet'], base.rpcUrls.default.http),
  known(arbitrum.id, 'Arbitrum One', ['Arbitrum', 'Arbitrum One Mainnet'], arbitrum.rpcUrls.default.http),
  ...builtInChains.filter((c) => c.kind === 'testnet').map((c) => known(c.id, c.name, [], [c.rpcUrl])),
];

const isLocalHost = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');

export interface NetworkWarning {
  /** impostor: a well-known chain id under another name or RPC; plainHttp: an unencrypted remote RPC. */
  kind: 'impostor' | 'plainHttp';
  text: string;
}

export function networkWarnings(chain: { id: number; name: string; rpcUrl: string }): NetworkWarning[] {
  const warnings: NetworkWarning[] = [];
  let url: URL;
  try {
    url = new URL(chain.rpcUrl);
  } catch {
    return warnings; // the URL itself is refused elsewhere
  }
  const host = url.hostname;
  const wk = wellKnownChains.find((k) => k.id === chain.id);
  if (wk) {
    const nameOk = wk.names.includes(chain.name.trim().toLowerCase());
    const rpcOk = wk.rpcHosts.includes(host) || PROVIDER_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));
    if (!nameOk || !rpcOk) {
      const why = [
        !nameOk ? `it is named "${chain.name}"` : '',
        !rpcOk ? `its RPC (${host}) is not one the wallet knows for ${wk.name}` : '',
      ].filter(Boolean);
      warnings.push({
        kind: 'impostor',
        text:
          `This is not the usual ${wk.name} network. Chain ${chain.id} is ${wk.name}, but ${why.join(' and ')}. ` +
          `Whoever runs this RPC sees your address and everything you do, and can lie about your balances and about what your transactions did.`,
      });
    }
  }
  if (url.protocol === 'http:' && !isLocalHost(host)) {
    warnings.push({ kind: 'plainHttp', text: `This RPC uses plain http: anyone on the way to ${host} can read and change what it answers.` });
  }
  return warnings;
}
