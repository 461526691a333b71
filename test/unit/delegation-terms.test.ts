// The wallet's own caveat terms (src/backends/delegation/terms.ts) against
// @metamask/delegation-core's encoders and decoders, which the test may import and the
// extension no longer bundles: every term must be string-identical.
import * as core from '@metamask/delegation-core';
import { describe, expect, it } from 'vitest';
import type { Address, Hex } from 'viem';
import * as terms from '@/src/backends/delegation/terms';

const TOKEN: Address = '0xAde078291A13b081F19A4a0636A91712Ac1A304C';
const GAME: Address = '0x23dad949f5f9ad0552e453a421eba6ecf9331259';

describe('caveat terms', () => {
  it('behavior: every encoder is string-identical to delegation-core, at the edges too', () => {
    const pairs: [Hex, Hex][] = [
      [terms.timestampTerms({ afterThreshold: 0, beforeThreshold: 1_750_000_600 }), core.createTimestampTerms({ afterThreshold: 0, beforeThreshold: 1_750_000_600 })],
      [terms.timestampTerms({ afterThreshold: 5, beforeThreshold: 253_402_300_799 }), core.createTimestampTerms({ afterThreshold: 5, beforeThreshold: 253_402_300_799 })],
      [terms.valueLteTerms(0n), core.createValueLteTerms({ maxValue: 0n })],
      [terms.valueLteTerms(2n ** 256n - 1n), core.createValueLteTerms({ maxValue: 2n ** 256n - 1n })],
      [terms.limitedCallsTerms(1), core.createLimitedCallsTerms({ limit: 1 })],
      [terms.limitedCallsTerms(100_000), core.createLimitedCallsTerms({ limit: 100_000 })],
      [terms.nativeTokenTransferAmountTerms(10n ** 16n), core.createNativeTokenTransferAmountTerms({ maxAmount: 10n ** 16n })],
      [terms.erc20TransferAmountTerms(TOKEN, 100n), core.createERC20TransferAmountTerms({ tokenAddress: TOKEN, maxAmount: 100n })],
      [terms.nativeTokenPeriodTransferTerms({ periodAmount: 7n, periodDuration: 86_400, startDate: 1_750_000_000 }), core.createNativeTokenPeriodTransferTerms({ periodAmount: 7n, periodDuration: 86_400, startDate: 1_750_000_000 })],
      [
        terms.nativeTokenStreamingTerms({ initialAmount: 0n, maxAmount: 50n, amountPerSecond: 2n, startTime: 1_750_000_000 }),
        core.createNativeTokenStreamingTerms({ initialAmount: 0n, maxAmount: 50n, amountPerSecond: 2n, startTime: 1_750_000_000 }),
      ],
      [terms.exactCalldataTerms('0x'), core.createExactCalldataTerms({ calldata: '0x' })],
      [terms.exactCalldataTerms('0xa9059cbbAB'), core.createExactCalldataTerms({ calldata: '0xa9059cbbAB' })],
      [terms.allowedCalldataTerms(4, '0x00ff'), core.createAllowedCalldataTerms({ startIndex: 4, value: '0x00ff' })],
      [terms.allowedMethodsTerms(['0xa9059cbb', '0x095EA7B3']), core.createAllowedMethodsTerms({ selectors: ['0xa9059cbb', '0x095EA7B3'] })],
      [terms.allowedTargetsTerms([TOKEN, GAME]), core.createAllowedTargetsTerms({ targets: [TOKEN, GAME] })],
      [terms.redeemerTerms([GAME, TOKEN]), core.createRedeemerTerms({ redeemers: [GAME, TOKEN] })],
      [
        terms.multiTokenPeriodTerms([
          { token: TOKEN, periodAmount: 200n, periodDuration: 3600, startDate: 1 },
          { token: GAME, periodAmount: 1n, periodDuration: 60, startDate: 9 },
        ]),
        core.createMultiTokenPeriodTerms({
          tokenConfigs: [
            { token: TOKEN, periodAmount: 200n, periodDuration: 3600, startDate: 1 },
            { token: GAME, periodAmount: 1n, periodDuration: 60, startDate: 9 },
          ],
        }),
      ],
    ];
    for (const [mine, theirs] of pairs) expect(mine).toBe(theirs);
    const flags = { erc20Approve: true, erc721Approve: true, erc721SetApprovalForAll: true, permit2Approve: false, permit2Lockdown: false, permit2InvalidateNonces: false };
    expect(terms.approvalRevocationTerms(flags)).toBe(core.createApprovalRevocationTerms(flags));
    const all = { erc20Approve: true, erc721Approve: true, erc721SetApprovalForAll: true, permit2Approve: true, permit2Lockdown: true, permit2InvalidateNonces: true };
    expect(terms.approvalRevocationTerms(all)).toBe(core.createApprovalRevocationTerms(all));
  });

  it('behavior: the decoders read what delegation-core reads', () => {
    const erc20 = core.createERC20TransferAmountTerms({ tokenAddress: TOKEN, maxAmount: 123n });
    expect(terms.decodeErc20TransferAmountTerms(erc20)).toEqual({ tokenAddress: TOKEN.toLowerCase(), maxAmount: 123n });
    expect(terms.decodeErc20TransferAmountTerms(erc20)).toEqual({ ...core.decodeERC20TransferAmountTerms(erc20), tokenAddress: core.decodeERC20TransferAmountTerms(erc20).tokenAddress.toLowerCase() });
    const multi = core.createMultiTokenPeriodTerms({ tokenConfigs: [{ token: TOKEN, periodAmount: 200n, periodDuration: 3600, startDate: 1 }] });
    const theirs = core.decodeMultiTokenPeriodTerms(multi).tokenConfigs.map((c) => ({ ...c, token: c.token.toLowerCase() }));
    expect(terms.decodeMultiTokenPeriodTerms(multi).tokenConfigs).toEqual(theirs);
    const groups = [[{ enforcer: GAME, terms: '0x12' as Hex, args: '0x34' as Hex }], [{ enforcer: TOKEN, terms: '0xabcd' as Hex, args: '0x01' as Hex }]];
    const wrapped = core.createLogicalOrWrapperTerms({ caveatGroups: groups });
    const lower = (g: { enforcer: string; terms: string; args: string }[][]) => g.map((x) => x.map((c) => ({ ...c, enforcer: c.enforcer.toLowerCase() })));
    expect(lower(terms.decodeLogicalOrWrapperTerms(wrapped).caveatGroups)).toEqual(lower(core.decodeLogicalOrWrapperTerms(wrapped).caveatGroups));
  });

  it('error: what delegation-core refuses is refused', () => {
    expect(() => terms.limitedCallsTerms(0)).toThrow();
    expect(() => terms.erc20TransferAmountTerms(TOKEN, 0n)).toThrow();
    expect(() => terms.allowedTargetsTerms([])).toThrow();
    expect(() => terms.allowedMethodsTerms(['0x1234'])).toThrow();
    expect(() => terms.timestampTerms({ afterThreshold: 10, beforeThreshold: 5 })).toThrow();
    expect(() => terms.allowedTargetsTerms(['0x1234' as Address])).toThrow('must be a valid address');
    expect(() => terms.approvalRevocationTerms({ erc20Approve: false, erc721Approve: false, erc721SetApprovalForAll: false, permit2Approve: false, permit2Lockdown: false, permit2InvalidateNonces: false })).toThrow();
  });
});
