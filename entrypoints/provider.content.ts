// MAIN world, document_start: window.ethereum exists before the page's first script runs, in every
// frame (a dApp embedded in an iframe gets its own provider; the background keys everything by that
// frame's own origin, from the browser's sender).
import { installInpageProvider } from '@/src/provider/inpage';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  world: 'MAIN',
  runAt: 'document_start',
  allFrames: true,
  // about:blank / srcdoc / blob: frames run under their creator's origin, so they get it too.
  matchAboutBlank: true,
  matchOriginAsFallback: { chrome: true },
  main() {
    installInpageProvider(window);
  },
});
