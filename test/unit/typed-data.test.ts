import { describe, expect, it } from 'vitest';
import { DELEGATOR_CONTRACTS } from '@metamask/delegation-deployments';
import { getTypesForEIP712Domain, maxUint256, serializeTypedData, type Address, type TypedDataDefinition } from 'viem';
import { devnetContracts } from '@/src/chains/deployments';
import { createDelegation, delegationTypedData, DELEGATION_TYPES } from '@/src/backends/delegation/framework';
import { approvalWarning, parseTypedData, PERMIT2_ADDRESS, typedDataRefusal, TypedDataError } from '@/src/signing/typed-data';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const SPENDER: Address = '0x1111111111111111111111111111111111111111';
const OTHER: Address = '0x0000000000000000000000000000000000000001';
const DEMO = devnetContracts.DemoToken;
const JAN_2030 = 1893456000n;

const asSent = (t: TypedDataDefinition) =>
  serializeTypedData({ ...t, types: { EIP712Domain: getTypesForEIP712Domain({ domain: t.domain }), ...t.types } } as unknown as TypedDataDefinition);
const parse = (t: unknown) => parseTypedData(asSent(t as TypedDataDefinition));

const mail = { domain: { name: 'Mail', version: '1', chainId: 31337, verifyingContract: OTHER }, types: { Mail: [{ name: 'contents', type: 'string' }] }, primaryType: 'Mail', message: { contents: 'hi' } };
const delegation = createDelegation({ delegator: ACCOUNT, delegate: SPENDER, caveats: [] });
const canonical = delegationTypedData(delegation, { chainId: 31337, delegationManager: devnetContracts.DelegationManager });

const permit = (value: bigint, deadline = JAN_2030) => ({
  domain: { name: 'DemoToken', version: '1', chainId: 31337, verifyingContract: DEMO },
  types: { Permit: [{ name: 'owner', type: 'address' }, { name: 'spender', type: 'address' }, { name: 'value', type: 'uint256' }, { name: 'nonce', type: 'uint256' }, { name: 'deadline', type: 'uint256' }] },
  primaryType: 'Permit',
  message: { owner: ACCOUNT, spender: SPENDER, value, nonce: 0n, deadline },
});

describe('parseTypedData', () => {
  it('behavior: accepts what viem sends and normalises chainId and addresses', () => {
    const t = parseTypedData(JSON.stringify({ ...JSON.parse(asSent(mail as unknown as TypedDataDefinition)), domain: { ...mail.domain, chainId: '0x7a69', verifyingContract: OTHER.toLowerCase() } }));
    expect(t.domain).toEqual({ name: 'Mail', version: '1', chainId: 31337, verifyingContract: OTHER });
    expect(t.types).not.toHaveProperty('EIP712Domain');
    expect(t.primaryType).toBe('Mail');
  });

  it.each([
    ['not JSON', '{not json'],
    ['an array', '[]'],
    ['no domain', JSON.stringify({ types: mail.types, primaryType: 'Mail', message: mail.message })],
    ['no message', JSON.stringify({ types: mail.types, primaryType: 'Mail', domain: mail.domain })],
    ['primaryType not declared', JSON.stringify({ ...mail, primaryType: 'Other' })],
    ['primaryType EIP712Domain', JSON.stringify({ ...mail, types: { ...mail.types, EIP712Domain: [{ name: 'name', type: 'string' }] }, primaryType: 'EIP712Domain', domain: { name: 'x' } })],
    ['an unknown top-level field', JSON.stringify({ ...mail, extra: 1 })],
    ['an unknown domain field', JSON.stringify({ ...mail, domain: { ...mail.domain, owner: ACCOUNT } })],
    ['a chainId that is not a number', JSON.stringify({ ...mail, domain: { ...mail.domain, chainId: 'mainnet' } })],
    ['a bad verifyingContract', JSON.stringify({ ...mail, domain: { ...mail.domain, verifyingContract: '0x12' } })],
    ['EIP712Domain that disagrees with the domain', JSON.stringify({ ...mail, types: { ...mail.types, EIP712Domain: [{ name: 'name', type: 'string' }] } })],
    ['an undeclared field type', JSON.stringify({ ...mail, types: { Mail: [{ name: 'contents', type: 'Letter' }] } })],
    ['a field declared twice', JSON.stringify({ ...mail, types: { Mail: [{ name: 'contents', type: 'string' }, { name: 'contents', type: 'string' }] } })],
    ['a message field missing', JSON.stringify({ ...mail, message: {} })],
    ['a message field that is not declared', JSON.stringify({ ...mail, message: { contents: 'hi', hidden: 'x' } })],
    ['a value that does not encode', asSent(permit(1n) as unknown as TypedDataDefinition).replace(SPENDER, '0x1234')],
    ['a uint out of range', asSent({ ...mail, types: { Mail: [{ name: 'n', type: 'uint8' }] }, message: { n: 256 } } as unknown as TypedDataDefinition)],
  ])('error: refuses %s', (_name, json) => {
    expect(() => parseTypedData(json)).toThrow(TypedDataError);
  });
});

