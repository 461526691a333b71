// The service worker's script: the small bootstrap (src/background/bootstrap.ts). A classic script,
// not a module: only a classic worker may importScripts() the wallet (entrypoints/wallet.ts).
import { startBootstrap } from '@/src/background/bootstrap';

export default defineBackground({ main: () => startBootstrap() });
