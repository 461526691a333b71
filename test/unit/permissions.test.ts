import { describe, expect, it } from 'vitest';
import { toFunctionSelector, type Address } from 'viem';
import { PermissionError } from '@/src/permissions/errors';
import { DEFAULT_MAX_SESSION_SECONDS, parseSessionScope, type ScopeContext } from '@/src/permissions/validate';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const GAME: Address = '0x23DaD949f5f9aD0552E453A421EBa6ECF9331259';
const TOKEN: Address = '0xAde078291A13b081F19A4a0636A91712Ac1A304C';
const NOW = 1_750_000_000;
const ctx: ScopeContext = { account: ACCOUNT, chainId: 31337, now: NOW };
const MOVE = toFunctionSelector('move(uint8)');

const parse = (input: unknown, c: Partial<ScopeContext> = {}) => parseSessionScope(input, { ...ctx, ...c });
const request = (permissions: unknown[], extra: Record<string, unknown> = {}) => ({ expiry: NOW + 3600, permissions, ...extra });

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PermissionError);
    return (err as Error).message;
  }
  throw new Error('did not throw');
}

describe('parseSessionScope', () => {
  it('behavior: parses every permission type, normalizing addresses, amounts and functions', () => {
    const scope = parse(
      request(
        [
          { type: 'native-token-transfer', data: { allowance: '0x2386f26fc10000' } },
          { type: 'erc20-token-transfer', data: { address: TOKEN.toLowerCase(), allowance: '1000' } },
          { type: 'gas-limit', data: { limit: 21000 } },
          { type: 'contract-access', data: { address: GAME.toUpperCase().replace('0X', '0x') } },
          { type: 'account-functions', data: { functions: ['addDeposit()'] } },
          { type: 'functions-on-all-contracts', data: { functions: ['function move(uint8 direction)', MOVE, MOVE.toUpperCase().replace('0X', '0x')] } },
          { type: 'functions-on-contract', data: { address: TOKEN, functions: ['0x40C10F19'] } },
        ],
        { callLimit: '0x10', chainId: '0x7a69', account: ACCOUNT.toLowerCase() },
      ),
    );
    expect(scope).toEqual({
      account: ACCOUNT,
      chainId: 31337,
      expiry: NOW + 3600,
      callLimit: 16,
      permissions: [
        { type: 'native-token-transfer', data: { allowance: 10_000_000_000_000_000n } },
        { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: 1000n } },
        { type: 'gas-limit', data: { limit: 21000n } },
        { type: 'contract-access', data: { address: GAME } },
        { type: 'account-functions', data: { functions: [{ selector: '0x4a58db19', signature: 'addDeposit()' }] } },
        // Duplicates (by selector, whatever the spelling) collapse to the first; signatures are canonical.
        { type: 'functions-on-all-contracts', data: { functions: [{ selector: MOVE, signature: 'move(uint8)' }] } },
        { type: 'functions-on-contract', data: { address: TOKEN, functions: [{ selector: '0x40c10f19' }] } },
      ],
    });
  });

  it('behavior: root alone, or with a gas limit', () => {
    expect(parse(request([{ type: 'root' }])).permissions).toEqual([{ type: 'root' }]);
    expect(parse(request([{ type: 'root', data: {} }, { type: 'gas-limit', data: { limit: '1' } }])).permissions).toHaveLength(2);
  });

  it('param: expiry beyond the maximum is capped, or refused when asked', () => {
    expect(parse(request([{ type: 'root' }], { expiry: NOW + 30 * 86400 })).expiry).toBe(NOW + DEFAULT_MAX_SESSION_SECONDS);
    expect(parse(request([{ type: 'root' }], { expiry: NOW + 7200 }), { maxSessionSeconds: 3600 }).expiry).toBe(NOW + 3600);
    expect(messageOf(() => parse(request([{ type: 'root' }], { expiry: NOW + 8 * 86400 }), { longExpiry: 'refuse' }))).toBe(
      'expiry: is 8 days away; sessions last at most 7 days',
    );
  });

  it('param: callLimit is optional, a whole number from 1 to 1e6', () => {
    expect(parse(request([{ type: 'root' }])).callLimit).toBeUndefined();
    expect(parse(request([{ type: 'root' }], { callLimit: 1_000_000 })).callLimit).toBe(1_000_000);
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'root please', 'a session request must be an object with expiry and permissions, got "root please"'],
    ['unknown top-level field', { ...request([{ type: 'root' }]), gasless: true }, 'session request: unknown field "gasless"; expected only expiry, permissions, callLimit, account, chainId'],
    ['another account', request([{ type: 'root' }], { account: GAME }), `account: "${GAME}" is not the account this wallet grants sessions for`],
    ['another chain', request([{ type: 'root' }], { chainId: 1 }), "chainId: 1 is not the wallet's current chain (31337)"],
    ['missing expiry', { permissions: [{ type: 'root' }] }, 'expiry: is required: a session must end (unix seconds)'],
    ['past expiry', request([{ type: 'root' }], { expiry: NOW }), `expiry: ${NOW} is not in the future (now is ${NOW})`],
    ['milliseconds', request([{ type: 'root' }], { expiry: NOW * 1000 }), `expiry: ${NOW * 1000} looks like milliseconds; send unix seconds`],
    ['fractional expiry', request([{ type: 'root' }], { expiry: NOW + 0.5 }), `expiry: ${NOW + 0.5} is not a whole number`],
    ['callLimit 0', request([{ type: 'root' }], { callLimit: 0 }), 'callLimit: must be at least 1, got 0'],
    ['callLimit too big', request([{ type: 'root' }], { callLimit: 1_000_001 }), 'callLimit: 1000001 is more than the maximum of 1000000 calls'],
    ['callLimit not a number', request([{ type: 'root' }], { callLimit: 'lots' }), 'callLimit: "lots" is not a whole number'],
    ['permissions not a list', { expiry: NOW + 60, permissions: { type: 'root' } }, 'permissions: must be a list, got {"type":"root"}'],
    ['zero permissions', request([]), 'a session needs at least one permission'],
    ['gas-limit only', request([{ type: 'gas-limit', data: { limit: '1' } }]), 'the session would not be allowed to make any call; add a permission besides gas-limit'],
  ])('error: %s', (_name, input, message) => {
    expect(messageOf(() => parse(input))).toBe(message);
  });

  it.each<[string, unknown, string]>([
    ['unknown type', { type: 'nft-transfer', data: {} }, 'permission 1: unknown permission type "nft-transfer"; known types are root, native-token-transfer, erc20-token-transfer, gas-limit, contract-access, account-functions, functions-on-all-contracts, functions-on-contract, native-token-periodic, native-token-stream, erc20-token-periodic, erc20-token-stream, token-approval-revocation'],
    ['no type', { data: {} }, 'permission 1: has no "type"'],
    ['not an object', 'root', 'permission 1: "root" is not a permission object like { "type": "...", "data": { ... } }'],
    ['root with data', { type: 'root', data: { all: true } }, 'permission 1 (root): root takes no data'],
    ['missing data', { type: 'contract-access' }, 'permission 1 (contract-access): needs a "data" object, got nothing'],
    ['unknown data field', { type: 'contract-access', data: { address: GAME, functions: [] } }, 'permission 1 (contract-access): unknown field "functions"; expected only address'],
    ['bad address', { type: 'contract-access', data: { address: '0x1234' } }, 'permission 1 (contract-access) address: "0x1234" is not an Ethereum address (0x followed by 40 hex digits)'],
    ['zero address', { type: 'contract-access', data: { address: '0x0000000000000000000000000000000000000000' } }, 'permission 1 (contract-access) address: the zero address is not a contract or token'],
    ['zero allowance', { type: 'native-token-transfer', data: { allowance: '0' } }, 'permission 1 (native-token-transfer) allowance: must be more than 0, got 0'],
    ['negative allowance', { type: 'native-token-transfer', data: { allowance: '-5' } }, 'permission 1 (native-token-transfer) allowance: must be more than 0, got "-5"'],
    ['fractional allowance', { type: 'native-token-transfer', data: { allowance: '0.5' } }, 'permission 1 (native-token-transfer) allowance: "0.5" has a fraction; amounts are whole numbers of the smallest unit (wei for ETH)'],
    ['allowance above 2^256-1', { type: 'native-token-transfer', data: { allowance: `0x1${'0'.repeat(64)}` } }, `permission 1 (native-token-transfer) allowance: ${2n ** 256n} is larger than the largest on-chain amount (2^256 - 1)`],
    ['unsafe JSON number', { type: 'native-token-transfer', data: { allowance: 1e21 } }, 'permission 1 (native-token-transfer) allowance: 1e+21 is not a whole number that JSON can carry exactly; send it as a decimal or 0x string'],
    ['allowance not an amount', { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: 'all' } }, 'permission 1 (erc20-token-transfer) allowance: "all" is not an amount (a decimal or 0x number)'],
    ['missing gas limit', { type: 'gas-limit', data: {} }, 'permission 1 (gas-limit) limit: nothing is not an amount (a decimal or 0x number)'],
    ['empty functions', { type: 'functions-on-contract', data: { address: GAME, functions: [] } }, 'permission 1 (functions-on-contract): the list of functions is empty; name at least one function'],
    ['functions not a list', { type: 'functions-on-all-contracts', data: { functions: 'move(uint8)' } }, 'permission 1 (functions-on-all-contracts): functions must be a list of selectors or signatures, got "move(uint8)"'],
    ['bad signature', { type: 'account-functions', data: { functions: ['move(uint9)'] } }, 'permission 1 (account-functions), function 1: "move(uint9)" is not a function signature like "move(uint8)" nor a selector like "0x70e87aaf"'],
    ['3-byte selector', { type: 'account-functions', data: { functions: ['0x123456'] } }, 'permission 1 (account-functions), function 1: "0x123456" is not a 4-byte function selector like "0x70e87aaf"'],
    ['stored form that disagrees', { type: 'account-functions', data: { functions: [{ selector: '0x12345678', signature: 'move(uint8)' }] } }, 'permission 1 (account-functions), function 1: signature "move(uint8)" does not hash to selector 0x12345678'],
  ])('error: one permission, %s', (_name, permission, message) => {
    expect(messageOf(() => parse(request([permission])))).toBe(message);
  });

  const fns = (...f: string[]) => ({ functions: f });
  it.each<[string, unknown[], string]>([
    ['root with other call permissions', [{ type: 'root' }, { type: 'contract-access', data: { address: GAME } }, { type: 'native-token-transfer', data: { allowance: '1' } }], 'permission 1 (root): root already allows every call, so combining it with contract-access, native-token-transfer means nothing; ask for root alone, or for the narrower permissions without root'],
    ['root twice', [{ type: 'root' }, { type: 'root' }], 'permission 2 (root): root is listed twice'],
    ['two native allowances', [{ type: 'native-token-transfer', data: { allowance: '1' } }, { type: 'native-token-transfer', data: { allowance: '2' } }], 'permission 2 (native-token-transfer): only one native-token-transfer permission is allowed; put the whole ETH allowance in one'],
    ['two gas limits', [{ type: 'root' }, { type: 'gas-limit', data: { limit: '1' } }, { type: 'gas-limit', data: { limit: '1' } }], 'permission 3 (gas-limit): only one gas-limit permission is allowed'],
    ['two account-functions', [{ type: 'account-functions', data: fns('addDeposit()') }, { type: 'account-functions', data: fns('getNonce()') }], 'permission 2 (account-functions): only one account-functions permission is allowed; list all the functions in it'],
    ['two functions-on-all-contracts', [{ type: 'functions-on-all-contracts', data: fns('move(uint8)') }, { type: 'functions-on-all-contracts', data: fns('mint(address,uint256)') }], 'permission 2 (functions-on-all-contracts): only one functions-on-all-contracts permission is allowed; list all the functions in it'],
    ['same token twice', [{ type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '1' } }, { type: 'erc20-token-transfer', data: { address: TOKEN.toLowerCase(), allowance: '2' } }], 'permission 2 (erc20-token-transfer): 0xAde0…304C already has an erc20-token-transfer allowance; put the whole allowance in one'],
    ['contract-access twice', [{ type: 'contract-access', data: { address: GAME } }, { type: 'contract-access', data: { address: GAME } }], 'permission 2 (contract-access): contract-access to 0x23Da…1259 already allows every function on it; drop one of the two'],
    ['contract-access + functions-on-contract', [{ type: 'contract-access', data: { address: GAME } }, { type: 'functions-on-contract', data: { address: GAME, ...fns('move(uint8)') } }], 'permission 2 (functions-on-contract): contract-access to 0x23Da…1259 already allows every function on it; drop one of the two'],
    ['functions-on-contract twice', [{ type: 'functions-on-contract', data: { address: GAME, ...fns('move(uint8)') } }, { type: 'functions-on-contract', data: { address: GAME, ...fns('buyItem(uint256)') } }], 'permission 2 (functions-on-contract): 0x23Da…1259 has a functions-on-contract permission already; list all its functions in one'],
    ['contract-access to the account', [{ type: 'contract-access', data: { address: ACCOUNT } }], 'permission 1 (contract-access): targets your own account; use account-functions to name the functions of your account a session may call'],
    ['functions-on-contract on the account', [{ type: 'functions-on-contract', data: { address: ACCOUNT, ...fns('addDeposit()') } }], 'permission 1 (functions-on-contract): targets your own account; use account-functions to name the functions of your account a session may call'],
    ['the account as a token', [{ type: 'erc20-token-transfer', data: { address: ACCOUNT, allowance: '1' } }], 'permission 1 (erc20-token-transfer): the token address is your own account'],
    ['account execute', [{ type: 'account-functions', data: fns('execute((address,uint256,bytes))') }], 'permission 1 (account-functions): execute((address,uint256,bytes)) would let the session take over your account; ask for root if that is really meant'],
    ['account enableDelegation by selector', [{ type: 'account-functions', data: fns(toFunctionSelector('enableDelegation((address,address,bytes32,(address,bytes,bytes)[],uint256,bytes))')) }], 'permission 1 (account-functions): enableDelegation((address,address,bytes32,(address,bytes,bytes)[],uint256,bytes)) would let the session take over your account; ask for root if that is really meant'],
    ['execute on all contracts', [{ type: 'functions-on-all-contracts', data: fns('executeFromExecutor(bytes32,bytes)') }], 'permission 1 (functions-on-all-contracts): executeFromExecutor(bytes32,bytes) would let the session take over your account (functions-on-all-contracts also reaches your own account); ask for root if that is really meant'],
    ['Modular Account execute', [{ type: 'account-functions', data: fns('0xb61d27f6') }], 'permission 1 (account-functions): execute(address,uint256,bytes) would let the session take over your account; ask for root if that is really meant'],
    ['allowance + contract-access on the token', [{ type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '1' } }, { type: 'contract-access', data: { address: TOKEN } }], 'permission 2 (contract-access): allows unlimited transfer() calls on 0xAde0…304C, which makes the allowance of permission 1 (erc20-token-transfer) meaningless; remove transfer from it or drop the allowance'],
    ['allowance + transfer on all contracts', [{ type: 'functions-on-all-contracts', data: fns('transfer(address,uint256)') }, { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '1' } }], 'permission 1 (functions-on-all-contracts): allows unlimited transfer() calls on 0xAde0…304C, which makes the allowance of permission 2 (erc20-token-transfer) meaningless; remove transfer from it or drop the allowance'],
    ['allowance + transfer on the token', [{ type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '1' } }, { type: 'functions-on-contract', data: { address: TOKEN, ...fns('0xa9059cbb') } }], 'permission 2 (functions-on-contract): allows unlimited transfer() calls on 0xAde0…304C, which makes the allowance of permission 1 (erc20-token-transfer) meaningless; remove transfer from it or drop the allowance'],
    ['allowance + approve on the token', [{ type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '1' } }, { type: 'functions-on-contract', data: { address: TOKEN, ...fns('mint(address,uint256)', 'approve(address,uint256)') } }], 'permission 2 (functions-on-contract): allows unlimited approve() calls on 0xAde0…304C, which makes the allowance of permission 1 (erc20-token-transfer) meaningless; remove approve from it or drop the allowance'],
    ['allowance + increaseAllowance on all contracts', [{ type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '1' } }, { type: 'functions-on-all-contracts', data: fns('increaseAllowance(address,uint256)') }], 'permission 2 (functions-on-all-contracts): allows unlimited increaseAllowance() calls on 0xAde0…304C, which makes the allowance of permission 1 (erc20-token-transfer) meaningless; remove increaseAllowance from it or drop the allowance'],
  ])('error: combination, %s', (_name, permissions, message) => {
    expect(messageOf(() => parse(request(permissions)))).toBe(message);
  });

  it('behavior: an allowance next to other functions of the same token is fine', () => {
    const scope = parse(
      request([
        { type: 'erc20-token-transfer', data: { address: TOKEN, allowance: '1' } },
        { type: 'functions-on-contract', data: { address: TOKEN, functions: ['mint(address,uint256)'] } },
      ]),
    );
    expect(scope.permissions).toHaveLength(2);
  });

  it('error: the whole request is refused when one item is bad (never half-applied)', () => {
    const input = request([{ type: 'contract-access', data: { address: GAME } }, { type: 'native-token-transfer', data: { allowance: '0' } }]);
    expect(() => parse(input)).toThrow(PermissionError);
    expect(new PermissionError('x').code).toBe(-32602);
  });
});
