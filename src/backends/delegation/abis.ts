// The fragments of the Delegation Framework's ABIs that the wallet calls or decodes, written out
// (generated from @metamask/delegation-abis, the version in package.json), so the worker does not
// carry the package's full ABIs (59 kB of start-up JS, issue 15). A unit test
// (test/unit/delegation-abis-fragments.test.ts) checks every item against the package's ABIs and
// that no overload or error of a used name is missing. To use another function, add it here.

/** DelegationManager: redeemDelegations, disabledDelegations, getDelegationHash, getDomainHash, owner, NAME, and its custom errors. */
export const DelegationManager = [
  {"type":"function","name":"NAME","inputs":[],"outputs":[{"name":"","type":"string","internalType":"string"}],"stateMutability":"view"},
  {"type":"function","name":"disabledDelegations","inputs":[{"name":"delegationHash","type":"bytes32","internalType":"bytes32"}],"outputs":[{"name":"isDisabled","type":"bool","internalType":"bool"}],"stateMutability":"view"},
  {"type":"function","name":"getDelegationHash","inputs":[{"name":"_input","type":"tuple","internalType":"struct Delegation","components":[{"name":"delegate","type":"address","internalType":"address"},{"name":"delegator","type":"address","internalType":"address"},{"name":"authority","type":"bytes32","internalType":"bytes32"},{"name":"caveats","type":"tuple[]","internalType":"struct Caveat[]","components":[{"name":"enforcer","type":"address","internalType":"address"},{"name":"terms","type":"bytes","internalType":"bytes"},{"name":"args","type":"bytes","internalType":"bytes"}]},{"name":"salt","type":"uint256","internalType":"uint256"},{"name":"signature","type":"bytes","internalType":"bytes"}]}],"outputs":[{"name":"","type":"bytes32","internalType":"bytes32"}],"stateMutability":"pure"},
  {"type":"function","name":"getDomainHash","inputs":[],"outputs":[{"name":"","type":"bytes32","internalType":"bytes32"}],"stateMutability":"view"},
  {"type":"function","name":"owner","inputs":[],"outputs":[{"name":"","type":"address","internalType":"address"}],"stateMutability":"view"},
  {"type":"function","name":"redeemDelegations","inputs":[{"name":"_permissionContexts","type":"bytes[]","internalType":"bytes[]"},{"name":"_modes","type":"bytes32[]","internalType":"ModeCode[]"},{"name":"_executionCallDatas","type":"bytes[]","internalType":"bytes[]"}],"outputs":[],"stateMutability":"nonpayable"},
  {"type":"error","name":"AlreadyDisabled","inputs":[]},
  {"type":"error","name":"AlreadyEnabled","inputs":[]},
  {"type":"error","name":"BatchDataLengthMismatch","inputs":[]},
  {"type":"error","name":"CannotUseADisabledDelegation","inputs":[]},
  {"type":"error","name":"ECDSAInvalidSignature","inputs":[]},
  {"type":"error","name":"ECDSAInvalidSignatureLength","inputs":[{"name":"length","type":"uint256","internalType":"uint256"}]},
  {"type":"error","name":"ECDSAInvalidSignatureS","inputs":[{"name":"s","type":"bytes32","internalType":"bytes32"}]},
  {"type":"error","name":"EmptySignature","inputs":[]},
  {"type":"error","name":"EnforcedPause","inputs":[]},
  {"type":"error","name":"ExpectedPause","inputs":[]},
  {"type":"error","name":"InvalidAuthority","inputs":[]},
  {"type":"error","name":"InvalidDelegate","inputs":[]},
  {"type":"error","name":"InvalidDelegator","inputs":[]},
  {"type":"error","name":"InvalidEOASignature","inputs":[]},
  {"type":"error","name":"InvalidERC1271Signature","inputs":[]},
  {"type":"error","name":"InvalidShortString","inputs":[]},
  {"type":"error","name":"OwnableInvalidOwner","inputs":[{"name":"owner","type":"address","internalType":"address"}]},
  {"type":"error","name":"OwnableUnauthorizedAccount","inputs":[{"name":"account","type":"address","internalType":"address"}]},
  {"type":"error","name":"StringTooLong","inputs":[{"name":"str","type":"string","internalType":"string"}]},
] as const;

