// Which chain is the wallet's current one, from what storage holds: shared by Networks (the wallet)
// and the cold worker's bootstrap (src/background/bootstrap.ts), which answers eth_chainId from one
// storage read without loading the wallet. No viem here: the bootstrap's bytes are the cold start.

/** The local devnet (registry.ts `devnet`), the default network. */
export const DEVNET_CHAIN_ID = 31337;
export const DEFAULT_CHAIN_ID = DEVNET_CHAIN_ID;

/** The ids of registry.ts `builtInChains`, in its order (test/unit/cold-worker.test.ts checks they agree). */
export const BUILT_IN_CHAIN_IDS: readonly number[] = [DEVNET_CHAIN_ID, 11155111, 84532, 421614];

export const NETWORK_KEYS = { current: 'network.current', custom: 'network.custom', rpcOverrides: 'network.rpcOverrides' } as const;

/**
 * The current chain's id: the stored choice (the devnet by default) when the wallet knows that chain
 * (built in, or added), else the first known chain (the devnet). `knownIds` lists the known chains
 * with the built-in ones first.
 */
export function currentChainId(storedId: number | undefined, knownIds: readonly number[]): number {
  const wanted = storedId ?? DEFAULT_CHAIN_ID;
  return knownIds.includes(wanted) ? wanted : knownIds[0]!;
}

/** The current chain's id from storage.local, as Networks.current() finds it. */
export async function readCurrentChainId(local: { get(keys: string[]): Promise<Record<string, unknown>> }): Promise<number> {
  const got = await local.get([NETWORK_KEYS.custom, NETWORK_KEYS.current]);
  const custom = (got[NETWORK_KEYS.custom] as { id: number }[] | undefined) ?? [];
  return currentChainId(got[NETWORK_KEYS.current] as number | undefined, [...BUILT_IN_CHAIN_IDS, ...custom.map((c) => c.id)]);
}

/** eth_chainId's answer for a chain id (viem's numberToHex, as registry.ts chainIdHex). */
export const chainIdHexOf = (id: number): `0x${string}` => `0x${id.toString(16)}`;
