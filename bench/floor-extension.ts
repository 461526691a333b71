// The cold-start floors of issue 15: empty MV3 extensions, written by the bench, that do what the
// wallet does to answer a page's eth_chainId and nothing else. A document_start content script
// relays a window.postMessage from the page to the service worker over a runtime.connect port (as
// the wallet's bridge does), and the worker answers a constant. Loaded in the same Chromium as the
// wallet, stopped the same way (CDP ServiceWorker.stopAllWorkers stops them all) and timed the same
// way from the page, so the empty one's cold start is the least any MV3 extension can take here.
//
// The second floor is the same empty extension carrying a script as big as the wallet's wallet.js,
// which its worker imports while installing (as the wallet's does, src/background/bootstrap.ts) and
// never runs again: Chromium hands a worker every script it imported at installation each time it
// starts it, so this floor is what the wallet's bytes alone cost a cold start, before it runs any of
// them (measured here: about 20 ms of a 50 ms cold eth_chainId, bench/cold-send-trace.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Hex } from 'viem';

/** The floors' worker script names (the wallet's is background.js): how the bench tells them apart. */
export const FLOOR_WORKER_FILE = 'floor-sw.js';
export const CARRYING_FLOOR_WORKER_FILE = 'floor-carrying-sw.js';

export type FloorName = 'empty' | 'carrying';

// Over one long-lived port, opened on the first request and again after the worker stopped, as
// the wallet's bridge does (src/provider/bridge.ts overPort).
const relay = (name: FloorName) => `let port;
const open = () => {
  if (port) return port;
  port = chrome.runtime.connect({ name: 'provider' });
  port.onMessage.addListener((a) => window.postMessage({ type: 'floor/answer', floor: ${JSON.stringify(name)}, id: a.id, result: a.result }, '*'));
  port.onDisconnect.addListener(() => (port = undefined));
  return port;
};
window.addEventListener('message', (event) => {
  const m = event.data;
  if (event.source !== window || !m || m.type !== 'floor/request' || m.floor !== ${JSON.stringify(name)}) return;
  open().postMessage({ id: m.id, method: m.method });
});
`;

const answer = (chainId: Hex) => `chrome.runtime.onConnect.addListener((port) => {
  port.onMessage.addListener((message) => {
    if (message && message.method === 'eth_chainId') port.postMessage({ id: message.id, result: ${JSON.stringify(chainId)} });
  });
});
`;

/**
 * Writes a floor extension into `dir` (replaced); its worker answers eth_chainId with `chainId`.
 * With `carrying` (a script's path), the carrying floor: that script's text, wrapped in a function
 * that is never called, imported by the worker at installation only.
 */
export function writeFloorExtension(dir: string, chainId: Hex, carrying?: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const name: FloorName = carrying ? 'carrying' : 'empty';
  const worker = carrying ? CARRYING_FLOOR_WORKER_FILE : FLOOR_WORKER_FILE;
  const manifest = {
    manifest_version: 3,
    name: `Bench floor: ${carrying ? 'empty extension carrying the wallet script' : 'empty extension'}`,
    version: '1.0.0',
    // A module worker cannot importScripts(); the carrying one is a classic worker, as the wallet's.
    background: carrying ? { service_worker: worker } : { service_worker: worker, type: 'module' },
    content_scripts: [{ matches: ['http://*/*', 'https://*/*'], js: ['floor-relay.js'], run_at: 'document_start' }],
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(dir, 'floor-relay.js'), relay(name));
  if (carrying) {
    fs.writeFileSync(path.join(dir, 'carried.js'), `function carried() {\n${fs.readFileSync(carrying, 'utf8')}\n}\n`);
    fs.writeFileSync(path.join(dir, worker), `${answer(chainId)}self.addEventListener('install', () => importScripts('carried.js'));\n`);
  } else {
    fs.writeFileSync(path.join(dir, worker), answer(chainId));
  }
  return dir;
}

/** eth_chainId through a floor extension, timed in the page as the wallet's request is. */
export function floorChainId(page: Page, floor: FloorName = 'empty'): Promise<{ ms: number; id: string }> {
  return page.evaluate(
    (floor) =>
      new Promise<{ ms: number; id: string }>((resolve) => {
        const id = Math.random();
        const t = performance.now();
        const onMessage = (event: MessageEvent) => {
          const m = event.data as { type?: string; floor?: string; id?: number; result?: string } | null;
          if (event.source !== window || m?.type !== 'floor/answer' || m.floor !== floor || m.id !== id) return;
          window.removeEventListener('message', onMessage);
          resolve({ ms: performance.now() - t, id: String(m.result) });
        };
        window.addEventListener('message', onMessage);
        window.postMessage({ type: 'floor/request', floor, id, method: 'eth_chainId' }, '*');
      }),
    floor,
  );
}
