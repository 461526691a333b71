import { describe, expect, it } from 'vitest';
import {
  createLogicalOrWrapperArgs,
  createLogicalOrWrapperTerms,
  decodeERC20TransferAmountTerms,
  decodeLogicalOrWrapperArgs,
  decodeLogicalOrWrapperTerms,
  decodeMultiTokenPeriodTerms,
  decodeNativeTokenPeriodTransferTerms,
  decodeNativeTokenStreamingTerms,
  decodeTimestampTerms,
} from '@metamask/delegation-core';
import { encodeAbiParameters, encodeFunctionData, encodePacked, erc20Abi, parseAbi, toFunctionSelector, zeroAddress, type Address } from 'viem';
import devnet from '@/devnet/deployment.json';
import { caveatArgsForCall, caveatArgsForGroup, groupLayoutOf, scopeToCaveats, sessionCaveats, SINGLE_TOKEN_CONFIG_ARGS, usesSessionCall } from '@/src/backends/delegation/caveats';
import { caveatBuilder, encodeLogicalOrWrapperArgs, hashDelegation, ROOT_AUTHORITY, type CaveatEnforcerAddresses } from '@/src/backends/delegation/framework';
import { parseSessionScope } from '@/src/permissions/validate';
import { DelegationScopeMismatchError, delegationLayout, rootOf, signSessionDelegation } from '@/src/backends/delegation/session-chain';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

// The framework's enforcers only: the layouts every chain with the framework gets.
const E = devnet.contracts.caveatEnforcers as Required<Omit<CaveatEnforcerAddresses, 'SessionCallEnforcer'>>;
const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const GAME: Address = '0x23DaD949f5f9aD0552E453A421EBa6ECF9331259';
const TOKEN: Address = '0xAde078291A13b081F19A4a0636A91712Ac1A304C';
const TOKEN2: Address = '0x1111111111111111111111111111111111111111';
const NOW = 1_750_000_000;
const scopeOf = (permissions: unknown[], callLimit?: number) =>
  parseSessionScope({ expiry: NOW + 600, permissions, callLimit }, { account: ACCOUNT, chainId: 31337, now: NOW });
const nameOf = (a: string) => Object.entries(E).find(([, v]) => v.toLowerCase() === a.toLowerCase())?.[0];
const transfer = (token: Address, amount: bigint) => ({ to: token, value: 0n, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [GAME, amount] }) });

describe('LogicalOrWrapper encoding', () => {
  it('behavior: terms and args equal delegation-core for non-empty bytes, and also encode empty bytes', () => {
    const b = caveatBuilder(E);
    const groups = [[{ enforcer: E.ValueLteEnforcer, terms: '0x12' as const, args: '0x34' as const }], [{ enforcer: GAME, terms: '0xabcd' as const, args: '0x01' as const }]];
    expect(b.logicalOrWrapper(groups).terms).toBe(createLogicalOrWrapperTerms({ caveatGroups: groups }));
    expect(encodeLogicalOrWrapperArgs(1, ['0x01', '0x0203'])).toBe(createLogicalOrWrapperArgs({ groupIndex: 1n, caveatArgs: ['0x01', '0x0203'] }));
    const empty = b.logicalOrWrapper([[b.exactCalldata('0x')]]);
    expect(decodeLogicalOrWrapperTerms(empty.terms).caveatGroups).toEqual([[{ enforcer: E.ExactCalldataEnforcer.toLowerCase(), terms: '0x', args: '0x' }]]);
  });
});

describe('written-out caveat args', () => {
  it('param: SINGLE_TOKEN_CONFIG_ARGS is the ABI encoding of the token config index 0 (a uint256)', () => {
    expect(SINGLE_TOKEN_CONFIG_ARGS).toBe(encodeAbiParameters([{ type: 'uint256' }], [0n]));
  });
});

