// Where a cold session send goes (issue 15: a cold send <= 2x a warm one), for whoever works on it;
// not a suite of `npm run bench`. Builds the extension, copies it and puts a prelude in front of
// background.js that records, on the worker's clock (0 when the browser starts the worker), each
// storage call, fetch, WebSocket message, WebCrypto call and the importScripts() of wallet.js, with
// when it started and ended. A page grants a session as the provider bench does, sends warm, then
// stops the worker through CDP and sends one covered call again, several times, and prints the
// worker's timeline for the cold send and for a warm one; then a cold eth_chainId, the wallet's beside
// the empty extension's of the provider bench (floor-extension.ts, same prelude), with when each
// worker's script began and finished evaluating. Gaps between records are JavaScript
// running in the worker (wallet.js evaluating, building a backend, signing, encoding): put
// `globalThis.__m?.push([label, performance.now(), performance.now()])` in the code to split one.
//   npx tsx bench/cold-send-trace.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { numberToHex } from 'viem';
import { startDevnet } from '../devnet/index';
import { launchWithExtension } from '../scripts/lib/chromium';
import { serveDapp } from '../scripts/dapp';
import { buildBenchDapp, buildExtension, sendAndConfirmInPage, watchServiceWorker } from './extension';
import { FLOOR_WORKER_FILE, floorChainId, writeFloorExtension } from './floor-extension';
import { Cleanup, median } from './lib';
import { grantedPage } from './granted-page';
import { benchEnv, moveCall } from './session-node';

const RUNS = 7;
const POLL_MS = 20;
// Beside bench/run.ts's ports (+0 to +7) and chain-drift.ts (+8).
const DEVNET_PORT = Number(process.env.BENCH_DEVNET_PORT ?? 18547) + 9;
const DAPP_PORT = Number(process.env.BENCH_DAPP_PORT ?? 18573) + 9;

// Runs first in the worker, before the bootstrap: wraps what the worker waits on.
const PRELUDE = `(() => {
  const m = (globalThis.__m = []);
  const rec = (label, t0) => m.push([label, t0, performance.now()]);
  rec('background.js starts evaluating', performance.now());
  const wrapAsync = (obj, name, label) => {
    const f = obj && obj[name];
    if (typeof f !== 'function') return;
    obj[name] = function (...a) {
      const t0 = performance.now();
      const what = typeof label === 'function' ? label(a) : label;
      const r = f.apply(this, a);
      if (r && typeof r.then === 'function') r.then(() => rec(what, t0), () => rec(what + ' (failed)', t0));
      else rec(what, t0);
      return r;
    };
  };
  const keys = (a) => (typeof a[0] === 'string' ? a[0] : Array.isArray(a[0]) ? a[0].join(',') : a[0] && typeof a[0] === 'object' ? Object.keys(a[0]).join(',') : String(a[0]));
  for (const area of ['local', 'session']) {
    const s = chrome.storage && chrome.storage[area]; // the empty extension has no storage
    for (const op of ['get', 'set', 'remove']) wrapAsync(s, op, (a) => 'storage.' + area + '.' + op + ' ' + keys(a).slice(0, 60));
  }
  wrapAsync(globalThis, 'fetch', (a) => {
    try { const b = JSON.parse(a[1] && a[1].body); return 'fetch ' + (Array.isArray(b) ? b.map((x) => x.method).join(',') : b.method); } catch { return 'fetch'; }
  });
  for (const op of ['importKey', 'deriveKey', 'deriveBits', 'decrypt', 'encrypt', 'sign', 'digest']) wrapAsync(crypto.subtle, op, 'crypto.subtle.' + op);
  const WS = globalThis.WebSocket;
  if (WS) {
    globalThis.WebSocket = class extends WS {
      constructor(...a) {
        super(...a);
        const t0 = performance.now();
        this.addEventListener('open', () => rec('ws open', t0));
        const send = this.send.bind(this);
        let sentAt = [];
        this.send = (d) => { try { const b = JSON.parse(d); sentAt.push([Array.isArray(b) ? b.map((x) => x.method).join(',') : b.method, performance.now()]); } catch {} send(d); };
        this.addEventListener('message', () => { const s = sentAt.shift(); if (s) rec('ws ' + s[0], s[1]); });
      }
    };
  }
  const imp = globalThis.importScripts;
  if (imp) globalThis.importScripts = (...a) => { const t0 = performance.now(); try { return imp(...a); } finally { rec('importScripts ' + a.join(','), t0); } };
  chrome.runtime.onMessage.addListener(() => { rec('first message reaches a listener', performance.now()); });
  // When the wallet's answer to a message is ready (a promise settled or sendResponse called).
  const add = chrome.runtime.onMessage.addListener.bind(chrome.runtime.onMessage);
  chrome.runtime.onMessage.addListener = (listener) => add((message, sender, sendResponse) => {
    const what = (message && message.request && message.request.method) || (message && message.type) || 'message';
    const respond = (value) => { rec('answer ready: ' + what, performance.now()); return sendResponse(value); };
    const r = listener(message, sender, respond);
    if (r && typeof r.then === 'function') r.then(() => rec('answer ready: ' + what, performance.now()), () => undefined);
    return r;
  });
})();
`;

// Runs last: when the worker's own script is done evaluating (what comes after is the browser's).
const POSTLUDE = `\n;globalThis.__m.push(['background.js evaluated', performance.now(), performance.now()]);\n`;

