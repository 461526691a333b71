// Errors raised while turning untrusted permission requests into a SessionScope. Their messages are
// shown to people (the owner in the popup, the dApp developer in the RPC error), so they name the
// permission and say what to change, in plain words. The RPC layer maps both to -32602.

/** A permission request that cannot be granted as asked. Nothing of it was applied. */
export class PermissionError extends Error {
  /** EIP-1474 "invalid params": what the RPC layer answers with. */
  static readonly code = -32602 as const;
  readonly code = PermissionError.code;
  override name = 'PermissionError';
}

/** A permission type this wallet does not know, in a request that marked it as required. */
export class UnsupportedPermissionError extends PermissionError {
  override name = 'UnsupportedPermissionError';
  constructor(readonly permissionType: string) {
    super(`permission type "${permissionType}" is not supported by this wallet`);
  }
}
