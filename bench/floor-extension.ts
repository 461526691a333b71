// The cold-start floor of issue 15: an empty MV3 extension, written by the bench, that does what the
// wallet does to answer a page's eth_chainId and nothing else. A document_start content script
// relays a window.postMessage from the page to a module service worker with runtime.sendMessage
// (as the wallet's bridge does), and the worker answers a constant. Loaded in the same Chromium as
// the wallet, stopped the same way (CDP ServiceWorker.stopAllWorkers stops both) and timed the same
// way from the page, so its cold start is the least any MV3 extension can take on this machine.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Hex } from 'viem';

/** Its worker's script name (the wallet's is background.js): how the bench tells the two apart. */
export const FLOOR_WORKER_FILE = 'floor-sw.js';

/** Writes the floor extension into `dir` (replaced); its worker answers eth_chainId with `chainId`. */
export function writeFloorExtension(dir: string, chainId: Hex): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const manifest = {
    manifest_version: 3,
    name: 'Bench floor: empty extension',
    version: '1.0.0',
    background: { service_worker: FLOOR_WORKER_FILE, type: 'module' },
    content_scripts: [{ matches: ['http://*/*', 'https://*/*'], js: ['floor-relay.js'], run_at: 'document_start' }],
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(
    path.join(dir, 'floor-relay.js'),
    `window.addEventListener('message', (event) => {
  const m = event.data;
  if (event.source !== window || !m || m.type !== 'floor/request') return;
  chrome.runtime.sendMessage({ method: m.method }).then((result) => window.postMessage({ type: 'floor/answer', id: m.id, result }, '*'));
});
`,
  );
  fs.writeFileSync(
    path.join(dir, FLOOR_WORKER_FILE),
    `chrome.runtime.onMessage.addListener((message, _sender, sendResponse) => {
  if (message && message.method === 'eth_chainId') sendResponse(${JSON.stringify(chainId)});
});
`,
  );
  return dir;
}

/** eth_chainId through the floor extension, timed in the page as the wallet's request is. */
export function floorChainId(page: Page): Promise<{ ms: number; id: string }> {
  return page.evaluate(
    () =>
      new Promise<{ ms: number; id: string }>((resolve) => {
        const id = Math.random();
        const t = performance.now();
        const onMessage = (event: MessageEvent) => {
          const m = event.data as { type?: string; id?: number; result?: string } | null;
          if (event.source !== window || m?.type !== 'floor/answer' || m.id !== id) return;
          window.removeEventListener('message', onMessage);
          resolve({ ms: performance.now() - t, id: String(m.result) });
        };
        window.addEventListener('message', onMessage);
        window.postMessage({ type: 'floor/request', id, method: 'eth_chainId' }, '*');
      }),
  );
}
