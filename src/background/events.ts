// Provider events from the background to the pages that use the wallet (chainChanged,
// accountsChanged). The tabs are remembered in storage.session so a restarted worker still knows them.
import { browser } from 'wxt/browser';
import type { BackgroundEventMessage, ProviderEventName } from '../provider/protocol';

const TABS_KEY = 'provider.tabs';

export async function rememberTab(tabId: number | undefined): Promise<void> {
  if (tabId === undefined || tabId < 0) return;
  const tabs = ((await browser.storage.session.get(TABS_KEY))[TABS_KEY] as number[] | undefined) ?? [];
  if (!tabs.includes(tabId)) await browser.storage.session.set({ [TABS_KEY]: [...tabs, tabId] });
}

export async function broadcast(event: ProviderEventName, data: unknown): Promise<void> {
  const tabs = ((await browser.storage.session.get(TABS_KEY))[TABS_KEY] as number[] | undefined) ?? [];
  const message: BackgroundEventMessage = { type: 'provider/event', event, data };
  const alive: number[] = [];
  await Promise.all(
    tabs.map(async (tabId) => {
      try {
        await browser.tabs.sendMessage(tabId, message);
        alive.push(tabId);
      } catch {
        // The tab is gone or navigated away from any page with the bridge.
      }
    }),
  );
  await browser.storage.session.set({ [TABS_KEY]: alive });
}
