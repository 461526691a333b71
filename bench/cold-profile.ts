// A V8 CPU profile of a cold session send in the wallet's worker, from the worker's first statement
// (issue 15: a cold send <= 2x a warm one), for whoever works on it; not a suite of `npm run bench`.
// Playwright cannot open a CDP session on a service worker, so Chromium also listens on a debugging
// port and this script attaches to it itself: browser-wide auto-attach that holds every new worker
// until it is resumed, so the profiler starts before background.js runs. It grants a session as the
// provider bench does, sends warm, stops the worker, profiles one cold send (several times) and
// prints where the worker's time went by function and by bundle, and writes each profile
// (.cpuprofile, opens in Chrome DevTools' Performance panel) under .output/bench/.
//   npx tsx bench/cold-profile.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright';
import WebSocket from 'ws';
import { startDevnet } from '../devnet/index';
import { extensionArgs, findChromium } from '../scripts/lib/chromium';
import { serveDapp } from '../scripts/dapp';
import { BENCH_OUT_DIR, buildBenchDapp, buildExtension, sendAndConfirmInPage, watchServiceWorker } from './extension';
import { Cleanup } from './lib';
import { grantedPage } from './granted-page';
import { benchEnv, moveCall } from './session-node';

const RUNS = Number(process.env.RUNS ?? 5);
const POLL_MS = 20;
// Beside bench/run.ts's ports (+0 to +7), chain-drift.ts (+8) and cold-send-trace.ts (+9).
const DEVNET_PORT = Number(process.env.BENCH_DEVNET_PORT ?? 18547) + 10;
const DAPP_PORT = Number(process.env.BENCH_DAPP_PORT ?? 18573) + 10;
const DEBUG_PORT = Number(process.env.BENCH_DEBUG_PORT ?? 19333);

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

/** A raw CDP connection to the browser, flattened sessions. */
async function connectBrowser(port: number) {
  const { webSocketDebuggerUrl } = (await (await fetch(`http://127.0.0.1:${port}/json/version`)).json()) as { webSocketDebuggerUrl: string };
  const ws = new WebSocket(webSocketDebuggerUrl, { perMessageDeflate: false });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners: ((method: string, params: any, sessionId?: string) => void)[] = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    if (msg.id && pending.has(msg.id)) {
      const p = pending.get(msg.id)!;
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    } else if (msg.method) for (const l of listeners) l(msg.method, msg.params, msg.sessionId);
  });
  return {
    send<T = any>(method: string, params: object = {}, sessionId?: string): Promise<T> {
      const id = next++;
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      return new Promise((resolve, reject) => pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    },
    on(l: (method: string, params: any, sessionId?: string) => void) { listeners.push(l); },
    close: () => ws.close(),
  };
}

/** Self time (ms) per function and per script, busiest first. */
function summarize(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + dt);
  }
  const fn = new Map<string, number>();
  const script = new Map<string, number>();
  for (const [id, ms] of self) {
    const { callFrame: c } = byId.get(id)!;
    const file = c.url ? c.url.replace(/^chrome-extension:\/\/[a-z]+/, '') : '';
    const name = `${c.functionName || '(anonymous)'} ${file}:${c.lineNumber + 1}:${c.columnNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
    const s = file || c.functionName;
    script.set(s, (script.get(s) ?? 0) + ms);
  }
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { byFunction: top(fn, 40), byScript: top(script, 12), total: (profile.endTime - profile.startTime) / 1000 };
}

const step = (m: string) => process.stderr.write(`[cold-profile] ${m}\n`);
const cleanup = new Cleanup();
try {
  const net = await startDevnet({ port: DEVNET_PORT, quiet: true, writeDeploymentFile: false });
  cleanup.defer('stop the devnet', () => net.stop());
  const env = benchEnv(net, { pollingInterval: 5 });
  const [extensionDir, dappDir] = await Promise.all([buildExtension(net.rpcUrl), buildBenchDapp()]);
  const dapp = await serveDapp({ port: DAPP_PORT, dir: dappDir });
  cleanup.defer('stop the dApp server', () => dapp.close());
  step('built');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skw-profile-chromium-'));
  cleanup.defer('remove the Chromium profile', () => fs.rmSync(userDataDir, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    headless: true,
    args: [...extensionArgs(extensionDir), '--disable-gpu', `--remote-debugging-port=${DEBUG_PORT}`],
  });
  cleanup.defer('close Chromium', () => context.close());
  const first = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(first.url()).host;

  const { page, sendParams } = await grantedPage(context, extensionId, env, dapp.url);
  const params = (d: number) => sendParams([moveCall(env.game, d)]);
  const worker = await watchServiceWorker(context, extensionId);
  cleanup.defer('detach from the worker', () => worker.close());
  for (let i = 0; i < 3; i++) await sendAndConfirmInPage(page, params(i % 4), POLL_MS);

  step('warm sends done');
  const cdp = await connectBrowser(DEBUG_PORT);
  cleanup.defer('close the debugging connection', () => cdp.close());
  // The worker's DevTools target outlives the worker: stopping it reports Inspector.targetCrashed on
  // the session, starting it again Inspector.targetReloadedAfterCrash, and the new worker then waits
  // for the debugger (auto-attach's waitForDebuggerOnStart) until it is told to run.
  let session: string | undefined; // our session on the wallet's worker target
  let attached: (() => void) | undefined;
  const profileAndRun = async (sessionId: string) => {
    await cdp.send('Profiler.enable', {}, sessionId);
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 }, sessionId);
    await cdp.send('Profiler.start', {}, sessionId);
    await cdp.send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => undefined);
    attached?.();
  };
  cdp.on((method, p, sid) => {
    if (method === 'Target.attachedToTarget') {
      const { sessionId, targetInfo } = p as { sessionId: string; targetInfo: { type: string; url: string } };
      if (targetInfo.type === 'service_worker' && targetInfo.url.startsWith(`chrome-extension://${extensionId}/`)) session = sessionId;
      void cdp.send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => undefined);
    } else if (method === 'Inspector.targetReloadedAfterCrash' && sid && sid === session) void profileAndRun(sid);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true, filter: [{ type: 'service_worker', exclude: false }, { exclude: true }] });
  if (!session) throw new Error('no debugging session on the wallet\'s worker');

  fs.mkdirSync(BENCH_OUT_DIR, { recursive: true });
  for (let i = 0; i < RUNS; i++) {
    await sendAndConfirmInPage(page, params(i % 4), POLL_MS);
    await worker.stop();
    const ready = new Promise<void>((r) => (attached = r));
    const sent = sendAndConfirmInPage(page, params((i + 1) % 4), POLL_MS);
    step('worker stopped, sending');
    await ready;
    step('profiling');
    const ms = await sent;
    const { profile } = await cdp.send<{ profile: Profile }>('Profiler.stop', {}, session);
    const file = path.join(BENCH_OUT_DIR, `cold-send-${i + 1}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    const s = summarize(profile);
    console.log(`\ncold send ${i + 1} (profiled, slower than unprofiled): status 200 after ${ms.total.toFixed(1)} ms; profile ${s.total.toFixed(1)} ms → ${path.relative(process.cwd(), file)}`);
    console.log('  by script (self ms):', s.byScript.map(([k, v]) => `${k || '?'} ${v.toFixed(1)}`).join(' · '));
    if (i === RUNS - 1) for (const [k, v] of s.byFunction) console.log(`  ${v.toFixed(2).padStart(7)} ms  ${k}`);
  }
} finally {
  await cleanup.run();
}
