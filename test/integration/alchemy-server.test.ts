// The local Wallet API stand-in (test/alchemy/server.ts) on its own terms: the JSON-RPC envelope and
// schema validation, every permission kind, call statuses 400/500, message signing, sponsorship.
// The seed's flow itself is in alchemy-flow.test.ts.
import { alchemyWalletTransport, createSmartWalletClient } from '@alchemy/wallet-apis';
import { encodeFunctionData, getAddress, parseEther, toFunctionSelector, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import { devnetChain } from '../../devnet/constants';
import deployment from '../../devnet/deployment.json';
import { checkSessionCalls, emptyUsage, validatePermissions, type DecodedPermission } from '../alchemy/permissions';
import { ERROR_CODES, startWalletApiServer, type WalletApiServer } from '../alchemy/server';
import { devnetClients } from './helpers';

const rpcUrl = inject('rpcUrl');
const { publicClient, testClient, walletFor } = devnetClients(rpcUrl);
const API_KEY = 'server-test-key';
const game = deployment.contracts.DemoGame as Address;
const token = deployment.contracts.DemoToken as Address;
const chain = { ...devnetChain(rpcUrl), blockTime: 1_000 };

let server: WalletApiServer;
beforeAll(async () => {
  server = await startWalletApiServer({ rpcUrl, apiKey: API_KEY });
});
afterAll(async () => {
  expect(server.internalErrors).toEqual([]);
  await server?.close();
});

/** A raw JSON-RPC request to the stand-in. */
async function rpc(body: unknown, init: { apiKey?: string | null; method?: string } = {}) {
  const apiKey = init.apiKey === undefined ? API_KEY : init.apiKey;
  const res = await fetch(server.url, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey !== null ? { authorization: `Bearer ${apiKey}` } : {}) },
    ...(init.method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as { id?: unknown; result?: any; error?: { code: number; message: string } } };
}
const call = (method: string, params: unknown) => rpc({ jsonrpc: '2.0', id: 7, method, params });

const transport = () => alchemyWalletTransport({ url: server.url, apiKey: API_KEY });
const move = (direction: number) => ({ to: game, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'move', args: [direction] }) });
const erc20 = (functionName: 'transfer' | 'approve', to: Address, amount: bigint) => ({
  to: token,
  data: encodeFunctionData({ abi: DemoTokenAbi, functionName, args: [to, amount] }),
});
const demoBalance = (who: Address) => publicClient.readContract({ address: token, abi: DemoTokenAbi, functionName: 'balanceOf', args: [who] });

async function delegatedOwner(eth = parseEther('10')) {
  const owner = privateKeyToAccount(generatePrivateKey());
  await testClient.setBalance({ address: owner.address, value: eth });
  const client = createSmartWalletClient({ transport: transport(), chain, signer: owner });
  const { id } = await client.sendCalls({ calls: [] });
  expect((await client.waitForCallsStatus({ id })).status).toBe('success');
  return { owner, client };
}

async function sessionFor(client: Awaited<ReturnType<typeof delegatedOwner>>['client'], permissions: Parameters<typeof client.grantPermissions>[0]['permissions']) {
  const key = privateKeyToAccount(generatePrivateKey());
  const granted = await client.grantPermissions({ expirySec: Math.floor(Date.now() / 1000) + 3600, key: { publicKey: key.address, type: 'secp256k1' }, permissions });
  const session = createSmartWalletClient({ transport: transport(), chain, signer: key, account: client.account.address });
  return {
    key,
    send: async (calls: Parameters<typeof session.sendCalls>[0]['calls']) => {
      const { id } = await session.sendCalls({ calls, capabilities: { permissions: granted } });
      return session.waitForCallsStatus({ id });
    },
  };
}

function errorOf(err: unknown): { code?: number; message: string } {
  let e = err as { code?: number; message: string; details?: string; cause?: unknown } | undefined;
  let code: number | undefined;
  const messages: string[] = [];
  while (e) {
    if (typeof e.code === 'number' && code === undefined) code = e.code;
    messages.push(e.details ?? e.message);
    e = e.cause as typeof e;
  }
  return { code, message: messages.join(' | ') };
}

