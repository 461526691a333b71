import { describe, expect, it } from 'vitest';
import { numberToHex, parseEther, toFunctionSelector, type Address } from 'viem';
import { PermissionError, UnsupportedPermissionError } from '@/src/permissions/errors';
import { draftToScope, scopeToGrantedPermissions, translateErc7715Request, type Erc7715Draft } from '@/src/permissions/erc7715';
import type { ScopeContext } from '@/src/permissions/validate';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const GAME: Address = '0x23DaD949f5f9aD0552E453A421EBa6ECF9331259';
const TOKEN: Address = '0xAde078291A13b081F19A4a0636A91712Ac1A304C';
const NOW = 1_750_000_000;
const ctx: ScopeContext = { account: ACCOUNT, chainId: 31337, now: NOW };
const tctx = { account: ACCOUNT, chainId: 31337 };

/** What viem's grantPermissions sends for the demo dApp's request (allowances hex-formatted). */
const demoRequest = {
  expiry: NOW + 3600,
  signer: { type: 'wallet' },
  permissions: [
    { type: 'contract-call', data: { address: GAME.toLowerCase(), calls: ['move(uint8)', 'buyItem(uint256)'] }, policies: [], required: true },
    { type: 'native-token-transfer', data: { ticker: 'ETH' }, policies: [{ type: 'token-allowance', data: { allowance: numberToHex(parseEther('0.01')) } }], required: true },
    { type: 'erc20-token-transfer', data: { address: TOKEN, ticker: 'DEMO' }, policies: [{ type: 'token-allowance', data: { allowance: numberToHex(parseEther('100')) } }], required: false },
  ],
};

const translate = (params: unknown, method: 'wallet_grantPermissions' | 'wallet_requestExecutionPermissions' = 'wallet_grantPermissions') =>
  translateErc7715Request(method, params, tctx);

