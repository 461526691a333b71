// End to end on the devnet, with src/backends/delegation/framework.ts only (no smart-accounts-kit):
// a 7702-upgraded owner signs a session delegation (Timestamp + AllowedTargets + LimitedCalls) to a
// fresh key; the key redeems it through DelegationManager.redeemDelegations; out-of-scope calls,
// over-limit calls, expiry, a stranger and revocation all fail on chain.
import { readFileSync } from 'node:fs';
import { hashDelegation as coreHashDelegation } from '@metamask/delegation-core';
import { domainSeparator, encodeFunctionData, parseEther, recoverAddress, toFunctionSelector, type Address } from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ANVIL_DEV_ACCOUNTS } from '../../devnet/constants';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import { DEPLOYMENT_FILE, fundAddress } from '../../devnet/deploy';
import { parseDeployment } from '../../devnet/deployment';
import {
  EXECUTION_MODE,
  ROOT_AUTHORITY,
  caveatBuilder,
  createDelegation,
  decodeRevertReason,
  delegatedImplementation,
  delegationSigningHash,
  encodeDisableDelegation,
  encodeRedeemDelegations,
  hashDelegation,
  signDelegation,
  type Caveat,
  type Delegation,
  type Execution,
  type Redemption,
} from '../../src/backends/delegation/framework';
import { DelegationManager as DelegationManagerAbi } from '@metamask/delegation-abis';
import { devnetClients } from './helpers';

const rpcUrl = inject('rpcUrl');
const { chain, publicClient, testClient, walletFor } = devnetClients(rpcUrl);
const deployment = parseDeployment(JSON.parse(readFileSync(DEPLOYMENT_FILE, 'utf8')));
const { DelegationManager, EIP7702StatelessDeleGatorImpl, DemoGame, DemoToken } = deployment.contracts;
const ctx = { chainId: chain.id, delegationManager: DelegationManager };
const caveats = caveatBuilder(deployment.contracts.caveatEnforcers);

// Dev account #3 (anvil's public dev key #3) plays the owner; no other test file upgrades it.
const owner = privateKeyToAccount(ANVIL_DEV_ACCOUNTS[3].privateKey);
const session = privateKeyToAccount(generatePrivateKey());

const move = (direction: number): Execution => ({
  target: DemoGame,
  value: 0n,
  callData: encodeFunctionData({ abi: DemoGameAbi, functionName: 'move', args: [direction] }),
});
const ownerScore = () => publicClient.readContract({ address: DemoGame, abi: DemoGameAbi, functionName: 'score', args: [owner.address] });

/** Sends redeemDelegations from `from` and waits; throws with the decoded revert reason if it would revert. */
async function redeem(from: PrivateKeyAccount, redemptions: readonly Redemption[]) {
  const data = encodeRedeemDelegations(redemptions);
  // Simulate first, as the wallet must: a reverted redemption still costs the session key gas.
  try {
    await publicClient.call({ account: from, to: DelegationManager, data });
  } catch (err) {
    throw new Error(`redemption would revert: ${decodeRevertReason(err) ?? (err as Error).message}`);
  }
  const hash = await walletFor(from).sendTransaction({ to: DelegationManager, data });
  return publicClient.waitForTransactionReceipt({ hash });
}

async function blockTime(): Promise<number> {
  return Number((await publicClient.getBlock()).timestamp);
}

async function sessionDelegation(extra: { limit: number; expiresIn?: number; targets?: Address[]; more?: Caveat[] }): Promise<Delegation> {
  const unsigned = createDelegation({
    delegator: owner.address,
    delegate: session.address,
    caveats: [
      caveats.timestamp({ beforeThreshold: (await blockTime()) + (extra.expiresIn ?? 3600) }),
      caveats.allowedTargets(extra.targets ?? [DemoGame]),
      caveats.limitedCalls(extra.limit),
      ...(extra.more ?? []),
    ],
  });
  return signDelegation(owner, unsigned, ctx);
}