describe('JSON-RPC envelope', () => {
  it('unknown methods are -32601, eth_* included (the Wallet API is not a node)', async () => {
    for (const method of ['wallet_sendCalls', 'wallet_grantPermissions', 'eth_chainId', 'wallet_listAccounts']) {
      const r = await call(method, []);
      expect(r.status).toBe(200);
      expect(r.body.error?.code).toBe(ERROR_CODES.methodNotFound);
      expect(r.body.id).toBe(7);
    }
  });

  it('a bad shape is -32602 with the schema path and reason', async () => {
    const from = privateKeyToAccount(generatePrivateKey()).address;
    const cases: [unknown, RegExp][] = [
      [[{ from, chainId: 31337, calls: [] }], /^Invalid params: \/0\/chainId: /],
      [[{ from, chainId: '0x7a69', calls: [{ to: 'nope' }] }], /^Invalid params: \/0\/calls\/0\/to: Must be a valid Ethereum address/],
      [[{ from, chainId: '0x7a69', calls: [{ to: from, value: 5 }] }], /^Invalid params: \/0\/calls\/0\/value: /],
      [[], /^Invalid params: /],
      [{ from }, /^Invalid params: /],
    ];
    for (const [params, reason] of cases) {
      const r = await call('wallet_prepareCalls', params);
      expect(r.body.error?.code, JSON.stringify(params)).toBe(ERROR_CODES.invalidParams);
      expect(r.body.error?.message).toMatch(reason);
    }
    const session = await call('wallet_createSession', [{ account: from, chainId: '0x7a69', key: { type: 'secp256k1', publicKey: from }, permissions: [{ type: 'root', data: {} }] }]);
    expect(session.body.error).toMatchObject({ code: ERROR_CODES.invalidParams, message: expect.stringMatching(/\/0\/permissions\/0\/data/) });
    const status = await call('wallet_getCallsStatus', [42]);
    expect(status.body.error?.code).toBe(ERROR_CODES.invalidParams);
  });

  it('parse errors, non-JSON-RPC bodies, GET, batches, and the key check comes first', async () => {
    expect(await rpc('{nope')).toMatchObject({ status: 400, body: { error: { code: ERROR_CODES.parse } } });
    expect((await rpc({ id: 1, method: 'wallet_getCapabilities' })).body.error?.code).toBe(ERROR_CODES.invalidRequest);
    expect((await rpc(undefined, { method: 'GET' })).status).toBe(405);
    expect(await rpc('{nope', { apiKey: null })).toMatchObject({ status: 401, body: { error: { code: ERROR_CODES.invalidRequest, message: 'Must be authenticated!' } } });
    const owner = privateKeyToAccount(generatePrivateKey()).address;
    const batch = await rpc([
      { jsonrpc: '2.0', id: 1, method: 'wallet_getCapabilities', params: [owner] },
      { jsonrpc: '2.0', id: 2, method: 'nope', params: [] },
    ]);
    expect(batch.body).toMatchObject([{ id: 1, result: { '0x0': {} } }, { id: 2, error: { code: ERROR_CODES.methodNotFound } }]);
  });

  it('wallet_getCapabilities answers under "0x0", as Alchemy does', async () => {
    const owner = privateKeyToAccount(generatePrivateKey()).address;
    const r = await call('wallet_getCapabilities', [owner, ['0x7a69']]);
    expect(r.body.result).toEqual({ '0x0': { atomic: { status: 'supported' }, paymasterService: { supported: true }, eip7702Auth: { supported: true } } });
  });

  it('wallet_requestAccount serves 7702 accounts: the signer EOA, a stable UUID v4, the delegation target', async () => {
    const signer = privateKeyToAccount(generatePrivateKey());
    const client = createSmartWalletClient({ transport: transport(), chain, signer });
    const { address } = await client.requestAccount({ creationHint: { accountType: '7702' } });
    expect(address).toBe(signer.address);
    const again = await call('wallet_requestAccount', [{ signerAddress: signer.address, creationHint: { accountType: '7702' } }]);
    const byAddress = await call('wallet_requestAccount', [{ accountAddress: signer.address }]);
    expect(again.body.result.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(byAddress.body.result).toEqual(again.body.result);
    expect(again.body.result.delegation).toBe(server.delegationAddress);
    const sca = await call('wallet_requestAccount', [{ signerAddress: signer.address }]);
    expect(sca.body.error).toMatchObject({ code: ERROR_CODES.invalidParams, message: expect.stringContaining('7702') });
  });
});

describe('wallet_createSession refuses what Alchemy\'s permission builder refuses', () => {
  const account = privateKeyToAccount(generatePrivateKey()).address;
  const key = privateKeyToAccount(generatePrivateKey()).address;
  const create = (permissions: unknown, extra: Record<string, unknown> = {}) =>
    call('wallet_createSession', [{ account, chainId: '0x7a69', expirySec: Math.floor(Date.now() / 1000) + 60, key: { type: 'secp256k1', publicKey: key }, permissions, ...extra }]);

  it.each([
    ['root with anything else', [{ type: 'root' }, { type: 'contract-access', data: { address: game } }], /root cannot be combined/],
    ['contract-access on the account itself', [{ type: 'contract-access', data: { address: account } }], /account itself is not a valid target/],
    ['two permissions on one contract', [{ type: 'contract-access', data: { address: game } }, { type: 'functions-on-contract', data: { address: game, functions: ['0x12345678'] } }], /already has/],
    ['execute as an account function', [{ type: 'account-functions', data: { functions: ['0xe9ae5c53'] } }], /privileged/],
    ['two native allowances', [{ type: 'native-token-transfer', data: { allowance: '0x1' } }, { type: 'native-token-transfer', data: { allowance: '0x2' } }], /at most one/],
    ['a selector that is not 4 bytes', [{ type: 'functions-on-all-contracts', data: { functions: ['0x1234'] } }], /not 4 bytes/],
    ['no permissions', [], /Invalid params/],
  ])('%s', async (_, permissions, reason) => {
    const r = await create(permissions);
    expect(r.body.error).toMatchObject({ code: ERROR_CODES.invalidParams, message: expect.stringMatching(reason) });
  });

  it('contract keys, 64-byte public keys, past expiry and other chains', async () => {
    expect((await create([{ type: 'root' }], { key: { type: 'contract', publicKey: key } })).body.error?.message).toMatch(/contract/);
    expect((await create([{ type: 'root' }], { key: { type: 'secp256k1', publicKey: `0x${'ab'.repeat(64)}` } })).body.error?.message).toMatch(/20-byte address/);
    expect((await create([{ type: 'root' }], { expirySec: 1000 })).body.error?.message).toMatch(/not in the future/);
    expect((await create([{ type: 'root' }], { chainId: '0x1' })).body.error?.message).toMatch(/not supported by this server/);
    const ok = await create([{ type: 'root' }], { expirySec: 0 });
    expect(ok.body.result).toMatchObject({ chainId: '0x7a69', signatureRequest: { type: 'eth_signTypedData_v4', data: { primaryType: 'DeferredAction', domain: { chainId: 31337, verifyingContract: account } } } });
    expect(ok.body.result.sessionId).toMatch(/^0x[0-9a-f]{32}$/);
  });
});

describe('permission kinds on the devnet (through the v5 client)', () => {
  it('erc20-token-transfer: transfers and approvals add up against the allowance; other tokens and selectors are out', async () => {
    const { owner, client } = await delegatedOwner();
    const mint = await client.sendCalls({ calls: [{ to: token, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'mint', args: [owner.address, 100n] }) }] });
    await client.waitForCallsStatus({ id: mint.id });
    const { send } = await sessionFor(client, [{ type: 'erc20-token-transfer', data: { address: token, allowance: 50n } }]);
    const bob = privateKeyToAccount(generatePrivateKey()).address;

    expect((await send([erc20('transfer', bob, 30n), erc20('approve', bob, 10n)])).status).toBe('success');
    expect(await demoBalance(bob)).toBe(30n);
    const over = await send([erc20('transfer', bob, 11n)]).catch((e: unknown) => e);
    expect(errorOf(over)).toMatchObject({ code: ERROR_CODES.rejected, message: expect.stringMatching(/erc20-token-transfer allowance 50 .* \(used 40, this batch 11\)/) });
    const mintCall = { to: token, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'mint', args: [bob, 1n] }) };
    expect(errorOf(await send([mintCall]).catch((e: unknown) => e)).code).toBe(ERROR_CODES.rejected);
    expect((await send([erc20('transfer', bob, 10n)])).status).toBe('success');
    expect(await demoBalance(bob)).toBe(40n);
  });

  it('functions-on-contract and functions-on-all-contracts: the listed selectors only', async () => {
    const { owner, client } = await delegatedOwner();
    const moveSelector = toFunctionSelector('move(uint8)');
    const onGame = await sessionFor(client, [{ type: 'functions-on-contract', data: { address: game, functions: [moveSelector] } }]);
    expect((await onGame.send([move(1)])).status).toBe('success');
    const buy = { to: game, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'buyItem', args: [1n] }) };
    expect(errorOf(await onGame.send([buy]).catch((e: unknown) => e)).message).toMatch(/selector 0x[0-9a-f]{8}\) is outside the session/);

    const anywhere = await sessionFor(client, [{ type: 'functions-on-all-contracts', data: { functions: [toFunctionSelector('transfer(address,uint256)')] } }]);
    const demo = await client.sendCalls({ calls: [{ to: token, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'mint', args: [owner.address, 5n] }) }] });
    await client.waitForCallsStatus({ id: demo.id });
    const bob = privateKeyToAccount(generatePrivateKey()).address;
    expect((await anywhere.send([erc20('transfer', bob, 5n)])).status).toBe('success');
    expect(errorOf(await anywhere.send([move(1)]).catch((e: unknown) => e)).code).toBe(ERROR_CODES.rejected);
    // Never the account itself through functions-on-all-contracts.
    const self = { to: owner.address, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'transfer', args: [bob, 1n] }) };
    expect(errorOf(await anywhere.send([self]).catch((e: unknown) => e)).message).toMatch(/account-functions/);
  });

  it('account-functions: the listed selectors on the account itself', async () => {
    const { owner, client } = await delegatedOwner();
    const entryPoint = toFunctionSelector('entryPoint()');
    const { send } = await sessionFor(client, [{ type: 'account-functions', data: { functions: [entryPoint] } }]);
    expect((await send([{ to: owner.address, data: entryPoint }])).status).toBe('success');
    expect(errorOf(await send([{ to: owner.address, data: toFunctionSelector('getNonce()') }]).catch((e: unknown) => e)).code).toBe(ERROR_CODES.rejected);
    expect(errorOf(await send([move(1)]).catch((e: unknown) => e)).code).toBe(ERROR_CODES.rejected);
  });

  it('gas-limit: the account\'s gas for session calls adds up against the limit', async () => {
    const { client } = await delegatedOwner();
    const tiny = await sessionFor(client, [{ type: 'contract-access', data: { address: game } }, { type: 'gas-limit', data: { limit: 1000n } }]);
    expect(errorOf(await tiny.send([move(1)]).catch((e: unknown) => e)).message).toMatch(/gas-limit 1000 wei would be exceeded/);
    const ample = await sessionFor(client, [{ type: 'contract-access', data: { address: game } }, { type: 'gas-limit', data: { limit: parseEther('1') } }]);
    expect((await ample.send([move(1)])).status).toBe('success');
  });

  it('native-token-transfer alone: value to any address within the allowance, never to the account itself', async () => {
    const { owner, client } = await delegatedOwner();
    const { send } = await sessionFor(client, [{ type: 'native-token-transfer', data: { allowance: 1000n } }]);
    const bob = privateKeyToAccount(generatePrivateKey()).address;
    expect((await send([{ to: bob, value: 600n }])).status).toBe('success');
    expect(await publicClient.getBalance({ address: bob })).toBe(600n);
    expect(errorOf(await send([{ to: bob, value: 401n }]).catch((e: unknown) => e)).message).toMatch(/allowance 1000 wei would be exceeded/);
    expect(errorOf(await send([{ to: owner.address, value: 1n }]).catch((e: unknown) => e)).message).toMatch(/account-functions/);
  });
});

