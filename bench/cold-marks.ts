// Where a cold start of the worker goes (issue 15, item 3), for whoever works on it; not a suite of
// `npm run bench`. Builds the extension, copies it and stamps each start-up module with
// performance.now() when it starts and ends evaluating (the worker's clock starts at 0 when the
// browser starts the worker), plus when the first message reaches a listener added after the
// wallet's. Then stops the worker through CDP and times a page's eth_chainId, several times, which the
// bootstrap (background.js) answers alone; then the same for eth_accounts, which loads the wallet
// (wallet.js, stamped too: when the bootstrap's importScripts starts and ends evaluating it).
//   npx tsx bench/cold-marks.ts
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { launchWithExtension } from '../scripts/lib/chromium';
import { buildExtension, watchServiceWorker } from './extension';
import { median } from './lib';
import { startUpFiles, WALLET_SCRIPT } from './size.bench';

const RUNS = 7;

const built = await buildExtension('http://127.0.0.1:8545');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skw-marks-'));
fs.cpSync(built, dir, { recursive: true });
const files = [...startUpFiles(dir).keys(), ...startUpFiles(dir, WALLET_SCRIPT).keys()];
for (const file of files) {
  const p = path.join(dir, file);
  const stamp = (what: string) => `(globalThis.__m??=[]).push([${JSON.stringify(`${file} ${what}`)},performance.now()]);`;
  // Import declarations are hoisted: a statement before them still runs when this module evaluates.
  let text = `${stamp('evaluating')}\n${fs.readFileSync(p, 'utf8')}\n${stamp('evaluated')}`;
  if (file === 'background.js') {
    text += `\nchrome.runtime.onMessage.addListener(()=>{globalThis.__m.push(['first message at a listener',performance.now()]);});`;
    // WXT's entry calls the background's main(): split evaluating the modules from main()'s own work.
    const mark = (what: string) => `(globalThis.__m??=[]).push([${JSON.stringify(what)},performance.now()])`;
    const calls = text.match(/[A-Za-z_$][\w$]*\.main\(\)/g) ?? [];
    if (calls.length === 1) text = text.replace(calls[0]!, `(${mark('main() starts')},globalThis.__r=${calls[0]!},${mark('main() returned')},globalThis.__r)`);
  }
  fs.writeFileSync(p, text);
}

const server = http.createServer((_req, res) => res.end('<!doctype html><title>cold marks</title>')).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skw-marks-profile-'));
const { context, extensionId } = await launchWithExtension({ extensionDir: dir, userDataDir, headless: true });
try {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => 'ethereum' in window);
  const ask = (method: string) =>
    page.evaluate(async (method) => {
      const t = performance.now();
      await (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum.request({ method });
      return performance.now() - t;
    }, method);
  await ask('eth_chainId');
  const worker = await watchServiceWorker(context, extensionId);
  const rows = new Map<string, number[]>();
  const add = (k: string, v: number) => rows.set(k, [...(rows.get(k) ?? []), v]);
  for (const method of ['eth_chainId', 'eth_accounts']) {
    rows.clear();
    for (let i = 0; i < RUNS; i++) {
      await worker.stop();
      add(`page: ${method} answered (cold)`, await ask(method));
      const sw = context.serviceWorkers().filter((w) => w.url().endsWith('/background.js')).at(-1)!;
      const marks = await sw.evaluate(() => (globalThis as unknown as { __m: [string, number][] }).__m);
      for (const [k, v] of marks) add(`worker: ${k}`, v);
    }
    console.log(`Cold start of the worker by ${method}, median of ${RUNS} (worker clock from its start, ms)`);
    for (const [k, v] of rows) console.log(`  ${median(v).toFixed(1).padStart(7)} ms  ${k}`);
  }
  await worker.close();
} finally {
  await context.close();
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
