// A local stand-in for Alchemy's Wallet API (the chain-agnostic JSON-RPC endpoint the v5 SDK
// `@alchemy/wallet-apis` talks to), backed by the devnet's anvil. Test infrastructure, never shipped.
// Protocol: the Wallet API's JSON-RPC methods as @alchemy/wallet-api-types defines them; choices and
// limits: test/alchemy/README.md.
//
//   const server = await startWalletApiServer({ rpcUrl, apiKey: 'test-key' });
//   const transport = alchemyWalletTransport({ url: server.url, apiKey: 'test-key' });
//   ... server.requests (every HTTP request with its headers), server.close()
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  concatHex,
  encodeAbiParameters,
  encodeFunctionData,
  encodePacked,
  getAddress,
  hashMessage,
  hashTypedData,
  isAddress,
  isAddressEqual,
  pad,
  parseSignature,
  recoverAddress,
  recoverMessageAddress,
  recoverTypedDataAddress,
  toHex,
  zeroAddress,
  type Address,
  type Hex,
  type SignedAuthorization,
  type TransactionReceipt,
} from 'viem';
import { entryPoint07Address, getUserOperationHash } from 'viem/account-abstraction';
import { hashAuthorization, recoverAuthorizationAddress } from 'viem/utils';
import type { z } from 'zod';
import * as Rpc from '@alchemy/wallet-api-types/rpc';
import { decodePermissionsContext } from '@alchemy/wallet-api-types/capabilities';
import { ModularAccountAbi_V2_0_0 } from '@alchemy/wallet-api-types/abi';
import deploymentJson from '../../devnet/deployment.json' with { type: 'json' };
import { connectChain, designatorOf, type ChainAccess } from './chain';
import { addUsage, checkSessionCalls, emptyUsage, validatePermissions, type Call, type DecodedPermission, type Usage, type UsageDelta } from './permissions';

// ------------------------------------------------------------------------------------------ API

export interface WalletApiServerOptions {
  /** The anvil the calls execute on (its chain id is the only chain served). */
  rpcUrl: string;
  /** Requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** Default 0: the OS picks a free port. Always listens on 127.0.0.1. */
  port?: number;
  /**
   * The 7702 implementation handed out in `authorization` prepared calls. Default: the devnet's
   * EIP7702StatelessDeleGator (devnet/deployment.json); Alchemy's MAv2 (0x69007702…) is not on the
   * devnet.
   */
  delegationAddress?: Address;
  /** The clock session expiry is judged by, in unix seconds. Default: the wall clock. */
  now?: () => number;
  /**
   * How many `wallet_getCallsStatus` answers of a call are 100 (pending) before its final status
   * shows, even when execution has already finished. Default 1, so clients see the pending state.
   */
  pendingPolls?: number;
  /** Accepted `paymasterService` policy ids. Default: any UUID v4 is accepted. */
  policyIds?: readonly string[];
}

/** One HTTP request as received, and what was answered. */
export interface LoggedRequest {
  at: number;
  httpMethod: string;
  /** Path and query as received. */
  path: string;
  /** Header names lowercased, as node parsed them. */
  headers: http.IncomingHttpHeaders;
  /** The raw body. */
  body: string;
  /** JSON-RPC method(s) in the body, when it parsed. */
  rpcMethods: string[];
  httpStatus: number;
  response: unknown;
}

export interface CallRecord {
  id: Hex;
  account: Address;
  userOpHash: Hex;
  sessionId?: Hex | undefined;
  calls: Call[];
  /** 'pending' until execution ends; then the EIP-5792 status code. */
  state: 'pending' | 200 | 400 | 500;
  receipts: TransactionReceipt[];
  /** Why a 400 happened. */
  failure?: string | undefined;
  /** How many times wallet_sendPreparedCalls delivered it (retries included). */
  deliveries: number;
  pendingAnswers: number;
}

export interface FaultSpec {
  /** The JSON-RPC method whose next answer(s) are replaced. */
  method: string;
  /** Default 1. */
  times?: number;
}

