// How the devnet's own pace changes as its chain grows, with no wallet involved (issue 15's third
// burst): rounds of 30 session redemptions from Node, each timed request by request (the dry run,
// the latest block, the broadcast, and how long after the broadcast's answer the receipt exists),
// with 400 more redemptions (32 in flight) between rounds. Not a suite of `npm run bench`.
//   npx tsx bench/chain-drift.ts
import { startDevnet } from '../devnet/index';
import { benchEnv, grantRequest, scopeOf, moveCall } from './session-node';
import { encodeSessionBatch } from '../src/backends/delegation/session-chain';
// Beside bench/run.ts's ports (+0 to +7).
const net = await startDevnet({ port: Number(process.env.BENCH_DEVNET_PORT ?? 18547) + 8, quiet: true, writeDeploymentFile: false });
try {
  const env = benchEnv(net, { pollingInterval: 5 });
  const owner = await env.upgradedOwner();
  const s = await env.grant(owner, scopeOf(grantRequest(env.game, (await env.now()) + 3600), owner.address, env.chain.id, await env.now()));
  const dm = env.framework.DelegationManager;
  const raw = async (body: unknown) => { const t = performance.now(); const r = await fetch(net.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }); const j = await r.json(); return { ms: performance.now() - t, j }; };
  let nonce = await env.publicClient.getTransactionCount({ address: s.key.address });
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!.toFixed(2);
  for (let round = 0; round < 6; round++) {
    const rows: Record<string, number[]> = {};
    const add = (k: string, v: number) => (rows[k] ??= []).push(v);
    for (let i = 0; i < 30; i++) {
      const data = encodeSessionBatch(s.delegation, s.scope, [moveCall(env.game, i)]);
      add('sim', (await raw({ jsonrpc: '2.0', id: 1, method: 'eth_simulateV1', params: [{ blockStateCalls: [{ calls: [{ from: s.key.address, to: dm, data }] }], validation: false }, 'latest'] })).ms);
      add('block', (await raw({ jsonrpc: '2.0', id: 1, method: 'eth_getBlockByNumber', params: ['latest', false] })).ms);
      const signed = await s.key.signTransaction({ type: 'eip1559', chainId: env.chain.id, nonce: nonce++, to: dm, data, gas: 400000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
      const sent = await raw({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [signed] });
      add('sendRaw', sent.ms);
      const t1 = performance.now();
      for (;;) { const r = await raw({ jsonrpc: '2.0', id: 1, method: 'eth_getTransactionReceipt', params: [sent.j.result] }); if (r.j.result) break; }
      add('mined after send', performance.now() - t1);
    }
    console.log('round', round, Object.entries(rows).map(([k, v]) => `${k} ${med(v)}`).join('  '));
    await env.redeemInFlight(s, Array.from({ length: 400 }, (_, i) => [moveCall(env.game, i)]), 32);
    nonce = await env.publicClient.getTransactionCount({ address: s.key.address, blockTag: 'pending' });
  }
} finally { await net.stop(); process.exit(0); }
