// Provider events from the background to the pages that use the wallet (chainChanged,
// accountsChanged). Each frame that used the provider is remembered with its own origin in
// storage.session, so a restarted worker still knows them, account events go only to origins the
// owner connected, and an iframe never receives its parent's view (or the reverse): events are sent to
// one document (Chromium's documentId, which also misses a frame that navigated elsewhere since) or,
// where the browser has no document ids, to one frame.
import { browser } from 'wxt/browser';
import type { BackgroundEventMessage, ProviderEventName } from '../provider/protocol';

const TABS_KEY = 'provider.tabs'; // "tabId:frameId[:documentId]" -> origin

async function tabs(): Promise<Record<string, string>> {
  return ((await browser.storage.session.get(TABS_KEY))[TABS_KEY] as Record<string, string> | undefined) ?? {};
}

/** The storage key of one frame's document. Older records (a bare tab id) mean the top frame. */
export function frameKey(tabId: number, frameId = 0, documentId?: string): string {
  return documentId ? `${tabId}:${frameId}:${documentId}` : `${tabId}:${frameId}`;
}

export function parseFrameKey(key: string): { tabId: number; frameId: number; documentId?: string } {
  const [tab, frame = '0', documentId] = key.split(':');
  return { tabId: Number(tab), frameId: Number(frame), ...(documentId ? { documentId } : {}) };
}

// What this worker already recorded, so a busy page does not cost a storage read per request.
const recorded = new Map<string, string>();

export async function rememberTab(tabId: number | undefined, origin: string, frameId?: number, documentId?: string): Promise<void> {
  if (tabId === undefined || tabId < 0) return;
  const key = frameKey(tabId, frameId ?? 0, documentId);
  if (recorded.get(key) === origin) return;
  const known = await tabs();
  if (known[key] !== origin) {
    // A frame shows one document at a time: the new one replaces the frame's earlier documents.
    const frame = frameKey(tabId, frameId ?? 0);
    const kept = Object.fromEntries(Object.entries(known).filter(([k]) => k !== frame && !k.startsWith(`${frame}:`)));
    await browser.storage.session.set({ [TABS_KEY]: { ...kept, [key]: origin } });
    for (const k of [...recorded.keys()]) if (k === frame || k.startsWith(`${frame}:`)) recorded.delete(k);
  }
  recorded.set(key, origin);
}

/** Sends an event to every remembered frame whose origin passes `to` (all of them by default). */
export async function broadcast(event: ProviderEventName, data: unknown | ((origin: string) => unknown), to: (origin: string) => boolean | Promise<boolean> = () => true): Promise<void> {
  const known = await tabs();
  const alive: Record<string, string> = {};
  await Promise.all(
    Object.entries(known).map(async ([key, origin]) => {
      if (!(await to(origin))) {
        alive[key] = origin;
        return;
      }
      const message: BackgroundEventMessage = { type: 'provider/event', event, data: typeof data === 'function' ? (data as (o: string) => unknown)(origin) : data };
      const { tabId, frameId, documentId } = parseFrameKey(key);
      try {
        await browser.tabs.sendMessage(tabId, message, (documentId ? { documentId } : { frameId }) as { frameId?: number });
        alive[key] = origin;
      } catch {
        // The frame is gone, navigated elsewhere, or shows a page without the bridge.
      }
    }),
  );
  await browser.storage.session.set({ [TABS_KEY]: alive });
  for (const key of [...recorded.keys()]) if (!(key in alive)) recorded.delete(key);
}