export interface WalletApiServer {
  /** http://127.0.0.1:<port>/v2 */
  url: string;
  chainId: number;
  delegationAddress: Address;
  /** Funds the type-4 transactions that apply owners' authorizations. */
  relayerAddress: Address;
  /** Every HTTP request in arrival order. */
  requests: LoggedRequest[];
  /** Bugs in the server itself (answered with -32603): a test should expect this to stay empty. */
  internalErrors: Error[];
  /** Accepted bundles by call id. */
  calls: ReadonlyMap<Hex, CallRecord>;
  /**
   * Handle the next request(s) of `method` normally, then answer -32603 instead of the result, as a
   * response lost on the way back would look; viem's transport retries on -32603.
   */
  injectFault(fault: FaultSpec): void;
  /** Resolves when every accepted bundle has finished executing. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** JSON-RPC error codes this server answers with (documented in test/alchemy/README.md). */
export const ERROR_CODES = {
  parse: -32700,
  invalidRequest: -32600, // also the bad/missing API key answer, with HTTP 401
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** ERC-7769 (bundler RPC): rejected during validation — out-of-scope session call, simulation revert, no prefund. */
  rejected: -32500,
  /** ERC-7769: outside the validity time range — expired session. */
  expired: -32503,
  /** ERC-7769: invalid signature — owner, session key, session grant or 7702 authorization. */
  badSignature: -32507,
  /** EIP-5792: unknown bundle id. */
  unknownBundle: 5730,
} as const;

export const UNAUTHENTICATED_MESSAGE = 'Must be authenticated!';

// ------------------------------------------------------------------------------------------ internals

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new RpcError(ERROR_CODES.invalidParams, message);

type Schemas = typeof Rpc;
type MethodName =
  | 'wallet_prepareCalls'
  | 'wallet_sendPreparedCalls'
  | 'wallet_createSession'
  | 'wallet_getCallsStatus'
  | 'wallet_getCapabilities'
  | 'wallet_requestAccount'
  | 'wallet_prepareSign'
  | 'wallet_formatSign';
type Params<M extends MethodName> = z.output<Schemas[M]['shape']['Request']>['params'];

interface Session {
  id: Hex;
  account: Address;
  chainId: number;
  key: Address;
  expirySec: number;
  permissions: DecodedPermission[];
  /** The DeferredAction typed data the owner signs, exactly as sent on the wire. */
  typedData: WireTypedData;
  usage: Usage;
}

interface WireTypedData {
  domain: { chainId: number; verifyingContract: Address };
  types: { DeferredAction: { name: string; type: string }[] };
  primaryType: 'DeferredAction';
  message: { nonce: Hex; deadline: number; call: Hex };
}

interface UserOp {
  sender: Address;
  nonce: bigint;
  callData: Hex;
  callGasLimit: bigint;
  verificationGasLimit: bigint;
  preVerificationGas: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

interface Prepared {
  hash: Hex;
  userOp: UserOp;
  account: Address;
  calls: Call[];
  sessionId?: Hex | undefined;
  sponsored: boolean;
  /** Worst-case gas cost the account pays (0 when sponsored). */
  maxGasCost: bigint;
  /** Set when the prepared call came with an authorization to sign. */
  authorization?: { address: Address; nonce: number } | undefined;
  used: boolean;
}

interface PrepareSignRequest {
  from: Address;
  hash: Hex;
}

/** MAv2 SingleSignerValidationModule and TimeRangeModule (for the DeferredAction typed data only). */
const SINGLE_SIGNER_VALIDATION_MODULE: Address = '0x00000000000099DE0BF6fA90dEB851E2A2df7d83';
const TIME_RANGE_MODULE: Address = '0x00000000000082B8e2012be914dFA4f62A0573eA';
const DEFERRED_ACTION_TYPES = [
  { name: 'nonce', type: 'uint256' },
  { name: 'deadline', type: 'uint48' },
  { name: 'call', type: 'bytes' },
];
/** viem's EIP-5792 fallback ids end with this; a call id must not. */
const VIEM_FALLBACK_SUFFIX = '5792579257925792579257925792579257925792579257925792579257925792';

const VERIFICATION_GAS = 150_000n;
const PRE_VERIFICATION_GAS = 50_000n;
/** Used when the batch cannot be simulated yet (the account is not delegated before this bundle). */
const UNSIMULATED_CALL_GAS = 1_500_000n;

const lc = (s: string) => s.toLowerCase();
const hexOf = (v: bigint | number) => toHex(v);

// ------------------------------------------------------------------------------------------ server

export async function startWalletApiServer(opts: WalletApiServerOptions): Promise<WalletApiServer> {
  const chain: ChainAccess = await connectChain(opts.rpcUrl);
  const chainIdHex = hexOf(chain.chainId);
  const delegationAddress = getAddress(opts.delegationAddress ?? deploymentJson.contracts.EIP7702StatelessDeleGatorImpl);
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const pendingPolls = opts.pendingPolls ?? 1;

  const requests: LoggedRequest[] = [];
  const internalErrors: Error[] = [];
  const sessions = new Map<string, Session>();
  const prepared = new Map<string, Prepared>();
  const calls = new Map<Hex, CallRecord>();
  const nonceSeq = new Map<string, bigint>();
  const entityIds = new Map<string, number>();
  const accountIds = new Map<string, string>();
  const prepareSigns: PrepareSignRequest[] = [];
  const faults: { method: string; remaining: number }[] = [];
  let queue: Promise<void> = Promise.resolve();

  // ---------------------------------------------------------------- helpers

  function assertChain(chainId: number, where = 'chainId'): void {
    if (chainId !== chain.chainId) throw invalid(`${where} ${hexOf(chainId)} is not supported by this server (it serves ${chainIdHex})`);
  }

  function assertAddress(a: string, where: string): asserts a is Address {
    if (!isAddress(a, { strict: false })) throw invalid(`${where}: ${a} is not a 20-byte hex address`);
  }

  function nextNonce(account: Address, key: bigint): bigint {
    const k = `${lc(account)}:${key}`;
    const seq = nonceSeq.get(k) ?? 0n;
    nonceSeq.set(k, seq + 1n);
    return (key << 64n) | seq;
  }

  function userOpHash(op: UserOp): Hex {
    return getUserOperationHash({
      chainId: chain.chainId,
      entryPointAddress: entryPoint07Address,
      entryPointVersion: '0.7',
      userOperation: { ...op, signature: '0x' },
    });
  }

  function wireUserOp(op: UserOp) {
    return {
      sender: op.sender,
      nonce: hexOf(op.nonce),
      callData: op.callData,
      callGasLimit: hexOf(op.callGasLimit),
      verificationGasLimit: hexOf(op.verificationGasLimit),
      preVerificationGas: hexOf(op.preVerificationGas),
      maxFeePerGas: hexOf(op.maxFeePerGas),
      maxPriorityFeePerGas: hexOf(op.maxPriorityFeePerGas),
    };
  }

  function wireCalls(cs: readonly Call[]) {
    return cs.map((c) => ({ to: c.to, ...(c.data !== undefined ? { data: c.data } : {}), ...(c.value !== undefined ? { value: hexOf(c.value) } : {}) }));
  }

  function callIdOf(hash: Hex): Hex {
    const id = concatHex([pad(chainIdHex, { size: 32 }), hash]);
    if (id.toLowerCase().endsWith(VIEM_FALLBACK_SUFFIX)) throw new Error('call id collides with viem fallback suffix');
    return id;
  }

  /** Decodes the permissions capability, finds the session and checks the owner's grant signature. */
  async function resolveSession(capability: { context: Hex } | { sessionId: Hex; signature: Hex }, account: Address, chainId: number): Promise<Session> {
    let decoded: ReturnType<typeof decodePermissionsContext>;
    try {
      decoded = decodePermissionsContext(capability);
    } catch (err) {
      throw invalid(`permissions: undecodable context (${(err as Error).message})`);
    }
    if (decoded.contextVersion !== 'REMOTE_MODE_DEFERRED_ACTION') {
      throw invalid(`permissions: context version ${decoded.contextVersion} is not supported (only 0x00, remote mode)`);
    }
    const session = sessions.get(lc(decoded.sessionId));
    if (!session) throw invalid(`permissions: unknown session ${decoded.sessionId}`);
    if (!isAddressEqual(session.account, account)) throw invalid(`permissions: session ${session.id} belongs to ${session.account}, not ${account}`);
    if (session.chainId !== chainId) throw invalid(`permissions: session ${session.id} is for chain ${hexOf(session.chainId)}`);
    let signer: Address;
    try {
      signer = await recoverTypedDataAddress({
        ...session.typedData,
        message: { ...session.typedData.message, nonce: BigInt(session.typedData.message.nonce) },
        signature: decoded.signature,
      });
    } catch (err) {
      throw new RpcError(ERROR_CODES.badSignature, `permissions: the session grant signature is malformed (${(err as Error).message})`);
    }
    if (!isAddressEqual(signer, session.account)) {
      throw new RpcError(ERROR_CODES.badSignature, `permissions: the session grant is not signed by the account owner ${session.account} (recovered ${signer})`);
    }
    return session;
  }

  function judge(session: Session, cs: readonly Call[], maxGasCost: bigint): UsageDelta {
    const verdict = checkSessionCalls({
      account: session.account,
      expirySec: session.expirySec,
      permissions: session.permissions,
      usage: session.usage,
      calls: cs,
      maxGasCost,
      now: now(),
    });
    if (!verdict.ok) {
      throw verdict.reason === 'expired'
        ? new RpcError(ERROR_CODES.expired, `session ${session.id}: ${verdict.message}`)
        : new RpcError(ERROR_CODES.rejected, `session ${session.id}: ${verdict.message}`);
    }
    return verdict.delta;
  }

  function sponsorship(capabilities: { paymasterService?: unknown } | undefined): boolean {
    const pm = capabilities?.paymasterService as { policyId?: string; policyIds?: string[] } | undefined;
    if (!pm) return false;
    const ids = pm.policyId !== undefined ? [pm.policyId] : (pm.policyIds ?? []);
    if (opts.policyIds) {
      const unknown = ids.find((id) => !opts.policyIds!.includes(id));
      if (unknown) throw invalid(`paymasterService: unknown policy id ${unknown}`);
    }
    return true;
  }

  // ---------------------------------------------------------------- methods

  async function prepareCalls(params: Params<'wallet_prepareCalls'>) {
    const p = params[0];
    if (typeof p.chainId !== 'number') throw invalid('Solana is not supported by this server');
    assertChain(p.chainId);
    assertAddress(p.from, 'from');
    const from = getAddress(p.from);
    const caps = p.capabilities;
    if (caps) {
      for (const key of ['gasParamsOverride', 'nonceOverride', 'stateOverride', 'experimental_dataSuffix'] as const) {
        if (caps[key] !== undefined) throw invalid(`capabilities.${key} is not supported by this server`);
      }
      if (caps.eip7702Auth !== undefined && caps.eip7702Auth !== true) {
        const delegation = caps.eip7702Auth.delegation;
        if (delegation !== 'ModularAccountV2' && !isAddressEqual(delegation as Address, '0x69007702764179f14F51cdce752f4f775d74E139')) {
          throw invalid(`capabilities.eip7702Auth: delegation ${delegation} (undelegation) is not supported by this server`);
        }
      }
    }
    if (p.paymasterPermitSignature !== undefined) throw invalid('paymasterPermitSignature is not supported by this server');
    const cs: Call[] = (p.calls ?? []).map((c, i) => {
      assertAddress(c.to, `calls[${i}].to`);
      return { to: getAddress(c.to), data: c.data, value: c.value };
    });
    const sponsored = sponsorship(caps);

    const session = caps?.permissions ? await resolveSession(caps.permissions, from, p.chainId) : undefined;
    const code = await chain.code(from);
    const delegated = lc(code) === designatorOf(delegationAddress);
    if (code !== '0x' && !code.toLowerCase().startsWith('0xef0100')) throw invalid(`from ${from} is a contract, not an EOA (only 7702 accounts are served)`);
    if (session && !delegated) {
      throw invalid(`account ${from} is not delegated yet; send a call as the owner first (it carries the 7702 authorization)`);
    }

    // Scope and expiry before anything else: a call the session may not make is refused as such.
    if (session) judge(session, cs, 0n);

    // Simulate the batch as the account would run it; refuse what would revert, like the service.
    let callGasLimit = UNSIMULATED_CALL_GAS;
    if (delegated) {
      const sim = await chain.estimateSelfExecute(from, cs);
      if (!sim.ok) throw new RpcError(ERROR_CODES.rejected, `execution reverted during simulation: ${sim.reason}`);
      callGasLimit = (sim.gas * 5n) / 4n + 20_000n;
    }
    const fees = await chain.publicClient.estimateFeesPerGas();
    const userOp: UserOp = {
      sender: from,
      nonce: nextNonce(from, session ? 1n : 0n),
      callData: encodeFunctionData({
        abi: ModularAccountAbi_V2_0_0,
        functionName: 'executeBatch',
        args: [cs.map((c) => ({ target: c.to, value: c.value ?? 0n, data: c.data ?? '0x' }))],
      }),
      callGasLimit,
      verificationGasLimit: VERIFICATION_GAS,
      preVerificationGas: PRE_VERIFICATION_GAS,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    };
    const maxAmount = (callGasLimit + VERIFICATION_GAS + PRE_VERIFICATION_GAS) * fees.maxFeePerGas;
    const maxGasCost = sponsored ? 0n : maxAmount;
    if (!sponsored) {
      const balance = await chain.publicClient.getBalance({ address: from });
      const value = cs.reduce((s, c) => s + (c.value ?? 0n), 0n);
      if (balance < maxAmount + value) {
        throw new RpcError(ERROR_CODES.rejected, `AA21 didn't pay prefund: ${from} holds ${balance} wei, needs up to ${maxAmount + value} (gas and value)`);
      }
    }
    if (session) judge(session, cs, maxGasCost); // now with the gas-limit; judged again at send

    const hash = userOpHash(userOp);
    const needsAuth = !session && !delegated;
    const authNonce = needsAuth ? await chain.publicClient.getTransactionCount({ address: from }) : undefined;
    prepared.set(lc(hash), {
      hash,
      userOp,
      account: from,
      calls: cs,
      sessionId: session?.id,
      sponsored,
      maxGasCost,
      authorization: authNonce !== undefined ? { address: delegationAddress, nonce: authNonce } : undefined,
      used: false,
    });

    const uo = {
      type: 'user-operation-v070' as const,
      data: wireUserOp(userOp),
      chainId: chainIdHex,
      signatureRequest: { type: 'personal_sign' as const, data: { raw: hash }, rawPayload: hashMessage({ raw: hash }) },
      feePayment: { sponsored, tokenAddress: zeroAddress, maxAmount: hexOf(maxAmount) },
    };
    const details = { type: 'user-operation' as const, data: { hash, calls: wireCalls(cs) } };
    if (authNonce === undefined) return { ...uo, details };
    const authorization = {
      type: 'authorization' as const,
      data: { address: delegationAddress, nonce: hexOf(authNonce) },
      chainId: chainIdHex,
      signatureRequest: {
        type: 'eip7702Auth' as const,
        rawPayload: hashAuthorization({ address: delegationAddress, chainId: chain.chainId, nonce: authNonce }),
      },
    };
    return { type: 'array' as const, data: [authorization, uo], details };
  }

  async function sendPreparedCalls(params: Params<'wallet_sendPreparedCalls'>) {
    const p = params[0];
    if (p.type === 'solana-transaction-v0') throw invalid('Solana is not supported by this server');
    const items = p.type === 'array' ? p.data : [p];
    const ops = items.filter((i) => i.type === 'user-operation-v070');
    const auths = items.filter((i) => i.type === 'authorization');
    if (items.some((i) => i.type === 'user-operation-v060')) throw invalid('user-operation-v060 is not supported (7702 accounts use EntryPoint v0.7)');
    if (ops.length !== 1) throw invalid(`expected exactly one user-operation-v070, got ${ops.length}`);
    if (auths.length > 1) throw invalid(`expected at most one authorization, got ${auths.length}`);
    const op = ops[0]!;
    const auth = auths[0];
    assertChain(op.chainId, 'user operation chainId');
    if (auth) assertChain(auth.chainId, 'authorization chainId');

    const userOp: UserOp = {
      sender: getAddress(op.data.sender),
      nonce: op.data.nonce,
      callData: op.data.callData,
      callGasLimit: op.data.callGasLimit,
      verificationGasLimit: op.data.verificationGasLimit,
      preVerificationGas: op.data.preVerificationGas,
      maxFeePerGas: op.data.maxFeePerGas,
      maxPriorityFeePerGas: op.data.maxPriorityFeePerGas,
    };
    if (op.data.factory !== undefined || op.data.paymaster !== undefined) throw invalid('factory/paymaster fields are not expected for a 7702 account');
    const hash = userOpHash(userOp);
    const prep = prepared.get(lc(hash));
    if (!prep) throw invalid(`unknown user operation ${hash}: prepare it with wallet_prepareCalls and send it unchanged`);

    // Who must have signed the user operation.
    const permissions = p.capabilities?.permissions;
    if (prep.sessionId && !permissions) throw invalid('this user operation was prepared for a session: send capabilities.permissions again');
    if (!prep.sessionId && permissions) throw invalid('this user operation was prepared without a session: do not send capabilities.permissions');
    const session = permissions ? await resolveSession(permissions, prep.account, op.chainId) : undefined;
    if (session && session.id !== prep.sessionId) throw invalid(`capabilities.permissions names session ${session.id}, the user operation was prepared for ${prep.sessionId}`);
    const expected = session ? session.key : prep.account;
    const sigHex = signatureHex(op.signature.data);
    let signer: Address;
    try {
      signer = await recoverMessageAddress({ message: { raw: hash }, signature: sigHex });
    } catch (err) {
      throw new RpcError(ERROR_CODES.badSignature, `user operation signature is malformed (${(err as Error).message})`);
    }
    if (!isAddressEqual(signer, expected)) {
      throw new RpcError(
        ERROR_CODES.badSignature,
        `user operation ${hash} must be signed (personal_sign of the raw hash) by ${session ? `the session key ${expected}` : `the owner ${expected}`}; recovered ${signer}`,
      );
    }

    // The 7702 authorization, when the prepared call asked for one.
    let signedAuth: SignedAuthorization | undefined;
    if (prep.authorization) {
      if (!auth) throw invalid(`account ${prep.account} is not delegated: the signed authorization from wallet_prepareCalls is missing`);
      assertAddress(auth.data.address, 'authorization address');
      if (!isAddressEqual(auth.data.address, prep.authorization.address) || auth.data.nonce !== prep.authorization.nonce) {
        throw invalid(`authorization must be {address: ${prep.authorization.address}, nonce: ${prep.authorization.nonce}} as prepared`);
      }
      const { r, s, yParity } = parseSignature(signatureHex(auth.signature.data));
      signedAuth = { address: prep.authorization.address, chainId: auth.chainId, nonce: auth.data.nonce, r, s, yParity: yParity ?? 0 };
      let authSigner: Address;
      try {
        authSigner = await recoverAuthorizationAddress({ authorization: signedAuth });
      } catch (err) {
        throw new RpcError(ERROR_CODES.badSignature, `authorization signature is malformed (${(err as Error).message})`);
      }
      if (!isAddressEqual(authSigner, prep.account)) {
        throw new RpcError(ERROR_CODES.badSignature, `authorization must be signed by ${prep.account}; recovered ${authSigner}`);
      }
    } else if (auth) {
      throw invalid('an authorization was sent but none was prepared (the account is already delegated)');
    }

    // A retry of a bundle already accepted (the transport retries): same id, not executed again.
    const id = callIdOf(hash);
    const known = calls.get(id);
    if (known) {
      known.deliveries += 1;
      return sendResult(known);
    }
    if (prep.used) throw new RpcError(ERROR_CODES.rejected, `AA25 invalid account nonce: user operation ${hash} was already used`);

    // Authoritative scope check; the amounts are reserved until the bundle settles.
    let delta: UsageDelta | undefined;
    if (session) {
      delta = judge(session, prep.calls, prep.maxGasCost);
      addUsage(session.usage, delta);
    }
    prep.used = true;
    const record: CallRecord = {
      id,
      account: prep.account,
      userOpHash: hash,
      sessionId: session?.id,
      calls: prep.calls,
      state: 'pending',
      receipts: [],
      deliveries: 1,
      pendingAnswers: 0,
    };
    calls.set(id, record);
    queue = queue.then(() => execute(record, prep, userOp, signedAuth, session, delta));
    return sendResult(record);
  }

  function sendResult(record: CallRecord) {
    return {
      id: record.id,
      preparedCallIds: [record.id],
      details: { type: 'user-operation' as const, data: { hash: record.userOpHash, calls: wireCalls(record.calls) } },
    };
  }

  async function execute(record: CallRecord, prep: Prepared, userOp: UserOp, auth: SignedAuthorization | undefined, session: Session | undefined, delta: UsageDelta | undefined): Promise<void> {
    try {
      if (auth) {
        const current = await chain.publicClient.getTransactionCount({ address: prep.account });
        if (current !== auth.nonce) throw new Error(`authorization nonce ${auth.nonce} is stale (the account's nonce is now ${current})`);
        const receipt = await chain.relayAuthorization(prep.account, auth);
        record.receipts.push(receipt);
        if (lc(await chain.code(prep.account)) !== designatorOf(delegationAddress)) throw new Error('the authorization was not applied');
        if (prep.calls.length === 0) {
          record.state = receipt.status === 'success' ? 200 : 500;
          return;
        }
      }
      const extra = prep.sponsored ? userOp.callGasLimit * userOp.maxFeePerGas : 0n;
      if (extra > 0n) {
        // Sponsored: lend the account its worst-case gas now and settle after, so it pays nothing.
        const balance = await chain.publicClient.getBalance({ address: prep.account });
        await chain.testClient.setBalance({ address: prep.account, value: balance + extra });
      }
      const receipt = await chain.executeAsAccount(prep.account, prep.calls, {
        gas: userOp.callGasLimit,
        maxFeePerGas: userOp.maxFeePerGas,
        maxPriorityFeePerGas: userOp.maxPriorityFeePerGas,
      });
      record.receipts.push(receipt);
      const gasCost = receipt.gasUsed * receipt.effectiveGasPrice;
      if (extra > 0n) {
        const balance = await chain.publicClient.getBalance({ address: prep.account });
        await chain.testClient.setBalance({ address: prep.account, value: balance - extra + gasCost });
      }
      record.state = receipt.status === 'success' ? 200 : 500;
      if (session && delta && record.state === 200 && !prep.sponsored) session.usage.gas += gasCost - delta.gas; // reserved worst case -> actual
    } catch (err) {
      record.state = 400;
      record.failure = (err as Error).message;
    } finally {
      if (session && delta && record.state !== 200) addUsage(session.usage, delta, -1n);
    }
  }

  async function createSession(params: Params<'wallet_createSession'>) {
    const p = params[0];
    assertChain(p.chainId);
    assertAddress(p.account, 'account');
    const account = getAddress(p.account);
    if (p.key.type === 'contract') throw invalid('key.type "contract" is not supported by this server (secp256k1/ecdsa only)');
    if (!/^0x[0-9a-fA-F]{40}$/.test(p.key.publicKey)) throw invalid(`key.publicKey must be the key's 20-byte address, got ${p.key.publicKey}`);
    const key = getAddress(p.key.publicKey);
    const permissions = p.permissions as DecodedPermission[];
    const bad = validatePermissions(permissions, account);
    if (bad) throw invalid(bad);
    const expirySec = p.expirySec ?? 0;
    if (expirySec !== 0 && expirySec <= now()) throw invalid(`expirySec ${expirySec} is not in the future (now ${now()})`);

    const entityId = (entityIds.get(lc(account)) ?? 0) + 1;
    entityIds.set(lc(account), entityId);
    const isGlobal = permissions.some((x) => x.type === 'root');
    // The MAv2 call the deferred action would run on chain (§7.3); informative here: this server
    // enforces the permissions off chain and never executes it.
    const hooks: Hex[] =
      expirySec !== 0
        ? [
            concatHex([
              encodePacked(['address', 'uint32', 'uint8'], [TIME_RANGE_MODULE, 1, 1]),
              encodeAbiParameters([{ type: 'uint32' }, { type: 'uint48' }, { type: 'uint48' }], [1, expirySec, 0]),
            ]),
          ]
        : [];
    const call = encodeFunctionData({
      abi: ModularAccountAbi_V2_0_0,
      functionName: 'installValidation',
      args: [
        encodePacked(['address', 'uint32', 'uint8'], [SINGLE_SIGNER_VALIDATION_MODULE, entityId, isGlobal ? 5 : 1]),
        [],
        encodeAbiParameters([{ type: 'uint32' }, { type: 'address' }], [entityId, key]),
        hooks,
      ],
    });
    const nonceKey = (BigInt(entityId) << 8n) + 2n + (isGlobal ? 1n : 0n);
    const typedData: WireTypedData = {
      domain: { chainId: chain.chainId, verifyingContract: account },
      types: { DeferredAction: DEFERRED_ACTION_TYPES },
      primaryType: 'DeferredAction',
      message: { nonce: hexOf(nonceKey << 64n), deadline: expirySec, call },
    };
    const id = toHex(randomBytes(16));
    sessions.set(lc(id), { id, account, chainId: chain.chainId, key, expirySec, permissions, typedData, usage: emptyUsage() });
    const rawPayload = hashTypedData({ ...typedData, message: { ...typedData.message, nonce: BigInt(typedData.message.nonce) } });
    return { sessionId: id, chainId: chainIdHex, signatureRequest: { type: 'eth_signTypedData_v4' as const, data: typedData, rawPayload } };
  }

  async function getCallsStatus(params: Params<'wallet_getCallsStatus'>) {
    const record = calls.get(lc(params[0]) as Hex);
    if (!record) throw new RpcError(ERROR_CODES.unknownBundle, `unknown bundle id ${params[0]}`);
    const base = {
      id: record.id,
      chainId: chainIdHex,
      atomic: true,
      details: { type: 'user-operation' as const, data: { hash: record.userOpHash, calls: wireCalls(record.calls) } },
    };
    if (record.state === 'pending' || record.pendingAnswers < pendingPolls) {
      record.pendingAnswers += 1;
      return { ...base, status: 100 as const };
    }
    return {
      ...base,
      status: record.state,
      ...(record.state === 400
        ? {}
        : {
            receipts: record.receipts.map((r) => ({
              logs: r.logs.map((l) => ({ address: l.address, data: l.data, topics: [...l.topics] })),
              status: r.status === 'success' ? '0x1' : '0x0',
              blockHash: r.blockHash,
              blockNumber: hexOf(r.blockNumber),
              gasUsed: hexOf(r.gasUsed),
              transactionHash: r.transactionHash,
            })),
          }),
    };
  }

  async function getCapabilities(params: Params<'wallet_getCapabilities'>) {
    assertAddress(params[0], 'wallet address');
    // Alchemy answers under the generic key "0x0", not under each chain id (seen in its wire captures).
    return { '0x0': { atomic: { status: 'supported' }, paymasterService: { supported: true }, eip7702Auth: { supported: true } } };
  }

  async function requestAccount(params: Params<'wallet_requestAccount'>) {
    const p = params[0];
    if ('accountAddress' in p) {
      assertAddress(p.accountAddress, 'accountAddress');
      const id = accountIds.get(lc(p.accountAddress));
      if (!id) throw invalid(`unknown account ${p.accountAddress}`);
      return { accountAddress: getAddress(p.accountAddress), id, delegation: delegationAddress };
    }
    assertAddress(p.signerAddress, 'signerAddress');
    if (p.creationHint?.accountType !== '7702') {
      throw invalid('only creationHint {accountType: "7702"} is supported by this server (the account is the signer\'s EOA)');
    }
    const address = getAddress(p.signerAddress);
    let id = accountIds.get(lc(address));
    if (!id) {
      id = p.id ?? randomUUID();
      accountIds.set(lc(address), id);
    }
    return { accountAddress: address, id, delegation: delegationAddress };
  }

  async function prepareSign(params: Params<'wallet_prepareSign'>) {
    const p = params[0];
    assertChain(p.chainId);
    assertAddress(p.from, 'from');
    if (p.capabilities?.permissions) throw invalid('session keys cannot sign messages: sign as the owner (no capabilities.permissions)');
    // The devnet's EIP7702StatelessDeleGator validates ERC-1271 signatures as the EOA's own ECDSA
    // signature over the hash, so the owner signs the message itself and formatSign passes it on.
    const req = p.signatureRequest;
    const hash = req.type === 'personal_sign' ? hashMessage(req.data) : hashTypedData(req.data as Parameters<typeof hashTypedData>[0]);
    prepareSigns.push({ from: getAddress(p.from), hash });
    return { chainId: chainIdHex, signatureRequest: req };
  }

  async function formatSign(params: Params<'wallet_formatSign'>) {
    const p = params[0];
    assertChain(p.chainId);
    assertAddress(p.from, 'from');
    if (p.capabilities?.permissions) throw invalid('session keys cannot sign messages');
    const signature = signatureHex(p.signature.data);
    // Accept only a signature by `from` over a request this server prepared for it (ECDSA over the
    // request's final digest: hashMessage for personal_sign, hashTypedData for typed data).
    for (const [i, req] of prepareSigns.entries()) {
      if (!isAddressEqual(req.from, p.from)) continue;
      const signer = await recoverAddress({ hash: req.hash, signature }).catch(() => undefined);
      if (signer && isAddressEqual(signer, p.from)) {
        prepareSigns.splice(i, 1);
        return { signature };
      }
    }
    throw new RpcError(ERROR_CODES.badSignature, `no prepared sign request of ${p.from} is signed by this signature`);
  }

  const handlers: { [M in MethodName]: (params: Params<M>) => Promise<unknown> } = {
    wallet_prepareCalls: prepareCalls,
    wallet_sendPreparedCalls: sendPreparedCalls,
    wallet_createSession: createSession,
    wallet_getCallsStatus: getCallsStatus,
    wallet_getCapabilities: getCapabilities,
    wallet_requestAccount: requestAccount,
    wallet_prepareSign: prepareSign,
    wallet_formatSign: formatSign,
  };

  // ---------------------------------------------------------------- JSON-RPC over HTTP

  async function handleOne(msg: unknown): Promise<{ response: object; method?: string }> {
    const envelope = msg as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
    const id = envelope && typeof envelope === 'object' && (typeof envelope.id === 'number' || typeof envelope.id === 'string') ? envelope.id : null;
    const fail = (code: number, message: string) => ({ jsonrpc: '2.0', id, error: { code, message } });
    if (!envelope || typeof envelope !== 'object' || Array.isArray(envelope) || envelope.jsonrpc !== '2.0' || typeof envelope.method !== 'string') {
      return { response: fail(ERROR_CODES.invalidRequest, 'Invalid Request: expected {"jsonrpc":"2.0","id","method","params"}') };
    }
    const method = envelope.method;
    if (!(method in handlers)) {
      return { method, response: fail(ERROR_CODES.methodNotFound, `Unsupported method: ${method}. The method does not exist / is not available.`) };
    }
    const m = method as MethodName;
    const schema = Rpc[m].shape;
    let response: object;
    try {
      const decoded = schema.Request.safeDecode({ method, params: envelope.params } as never);
      if (!decoded.success) throw invalid(formatIssues(decoded.error.issues));
      const result = await (handlers[m] as (p: unknown) => Promise<unknown>)((decoded.data as { params: unknown }).params);
      // The answer must be what the client will accept: decode it with the same schema.
      const check = schema.ReturnType.safeDecode(result as never);
      if (!check.success) throw new Error(`server bug: ${m} answer does not match its schema: ${formatIssues(check.error.issues)}`);
      response = { jsonrpc: '2.0', id, result };
    } catch (err) {
      if (err instanceof RpcError) {
        response = { jsonrpc: '2.0', id, error: { code: err.code, message: err.message, ...(err.data !== undefined ? { data: err.data } : {}) } };
      } else {
        internalErrors.push(err as Error);
        response = fail(ERROR_CODES.internal, `Internal error: ${(err as Error).message}`);
      }
    }
    const fault = faults.find((f) => f.method === m && f.remaining > 0);
    if (fault) {
      fault.remaining -= 1;
      response = fail(ERROR_CODES.internal, 'Internal error (injected: the answer was lost)');
    }
    return { method, response };
  }

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const entry: LoggedRequest = {
      at: Date.now(),
      httpMethod: req.method ?? '',
      path: req.url ?? '',
      headers: { ...req.headers },
      body,
      rpcMethods: [],
      httpStatus: 200,
      response: undefined,
    };
    requests.push(entry);
    // CORS as a public JSON-RPC endpoint answers it, so a browser (the extension's worker) can call
    // it: the preflight carries no Authorization header and is answered before authentication.
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' };
    if (req.method === 'OPTIONS') {
      entry.httpStatus = 204;
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const reply = (status: number, payload: unknown) => {
      entry.httpStatus = status;
      entry.response = payload;
      res.writeHead(status, { 'content-type': 'application/json', ...cors });
      res.end(JSON.stringify(payload));
    };
    let parsed: unknown;
    let parseError: Error | undefined;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      parseError = err as Error;
    }
    const bodyId = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? ((parsed as { id?: unknown }).id ?? null) : null;
    if (parsed && typeof parsed === 'object') {
      entry.rpcMethods = (Array.isArray(parsed) ? parsed : [parsed]).map((m) => String((m as { method?: unknown })?.method));
    }
    // Authentication first, as Alchemy does: HTTP 401 with a JSON-RPC -32600 body.
    if (req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      reply(401, { jsonrpc: '2.0', id: bodyId, error: { code: ERROR_CODES.invalidRequest, message: UNAUTHENTICATED_MESSAGE } });
      return;
    }
    if (req.method !== 'POST') {
      reply(405, { jsonrpc: '2.0', id: null, error: { code: ERROR_CODES.invalidRequest, message: 'Invalid Request: use POST' } });
      return;
    }
    if (parseError) {
      reply(400, { jsonrpc: '2.0', id: null, error: { code: ERROR_CODES.parse, message: `Parse error: ${parseError.message}` } });
      return;
    }
    if (Array.isArray(parsed)) {
      if (parsed.length === 0) {
        reply(400, { jsonrpc: '2.0', id: null, error: { code: ERROR_CODES.invalidRequest, message: 'Invalid Request: empty batch' } });
        return;
      }
      const out = [];
      for (const m of parsed) out.push((await handleOne(m)).response);
      reply(200, out);
      return;
    }
    reply(200, (await handleOne(parsed)).response);
  }

