// The Alchemy account backend: Alchemy's Session Keys flow (its SDK guide) on Alchemy's Wallet
// API, spoken by the wallet's own small client (wallet-api.ts) in the wire format of the v5 SDK
// @alchemy/wallet-apis: delegate (empty batch as the owner), wallet_createSession, calls as the
// session key (wallet_prepareCalls + wallet_sendPreparedCalls with capabilities.permissions),
// status, and owner message signing (wallet_prepareSign/wallet_formatSign). The SDK itself is not
// bundled: its schemas were most of the worker's start-up JS for these six methods (issue 15).
//
// Nothing Alchemy returns is signed blindly: this backend calls prepareCalls, checks the prepared
// data, then signs and sends:
//   * a 7702 authorization must name the chain's expected delegation contract (the devnet's
//     EIP7702StatelessDeleGator on 31337, Alchemy's ModularAccountV2 0x69007702… elsewhere), this
//     chain id (never 0 = every chain) and the owner's current nonce;
//   * a user operation must be for this account and chain, its callData must be MAv2
//     executeBatch/execute of exactly the requested calls, and the digest to sign must be the
//     EntryPoint v0.7 user-operation hash recomputed here from the prepared fields;
//   * the session grant (the typed data wallet_createSession returns) goes through a
//     guarded signer that accepts only DeferredAction typed data for this chain and account whose
//     installValidation installs this session key, global only for a root grant, with this deadline;
//   * owner message signing accepts only the requested message (or a typed-data wrapper of its hash).
// Not checkable from here: the gas fields and paymaster data of a user operation (Alchemy sets
// them; the fee is bounded by feePayment.maxAmount, which is shown, not verified), and whether the
// permission hooks inside installValidation match the requested scope beyond key/global/expiry
// (their module encodings are not published).
//
// Errors (all RpcError, safe to hand to a dApp; no URL or key inside):
//   HTTP 401/403 (bad or missing API key)           -> 4100 UnauthorizedError
//   chain not served (before any request, or -32602 "not supported" from Alchemy) -> 5710 UnsupportedChainIdError
//   network down / timeout / HTTP 5xx                -> 4901 ChainDisconnectedError
//   refused by Alchemy: scope/policy/simulation/expired/signature (-32500/-32503/-32507, paymaster
//     policy) or a signature the wallet refused       -> -32003 TransactionRejectedError (Alchemy's reason kept)
//   other invalid params                             -> -32602 InvalidParamsError
//   unknown call id (5730)                           -> 5730 UnknownBundleIdError
import {
  concatHex,
  decodeAbiParameters,
  decodeFunctionData,
  bytesToHex,
  getAddress,
  getTypesForEIP712Domain,
  hashMessage,
  hashTypedData,
  hexToNumber,
  isAddressEqual,
  numberToHex,
  serializeSignature,
  type Address,
  type Hex,
  type LocalAccount,
  type SignableMessage,
  type TypedDataDefinition,
  validateTypedData,
} from 'viem';
import { entryPoint07Address, getUserOperationHash } from 'viem/account-abstraction';
import { classifyCode } from '../../account/delegation-state';
import { ForeignDelegationError } from '../../sessions/errors';
import type { CallsStatus } from '../../calls/status';
import { devnetContracts } from '../../chains/deployments';
import { DEVNET_CHAIN_ID, type ChainConfig } from '../../chains/registry';
import type { SessionCall, SessionScope } from '../../permissions/types';
import {
  ChainDisconnectedError,
  InternalError,
  InvalidParamsError,
  RpcError,
  TransactionRejectedError,
  UnauthorizedError,
  UnknownBundleIdError,
  UnsupportedChainIdError,
  UnsupportedMethodError,
} from '../../errors';
import { guardedSigner, UnexpectedSignatureRequestError, type SigningPolicy } from './guarded-signer';
import { isRootGrant, toAlchemyGrant } from './permissions';
import { publicClientFor } from '../../chains/clients';
import { toWire, typedDataToWire, walletApi, type Capabilities, type PreparedCalls, type PreparedItem, type SignatureRequest, type WalletApi } from './wallet-api';

/**
 * The three Modular Account v2 functions the backend decodes (from @alchemy/wallet-api-types'
 * ModularAccountAbi_V2_0_0; the whole ABI is 14 kB): what a user operation runs, and what a grant installs.
 */
