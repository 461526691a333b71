import { describe, expect, it } from 'vitest';
import { encodeFunctionData, erc20Abi, parseAbi, parseEther, type Address, type Hex } from 'viem';
import type { SessionCall, SessionScope, SessionUsage } from '@/src/permissions/types';
import { parseSessionScope } from '@/src/permissions/validate';
import { covers, DEFAULT_EXPIRY_MARGIN_SECONDS, type CoverContext } from '@/src/sessions/policy';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const GAME: Address = '0x23DaD949f5f9aD0552E453A421EBa6ECF9331259';
const TOKEN: Address = '0xAde078291A13b081F19A4a0636A91712Ac1A304C';
const OTHER: Address = '0x1111111111111111111111111111111111111111';
const NOW = 1_750_000_000;
const EXPIRY = NOW + 3600;

const gameAbi = parseAbi(['function move(uint8)', 'function buyItem(uint256) payable']);
const tokenAbi = [...erc20Abi, ...parseAbi(['function mint(address,uint256)'])];
const move = (to: Address = GAME): SessionCall => ({ to, value: 0n, data: encodeFunctionData({ abi: gameAbi, functionName: 'move', args: [1] }) });
const buy = (value = parseEther('0.001')): SessionCall => ({ to: GAME, value, data: encodeFunctionData({ abi: gameAbi, functionName: 'buyItem', args: [1n] }) });
const transfer = (amount: bigint, token: Address = TOKEN): SessionCall => ({ to: token, value: 0n, data: encodeFunctionData({ abi: tokenAbi, functionName: 'transfer', args: [OTHER, amount] }) });
const mint = (token: Address = TOKEN): SessionCall => ({ to: token, value: 0n, data: encodeFunctionData({ abi: tokenAbi, functionName: 'mint', args: [OTHER, 1n] }) });
const pay = (value: bigint, to: Address = OTHER, data: Hex = '0x'): SessionCall => ({ to, value, data });

const scopeOf = (permissions: unknown[], callLimit?: number): SessionScope =>
  parseSessionScope({ expiry: EXPIRY, permissions, callLimit }, { account: ACCOUNT, chainId: 31337, now: NOW });
const usage = (u: Partial<SessionUsage> = {}): SessionUsage => ({ nativeSpent: 0n, erc20Spent: {}, callsUsed: 0, now: NOW, disabled: false, ...u });
const ctx: CoverContext = {
  chainId: 31337,
  labels: { addresses: { [GAME]: 'DemoGame', [TOKEN.toLowerCase()]: 'DemoToken' }, tokens: { [TOKEN]: { symbol: 'DEMO', decimals: 18 } } },
};

const game = { type: 'functions-on-contract', data: { address: GAME, functions: ['move(uint8)', 'buyItem(uint256)'] } };
const eth = (allowance: string) => ({ type: 'native-token-transfer', data: { allowance: parseEther(allowance).toString() } });
const demo = (allowance: string) => ({ type: 'erc20-token-transfer', data: { address: TOKEN, allowance: parseEther(allowance).toString() } });

