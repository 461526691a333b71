import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { ALCHEMY_MAV2_7702_ADDRESS, AlchemyBackend, toAlchemyRpcError } from '@/src/backends/alchemy/backend';
import { isRootGrant, toAlchemyGrant } from '@/src/backends/alchemy/permissions';
import { devnet, builtInChains } from '@/src/chains/registry';
import type { Permission, SessionScope } from '@/src/permissions/types';

const account = getAddress('0x1111111111111111111111111111111111111111');
const token = getAddress('0x2222222222222222222222222222222222222222');
const game = getAddress('0x3333333333333333333333333333333333333333');
const scope = (permissions: Permission[], extra: Partial<SessionScope> = {}): SessionScope => ({ account, chainId: 31337, expiry: 2_000_000_000, permissions, ...extra });
const fn = (selector: `0x${string}`, signature?: string) => ({ selector, ...(signature ? { signature } : {}) });

describe('toAlchemyGrant: the shared model in Alchemy flat types', () => {
  it('maps every permission kind', () => {
    const grant = toAlchemyGrant(
      scope([
        { type: 'native-token-transfer', data: { allowance: 10n ** 18n } },
        { type: 'erc20-token-transfer', data: { address: token, allowance: 500n } },
        { type: 'gas-limit', data: { limit: 123_456n } },
        { type: 'contract-access', data: { address: game } },
        { type: 'account-functions', data: { functions: [fn('0x12345678', 'foo()')] } },
        { type: 'functions-on-all-contracts', data: { functions: [fn('0xa9059cbb', 'transfer(address,uint256)')] } },
        { type: 'functions-on-contract', data: { address: game, functions: [fn('0x70e87aaf'), fn('0x2e1a7d4d')] } },
      ]),
    );
    expect(grant).toEqual({
      expirySec: 2_000_000_000,
      permissions: [
        { type: 'native-token-transfer', data: { allowance: 10n ** 18n } },
        { type: 'erc20-token-transfer', data: { address: token, allowance: 500n } },
        { type: 'gas-limit', data: { limit: 123_456n } },
        { type: 'contract-access', data: { address: game } },
        { type: 'account-functions', data: { functions: ['0x12345678'] } },
        { type: 'functions-on-all-contracts', data: { functions: ['0xa9059cbb'] } },
        { type: 'functions-on-contract', data: { address: game, functions: ['0x70e87aaf', '0x2e1a7d4d'] } },
      ],
    });
    expect(isRootGrant(grant)).toBe(false);
  });

  it('maps root alone, with no data', () => {
    const grant = toAlchemyGrant(scope([{ type: 'root' }]));
    expect(grant.permissions).toEqual([{ type: 'root' }]);
    expect(isRootGrant(grant)).toBe(true);
  });

  it('refuses a call limit, root with others, no permission, an empty function list, no expiry', () => {
    expect(() => toAlchemyGrant(scope([{ type: 'root' }], { callLimit: 5 }))).toThrow(/cannot limit the number of calls \(callLimit 5\)/);
    expect(() => toAlchemyGrant(scope([{ type: 'root' }], { callLimit: 1 }))).toThrow(expect.objectContaining({ code: -32602 }));
    expect(() => toAlchemyGrant(scope([{ type: 'root' }, { type: 'contract-access', data: { address: game } }]))).toThrow(/root permission cannot be combined/);
    expect(() => toAlchemyGrant(scope([]))).toThrow(/at least one permission/);
    expect(() => toAlchemyGrant(scope([{ type: 'functions-on-contract', data: { address: game, functions: [] } }]))).toThrow(/needs at least one function/);
    expect(() => toAlchemyGrant(scope([{ type: 'root' }], { expiry: 0 }))).toThrow(/needs an expiry/);
  });

  it('error: redeemers are refused with -32602 (Alchemy cannot limit who sends)', () => {
    expect(() => toAlchemyGrant(scope([{ type: 'contract-access', data: { address: game } }], { redeemers: [account] }))).toThrow(expect.objectContaining({ code: -32602 }));
  });

  it('error: allowances that renew or stream are refused with -32602, never granted as a lifetime allowance', () => {
    const timed: Permission[] = [
      { type: 'native-token-periodic', data: { periodAmount: 1n, periodDuration: 60, startTime: 1 } },
      { type: 'native-token-stream', data: { amountPerSecond: 1n, initialAmount: 0n, maxAmount: 10n, startTime: 1 } },
      { type: 'erc20-token-periodic', data: { address: token, periodAmount: 1n, periodDuration: 60, startTime: 1 } },
      { type: 'erc20-token-stream', data: { address: token, amountPerSecond: 1n, initialAmount: 0n, maxAmount: 10n, startTime: 1 } },
    ];
    expect(() => toAlchemyGrant(scope([{ type: 'token-approval-revocation' }]))).toThrow(expect.objectContaining({ code: -32602 }));
    for (const p of timed) {
      expect(() => toAlchemyGrant(scope([p]))).toThrow(expect.objectContaining({ code: -32602, message: expect.stringContaining(`cannot enforce ${p.type}`) }));
    }
  });
});

