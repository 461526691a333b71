// The one window wallet_showCallsStatus shows bundles in. A page calling it ten times must not open
// ten windows: the window opened last is reused (pointed at the new bundle and focused) while it is
// open, and a new one is made only once the owner closed it. Its id lives in storage.session so a
// restarted worker still finds it; calls are serialized so concurrent ones cannot each create one.
import { browser } from 'wxt/browser';
import { KeyedMutex } from './mutex';

const WINDOW_KEY = 'callsStatus.windowId';
const STATUS_WINDOW = { width: 380, height: 640 } as const;
const lock = new KeyedMutex();

/** Shows `url` (an extension page) in the calls-status window, opening it if it is not open. */
export function showInStatusWindow(url: string): Promise<void> {
  return lock.run(WINDOW_KEY, async () => {
    const stored = (await browser.storage.session.get(WINDOW_KEY))[WINDOW_KEY];
    if (typeof stored === 'number') {
      const tabId = await browser.windows
        .get(stored, { populate: true })
        .then((w) => w.tabs?.[0]?.id)
        .catch(() => undefined); // closed since
      if (tabId !== undefined) {
        await browser.tabs.update(tabId, { url });
        await browser.windows.update(stored, { focused: true });
        return;
      }
    }
    const created = await browser.windows.create({ url, type: 'popup', ...STATUS_WINDOW, focused: true });
    if (created?.id !== undefined) await browser.storage.session.set({ [WINDOW_KEY]: created.id });
  });
}