  const server = http.createServer((req, res) => {
    handleHttp(req, res).catch((err: Error) => {
      internalErrors.push(err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: ERROR_CODES.internal, message: `Internal error: ${err.message}` } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v2`,
    chainId: chain.chainId,
    delegationAddress,
    relayerAddress: chain.relayerAddress,
    requests,
    internalErrors,
    calls,
    injectFault(fault) {
      faults.push({ method: fault.method, remaining: fault.times ?? 1 });
    },
    async idle() {
      let seen: Promise<void> | undefined;
      while (seen !== queue) {
        seen = queue;
        await seen;
      }
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await queue.catch(() => undefined);
      await chain.stop();
    },
  };
}

// ------------------------------------------------------------------------------------------ utils

/** EcdsaSigData (65-byte hex, {r,s,yParity} or {r,s,v}) as a 65-byte hex signature. */
function signatureHex(data: Hex | { r: Hex; s: Hex; yParity: Hex } | { r: Hex; s: Hex; v: Hex }): Hex {
  if (typeof data === 'string') return data;
  const v = 'yParity' in data ? 27n + BigInt(data.yParity) : BigInt(data.v);
  return concatHex([pad(data.r, { size: 32 }), pad(data.s, { size: 32 }), toHex(v, { size: 1 })]);
}

/** A zod error as "/path: message" (drilling into the closest union branch), like the SDK's own. */
function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  let issue: z.core.$ZodIssue | undefined = issues[0];
  if (!issue) return 'Invalid params';
  const prefix: PropertyKey[] = [];
  while (issue && issue.code === 'invalid_union' && issue.errors.length > 0) {
    prefix.push(...issue.path);
    let best: z.core.$ZodIssue[] | undefined;
    for (const branch of issue.errors) if (!best || branch.length < best.length) best = branch;
    if (!best?.[0]) break;
    issue = best[0];
  }
  const path = [...prefix, ...issue.path];
  if (path[0] === 'params') path.shift(); // the schema covers {method, params}: report paths inside params
  return `Invalid params: ${path.length ? `/${path.map(String).join('/')}: ` : ''}${issue.message}`;
}
