// Sessions driven from Node with the wallet's own code, the way src/sessions/service.ts does it
// (that file needs the extension's storage, so its steps are repeated here, not imported):
//   grant  = signSessionDelegation (sessionCaveats, owner key: one delegation or a chain) -> fund the stipend
//   use    = encodeSessionBatch -> the session key sends DelegationManager.redeemDelegations
//   revoke = the owner's self-call DeleGator.disableDelegation -> sweep the stipend back
// The scope comes from the same ERC-7715 request the provider benchmark sends from the page,
// translated by src/permissions/erc7715.ts as the extension translates it.
import {
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  getAddress,
  http,
  parseEther,
  toHex,
  type Address,
  type Hex,
  type LocalAccount,
  type TransactionReceipt,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { DemoGameAbi } from '../devnet/contracts/abis';
import type { Devnet } from '../devnet/index';
import { setDelegation } from '../src/account/owner-actions';
import { encodeDisableDelegation, hashDelegation } from '../src/backends/delegation/framework';
import { encodeSessionBatch, rootOf, signSessionDelegation, type SessionDelegation } from '../src/backends/delegation/session-chain';
import { frameworkFor, type FrameworkDeployment } from '../src/chains/deployments';
import { devnet as devnetChain, toViemChain, type ChainConfig } from '../src/chains/registry';
import { draftToScope, translateErc7715Request } from '../src/permissions/erc7715';
import type { SessionCall, SessionScope } from '../src/permissions/types';
import { DEFAULT_MAX_SESSION_SECONDS } from '../src/permissions/validate';

/** Generous enough for every call the benchmarks make (LimitedCallsEnforcer counts each call). */
export const BENCH_CALL_LIMIT = 100_000;
/** The session key's gas stipend (the gas-limit policy): hundreds of redemptions. */
export const BENCH_GAS_STIPEND = parseEther('5');
export const BENCH_NATIVE_ALLOWANCE = parseEther('0.01');

/** The ERC-7715 wallet_grantPermissions request (params[0]) both benchmarks use. */
export function grantRequest(game: Address, expiry: number, shape: { demoToken?: Address; gameOnly?: boolean } = {}) {
  const permissions: { type: string; data: Record<string, unknown>; policies: { type: string; data: Record<string, unknown> }[]; required: boolean }[] = [
      {
        type: 'contract-call',
        data: { address: game, calls: ['move(uint8)', 'buyItem(uint256)'] },
        policies: [
          { type: 'call-limit', data: { count: BENCH_CALL_LIMIT } },
          { type: 'gas-limit', data: { limit: toHex(BENCH_GAS_STIPEND) } },
        ],
        required: true,
      },
      {
        type: 'native-token-transfer',
        data: { ticker: 'ETH' },
        policies: [{ type: 'token-allowance', data: { allowance: toHex(BENCH_NATIVE_ALLOWANCE) } }],
        required: true,
      },
  ];
  // The demo dApp's third group: DEMO transfers within an allowance.
  if (shape.demoToken) {
    permissions.push({ type: 'erc20-token-transfer', data: { address: shape.demoToken, ticker: 'DEMO' }, policies: [{ type: 'token-allowance', data: { allowance: toHex(parseEther('100')) } }], required: true });
  }
  return { expiry, signer: { type: 'wallet' }, permissions: shape.gameOnly ? permissions.slice(0, 1) : permissions };
}

/** The SessionScope the extension makes of grantRequest() (approved as asked, nothing left out). */
export function scopeOf(request: ReturnType<typeof grantRequest>, account: Address, chainId: number, now: number): SessionScope {
  const draft = translateErc7715Request('wallet_grantPermissions', [request], { account, chainId });
  return draftToScope(draft, { account, chainId, now, maxSessionSeconds: DEFAULT_MAX_SESSION_SECONDS });
}

export function moveCall(game: Address, direction: number): SessionCall {
  return { to: game, value: 0n, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'move', args: [direction % 4] }) };
}

export interface NodeSession {
  owner: LocalAccount;
  key: PrivateKeyAccount;
  scope: SessionScope;
  delegation: SessionDelegation;
  id: Hex;
}

export type BenchEnv = ReturnType<typeof benchEnv>;

/** On automine a transaction is mined within milliseconds; one not mined after this is stuck. */
const MINED_WITHIN_MS = 30_000;

/**
 * Clients on the benchmark's devnet, with the wallet's framework addresses checked against it.
 * `pollingInterval` is how often a receipt is polled when it is not there at the first look (viem
 * looks at once, then polls): 250 ms as the wallet's own clients (sessions/service.ts), or what a
 * comparison needs (the provider benchmark's page polls every 20 ms).
 */