describe('covers', () => {
  it.each<[string, SessionScope, SessionCall[], Partial<SessionUsage>?]>([
    ['root: anything, any value', scopeOf([{ type: 'root' }]), [pay(parseEther('5')), mint(), move(OTHER)]],
    ['functions-on-contract', scopeOf([game]), [move(), move()]],
    ['addresses in any case', scopeOf([game]), [{ ...move(), to: GAME.toLowerCase() as Address }]],
    ['selectors in any case', scopeOf([game]), [{ ...move(), data: move().data.toUpperCase().replace('0X', '0x') as Hex }]],
    ['payable call within the ETH allowance', scopeOf([game, eth('0.002')]), [buy(), buy()]],
    ['plain ETH to anyone within the allowance', scopeOf([eth('0.01')]), [pay(parseEther('0.004')), pay(parseEther('0.006'), GAME)]],
    ['ERC-20 within the allowance, counting the batch', scopeOf([demo('10')]), [transfer(parseEther('4')), transfer(parseEther('6'))], { erc20Spent: {} }],
    ['contract-access: any function, no value', scopeOf([{ type: 'contract-access', data: { address: TOKEN } }]), [mint(), transfer(1n), { to: TOKEN, value: 0n, data: '0x' }]],
    ['functions-on-all-contracts on any target', scopeOf([{ type: 'functions-on-all-contracts', data: { functions: ['move(uint8)'] } }]), [move(), move(OTHER)]],
    ['account-functions on the account', scopeOf([{ type: 'account-functions', data: { functions: ['addDeposit()'] } }]), [{ to: ACCOUNT, value: 0n, data: '0x4a58db19' }]],
    ['the last calls of the call limit', scopeOf([game], 5), [move(), move()], { callsUsed: 3 }],
    ['just outside the expiry margin', scopeOf([game]), [move()], { now: EXPIRY - DEFAULT_EXPIRY_MARGIN_SECONDS - 1 }],
  ])('behavior: covered: %s', (_name, scope, calls, u) => {
    expect(covers(scope, calls, usage(u), ctx)).toEqual({ covered: true });
  });

  it.each<[string, SessionScope, SessionCall[], Partial<SessionUsage>, string, number?]>([
    ['revoked', scopeOf([game]), [move()], { disabled: true }, 'the session was revoked'],
    ['expired', scopeOf([game]), [move()], { now: EXPIRY }, 'the session has expired'],
    ['inside the expiry margin', scopeOf([game]), [move()], { now: EXPIRY - 10 }, 'the session expires in 10 seconds, too soon to send a call safely'],
    ['no calls', scopeOf([game]), [], {}, 'there is no call to make'],
    ['call limit used up', scopeOf([game], 3), [move()], { callsUsed: 3 }, 'the session has used all of its 3 calls'],
    ['batch over the call limit', scopeOf([game], 3), [move(), move()], { callsUsed: 2 }, 'the session has 1 call left; this batch makes 2'],
    ['function not granted', scopeOf([game]), [move(), mint(GAME)], {}, "call 2: DemoGame.mint is not in the session's functions", 1],
    ['target not granted', scopeOf([game]), [mint()], {}, "call 1: DemoToken.mint is not allowed: DemoToken is not one of the session's contracts", 0],
    ['same function on another contract (no widening)', scopeOf([game, { type: 'functions-on-contract', data: { address: TOKEN, functions: ['mint(address,uint256)'] } }]), [move(TOKEN)], {}, "call 1: DemoToken.move is not in the session's functions", 0],
    ['ETH without a native permission', scopeOf([game]), [move(), buy()], {}, 'call 2 sends 0.001 ETH, but the session may not send ETH', 1],
    ['ETH allowance, counting spent and the batch', scopeOf([game, eth('0.005')]), [buy(), buy(), buy()], { nativeSpent: parseEther('0.003') }, "the session's ETH allowance has 0.002 ETH left; this batch sends 0.003 ETH", 2],
    ['ETH allowance over a single call', scopeOf([eth('0.005')]), [pay(parseEther('0.005'))], { nativeSpent: 1n }, "the session's ETH allowance has 0.004999999999999999 ETH left; this batch sends 0.005 ETH", 0],
    ['ERC-20 allowance, earlier calls of the batch count', scopeOf([demo('10')]), [transfer(parseEther('4')), transfer(parseEther('5'))], { erc20Spent: { [TOKEN]: parseEther('2') } }, "the session's DemoToken allowance has 8 DEMO left; this batch transfers 9 DEMO", 1],
    ['ERC-20 of an unknown token prints units', scopeOf([{ type: 'erc20-token-transfer', data: { address: OTHER, allowance: '5' } }]), [transfer(6n, OTHER)], {}, "the session's 0x1111…1111 allowance has 5 units of 0x1111…1111 left; this batch transfers 6 units of 0x1111…1111", 0],
    ['ERC-20 transfer with ETH', scopeOf([demo('10'), eth('1')]), [{ ...transfer(1n), value: 1n }], {}, 'call 1: DemoToken.transfer must not send 0.000000000000000001 ETH', 0],
    ['ERC-20 transfer that is not the standard form', scopeOf([demo('10')]), [{ ...transfer(1n), data: `${transfer(1n).data}00` }], {}, 'call 1: DemoToken.transfer must be a standard transfer(address,uint256) call', 0],
    ['plain call without native-token-transfer', scopeOf([game]), [pay(0n, GAME)], {}, 'call 1: a plain call to DemoGame (no function) is not allowed by this session', 0],
    ['calldata too short for a selector', scopeOf([{ type: 'functions-on-all-contracts', data: { functions: ['move(uint8)'] } }]), [pay(0n, GAME, '0x70e87a')], {}, 'call 1: the calldata to DemoGame is too short to name a function', 0],
    ['native permission does not allow calldata', scopeOf([eth('1')]), [pay(1n, OTHER, '0x12345678')], {}, "call 1: 0x1111…1111.0x12345678 is not allowed: 0x1111…1111 is not one of the session's contracts", 0],
    ['account function not granted', scopeOf([{ type: 'account-functions', data: { functions: ['addDeposit()'] } }]), [{ to: ACCOUNT, value: 0n, data: '0xd087d288' }], {}, "call 1: your account.0xd087d288 is not in the session's functions", 0],
    ['a call that is not well formed', scopeOf([game]), [{ to: '0x1234' as Address, value: 0n, data: '0x' }], {}, 'call 1: the target is not an address', 0],
  ])('error: refused: %s', (_name, scope, calls, u, reason, callIndex) => {
    const verdict = covers(scope, calls, usage(u), ctx);
    expect(verdict).toEqual(callIndex === undefined ? { covered: false, reason } : { covered: false, reason, callIndex });
  });

  it('param: chainId must be the session chain', () => {
    expect(covers(scopeOf([game]), [move()], usage(), { chainId: 1 })).toEqual({ covered: false, reason: 'the session is for chain 31337, but the wallet is on chain 1' });
  });

  it('param: expiryMarginSeconds moves the boundary (0 = exactly the chain rule for the next block)', () => {
    const scope = scopeOf([game]);
    expect(covers(scope, [move()], usage({ now: EXPIRY - 1 }), { ...ctx, expiryMarginSeconds: 0 })).toEqual({ covered: true });
    expect(covers(scope, [move()], usage({ now: EXPIRY - 100 }), { ...ctx, expiryMarginSeconds: 100 }).covered).toBe(false);
  });

  it('param: labels are optional: addresses and functions fall back to hex', () => {
    const verdict = covers(scopeOf([game]), [{ to: OTHER, value: 0n, data: '0xdeadbeef' }], usage(), { chainId: 31337 });
    expect(verdict).toEqual({ covered: false, reason: "call 1: 0x1111…1111.0xdeadbeef is not allowed: 0x1111…1111 is not one of the session's contracts", callIndex: 0 });
  });
});