const MODULAR_ACCOUNT_ABI = [
  {
    type: 'function',
    name: 'execute',
    stateMutability: 'payable',
    inputs: [
      { name: 'target', type: 'address' },
      { name: 'value', type: 'uint256' },
      { name: 'data', type: 'bytes' },
    ],
    outputs: [{ name: 'result', type: 'bytes' }],
  },
  {
    type: 'function',
    name: 'executeBatch',
    stateMutability: 'payable',
    inputs: [
      {
        name: 'calls',
        type: 'tuple[]',
        components: [
          { name: 'target', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'data', type: 'bytes' },
        ],
      },
    ],
    outputs: [{ name: 'results', type: 'bytes[]' }],
  },
  {
    type: 'function',
    name: 'installValidation',
    stateMutability: 'nonpayable',
    inputs: [
      { name: 'validationConfig', type: 'bytes25' },
      { name: 'selectors', type: 'bytes4[]' },
      { name: 'installData', type: 'bytes' },
      { name: 'hooks', type: 'bytes[]' },
    ],
    outputs: [],
  },
] as const;

/** Alchemy's chain-agnostic Wallet API endpoint (what alchemyWalletTransport uses without `url`). */
export const ALCHEMY_WALLET_API_URL = 'https://api.g.alchemy.com/v2';

/** Alchemy's 7702 delegation target on public chains (ModularAccountV2), as @alchemy/wallet-api-types names it (Eip7702AccountTypeToDelegationAddress). */
export const ALCHEMY_MAV2_7702_ADDRESS: Address = '0x69007702764179f14F51cdce752f4f775d74E139';

/**
 * Chains the public endpoint serves among the wallet's built-in ones (Sepolia, Base Sepolia, Arbitrum
 * Sepolia) plus their mainnets. A custom `url` (a stand-in, a proxy) lifts this check and lets the
 * server answer for itself.
 */
export const ALCHEMY_SUPPORTED_CHAIN_IDS: ReadonlySet<number> = new Set([1, 11155111, 8453, 84532, 42161, 421614, 10, 11155420, 137, 80002]);

/** The contract an owner's EOA must delegate to (7702) on `chain` for the Alchemy backend. */
export function alchemyDelegationAddress(chain: Pick<ChainConfig, 'id'>): Address {
  return chain.id === DEVNET_CHAIN_ID ? devnetContracts.EIP7702StatelessDeleGatorImpl : ALCHEMY_MAV2_7702_ADDRESS;
}

export interface AlchemyBackendOptions {
  apiKey: string;
  /** Default: Alchemy's endpoint. Tests pass the local stand-in. */
  url?: string;
  /** Gas sponsorship policy id (paymaster capability). */
  policyId?: string;
  chain: ChainConfig;
  /** Status polling for delegate/waitForStatus; default 1000 ms. */
  pollIntervalMs?: number;
  /** Give up waiting for a final status after this long; default 60 s (viem's). */
  waitTimeoutMs?: number;
}

/** Signed prepared calls, JSON (the Wallet API's wire form) so they can be stored before they are sent. */
export interface SignedCalls {
  payload: string;
  /** The session's permissions context, sent again with the payload. */
  context?: Hex;
}

// Payloads stored by versions that used the SDK tagged bigints; revived, they go out as hex.
const reviveBigInt = (_k: string, v: unknown) =>
  v !== null && typeof v === 'object' && Object.keys(v).length === 1 && typeof (v as { $bigint?: unknown }).$bigint === 'string' ? BigInt((v as { $bigint: string }).$bigint) : v;

/** What grant returns: the permissions capability (`0x00 ‖ sessionId ‖ owner signature`, the SDK's remote mode), passed back to sendAsSession. */
export interface AlchemyPermissions {
  context: Hex;
}

/** A quantity as hex, whether it came as hex, a number or a bigint (legacy payloads). */
const hexQuantity = (v: unknown): unknown => (typeof v === 'bigint' || typeof v === 'number' ? numberToHex(v) : v);

/** A stored payload as wallet_sendPreparedCalls takes it; one the SDK stored (numbers, bigints) is made wire-shaped. */
function signedToWire(item: Record<string, unknown>): Record<string, unknown> {
  if (item.type === 'array') return { ...item, data: (item.data as Record<string, unknown>[]).map(signedToWire) };
  const { details: _details, ...rest } = item;
  const data = Object.fromEntries(Object.entries((item.data ?? {}) as Record<string, unknown>).map(([k, v]) => [k, hexQuantity(v)]));
  return { ...rest, chainId: hexQuantity(item.chainId), data };
}

