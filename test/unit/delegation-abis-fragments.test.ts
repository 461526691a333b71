// The worker carries written-out fragments of the Delegation Framework's ABIs, not the package's
// full ABIs (issue 15: 59 kB of start-up JS). These tests hold each fragment to the package: every
// item is the package's item, and a name the wallet uses comes with all of its overloads (and, for
// the contracts whose reverts the wallet explains, with every custom error).
import { describe, expect, it } from 'vitest';
import * as packageAbis from '@metamask/delegation-abis';
import type { Abi } from 'viem';
import * as fragments from '@/src/backends/delegation/abis';

const names = Object.keys(fragments) as (keyof typeof fragments)[];
const full = (name: string) => (packageAbis as unknown as Record<string, Abi>)[name]!;
const named = (abi: Abi, type: string, name: string) => abi.filter((i) => i.type === type && 'name' in i && i.name === name);

describe('Delegation Framework ABI fragments', () => {
  it('param: every fragment names a contract of @metamask/delegation-abis', () => {
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect([name, Array.isArray(full(name))]).toEqual([name, true]);
  });

  it('behavior: every item of a fragment is an item of the package ABI, unchanged', () => {
    for (const name of names) for (const item of fragments[name] as Abi) expect(full(name)).toContainEqual(item);
  });

  it('behavior: a function the wallet uses comes with every overload the package has (execute has two)', () => {
    for (const name of names) {
      const fragment = fragments[name] as Abi;
      for (const fn of new Set(fragment.flatMap((i) => (i.type === 'function' ? [i.name] : [])))) expect([name, fn, named(fragment, 'function', fn).length]).toEqual([name, fn, named(full(name), 'function', fn).length]);
    }
    expect(named(fragments.EIP7702StatelessDeleGator as Abi, 'function', 'execute')).toHaveLength(2);
  });

  it('behavior: the DelegationManager and the 7702 DeleGator fragments carry every custom error, so a revert is still named', () => {
    for (const name of ['DelegationManager', 'EIP7702StatelessDeleGator'] as const) {
      const errors = (abi: Abi) => abi.filter((i) => i.type === 'error');
      expect(errors(fragments[name] as Abi)).toEqual(errors(full(name)));
    }
  });
});
