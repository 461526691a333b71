import { describe, expect, it } from 'vitest';
import { numberToHex, parseEther, toFunctionSelector, type Address } from 'viem';
import { devnetContracts } from '@/src/chains/deployments';
import { draftToScope, grantScopeView, translateErc7715Request } from '@/src/permissions/erc7715';
import { PermissionError } from '@/src/permissions/errors';
import { DELEGATION_MANAGERS, functionLabel, knownFunction, tokenMovingFunctions } from '@/src/permissions/known-functions';
import { parseFunctionRef, parsePermission, parseSessionScope, type ScopeContext } from '@/src/permissions/validate';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const GAME: Address = '0x23DaD949f5f9aD0552E453A421EBa6ECF9331259';
const NOW = 1_750_000_000;
const ctx: ScopeContext = { account: ACCOUNT, chainId: 31337, now: NOW };

/** Public 4-byte collisions: an invented name and the real function that owns its selector. */
const IMPOSTORS = [
  ['sign_szabo_bytecode(bytes16,uint128)', 'approve(address,uint256)'],
  ['watch_tg_invmru_2f69f1b(address,address)', 'approve(address,uint256)'],
  ['many_msg_babbage(bytes1)', 'transfer(address,uint256)'],
  ['join_tg_invmru_haha_fd06787(address,bool)', 'transfer(address,uint256)'],
  ['transfer(bytes4[9],bytes5[6],int48[11])', 'transfer(address,uint256)'],
  ['gasprice_bit_ether(int128)', 'transferFrom(address,address,uint256)'],
  ['niceFunctionHerePlzClick943230089(address,bool)', 'setApprovalForAll(address,bool)'],
  ['voting_var(address,uint256,int128,int128)', 'totalSupply()'],
] as const;

describe('known functions', () => {
  it.each(IMPOSTORS)('param: %s really is %s (the collision the tests rely on)', (impostor, real) => {
    expect(toFunctionSelector(impostor)).toBe(toFunctionSelector(real));
    expect(knownFunction(toFunctionSelector(impostor))?.signature).toBe(real);
  });

  it.each([
    ['approve(address,uint256)', 'token-moving'],
    ['increaseAllowance(address,uint256)', 'token-moving'],
    ['transferAndCall(address,uint256,bytes)', 'token-moving'],
    ['transferAndCall(address,uint256)', 'token-moving'],
    ['approveAndCall(address,uint256,bytes)', 'token-moving'],
    ['setApprovalForAll(address,bool)', 'token-moving'],
    ['safeTransferFrom(address,address,uint256,uint256,bytes)', 'token-moving'],
    ['safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)', 'token-moving'],
    ['permit(address,address,uint256,uint256,uint8,bytes32,bytes32)', 'token-moving'],
    ['permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)', 'token-moving'],
    ['approve(address,address,uint160,uint48)', 'token-moving'],
    ['operatorSend(address,address,uint256,bytes,bytes)', 'token-moving'],
    ['execute(bytes32,bytes)', 'account-control'],
    ['redeemDelegations(bytes[],bytes32[],bytes[])', 'account-control'],
    ['upgradeToAndCall(address,bytes)', 'account-control'],
    ['move(uint8)', 'other'],
    ['balanceOf(address)', 'other'],
  ])('behavior: %s is %s', (signature, category) => {
    expect(knownFunction(toFunctionSelector(signature))).toMatchObject({ signature, category });
  });

  it('behavior: a label shows the trusted name and the selector; an unknown name is marked as the site’s', () => {
    expect(functionLabel({ selector: '0x095ea7b3', signature: 'sign_szabo_bytecode(bytes16,uint128)' })).toEqual({
      name: 'approve(address,uint256)',
      selector: '0x095ea7b3',
      trusted: true,
      category: 'token-moving',
    });
    expect(functionLabel({ selector: '0x12345678', signature: 'foo(uint8)' })).toEqual({ name: 'foo(uint8)', selector: '0x12345678', trusted: false, category: 'unknown' });
    expect(functionLabel({ selector: '0x12345678' }).name).toBe('unknown function');
  });

  it('behavior: the devnet DelegationManager and the published ones are known', () => {
    expect(DELEGATION_MANAGERS.has(devnetContracts.DelegationManager)).toBe(true);
    expect(DELEGATION_MANAGERS.has('0xdb9B1e94B5b69Df7e401DDbedE43491141047dB3')).toBe(true);
  });
});