describe('the permissions capability', () => {
  it('also takes the object form {sessionId, signature} (decodePermissionsContext treats it as context version 0x00)', async () => {
    const { owner, client } = await delegatedOwner();
    const key = privateKeyToAccount(generatePrivateKey());
    const { context } = await client.grantPermissions({ expirySec: Math.floor(Date.now() / 1000) + 600, key: { publicKey: key.address, type: 'secp256k1' }, permissions: [{ type: 'root' }] });
    const session = createSmartWalletClient({ transport: transport(), chain, signer: key, account: owner.address });
    const permissions = { sessionId: `0x${context.slice(4, 36)}` as Hex, signature: `0x${context.slice(36)}` as Hex };
    const { id } = await session.sendCalls({ calls: [move(3)], capabilities: { permissions } });
    expect((await session.waitForCallsStatus({ id })).status).toBe('success');
    const unknown = await session.sendCalls({ calls: [move(3)], capabilities: { permissions: { ...permissions, sessionId: `0x${'00'.repeat(16)}` } } }).catch((e: unknown) => e);
    expect(errorOf(unknown)).toMatchObject({ code: ERROR_CODES.invalidParams, message: expect.stringMatching(/unknown session/) });
  });
});

describe('call status', () => {
  it('a bundle that reverts on chain is 500 with its reverted receipt; an unknown id is 5730', async () => {
    const { owner, client } = await delegatedOwner();
    const minted = await client.sendCalls({ calls: [{ to: token, data: encodeFunctionData({ abi: DemoTokenAbi, functionName: 'mint', args: [owner.address, 10n] }) }] });
    await client.waitForCallsStatus({ id: minted.id });
    // Both spend the whole balance; each simulates fine alone, the second reverts once the first ran.
    const [a, b] = [privateKeyToAccount(generatePrivateKey()).address, privateKeyToAccount(generatePrivateKey()).address];
    const first = await client.signPreparedCalls(await client.prepareCalls({ calls: [erc20('transfer', a, 10n)] }));
    const second = await client.signPreparedCalls(await client.prepareCalls({ calls: [erc20('transfer', b, 10n)] }));
    const ok = await client.waitForCallsStatus({ id: (await client.sendPreparedCalls(first)).id });
    const reverted = await client.waitForCallsStatus({ id: (await client.sendPreparedCalls(second)).id });
    expect(ok).toMatchObject({ status: 'success', statusCode: 200 });
    expect(reverted).toMatchObject({ status: 'failure', statusCode: 500 });
    expect(reverted.receipts?.[0]?.status).toBe('reverted');
    expect([await demoBalance(a), await demoBalance(b)]).toEqual([10n, 0n]);

    // A revert found at preparation is refused up front.
    const early = await client.sendCalls({ calls: [move(9)] }).catch((e: unknown) => e);
    expect(errorOf(early)).toMatchObject({ code: ERROR_CODES.rejected, message: expect.stringMatching(/execution reverted during simulation/) });

    expect((await call('wallet_getCallsStatus', [`0x${'12'.repeat(64)}`])).body.error?.code).toBe(ERROR_CODES.unknownBundle);
  });

  it('a bundle that cannot be executed is 400 with no receipts: an authorization made stale before it was sent', async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    await testClient.setBalance({ address: owner.address, value: parseEther('1') });
    const client = createSmartWalletClient({ transport: transport(), chain, signer: owner });
    const signed = await client.signPreparedCalls(await client.prepareCalls({ calls: [] }));
    expect(signed.type).toBe('array');
    // The owner's EOA sends a transaction of its own: the authorization's nonce is now stale.
    await publicClient.waitForTransactionReceipt({ hash: await walletFor(owner).sendTransaction({ to: owner.address, value: 0n }) });
    const { id } = await client.sendPreparedCalls(signed);
    const status = await client.waitForCallsStatus({ id });
    expect(status).toMatchObject({ status: 'failure', statusCode: 400, receipts: [] });
    expect(server.calls.get(id as Hex)?.failure).toMatch(/authorization nonce 0 is stale/);
    expect(await publicClient.getCode({ address: owner.address })).toBeUndefined();
  });

  it('a user operation the server did not prepare, or one already used, is refused', async () => {
    const { client } = await delegatedOwner();
    const prepared = await client.prepareCalls({ calls: [move(1)] });
    if (prepared.type !== 'user-operation-v070') throw new Error(prepared.type);
    const altered = await client.signPreparedCalls({ ...prepared, data: { ...prepared.data, callGasLimit: prepared.data.callGasLimit + 1n } });
    expect(errorOf(await client.sendPreparedCalls(altered).catch((e: unknown) => e)).message).toMatch(/unknown user operation/);
    // Signed by the owner, but sent as if for a session.
    const signed = await client.signPreparedCalls(prepared);
    const asSession = await client.sendPreparedCalls({ ...signed, capabilities: { permissions: { context: `0x00${'11'.repeat(16)}${'22'.repeat(65)}` } } }).catch((e: unknown) => e);
    expect(errorOf(asSession).message).toMatch(/prepared without a session/);
    const sent = await client.sendPreparedCalls(signed);
    await client.waitForCallsStatus({ id: sent.id });
  });
});

