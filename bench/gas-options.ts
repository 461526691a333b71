// Measurement behind the layout choice in src/backends/delegation/caveats.ts (issue 15 item 2): gas per session call of the demo dApp's grant shape
// (3 call groups: DemoGame functions, plain ETH, DEMO transfers; call limit; stipend) under each
// on-chain layout, real receipts on a fresh devnet. Run: npx tsx bench/gas-options.ts
import { getAddress, parseEther, toHex, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startDevnet } from '../devnet/index';
import { caveatBuilder, createDelegation, encodeLogicalOrWrapperArgs, encodeRedeemDelegations, hashDelegation, signDelegation, EXECUTION_MODE, ROOT_AUTHORITY, type Caveat } from '../src/backends/delegation/framework';
import { benchEnv, moveCall } from './session-node';

const port = Number(process.env.BENCH_DEVNET_PORT ?? 18547) + 5;
const net = await startDevnet({ port, quiet: true, writeDeploymentFile: false });
try {
  const env = benchEnv(net);
  const payer = await env.fundedAccount();
  const owner = await env.upgradedOwner();
  const E = env.framework.caveatEnforcers;
  const b = caveatBuilder(E);
  const ctx = { chainId: env.chain.id, delegationManager: env.framework.DelegationManager };
  const token = getAddress(net.deployment.contracts.DemoToken as string);
  const expiry = (await env.now()) + 3600;
  const moveSel = moveCall(env.game, 0).data.slice(0, 10) as Hex;
  const buySel = '0xd96a094a' as Hex;
  const sessionWide = (): Caveat[] => [b.timestamp({ beforeThreshold: expiry }), b.limitedCalls(100_000), b.nativeTokenTransferAmount(parseEther('0.01'))];
  const gameGroup = (): Caveat[] => [b.allowedTargets([env.game]), b.allowedMethods([moveSel, buySel])];
  const groups = (): Caveat[][] => [gameGroup(), [b.exactCalldata('0x')], [b.erc20TransferAmount(token, parseEther('100')), b.valueLte(0n)]];
  const transfer = Number((await env.transfer(payer)).gasUsed);

  async function steady(label: string, make: (key: `0x${string}`) => Promise<(i: number) => Hex>) {
    const key = privateKeyToAccount(generatePrivateKey());
    await env.setBalance(key.address, parseEther('10'));
    const data = await make(key.address);
    const gas: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await env.mined(env.walletFor(key).sendTransaction({ to: env.framework.DelegationManager, data: data(i) }), label);
      gas.push(Number(r.gasUsed));
    }
    console.log(`${label.padEnd(62)} first ${gas[0]}  steady ${gas[3]}  (${(gas[3]! / transfer).toFixed(2)}x transfer)`);
  }
  const redeem = (delegations: Parameters<typeof encodeRedeemDelegations>[0][number]['delegations'], i: number) =>
    encodeRedeemDelegations([{ delegations, executions: [{ target: env.game, value: 0n, callData: moveCall(env.game, i).data }], mode: EXECUTION_MODE.SingleDefault }]);

  await steady('A. one delegation, LogicalOrWrapper of 3 groups', async (key) => {
    const caveats = [...sessionWide(), b.logicalOrWrapper(groups())];
    const d = await signDelegation(owner, createDelegation({ delegator: owner.address, delegate: key, caveats }), ctx);
    const args = ['0x', '0x', '0x', encodeLogicalOrWrapperArgs(0, ['0x', '0x'])] as Hex[];
    return (i) => redeem([{ ...d, caveats: d.caveats.map((c, j) => ({ ...c, args: args[j]! })) }], i);
  });
  await steady('B. one delegation per group, all caveats flat (widens limits)', async (key) => {
    const d = await signDelegation(owner, createDelegation({ delegator: owner.address, delegate: key, caveats: [...sessionWide(), ...gameGroup()] }), ctx);
    return (i) => redeem([d], i);
  });
  await steady('C. chain: leaf per group (owner->key) + root (owner->owner, session-wide)', async (key) => {
    const root = await signDelegation(owner, createDelegation({ delegator: owner.address, delegate: owner.address, caveats: sessionWide() }), ctx);
    const leaf = await signDelegation(owner, createDelegation({ delegator: owner.address, delegate: key, authority: hashDelegation(root), caveats: gameGroup() }), ctx);
    return (i) => redeem([leaf, root], i);
  });
  await steady('D. lower bound: chain, root with expiry only (no call limit, no ETH caveat)', async (key) => {
    const root = await signDelegation(owner, createDelegation({ delegator: owner.address, delegate: owner.address, caveats: [b.timestamp({ beforeThreshold: expiry })] }), ctx);
    const leaf = await signDelegation(owner, createDelegation({ delegator: owner.address, delegate: key, authority: hashDelegation(root), caveats: gameGroup() }), ctx);
    return (i) => redeem([leaf, root], i);
  });
  await steady('E. one group flat (timestamp, limit, ValueLte 0, game group)', async (key) => {
    const d = await signDelegation(owner, createDelegation({ delegator: owner.address, delegate: key, caveats: [b.timestamp({ beforeThreshold: expiry }), b.limitedCalls(100_000), b.valueLte(0n), ...gameGroup()] }), ctx);
    return (i) => redeem([d], i);
  });
  void ROOT_AUTHORITY; void toHex;
} finally {
  await net.stop();
}
