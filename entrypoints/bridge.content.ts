// Isolated world: relays the page's provider requests to the background and events back, in every
// frame (see provider.content.ts).
import { browser } from 'wxt/browser';
import { startBridge } from '@/src/provider/bridge';
import { uuidV4 } from '@/src/provider/uuid';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_start',
  allFrames: true,
  matchAboutBlank: true,
  matchOriginAsFallback: { chrome: true },
  main() {
    startBridge(window, browser.runtime, () => uuidV4());
  },
});
