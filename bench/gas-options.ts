// Measurement behind the layout choice in src/backends/delegation/caveats.ts (issue 15 item 2): gas per session call of the demo dApp's grant shape
// (3 call groups: DemoGame functions, plain ETH, DEMO transfers; call limit; stipend) under each
// on-chain layout, real receipts on a fresh devnet; then what each caveat costs alone on one
// delegation (F rows, against the floor of a delegation without caveats), and the wallet's own
// SessionCallEnforcer (devnet/contracts/SessionCallEnforcer.sol) in the layouts the wallet signs
// with it (G: one group, H: the demo's chain, I: groups it can all check, in one caveat).
// Run: BENCH_DEVNET_PORT=<port> npx tsx bench/gas-options.ts (it uses that port + 5)
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
  // The framework's enforcers and the wallet's own SessionCallEnforcer, as deployed on this devnet.
  const E = { ...env.framework.caveatEnforcers, SessionCallEnforcer: getAddress(net.deployment.contracts.SessionCallEnforcer) };
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
    console.log(`${label.padEnd(80)} first ${gas[0]}  steady ${gas[3]}  (${(gas[3]! / transfer).toFixed(2)}x transfer)`);
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

  // ---- what each caveat costs: one delegation, flat, the caveat alone (a DemoGame.move passes all of them)
  const flat = (label: string, caveats: () => Caveat[]) =>
    steady(label, async (key) => {
      const d = await signDelegation(owner, createDelegation({ delegator: owner.address, delegate: key, caveats: caveats() }), ctx);
      return (i) => redeem([d], i);
    });
  await flat('F. floor: one delegation, no caveat at all', () => []);
  await flat('F+ TimestampEnforcer', () => [b.timestamp({ beforeThreshold: expiry })]);
  await flat('F+ LimitedCallsEnforcer', () => [b.limitedCalls(100_000)]);
  await flat('F+ ValueLteEnforcer(0)', () => [b.valueLte(0n)]);
  await flat('F+ NativeTokenTransferAmountEnforcer', () => [b.nativeTokenTransferAmount(parseEther('0.01'))]);
  await flat('F+ AllowedTargetsEnforcer', () => [b.allowedTargets([env.game])]);
  await flat('F+ AllowedMethodsEnforcer (2 selectors)', () => [b.allowedMethods([moveSel, buySel])]);
  await flat('F+ AllowedTargets + AllowedMethods', () => gameGroup());
  await flat('F+ TimestampEnforcer, LimitedCalls, ValueLte(0), game group: order reversed', () => [...gameGroup(), b.valueLte(0n), b.limitedCalls(100_000), b.timestamp({ beforeThreshold: expiry })]);

  // ---- the wallet's own SessionCallEnforcer (devnet/contracts/SessionCallEnforcer.sol): one caveat
  const gameRules = [{ kind: 'pair', target: env.game, selector: moveSel }, { kind: 'pair', target: env.game, selector: buySel }] as const;
  await flat('F+ SessionCall: expiry only', () => [b.sessionCall({ expiry, callLimit: 0, rules: [] })]);
  await flat('F+ SessionCall: game pairs only', () => [b.sessionCall({ expiry: 0, callLimit: 0, rules: gameRules })]);
  await flat('G. one group flat: SessionCall(expiry, limit, no ETH, game pairs)', () => [b.sessionCall({ expiry, callLimit: 100_000, nativeAllowance: 0n, rules: gameRules })]);
  await steady('H. chain: root SessionCall(expiry, limit, ETH allowance) + leaf SessionCall(game pairs)', async (key) => {
    const root = await signDelegation(owner, createDelegation({ delegator: owner.address, delegate: owner.address, caveats: [b.sessionCall({ expiry, callLimit: 100_000, nativeAllowance: parseEther('0.01'), rules: [] })] }), ctx);
    const leaf = await signDelegation(owner, createDelegation({ delegator: owner.address, delegate: key, authority: hashDelegation(root), caveats: [b.sessionCall({ expiry: 0, callLimit: 0, rules: gameRules })] }), ctx);
    return (i) => redeem([leaf, root], i);
  });
  await steady('I. one delegation: SessionCall(expiry, limit, ETH, game pairs + empty calldata) (no ERC-20 group)', async (key) => {
    const caveats = [b.sessionCall({ expiry, callLimit: 100_000, nativeAllowance: parseEther('0.01'), rules: [...gameRules, { kind: 'empty' }] })];
    const d = await signDelegation(owner, createDelegation({ delegator: owner.address, delegate: key, caveats }), ctx);
    return (i) => redeem([d], i);
  });
  void ROOT_AUTHORITY; void toHex;
} finally {
  await net.stop();
}