describe('signing and sponsorship', () => {
  it('signMessage goes through wallet_prepareSign/wallet_formatSign and verifies on chain (ERC-1271 of the delegated account)', async () => {
    const { owner, client } = await delegatedOwner();
    const message = 'hello from the stand-in';
    const signature = await client.signMessage({ message });
    expect(await publicClient.verifyMessage({ address: owner.address, message, signature })).toBe(true);
    const prepareSign = server.requests.findLast((r) => r.rpcMethods[0] === 'wallet_prepareSign');
    expect(JSON.parse(prepareSign!.body).params[0]).toMatchObject({ from: owner.address, signatureRequest: { type: 'personal_sign', data: message } });
    // A signature over anything else is not formatted.
    const other = await owner.signMessage({ message: 'something else' });
    const r = await call('wallet_formatSign', [{ from: owner.address, chainId: '0x7a69', signature: { type: 'ecdsa', data: other } }]);
    expect(r.body.error?.code).toBe(ERROR_CODES.badSignature);
  });

  it('paymasterService: an account with no ETH is delegated and calls, and pays no gas', async () => {
    const owner = privateKeyToAccount(generatePrivateKey());
    const policyId = crypto.randomUUID();
    const client = createSmartWalletClient({ transport: transport(), chain, signer: owner, paymaster: { policyId } });
    const delegation = await client.sendCalls({ calls: [] });
    expect((await client.waitForCallsStatus({ id: delegation.id })).status).toBe('success');
    const { id } = await client.sendCalls({ calls: [move(2)] });
    expect((await client.waitForCallsStatus({ id })).status).toBe('success');
    expect(await publicClient.getBalance({ address: owner.address })).toBe(0n);
    expect(await publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'score', args: [owner.address] })).toBe(1n);
    const prepare = server.requests.findLast((r) => r.rpcMethods[0] === 'wallet_prepareCalls');
    expect(JSON.parse(prepare!.body).params[0].capabilities).toEqual({ paymasterService: { policyId } });
    expect((prepare!.response as { result: { feePayment: { sponsored: boolean } } }).result.feePayment.sponsored).toBe(true);

    // Without sponsorship the same account is refused for want of prefund.
    const unsponsored = createSmartWalletClient({ transport: transport(), chain, signer: owner });
    expect(errorOf(await unsponsored.sendCalls({ calls: [move(2)] }).catch((e: unknown) => e)).message).toMatch(/AA21 didn't pay prefund/);
  });
});

