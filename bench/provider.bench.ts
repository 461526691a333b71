// Issue 5: the wallet as a dApp sees it, in the real extension in headless Chromium, on a fresh
// devnet started by the benchmark. The extension is built first into .output/bench (pointed at this
// devnet) and the demo dApp is served on its own origin; the owner is imported through the popup,
// the page connects and is granted a session through window.ethereum and the approval window.
//
// (a) Latency of one EIP-5792 round trip: wallet_sendCalls of 1 and of 5 DemoGame.move calls through the
//     session, then wallet_getCallsStatus polled every 20 ms until 200 (confirmed), timed in the page
//     with performance.now(). Baseline: the same 5 calls from Node. The session key is sealed inside
//     the extension and cannot be taken out, so the baseline is an equivalent session built in Node
//     (session-node.ts: same ERC-7715 request -> same scope -> same caveats, for a second owner),
//     whose key sends the same redeemDelegations calldata shape (encodeSessionBatch, 5 single-call
//     redemptions) to the DelegationManager with viem sendTransaction and waits for the receipt.
//     Runs are interleaved; goals (issue 15): 1 call <= 1.5x, 5 calls <= 1.3x. Measured again after
//     (b), when the wallet's bundle history holds 600 more bundles, as it does for any busy dApp.
// (b) Three bursts of 200 one-call wallet_sendCalls, each fired at once from one page, then all
//     confirmed. Checked (a violation fails the run): 200 distinct ids, every status 200, and
//     DemoGame.score of the owner up by exactly 200, per burst. Floors: the Node session key
//     redeeming the same 200 calls one after another (the baseline; goal: each burst at least as
//     fast), and with 32 redemptions in flight (nonces counted locally); plain transfers for scale.
//     The third burst is compared with the first (goal: within 10%): the history must not slow it.
// (c) Service-worker cold start: the worker is stopped through CDP (ServiceWorker.stopAllWorkers),
//     then a page's eth_chainId is timed until its answer. Baseline (issue 15): the same request to
//     an empty extension's cold worker (floor-extension.ts), loaded in the same Chromium, stopped
//     and timed the same way; goal <= 3x. Beside it, for scale, the same empty extension carrying a
//     script as big as wallet.js that it never runs (what the wallet's bytes alone cost). Then one
//     covered one-call wallet_sendCalls -> status 200 with the worker stopped first, against the
//     same send with the worker warm (the one-call run after the bursts, (a) again); goal <= 2x. The
//     warm sends between the cold ones are shown too: a worker started shortly before is slower.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { numberToHex } from 'viem';
import { startDevnet } from '../devnet/index';
import { launchWithExtension } from '../scripts/lib/chromium';
import { serveDapp } from '../scripts/dapp';
import type { SessionCall } from '../src/permissions/types';
import { BENCH_OUT_DIR, buildBenchDapp, buildExtension, sendAndConfirmInPage, watchServiceWorker } from './extension';
import { CARRYING_FLOOR_WORKER_FILE, FLOOR_WORKER_FILE, floorChainId, writeFloorExtension } from './floor-extension';
import { check, Cleanup, fromValues, median, report, throughput, withGoal } from './lib';
import { grantedPage } from './granted-page';
import { benchEnv, moveCall, scopeOf } from './session-node';

const LATENCY_RUNS = 15;
const BURST = 200;
const COLD_RUNS = 10;
/** Untimed sends before each timed warm one of (c): see there. */
const WARM_UP_SENDS = 3;
const POLL_MS = 20;
// How often the Node floors look for a receipt that was not there at the first look. The wallet
// reads a receipt it has just broadcast again after 5 ms (src/calls/status.ts RECEIPT_WAITS_MS), so
// the floor looks as often: a floor that polls more slowly than the wallet would be a kinder floor.
const NODE_POLL_MS = 5;