beforeAll(async () => {
  // Upgrade the owner's EOA to the stateless 7702 DeleGator (idempotent if already upgraded).
  const wallet = walletFor(owner);
  const authorization = await wallet.signAuthorization({ account: owner, contractAddress: EIP7702StatelessDeleGatorImpl, executor: 'self' });
  const hash = await wallet.sendTransaction({ to: owner.address, data: '0x', authorizationList: [authorization] });
  expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
  expect(delegatedImplementation(await publicClient.getCode({ address: owner.address }))).toBe(EIP7702StatelessDeleGatorImpl);
  // The session key pays its own gas (the design's stipend); give it some.
  await fundAddress(rpcUrl, session.address, { eth: parseEther('1') });
});

describe('delegation framework on the devnet', () => {
  it('hashes and typed data agree with the DelegationManager and delegation-core', async () => {
    const d = await sessionDelegation({ limit: 1 });
    const onChain = await publicClient.readContract({ address: DelegationManager, abi: DelegationManagerAbi, functionName: 'getDelegationHash', args: [d] });
    expect(hashDelegation(d)).toBe(onChain);
    expect(coreHashDelegation({ ...d, caveats: [...d.caveats] })).toBe(onChain);
    expect(d.authority).toBe(ROOT_AUTHORITY);

    // What the owner signed is the EIP-712 digest under the DelegationManager's own domain.
    const domainHash = await publicClient.readContract({ address: DelegationManager, abi: DelegationManagerAbi, functionName: 'getDomainHash' });
    expect(domainSeparator({ domain: { name: 'DelegationManager', version: '1', chainId: chain.id, verifyingContract: DelegationManager } })).toBe(domainHash);
    expect(await recoverAddress({ hash: delegationSigningHash(d, ctx), signature: d.signature })).toBe(owner.address);
  });

  it('the session key redeems an in-scope call; the owner account is the one that acts', async () => {
    const d = await sessionDelegation({ limit: 5 });
    const before = await ownerScore();
    const sessionScoreBefore = await publicClient.readContract({ address: DemoGame, abi: DemoGameAbi, functionName: 'score', args: [session.address] });
    const receipt = await redeem(session, [{ delegations: [d], executions: [move(1)] }]);
    expect(receipt.status).toBe('success');
    expect(receipt.from).toBe(session.address.toLowerCase());
    expect(await ownerScore()).toBe(before + 1n);
    expect(await publicClient.readContract({ address: DemoGame, abi: DemoGameAbi, functionName: 'score', args: [session.address] })).toBe(sessionScoreBefore);
  });

  it('an out-of-scope target reverts (AllowedTargetsEnforcer), on simulation and on chain', async () => {
    const d = await sessionDelegation({ limit: 5 });
    const mint: Execution = {
      target: DemoToken,
      value: 0n,
      callData: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'mint', args: [session.address, 1n] }),
    };
    await expect(redeem(session, [{ delegations: [d], executions: [mint] }])).rejects.toThrow(
      'redemption would revert: AllowedTargetsEnforcer:target-address-not-allowed',
    );

    // Forced on chain with a fixed gas limit (no simulation): the transaction reverts, nothing is minted.
    const supply = await publicClient.readContract({ address: DemoToken, abi: DemoTokenAbi, functionName: 'totalSupply' });
    const hash = await walletFor(session).sendTransaction({
      to: DelegationManager,
      data: encodeRedeemDelegations([{ delegations: [d], executions: [mint] }]),
      gas: 500_000n,
    });
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe('reverted');
    expect(await publicClient.readContract({ address: DemoToken, abi: DemoTokenAbi, functionName: 'totalSupply' })).toBe(supply);
  });

  it('LimitedCalls caps redemptions; several single-call redemptions can share one transaction', async () => {
    const d = await sessionDelegation({ limit: 3 });
    const before = await ownerScore();
    // Two calls, one transaction, each its own SingleDefault redemption (how wallet_sendCalls batches map).
    const r = await redeem(session, [
      { delegations: [d], executions: [move(0)] },
      { delegations: [d], executions: [move(2)] },
    ]);
    expect(r.status).toBe('success');
    expect(await ownerScore()).toBe(before + 2n);
    await redeem(session, [{ delegations: [d], executions: [move(3)] }]);
    expect(await ownerScore()).toBe(before + 3n);
    await expect(redeem(session, [{ delegations: [d], executions: [move(1)] }])).rejects.toThrow(/LimitedCallsEnforcer:limit-exceeded/);
    expect(await ownerScore()).toBe(before + 3n);
  });

  it('AllowedTargets rejects batch mode, which is why batches are split into single redemptions', async () => {
    const d = await sessionDelegation({ limit: 5 });
    await expect(
      redeem(session, [{ delegations: [d], executions: [move(0), move(1)], mode: EXECUTION_MODE.BatchDefault }]),
    ).rejects.toThrow(/CaveatEnforcer:invalid-call-type/);
  });

  it('AllowedMethods (selector) caveat: move is allowed, buyItem is not', async () => {
    const d = await sessionDelegation({
      limit: 5,
      more: [caveats.allowedMethods([toFunctionSelector('function move(uint8)')])],
    });
    await redeem(session, [{ delegations: [d], executions: [move(1)] }]);
    const buy: Execution = { target: DemoGame, value: 0n, callData: encodeFunctionData({ abi: DemoGameAbi, functionName: 'buyItem', args: [1n] }) };
    await expect(redeem(session, [{ delegations: [d], executions: [buy] }])).rejects.toThrow(/AllowedMethodsEnforcer:method-not-allowed/);
  });

  it('a key that is not the delegate cannot redeem', async () => {
    const d = await sessionDelegation({ limit: 5 });
    const stranger = privateKeyToAccount(generatePrivateKey());
    await fundAddress(rpcUrl, stranger.address, { eth: parseEther('0.1') });
    await expect(redeem(stranger, [{ delegations: [d], executions: [move(1)] }])).rejects.toThrow(/InvalidDelegate/);
  });

  it('a delegation signed by someone other than the delegator is rejected', async () => {
    const unsigned = createDelegation({ delegator: owner.address, delegate: session.address, caveats: [caveats.limitedCalls(1)] });
    const forged = await signDelegation(session, unsigned, ctx);
    await expect(redeem(session, [{ delegations: [forged], executions: [move(1)] }])).rejects.toThrow(/InvalidERC1271Signature/);
  });

  it('expires: after the Timestamp threshold the same delegation reverts', async () => {
    const d = await sessionDelegation({ limit: 5, expiresIn: 60 });
    await redeem(session, [{ delegations: [d], executions: [move(1)] }]);
    // Time travel inside a snapshot so later tests (and other files) keep the real clock.
    const snapshot = await testClient.snapshot();
    try {
      await testClient.increaseTime({ seconds: 61 });
      await testClient.mine({ blocks: 1 });
      await expect(redeem(session, [{ delegations: [d], executions: [move(1)] }])).rejects.toThrow(/TimestampEnforcer:expired-delegation/);
    } finally {
      await testClient.revert({ id: snapshot });
    }
  });

  it('revocation: the owner disables the delegation on chain and it stops working', async () => {
    const d = await sessionDelegation({ limit: 5 });
    await redeem(session, [{ delegations: [d], executions: [move(1)] }]);
    const hash = await walletFor(owner).sendTransaction({ to: owner.address, data: encodeDisableDelegation(d) });
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
    const disabled = await publicClient.readContract({
      address: DelegationManager,
      abi: DelegationManagerAbi,
      functionName: 'disabledDelegations',
      args: [hashDelegation(d)],
    });
    expect(disabled).toBe(true);
    await expect(redeem(session, [{ delegations: [d], executions: [move(1)] }])).rejects.toThrow(/CannotUseADisabledDelegation/);
  });
});
