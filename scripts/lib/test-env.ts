// Ports and folders the test harness uses. Chosen away from the defaults `npm start` uses
// (devnet 8545, dApp 5173) so tests can run while the wallet is running.
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const INTEGRATION_DEVNET_PORT = port('DEVNET_TEST_PORT', 18545);
export const E2E_DEVNET_PORT = port('E2E_DEVNET_PORT', 18546);
export const E2E_DAPP_PORT = port('E2E_DAPP_PORT', 15173);
/** A second origin serving the same dApp, for cross-origin isolation tests. */
export const E2E_DAPP_PORT_2 = port('E2E_DAPP_PORT_2', 15174);
export const E2E_OUT_DIR = path.join(root, '.output', 'e2e');
export const E2E_EXTENSION_DIR = path.join(E2E_OUT_DIR, 'chrome-mv3');
/** The Firefox build for the Firefox e2e step (MV3, same devnet as the Chromium e2e: the two steps run one after the other). */
export const FIREFOX_EXTENSION_DIR = path.join(E2E_OUT_DIR, 'firefox-mv3');
export const SCREENSHOT_DIR = path.join(root, 'test-results', 'screenshots');
