import { describe, expect, it, vi } from 'vitest';
import { getTypesForEIP712Domain, serializeTypedData, type Address, type TypedDataDefinition } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createDelegation, delegationTypedData } from '@/src/backends/delegation/framework';
import { DelegationBackend } from '@/src/backends/delegation/backend';
import { devnetContracts } from '@/src/chains/deployments';
import { devnet } from '@/src/chains/registry';
import type { RequestContext } from '@/src/rpc/method';
import { eth_signTypedData_v4 } from '@/src/rpc/methods/sign';

const owner = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const ATTACKER: Address = '0x1111111111111111111111111111111111111111';

const asSent = (t: TypedDataDefinition) =>
  serializeTypedData({ ...t, types: { EIP712Domain: getTypesForEIP712Domain({ domain: t.domain }), ...t.types } } as unknown as TypedDataDefinition);

function setup() {
  const ask = vi.fn(async () => undefined);
  const services = {
    connections: { get: async () => ({ account: owner.address }) },
    approvals: { ask },
    vault: { ownerAccount: async () => owner },
    backends: { for: async () => new DelegationBackend(devnet) },
  };
  const ctx = { origin: 'http://127.0.0.1:5173', chain: devnet, chainRpc: { request: vi.fn() }, requestId: 'r1', services } as unknown as RequestContext;
  return { ctx, ask };
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code: number }) => e.code);
const mail = { domain: { name: 'Mail', version: '1', chainId: 31337, verifyingContract: ATTACKER }, types: { Mail: [{ name: 'contents', type: 'string' }] }, primaryType: 'Mail', message: { contents: 'hi' } } as const;

describe('eth_signTypedData_v4', () => {
  it('error: a root delegation for the DelegationManager is 4100 and never reaches the owner', async () => {
    const { ctx, ask } = setup();
    const typed = delegationTypedData(createDelegation({ delegator: owner.address, delegate: ATTACKER, caveats: [] }), { chainId: 31337, delegationManager: devnetContracts.DelegationManager });
    expect(await codeOf(Promise.resolve(eth_signTypedData_v4.handler([owner.address, asSent(typed)], ctx)))).toBe(4100);
    expect(ask).not.toHaveBeenCalled();
  });

  it('error: malformed typed data and a domain for another chain are -32602 before any window', async () => {
    const { ctx, ask } = setup();
    expect(await codeOf(Promise.resolve(eth_signTypedData_v4.handler([owner.address, JSON.stringify({ ...mail, message: {} })], ctx)))).toBe(-32602);
    expect(await codeOf(Promise.resolve(eth_signTypedData_v4.handler([owner.address, asSent({ ...mail, domain: { ...mail.domain, chainId: 1 } } as unknown as TypedDataDefinition)], ctx)))).toBe(-32602);
    expect(ask).not.toHaveBeenCalled();
  });

  it('behavior: ordinary typed data is asked of the owner and signed by the owner key', async () => {
    const { ctx, ask } = setup();
    const signature = await eth_signTypedData_v4.handler([owner.address, asSent(mail as unknown as TypedDataDefinition)], ctx);
    expect(ask).toHaveBeenCalledOnce();
    expect(signature).toBe(await owner.signTypedData(mail as unknown as TypedDataDefinition));
  });
});
