// The known-function table is written out (signatures and their selectors) so that a worker's first
// session call hashes and formats nothing (issue 15). These tests derive it all again from the
// sources it stands for, so the written-out lists can never drift from them.
import { describe, expect, it } from 'vitest';
import { toFunctionSelector, toFunctionSignature, type Abi, type AbiFunction } from 'viem';
import { EIP7702StatelessDeleGator } from '@metamask/delegation-abis';
import { ModularAccountAbi_V2_0_0, SemiModularAccountAbi_V2_0_0 } from '@alchemy/wallet-api-types/abi';
import { DemoGameAbi, DemoTokenAbi } from '@/devnet/contracts/abis';
import { DELEGATOR_ALLOWED, knownFunctionEntries, knownFunctionLiterals } from '@/src/permissions/known-functions';

const functions = (abi: Abi) => abi.filter((x): x is AbiFunction => x.type === 'function');
const writes = (abi: Abi) => functions(abi).filter((f) => f.stateMutability !== 'view' && f.stateMutability !== 'pure');
const { SELECTORS, DELEGATOR_CONTROL, DEMO_FUNCTIONS, MODULAR_ACCOUNT_CONTROL } = knownFunctionLiterals;

describe('known functions, written out', () => {
  it('behavior: every written-out selector is the keccak of its signature', () => {
    for (const [signature, selector] of Object.entries(SELECTORS)) expect([signature, selector]).toEqual([signature, toFunctionSelector(signature)]);
  });

  it('behavior: every entry of the table has its selector written out (nothing is hashed at first use)', () => {
    const missing = knownFunctionEntries().filter((e) => SELECTORS[e.signature] !== e.selector);
    expect(missing).toEqual([]);
  });

  it("param: the DeleGator's account-control list is its ABI's state-changing functions but addDeposit()", () => {
    const fromAbi = writes(EIP7702StatelessDeleGator as Abi).map(toFunctionSignature).filter((s) => !DELEGATOR_ALLOWED.has(s));
    expect([...DELEGATOR_CONTROL].sort()).toEqual([...new Set(fromAbi)].sort());
  });

  it("param: the Modular Account list is both ABIs' state-changing functions", () => {
    const fromAbi = [...writes(ModularAccountAbi_V2_0_0 as Abi), ...writes(SemiModularAccountAbi_V2_0_0 as Abi)].map(toFunctionSignature);
    expect([...MODULAR_ACCOUNT_CONTROL].sort()).toEqual([...new Set(fromAbi)].sort());
  });

  it("param: the demo contracts' functions are their ABIs' functions", () => {
    expect(Object.fromEntries(DEMO_FUNCTIONS)).toEqual({ DemoToken: functions(DemoTokenAbi as Abi).map(toFunctionSignature), DemoGame: functions(DemoGameAbi as Abi).map(toFunctionSignature) });
  });
});