describe('impostor function names', () => {
  it.each(IMPOSTORS)('error: %s is refused, naming %s', (impostor, real) => {
    expect(() => parseFunctionRef(impostor, 'function 1')).toThrow(PermissionError);
    expect(() => parseFunctionRef(impostor, 'function 1')).toThrow(real);
    for (const type of ['functions-on-all-contracts', 'account-functions']) {
      expect(() => parsePermission({ type, data: { functions: [impostor] } })).toThrow(real);
    }
    expect(() => parsePermission({ type: 'functions-on-contract', data: { address: GAME, functions: [impostor] } })).toThrow(real);
  });

  it('error: the stored form { selector, signature } cannot carry an impostor name either', () => {
    expect(() => parseFunctionRef({ selector: '0x095ea7b3', signature: 'sign_szabo_bytecode(bytes16,uint128)' }, 'f')).toThrow('approve(address,uint256)');
  });

  it('behavior: real names and bare selectors are accepted', () => {
    expect(parseFunctionRef('approve(address spender, uint256 value)', 'f')).toEqual({ selector: '0x095ea7b3', signature: 'approve(address,uint256)' });
    expect(parseFunctionRef('0x095ea7b3', 'f')).toEqual({ selector: '0x095ea7b3' });
    expect(parseFunctionRef('move(uint8)', 'f')).toEqual({ selector: '0x70e87aaf', signature: 'move(uint8)' });
  });

  it('error: the ERC-7715 translation refuses an impostor before any window', () => {
    const request = { expiry: NOW + 60, permissions: [{ type: 'functions-on-all-contracts', data: { functions: ['sign_szabo_bytecode(bytes16,uint128)'] }, policies: [], required: true }] };
    expect(() => translateErc7715Request('wallet_grantPermissions', request, { account: ACCOUNT, chainId: 31337 })).toThrow(/approve\(address,uint256\)/);
  });
});

describe('targets a session may never reach', () => {
  it.each(['contract-access', 'functions-on-contract', 'erc20-token-transfer'] as const)('error: %s to a DelegationManager is refused', (type) => {
    for (const dm of [devnetContracts.DelegationManager, '0xdb9B1e94B5b69Df7e401DDbedE43491141047dB3' as Address]) {
      const data =
        type === 'contract-access' ? { address: dm } : type === 'functions-on-contract' ? { address: dm, functions: ['pause()'] } : { address: dm, allowance: '1' };
      expect(() => parseSessionScope({ expiry: NOW + 60, permissions: [{ type, data }] }, ctx)).toThrow(/DelegationManager/);
    }
  });

  it('error: contract-access to the owner’s own account is refused', () => {
    expect(() => parseSessionScope({ expiry: NOW + 60, permissions: [{ type: 'contract-access', data: { address: ACCOUNT } }] }, ctx)).toThrow(/your own account/);
  });

  it.each(['execute(bytes32,bytes)', 'upgradeToAndCall(address,bytes)', '0xcef6d209'])('error: %s on every contract is refused (it reaches the account)', (fn) => {
    expect(() => parseSessionScope({ expiry: NOW + 60, permissions: [{ type: 'functions-on-all-contracts', data: { functions: [fn] } }] }, ctx)).toThrow(/take over your account/);
  });

  it('behavior: tokenMovingFunctions picks the token-moving ones of a list', () => {
    const fns = [parseFunctionRef('move(uint8)', 'f'), parseFunctionRef('0x095ea7b3', 'f'), parseFunctionRef('setApprovalForAll(address,bool)', 'f')];
    expect(tokenMovingFunctions(fns).map((f) => f.signature)).toEqual(['approve(address,uint256)', 'setApprovalForAll(address,bool)']);
  });
});

describe('session-wide limits whatever the owner unticks', () => {
  const request = (optionalPolicies: unknown[]) => ({
    expiry: NOW + 3600,
    permissions: [
      { type: 'contract-call', data: { address: GAME, calls: ['move(uint8)'] }, policies: [], required: true },
      {
        type: 'native-token-transfer',
        data: {},
        policies: [{ type: 'token-allowance', data: { allowance: numberToHex(parseEther('0.01')) } }, ...optionalPolicies],
        required: false,
      },
    ],
  });
  const draftOf = (policies: unknown[]) => translateErc7715Request('wallet_grantPermissions', request(policies), { account: ACCOUNT, chainId: 31337 });

  it('behavior: the call limit of an unticked optional item still applies', () => {
    const draft = draftOf([{ type: 'call-limit', data: { count: 2 } }]);
    const scope = draftToScope(draft, ctx, { omit: [1] });
    expect(scope.permissions.map((p) => p.type)).toEqual(['functions-on-contract']);
    expect(scope.callLimit).toBe(2);
  });

  it('behavior: the gas limit of an unticked optional item still applies (no default stipend instead)', () => {
    const draft = draftOf([{ type: 'gas-limit', data: { limit: '0x100' } }]);
    expect(draftToScope(draft, ctx, { omit: [1] }).permissions).toContainEqual({ type: 'gas-limit', data: { limit: 0x100n } });
  });

  it('behavior: the window shows what is granted, for every choice of items', () => {
    const draft = draftOf([{ type: 'call-limit', data: { count: 2 } }, { type: 'gas-limit', data: { limit: '0x100' } }]);
    for (const omit of [[], [1]]) {
      const scope = draftToScope(draft, ctx, { omit });
      const view = grantScopeView(draft, scope);
      expect(view.callLimit).toBe(scope.callLimit);
      expect(view.gasLimit).toBe('256');
      expect(view.items.flatMap((i) => i.permissions).some((p) => p.type === 'gas-limit')).toBe(false);
    }
  });
});