describe('scopeToCaveats', () => {
  it('behavior: root is expiry (+ call limit) only', () => {
    const caveats = scopeToCaveats(scopeOf([{ type: 'root' }], 5), E);
    expect(caveats.map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'LimitedCallsEnforcer']);
    expect(decodeTimestampTerms(caveats[0]!.terms)).toEqual({ afterThreshold: 0, beforeThreshold: NOW + 600 });
  });

  it('behavior: several call groups are a chain: session-wide caveats on the root, one leaf per group, no wrapper; every arg empty', () => {
    const scope = scopeOf(
      [
        { type: 'functions-on-contract', data: { address: GAME, functions: ['move(uint8)'] } },
        { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '100' } },
        { type: 'native-token-transfer', data: { allowance: '7' } },
        { type: 'erc20-token-transfer', data: { address: TOKEN2, allowance: '200' } },
      ],
      9,
    );
    expect(groupLayoutOf(scope)).toBe('chain');
    expect(() => scopeToCaveats(scope, E)).toThrow('use sessionCaveats');
    const { root, groups } = sessionCaveats(scope, E);
    expect(root.map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'LimitedCallsEnforcer', 'NativeTokenTransferAmountEnforcer']);
    expect(groups?.map((g) => g.map((c) => nameOf(c.enforcer)))).toEqual([
      ['AllowedTargetsEnforcer', 'AllowedMethodsEnforcer'],
      ['ERC20TransferAmountEnforcer', 'ValueLteEnforcer'],
      ['ExactCalldataEnforcer'],
      // Each leaf has its own hash, so the second token gets its own ERC20TransferAmount counter.
      ['ERC20TransferAmountEnforcer', 'ValueLteEnforcer'],
    ]);
    expect(decodeERC20TransferAmountTerms(groups![3]![0]!.terms)).toEqual({ tokenAddress: TOKEN2.toLowerCase(), maxAmount: 200n });
    expect(caveatArgsForCall(scope, transfer(TOKEN2, 1n))).toEqual(Array(5).fill('0x'));
    expect(caveatArgsForCall(scope, { to: GAME, value: 5n, data: '0x' })).toEqual(Array(4).fill('0x'));
    // Without ETH, the root holds every call to value 0 and the token leaf does not repeat it.
    const noEth = sessionCaveats(scopeOf([{ type: 'contract-access', data: { address: GAME } }, { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '1' } }]), E);
    expect(noEth.root.map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'ValueLteEnforcer']);
    expect(noEth.groups?.map((g) => g.map((c) => nameOf(c.enforcer)))).toEqual([['AllowedTargetsEnforcer'], ['ERC20TransferAmountEnforcer']]);
  });

  it('behavior: (wrapped layout, sessions granted before the chain) one OR group per call permission; ETH is session-wide; ERC-20 allowances get separate counters', () => {
    const scope = scopeOf([
      { type: 'functions-on-contract', data: { address: GAME, functions: ['move(uint8)'] } },
      { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '100' } },
      { type: 'native-token-transfer', data: { allowance: '7' } },
      { type: 'erc20-token-transfer', data: { address: TOKEN2, allowance: '200' } },
      { type: 'gas-limit', data: { limit: '1' } },
      { type: 'contract-access', data: { address: TOKEN2.replace('1111', '2222') } },
      { type: 'functions-on-all-contracts', data: { functions: ['mint(address,uint256)'] } },
      { type: 'account-functions', data: { functions: ['addDeposit()'] } },
    ]);
    const caveats = scopeToCaveats(scope, E, 'wrapped');
    expect(caveats.map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'NativeTokenTransferAmountEnforcer', 'LogicalOrWrapperEnforcer']);
    const groups = decodeLogicalOrWrapperTerms(caveats[2]!.terms).caveatGroups;
    expect(groups.map((g) => g.map((c) => nameOf(c.enforcer)))).toEqual([
      ['AllowedTargetsEnforcer', 'AllowedMethodsEnforcer'],
      ['ERC20TransferAmountEnforcer', 'ValueLteEnforcer'],
      ['ExactCalldataEnforcer'],
      ['MultiTokenPeriodEnforcer'],
      ['AllowedTargetsEnforcer'],
      ['AllowedMethodsEnforcer'],
      ['AllowedTargetsEnforcer', 'AllowedMethodsEnforcer'],
    ]);
    expect(decodeERC20TransferAmountTerms(groups[1]![0]!.terms)).toEqual({ tokenAddress: TOKEN.toLowerCase(), maxAmount: 100n });
    expect(decodeMultiTokenPeriodTerms(groups[3]![0]!.terms).tokenConfigs).toEqual([
      { token: TOKEN2, periodAmount: 200n, periodDuration: NOW + 600, startDate: 1 },
    ]);

    // The redeemer's choice per call: group index + inner args.
    const args = (call: Parameters<typeof caveatArgsForCall>[1]) => {
      const a = caveatArgsForCall(scope, call, 'wrapped');
      return a && decodeLogicalOrWrapperArgs(a[2]!);
    };
    expect(args(transfer(TOKEN, 1n))).toEqual({ groupIndex: 1n, caveatArgs: ['0x', '0x'] });
    expect(args(transfer(TOKEN2, 1n))).toEqual({ groupIndex: 3n, caveatArgs: [SINGLE_TOKEN_CONFIG_ARGS] });
    expect(args({ to: GAME, value: 5n, data: '0x' })).toEqual({ groupIndex: 2n, caveatArgs: ['0x'] });
    expect(args({ to: ACCOUNT, value: 0n, data: '0x4a58db19' })).toEqual({ groupIndex: 6n, caveatArgs: ['0x', '0x'] });
    expect(args({ to: ACCOUNT, value: 0n, data: '0xd087d288' })).toBeUndefined();
    expect(caveatArgsForCall(scope, transfer(TOKEN, 1n), 'wrapped')?.slice(0, 2)).toEqual(['0x', '0x']);
  });

  it('behavior: without native-token-transfer every call is held to value 0; the call limit is counted once per call', () => {
    const caveats = scopeToCaveats(scopeOf([{ type: 'contract-access', data: { address: GAME } }], 3), E);
    expect(caveats.map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'LimitedCallsEnforcer', 'ValueLteEnforcer', 'AllowedTargetsEnforcer']);
    expect(caveats[2]!.terms).toBe(caveatBuilder(E).valueLte(0n).terms);
    expect(caveats[3]!.terms).toBe(caveatBuilder(E).allowedTargets([GAME]).terms);
  });

  it('behavior: one call group is flat (no wrapper), its ValueLte(0) not repeated; every arg is empty', () => {
    const game = scopeOf([{ type: 'functions-on-contract', data: { address: GAME, functions: ['move(uint8)'] } }], 3);
    expect(groupLayoutOf(game)).toBe('flat');
    expect(scopeToCaveats(game, E).map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'LimitedCallsEnforcer', 'ValueLteEnforcer', 'AllowedTargetsEnforcer', 'AllowedMethodsEnforcer']);
    expect(caveatArgsForCall(game, { to: GAME, value: 0n, data: encodeFunctionData({ abi: parseAbi(['function move(uint8)']), functionName: 'move', args: [1] }) })).toEqual(['0x', '0x', '0x', '0x', '0x']);
    const token = scopeOf([{ type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '100' } }]);
    expect(scopeToCaveats(token, E).map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'ValueLteEnforcer', 'ERC20TransferAmountEnforcer']);
    expect(caveatArgsForCall(token, transfer(TOKEN, 1n))).toEqual(['0x', '0x', '0x']);
    expect(caveatArgsForCall(token, transfer(TOKEN2, 1n))).toBeUndefined();
  });

  it('param: layout "wrapped" rebuilds a one-group session granted before the flat layout, with its wrapper args', () => {
    const scope = scopeOf([{ type: 'contract-access', data: { address: GAME } }], 3);
    expect(scopeToCaveats(scope, E, 'wrapped').map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'LimitedCallsEnforcer', 'ValueLteEnforcer', 'LogicalOrWrapperEnforcer']);
    const args = caveatArgsForCall(scope, { to: GAME, value: 0n, data: '0x' }, 'wrapped');
    expect(args).toHaveLength(4);
    expect(decodeLogicalOrWrapperArgs(args![3]!)).toEqual({ groupIndex: 0n, caveatArgs: ['0x'] });
  });

  it('behavior: a periodic or streamed ETH allowance is the session-wide ETH caveat; plain transfers are its group', () => {
    const periodic = scopeToCaveats(scopeOf([{ type: 'native-token-periodic', data: { periodAmount: '100', periodDuration: 3600, startTime: NOW } }]), E);
    // One group (plain transfers), so flat.
    expect(periodic.map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'NativeTokenPeriodTransferEnforcer', 'ExactCalldataEnforcer']);
    expect(decodeNativeTokenPeriodTransferTerms(periodic[1]!.terms)).toEqual({ periodAmount: 100n, periodDuration: 3600, startDate: NOW });
    expect(periodic[2]!.terms).toBe('0x');
    const stream = scopeToCaveats(scopeOf([{ type: 'native-token-stream', data: { amountPerSecond: '2', initialAmount: '10', maxAmount: '50', startTime: NOW } }]), E);
    expect(nameOf(stream[1]!.enforcer)).toBe('NativeTokenStreamingEnforcer');
    expect(decodeNativeTokenStreamingTerms(stream[1]!.terms)).toEqual({ initialAmount: 10n, maxAmount: 50n, amountPerSecond: 2n, startTime: NOW });
  });

  it('behavior: periodic and streamed ERC-20 allowances are groups of their own, with no ETH', () => {
    const scope = scopeOf([
      { type: 'erc20-token-periodic', data: { address: TOKEN, periodAmount: '100', periodDuration: 60, startTime: NOW } },
      { type: 'erc20-token-stream', data: { address: TOKEN2, amountPerSecond: '1', initialAmount: '0', maxAmount: '9', startTime: NOW } },
    ]);
    const caveats = scopeToCaveats(scope, E, 'wrapped');
    const groups = decodeLogicalOrWrapperTerms(caveats[2]!.terms).caveatGroups;
    expect(groups.map((g) => g.map((c) => nameOf(c.enforcer)))).toEqual([
      ['ERC20PeriodTransferEnforcer', 'ValueLteEnforcer'],
      ['ERC20StreamingEnforcer', 'ValueLteEnforcer'],
    ]);
    expect(groups[0]![0]!.terms).toBe(encodePacked(['address', 'uint256', 'uint256', 'uint256'], [TOKEN, 100n, 60n, BigInt(NOW)]));
    expect(groups[1]![0]!.terms).toBe(encodePacked(['address', 'uint256', 'uint256', 'uint256', 'uint256'], [TOKEN2, 0n, 9n, 1n, BigInt(NOW)]));
    expect(decodeLogicalOrWrapperArgs(caveatArgsForCall(scope, transfer(TOKEN2, 1n), 'wrapped')![2]!)).toEqual({ groupIndex: 1n, caveatArgs: ['0x', '0x'] });
    // The chain: the same terms, each group a leaf of its own.
    const leaves = sessionCaveats(scope, E).groups!;
    expect(leaves.map((g) => g.map((c) => nameOf(c.enforcer)))).toEqual([['ERC20PeriodTransferEnforcer'], ['ERC20StreamingEnforcer']]);
    expect(leaves[0]![0]!.terms).toBe(groups[0]![0]!.terms);
    expect(leaves[1]![0]!.terms).toBe(groups[1]![0]!.terms);
  });

  it('behavior: token-approval-revocation is one ApprovalRevocationEnforcer group (no Permit2), accepting only revocations', () => {
    const scope = scopeOf([{ type: 'token-approval-revocation' }]);
    const caveats = scopeToCaveats(scope, E);
    expect(caveats.map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'ValueLteEnforcer', 'ApprovalRevocationEnforcer']);
    expect(caveats[2]!.terms).toBe('0x07');
    const approve = (spender: Address, amount: bigint) => ({ to: TOKEN, value: 0n, data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [spender, amount] }) });
    const forAll = (approved: boolean) => ({ to: TOKEN, value: 0n, data: encodeFunctionData({ abi: parseAbi(['function setApprovalForAll(address,bool)']), functionName: 'setApprovalForAll', args: [GAME, approved] }) });
    expect(caveatArgsForCall(scope, approve(GAME, 0n))).toBeDefined();
    expect(caveatArgsForCall(scope, approve(zeroAddress, 7n))).toBeDefined(); // ERC-721 approve(0, tokenId)
    expect(caveatArgsForCall(scope, forAll(false))).toBeDefined();
    expect(caveatArgsForCall(scope, approve(GAME, 1n))).toBeUndefined();
    expect(caveatArgsForCall(scope, forAll(true))).toBeUndefined();
    expect(caveatArgsForCall(scope, { ...approve(GAME, 0n), value: 1n })).toBeUndefined();
  });

  it('param: redeemers add a RedeemerEnforcer after the call limit, and its (empty) args', () => {
    const scope = { ...scopeOf([{ type: 'contract-access', data: { address: GAME } }], 3), redeemers: [TOKEN2] };
    const caveats = scopeToCaveats(scope, E);
    expect(caveats.map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'LimitedCallsEnforcer', 'RedeemerEnforcer', 'ValueLteEnforcer', 'AllowedTargetsEnforcer']);
    expect(caveats[2]!.terms).toBe(caveatBuilder(E).redeemer([TOKEN2]).terms);
    expect(caveatArgsForCall(scope, { to: GAME, value: 0n, data: '0x' })?.length).toBe(5);
    expect(caveatArgsForCall(scope, { to: GAME, value: 0n, data: '0x' }, 'wrapped')?.length).toBe(5);
    const root = { ...scopeOf([{ type: 'root' }]), redeemers: [TOKEN2] };
    expect(scopeToCaveats(root, E).map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'RedeemerEnforcer']);
  });

  it('error: a deployment without the wrapper cannot express the wrapped layout', () => {
    const { LogicalOrWrapperEnforcer: _omit, ...rest } = E;
    const twoGroups = scopeOf([{ type: 'contract-access', data: { address: GAME } }, { type: 'contract-access', data: { address: TOKEN } }]);
    expect(() => scopeToCaveats(twoGroups, rest, 'wrapped')).toThrow('no LogicalOrWrapperEnforcer address in this deployment');
    expect(() => sessionCaveats(twoGroups, rest)).not.toThrow(); // the chain needs no wrapper
    expect(() => scopeToCaveats(scopeOf([{ type: 'contract-access', data: { address: GAME } }]), rest)).not.toThrow();
  });
});

