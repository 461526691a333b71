// The Alchemy backend's own Wallet API client: what goes on the wire. Payloads that a version using
// the SDK stored before sending (bigints tagged, chain ids as numbers) still go out as the Wallet
// API takes them, so a send retried across the update reaches Alchemy unchanged in meaning.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AlchemyBackend } from '@/src/backends/alchemy/backend';
import { devnet } from '@/src/chains/registry';

const URL_ = 'http://127.0.0.1:1/v2';

/** Captures the JSON-RPC bodies the backend sends; answers each with `result`. */
function captureFetch(result: unknown) {
  const bodies: { method: string; params: unknown[] }[] = [];
  const headers: Record<string, string>[] = [];
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as { id: number; method: string; params: unknown[] };
    bodies.push(body);
    headers.push(Object.fromEntries(new Headers(init.headers).entries()));
    return new Response(JSON.stringify({ jsonrpc: '2.0', id: body.id, result }), { headers: { 'content-type': 'application/json' } });
  });
  return { bodies, headers };
}

afterEach(() => vi.unstubAllGlobals());

const op = {
  sender: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  callData: '0x34fcd5be',
  signature: { type: 'secp256k1', data: `0x${'11'.repeat(65)}` },
};

describe('Alchemy Wallet API client', () => {
  it('behavior: a payload stored by the SDK version (tagged bigints, numeric chain ids) is sent as hex quantities', async () => {
    const { bodies } = captureFetch({ id: `0x${'ab'.repeat(32)}` });
    const backend = new AlchemyBackend({ apiKey: 'k'.repeat(32), url: URL_, chain: devnet });
    const legacy = {
      type: 'array',
      data: [
        { type: 'authorization', chainId: 31337, data: { address: '0x63c0c19a282a1B52b07dD5a65b58948A07DAE32B', nonce: 7 }, signature: op.signature },
        {
          type: 'user-operation-v070',
          chainId: 31337,
          data: { sender: op.sender, nonce: { $bigint: '5' }, callData: op.callData, callGasLimit: { $bigint: '100000' }, verificationGasLimit: { $bigint: '9' }, preVerificationGas: { $bigint: '8' }, maxFeePerGas: { $bigint: '1000000000' }, maxPriorityFeePerGas: { $bigint: '1' } },
          signature: op.signature,
          details: { type: 'user-operation' },
        },
      ],
    };
    const id = await backend.sendSigned({ payload: JSON.stringify(legacy), context: `0x00${'22'.repeat(40)}` });
    expect(id).toBe(`0x${'ab'.repeat(32)}`);
    const [sent] = bodies;
    expect(sent!.method).toBe('wallet_sendPreparedCalls');
    expect(sent!.params).toEqual([
      {
        type: 'array',
        data: [
          { type: 'authorization', chainId: '0x7a69', data: { address: '0x63c0c19a282a1B52b07dD5a65b58948A07DAE32B', nonce: '0x7' }, signature: op.signature },
          {
            type: 'user-operation-v070',
            chainId: '0x7a69',
            data: { sender: op.sender, nonce: '0x5', callData: op.callData, callGasLimit: '0x186a0', verificationGasLimit: '0x9', preVerificationGas: '0x8', maxFeePerGas: '0x3b9aca00', maxPriorityFeePerGas: '0x1' },
            signature: op.signature,
          },
        ],
        capabilities: { permissions: { context: `0x00${'22'.repeat(40)}` } },
      },
    ]);
  });

  it('param: the key goes only in the Authorization header; a policy id rides as paymasterService', async () => {
    const { bodies, headers } = captureFetch({ id: '0x01' });
    const backend = new AlchemyBackend({ apiKey: 'secret-key-'.padEnd(32, 'x'), url: URL_, chain: devnet, policyId: '8f0c6b0e-9e0e-4d6a-9b8a-2f1d3c4e5f60' });
    await backend.sendSigned({ payload: JSON.stringify({ type: 'user-operation-v070', chainId: '0x7a69', data: { sender: op.sender, nonce: '0x1', callData: op.callData }, signature: op.signature }) });
    expect(headers[0]!.authorization).toBe(`Bearer ${'secret-key-'.padEnd(32, 'x')}`);
    expect(JSON.stringify(bodies)).not.toContain('secret-key-');
    expect(bodies[0]!.params[0]).toMatchObject({ chainId: '0x7a69', capabilities: { paymasterService: { policyId: '8f0c6b0e-9e0e-4d6a-9b8a-2f1d3c4e5f60' } } });
  });

  it('error: an answer without a call id is -32603, not a success', async () => {
    captureFetch({});
    const backend = new AlchemyBackend({ apiKey: 'k'.repeat(32), url: URL_, chain: devnet });
    await expect(backend.sendSigned({ payload: JSON.stringify({ type: 'user-operation-v070', chainId: '0x7a69', data: {}, signature: op.signature }) })).rejects.toMatchObject({ code: -32603 });
  });
});
