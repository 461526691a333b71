// "Work with sites made only for MetaMask": the owner's switch, kept in storage.local, and the
// MAIN-world flag script that carries it to pages.
//
// A MAIN-world script cannot read extension storage, and the isolated bridge can only read it
// asynchronously (too late: the page's first script may already have checked `isMetaMask`). So the
// setting is carried by registration: while it is on, the background registers one more
// document_start script (entrypoints/metamask-compat.content.ts) that sets the flag the provider
// reads. Every document_start script runs before the page's first script, so the flag is there in
// time; a change takes effect on the next page load.
import { browser } from 'wxt/browser';

export const METAMASK_COMPAT_KEY = 'settings.metaMaskCompat';
export const METAMASK_COMPAT_SCRIPT_ID = 'metamask-compat';
export const METAMASK_COMPAT_SCRIPT_FILE = 'content-scripts/metamask-compat.js';

/** The same pages and frames as the provider script (see wxt.config / provider.content.ts). */
export const PAGE_MATCHES = ['http://*/*', 'https://*/*'];

/** Off by default: the provider tells pages the truth unless the owner asks otherwise (see README). */
export async function metaMaskCompatEnabled(): Promise<boolean> {
  return (await browser.storage.local.get(METAMASK_COMPAT_KEY))[METAMASK_COMPAT_KEY] === true;
}

interface ScriptingLike {
  getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<{ id: string }[]>;
  registerContentScripts(scripts: Record<string, unknown>[]): Promise<void>;
  unregisterContentScripts(filter?: { ids?: string[] }): Promise<void>;
}

function scripting(): ScriptingLike | undefined {
  return (browser as unknown as { scripting?: ScriptingLike }).scripting;
}

/** Makes the registered flag script match the stored setting (idempotent; run at every worker start). */
export async function syncMetaMaskCompat(): Promise<void> {
  const api = scripting();
  if (!api) return;
  const on = await metaMaskCompatEnabled();
  const registered = (await api.getRegisteredContentScripts({ ids: [METAMASK_COMPAT_SCRIPT_ID] })).length > 0;
  if (on && !registered) {
    await api.registerContentScripts([
      {
        id: METAMASK_COMPAT_SCRIPT_ID,
        js: [METAMASK_COMPAT_SCRIPT_FILE],
        matches: PAGE_MATCHES,
        runAt: 'document_start',
        world: 'MAIN',
        allFrames: true,
        matchOriginAsFallback: true,
        persistAcrossSessions: true,
      },
    ]);
  } else if (!on && registered) {
    await api.unregisterContentScripts({ ids: [METAMASK_COMPAT_SCRIPT_ID] });
  }
}

export async function setMetaMaskCompat(on: boolean): Promise<boolean> {
  await browser.storage.local.set({ [METAMASK_COMPAT_KEY]: on });
  await syncMetaMaskCompat();
  return on;
}