describe('AlchemyBackend configuration', () => {
  it('expects the devnet DeleGator on 31337 and Alchemy MAv2 on public chains', () => {
    expect(ALCHEMY_MAV2_7702_ADDRESS).toBe('0x69007702764179f14F51cdce752f4f775d74E139');
    const sepolia = builtInChains.find((c) => c.id === 11155111)!;
    expect(new AlchemyBackend({ apiKey: 'k'.repeat(32), chain: sepolia }).delegationAddress).toBe(ALCHEMY_MAV2_7702_ADDRESS);
    expect(new AlchemyBackend({ apiKey: 'k'.repeat(32), chain: devnet }).delegationAddress).not.toBe(ALCHEMY_MAV2_7702_ADDRESS);
    expect(new AlchemyBackend({ apiKey: 'k'.repeat(32), chain: devnet }).url).toBe('https://api.g.alchemy.com/v2');
  });

  it('maps transport errors to RpcError codes without leaking URLs', () => {
    const http = (status: number | undefined, details = 'x') => Object.assign(new Error('HTTP request failed'), { name: 'HttpRequestError', status, details, url: 'https://api.g.alchemy.com/v2' });
    const rpc = (code: number, details: string) => Object.assign(new Error('RPC Request failed'), { name: 'RpcRequestError', code, details, cause: undefined });
    expect(toAlchemyRpcError(Object.assign(rpc(-32600, 'Must be authenticated!'), { cause: http(401) }), 'send', devnet).code).toBe(4100);
    expect(toAlchemyRpcError(http(undefined, 'fetch failed'), 'send', devnet).code).toBe(4901);
    expect(toAlchemyRpcError(http(503), 'send', devnet).code).toBe(4901);
    expect(toAlchemyRpcError(rpc(-32602, 'chainId 0x3e7 is not supported by this server'), 'send', devnet).code).toBe(5710);
    expect(toAlchemyRpcError(rpc(-32500, 'gas policy rejected the operation'), 'send', devnet).code).toBe(-32003);
    expect(toAlchemyRpcError(rpc(-32602, 'paymaster policy 123 is not active'), 'send', devnet).code).toBe(-32003);
    expect(toAlchemyRpcError(rpc(-32602, 'calls[0].to: bad'), 'send', devnet).code).toBe(-32602);
    expect(toAlchemyRpcError(rpc(5730, 'unknown bundle'), 'read', devnet).code).toBe(5730);
    const leaky = toAlchemyRpcError(rpc(-32500, 'refused by https://api.g.alchemy.com/v2/secret'), 'send', devnet);
    expect(leaky.message).not.toContain('alchemy.com');
    expect(toAlchemyRpcError(new Error('boom'), 'send', devnet).code).toBe(-32603);
  });
});

