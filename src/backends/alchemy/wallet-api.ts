// Alchemy's Wallet API as the Alchemy backend speaks it: the handful of JSON-RPC methods it uses,
// typed here, over viem's http transport (the one @alchemy/wallet-apis v5 wraps). The wallet used
// to go through that SDK; its wire schemas (zod classic, @alchemy/wallet-api-types, deep-equal and
// its Node polyfills) were ~170 kB of the service worker's start-up JS for six methods (issue 15).
//
// Wire format (what the SDK's v5.1.0 encoders put on the wire, and the stand-in in test/alchemy/
// checks with the same schemas): quantities are 0x-hex (chain ids, amounts, nonces, gas), the
// session's expirySec a plain number; answers are taken as they come and read with Number()/BigInt(),
// and every field the wallet signs over is checked first (backend.ts).
import { createClient, http, numberToHex, type Address, type Hex, type TypedDataDefinition } from 'viem';

/** The SDK version whose wire format this client speaks, sent as the SDK sends it. */
const WIRE_SDK_VERSION = '5.1.0';

/** A quantity as an answer may carry it: 0x-hex on the wire (tests also hand in decoded numbers). */
export type Quantity = Hex | number | bigint;

export interface PreparedAuthorization {
  type: 'authorization';
  chainId: Quantity;
  data: { address: Address; nonce: Quantity };
  signatureRequest?: unknown;
}

export interface PreparedUserOperation {
  type: 'user-operation-v070';
  chainId: Quantity;
  data: {
    sender: Address;
    nonce: Quantity;
    factory?: Address;
    factoryData?: Hex;
    callData: Hex;
    callGasLimit: Quantity;
    verificationGasLimit: Quantity;
    preVerificationGas: Quantity;
    maxFeePerGas: Quantity;
    maxPriorityFeePerGas: Quantity;
    paymaster?: Address;
    paymasterData?: Hex;
    paymasterVerificationGasLimit?: Quantity;
    paymasterPostOpGasLimit?: Quantity;
  };
  signatureRequest?: { type: string; data?: unknown };
  feePayment?: unknown;
}

/** What the wallet never signs (EntryPoint v0.6 operations, paymaster permits): refused by type. */
interface PreparedOther {
  type: 'user-operation-v060' | 'paymaster-permit';
}

export type PreparedItem = PreparedAuthorization | PreparedUserOperation | PreparedOther;
/** A wallet_prepareCalls answer: one item, or an array (a 7702 authorization, then the operation). */
export type PreparedCalls = { type: 'array'; data: readonly PreparedItem[] } | PreparedItem;

export interface SignatureRequest {
  type: 'personal_sign' | 'eth_signTypedData_v4' | (string & {});
  data?: unknown;
}

export interface CallsStatusAnswer {
  id: Hex;
  chainId: Hex;
  atomic?: boolean;
  status: number;
  receipts?: { logs: { address: Hex; data: Hex; topics: Hex[] }[]; status: '0x1' | '0x0'; blockHash: Hex; blockNumber: Hex; gasUsed: Hex; transactionHash: Hex }[];
}

/** The methods, their params (as the wallet sends them) and their answers (as far as it reads them). */
interface Methods {
  wallet_getCapabilities: { params: [Address, Hex[]]; answer: unknown };
  wallet_createSession: {
    params: [{ account: Address; chainId: Hex; expirySec: number; key: { publicKey: Address; type: 'secp256k1' }; permissions: unknown[] }];
    answer: { sessionId: Hex; signatureRequest?: SignatureRequest };
  };
  wallet_prepareCalls: {
    params: [{ calls: { to: Address; data: Hex; value: Hex }[]; from: Address; chainId: Hex; capabilities?: Capabilities }];
    answer: PreparedCalls;
  };
  wallet_sendPreparedCalls: { params: [object]; answer: { id?: Hex } };
  wallet_getCallsStatus: { params: [Hex]; answer: CallsStatusAnswer };
  wallet_prepareSign: { params: [{ from: Address; chainId: Hex; signatureRequest: SignatureRequest }]; answer: { signatureRequest?: SignatureRequest } };
  wallet_formatSign: { params: [{ from: Address; chainId: Hex; signature: { type: 'ecdsa'; data: Hex } }]; answer: { signature?: Hex } };
}

export interface Capabilities {
  permissions?: { context: Hex };
  paymasterService?: { policyId: string } | { policyIds: string[] };
}

export interface WalletApi {
  request<M extends keyof Methods>(method: M, params: Methods[M]['params']): Promise<Methods[M]['answer']>;
}

/**
 * A client of the Wallet API at `url`; the key goes only in the Authorization header. Errors are
 * viem's (HttpRequestError with the status, RpcRequestError with Alchemy's code and message), which
 * toAlchemyRpcError maps to the wallet's codes, as it did for the SDK (which used the same transport).
 */
export function walletApi(url: string, apiKey: string): WalletApi {
  const headers = { 'Alchemy-AA-Sdk-Version': WIRE_SDK_VERSION, Authorization: `Bearer ${apiKey}` };
  const client = createClient({ transport: http(url, { fetchOptions: { headers } }) });
  return {
    request: (method, params) => client.request({ method, params: toWire(params) } as never) as never,
  };
}

/** JSON-safe wire values: bigints as 0x-hex quantities (what the SDK's encoders did). */
export function toWire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? numberToHex(v) : v))) as T;
}

/** Typed data as the Wallet API takes it (the SDK's typedDataToJsonSafe): EIP712Domain listed, bigints hex, chainId a number. */
export function typedDataToWire(typed: TypedDataDefinition, domainTypes: readonly { name: string; type: string }[]): object {
  const domain = typed.domain ?? {};
  return toWire({
    domain: { ...domain, ...(domain.chainId !== undefined ? { chainId: Number(domain.chainId) } : {}) },
    types: { ...(typed.types as Record<string, unknown>), EIP712Domain: [...domainTypes] },
    primaryType: typed.primaryType,
    message: typed.message,
  });
}