const sameCall = (a: SessionCall, b: { target: Address; value: bigint; data: Hex }) =>
  isAddressEqual(a.to, b.target) && a.value === b.value && a.data.toLowerCase() === b.data.toLowerCase();

export class AlchemyBackend {
  readonly chain: ChainConfig;
  readonly url: string;
  /** The contract an owner's EOA must delegate to (7702) on this backend's chain. */
  readonly delegationAddress: Address;
  private readonly policyIds: string[];
  private readonly api: WalletApi;
  private readonly publicClient;
  private readonly pollIntervalMs: number;
  private readonly waitTimeoutMs: number;
  private readonly customUrl: boolean;

  constructor(opts: AlchemyBackendOptions) {
    this.chain = opts.chain;
    this.customUrl = opts.url !== undefined;
    this.url = opts.url ?? ALCHEMY_WALLET_API_URL;
    this.policyIds = opts.policyId ? [opts.policyId] : [];
    this.api = walletApi(this.url, opts.apiKey);
    this.publicClient = publicClientFor(opts.chain);
    this.delegationAddress = alchemyDelegationAddress(opts.chain);
    this.pollIntervalMs = opts.pollIntervalMs ?? 1_000;
    this.waitTimeoutMs = opts.waitTimeoutMs ?? 60_000;
  }

  private get chainIdHex(): Hex {
    return numberToHex(this.chain.id);
  }

  /** The gas sponsorship policy (as the SDK added it to every prepare and send) and the session's context. */
  private capabilities(context: Hex | undefined): Capabilities | undefined {
    const caps: Capabilities = {
      ...(context ? { permissions: { context } } : {}),
      ...(this.policyIds.length === 1 ? { paymasterService: { policyId: this.policyIds[0]! } } : this.policyIds.length > 1 ? { paymasterService: { policyIds: this.policyIds } } : {}),
    };
    return Object.keys(caps).length > 0 ? caps : undefined;
  }

  private assertChain(): void {
    if (!this.customUrl && !ALCHEMY_SUPPORTED_CHAIN_IDS.has(this.chain.id)) {
      throw new UnsupportedChainIdError(`The Alchemy backend does not support ${this.chain.name} (chain ${this.chain.id}). Use the delegation backend on this chain.`);
    }
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.assertChain();
    try {
      return await fn();
    } catch (err) {
      throw toAlchemyRpcError(err, what, this.chain);
    }
  }

  /**
   * One cheap authenticated request (wallet_getCapabilities for an address that holds nothing): the
   * settings screen calls it so a wrong key or URL is reported when it is entered. 4100 bad key,
   * 4901 unreachable, 5710 chain not served.
   */
  async checkAccess(): Promise<void> {
    await this.run('check the API key', () => this.api.request('wallet_getCapabilities', [placeholder.address, [this.chainIdHex]]));
  }

  // ---- delegation -------------------------------------------------------------------------------

  async isDelegated(owner: Address): Promise<boolean> {
    try {
      return classifyCode(await this.publicClient.getCode({ address: owner }), this.delegationAddress).kind === 'framework';
    } catch (err) {
      throw toAlchemyRpcError(err, 'read the account code', this.chain);
    }
  }

  /** Upgrades the owner's EOA (an empty batch as the owner); null if it already is. Waits for the result. */
  async delegate(owner: LocalAccount): Promise<{ id: Hex; status: CallsStatus } | null> {
    if (await this.isDelegated(owner.address)) return null;
    const id = await this.sendAsOwner(owner, []);
    const status = await this.waitForStatus(id);
    if (status.status !== 200) throw new TransactionRejectedError(`Upgrading the account failed on chain (status ${status.status}).`);
    return { id, status };
  }

  // ---- sessions ---------------------------------------------------------------------------------

