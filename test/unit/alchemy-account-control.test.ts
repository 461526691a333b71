// Finding 1: the Alchemy Modular Account's control functions must all be account control, taken
// from the ABIs the wallet talks to, not from hand-typed selectors (two were wrong, three missing).
import { describe, expect, it } from 'vitest';
import { encodeFunctionData, toFunctionSelector, toFunctionSignature, type Abi, type AbiFunction, type Address, type Hex } from 'viem';
import { ModularAccountAbi_V2_0_0, SemiModularAccountAbi_V2_0_0 } from '@alchemy/wallet-api-types/abi';
import { accountControlCall } from '@/src/calls/self-calls';
import { PermissionError } from '@/src/permissions/errors';
import { knownFunction } from '@/src/permissions/known-functions';
import { parseSessionScope } from '@/src/permissions/validate';
import { FORBIDDEN_ACCOUNT_SELECTORS, validatePermissions } from '@/test/alchemy/permissions';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ATTACKER: Address = '0x000000000000000000000000000000000000dEaD';
const NOW = 1_750_000_000;

const writes = (abi: Abi) =>
  abi.filter((x): x is AbiFunction => x.type === 'function' && x.stateMutability !== 'view' && x.stateMutability !== 'pure').map((fn) => [toFunctionSignature(fn), toFunctionSelector(fn)] as const);
const modularWrites = [...new Map([...writes(ModularAccountAbi_V2_0_0 as Abi), ...writes(SemiModularAccountAbi_V2_0_0 as Abi)]).entries()];

/** The two calls of the finding, exactly as a dApp would send them to the owner's own account. */
const updateFallbackSigner = encodeFunctionData({ abi: SemiModularAccountAbi_V2_0_0, functionName: 'updateFallbackSignerData', args: [ATTACKER, false] });
const installExecution = encodeFunctionData({
  abi: ModularAccountAbi_V2_0_0,
  functionName: 'installExecution',
  args: [ATTACKER, { executionFunctions: [], executionHooks: [], interfaceIds: [] }, '0x'],
});

describe('Alchemy Modular Account control functions', () => {
  it.each(modularWrites)('behavior: %s (%s) is account control', (signature, selector) => {
    expect(knownFunction(selector)).toMatchObject({ selector, signature, category: 'account-control' });
  });

  it.each(modularWrites)('behavior: the Alchemy stand-in refuses %s on the account too', (_signature, selector) => {
    expect(FORBIDDEN_ACCOUNT_SELECTORS).toContain(selector);
  });

  it.each([
    ['updateFallbackSignerData(attacker,false)', updateFallbackSigner, 'updateFallbackSignerData(address,bool)'],
    ['installExecution(attacker,…)', installExecution, 'installExecution(address,((bytes4,bool,bool)[],(bytes4,uint32,bool,bool)[],bytes4[]),bytes)'],
  ] as const)('error: a call of %s on the owner’s own account is refused by the self-call check', (_name, data, signature) => {
    expect(accountControlCall({ to: ACCOUNT, data: data as Hex }, ACCOUNT)).toBe(signature);
  });

  it.each([
    ['updateFallbackSignerData(address,bool)', '0x30009d52'],
    ['installExecution', '0x001a63e9'],
    ['uninstallExecution', '0x93b1dc61'],
    ['executeUserOp', '0x8dd7712f'],
    ['initializeWithValidation', '0xe919a623'],
  ] as const)('error: a grant naming %s is refused with -32602', (_name, selector) => {
    for (const type of ['account-functions', 'functions-on-all-contracts']) {
      let error: unknown;
      try {
        parseSessionScope({ expiry: NOW + 60, permissions: [{ type, data: { functions: [selector] } }] }, { account: ACCOUNT, chainId: 31337, now: NOW });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PermissionError);
      expect(error).toMatchObject({ code: -32602, message: expect.stringMatching(/take over your account/) });
    }
    // The stand-in refuses them in account-functions; its functions-on-all-contracts never matches the account.
    expect(validatePermissions([{ type: 'account-functions', data: { functions: [selector] } }], ACCOUNT)).toMatch(/is privileged .* cannot be granted/);
  });
});