describe('delegationLayout', () => {
  const scope = scopeOf([{ type: 'contract-access', data: { address: GAME } }], 3);
  const signed = (caveats: ReturnType<typeof scopeToCaveats>) => ({ caveats });

  it('behavior: a one-group session granted with the wrapper (before the flat layout) still matches its scope and gets wrapper args', () => {
    const legacy = signed(scopeToCaveats(scope, E, 'wrapped'));
    expect(delegationLayout(legacy, scope, E)).toBe('wrapped');
    expect(delegationLayout(signed(scopeToCaveats(scope, E)), scope, E)).toBe('flat');
  });

  it('error: caveats of another scope are refused in either layout', () => {
    const other = scopeOf([{ type: 'contract-access', data: { address: TOKEN } }], 3);
    expect(() => delegationLayout(signed(scopeToCaveats(other, E, 'wrapped')), scope, E)).toThrow(DelegationScopeMismatchError);
    expect(() => delegationLayout(signed(scopeToCaveats(other, E)), scope, E)).toThrow(DelegationScopeMismatchError);
  });
});

describe('signSessionDelegation', () => {
  const owner = privateKeyToAccount(generatePrivateKey());
  const key: Address = '0x3333333333333333333333333333333333333333';
  const context = { chainId: 31337, delegationManager: devnet.contracts.DelegationManager as Address };
  const twoGroups = scopeOf([{ type: 'contract-access', data: { address: GAME } }, { type: 'native-token-transfer', data: { allowance: '5' } }], 4);

  it('behavior: several groups sign a root to the owner itself and one leaf per group to the key, each leaf under the root', async () => {
    const d = await signSessionDelegation(owner, { delegator: owner.address, delegate: key, scope: twoGroups, enforcers: E, context });
    expect(d.delegate).toBe(owner.address);
    expect(d.groups?.map((g) => [g.delegate, g.delegator, g.authority])).toEqual([
      [key, owner.address, hashDelegation(d)],
      [key, owner.address, hashDelegation(d)],
    ]);
    expect(delegationLayout(d, twoGroups, E)).toBe('chain');
    const one = await signSessionDelegation(owner, { delegator: owner.address, delegate: key, scope: scopeOf([{ type: 'contract-access', data: { address: GAME } }]), enforcers: E, context });
    expect([one.delegate, one.groups]).toEqual([key, undefined]);
  });

  it('error: a chain whose leaf names another root, or swaps groups, does not match its scope', async () => {
    const d = await signSessionDelegation(owner, { delegator: owner.address, delegate: key, scope: twoGroups, enforcers: E, context });
    const [a, b] = d.groups!;
    expect(() => delegationLayout({ ...d, groups: [b!, a!] }, twoGroups, E)).toThrow(DelegationScopeMismatchError);
    expect(() => delegationLayout({ ...d, groups: [{ ...a!, authority: ROOT_AUTHORITY }, b!] }, twoGroups, E)).toThrow(DelegationScopeMismatchError);
    expect(() => delegationLayout({ ...d, salt: d.salt + 1n }, twoGroups, E)).toThrow(DelegationScopeMismatchError);
    expect(() => delegationLayout(rootOf(d), twoGroups, E)).toThrow(DelegationScopeMismatchError);
  });
});

