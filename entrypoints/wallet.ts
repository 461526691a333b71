// wallet.js: the whole wallet's background (src/background/index.ts), which the worker's bootstrap
// loads with importScripts() when an event needs it. Evaluating it only defines the global the
// bootstrap starts it through (src/background/wallet-script.ts).
import { startWallet } from '@/src/background';
import { exposeWalletScript } from '@/src/background/wallet-script';

export default defineUnlistedScript(() => exposeWalletScript({ start: startWallet }));
