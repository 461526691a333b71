// Builds the e2e test pages (test/e2e/pages/<name>/) with Vite into .output/dapp/test-pages/<name>/,
// so the e2e dApp server serves them on the dApp's own origin beside the demo dApp. They are test
// pages: the demo dApp and the extension import nothing from here.
import path from 'node:path';
import { DAPP_OUT_DIR } from '../../../scripts/dapp';

const PAGES_DIR = import.meta.dirname;
/** The served path of a page: `${dappUrl}test-pages/${name}/`. */
export const TEST_PAGES_OUT_DIR = path.join(DAPP_OUT_DIR, 'test-pages');
export const TEST_PAGES = ['kit', 'wagmi', 'metamask-only'] as const;

/** Run after buildDapp(), which empties .output/dapp. */
export async function buildTestPages(): Promise<string> {
  const { build } = await import('vite');
  for (const name of TEST_PAGES) {
    await build({
      root: path.join(PAGES_DIR, name),
      base: './',
      configFile: false,
      envDir: false,
      publicDir: false,
      logLevel: 'warn',
      clearScreen: false,
      build: { outDir: path.join(TEST_PAGES_OUT_DIR, name), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000, reportCompressedSize: false },
    });
  }
  return TEST_PAGES_OUT_DIR;
}
