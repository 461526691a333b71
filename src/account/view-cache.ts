// The popup's account view as last read from the chain, kept by the worker so that the popup's
// first call is answered at once (issue 15 item 4): in memory, and in storage.session so that a
// worker restart (Chrome stops it after 30 s idle) keeps it. storage.session is cleared when the
// browser closes and never reaches disk. Nothing in it is secret: the address, the public balance,
// the account's code state and a count of sessions.
//
// A cached view is only ever shown labelled as such ("refreshing"): the popup reads the chain again
// right after, and the fresh view replaces it. It is keyed by network, RPC and owner address, so
// another network, another RPC or another wallet never shows this one's figures.
import { browser } from 'wxt/browser';
import type { Address } from 'viem';
import type { ChainConfig } from '../chains/registry';
import type { AccountView } from './owner-actions';

const KEY = 'account.viewCache';
/** How many (network, owner) views are kept: one per network the owner looked at recently. */
const MAX_ENTRIES = 8;

export interface CachedAccountView {
  chain: ChainConfig;
  account: AccountView;
  /** Active sessions of this account on this network when it was read. */
  activeSessions: number;
  /** When it was read from the chain (ms since the epoch). */
  readAt: number;
}

type Entries = Record<string, CachedAccountView>;

const keyOf = (chain: Pick<ChainConfig, 'id' | 'rpcUrl'>, address: Address) => `${chain.id}|${chain.rpcUrl}|${address.toLowerCase()}`;

let memory: Entries | null = null;

async function entries(): Promise<Entries> {
  if (memory) return memory;
  const stored = (await browser.storage.session.get(KEY))[KEY] as Entries | undefined;
  memory = stored && typeof stored === 'object' ? stored : {};
  return memory;
}

/** The view last read for `address` on `chain` (same id and RPC), or null. */
export async function cachedAccountView(chain: Pick<ChainConfig, 'id' | 'rpcUrl'>, address: Address): Promise<CachedAccountView | null> {
  return (await entries())[keyOf(chain, address)] ?? null;
}

/** Keeps a view just read from the chain (the newest MAX_ENTRIES networks stay). */
export async function rememberAccountView(view: CachedAccountView): Promise<void> {
  const all = { ...(await entries()), [keyOf(view.chain, view.account.address)]: view };
  const kept = Object.entries(all)
    .sort(([, a], [, b]) => b.readAt - a.readAt)
    .slice(0, MAX_ENTRIES);
  memory = Object.fromEntries(kept);
  await browser.storage.session.set({ [KEY]: memory });
}

/** Forgets every kept view (Remove wallet). */
export async function forgetAccountViews(): Promise<void> {
  memory = {};
  await browser.storage.session.remove(KEY);
}

/** For tests: drops this worker's memory, as a worker restart does (storage.session stays). */
export function dropAccountViewMemory(): void {
  memory = null;
}