  /** Grants `scope` to the session key: wallet_createSession, then the owner signs the deferred action. */
  async grant(owner: LocalAccount, scope: SessionScope, sessionKeyAddress: Address): Promise<AlchemyPermissions> {
    const grant = toAlchemyGrant(scope);
    if (!isAddressEqual(scope.account, owner.address)) throw new InvalidParamsError('The session scope is for another account.');
    if (scope.chainId !== this.chain.id) throw new UnsupportedChainIdError(`The session scope is for chain ${scope.chainId}, this backend serves ${this.chain.id}.`);
    const guard = guardedSigner(owner);
    guard.arm({ typedData: (typed) => this.checkGrantTypedData(typed, owner.address, sessionKeyAddress, grant.expirySec, isRootGrant(grant)) });
    try {
      return await this.run('grant the session', async () => {
        const { sessionId, signatureRequest } = await this.api.request('wallet_createSession', [
          toWire({ account: owner.address, chainId: this.chainIdHex, expirySec: grant.expirySec, key: { publicKey: sessionKeyAddress, type: 'secp256k1' as const }, permissions: grant.permissions }),
        ]);
        if (!/^0x[0-9a-fA-F]*$/.test(String(sessionId))) throw new UnexpectedSignatureRequestError(`a session id ${String(sessionId)}`);
        if (signatureRequest?.type !== 'eth_signTypedData_v4') throw new UnexpectedSignatureRequestError(`a session grant signed as ${String(signatureRequest?.type)}`);
        // The guard runs checkGrantTypedData on it before the owner key signs.
        const signature = await guard.account.signTypedData(signatureRequest.data as TypedDataDefinition);
        return { context: concatHex(['0x00', sessionId, signature]) };
      });
    } finally {
      guard.disarm();
    }
  }

  private checkGrantTypedData(typed: TypedDataDefinition, account: Address, key: Address, expirySec: number, root: boolean): void {
    const domain = (typed.domain ?? {}) as { chainId?: number | bigint | string; verifyingContract?: Address };
    const chainId = domain.chainId === undefined ? undefined : Number(domain.chainId);
    if (typed.primaryType !== 'DeferredAction') throw new UnexpectedSignatureRequestError(`typed data ${String(typed.primaryType)} instead of DeferredAction`);
    if (chainId !== this.chain.id) throw new UnexpectedSignatureRequestError(`a session grant for chain ${String(domain.chainId)}`);
    if (!domain.verifyingContract || !isAddressEqual(domain.verifyingContract, account)) throw new UnexpectedSignatureRequestError(`a session grant for account ${String(domain.verifyingContract)}`);
    const message = typed.message as { deadline?: number | string | bigint; call?: Hex };
    if (Number(message.deadline) !== expirySec) throw new UnexpectedSignatureRequestError(`a session grant with deadline ${String(message.deadline)} instead of ${expirySec}`);
    let args: readonly unknown[];
    try {
      const decoded = decodeFunctionData({ abi: MODULAR_ACCOUNT_ABI, data: message.call ?? '0x' });
      if (decoded.functionName !== 'installValidation') throw new Error(decoded.functionName);
      args = decoded.args as readonly unknown[];
    } catch (e) {
      throw new UnexpectedSignatureRequestError(`a session grant whose call is not installValidation (${(e as Error).message.split('\n')[0]})`);
    }
    const [validationConfig, , installData] = args as [Hex, Hex[], Hex, Hex[]];
    const [, signer] = decodeAbiParameters([{ type: 'uint32' }, { type: 'address' }], installData);
    if (!isAddressEqual(signer, key)) throw new UnexpectedSignatureRequestError(`a session grant that installs key ${signer} instead of ${key}`);
    const flags = hexToNumber(`0x${validationConfig.slice(-2)}`);
    const global = (flags & 4) !== 0;
    if (global !== root) throw new UnexpectedSignatureRequestError(global ? 'a root (global) validation for a scoped grant' : 'a scoped validation for a root grant');
  }

  /** Sends `calls` signed by the session key for `owner`'s account. Returns Alchemy's call id. */
  async sendAsSession(sessionKey: LocalAccount, owner: Address, permissions: AlchemyPermissions, calls: SessionCall[]): Promise<Hex> {
    return this.sendSigned(await this.signAsSession(sessionKey, owner, permissions, calls));
  }

  /** Sends `calls` signed by the owner (an empty list only delegates). Returns Alchemy's call id. */
  async sendAsOwner(owner: LocalAccount, calls: SessionCall[]): Promise<Hex> {
    return this.sendSigned(await this.signAsOwner(owner, calls));
  }

  /**
   * Prepares and signs `calls` with the session key, without sending: the caller stores the result
   * (JSON-safe) before sending it, so a worker that stops in between sends the same signed payload
   * again (Alchemy answers the same id and executes it once) instead of signing a second operation.
   */
  async signAsSession(sessionKey: LocalAccount, owner: Address, permissions: AlchemyPermissions, calls: SessionCall[]): Promise<SignedCalls> {
    if (calls.length === 0) throw new InvalidParamsError('No calls to send.');
    return this.prepareAndSign(sessionKey, owner, calls, permissions);
  }