describe('SessionCallEnforcer layouts (the wallet own enforcer, where deployed)', () => {
  const ES = { ...E, SessionCallEnforcer: devnet.contracts.SessionCallEnforcer as Address };
  const move = toFunctionSelector('move(uint8)');
  const buy = toFunctionSelector('buyItem(uint256)');
  const header = (expiry: number, callLimit: number, allowance?: bigint) =>
    encodePacked(['uint64', 'uint64', 'uint8', 'uint128'], [BigInt(expiry), BigInt(callLimit), allowance === undefined ? 0 : 1, allowance ?? 0n]);
  const rule = (kind: number, target: Address, selector: `0x${string}`) => encodePacked(['uint8', 'address', 'bytes4'], [kind, target, selector]).slice(2);

  it('behavior: one call group is ONE caveat: expiry, call limit, no ETH, and the (target, selector) pairs', () => {
    const game = scopeOf([{ type: 'functions-on-contract', data: { address: GAME, functions: ['move(uint8)', 'buyItem(uint256)'] } }], 3);
    const caveats = scopeToCaveats(game, ES);
    expect(caveats).toHaveLength(1);
    expect(caveats[0]!.enforcer).toBe(ES.SessionCallEnforcer);
    expect(caveats[0]!.terms).toBe(header(NOW + 600, 3, 0n) + rule(0, GAME, move) + rule(0, GAME, buy));
    expect(caveatArgsForGroup(game, 0, 'flat', ES)).toEqual(['0x']);
  });

  it('behavior: the demo shape is a chain: the root counts calls and ETH for every group; each leaf holds its own group only', () => {
    const scope = scopeOf(
      [
        { type: 'functions-on-contract', data: { address: GAME, functions: ['move(uint8)'] } },
        { type: 'native-token-transfer', data: { allowance: '5' } },
        { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '100' } },
        { type: 'functions-on-all-contracts', data: { functions: ['buyItem(uint256)'] } },
        { type: 'contract-access', data: { address: TOKEN2 } },
      ],
      4,
    );
    const { root, groups } = sessionCaveats(scope, ES);
    expect(root.map((c) => c.terms)).toEqual([header(NOW + 600, 4, 5n)]);
    expect(groups!.map((g) => g.map((c) => nameOf(c.enforcer) ?? 'SessionCallEnforcer'))).toEqual([
      ['SessionCallEnforcer'],
      ['SessionCallEnforcer'],
      ['ERC20TransferAmountEnforcer', 'ValueLteEnforcer'], // the session moves ETH: a token transfer must not
      ['SessionCallEnforcer'],
      ['SessionCallEnforcer'],
    ]);
    // A leaf counts nothing and has no expiry of its own: the root holds those for every group.
    expect(groups![0]![0]!.terms).toBe(header(0, 0) + rule(0, GAME, move));
    expect(groups![1]![0]!.terms).toBe(header(0, 0) + rule(3, zeroAddress, '0x00000000'));
    expect(groups![3]![0]!.terms).toBe(header(0, 0) + rule(2, zeroAddress, buy));
    expect(groups![4]![0]!.terms).toBe(header(0, 0) + rule(1, TOKEN2, '0x00000000'));
    expect(caveatArgsForGroup(scope, 2, 'chain', ES)).toEqual(['0x', '0x', '0x']);
  });

  it('behavior: several groups it can all say as rules are ONE delegation with ONE caveat (their union; no chain)', () => {
    const scope = scopeOf(
      [
        { type: 'functions-on-contract', data: { address: GAME, functions: ['move(uint8)', 'buyItem(uint256)'] } },
        { type: 'native-token-transfer', data: { allowance: '5' } },
        { type: 'contract-access', data: { address: TOKEN2 } },
      ],
      4,
    );
    expect(groupLayoutOf(scope, ES)).toBe('flat');
    expect(groupLayoutOf(scope, E)).toBe('chain');
    const { root, groups } = sessionCaveats(scope, ES);
    expect(groups).toBeUndefined();
    expect(root).toEqual([{ enforcer: ES.SessionCallEnforcer, terms: header(NOW + 600, 4, 5n) + rule(0, GAME, move) + rule(0, GAME, buy) + rule(3, zeroAddress, '0x00000000') + rule(1, TOKEN2, '0x00000000'), args: '0x' }]);
    expect(scopeToCaveats(scope, ES)).toEqual(root);
    expect(caveatArgsForGroup(scope, 2, undefined, ES)).toEqual(['0x']);
    expect(delegationLayout({ caveats: root }, scope, ES)).toBe('flat');
    // Held by a dApp (a context per permission): a leaf per group, each one SessionCallEnforcer caveat.
    const perGroup = sessionCaveats(scope, ES, { perGroup: true });
    expect(perGroup.root.map((c) => c.terms)).toEqual([header(NOW + 600, 4, 5n)]);
    expect(perGroup.groups!.map((g) => g.map((c) => c.terms))).toEqual([
      [header(0, 0) + rule(0, GAME, move) + rule(0, GAME, buy)],
      [header(0, 0) + rule(3, zeroAddress, '0x00000000')],
      [header(0, 0) + rule(1, TOKEN2, '0x00000000')],
    ]);
  });

  it('behavior: an ERC-20 group without ETH in the session drops its ValueLte(0): the allowance of 0 already refuses any value', () => {
    const token = scopeOf([{ type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '100' } }]);
    const caveats = scopeToCaveats(token, ES);
    expect(caveats.map((c) => nameOf(c.enforcer) ?? 'SessionCallEnforcer')).toEqual(['SessionCallEnforcer', 'ERC20TransferAmountEnforcer']);
    expect(caveats[0]!.terms).toBe(header(NOW + 600, 0, 0n));
  });

  it('behavior: root, redeemers and periodic ETH keep what the enforcer does not count (value unchecked for root; the framework caveat for periods)', () => {
    const root = { ...scopeOf([{ type: 'root' }], 2), redeemers: [TOKEN2] };
    const rootCaveats = scopeToCaveats(root, ES);
    expect(rootCaveats.map((c) => nameOf(c.enforcer) ?? 'SessionCallEnforcer')).toEqual(['SessionCallEnforcer', 'RedeemerEnforcer']);
    expect(rootCaveats[0]!.terms).toBe(header(NOW + 600, 2));
    const periodic = scopeToCaveats(scopeOf([{ type: 'native-token-periodic', data: { periodAmount: '100', periodDuration: 3600, startTime: NOW } }]), ES);
    expect(periodic.map((c) => nameOf(c.enforcer) ?? 'SessionCallEnforcer')).toEqual(['SessionCallEnforcer', 'NativeTokenPeriodTransferEnforcer']);
    expect(periodic[0]!.terms).toBe(header(NOW + 600, 0) + rule(3, zeroAddress, '0x00000000'));
  });

  it('param: without the enforcer in the deployment (or numbers its terms cannot hold) the framework layout is used', () => {
    const game = scopeOf([{ type: 'contract-access', data: { address: GAME } }], 3);
    expect(usesSessionCall(game, E)).toBe(false);
    expect(usesSessionCall(game, ES)).toBe(true);
    const huge = scopeOf([{ type: 'native-token-transfer', data: { allowance: (2n ** 128n).toString() } }]);
    expect(usesSessionCall(huge, ES)).toBe(false);
    expect(scopeToCaveats(huge, ES).map((c) => nameOf(c.enforcer))).toEqual(['TimestampEnforcer', 'NativeTokenTransferAmountEnforcer', 'ExactCalldataEnforcer']);
  });

  it('behavior: a session signed with the framework enforcers still matches its scope when the deployment adds SessionCallEnforcer', () => {
    const game = scopeOf([{ type: 'contract-access', data: { address: GAME } }], 3);
    expect(delegationLayout({ caveats: scopeToCaveats(game, E) }, game, ES)).toBe('flat');
    expect(delegationLayout({ caveats: scopeToCaveats(game, ES) }, game, ES)).toBe('flat');
    const other = scopeOf([{ type: 'contract-access', data: { address: TOKEN } }], 3);
    expect(() => delegationLayout({ caveats: scopeToCaveats(other, ES) }, game, ES)).toThrow(DelegationScopeMismatchError);
  });
});