describe('ERC-7715 → scope', () => {
  it('behavior: the demo dApp request becomes a draft with required and optional items', () => {
    const draft = translate([demoRequest]);
    expect(draft.signer).toEqual({ type: 'wallet' });
    expect(draft.items.map((i) => [i.requestedType, i.required, i.supported, i.permissions.map((p) => p.type)])).toEqual([
      ['contract-call', true, true, ['functions-on-contract']],
      ['native-token-transfer', true, true, ['native-token-transfer']],
      ['erc20-token-transfer', false, true, ['erc20-token-transfer']],
    ]);
    const scope = draftToScope(draft, ctx);
    expect(scope).toEqual({
      account: ACCOUNT,
      chainId: 31337,
      expiry: NOW + 3600,
      permissions: [
        {
          type: 'functions-on-contract',
          data: {
            address: GAME,
            functions: [
              { selector: toFunctionSelector('move(uint8)'), signature: 'move(uint8)' },
              { selector: toFunctionSelector('buyItem(uint256)'), signature: 'buyItem(uint256)' },
            ],
          },
        },
        { type: 'native-token-transfer', data: { allowance: parseEther('0.01') } },
        { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: parseEther('100') } },
      ],
    });
  });

  it('behavior: the owner may leave optional items out, never required ones', () => {
    const draft = translate(demoRequest);
    expect(draftToScope(draft, ctx, { omit: [2] }).permissions.map((p) => p.type)).toEqual(['functions-on-contract', 'native-token-transfer']);
    expect(() => draftToScope(draft, ctx, { omit: [1] })).toThrow('permission 2 (native-token-transfer) is required by the dApp and cannot be left out');
  });

  it.each<[string, unknown, string[]]>([
    ['contract-call without calls → contract-access', { type: 'contract-call', data: { address: GAME }, policies: [] }, ['contract-access']],
    ['contract-call on the account → account-functions', { type: 'contract-call', data: { address: ACCOUNT, calls: ['addDeposit()'] }, policies: [] }, ['account-functions']],
    ['gas-limit policy → gas-limit permission', { type: 'contract-call', data: { address: GAME, calls: ['0x70e87aaf'] }, policies: [{ type: 'gas-limit', data: { limit: '0x5208' } }] }, ['functions-on-contract', 'gas-limit']],
    ['native-token-allowance (MetaMask name)', { type: 'native-token-allowance', data: { allowance: '0x10' }, policies: [] }, ['native-token-transfer']],
    ['erc20-token-allowance (MetaMask name)', { type: 'erc20-token-allowance', data: { tokenAddress: TOKEN, allowanceAmount: '0x10' }, policies: [] }, ['erc20-token-transfer']],
    ['custom root', { type: { custom: 'root' }, data: {}, policies: [] }, ['root']],
    ['custom functions-on-all-contracts', { type: 'functions-on-all-contracts', data: { functions: ['move(uint8)'] }, policies: [] }, ['functions-on-all-contracts']],
  ])('param: %s', (_name, permission, types) => {
    const scope = draftToScope(translate({ expiry: NOW + 60, permissions: [{ ...(permission as object), required: true }] }), ctx);
    expect(scope.permissions.map((p) => p.type)).toEqual(types);
  });

  it('param: rate-limit / call-limit become a session call limit (the smallest), noted', () => {
    const draft = translate({
      expiry: NOW + 60,
      permissions: [
        { type: 'contract-call', data: { address: GAME, calls: ['move(uint8)'] }, policies: [{ type: 'rate-limit', data: { count: 10, interval: 60 } }], required: true },
        { type: 'contract-call', data: { address: GAME, calls: ['buyItem(uint256)'] }, policies: [{ type: 'call-limit', data: { count: 4 } }], required: true },
      ],
    });
    expect(draft.items[0]?.note).toBe('rate limit of 10 calls is applied as 10 calls for the whole session');
    const scope = draftToScope(draft, ctx);
    expect(scope.callLimit).toBe(4);
    // Two contract-call items for one contract merge into one functions-on-contract.
    expect(scope.permissions).toHaveLength(1);
    expect(scope.permissions[0]).toMatchObject({ type: 'functions-on-contract', data: { functions: [{ signature: 'move(uint8)' }, { signature: 'buyItem(uint256)' }] } });
  });

  it('behavior: gas-limit policies of several items add up to one stipend', () => {
    const gas = (limit: string) => [{ type: 'gas-limit', data: { limit } }];
    const scope = draftToScope(
      translate({
        expiry: NOW + 60,
        permissions: [
          { type: 'contract-call', data: { address: GAME }, policies: gas('0x100'), required: true },
          { type: 'contract-call', data: { address: TOKEN, calls: ['mint(address,uint256)'] }, policies: gas('0x200'), required: true },
        ],
      }),
      ctx,
    );
    expect(scope.permissions.filter((p) => p.type === 'gas-limit')).toEqual([{ type: 'gas-limit', data: { limit: 0x300n } }]);
  });

  it('behavior: unsupported optional items are kept out, with the reason', () => {
    const draft = translate({
      expiry: NOW + 60,
      permissions: [
        { type: 'contract-call', data: { address: GAME }, policies: [], required: true },
        { type: 'nft-transfer', data: {}, policies: [], required: false },
        { type: 'contract-call', data: { address: TOKEN }, policies: [{ type: 'time-window', data: {} }] },
        { type: 'native-token-transfer', data: { ticker: 'ETH' }, policies: [], required: false },
      ],
    });
    expect(draft.items.map((i) => [i.supported, i.note])).toEqual([
      [true, undefined],
      [false, 'permission type "nft-transfer" is not supported'],
      [false, 'policy "time-window" is not supported'],
      [false, 'needs a token-allowance policy: the wallet does not grant unlimited transfers'],
    ]);
    expect(draftToScope(draft, ctx).permissions).toEqual([{ type: 'contract-access', data: { address: GAME } }]);
  });

  it('error: an unknown required permission type is named (the RPC layer answers -32602)', () => {
    const err = (() => {
      try {
        translate({ expiry: NOW + 60, permissions: [{ type: 'nft-transfer', data: {}, policies: [], required: true }] });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnsupportedPermissionError);
    expect(err).toMatchObject({ permissionType: 'nft-transfer', code: -32602, message: 'permission type "nft-transfer" is not supported by this wallet' });
  });

  it.each<[string, unknown, string]>([
    ['required with an unknown policy', { expiry: NOW + 60, permissions: [{ type: 'contract-call', data: { address: GAME }, policies: [{ type: 'time-window', data: {} }], required: true }] }, 'permission 1 (contract-call): policy "time-window" is not supported'],
    ['required native without allowance', { expiry: NOW + 60, permissions: [{ type: 'native-token-transfer', data: { ticker: 'ETH' }, policies: [], required: true }] }, 'permission 1 (native-token-transfer): needs a token-allowance policy: the wallet does not grant unlimited transfers'],
    ['bad allowance', { expiry: NOW + 60, permissions: [{ type: 'native-token-transfer', data: {}, policies: [{ type: 'token-allowance', data: { allowance: '0x0' } }], required: true }] }, 'permission 1 (native-token-transfer) token-allowance: must be more than 0, got 0'],
    ['no permissions', { expiry: NOW + 60, permissions: [] }, 'request: permissions must be a non-empty list'],
    ['no expiry', { permissions: [{ type: 'contract-call', data: { address: GAME }, policies: [] }] }, 'request: expiry (unix seconds) undefined is not a whole number'],
    ['another chain', { chainId: '0x1', expiry: NOW + 60, permissions: [{ type: 'contract-call', data: { address: GAME }, policies: [] }] }, "request: chainId 0x1 is not the wallet's current chain (31337)"],
    ['every function of the account', { expiry: NOW + 60, permissions: [{ type: 'contract-call', data: { address: ACCOUNT }, policies: [] }] }, 'permission 1 (contract-call): asks for every function of your own account; name the functions (or ask for root)'],
  ])('error: %s', (_name, params, message) => {
    expect(() => translate(params)).toThrowError(new PermissionError(message));
  });

  it('error: a draft that validation refuses, or a signer the wallet does not serve', () => {
    const past = translate({ ...demoRequest, expiry: NOW - 1 });
    expect(() => draftToScope(past, ctx)).toThrowError(new PermissionError(`expiry: ${NOW - 1} is not in the future (now is ${NOW})`));
    // A key the dApp holds is granted like the wallet's own (the one intended change of issue 11).
    const dappKey = translate({ ...demoRequest, signer: { type: 'account', data: { id: GAME } } });
    expect(dappKey.signer).toEqual({ type: 'account', address: GAME });
    expect(draftToScope(dappKey, ctx).permissions).toEqual(draftToScope(translate(demoRequest), ctx).permissions);
    const passkey = translate({ ...demoRequest, signer: { type: 'key', data: { type: 'p256', publicKey: '0x01' } } });
    expect(() => draftToScope(passkey, ctx)).toThrow('request: signer "key" needs data.id (an address) or data.publicKey (an uncompressed secp256k1 key)');
    const onlyOptional: Erc7715Draft = { ...translate(demoRequest), items: [] };
    expect(() => draftToScope(onlyOptional, ctx)).toThrow('no permission is left to grant');
  });
});

describe('wallet_requestExecutionPermissions (MetaMask shape) → scope', () => {
  it('behavior: entries with rules; the earliest expiry wins', () => {
    const draft = translate(
      [
        {
          chainId: '0x7a69',
          rules: [{ type: 'expiry', data: { timestamp: NOW + 600 } }],
          signer: { type: 'wallet' },
          permission: { type: 'native-token-allowance', data: { allowanceAmount: numberToHex(parseEther('0.05')), justification: 'game' }, isAdjustmentAllowed: true },
        },
        {
          chainId: 31337,
          expiry: NOW + 300,
          permission: { type: 'erc20-token-allowance', data: { tokenAddress: TOKEN, allowanceAmount: '0x64' }, isAdjustmentAllowed: false },
        },
      ],
      'wallet_requestExecutionPermissions',
    );
    expect(draft.expiry).toBe(NOW + 300);
    expect(draft.items.map((i) => [i.required, i.adjustable])).toEqual([
      [true, true],
      [true, false],
    ]);
    expect(draftToScope(draft, ctx).permissions).toEqual([
      { type: 'native-token-transfer', data: { allowance: parseEther('0.05') } },
      { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: 100n } },
    ]);
  });

  it.each<[string, unknown, string]>([
    // 'redeemer' is enforced now (RedeemerEnforcer; execution-permissions.test.ts); 'payee' is not.
    ['unsupported rule', [{ chainId: '0x7a69', expiry: NOW + 60, rules: [{ type: 'payee', data: { addresses: [TOKEN] } }], permission: { type: 'native-token-allowance', data: { allowance: '0x1' } } }], 'permission 1: rule "payee" is not supported'],
    ['redeemer rule with no addresses', [{ chainId: '0x7a69', expiry: NOW + 60, rules: [{ type: 'redeemer', data: {} }], permission: { type: 'native-token-allowance', data: { allowance: '0x1' } } }], 'permission 1: rule "redeemer" needs data.addresses'],
    ['unknown type', [{ chainId: '0x7a69', expiry: NOW + 60, permission: { type: 'nft-allowance', data: {} } }], 'permission type "nft-allowance" is not supported by this wallet'],
    ['no expiry', [{ chainId: '0x7a69', permission: { type: 'native-token-allowance', data: { allowance: '0x1' } } }], 'request: no expiry: every session must end'],
    ['wrong chain', [{ chainId: '0x1', expiry: NOW + 60, permission: { type: 'native-token-allowance', data: { allowance: '0x1' } } }], "permission 1: chainId 0x1 is not the wallet's current chain (31337)"],
  ])('error: %s', (_name, params, message) => {
    expect(() => translate(params, 'wallet_requestExecutionPermissions')).toThrow(message);
  });
});