  /** As signAsSession, signed by the owner (an empty list only delegates). */
  async signAsOwner(owner: LocalAccount, calls: SessionCall[]): Promise<SignedCalls> {
    return this.prepareAndSign(owner, owner.address, calls, undefined);
  }

  /** wallet_sendPreparedCalls of a payload signAsSession/signAsOwner made. Returns Alchemy's call id. */
  async sendSigned(signed: SignedCalls): Promise<Hex> {
    const payload = signedToWire(JSON.parse(signed.payload, reviveBigInt) as Record<string, unknown>);
    const capabilities = this.capabilities(signed.context);
    return this.run('send the calls', async () => {
      const { id } = await this.api.request('wallet_sendPreparedCalls', [{ ...payload, ...(capabilities ? { capabilities } : {}) }]);
      if (typeof id !== 'string' || !/^0x[0-9a-fA-F]+$/.test(id)) throw new InternalError('The Alchemy Wallet API answered no call id.');
      return id as Hex;
    });
  }

  private async prepareAndSign(signer: LocalAccount, account: Address, calls: SessionCall[], permissions: AlchemyPermissions | undefined): Promise<SignedCalls> {
    const guard = guardedSigner(signer);
    const capabilities = this.capabilities(permissions?.context);
    return this.run('send the calls', async () => {
      const prepared = await this.api.request('wallet_prepareCalls', [
        {
          calls: calls.map((c) => ({ to: c.to, data: c.data, value: numberToHex(c.value) })),
          from: account,
          chainId: this.chainIdHex,
          ...(capabilities ? { capabilities } : {}),
        },
      ]);
      guard.arm(await this.verifyPrepared(prepared, account, calls));
      try {
        const signed = await signPrepared(guard.account, prepared);
        return { payload: JSON.stringify(signed), ...(permissions ? { context: permissions.context } : {}) };
      } finally {
        guard.disarm();
      }
    });
  }

  /** Checks a wallet_prepareCalls answer for `account` and `calls`; returns what may then be signed. Throws -32003 otherwise. */
  async verifyPrepared(prepared: PreparedCalls, account: Address, calls: SessionCall[]): Promise<SigningPolicy> {
    const items: readonly PreparedItem[] = prepared.type === 'array' ? prepared.data : [prepared];
    const policy: SigningPolicy = { messages: [] };
    let userOps = 0;
    for (const item of items) {
      if (item.type === 'authorization') {
        const chainId = Number(item.chainId);
        const address = getAddress(item.data.address);
        const nonce = Number(item.data.nonce);
        if (chainId !== this.chain.id) throw new UnexpectedSignatureRequestError(`a 7702 authorization for chain ${chainId}`);
        if (!isAddressEqual(address, this.delegationAddress)) {
          throw new UnexpectedSignatureRequestError(`a 7702 authorization to ${address}; this chain's delegation contract is ${this.delegationAddress}`);
        }
        // Signing would replace whatever the account is upgraded to now, under an approval that
        // only said "send": only a plain EOA may be upgraded as part of a send. A foreign
        // delegation is the owner's to review (4100), as on the grant path.
        const current = classifyCode(await this.publicClient.getCode({ address: account }), this.delegationAddress);
        if (current.kind === 'foreign') {
          throw new ForeignDelegationError(
            current.implementation,
            `Sending through Alchemy would replace it with Alchemy's account contract, so nothing was signed. Open the wallet to review the upgrade first.`,
          );
        }
        if (current.kind === 'contract') throw new UnexpectedSignatureRequestError(`a 7702 authorization for ${account}, which is a contract, not an EOA`);
        const expectedNonce = await this.publicClient.getTransactionCount({ address: account, blockTag: 'pending' });
        if (nonce !== expectedNonce) throw new UnexpectedSignatureRequestError(`a 7702 authorization with nonce ${nonce}; the account's nonce is ${expectedNonce}`);
        if (policy.authorization) throw new UnexpectedSignatureRequestError('two 7702 authorizations');
        policy.authorization = { address, chainId, nonce };
      } else if (item.type === 'user-operation-v070') {
        userOps++;
        if (Number(item.chainId) !== this.chain.id) throw new UnexpectedSignatureRequestError(`a user operation for chain ${Number(item.chainId)}`);
        const d = item.data;
        if (!isAddressEqual(d.sender, account)) throw new UnexpectedSignatureRequestError(`a user operation for account ${d.sender}`);
        this.checkCallData(d.callData, calls);
        const hash = getUserOperationHash({
          chainId: this.chain.id,
          entryPointAddress: entryPoint07Address,
          entryPointVersion: '0.7',
          userOperation: {
            sender: d.sender,
            nonce: BigInt(d.nonce),
            ...(d.factory ? { factory: d.factory, factoryData: d.factoryData ?? '0x' } : {}),
            callData: d.callData,
            callGasLimit: BigInt(d.callGasLimit),
            verificationGasLimit: BigInt(d.verificationGasLimit),
            preVerificationGas: BigInt(d.preVerificationGas),
            maxFeePerGas: BigInt(d.maxFeePerGas),
            maxPriorityFeePerGas: BigInt(d.maxPriorityFeePerGas),
            ...(d.paymaster
              ? {
                  paymaster: d.paymaster,
                  paymasterData: d.paymasterData ?? '0x',
                  paymasterVerificationGasLimit: BigInt(d.paymasterVerificationGasLimit ?? '0x0'),
                  paymasterPostOpGasLimit: BigInt(d.paymasterPostOpGasLimit ?? '0x0'),
                }
              : {}),
            signature: '0x',
          },
        });
        const req = item.signatureRequest;
        if (!req || req.type !== 'personal_sign' || typeof req.data !== 'object' || req.data === null || !('raw' in req.data)) {
          throw new UnexpectedSignatureRequestError(`a user operation signature request of type ${req?.type ?? 'none'}`);
        }
        const raw = typeof req.data.raw === 'string' ? req.data.raw : undefined;
        if (raw?.toLowerCase() !== hash.toLowerCase()) throw new UnexpectedSignatureRequestError(`a user operation digest ${raw} that is not the operation's hash ${hash}`);
        policy.messages!.push(hashMessage({ raw: hash }));
      } else {
        throw new UnexpectedSignatureRequestError(`prepared calls of type ${item.type}`);
      }
    }
    if (userOps !== 1) throw new UnexpectedSignatureRequestError(`${userOps} user operations for one batch`);
    return policy;
  }

