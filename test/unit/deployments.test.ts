// src/chains/deployments.ts hands out the framework's addresses as they are written (the devnet's
// deployment.json, @metamask/delegation-deployments) without checksumming them at run time: a
// keccak per address on a cold worker's first send (issue 15). This checks they are in checksum form.
import { DELEGATOR_CONTRACTS } from '@metamask/delegation-deployments';
import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { devnetContracts, FRAMEWORK_VERSION, frameworkFor } from '@/src/chains/deployments';
import { DEVNET_CHAIN_ID } from '@/src/chains/registry';

/** Every string that looks like an address in `value`, with where it is. */
function addresses(value: unknown, at = ''): [string, string][] {
  if (typeof value === 'string') return /^0x[0-9a-fA-F]{40}$/.test(value) ? [[at, value]] : [];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => addresses(v, `${at}.${k}`));
  return [];
}
const notChecksummed = (list: [string, string][]) => list.filter(([, a]) => getAddress(a) !== a);

describe('framework deployments', () => {
  it('param: the devnet deployment is written in checksum form', () => {
    const list = addresses(devnetContracts, 'devnet');
    expect(list.length).toBeGreaterThan(10);
    expect(notChecksummed(list)).toEqual([]);
    expect(notChecksummed(addresses(frameworkFor(DEVNET_CHAIN_ID), 'devnet framework'))).toEqual([]);
  });

  it(`param: every published ${FRAMEWORK_VERSION} deployment the wallet can use is in checksum form`, () => {
    const published = DELEGATOR_CONTRACTS[FRAMEWORK_VERSION]!;
    const chains = Object.keys(published).map(Number);
    expect(chains.length).toBeGreaterThan(5);
    for (const chainId of chains) {
      const framework = frameworkFor(chainId);
      if (framework) expect(notChecksummed(addresses(framework, `chain ${chainId}`))).toEqual([]);
    }
    expect(notChecksummed(addresses(published, FRAMEWORK_VERSION))).toEqual([]);
  });

  it('behavior: a lower-case address would be caught', () => {
    expect(notChecksummed([['x', devnetContracts.DelegationManager.toLowerCase()]])).toHaveLength(1);
  });
});