export function benchEnv(net: Pick<Devnet, 'rpcUrl' | 'deployment'>, opts: { pollingInterval?: number } = {}) {
  const chain: ChainConfig = { ...devnetChain, rpcUrl: net.rpcUrl };
  const viemChain = toViemChain(chain);
  const transport = http(net.rpcUrl, { retryCount: 0 });
  // As the wallet's own clients (sessions/service.ts): no retries.
  const publicClient = createPublicClient({ chain: viemChain, transport, pollingInterval: opts.pollingInterval ?? 250 });
  const walletFor = (account: LocalAccount) => createWalletClient({ chain: viemChain, transport, account });
  const framework: FrameworkDeployment = frameworkFor(chain.id)!;
  if (getAddress(framework.DelegationManager) !== getAddress(net.deployment.contracts.DelegationManager)) {
    throw new Error('devnet/deployment.json (what src/ uses) does not match the devnet the benchmark started');
  }
  const game = getAddress(net.deployment.contracts.DemoGame);

  async function mined(hash: Hex | Promise<Hex>, what: string): Promise<TransactionReceipt> {
    const sent = await hash;
    const receipt = await receiptOf(sent);
    if (!receipt) throw new Error(`${what} was not mined within ${MINED_WITHIN_MS / 1000} s: ${await notMinedWhy(sent)}`);
    if (receipt.status !== 'success') throw new Error(`${what} reverted (${receipt.transactionHash})`);
    return receipt;
  }

  /**
   * The receipt, read at once and then every `pollingInterval` until it is there (undefined after
   * MINED_WITHIN_MS). Not viem's waitForTransactionReceipt: on automine it watches the block number
   * and reads the receipt when it changes, and in about one provider run in five here it read block
   * N before the receipt of the transaction mined in N was there, then waited for a block N+1 that
   * automine never makes when nothing else is sent (the transaction was in block N, its receipt
   * readable, 30 s later). One read per poll, against viem's two: no kinder a floor.
   */
  async function receiptOf(hash: Hex): Promise<TransactionReceipt | undefined> {
    const until = performance.now() + MINED_WITHIN_MS;
    for (;;) {
      const receipt = await publicClient.getTransactionReceipt({ hash }).catch(() => undefined);
      if (receipt) return receipt;
      if (performance.now() > until) return undefined;
      await new Promise((r) => setTimeout(r, publicClient.pollingInterval));
    }
  }

  async function notMinedWhy(hash: Hex): Promise<string> {
    try {
      const tx = await publicClient.getTransaction({ hash });
      const [latest, pending, block, receipt] = await Promise.all([
        publicClient.getTransactionCount({ address: tx.from, blockTag: 'latest' }),
        publicClient.getTransactionCount({ address: tx.from, blockTag: 'pending' }),
        publicClient.getBlock({ blockTag: 'latest' }),
        publicClient.getTransactionReceipt({ hash }).catch(() => undefined),
      ]);
      const where = tx.blockNumber !== null ? `mined in block ${tx.blockNumber}, its receipt ${receipt ? 'there now' : 'still missing'}` : 'not in a block';
      return `${hash} ${where}; from ${tx.from} nonce ${tx.nonce} (the sender's mined count ${latest}, with the pool ${pending}), gas ${tx.gas}, maxFeePerGas ${tx.maxFeePerGas} against the latest base fee ${block.baseFeePerGas} at block ${block.number}`;
    } catch (e) {
      return `${hash}; the node could not say more (${(e as Error).message.split('\n')[0]})`;
    }
  }

  async function setBalance(address: Address, value: bigint): Promise<void> {
    await publicClient.request({ method: 'anvil_setBalance' as never, params: [address, toHex(value)] as never });
  }

  /** A fresh funded EOA (no code). */
  async function fundedAccount(eth = parseEther('1000')): Promise<PrivateKeyAccount> {
    const account = privateKeyToAccount(generatePrivateKey());
    await setBalance(account.address, eth);
    return account;
  }

  /** A fresh owner: funded with anvil_setBalance, then 7702-upgraded with the wallet's setDelegation. */
  async function upgradedOwner(): Promise<PrivateKeyAccount> {
    const owner = await fundedAccount();
    await mined(setDelegation(chain, owner, 'framework'), 'the 7702 upgrade');
    return owner;
  }

  /** One plain 1-wei transfer to a fresh address, sent and mined (the latency baseline). */
  function transfer(from: LocalAccount): Promise<TransactionReceipt> {
    return mined(walletFor(from).sendTransaction({ to: privateKeyToAccount(generatePrivateKey()).address, value: 1n }), 'a plain transfer');
  }

  /** Sessions.grant after the upgrade: a new key, the signed delegation, the stipend funded and mined. */
  /** `frameworkOnly`: sign with the framework's enforcers alone, as on a chain without the wallet's SessionCallEnforcer. */
  async function grant(owner: LocalAccount, scope: SessionScope, opts: { frameworkOnly?: boolean } = {}): Promise<NodeSession> {
    const key = privateKeyToAccount(generatePrivateKey());
    const { SessionCallEnforcer: _own, ...frameworkOnly } = framework.caveatEnforcers;
    const delegation = await signSessionDelegation(owner, {
      delegator: owner.address,
      delegate: key.address,
      scope,
      enforcers: opts.frameworkOnly ? frameworkOnly : framework.caveatEnforcers,
      context: { chainId: chain.id, delegationManager: framework.DelegationManager },
    });
    const gasLimit = scope.permissions.find((p) => p.type === 'gas-limit');
    const stipend = gasLimit?.type === 'gas-limit' ? gasLimit.data.limit : parseEther('0.01');
    await mined(walletFor(owner).sendTransaction({ to: key.address, value: stipend }), 'funding the session key');
    return { owner, key, scope, delegation, id: hashDelegation(delegation) };
  }

  /** The session key redeems `calls` in one redeemDelegations transaction (estimated, signed, sent, mined). */
  function redeem(session: NodeSession, calls: readonly SessionCall[]): Promise<TransactionReceipt> {
    const data = encodeSessionBatch(session.delegation, session.scope, calls);
    return mined(walletFor(session.key).sendTransaction({ to: framework.DelegationManager, value: 0n, data }), 'a session redemption');
  }

  /**
   * The session key redeems each batch in its own transaction, `inFlight` of them at a time, each
   * estimated, signed with a nonce counted here (as a key that signs in one place may), sent and
   * mined: the floor for a burst with sends overlapping.
   */
  async function redeemInFlight(session: NodeSession, batches: readonly (readonly SessionCall[])[], inFlight: number): Promise<void> {
    let nonce = await publicClient.getTransactionCount({ address: session.key.address, blockTag: 'pending' });
    let next = 0;
    const wallet = walletFor(session.key);
    // Broadcast in nonce order (a node may hold a transaction that arrives before its predecessor
    // until something else is sent); estimates and receipts overlap.
    let sending: Promise<unknown> = Promise.resolve();
    const worker = async () => {
      while (next < batches.length) {
        const data = encodeSessionBatch(session.delegation, session.scope, batches[next++]!);
        const gas = await publicClient.estimateGas({ account: session.key, to: framework.DelegationManager, data });
        const hash = sending.then(() => wallet.sendTransaction({ to: framework.DelegationManager, value: 0n, data, gas, nonce: nonce++ }));
        sending = hash.catch(() => undefined);
        await mined(hash, 'a session redemption');
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  }

  /**
   * Sessions.revoke's chain part: disableDelegation from the owner, mined; then the stipend sweep
   * as Sessions.sweep sends it (gas estimated, +20%, because the owner's upgraded account runs code
   * on receipt), mined. The sweep's receipt is returned whatever its status; the bench checks it.
   */
  async function revoke(session: NodeSession): Promise<{ disable: TransactionReceipt; sweep: TransactionReceipt | undefined }> {
    const disable = await mined(walletFor(session.owner).sendTransaction({ to: session.owner.address, data: encodeDisableDelegation(rootOf(session.delegation)) }), 'disableDelegation');
    const [balance, fees] = await Promise.all([publicClient.getBalance({ address: session.key.address }), publicClient.estimateFeesPerGas()]);
    const gas = ((await publicClient.estimateGas({ account: session.key, to: session.owner.address, value: 1n })) * 12n) / 10n;
    const cost = gas * fees.maxFeePerGas;
    if (balance <= cost * 2n) return { disable, sweep: undefined };
    const hash = await walletFor(session.key).sendTransaction({
      to: session.owner.address,
      value: balance - cost,
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const sweep = await receiptOf(hash);
    if (!sweep) throw new Error(`the stipend sweep was not mined within ${MINED_WITHIN_MS / 1000} s: ${await notMinedWhy(hash)}`);
    return { disable, sweep };
  }

  async function score(player: Address): Promise<bigint> {
    return publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'score', args: [player] });
  }

  async function now(): Promise<number> {
    return Number((await publicClient.getBlock()).timestamp);
  }

  return { chain, publicClient, walletFor, framework, game, mined, setBalance, fundedAccount, upgradedOwner, transfer, grant, redeem, redeemInFlight, revoke, score, now };
}
