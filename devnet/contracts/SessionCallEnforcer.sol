// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title SessionCallEnforcer
/// @notice The wallet's own caveat enforcer (NOT part of the audited MetaMask Delegation Framework):
///         one caveat that checks, for a single call, what a session otherwise spreads over up to
///         five framework enforcers (Timestamp, LimitedCalls, NativeTokenTransferAmount / ValueLte,
///         AllowedTargets, AllowedMethods). Why: the DelegationManager makes four external hook
///         calls per caveat whatever the caveat checks, so one caveat instead of five is most of
///         the gas of a session call. Checking (target, selector) pairs jointly also removes the
///         AllowedTargets x AllowedMethods cross product.
/// @dev Implements the framework's ICaveatEnforcer (v1.3.0 hook signatures; ModeCode is bytes32).
///      State is keyed by (msg.sender = the DelegationManager, delegation hash), as the framework's
///      own stateful enforcers key it, so another caller cannot touch a delegation's counters.
///      Single-call default mode only: anything else reverts, as the framework's enforcers do.
///
///      Terms, packed (33 + 25 * n bytes):
///        uint64  expiry          valid only while block.timestamp < expiry; 0 = no expiry
///        uint64  callLimit       at most this many redemptions of the delegation; 0 = no limit
///        uint8   flags           bit 0: native value is counted against `allowance`
///        uint128 allowance       cumulative wei the delegation's calls may carry (when bit 0)
///        rules, 25 bytes each:   uint8 kind, address target, bytes4 selector
///          kind 0  the call's target is `target` and its calldata starts with `selector`
///          kind 1  the call's target is `target` (any calldata)
///          kind 2  the call's calldata starts with `selector` (any target)
///          kind 3  the calldata is empty (a plain value transfer, any target)
///        no rules: any call (the delegation only holds expiry, call limit and value)
contract SessionCallEnforcer {
    struct Usage {
        uint128 calls;
        uint128 spent;
    }

    /// @notice Calls redeemed and wei spent, per (DelegationManager, delegation hash).
    mapping(address delegationManager => mapping(bytes32 delegationHash => Usage)) public usage;

    uint256 private constant HEADER = 33;
    uint256 private constant RULE = 25;

    function beforeAllHook(bytes calldata, bytes calldata, bytes32, bytes calldata, bytes32, address, address) external pure { }

    function beforeHook(
        bytes calldata _terms,
        bytes calldata,
        bytes32 _mode,
        bytes calldata _executionCalldata,
        bytes32 _delegationHash,
        address,
        address
    )
        external
    {
        // ERC-7579 mode: byte 0 call type (0x00 single), byte 1 exec type (0x00 default).
        require(bytes1(_mode) == 0x00, "SessionCallEnforcer:invalid-call-type");
        require(bytes1(_mode << 8) == 0x00, "SessionCallEnforcer:invalid-execution-type");
        require(_terms.length >= HEADER && (_terms.length - HEADER) % RULE == 0, "SessionCallEnforcer:invalid-terms-length");
        // Single execution: abi.encodePacked(target, value, callData).
        require(_executionCalldata.length >= 52, "SessionCallEnforcer:invalid-execution-length");

        uint256 expiry_ = uint64(bytes8(_terms[0:8]));
        require(expiry_ == 0 || block.timestamp < expiry_, "SessionCallEnforcer:expired");
        if (_terms.length > HEADER) {
            require(_allowed(_terms[HEADER:], address(bytes20(_executionCalldata[0:20])), _executionCalldata[52:]), "SessionCallEnforcer:call-not-allowed");
        }
        _record(_terms, _delegationHash, uint256(bytes32(_executionCalldata[20:52])));
    }

    /// @dev Counts the call and its value, when the terms ask for either (no storage write otherwise).
    function _record(bytes calldata _terms, bytes32 _delegationHash, uint256 _value) private {
        uint256 limit_ = uint64(bytes8(_terms[8:16]));
        bool counted_ = uint8(_terms[16]) & 1 == 1;
        if (limit_ == 0 && (!counted_ || _value == 0)) return;

        Usage memory u_ = usage[msg.sender][_delegationHash];
        if (limit_ != 0) {
            u_.calls += 1;
            require(u_.calls <= limit_, "SessionCallEnforcer:limit-exceeded");
        }
        if (counted_) {
            uint256 spent_ = uint256(u_.spent) + _value;
            require(spent_ <= uint128(bytes16(_terms[17:33])), "SessionCallEnforcer:allowance-exceeded");
            u_.spent = uint128(spent_);
        }
        usage[msg.sender][_delegationHash] = u_;
    }

    function afterHook(bytes calldata, bytes calldata, bytes32, bytes calldata, bytes32, address, address) external pure { }

    function afterAllHook(bytes calldata, bytes calldata, bytes32, bytes calldata, bytes32, address, address) external pure { }

    /// @dev Whether one rule admits the call. Rules are checked as whole pairs, never as a
    ///      targets list crossed with a selectors list.
    function _allowed(bytes calldata _rules, address _target, bytes calldata _data) private pure returns (bool) {
        bytes4 selector_ = _data.length >= 4 ? bytes4(_data[0:4]) : bytes4(0);
        bool hasSelector_ = _data.length >= 4;
        for (uint256 i = 0; i < _rules.length; i += RULE) {
            uint8 kind_ = uint8(_rules[i]);
            address ruleTarget_ = address(bytes20(_rules[i + 1:i + 21]));
            bytes4 ruleSelector_ = bytes4(_rules[i + 21:i + 25]);
            if (kind_ == 0) {
                if (ruleTarget_ == _target && hasSelector_ && ruleSelector_ == selector_) return true;
            } else if (kind_ == 1) {
                if (ruleTarget_ == _target) return true;
            } else if (kind_ == 2) {
                if (hasSelector_ && ruleSelector_ == selector_) return true;
            } else if (kind_ == 3) {
                if (_data.length == 0) return true;
            }
        }
        return false;
    }
}
