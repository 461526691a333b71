import { createPublicClient, custom, encodeErrorResult, maxUint256, type PublicClient } from 'viem';
import { describe, expect, test } from 'vitest';
import { DemoGameAbi } from '../../devnet/contracts/abis';
import { devnetContracts } from '../../src/chains/deployments';
import { DEVNET_CHAIN_ID, type ChainConfig } from '../../src/chains/registry';
import { revertReason, simulateBundle } from '../../src/simulation/simulate';
import { changeLines, feeText } from '../../src/ui/simulation-text';

const chain: ChainConfig = { id: DEVNET_CHAIN_ID, name: 'Devnet', rpcUrl: 'http://127.0.0.1:1', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, kind: 'devnet' };
const account = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as const;
const calls = [{ to: devnetContracts.DemoToken, value: 0n, data: '0x' as const }];
const fakeClient = (request: (args: { method: string }) => Promise<unknown>) => createPublicClient({ transport: custom({ request }) }) as PublicClient;

describe('simulateBundle', () => {
  test('error: a node without eth_simulateV1 (-32601) gives "could not simulate" with the reason, never a throw', async () => {
    const asked: string[] = [];
    const client = fakeClient(async ({ method }) => {
      asked.push(method);
      throw Object.assign(new Error('Method not found'), { code: -32601 });
    });
    const result = await simulateBundle(chain, account, calls, { client });
    expect(result).toEqual({ ok: 'unknown', reason: "This network's node cannot simulate transactions (it has no eth_simulateV1)." });
    expect(asked).toContain('eth_simulateV1');
  });

  test('error: a node that never answers gives "could not simulate" after the time-out', async () => {
    const client = fakeClient(() => new Promise(() => undefined));
    const result = await simulateBundle(chain, account, calls, { client, timeoutMs: 50 });
    expect(result.ok).toBe('unknown');
    expect(result.ok === 'unknown' && result.reason).toMatch(/did not answer the simulation/);
  });

  test('error: any other node error is "could not simulate" with its first line', async () => {
    const client = fakeClient(async () => {
      throw Object.assign(new Error('header not found'), { code: -32000 });
    });
    const result = await simulateBundle(chain, account, calls, { client });
    expect(result.ok).toBe('unknown');
    expect(result.ok === 'unknown' && result.reason).toMatch(/could not simulate it/);
  });
});

describe('revertReason', () => {
  test('behavior: Error(string), a devnet contract error with its arguments, an unknown selector, no data', () => {
    expect(revertReason(encodeErrorResult({ abi: [{ type: 'error', name: 'Error', inputs: [{ type: 'string', name: 'm' }] }], errorName: 'Error', args: ['not enough'] }))).toBe('not enough');
    expect(revertReason(encodeErrorResult({ abi: DemoGameAbi, errorName: 'WrongPayment', args: [1n, 10n ** 15n] }))).toBe('WrongPayment(1, 1000000000000000)');
    expect(revertReason('0xdeadbeef')).toBe('an error the wallet does not know (0xdeadbeef)');
    expect(revertReason('0x')).toBe('it reverted without a reason');
  });
});

describe('changeLines', () => {
  test('behavior: sends, receipts and approvals in plain words, spenders named from the wallet table', () => {
    const lines = changeLines(DEVNET_CHAIN_ID, [
      { kind: 'native', amount: '-1500000000000000000', symbol: 'ETH', decimals: 18 },
      { kind: 'token', token: devnetContracts.DemoToken, amount: '20000000000000000000', symbol: 'DEMO', decimals: 18 },
      { kind: 'approval', token: devnetContracts.DemoToken, spender: devnetContracts.DemoGame, amount: maxUint256.toString(), unlimited: true, symbol: 'DEMO', decimals: 18 },
      { kind: 'approval', token: devnetContracts.DemoToken, spender: account, amount: '5000000000000000000', unlimited: false, symbol: 'DEMO', decimals: 18 },
    ]);
    expect(lines).toEqual([
      { text: 'You send 1.5 ETH', tone: 'out' },
      { text: 'You receive 20 DEMO', tone: 'in' },
      { text: 'DemoGame may spend all your DEMO', tone: 'danger' },
      { text: `${account} may spend up to 5 DEMO`, tone: 'danger' },
    ]);
  });

  test('param: the fee is shown to 3 significant digits', () => {
    expect(feeText({ gas: '101494', likely: '102313416579218', max: '102477299854464' })).toBe('0.000102 ETH');
  });
});
