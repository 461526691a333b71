import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { secp256k1BaseWindow } from './scripts/lib/secp256k1-window';
import { staticImportsInDependencies } from './scripts/lib/static-imports';

// WXT builds the extension from entrypoints/ (thin wiring) and src/ (all logic).
// https://wxt.dev/api/config.html
export default defineConfig({
  // Tests build into their own folder so a test build (pointed at the test devnet) never replaces
  // the one `npm start` loads.
  outDir: process.env.WALLET_OUT_DIR ?? '.output',
  modules: ['@wxt-dev/webextension-polyfill'],
  // WALLET_SOURCEMAP=1: source maps, for scripts/worker-bytes.ts (what the worker's start-up JS is made of).
  vite: () => ({ plugins: [preact(), staticImportsInDependencies(), secp256k1BaseWindow()], build: { sourcemap: process.env.WALLET_SOURCEMAP === '1' } }),
  manifest: ({ browser }) => ({
    name: 'Session Key Wallet',
    description: 'EIP-7702 smart account with scoped, expiring session keys enforced on chain.',
    // scripting: registers the isMetaMask flag script only while the owner's setting is on.
    permissions: ['storage', 'alarms', 'scripting'],
    // Alchemy's Wallet API, for the Alchemy backend (its requests carry the user's API key).
    host_permissions: ['https://api.g.alchemy.com/*'],
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'session-key-wallet@local', strict_min_version: '128.0' } } }
      : {}),
  }),
  hooks: {
    // Firefox runs the background as scripts in a page, where importScripts() does not exist: the
    // wallet script (entrypoints/wallet.ts) is listed before the bootstrap (entrypoints/background.ts),
    // which then starts it at once. Chromium's worker imports it itself (src/background/bootstrap.ts).
    'build:manifestGenerated': (wxt, manifest) => {
      const background = manifest.background as { scripts?: string[] } | undefined;
      if (wxt.config.browser === 'firefox' && background?.scripts) background.scripts = ['wallet.js', ...background.scripts.filter((s) => s !== 'wallet.js')];
    },
  },
  // Never try to start a browser from `wxt` dev mode: scripts/start.ts owns that.
  webExt: { disabled: true },
});