  private checkCallData(callData: Hex, calls: SessionCall[]): void {
    let decoded;
    try {
      decoded = decodeFunctionData({ abi: MODULAR_ACCOUNT_ABI, data: callData });
    } catch {
      throw new UnexpectedSignatureRequestError('a user operation whose callData is not an account execution');
    }
    let executed: { target: Address; value: bigint; data: Hex }[];
    if (decoded.functionName === 'executeBatch') {
      executed = [...(decoded.args[0] as readonly { target: Address; value: bigint; data: Hex }[])];
    } else if (decoded.functionName === 'execute') {
      const [target, value, data] = decoded.args as readonly [Address, bigint, Hex];
      executed = [{ target, value, data }];
    } else {
      throw new UnexpectedSignatureRequestError(`a user operation calling ${decoded.functionName}`);
    }
    if (executed.length !== calls.length || executed.some((e, i) => !sameCall(calls[i]!, e))) {
      throw new UnexpectedSignatureRequestError('a user operation whose calls differ from the requested ones');
    }
  }

  // ---- status -----------------------------------------------------------------------------------

  /** EIP-5792 status of an Alchemy call id, in the wallet's CallsStatus shape. */
  async status(id: Hex): Promise<CallsStatus> {
    const raw = await this.run('read the call status', () => this.api.request('wallet_getCallsStatus', [id]));
    const code = raw.status;
    const status: CallsStatus['status'] = code < 200 ? 100 : code < 300 ? 200 : code === 500 ? 500 : code === 600 ? 600 : 400;
    return {
      version: '2.0.0',
      id: raw.id ?? id,
      chainId: numberToHex(hexToNumber(raw.chainId ?? numberToHex(this.chain.id))),
      status,
      atomic: raw.atomic ?? true,
      ...(raw.receipts && raw.receipts.length > 0
        ? {
            receipts: raw.receipts.map((r) => ({
              logs: r.logs.map((l) => ({ address: l.address, data: l.data, topics: l.topics })),
              status: r.status,
              blockHash: r.blockHash,
              blockNumber: r.blockNumber,
              gasUsed: r.gasUsed,
              transactionHash: r.transactionHash,
            })),
          }
        : {}),
    };
  }

  /** Polls status until it is final (200 or >= 400). */
  async waitForStatus(id: Hex): Promise<CallsStatus> {
    const deadline = Date.now() + this.waitTimeoutMs;
    for (;;) {
      const s = await this.status(id);
      if (s.status !== 100) return s;
      if (Date.now() > deadline) throw new ChainDisconnectedError(`No final status for call ${id} after ${Math.round(this.waitTimeoutMs / 1000)} s.`);
      await new Promise((r) => setTimeout(r, this.pollIntervalMs));
    }
  }