describe('typedDataRefusal', () => {
  it.each([
    ['the canonical delegation', canonical],
    ['a renamed domain on the DelegationManager', { ...canonical, domain: { name: 'Session Game Login', version: '2', chainId: 31337, verifyingContract: devnetContracts.DelegationManager } }],
    ['the DelegationManager without name or chainId', { ...canonical, domain: { verifyingContract: devnetContracts.DelegationManager } }],
    ['every published DelegationManager', { ...canonical, domain: { ...canonical.domain, verifyingContract: DELEGATOR_CONTRACTS['1.0.0']![11155111]!.DelegationManager } }],
    ['a Delegation under another domain', { ...canonical, domain: mail.domain }],
    ['the Delegation type under another name', { domain: mail.domain, types: { Login: DELEGATION_TYPES.Delegation, Caveat: DELEGATION_TYPES.Caveat }, primaryType: 'Login', message: canonical.message }],
    ['a Delegation nested in the primary type', { domain: mail.domain, types: { Order: [{ name: 'grant', type: 'Delegation' }], ...DELEGATION_TYPES }, primaryType: 'Order', message: { grant: canonical.message } }],
    ["the account's own domain", { ...mail, domain: { ...mail.domain, verifyingContract: ACCOUNT } }],
    ['the DeleGator implementation', { ...mail, domain: { ...mail.domain, verifyingContract: devnetContracts.EIP7702StatelessDeleGatorImpl } }],
  ])('error: refuses %s', (_name, typed) => {
    expect(typedDataRefusal(parse(typed), ACCOUNT)).toMatch(/^Refused: .*(delegation|account)/);
  });

  it('behavior: ordinary typed data and permits are not refused', () => {
    expect(typedDataRefusal(parse(mail), ACCOUNT)).toBeUndefined();
    expect(typedDataRefusal(parse(permit(maxUint256)), ACCOUNT)).toBeUndefined();
  });
});

