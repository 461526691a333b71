// The contract between the worker's bootstrap (background.js, bootstrap.ts) and the wallet script
// (wallet.js, entrypoints/wallet.ts): evaluating wallet.js only defines a global; the bootstrap
// calls its start() once, when an event needs the wallet, and hands every event to what it returns.
// Types only besides the global's name, so the bootstrap's bundle gets none of the wallet.
import type { Alarms, Runtime } from 'webextension-polyfill';

/** What the wallet does with each event the worker listens to (the bootstrap registers the listeners). */
export interface WalletHandlers {
  /** A runtime message: a promise of the answer, or undefined when the message is not the wallet's. */
  onMessage(message: unknown, sender: Runtime.MessageSender): Promise<unknown> | undefined;
  onAlarm(alarm: Alarms.Alarm): void;
  onWindowRemoved(windowId: number): void;
}

export interface WalletScript {
  /** Creates the wallet's services (once per worker life). */
  start(): WalletHandlers;
}

/** The global wallet.js sets when it is evaluated (tests look for it to tell whether it was). */
export const WALLET_GLOBAL = '__sessionKeyWallet';

/** wallet.js's path in the extension (WXT's name for the unlisted script entrypoints/wallet.ts). */
export const WALLET_SCRIPT_PATH = '/wallet.js';

export function exposeWalletScript(script: WalletScript): void {
  (globalThis as Record<string, unknown>)[WALLET_GLOBAL] = script;
}

export function evaluatedWalletScript(): WalletScript | undefined {
  return (globalThis as Record<string, unknown>)[WALLET_GLOBAL] as WalletScript | undefined;
}