describe('scope → grantedPermissions', () => {
  it('behavior: viem shape, hex amounts, session-wide policies on the first entry', () => {
    const scope = draftToScope(translate(demoRequest), ctx);
    const withLimits = {
      ...scope,
      callLimit: 12,
      permissions: [...scope.permissions, { type: 'gas-limit' as const, data: { limit: 21000n } }, { type: 'account-functions' as const, data: { functions: [{ selector: '0x4a58db19' as const, signature: 'addDeposit()' }] } }],
    };
    expect(scopeToGrantedPermissions(withLimits, { tokenTickers: { [TOKEN]: 'DEMO' } })).toEqual([
      {
        type: 'contract-call',
        data: { address: GAME, calls: ['move(uint8)', 'buyItem(uint256)'] },
        policies: [
          { type: 'gas-limit', data: { limit: '0x5208' } },
          { type: 'call-limit', data: { count: 12 } },
        ],
        required: true,
      },
      { type: 'native-token-transfer', data: { ticker: 'ETH' }, policies: [{ type: 'token-allowance', data: { allowance: '0x2386f26fc10000' } }], required: true },
      { type: 'erc20-token-transfer', data: { address: TOKEN, ticker: 'DEMO' }, policies: [{ type: 'token-allowance', data: { allowance: '0x56bc75e2d63100000' } }], required: true },
      { type: 'contract-call', data: { address: ACCOUNT, calls: ['addDeposit()'] }, policies: [], required: true },
    ]);
  });

  it.each<[string, unknown[]]>([
    ['the demo request', demoRequest.permissions],
    ['root + gas', [{ type: 'root', data: {}, policies: [{ type: 'gas-limit', data: { limit: '0x10' } }] }]],
    ['all-contracts + access + account + limit', [
      { type: 'functions-on-all-contracts', data: { functions: ['0x70e87aaf'] }, policies: [{ type: 'call-limit', data: { count: 3 } }] },
      { type: 'contract-call', data: { address: TOKEN }, policies: [] },
      { type: 'contract-call', data: { address: ACCOUNT, calls: ['addDeposit()'] }, policies: [] },
    ]],
  ])('behavior: round trip: granted permissions of %s translate back to the same scope', (_name, permissions) => {
    const scope = draftToScope(translate({ expiry: NOW + 60, permissions }), ctx);
    const again = draftToScope(translate({ expiry: scope.expiry, permissions: scopeToGrantedPermissions(scope) }), ctx);
    expect(again).toEqual(scope);
  });
});
