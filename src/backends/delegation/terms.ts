// Caveat terms of the Delegation Framework's enforcers, encoded (and the few the wallet reads back,
// decoded) as the enforcers read them: packed big-endian words and addresses. Written here instead
// of importing @metamask/delegation-core because that package pulls @metamask/abi-utils ->
// @metamask/utils -> lodash, superstruct and debug into the service worker (~213 kB of start-up
// JS, issue 15) for what is string concatenation. The output is string-identical to
// delegation-core's (addresses keep the case they are given, as its encoders do):
// test/unit/delegation-terms.test.ts compares every encoder with it.
import { decodeAbiParameters, type Address, type Hex } from 'viem';

/** The enforcers' upper bound on timestamps (year 9999), as delegation-core checks it. */
const TIMESTAMP_UPPER_BOUND_SECONDS = 253_402_300_799;

const word = (value: bigint | number, bytes = 32): string => {
  const v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(bytes * 8)) throw new Error(`value out of range for ${bytes} bytes: ${v}`);
  return v.toString(16).padStart(bytes * 2, '0');
};
const hexOf = (h: string): string => {
  if (!/^0x[0-9a-fA-F]*$/.test(h) || h.length % 2 !== 0) throw new Error(`not hex bytes: ${h}`);
  return h.slice(2);
};
const addressOf = (a: string, what: string): string => {
  if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new Error(`Invalid ${what}: must be a valid address`);
  return a.slice(2);
};
const join = (parts: string[]): Hex => `0x${parts.join('')}`;

export const timestampTerms = (t: { afterThreshold: number; beforeThreshold: number }): Hex => {
  if (t.afterThreshold < 0 || t.beforeThreshold < 0) throw new Error('Invalid threshold: must be zero or positive');
  if (t.afterThreshold > TIMESTAMP_UPPER_BOUND_SECONDS || t.beforeThreshold > TIMESTAMP_UPPER_BOUND_SECONDS) throw new Error('Invalid threshold: past the year 9999');
  if (t.beforeThreshold !== 0 && t.afterThreshold >= t.beforeThreshold) throw new Error('Invalid thresholds: beforeThreshold must be greater than afterThreshold');
  return join([word(t.afterThreshold, 16), word(t.beforeThreshold, 16)]);
};

export const valueLteTerms = (maxValue: bigint): Hex => join([word(maxValue)]);
export const limitedCallsTerms = (limit: number): Hex => {
  if (!Number.isInteger(limit) || limit <= 0) throw new Error('Invalid limit: must be a positive integer');
  return join([word(limit)]);
};
export const nativeTokenTransferAmountTerms = (maxAmount: bigint): Hex => join([word(maxAmount)]);

export const erc20TransferAmountTerms = (token: Address, maxAmount: bigint): Hex => {
  if (maxAmount <= 0n) throw new Error('Invalid maxAmount: must be a positive number');
  return join([addressOf(token, 'tokenAddress'), word(maxAmount)]);
};

export const nativeTokenPeriodTransferTerms = (t: { periodAmount: bigint; periodDuration: number; startDate: number }): Hex => {
  if (t.periodAmount <= 0n || t.periodDuration <= 0 || t.startDate <= 0) throw new Error('Invalid period terms: amount, duration and start must be positive');
  return join([word(t.periodAmount), word(t.periodDuration), word(t.startDate)]);
};

export const nativeTokenStreamingTerms = (t: { initialAmount: bigint; maxAmount: bigint; amountPerSecond: bigint; startTime: number }): Hex => {
  if (t.initialAmount < 0n || t.maxAmount <= 0n || t.maxAmount < t.initialAmount || t.amountPerSecond <= 0n) throw new Error('Invalid streaming amounts');
  if (t.startTime <= 0 || t.startTime > TIMESTAMP_UPPER_BOUND_SECONDS) throw new Error('Invalid startTime');
  return join([word(t.initialAmount), word(t.maxAmount), word(t.amountPerSecond), word(t.startTime)]);
};

export const exactCalldataTerms = (calldata: Hex): Hex => join([hexOf(calldata)]);

export const allowedCalldataTerms = (startIndex: number, value: Hex): Hex => {
  if (!Number.isInteger(startIndex) || startIndex < 0) throw new Error('Invalid startIndex: must be a whole number, zero or positive');
  return join([word(startIndex), hexOf(value)]);
};

export const allowedMethodsTerms = (selectors: readonly Hex[]): Hex => {
  if (selectors.length === 0) throw new Error('Invalid selectors: must provide at least one selector');
  return join(
    selectors.map((s) => {
      if (!/^0x[0-9a-fA-F]{8}$/.test(s)) throw new Error(`not a 4-byte selector: ${s}`);
      return s.slice(2);
    }),
  );
};

