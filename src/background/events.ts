// Provider events from the background to the pages that use the wallet (chainChanged,
// accountsChanged). Tabs are remembered with their origin in storage.session, so a restarted worker
// still knows them and account events go only to origins the owner connected.
import { browser } from 'wxt/browser';
import type { BackgroundEventMessage, ProviderEventName } from '../provider/protocol';

const TABS_KEY = 'provider.tabs'; // tabId -> origin

async function tabs(): Promise<Record<string, string>> {
  return ((await browser.storage.session.get(TABS_KEY))[TABS_KEY] as Record<string, string> | undefined) ?? {};
}

// What this worker already recorded, so a busy page does not cost a storage read per request.
const recorded = new Map<number, string>();

export async function rememberTab(tabId: number | undefined, origin: string): Promise<void> {
  if (tabId === undefined || tabId < 0 || recorded.get(tabId) === origin) return;
  const known = await tabs();
  if (known[tabId] !== origin) await browser.storage.session.set({ [TABS_KEY]: { ...known, [tabId]: origin } });
  recorded.set(tabId, origin);
}

/** Sends an event to every remembered tab whose origin passes `to` (all tabs by default). */
export async function broadcast(event: ProviderEventName, data: unknown | ((origin: string) => unknown), to: (origin: string) => boolean | Promise<boolean> = () => true): Promise<void> {
  const known = await tabs();
  const alive: Record<string, string> = {};
  await Promise.all(
    Object.entries(known).map(async ([tabId, origin]) => {
      if (!(await to(origin))) {
        alive[tabId] = origin;
        return;
      }
      const message: BackgroundEventMessage = { type: 'provider/event', event, data: typeof data === 'function' ? (data as (o: string) => unknown)(origin) : data };
      try {
        await browser.tabs.sendMessage(Number(tabId), message);
        alive[tabId] = origin;
      } catch {
        // The tab is gone or shows a page without the bridge.
      }
    }),
  );
  await browser.storage.session.set({ [TABS_KEY]: alive });
  for (const tabId of [...recorded.keys()]) if (!(String(tabId) in alive)) recorded.delete(tabId);
}