const cleanup = new Cleanup();
try {
  const net = await startDevnet({ port: DEVNET_PORT, quiet: true, writeDeploymentFile: false });
  cleanup.defer('stop the devnet', () => net.stop());
  const env = benchEnv(net, { pollingInterval: 5 });
  const [built, dappDir] = await Promise.all([buildExtension(net.rpcUrl), buildBenchDapp()]);
  const extensionDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skw-trace-'));
  cleanup.defer('remove the traced build', () => fs.rmSync(extensionDir, { recursive: true, force: true }));
  fs.cpSync(built, extensionDir, { recursive: true });
  const bg = path.join(extensionDir, 'background.js');
  fs.writeFileSync(bg, PRELUDE + fs.readFileSync(bg, 'utf8') + POSTLUDE);
  // The empty extension of the provider bench, with the same prelude: where its cold start goes.
  const floorDir = writeFloorExtension(path.join(extensionDir, '..', path.basename(extensionDir) + '-floor'), numberToHex(net.chainId));
  cleanup.defer('remove the floor extension', () => fs.rmSync(floorDir, { recursive: true, force: true }));
  const floorSw = path.join(floorDir, FLOOR_WORKER_FILE);
  fs.writeFileSync(floorSw, PRELUDE + fs.readFileSync(floorSw, 'utf8') + POSTLUDE);
  const dapp = await serveDapp({ port: DAPP_PORT, dir: dappDir });
  cleanup.defer('stop the dApp server', () => dapp.close());
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skw-trace-chromium-'));
  cleanup.defer('remove the Chromium profile', () => fs.rmSync(userDataDir, { recursive: true, force: true }));
  const { context, extensionId } = await launchWithExtension({ extensionDir, userDataDir, headless: true, alsoLoad: [floorDir] });
  cleanup.defer('close Chromium', () => context.close());

  const { page, sendParams } = await grantedPage(context, extensionId, env, dapp.url);
  const params = (d: number) => sendParams([moveCall(env.game, d)]);
  const worker = await watchServiceWorker(context, extensionId);
  cleanup.defer('detach from the worker', () => worker.close());
  const floorWorker =
    context.serviceWorkers().find((w) => w.url().endsWith(`/${FLOOR_WORKER_FILE}`)) ??
    (await context.waitForEvent('serviceworker', { predicate: (w) => w.url().endsWith(`/${FLOOR_WORKER_FILE}`), timeout: 15_000 }));
  const floor = await watchServiceWorker(context, new URL(floorWorker.url()).host);
  cleanup.defer('detach from the floor worker', () => floor.close());
  const sw = () => context.serviceWorkers().filter((w) => w.url().endsWith('/background.js')).at(-1)!;
  type Mark = [string, number, number];
  const marks = () => sw().evaluate(() => (globalThis as unknown as { __m: Mark[] }).__m.splice(0));
  const show = (title: string, ms: { total: number; answered: number }, m: Mark[], from = 0) => {
    console.log(`${title}: page saw the id after ${ms.answered.toFixed(1)} ms, status 200 after ${ms.total.toFixed(1)} ms`);
    for (const [label, t0, t1] of m.sort((a, b) => a[1] - b[1])) console.log(`  ${(t0 - from).toFixed(1).padStart(7)} → ${(t1 - from).toFixed(1).padStart(7)}  ${(t1 - t0).toFixed(1).padStart(6)} ms  ${label}`);
  };
  for (let i = 0; i < 3; i++) await sendAndConfirmInPage(page, params(i % 4), POLL_MS);
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await marks();
    const w = await sendAndConfirmInPage(page, params(i % 4), POLL_MS);
    warm.push(w.total);
    const wm = await marks();
    if (i === RUNS - 1) show('warm send', w, wm, Math.min(...wm.map((x) => x[1])));
    await worker.stop();
    const c = await sendAndConfirmInPage(page, params((i + 1) % 4), POLL_MS);
    cold.push(c.total);
    const cm = await marks();
    if (i >= RUNS - 2) show(`cold send ${i + 1}`, c, cm);
  }
  // A cold eth_chainId (the bootstrap answers it alone) beside the empty extension's.
  const fsw = () => context.serviceWorkers().filter((w) => w.url().endsWith(`/${FLOOR_WORKER_FILE}`)).at(-1)!;
  const floorMarks = () => fsw().evaluate(() => (globalThis as unknown as { __m: Mark[] }).__m.splice(0));
  const chainId = () =>
    page.evaluate(async () => {
      const eth = (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum;
      const t = performance.now();
      await eth.request({ method: 'eth_chainId' });
      return performance.now() - t;
    });
  const coldIds: number[] = [];
  const floorIds: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await worker.stop();
    await floor.stop();
    const ours = await chainId();
    coldIds.push(ours);
    const om = await marks();
    const theirs = (await floorChainId(page)).ms;
    floorIds.push(theirs);
    const fm = await floorMarks();
    if (i === RUNS - 1) {
      show('cold eth_chainId, wallet', { total: ours, answered: ours }, om);
      show('cold eth_chainId, empty extension (started after the wallet answered)', { total: theirs, answered: theirs }, fm);
    }
  }
  console.log(`cold eth_chainId, median of ${RUNS}: wallet ${median(coldIds).toFixed(1)} ms, empty extension ${median(floorIds).toFixed(1)} ms`);
  console.log(`median of ${RUNS}: warm ${median(warm).toFixed(1)} ms, cold ${median(cold).toFixed(1)} ms (${(median(cold) / median(warm)).toFixed(2)}x)`);
} finally {
  await cleanup.run();
}