export const allowedTargetsTerms = (targets: readonly Address[]): Hex => {
  if (targets.length === 0) throw new Error('Invalid targets: must provide at least one target address');
  return join(targets.map((t) => addressOf(t, 'targets')));
};

export const redeemerTerms = (redeemers: readonly Address[]): Hex => {
  if (redeemers.length === 0) throw new Error('Invalid redeemers: must specify at least one redeemer address');
  return join(redeemers.map((r) => addressOf(r, 'redeemers')));
};

/** ApprovalRevocationEnforcer's one-byte mask of the revocation kinds it allows. */
export const approvalRevocationTerms = (f: { erc20Approve: boolean; erc721Approve: boolean; erc721SetApprovalForAll: boolean; permit2Approve: boolean; permit2Lockdown: boolean; permit2InvalidateNonces: boolean }): Hex => {
  const mask =
    (f.erc20Approve ? 1 : 0) | (f.erc721Approve ? 2 : 0) | (f.erc721SetApprovalForAll ? 4 : 0) | (f.permit2Approve ? 8 : 0) | (f.permit2Lockdown ? 16 : 0) | (f.permit2InvalidateNonces ? 32 : 0);
  if (mask === 0) throw new Error('Invalid terms: at least one revocation kind must be allowed');
  return join([word(mask, 1)]);
};

export interface TokenPeriodConfig {
  token: Address;
  periodAmount: bigint;
  periodDuration: number;
  startDate: number;
}

export const multiTokenPeriodTerms = (configs: readonly TokenPeriodConfig[]): Hex => {
  if (configs.length === 0) throw new Error('MultiTokenPeriod: tokenConfigs cannot be empty');
  return join(
    configs.flatMap((c) => {
      if (c.periodAmount <= 0n || c.periodDuration <= 0 || c.startDate <= 0) throw new Error('Invalid token period config: amount, duration and start must be positive');
      return [addressOf(c.token, 'token address'), word(c.periodAmount), word(c.periodDuration), word(c.startDate)];
    }),
  );
};

// ---------------------------------------------------------------- decoding (usage readings)

const bytesAt = (terms: Hex, offset: number, size: number): string => terms.slice(2 + offset * 2, 2 + (offset + size) * 2);

/** ERC20TransferAmountEnforcer terms: (token, maxAmount); the address in lowercase. */
export function decodeErc20TransferAmountTerms(terms: Hex): { tokenAddress: Address; maxAmount: bigint } {
  if (terms.length !== 2 + 52 * 2) throw new Error('Invalid ERC20TransferAmount terms: must be exactly 52 bytes');
  return { tokenAddress: `0x${bytesAt(terms, 0, 20).toLowerCase()}`, maxAmount: BigInt(`0x${bytesAt(terms, 20, 32)}`) };
}

/** MultiTokenPeriodEnforcer terms: 116 bytes per token config. */
export function decodeMultiTokenPeriodTerms(terms: Hex): { tokenConfigs: TokenPeriodConfig[] } {
  const size = (terms.length - 2) / 2;
  if (size === 0 || size % 116 !== 0) throw new Error('Invalid MultiTokenPeriod terms: must be a multiple of 116 bytes');
  return {
    tokenConfigs: Array.from({ length: size / 116 }, (_, i) => {
      const o = i * 116;
      return {
        token: `0x${bytesAt(terms, o, 20).toLowerCase()}` as Address,
        periodAmount: BigInt(`0x${bytesAt(terms, o + 20, 32)}`),
        periodDuration: Number(BigInt(`0x${bytesAt(terms, o + 52, 32)}`)),
        startDate: Number(BigInt(`0x${bytesAt(terms, o + 84, 32)}`)),
      };
    }),
  };
}

const CAVEAT_GROUPS_ABI = [
  {
    type: 'tuple[]',
    components: [
      {
        type: 'tuple[]',
        name: 'caveats',
        components: [
          { name: 'enforcer', type: 'address' },
          { name: 'terms', type: 'bytes' },
          { name: 'args', type: 'bytes' },
        ],
      },
    ],
  },
] as const;

/** LogicalOrWrapperEnforcer terms: abi.encode(CaveatGroup[]), CaveatGroup = (Caveat[] caveats). */
export function decodeLogicalOrWrapperTerms(terms: Hex): { caveatGroups: { enforcer: Address; terms: Hex; args: Hex }[][] } {
  const [groups] = decodeAbiParameters(CAVEAT_GROUPS_ABI, terms);
  return { caveatGroups: groups.map((g) => g.caveats.map((c) => ({ enforcer: c.enforcer, terms: c.terms, args: c.args }))) };
}
