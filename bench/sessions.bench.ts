// Issue 4: what a session costs on chain and how long granting and revoking take, on a fresh devnet
// started by the benchmark, with the wallet's own code (src/backends/delegation, src/permissions,
// src/account/owner-actions; see session-node.ts for how service.ts's steps are repeated).
//
// Gas, from real receipts, against a plain 1-wei ETH transfer (21,000 gas):
//   - a 1-call session redemption the first time the delegation is used (the enforcers' counters
//     and the player's storage go from zero to non-zero), and in steady state (later calls);
//   - a 5-call batch (one redeemDelegations with five single-call redemptions), per call;
//   - the same DemoGame.move sent directly by an EOA, for scale (what the session adds on top).
// Latency against one plain transfer sent and mined (automine, so this is the wallet's client
// work and the node's, not block time): grant = delegation signed + stipend funded and mined
// (the 7702 upgrade, done once per account, is excluded); revoke = disableDelegation mined + sweep
// mined. Medians of several runs, interleaved so drift hits every row alike.
import { startDevnet } from '../devnet/index';
import { getAddress } from 'viem';
import { Cleanup, fromValues, report, value, withGoal } from './lib';
import { benchEnv, grantRequest, moveCall, scopeOf } from './session-node';

const LATENCY_RUNS = 11;

export async function benchSessions(port: number): Promise<void> {
  const cleanup = new Cleanup();
  try {
    const net = await startDevnet({ port, quiet: true, writeDeploymentFile: false });
    cleanup.defer('stop the devnet', () => net.stop());
    const env = benchEnv(net);
    const payer = await env.fundedAccount();
    const owner = await env.upgradedOwner();
    const scope = scopeOf(grantRequest(env.game, (await env.now()) + 3600), owner.address, env.chain.id, await env.now());

    // ---- gas
    const transferGas = Number((await env.transfer(payer)).gasUsed);
    const direct: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await env.mined(env.walletFor(payer).sendTransaction({ to: env.game, data: moveCall(env.game, i).data }), 'a direct move');
      if (i > 0) direct.push(Number(r.gasUsed)); // the first one creates the player
    }
    const session = await env.grant(owner, scope);
    const first = Number((await env.redeem(session, [moveCall(env.game, 0)])).gasUsed);
    const steady: number[] = [];
    for (let i = 1; i <= 5; i++) steady.push(Number((await env.redeem(session, [moveCall(env.game, i)])).gasUsed));
    const batch: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await env.redeem(session, [0, 1, 2, 3, 0].map((d) => moveCall(env.game, d)));
      batch.push(Number(r.gasUsed) / 5);
    }
    const scoreNow = await env.score(owner.address);
    if (scoreNow !== 1n + 5n + 15n) throw new Error(`the session moves did not all land: score ${scoreNow}, expected 21`);
    report('Session call gas (devnet, real receipts)', value('plain ETH transfer', transferGas, 'gas'), [
      fromValues('DemoGame.move sent directly by an EOA (steady)', direct, 'gas'),
      value('session, 1 call, first use of the delegation', first, 'gas'),
      fromValues('session, 1 call, steady state', steady, 'gas'),
      fromValues('session, 5-call batch, per call', batch, 'gas'),
    ]);

    // ---- gas by grant shape (issue 15): the demo dApp's grant (3 call groups: a chain of
    // delegations) and a one-group grant (flat caveats), each with a call limit and a stipend,
    // as the wallet signs them on the devnet (with its own SessionCallEnforcer, caveats.ts); then
    // the same with the framework's enforcers only, what the wallet signs on other chains.
    const token = getAddress(net.deployment.contracts.DemoToken as string);
    const shapeGas = async (request: ReturnType<typeof grantRequest>, opts: { frameworkOnly?: boolean } = {}) => {
      const s = await env.grant(owner, scopeOf(request, owner.address, env.chain.id, await env.now()), opts);
      const gas: number[] = [];
      for (let i = 0; i <= 5; i++) {
        const r = await env.redeem(s, [moveCall(env.game, i)]);
        if (i > 0) gas.push(Number(r.gasUsed)); // the first use sets the counters from zero
      }
      return gas;
    };
    const threeGroups = grantRequest(env.game, (await env.now()) + 3600, { demoToken: token });
    const oneGroup = grantRequest(env.game, (await env.now()) + 3600, { gameOnly: true });
    const transferRow = value('plain ETH transfer', transferGas, 'gas');
    report('Session call gas by grant shape (devnet, real receipts, 1 DemoGame.move, steady state)', transferRow, [
      withGoal(fromValues('3 call groups (demo dApp: game, ETH, DEMO), call limit, stipend', await shapeGas(threeGroups), 'gas'), transferRow, 10),
      withGoal(fromValues('1 call group (game), call limit, stipend', await shapeGas(oneGroup), 'gas'), transferRow, 7),
      fromValues('  the same 3 groups, framework enforcers only (other chains)', await shapeGas(threeGroups, { frameworkOnly: true }), 'gas'),
      fromValues('  the same 1 group, framework enforcers only (other chains)', await shapeGas(oneGroup, { frameworkOnly: true }), 'gas'),
    ]);

    // ---- latency (interleaved runs, after one unmeasured round that warms the clients)
    await env.transfer(payer);
    await env.revoke(await env.grant(owner, scope));
    const transferMs: number[] = [];
    const grantMs: number[] = [];
    const revokeMs: number[] = [];
    let sweepsReverted = 0;
    for (let i = 0; i < LATENCY_RUNS; i++) {
      let t0 = performance.now();
      await env.transfer(payer);
      transferMs.push(performance.now() - t0);

      t0 = performance.now();
      const s = await env.grant(owner, scope);
      grantMs.push(performance.now() - t0);

      t0 = performance.now();
      const { sweep } = await env.revoke(s);
      revokeMs.push(performance.now() - t0);
      if (!sweep) throw new Error('no stipend sweep was sent');
      if (sweep.status !== 'success') sweepsReverted++;
    }
    const revokeRow = fromValues('revoke: disableDelegation mined + sweep mined', revokeMs, 'ms');
    // The owner's 7702 account runs code on receipt, so a sweep with too little gas reverts and
    // loses the stipend: the bench fails loudly if that comes back.
    if (sweepsReverted > 0) throw new Error(`the stipend sweep REVERTED in ${sweepsReverted}/${LATENCY_RUNS} runs`);
    report('Session grant and revoke latency (devnet, automine)', fromValues('plain transfer, sent and mined', transferMs, 'ms'), [
      fromValues('grant: delegation signed + stipend funded, mined', grantMs, 'ms'),
      revokeRow,
    ]);
  } finally {
    await cleanup.run();
  }
}