/** EIP7702StatelessDeleGator: execute, and its custom errors. */
export const EIP7702StatelessDeleGator = [
  {"type":"function","name":"execute","inputs":[{"name":"_execution","type":"tuple","internalType":"struct Execution","components":[{"name":"target","type":"address","internalType":"address"},{"name":"value","type":"uint256","internalType":"uint256"},{"name":"callData","type":"bytes","internalType":"bytes"}]}],"outputs":[],"stateMutability":"payable"},
  {"type":"function","name":"execute","inputs":[{"name":"_mode","type":"bytes32","internalType":"ModeCode"},{"name":"_executionCalldata","type":"bytes","internalType":"bytes"}],"outputs":[],"stateMutability":"payable"},
  {"type":"error","name":"ECDSAInvalidSignature","inputs":[]},
  {"type":"error","name":"ECDSAInvalidSignatureLength","inputs":[{"name":"length","type":"uint256","internalType":"uint256"}]},
  {"type":"error","name":"ECDSAInvalidSignatureS","inputs":[{"name":"s","type":"bytes32","internalType":"bytes32"}]},
  {"type":"error","name":"ExecutionFailed","inputs":[]},
  {"type":"error","name":"InvalidEIP712NameLength","inputs":[]},
  {"type":"error","name":"InvalidEIP712VersionLength","inputs":[]},
  {"type":"error","name":"InvalidShortString","inputs":[]},
  {"type":"error","name":"NotDelegationManager","inputs":[]},
  {"type":"error","name":"NotEntryPoint","inputs":[]},
  {"type":"error","name":"NotEntryPointOrSelf","inputs":[]},
  {"type":"error","name":"NotSelf","inputs":[]},
  {"type":"error","name":"StringTooLong","inputs":[{"name":"str","type":"string","internalType":"string"}]},
  {"type":"error","name":"UnauthorizedCallContext","inputs":[]},
  {"type":"error","name":"UnsupportedCallType","inputs":[{"name":"callType","type":"bytes1","internalType":"CallType"}]},
  {"type":"error","name":"UnsupportedExecType","inputs":[{"name":"execType","type":"bytes1","internalType":"ExecType"}]},
] as const;

/** DeleGatorCore: disableDelegation. */
export const DeleGatorCore = [
  {"type":"function","name":"disableDelegation","inputs":[{"name":"_delegation","type":"tuple","internalType":"struct Delegation","components":[{"name":"delegate","type":"address","internalType":"address"},{"name":"delegator","type":"address","internalType":"address"},{"name":"authority","type":"bytes32","internalType":"bytes32"},{"name":"caveats","type":"tuple[]","internalType":"struct Caveat[]","components":[{"name":"enforcer","type":"address","internalType":"address"},{"name":"terms","type":"bytes","internalType":"bytes"},{"name":"args","type":"bytes","internalType":"bytes"}]},{"name":"salt","type":"uint256","internalType":"uint256"},{"name":"signature","type":"bytes","internalType":"bytes"}]}],"outputs":[],"stateMutability":"nonpayable"},
] as const;

/** LimitedCallsEnforcer: callCounts. */
export const LimitedCallsEnforcer = [
  {"type":"function","name":"callCounts","inputs":[{"name":"delegationManager","type":"address","internalType":"address"},{"name":"delegationHash","type":"bytes32","internalType":"bytes32"}],"outputs":[{"name":"count","type":"uint256","internalType":"uint256"}],"stateMutability":"view"},
] as const;

/** NativeTokenTransferAmountEnforcer: spentMap. */
export const NativeTokenTransferAmountEnforcer = [
  {"type":"function","name":"spentMap","inputs":[{"name":"sender","type":"address","internalType":"address"},{"name":"delegationHash","type":"bytes32","internalType":"bytes32"}],"outputs":[{"name":"amount","type":"uint256","internalType":"uint256"}],"stateMutability":"view"},
] as const;