  // ---- messages ---------------------------------------------------------------------------------

  /**
   * personal_sign as the smart account (ERC-1271 via wallet_prepareSign/formatSign), by the owner
   * only: Alchemy session keys cannot sign messages, so a signer that is not `account` is refused.
   */
  async signMessage(owner: LocalAccount, message: SignableMessage, account: Address = owner.address): Promise<Hex> {
    if (!isAddressEqual(owner.address, account)) {
      throw new UnsupportedMethodError('Alchemy session keys cannot sign messages; the owner must sign (in a popup).');
    }
    const digest = hashMessage(message);
    const guard = guardedSigner(owner);
    guard.arm({
      messages: [digest],
      // Some account types wrap the message hash in typed data (MAv2 ReplaySafeHash): accept only
      // a wrapper for this chain and account whose message carries this digest.
      typedData: (typed) => {
        const domain = (typed.domain ?? {}) as { chainId?: number | bigint; verifyingContract?: Address };
        const carries = Object.values((typed.message ?? {}) as Record<string, unknown>).some((v) => typeof v === 'string' && v.toLowerCase() === digest.toLowerCase());
        if (Number(domain.chainId) !== this.chain.id || !domain.verifyingContract || !isAddressEqual(domain.verifyingContract, account) || !carries) {
          throw new UnexpectedSignatureRequestError('typed data that does not wrap the message');
        }
      },
    });
    try {
      const data = typeof message === 'string' ? message : { raw: typeof message.raw === 'string' ? message.raw : bytesToHex(message.raw) };
      return await this.run('sign the message', () => this.signAsAccount(guard.account, account, { type: 'personal_sign', data }));
    } finally {
      guard.disarm();
    }
  }
  /**
   * eth_signTypedData_v4 as the smart account, by the owner only (prepareSign/formatSign). The owner
   * key signs the requested typed data itself or an account wrapper of its hash, nothing else.
   */
  async signTypedData(owner: LocalAccount, typedData: TypedDataDefinition): Promise<Hex> {
    const digest = hashTypedData(typedData);
    const guard = guardedSigner(owner);
    guard.arm({
      typedData: (typed) => {
        if (hashTypedData(typed) === digest) return;
        const domain = (typed.domain ?? {}) as { chainId?: number | bigint; verifyingContract?: Address };
        const carries = Object.values((typed.message ?? {}) as Record<string, unknown>).some((v) => typeof v === 'string' && v.toLowerCase() === digest.toLowerCase());
        if (Number(domain.chainId) !== this.chain.id || !domain.verifyingContract || !isAddressEqual(domain.verifyingContract, owner.address) || !carries) {
          throw new UnexpectedSignatureRequestError('typed data that is neither the request nor a wrapper of it');
        }
      },
    });
    try {
      validateTypedData(typedData);
      const data = typedDataToWire(typedData, getTypesForEIP712Domain({ domain: typedData.domain }));
      return await this.run('sign the typed data', () => this.signAsAccount(guard.account, owner.address, { type: 'eth_signTypedData_v4', data }));
    } finally {
      guard.disarm();
    }
  }

  /** wallet_prepareSign, the signer (guarded) signs what it returns, wallet_formatSign: the account's ERC-1271 signature. */
  private async signAsAccount(signer: LocalAccount, account: Address, request: SignatureRequest): Promise<Hex> {
    const { signatureRequest } = await this.api.request('wallet_prepareSign', [{ from: account, chainId: this.chainIdHex, signatureRequest: request }]);
    const data = await signRequest(signer, signatureRequest);
    const { signature } = await this.api.request('wallet_formatSign', [{ from: account, chainId: this.chainIdHex, signature: { type: 'ecdsa', data } }]);
    if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]*$/.test(signature)) throw new InternalError('The Alchemy Wallet API answered no signature.');
    return signature as Hex;
  }
}

/** A personal_sign or typed-data request signed by `signer` (the guard decides whether it may be). */
async function signRequest(signer: LocalAccount, request: SignatureRequest | undefined): Promise<Hex> {
  if (request?.type === 'personal_sign') return signer.signMessage({ message: request.data as SignableMessage });
  if (request?.type === 'eth_signTypedData_v4') return signer.signTypedData(request.data as TypedDataDefinition);
  throw new UnexpectedSignatureRequestError(`a signature request of type ${String(request?.type)}`);
}

