// MAIN world, document_start: window.ethereum exists before the page's first script runs.
import { installInpageProvider } from '@/src/provider/inpage';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  world: 'MAIN',
  runAt: 'document_start',
  main() {
    installInpageProvider(window);
  },
});
