// Provider errors as classes with a literal code, so callers can switch on `code`.
// Codes: EIP-1193 (4001..4902), EIP-1474 / JSON-RPC 2.0 (-32700..-32006), EIP-5792 (5700..5760).
import { PermissionError } from './permissions/errors';

export interface RpcErrorPayload {
  code: number;
  message: string;
  data?: unknown;
}

/** Base of every error the wallet returns to a dApp. */
export class RpcError extends Error {
  override name = 'RpcError';
  readonly code: number;
  readonly data?: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    if (data !== undefined) this.data = data;
  }

  toJSON(): RpcErrorPayload {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

const make = <C extends number>(code: C, defaultMessage: string, name: string) =>
  class extends RpcError {
    static readonly code = code;
    override name = name;
    constructor(message: string = defaultMessage, data?: unknown) {
      super(code, message, data);
    }
  };

// EIP-1193
export const UserRejectedError = make(4001, 'The user rejected the request.', 'UserRejectedError');
export const UnauthorizedError = make(4100, 'The requested account or method has not been authorized by the user.', 'UnauthorizedError');
export const UnsupportedMethodError = make(4200, 'The wallet does not support this method.', 'UnsupportedMethodError');
export const DisconnectedError = make(4900, 'The wallet is disconnected from all chains.', 'DisconnectedError');
export const ChainDisconnectedError = make(4901, 'The wallet is not connected to the requested chain.', 'ChainDisconnectedError');
export const UnrecognizedChainError = make(4902, 'Unrecognized chain. Add it first with wallet_addEthereumChain.', 'UnrecognizedChainError');

// JSON-RPC 2.0 / EIP-1474
export const ParseError = make(-32700, 'Invalid JSON.', 'ParseError');
export const InvalidRequestError = make(-32600, 'Invalid request.', 'InvalidRequestError');
export const MethodNotFoundError = make(-32601, 'Method not found.', 'MethodNotFoundError');
export const InvalidParamsError = make(-32602, 'Invalid method parameters.', 'InvalidParamsError');
export const InternalError = make(-32603, 'Internal wallet error.', 'InternalError');
export const ResourceUnavailableError = make(-32002, 'Requested resource not available.', 'ResourceUnavailableError');
export const TransactionRejectedError = make(-32003, 'Transaction rejected.', 'TransactionRejectedError');
export const LimitExceededError = make(-32005, 'Request exceeds a defined limit.', 'LimitExceededError');

// EIP-5792
export const UnsupportedCapabilityError = make(5700, 'The wallet does not support a capability the request requires.', 'UnsupportedCapabilityError');
export const UnsupportedChainIdError = make(5710, 'The wallet does not support calls on this chain.', 'UnsupportedChainIdError');
export const DuplicateBundleIdError = make(5720, 'A call bundle with this id already exists.', 'DuplicateBundleIdError');
export const UnknownBundleIdError = make(5730, 'No call bundle with this id is known.', 'UnknownBundleIdError');
export const BundleTooLargeError = make(5740, 'The call bundle is too large.', 'BundleTooLargeError');
export const AtomicityNotSupportedError = make(5760, 'The wallet cannot execute these calls atomically.', 'AtomicityNotSupportedError');

/**
 * Runs `run`; permission validation speaks PermissionError (its message written for people), which
 * at an RPC or wallet-API boundary is -32602 with the same message. Anything else passes through.
 */
export function asInvalidParams<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof PermissionError) throw new InvalidParamsError(error.message);
    throw error;
  }
}

/**
 * Turns anything thrown inside the wallet into the payload a dApp receives.
 * Unknown errors become -32603 with a generic message: internal details (stack traces,
 * storage keys, RPC URLs with API keys) must not leak to the page.
 */
export function toRpcErrorPayload(error: unknown): RpcErrorPayload {
  if (error instanceof RpcError) return error.toJSON();
  return { code: -32603, message: 'Internal wallet error.' };
}

/** True for a JSON-RPC error object as a node or another wallet returns it. */
export function isRpcErrorPayload(value: unknown): value is RpcErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RpcErrorPayload).code === 'number' &&
    typeof (value as RpcErrorPayload).message === 'string'
  );
}