/**
 * The prepared calls with their signatures, as wallet_sendPreparedCalls takes them (the SDK's
 * signPreparedCalls): the authorization signed as 7702, the operation's digest as personal_sign;
 * the signature requests and the fee quote are not sent back.
 */
async function signPrepared(signer: LocalAccount, prepared: PreparedCalls): Promise<object> {
  const one = async (item: PreparedItem): Promise<object> => {
    if (item.type === 'authorization') {
      const { signatureRequest: _request, ...rest } = item;
      if (!signer.signAuthorization) throw new UnexpectedSignatureRequestError('an authorization this key cannot sign');
      const a = await signer.signAuthorization({ address: getAddress(item.data.address), chainId: Number(item.chainId), nonce: Number(item.data.nonce) });
      const yParity = a.yParity ?? (Number(a.v) === 28 || Number(a.v) === 1 ? 1 : 0);
      return { ...rest, signature: { type: 'secp256k1', data: serializeSignature({ r: a.r, s: a.s, yParity }) } };
    }
    if (item.type === 'user-operation-v070') {
      const { signatureRequest, feePayment: _fee, ...rest } = item;
      const data = await signRequest(signer, signatureRequest);
      return { type: rest.type, data: rest.data, chainId: rest.chainId, signature: { type: 'secp256k1', data } };
    }
    throw new UnexpectedSignatureRequestError(`prepared calls of type ${item.type}`);
  };
  if (prepared.type === 'array') return { type: 'array', data: await Promise.all(prepared.data.map(one)) };
  return one(prepared);
}

/** A signer for read-only requests (status); the guard refuses anything it is asked to sign. */
const placeholder: LocalAccount = guardedSigner({
  address: '0x0000000000000000000000000000000000000001',
} as unknown as LocalAccount).account;

interface ErrorLike {
  name?: string;
  code?: unknown;
  status?: unknown;
  message?: string;
  details?: string;
  shortMessage?: string;
  cause?: unknown;
}

/** Alchemy / transport failures as the wallet's RpcError classes (table at the top of this file). */
export function toAlchemyRpcError(err: unknown, what: string, chain: ChainConfig): RpcError {
  if (err instanceof RpcError) return err;
  let code: number | undefined;
  let status: number | undefined;
  let details: string | undefined;
  let httpError = false;
  let timeout = false;
  for (let e = err as ErrorLike | undefined, depth = 0; e && depth < 10; e = e.cause as ErrorLike | undefined, depth++) {
    if (e instanceof RpcError) return e;
    if (code === undefined && typeof e.code === 'number') code = e.code;
    if (status === undefined && typeof e.status === 'number') status = e.status;
    if (e.name === 'HttpRequestError') httpError = true;
    if (e.name === 'TimeoutError') timeout = true;
    if (details === undefined && typeof e.details === 'string' && e.details.length > 0) details = e.details;
  }
  const reason = (details ?? '').replace(/https?:\/\/\S+/g, '<url>').slice(0, 300);
  if (status === 401 || status === 403) {
    return new UnauthorizedError('Alchemy refused the API key (HTTP ' + status + '). Check the Alchemy API key in Settings.');
  }
  if (timeout || (httpError && (status === undefined || status >= 500 || status === 429))) {
    return new ChainDisconnectedError(`Cannot reach the Alchemy Wallet API to ${what}${status ? ` (HTTP ${status})` : ''}. Check the network connection.`);
  }
  if (code === 5730) return new UnknownBundleIdError(`Alchemy does not know this call id${reason ? `: ${reason}` : ''}.`);
  if (code === -32602 && /not supported|unsupported chain/i.test(reason) && /chain/i.test(reason)) {
    return new UnsupportedChainIdError(`Alchemy does not serve ${chain.name} (chain ${chain.id}): ${reason}`);
  }
  if (code === -32500 || code === -32503 || code === -32507 || /policy/i.test(reason)) {
    return new TransactionRejectedError(`Alchemy refused to ${what}: ${reason || 'no reason given'}`);
  }
  if (code === -32602) return new InvalidParamsError(`Alchemy refused the request to ${what}: ${reason}`);
  if (code === -32601) return new UnsupportedMethodError(`The Alchemy Wallet API does not support what is needed to ${what}.`);
  return new InternalError(`The Alchemy Wallet API failed to ${what}${reason ? `: ${reason}` : ''}.`);
}
