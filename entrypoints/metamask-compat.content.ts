// MAIN world, document_start, registered by the background only while "Work with sites made only
// for MetaMask" is on (src/provider/metamask-compat.ts): tells the provider to say isMetaMask.
import { METAMASK_COMPAT_EVENT, METAMASK_COMPAT_FLAG } from '@/src/provider/inpage';

export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  world: 'MAIN',
  runAt: 'document_start',
  registration: 'runtime',
  main() {
    if (!(METAMASK_COMPAT_FLAG in window)) Object.defineProperty(window, METAMASK_COMPAT_FLAG, { value: true });
    window.dispatchEvent(new Event(METAMASK_COMPAT_EVENT));
  },
});