export async function benchProvider(opts: { devnetPort: number; dappPort: number }): Promise<void> {
  const cleanup = new Cleanup();
  try {
    const net = await startDevnet({ port: opts.devnetPort, quiet: true, writeDeploymentFile: false });
    cleanup.defer('stop the devnet', () => net.stop());
    const env = benchEnv(net, { pollingInterval: NODE_POLL_MS });

    const [extensionDir, dappDir] = await Promise.all([buildExtension(net.rpcUrl), buildBenchDapp()]);
    const dappServer = await serveDapp({ port: opts.dappPort, dir: dappDir });
    cleanup.defer('stop the dApp server', () => dappServer.close());

    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skw-bench-'));
    cleanup.defer('remove the Chromium profile', () => fs.rmSync(userDataDir, { recursive: true, force: true }));
    const floorDir = writeFloorExtension(path.join(BENCH_OUT_DIR, 'floor-extension'), numberToHex(net.chainId));
    const walletScript = path.join(extensionDir, 'wallet.js');
    const carryingDir = writeFloorExtension(path.join(BENCH_OUT_DIR, 'floor-extension-carrying'), numberToHex(net.chainId), walletScript);
    const { context, extensionId } = await launchWithExtension({ extensionDir, userDataDir, headless: true, alsoLoad: [floorDir, carryingDir] });
    cleanup.defer('close Chromium', () => context.close());

    // ---- the owner, the page, the session
    const { page, owner, request, sendParams } = await grantedPage(context, extensionId, env, dappServer.url);

    // The equivalent session in Node (see the top of the file).
    const nodeOwner = await env.upgradedOwner();
    const nodeSession = await env.grant(nodeOwner, scopeOf(request, nodeOwner.address, env.chain.id, await env.now()));
    const payer = await env.fundedAccount();

    // ---- (a) 1 and 5 calls: sendCalls -> getCallsStatus 200, against Node redeeming the same calls
    const five = [0, 1, 2, 3, 0].map((d) => moveCall(env.game, d));
    const one = [moveCall(env.game, 1)];
    const extensionRun = (calls: SessionCall[]) => sendAndConfirmInPage(page, sendParams(calls), POLL_MS);
    const nodeRun = async (calls: SessionCall[]) => {
      const t0 = performance.now();
      await env.redeem(nodeSession, calls);
      return performance.now() - t0;
    };
    /** Interleaved runs of both; checks that every bundle landed exactly once. */
    const latency = async (calls: SessionCall[], goal: number) => {
      const ext: number[] = [];
      const answered: number[] = [];
      const node: number[] = [];
      const before = await env.score(owner);
      for (let i = 0; i < LATENCY_RUNS; i++) {
        const r = await extensionRun(calls);
        ext.push(r.total);
        answered.push(r.answered);
        node.push(await nodeRun(calls));
      }
      check((await env.score(owner)) - before === BigInt(calls.length * LATENCY_RUNS), `the ${calls.length}-call bundles did not all land exactly once`);
      const baseline = fromValues(`Node: session key redeems the ${calls.length === 1 ? 'call' : `${calls.length} calls`} (viem), mined`, node, 'ms');
      return {
        baseline,
        ext,
        rows: [withGoal(fromValues('extension: wallet_sendCalls -> getCallsStatus 200', ext, 'ms'), baseline, goal), fromValues('  of which wallet_sendCalls answered', answered, 'ms')],
      };
    };
    const calls = (n: number) => (n === 1 ? '1 call' : `${n} calls`);
    await extensionRun(one); // warm-up, not counted
    await nodeRun(one);
    for (const [batch, goal] of [[one, 1.5], [five, 1.3]] as const) {
      const fresh = await latency(batch, goal);
      report(`Provider: ${calls(batch.length)} through the session, warm, dApp to confirmed (Chromium, extension)`, fresh.baseline, fresh.rows);
    }

    // ---- (b) three bursts of 200 one-call bundles from one page, against the Node floors
    const moves = [0, 1, 2, 3].map((d) => sendParams([moveCall(env.game, d)]));
    const burstOnce = async () => {
      const scoreBefore = await env.score(owner);
      const burst = await page.evaluate(
        async ({ moves, n, pollMs }) => {
          const eth = (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum;
          const describe = (e: unknown) => `${(e as { code?: number }).code ?? '?'} ${(e as Error).message ?? String(e)}`;
          const t0 = performance.now();
          let firstMs = 0;
          const answers = await Promise.allSettled(
            Array.from({ length: n }, (_, i) =>
              eth.request({ method: 'wallet_sendCalls', params: [moves[i % moves.length]] }).then((v) => {
                firstMs ||= performance.now() - t0;
                return v;
              }),
            ),
          );
          const answeredMs = performance.now() - t0;
          const ids = answers.map((a) => (a.status === 'fulfilled' ? (a.value as { id: string }).id : null));
          const errors = answers.flatMap((a) => (a.status === 'rejected' ? [describe(a.reason)] : []));
          const statuses: Record<string, number | string> = {};
          const pending = new Set(ids.filter((id): id is string => id !== null));
          let rounds = 0;
          while (pending.size > 0 && performance.now() - t0 < 180_000) {
            rounds++;
            const round = await Promise.all(
              [...pending].map((id) =>
                eth.request({ method: 'wallet_getCallsStatus', params: [id] }).then(
                  (s) => [id, (s as { status: number }).status] as const,
                  (e) => [id, `error ${describe(e)}`] as const,
                ),
              ),
            );
            for (const [id, status] of round) {
              statuses[id] = status;
              if (status !== 100) pending.delete(id);
            }
            if (pending.size > 0) await new Promise((r) => setTimeout(r, pollMs));
          }
          return { firstMs, answeredMs, doneMs: performance.now() - t0, ids, errors, statuses, rounds };
        },
        { moves, n: BURST, pollMs: POLL_MS },
      );
      const scoreDelta = (await env.score(owner)) - scoreBefore;
      const okIds = burst.ids.filter((id): id is string => id !== null);
      const notConfirmed = Object.entries(burst.statuses).filter(([, s]) => s !== 200);
      const confirmed = Object.values(burst.statuses).filter((s) => s === 200).length;
      const checks =
        `${okIds.length}/${BURST} answered with an id (${new Set(okIds).size} distinct), ${confirmed}/${BURST} status 200, ` +
        `DemoGame.score +${scoreDelta} (expected +${BURST}); first answer after ${burst.firstMs.toFixed(0)} ms, ${burst.rounds} status round(s)`;
      check(burst.errors.length === 0, `${burst.errors.length} of ${BURST} wallet_sendCalls failed; first: ${burst.errors.slice(0, 3).join(' | ')}`);
      check(new Set(okIds).size === BURST, `${new Set(okIds).size} distinct bundle ids for ${BURST} requests`);
      check(notConfirmed.length === 0, `${notConfirmed.length} bundles did not reach status 200: ${notConfirmed.slice(0, 3).map(([id, s]) => `${id.slice(0, 10)}… ${s}`).join(', ')}`);
      check(scoreDelta === BigInt(BURST), `DemoGame.score went up by ${scoreDelta}, not ${BURST}: calls were lost or duplicated`);
      return { ...burst, checks };
    };
    // The chain's own pace before the bursts (the same floor is measured again after them): anvil
    // slows as its history grows, which the drift of the bursts includes.
    let t0 = performance.now();
    for (let i = 0; i < BURST; i++) await env.redeem(nodeSession, [moveCall(env.game, i)]);
    const nodeSessionBeforeMs = performance.now() - t0;
    const bursts = [];
    for (let i = 0; i < 3; i++) bursts.push(await burstOnce());
    // The floors: plain transfers, the Node session key one after another, and with 32 in flight.
    t0 = performance.now();
    for (let i = 0; i < BURST; i++) await env.transfer(payer);
    const transfersMs = performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < BURST; i++) await env.redeem(nodeSession, [moveCall(env.game, i)]);
    const nodeSessionMs = performance.now() - t0;
    const scoreBeforeParallel = await env.score(nodeSession.owner.address);
    t0 = performance.now();
    await env.redeemInFlight(nodeSession, Array.from({ length: BURST }, (_, i) => [moveCall(env.game, i)]), 32);
    const nodeParallelMs = performance.now() - t0;
    check((await env.score(nodeSession.owner.address)) - scoreBeforeParallel === BigInt(BURST), 'the Node floor with 32 in flight did not land every call once');
    // The floor is the faster of the two one-after-another runs (before and after the bursts), never the kinder one.
    const burstFloor = throughput(`Node: ${BURST} one-call session redemptions, one after another (the faster of before/after)`, BURST, Math.min(nodeSessionBeforeMs, nodeSessionMs));
    report(`Provider: bursts of ${BURST} one-call wallet_sendCalls from one page, all confirmed (3 bursts in one run)`, burstFloor, [
      throughput(`Node: ${BURST} one-call session redemptions, 32 in flight`, BURST, nodeParallelMs),
      throughput(`Node: ${BURST} plain transfers, one after another, mined`, BURST, transfersMs),
      ...bursts.flatMap((b, i) => [
        withGoal(throughput(`extension: burst ${i + 1}, ${BURST} fired at once -> all status 200`, BURST, b.doneMs), burstFloor, 1, true),
        throughput(`  of which all ${BURST} wallet_sendCalls answered`, BURST, b.answeredMs),
      ]),
    ]);
    bursts.forEach((b, i) => console.log(`  checks, burst ${i + 1}: ${b.checks}`));
    const drift = bursts[0]!.doneMs / bursts[2]!.doneMs; // throughput of the third over the first
    console.log(`  third burst / first burst (throughput): ${drift.toFixed(2)}x  goal within 10% (>= 0.90x): ${drift >= 0.9 ? 'met' : 'MISSED'}`);
    const chainDrift = nodeSessionBeforeMs / nodeSessionMs;
    console.log(`  the chain itself: Node one after another ${((BURST * 1000) / nodeSessionBeforeMs).toFixed(1)} calls/s before the bursts, ${((BURST * 1000) / nodeSessionMs).toFixed(1)} after (${chainDrift.toFixed(2)}x)`);

    // (a) again, now that the wallet's bundle history holds the bursts' 600 bundles more (as it will
    // for any busy dApp): the same requests, against the same Node baseline.
    let steadyOneCall: number[] = [];
    for (const [batch, goal] of [[one, 1.5], [five, 1.3]] as const) {
      const full = await latency(batch, goal);
      if (batch === one) steadyOneCall = full.ext;
      report(`Provider: ${calls(batch.length)} through the session again, after the bursts (history full)`, full.baseline, full.rows);
    }

    // ---- one request from the worker to the node, over fetch and over a WebSocket (why the wallet's
    // node client uses a socket where the node serves one: src/chains/socket-rpc.ts), against Node.
    {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] });
      const nodeMs: number[] = [];
      for (let i = 0; i < 40; i++) {
        const t = performance.now();
        await (await fetch(net.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json();
        if (i >= 10) nodeMs.push(performance.now() - t);
      }
      const sw = context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${extensionId}/`));
      check(sw !== undefined, 'the wallet\'s service worker is not running');
      await sw!.evaluate('globalThis.__name = (f) => f');
      const inWorker = await sw!.evaluate(
        async ({ url, body }) => {
          const fetchMs: number[] = [];
          const socketMs: number[] = [];
          for (let i = 0; i < 40; i++) {
            const t = performance.now();
            await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json();
            if (i >= 10) fetchMs.push(performance.now() - t);
          }
          const socket = new WebSocket(url.replace(/^http/, 'ws'));
          await new Promise((resolve, reject) => ((socket.onopen = resolve), (socket.onerror = reject)));
          for (let i = 0; i < 40; i++) {
            const t = performance.now();
            await new Promise<void>((resolve) => {
              socket.onmessage = () => resolve();
              socket.send(body);
            });
            if (i >= 10) socketMs.push(performance.now() - t);
          }
          socket.close();
          return { fetchMs, socketMs };
        },
        { url: net.rpcUrl, body },
      );
      const baseline = fromValues('Node: fetch (this process)', nodeMs, 'ms');
      report('Provider: one eth_blockNumber to the node (the worker\'s clock is coarse: 0.1 ms)', baseline, [
        fromValues('extension worker: fetch', inWorker.fetchMs, 'ms'),
        fromValues('extension worker: WebSocket (what its node client uses)', inWorker.socketMs, 'ms'),
      ]);
    }

    // ---- (c) worker cold start to the first answer, against an empty extension's cold worker
    const worker = await watchServiceWorker(context, extensionId);
    cleanup.defer('detach from the service worker', () => worker.close());
    const watchFloor = async (file: string) => {
      const w =
        context.serviceWorkers().find((w) => w.url().endsWith(`/${file}`)) ??
        (await context.waitForEvent('serviceworker', { predicate: (w) => w.url().endsWith(`/${file}`), timeout: 15_000 }));
      const watched = await watchServiceWorker(context, new URL(w.url()).host);
      cleanup.defer(`detach from the ${file} worker`, () => watched.close());
      return watched;
    };
    const floor = await watchFloor(FLOOR_WORKER_FILE);
    const carrying = await watchFloor(CARRYING_FLOOR_WORKER_FILE);
    const chainId = () =>
      page.evaluate(async () => {
        const eth = (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum;
        const t = performance.now();
        const id = await eth.request({ method: 'eth_chainId' });
        return { ms: performance.now() - t, id: id as string };
      });
    let restartedEarly = 0;
    /** Stops every service worker (ours and the floors') and waits until each reports stopped. */
    const stopWorkers = async () => {
      for (let attempt = 0; ; attempt++) {
        await worker.stop(); // one stopAllWorkers stops them all: then each is waited for
        await Promise.all([floor.stopped(), carrying.stopped()]);
        const statuses = { wallet: worker.status(), 'empty extension': floor.status(), 'carrying extension': carrying.status() };
        if (Object.values(statuses).every((s) => s === 'stopped')) return;
        // Something woke one (an alarm) between the stop and the request: stop again.
        restartedEarly++;
        check(attempt < 5, `a service worker keeps restarting right after being stopped: ${JSON.stringify(statuses)}`);
      }
    };
    /** A timed cold request: checks that it did start the worker it went to. */
    const coldly = async <T extends { ms: number; id: string }>(w: typeof worker, what: string, request: () => Promise<T>) => {
      const startsBefore = w.starts();
      const r = await request();
      check(r.id === numberToHex(env.chain.id), `${what}: eth_chainId answered ${r.id}`);
      check(w.starts() > startsBefore || w.status() === 'running', `${what}: the request did not start the worker`);
      return r.ms;
    };
    const warm: number[] = [];
    const cold: number[] = [];
    const floorWarm: number[] = [];
    const floorCold: number[] = [];
    const carryingCold: number[] = [];
    await chainId();
    await floorChainId(page);
    await floorChainId(page, 'carrying');
    const ORDERS = [
      ['ours', 'floor', 'carrying'],
      ['floor', 'carrying', 'ours'],
      ['carrying', 'ours', 'floor'],
    ] as const;
    for (let i = 0; i < COLD_RUNS; i++) {
      // The workers running (the last stop below left them stopped): woken first, then timed warm.
      await chainId();
      await floorChainId(page);
      warm.push((await chainId()).ms);
      floorWarm.push((await floorChainId(page)).ms);
      // Rotate which one starts first after a stop, so none always pays for another.
      for (const which of ORDERS[i % ORDERS.length]!) {
        await stopWorkers();
        if (which === 'ours') cold.push(await coldly(worker, 'wallet', chainId));
        else if (which === 'floor') floorCold.push(await coldly(floor, 'empty extension', () => floorChainId(page)));
        else carryingCold.push(await coldly(carrying, 'empty extension carrying wallet.js', () => floorChainId(page, 'carrying')));
      }
    }
    const walletKb = (fs.statSync(walletScript).size / 1000).toFixed(0);
    const floorColdSample = fromValues('empty extension: eth_chainId, worker stopped (cold start)', floorCold, 'ms');
    report('Provider: service-worker cold start to first answer (page-timed)', floorColdSample, [
      withGoal(fromValues('extension: eth_chainId, worker stopped (cold start)', cold, 'ms'), floorColdSample, 3),
      fromValues('extension: eth_chainId, worker warm', warm, 'ms'),
      fromValues('empty extension: eth_chainId, worker warm', floorWarm, 'ms'),
      // What the wallet's bytes alone cost a cold start (floor-extension.ts): none of them runs.
      fromValues(`empty extension carrying wallet.js (${walletKb} kB, never run): eth_chainId, cold`, carryingCold, 'ms'),
    ]);

    // One covered session call with the worker stopped first, against the same call warm.
    const sendOne = async (d: number) => (await sendAndConfirmInPage(page, sendParams([moveCall(env.game, d)]), POLL_MS)).total;
    const warmSends: number[] = [];
    const coldSends: number[] = [];
    const firstSends: number[] = [];
    const scoreBeforeC = await env.score(owner);
    await sendOne(0); // warm-up, not counted
    for (let i = 0; i < COLD_RUNS; i++) {
      // The worker was started again by the last run's sends: the first sends of a worker still run
      // code V8 has not optimised yet, so the baseline is taken after a few untimed ones (a slower
      // "warm" send would be a kinder baseline for the cold one).
      for (let k = 0; k < WARM_UP_SENDS; k++) await sendOne(i);
      warmSends.push(await sendOne(i));
      await stopWorkers();
      const startsBefore = worker.starts();
      coldSends.push(await sendOne(i + 1));
      check(worker.starts() > startsBefore, 'the cold send did not start the worker');
      // Where the cold send's time goes: the worker started by an eth_chainId (which the bootstrap
      // answers alone, src/background/bootstrap.ts), then its first send (which loads wallet.js).
      await stopWorkers();
      await chainId();
      firstSends.push(await sendOne(i + 2));
    }
    check((await env.score(owner)) - scoreBeforeC === BigInt((3 + WARM_UP_SENDS) * COLD_RUNS + 1), 'the one-call sends did not all land exactly once');
    // The baseline is the warm send measured after the bursts (a worker that has run for a while):
    // a send just after a worker (re)started is slower (the row below), and would be a kinder one.
    const warmSendSample = fromValues('1 session call, worker warm (the run after the bursts above)', steadyOneCall, 'ms');
    report('Provider: one session call with the worker stopped first (page-timed)', warmSendSample, [
      withGoal(fromValues('1 session call, worker stopped (cold start)', coldSends, 'ms'), warmSendSample, 2),
      fromValues('  1 session call, worker warm, between the cold ones (a worker started shortly before)', warmSends, 'ms'),
      fromValues('  first session call of a worker already started by an eth_chainId', firstSends, 'ms'),
      // For scale: what a cold send would take if the wallet added nothing to starting a worker (an
      // empty extension's cold start, measured above) and then ran as fast as warm (warm run i + cold run i mod 10).
      fromValues("  an empty extension's cold start + a warm send (no wallet start-up at all)", steadyOneCall.map((w, i) => w + (floorCold[i % floorCold.length] ?? 0)), 'ms'),
      // The same with the wallet's script carried but never run: the wallet's bytes, before any of its work.
      fromValues('  the empty extension carrying wallet.js: cold start + a warm send', steadyOneCall.map((w, i) => w + (carryingCold[i % carryingCold.length] ?? 0)), 'ms'),
    ]);
    // The cold-send goal as worded (<= 2x a warm send) is out of reach even for the empty extension
    // here (the row above): this prints the cold send against the floor that includes what
    // Chromium does for any worker carrying the wallet's bytes, for a restated goal to be judged on.
    const carryingFloor = median(steadyOneCall.map((w, i) => w + (carryingCold[i % carryingCold.length] ?? 0)));
    console.log(`  cold send / (carrying extension's cold start + a warm send): ${(median(coldSends) / carryingFloor).toFixed(2)}x (informational: a goal restated against this floor is the owner's call)`);
    if (restartedEarly > 0) console.log(`  a service worker restarted on its own ${restartedEarly} time(s) right after a stop`);
  } finally {
    await cleanup.run();
  }
}
