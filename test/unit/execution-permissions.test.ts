// The current ERC-7715 dialect (MetaMask's wire format): wallet_requestExecutionPermissions'
// parser, its answer, and who holds the key.
import { describe, expect, it } from 'vitest';
import { numberToHex, parseEther, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { PermissionError } from '@/src/permissions/errors';
import { draftToScope, EXECUTION_PERMISSION_TYPES, grantScopeView, scopeToExecutionPermissions, translateErc7715Request } from '@/src/permissions/erc7715';
import type { ScopeContext } from '@/src/permissions/validate';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const DAPP: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const TOKEN: Address = '0xAde078291A13b081F19A4a0636A91712Ac1A304C';
const DM: Address = '0xdb9B1e94B5b69Df7e401DDbedE43491141047dB3';
const NOW = 1_750_000_000;
const ctx: ScopeContext = { account: ACCOUNT, chainId: 31337, now: NOW };

const request = (over: Record<string, unknown> = {}, permission: Record<string, unknown> = {}) => ({
  chainId: '0x7a69',
  from: ACCOUNT,
  to: DAPP,
  permission: { type: 'native-token-allowance', isAdjustmentAllowed: false, data: { allowanceAmount: numberToHex(parseEther('0.5')), justification: 'pay for moves' }, ...permission },
  rules: [{ type: 'expiry', data: { timestamp: NOW + 3600 } }],
  ...over,
});
const translate = (params: unknown) => translateErc7715Request('wallet_requestExecutionPermissions', params, { account: ACCOUNT, chainId: 31337, now: NOW });

describe('wallet_requestExecutionPermissions (current shape)', () => {
  it('behavior: `to` makes a dApp-held grant of the same scope; the window is told who holds the key', () => {
    const draft = translate([request(), request({}, { type: 'erc20-token-allowance', data: { tokenAddress: TOKEN, allowanceAmount: '0x64', startTime: NOW - 10 } })]);
    expect(draft.signer).toEqual({ type: 'account', address: DAPP });
    const scope = draftToScope(draft, ctx);
    expect(scope.permissions).toEqual([
      { type: 'native-token-transfer', data: { allowance: parseEther('0.5') } },
      { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: 100n } },
    ]);
    expect(grantScopeView(draft, scope).heldBy).toBe(DAPP);
    expect(grantScopeView(translate([request({ to: undefined })]), scope).heldBy).toBeUndefined();
  });

  it("behavior: viem's key signer (secp256k1 public key) is the address it signs for", () => {
    const key = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
    const draft = translate([request({ to: undefined, signer: { type: 'key', data: { type: 'secp256k1', publicKey: key.publicKey } } })]);
    expect(draft.signer).toEqual({ type: 'account', address: key.address });
  });

  it('behavior: the answer repeats each permission under its requested name, with context, delegationManager and no dependencies', () => {
    const scope = draftToScope(translate([request()]), ctx);
    const context = '0x1234' as const;
    expect(scopeToExecutionPermissions({ ...scope, callLimit: 3 }, { chainId: 31337, account: ACCOUNT, heldBy: DAPP, context, delegationManager: DM })).toEqual([
      {
        chainId: '0x7a69',
        from: ACCOUNT,
        to: DAPP,
        permission: { type: 'native-token-allowance', isAdjustmentAllowed: false, data: { allowanceAmount: numberToHex(parseEther('0.5')) } },
        rules: [
          { type: 'expiry', data: { timestamp: NOW + 3600 } },
          { type: 'call-limit', data: { count: 3 } },
        ],
        context,
        delegationManager: DM,
        dependencies: [],
      },
    ]);
  });

  it('behavior: with one context per call group, each entry carries the context of its own group (gas-limit is no group)', () => {
    const scope = draftToScope(translate([request(), request({}, { type: 'erc20-token-allowance', data: { tokenAddress: TOKEN, allowanceAmount: '0x64' } })]), ctx);
    const withGas = { ...scope, permissions: [{ type: 'gas-limit' as const, data: { limit: 5n } }, ...scope.permissions] };
    const entries = scopeToExecutionPermissions(withGas, { chainId: 31337, account: ACCOUNT, heldBy: DAPP, context: '0xaa', groupContexts: ['0xaa', '0xbb'], delegationManager: DM });
    expect(entries.map((e) => [e.permission.type, e.context])).toEqual([
      ['native-token-allowance', '0xaa'],
      ['erc20-token-allowance', '0xbb'],
    ]);
    // Without group contexts (one group, or an older record), every entry has the one context.
    expect(scopeToExecutionPermissions(scope, { chainId: 31337, account: ACCOUNT, context: '0xaa' }).map((e) => e.context)).toEqual(['0xaa', '0xaa']);
  });

  it("behavior: each permission's answer carries the context that selects its own call group (a kit redeems it as given); without per-group contexts, the one context", () => {
    const scope = draftToScope(
      translate([
        request({}, { type: 'native-token-periodic', data: { periodAmount: '0x10', periodDuration: 3600 } }),
        request({}, { type: 'erc20-token-periodic', data: { tokenAddress: TOKEN, periodAmount: '0x20', periodDuration: 3600 } }),
      ]),
      ctx,
    );
    const session = { chainId: 31337, account: ACCOUNT, heldBy: DAPP, context: '0xaa' as const, delegationManager: DM };
    const answer = scopeToExecutionPermissions(scope, { ...session, groupContexts: ['0xaa', '0xbb'] });
    expect(answer.map((e) => [e.permission.type, e.context])).toEqual([
      ['native-token-periodic', '0xaa'],
      ['erc20-token-periodic', '0xbb'],
    ]);
    expect(scopeToExecutionPermissions(scope, session).map((e) => e.context)).toEqual(['0xaa', '0xaa']);
  });

  it('behavior: every MetaMask type has a mapping (none is refused as "not supported yet")', () => {
    expect(Object.entries(EXECUTION_PERMISSION_TYPES).filter(([, map]) => map === null)).toEqual([]);
  });

  it("behavior: MetaMask's periodic and stream types become the kinds of the same name, starting now unless told otherwise", () => {
    const draft = translate([
      request({}, { type: 'native-token-periodic', data: { periodAmount: numberToHex(parseEther('0.01')), periodDuration: 86400, justification: 'a subscription' } }),
      request({}, { type: 'erc20-token-stream', data: { tokenAddress: TOKEN, amountPerSecond: '0x1', maxAmount: '0x64', startTime: NOW - 5 } }),
      request({}, { type: 'erc20-token-periodic', data: { tokenAddress: DAPP, periodAmount: '0x10', periodDuration: 3600 } }),
    ]);
    expect(draftToScope(draft, ctx).permissions).toEqual([
      { type: 'native-token-periodic', data: { periodAmount: parseEther('0.01'), periodDuration: 86400, startTime: NOW } },
      { type: 'erc20-token-stream', data: { address: TOKEN, amountPerSecond: 1n, initialAmount: 0n, maxAmount: 100n, startTime: NOW - 5 } },
      { type: 'erc20-token-periodic', data: { address: DAPP, periodAmount: 16n, periodDuration: 3600, startTime: NOW } },
    ]);
  });

  it('error: a periodic allowance with no period is refused with its reason (-32602), never dropped', () => {
    expect(() => draftToScope(translate([request({}, { type: 'native-token-periodic', data: { periodAmount: '0x10' } })]), ctx)).toThrowError(PermissionError);
  });

  it("behavior: the redeemer rule limits who may redeem; it reaches the scope, the window and the answer's rules", () => {
    const rule = { type: 'redeemer', data: { addresses: [DAPP.toLowerCase(), TOKEN, DAPP] } };
    const draft = translate([request({ rules: [{ type: 'expiry', data: { timestamp: NOW + 3600 } }, rule] })]);
    expect(draft.redeemers).toEqual([DAPP, TOKEN]); // checksummed, repeats dropped
    const scope = draftToScope(draft, ctx);
    expect(scope.redeemers).toEqual([DAPP, TOKEN]);
    expect(grantScopeView(draft, scope).redeemers).toEqual([DAPP, TOKEN]);
    expect(scopeToExecutionPermissions(scope, { chainId: 31337, account: ACCOUNT, heldBy: DAPP, context: '0x12', delegationManager: DM })[0]!.rules).toEqual([
      { type: 'expiry', data: { timestamp: NOW + 3600 } },
      { type: 'redeemer', data: { addresses: [DAPP, TOKEN] } },
    ]);
    // Every entry of one request carries the same rule: the session is one delegation.
    const both = translate([request({ rules: [{ type: 'expiry', data: { timestamp: NOW + 60 } }, rule] }), request({ rules: [{ type: 'redeemer', data: { addresses: [TOKEN, DAPP] } }] })]);
    expect(both.redeemers).toEqual([DAPP, TOKEN]);
    // No rule: no restriction on the scope.
    expect(draftToScope(translate([request()]), ctx).redeemers).toBeUndefined();
  });

  const withRedeemer = (data: unknown, over: Record<string, unknown> = {}) => request({ rules: [{ type: 'expiry', data: { timestamp: NOW + 3600 } }, { type: 'redeemer', data }], ...over });
  it.each<[string, unknown, string]>([
    ['redeemer with no addresses', [withRedeemer({})], 'permission 1: rule "redeemer" needs data.addresses, a non-empty list of addresses'],
    ['redeemer with an empty list', [withRedeemer({ addresses: [] })], 'permission 1: rule "redeemer" needs data.addresses, a non-empty list of addresses'],
    ['redeemer not an address', [withRedeemer({ addresses: [DAPP, 'relayer.eth'] })], 'permission 1 rule "redeemer" address 2: "relayer.eth" is not an Ethereum address'],
    ['redeemer the zero address', [withRedeemer({ addresses: ['0x0000000000000000000000000000000000000000'] })], 'permission 1 rule "redeemer" address 1: the zero address'],
    ['too many redeemers', [withRedeemer({ addresses: Array.from({ length: 21 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`) })], 'lists 21 addresses; at most 20 are allowed'],
    ['two redeemer rules', [request({ rules: [{ type: 'expiry', data: { timestamp: NOW + 1 } }, { type: 'redeemer', data: { addresses: [DAPP] } }, { type: 'redeemer', data: { addresses: [TOKEN] } }] })], 'permission 1: has more than one redeemer rule'],
    ['entries naming other redeemers', [withRedeemer({ addresses: [DAPP] }), withRedeemer({ addresses: [TOKEN] })], 'permission 2: names other redeemers than permission 1'],
    ['one entry without the rule', [withRedeemer({ addresses: [DAPP] }), request()], 'permission 2: names other redeemers than permission 1'],
    ['redeemer on a key the wallet holds', [withRedeemer({ addresses: [DAPP] }, { to: undefined })], 'permission 1: rule "redeemer" limits who redeems a key the site holds; name that account in `to`'],
  ])('error: %s (-32602 with the reason)', (_name, params, message) => {
    expect(() => translate(params)).toThrow(expect.objectContaining({ code: -32602, message: expect.stringContaining(message) }));
  });

  it.each<[string, unknown, string]>([
    ['not a list', request(), 'request: wallet_requestExecutionPermissions takes a non-empty list of permission requests'],
    ['empty list', [], 'request: wallet_requestExecutionPermissions takes a non-empty list of permission requests'],
    ['no permission', [{ chainId: '0x7a69', rules: [] }], 'permission 1: is not { chainId, permission: { type, data }, rules? }'],
    ['unknown type', [request({}, { type: 'nft-allowance', data: {} })], 'permission type "nft-allowance" is not supported by this wallet'],
    ['type not text', [request({}, { type: 7 })], 'permission 1: permission has no type'],
    ['isAdjustmentAllowed not boolean', [request({}, { isAdjustmentAllowed: 'yes' })], 'permission 1: permission.isAdjustmentAllowed must be true or false'],
    ['data not an object', [request({}, { data: '0x1' })], 'permission 1: permission.data must be an object'],
    ['justification not text', [request({}, { data: { allowanceAmount: '0x1', justification: 5 } })], 'permission 1: permission.data.justification must be text'],
    ['bad allowance', [request({}, { data: { allowanceAmount: 'lots' } })], 'permission 1 (native-token-allowance) allowanceAmount'],
    ['zero allowance', [request({}, { data: { allowanceAmount: '0x0' } })], 'must be more than 0'],
    ['bad token', [request({}, { type: 'erc20-token-allowance', data: { tokenAddress: '0x12', allowanceAmount: '0x1' } })], 'permission 1 (erc20-token-allowance) tokenAddress'],
    ['later start', [request({}, { data: { allowanceAmount: '0x1', startTime: NOW + 60 } })], `startTime ${NOW + 60} is in the future; an allowance that starts later is not supported yet`],
    ['to not an address', [request({ to: 'game.eth' })], 'permission 1: to "game.eth" is not an address'],
    ['from another account', [request({ from: DAPP })], `permission 1: from ${DAPP} is not the account this site is connected to`],
    ['two holders', [request(), request({ to: TOKEN })], 'permission 2: names another key holder (to / signer) than permission 1'],
    ['rules not a list', [request({ rules: { type: 'expiry' } })], 'permission 1: rules must be a list'],
    ['two expiries', [request({ rules: [{ type: 'expiry', data: { timestamp: NOW + 1 } }, { type: 'expiry', data: { timestamp: NOW + 2 } }] })], 'permission 1: has more than one expiry rule'],
    ['expiry not a number', [request({ rules: [{ type: 'expiry', data: { timestamp: 'soon' } }] })], 'permission 1: expiry (unix seconds) "soon" is not a whole number'],
    ['unknown rule', [request({ rules: [{ type: 'expiry', data: { timestamp: NOW + 1 } }, { type: 'payee', data: {} }] })], 'permission 1: rule "payee" is not supported'],
    ['no expiry', [request({ rules: [] })], 'request: no expiry: every session must end'],
    ['wrong chain', [request({ chainId: '0x1' })], "permission 1: chainId 0x1 is not the wallet's current chain (31337)"],
  ])('error: %s', (_name, params, message) => {
    expect(() => translate(params)).toThrow(message);
  });
});