describe('permissions.ts (pure)', () => {
  const account = getAddress(`0x${'aa'.repeat(20)}`);
  const base = { account, expirySec: 0, usage: emptyUsage(), maxGasCost: 0n, now: 1_000 };
  it('root allows everything until expiry', () => {
    const root: DecodedPermission[] = [{ type: 'root' }];
    expect(checkSessionCalls({ ...base, permissions: root, calls: [{ to: account, value: 10n ** 30n, data: '0xe9ae5c53' }] }).ok).toBe(true);
    expect(checkSessionCalls({ ...base, expirySec: 1_000, permissions: root, calls: [] })).toMatchObject({ ok: false, reason: 'expired' });
    expect(checkSessionCalls({ ...base, expirySec: 1_001, permissions: root, calls: [] }).ok).toBe(true);
  });
  it('a value-free call without calldata matches contract-access only', () => {
    const perms: DecodedPermission[] = [{ type: 'functions-on-all-contracts', data: { functions: ['0x12345678'] } }];
    expect(checkSessionCalls({ ...base, permissions: perms, calls: [{ to: game }] }).ok).toBe(false);
    expect(checkSessionCalls({ ...base, permissions: [{ type: 'contract-access', data: { address: game } }], calls: [{ to: game }] }).ok).toBe(true);
    expect(validatePermissions([{ type: 'account-functions', data: { functions: ['0x7f07bfdc'] } }], account)).toMatch(/privileged/);
  });
});