/** ERC20TransferAmountEnforcer: spentMap. */
export const ERC20TransferAmountEnforcer = [
  {"type":"function","name":"spentMap","inputs":[{"name":"delegationManager","type":"address","internalType":"address"},{"name":"delegationHash","type":"bytes32","internalType":"bytes32"}],"outputs":[{"name":"amount","type":"uint256","internalType":"uint256"}],"stateMutability":"view"},
] as const;

/** MultiTokenPeriodEnforcer: getAvailableAmount. */
export const MultiTokenPeriodEnforcer = [
  {"type":"function","name":"getAvailableAmount","inputs":[{"name":"_delegationHash","type":"bytes32","internalType":"bytes32"},{"name":"_delegationManager","type":"address","internalType":"address"},{"name":"_terms","type":"bytes","internalType":"bytes"},{"name":"_args","type":"bytes","internalType":"bytes"}],"outputs":[{"name":"availableAmount_","type":"uint256","internalType":"uint256"},{"name":"isNewPeriod_","type":"bool","internalType":"bool"},{"name":"currentPeriod_","type":"uint256","internalType":"uint256"}],"stateMutability":"view"},
] as const;

/** NativeTokenPeriodTransferEnforcer: periodicAllowances. */
export const NativeTokenPeriodTransferEnforcer = [
  {"type":"function","name":"periodicAllowances","inputs":[{"name":"delegationManager","type":"address","internalType":"address"},{"name":"delegationHash","type":"bytes32","internalType":"bytes32"}],"outputs":[{"name":"periodAmount","type":"uint256","internalType":"uint256"},{"name":"periodDuration","type":"uint256","internalType":"uint256"},{"name":"startDate","type":"uint256","internalType":"uint256"},{"name":"lastTransferPeriod","type":"uint256","internalType":"uint256"},{"name":"transferredInCurrentPeriod","type":"uint256","internalType":"uint256"}],"stateMutability":"view"},
] as const;

/** ERC20PeriodTransferEnforcer: periodicAllowances. */
export const ERC20PeriodTransferEnforcer = [
  {"type":"function","name":"periodicAllowances","inputs":[{"name":"delegationManager","type":"address","internalType":"address"},{"name":"delegationHash","type":"bytes32","internalType":"bytes32"}],"outputs":[{"name":"periodAmount","type":"uint256","internalType":"uint256"},{"name":"periodDuration","type":"uint256","internalType":"uint256"},{"name":"startDate","type":"uint256","internalType":"uint256"},{"name":"lastTransferPeriod","type":"uint256","internalType":"uint256"},{"name":"transferredInCurrentPeriod","type":"uint256","internalType":"uint256"}],"stateMutability":"view"},
] as const;

/** NativeTokenStreamingEnforcer: streamingAllowances. */
export const NativeTokenStreamingEnforcer = [
  {"type":"function","name":"streamingAllowances","inputs":[{"name":"delegationManager","type":"address","internalType":"address"},{"name":"delegationHash","type":"bytes32","internalType":"bytes32"}],"outputs":[{"name":"initialAmount","type":"uint256","internalType":"uint256"},{"name":"maxAmount","type":"uint256","internalType":"uint256"},{"name":"amountPerSecond","type":"uint256","internalType":"uint256"},{"name":"startTime","type":"uint256","internalType":"uint256"},{"name":"spent","type":"uint256","internalType":"uint256"}],"stateMutability":"view"},
] as const;

/** ERC20StreamingEnforcer: streamingAllowances. */
export const ERC20StreamingEnforcer = [
  {"type":"function","name":"streamingAllowances","inputs":[{"name":"delegationManager","type":"address","internalType":"address"},{"name":"delegationHash","type":"bytes32","internalType":"bytes32"}],"outputs":[{"name":"initialAmount","type":"uint256","internalType":"uint256"},{"name":"maxAmount","type":"uint256","internalType":"uint256"},{"name":"amountPerSecond","type":"uint256","internalType":"uint256"},{"name":"startTime","type":"uint256","internalType":"uint256"},{"name":"spent","type":"uint256","internalType":"uint256"}],"stateMutability":"view"},
] as const;
