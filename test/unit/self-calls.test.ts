import { describe, expect, it } from 'vitest';
import { encodeFunctionData, encodePacked, parseEther, toFunctionSelector, toFunctionSignature, type AbiFunction, type Address, type Hex } from 'viem';
import { EXECUTION_MODE } from '@/src/backends/delegation/framework';
import { EIP7702StatelessDeleGator as EIP7702StatelessDeleGatorAbi } from '@metamask/delegation-abis';
import { accountControlCall } from '@/src/calls/self-calls';
import { parseSessionScope } from '@/src/permissions/validate';
import { covers } from '@/src/sessions/policy';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ATTACKER: Address = '0x000000000000000000000000000000000000dEaD';
const NOW = 1_750_000_000;
const execute = encodeFunctionData({
  abi: EIP7702StatelessDeleGatorAbi,
  functionName: 'execute',
  args: [EXECUTION_MODE.SingleDefault, encodePacked(['address', 'uint256', 'bytes'], [ATTACKER, parseEther('40'), '0x'])],
});

const delegatorWrites = (EIP7702StatelessDeleGatorAbi as readonly { type: string }[])
  .filter((x): x is AbiFunction => x.type === 'function' && (x as AbiFunction).stateMutability !== 'view' && (x as AbiFunction).stateMutability !== 'pure')
  .map((fn) => [toFunctionSignature(fn), toFunctionSelector(fn)] as const);

describe('accountControlCall', () => {
  it.each(delegatorWrites.filter(([sig]) => sig !== 'addDeposit()'))('behavior: %s on the account is account control', (sig, selector) => {
    expect(accountControlCall({ to: ACCOUNT, data: `${selector}${'00'.repeat(64)}` as Hex }, ACCOUNT)).toBe(sig);
  });

  it('behavior: execute(bytes32,bytes) is found with the account in any case', () => {
    expect(accountControlCall({ to: ACCOUNT.toLowerCase() as Address, data: execute }, ACCOUNT)).toBe('execute(bytes32,bytes)');
    expect(accountControlCall({ to: ACCOUNT, data: execute.toUpperCase().replace('0X', '0x') as Hex }, ACCOUNT)).toBe('execute(bytes32,bytes)');
  });

  it.each<[string, { to: Address; data: Hex }]>([
    ['a plain transfer to the account', { to: ACCOUNT, data: '0x' }],
    ['addDeposit(), which account-functions sessions may be granted', { to: ACCOUNT, data: toFunctionSelector('addDeposit()') }],
    ['execute() on another contract (its own business)', { to: ATTACKER, data: execute }],
    ['fewer than 4 bytes of calldata', { to: ACCOUNT, data: '0xe9ae5c' }],
  ])('behavior: not account control: %s', (_name, call) => {
    expect(accountControlCall(call, ACCOUNT)).toBeUndefined();
  });
});

describe('covers: calls into the account', () => {
  it('error: not even a root session covers execute() on the account, whose inner calls the check cannot see', () => {
    const scope = parseSessionScope({ expiry: NOW + 3600, permissions: [{ type: 'root' }] }, { account: ACCOUNT, chainId: 31337, now: NOW });
    const verdict = covers(scope, [{ to: ATTACKER, value: 0n, data: '0x' }, { to: ACCOUNT, value: 0n, data: execute }], { nativeSpent: 0n, erc20Spent: {}, callsUsed: 0, now: NOW, disabled: false }, { chainId: 31337 });
    expect(verdict).toMatchObject({ covered: false, callIndex: 1 });
    expect(JSON.stringify(verdict)).toContain('call 2 asks your own account to run execute(bytes32,bytes), which no session may do');
  });
});