describe('approvalWarning', () => {
  it('behavior: an unlimited ERC-2612 Permit names the spender, DEMO, "unlimited" and the deadline', () => {
    expect(approvalWarning(parse(permit(maxUint256)))).toEqual({
      standard: 'ERC-2612 Permit',
      spender: SPENDER,
      sentences: [`This signature lets ${SPENDER} spend all your DEMO (unlimited) until 2030-01-01 00:00 UTC.`],
    });
  });

  it('behavior: a bounded Permit shows the amount in DEMO; an unknown token in base units', () => {
    expect(approvalWarning(parse(permit(2_500_000_000_000_000_000n)))!.sentences[0]).toContain('spend up to 2.5 DEMO until');
    const unknown = parse({ ...permit(7n), domain: { ...permit(7n).domain, verifyingContract: OTHER } });
    expect(approvalWarning(unknown)!.sentences[0]).toContain('spend up to 7 base units of your tokens of 0x0000…0001');
  });

  it('behavior: DAI-style permit with allowed = true is unlimited; expiry 0 has no end', () => {
    const dai = {
      domain: { name: 'Dai Stablecoin', version: '1', chainId: 31337, verifyingContract: OTHER },
      types: { Permit: [{ name: 'holder', type: 'address' }, { name: 'spender', type: 'address' }, { name: 'nonce', type: 'uint256' }, { name: 'expiry', type: 'uint256' }, { name: 'allowed', type: 'bool' }] },
      primaryType: 'Permit',
      message: { holder: ACCOUNT, spender: SPENDER, nonce: 0n, expiry: 0n, allowed: true },
    };
    expect(approvalWarning(parse(dai))!.sentences).toEqual([`This signature lets ${SPENDER} spend all your tokens of 0x0000…0001 (unlimited) with no end date.`]);
    expect(approvalWarning(parse({ ...dai, message: { ...dai.message, allowed: false } }))).toBeUndefined();
  });

  it('behavior: Permit2 PermitSingle with the uint160 maximum is unlimited, and PermitBatch has one sentence per token', () => {
    const details = [{ name: 'token', type: 'address' }, { name: 'amount', type: 'uint160' }, { name: 'expiration', type: 'uint48' }, { name: 'nonce', type: 'uint48' }];
    const domain = { name: 'Permit2', chainId: 31337, verifyingContract: PERMIT2_ADDRESS };
    const single = parse({
      domain,
      types: { PermitSingle: [{ name: 'details', type: 'PermitDetails' }, { name: 'spender', type: 'address' }, { name: 'sigDeadline', type: 'uint256' }], PermitDetails: details },
      primaryType: 'PermitSingle',
      message: { details: { token: DEMO, amount: (1n << 160n) - 1n, expiration: Number(JAN_2030), nonce: 0 }, spender: SPENDER, sigDeadline: JAN_2030 },
    });
    expect(approvalWarning(single)).toEqual({ standard: 'Permit2 (PermitSingle)', spender: SPENDER, sentences: [`This signature lets ${SPENDER} spend all your DEMO (unlimited) until 2030-01-01 00:00 UTC.`] });
    const batch = parse({
      domain,
      types: { PermitBatch: [{ name: 'details', type: 'PermitDetails[]' }, { name: 'spender', type: 'address' }, { name: 'sigDeadline', type: 'uint256' }], PermitDetails: details },
      primaryType: 'PermitBatch',
      message: { details: [{ token: DEMO, amount: 10n ** 18n, expiration: Number(JAN_2030), nonce: 0 }, { token: OTHER, amount: (1n << 160n) - 1n, expiration: Number(JAN_2030), nonce: 0 }], spender: SPENDER, sigDeadline: JAN_2030 },
    });
    expect(approvalWarning(batch)!.sentences).toEqual([
      `This signature lets ${SPENDER} spend up to 1 DEMO until 2030-01-01 00:00 UTC.`,
      `This signature lets ${SPENDER} spend all your tokens of 0x0000…0001 (unlimited) until 2030-01-01 00:00 UTC.`,
    ]);
  });

  it.each(['PermitTransferFrom', 'PermitBatchTransferFrom', 'PermitWitnessTransferFrom'])('behavior: Permit2 %s says the spender may take the tokens', (primaryType) => {
    const batch = primaryType === 'PermitBatchTransferFrom';
    const witness = primaryType === 'PermitWitnessTransferFrom';
    const permitted = { token: DEMO, amount: maxUint256 };
    const typed = parse({
      domain: { name: 'Permit2', chainId: 31337, verifyingContract: PERMIT2_ADDRESS },
      types: {
        [primaryType]: [
          { name: 'permitted', type: batch ? 'TokenPermissions[]' : 'TokenPermissions' },
          { name: 'spender', type: 'address' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
          ...(witness ? [{ name: 'witness', type: 'Order' }] : []),
        ],
        TokenPermissions: [{ name: 'token', type: 'address' }, { name: 'amount', type: 'uint256' }],
        ...(witness ? { Order: [{ name: 'id', type: 'uint256' }] } : {}),
      },
      primaryType,
      message: { permitted: batch ? [permitted] : permitted, spender: SPENDER, nonce: 1n, deadline: JAN_2030, ...(witness ? { witness: { id: 1n } } : {}) },
    });
    expect(approvalWarning(typed)).toEqual({
      standard: `Permit2 (${primaryType})`,
      spender: SPENDER,
      sentences: [`This signature lets ${SPENDER} take all your DEMO (unlimited) from your account until 2030-01-01 00:00 UTC.`],
    });
  });

  it('behavior: NFT permits and operator approvals name the spender and the collection', () => {
    const nft = parse({
      domain: { name: 'Game Items', version: '1', chainId: 31337, verifyingContract: OTHER },
      types: { Permit: [{ name: 'spender', type: 'address' }, { name: 'tokenId', type: 'uint256' }, { name: 'nonce', type: 'uint256' }, { name: 'deadline', type: 'uint256' }] },
      primaryType: 'Permit',
      message: { spender: SPENDER, tokenId: 42n, nonce: 0n, deadline: JAN_2030 },
    });
    expect(approvalWarning(nft)!.sentences).toEqual([`This signature lets ${SPENDER} take your NFT #42 of 0x0000…0001 until 2030-01-01 00:00 UTC.`]);
    const all = parse({
      domain: { name: 'Game Items', version: '1', chainId: 31337, verifyingContract: OTHER },
      types: { ApprovalForAll: [{ name: 'owner', type: 'address' }, { name: 'operator', type: 'address' }, { name: 'approved', type: 'bool' }, { name: 'deadline', type: 'uint256' }] },
      primaryType: 'ApprovalForAll',
      message: { owner: ACCOUNT, operator: SPENDER, approved: true, deadline: JAN_2030 },
    });
    expect(approvalWarning(all)!.sentences).toEqual([`This signature lets ${SPENDER} move all your tokens of 0x0000…0001 (unlimited) until 2030-01-01 00:00 UTC.`]);
  });

  it('behavior: plain typed data gets no warning', () => {
    expect(approvalWarning(parse(mail))).toBeUndefined();
  });
});
