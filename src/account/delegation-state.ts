// What the owner's EOA is on chain: a plain EOA, upgraded (EIP-7702) to the Delegation Framework's
// EIP7702StatelessDeleGator, delegated to some other contract (dangerous: that code controls the
// account), or a contract that is not an EOA at all.
import { getAddress, isAddressEqual, type Address, type Hex } from 'viem';

export const DELEGATION_PREFIX = '0xef0100';

export type DelegationState =
  | { kind: 'none' }
  | { kind: 'framework'; implementation: Address }
  | { kind: 'foreign'; implementation: Address }
  | { kind: 'contract' };

export function classifyCode(code: Hex | undefined, frameworkImplementation: Address | null): DelegationState {
  const c = (code ?? '0x').toLowerCase();
  if (c === '0x' || c === '0x0') return { kind: 'none' };
  if (c.startsWith(DELEGATION_PREFIX) && c.length === 2 + 6 + 40) {
    const implementation = getAddress(`0x${c.slice(8)}`);
    if (frameworkImplementation && isAddressEqual(implementation, frameworkImplementation)) return { kind: 'framework', implementation };
    return { kind: 'foreign', implementation };
  }
  return { kind: 'contract' };
}
