// The seed's flow (reference/seed-session-keys-sdk.md) end to end with the real @alchemy/wallet-apis
// v5 client against the local Wallet API stand-in (test/alchemy/server.ts), executing on the devnet.
import { alchemyWalletTransport, createSmartWalletClient } from '@alchemy/wallet-apis';
import { encodeFunctionData, getAddress, parseEther, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import { devnetChain } from '../../devnet/constants';
import deployment from '../../devnet/deployment.json';
import { ERROR_CODES, startWalletApiServer, UNAUTHENTICATED_MESSAGE, type WalletApiServer } from '../alchemy/server';
import { devnetClients } from './helpers';

const rpcUrl = inject('rpcUrl');
const { publicClient, testClient } = devnetClients(rpcUrl);
const API_KEY = 'test-api-key-3f9c1a7e5b';
const game = deployment.contracts.DemoGame as Address;
const token = deployment.contracts.DemoToken as Address;

// The SDK takes any viem chain. blockTime only sets the client's polling interval (viem: half of it,
// at least 500 ms; without it 4 s), which is what waitForCallsStatus polls wallet_getCallsStatus at.
const chain = { ...devnetChain(rpcUrl), blockTime: 1_000 };

// The server's clock can be moved forward to expire sessions without waiting.
let skew = 0;
const wallClock = () => Math.floor(Date.now() / 1000);

let server: WalletApiServer;
const fetchedUrls: string[] = [];
const realFetch = globalThis.fetch;

beforeAll(async () => {
  server = await startWalletApiServer({ rpcUrl, apiKey: API_KEY, now: () => wallClock() + skew });
  // Every HTTP request made in this file (by the SDK and by our own viem clients) is recorded.
  globalThis.fetch = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    fetchedUrls.push(input instanceof Request ? input.url : String(input));
    return realFetch(input, init);
  };
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await server?.close();
});

const transport = (apiKey: string | undefined = API_KEY) => alchemyWalletTransport({ url: server.url, ...(apiKey !== undefined ? { apiKey } : {}) });

async function freshOwner() {
  const owner = privateKeyToAccount(generatePrivateKey());
  await testClient.setBalance({ address: owner.address, value: parseEther('10') });
  return owner;
}

const score = (who: Address) => publicClient.readContract({ address: game, abi: DemoGameAbi, functionName: 'score', args: [who] });
const move = (direction: number) => ({ to: game, data: encodeFunctionData({ abi: DemoGameAbi, functionName: 'move', args: [direction] }) });

/** An owner delegated the guide's way, with a client of its own. */
async function delegatedOwner() {
  const owner = await freshOwner();
  const client = createSmartWalletClient({ transport: transport(), chain, signer: owner });
  const { id } = await client.sendCalls({ calls: [] });
  await client.waitForCallsStatus({ id });
  return { owner, client };
}

function rpcErrorOf(err: unknown): { code?: number; message: string; status?: number } {
  // viem wraps the JSON-RPC error; walk the cause chain to the RpcRequestError.
  let e = err as { code?: number; status?: number; message: string; cause?: unknown; details?: string } | undefined;
  let code: number | undefined;
  let status: number | undefined;
  const messages: string[] = [];
  while (e) {
    if (typeof e.code === 'number' && code === undefined) code = e.code;
    if (typeof e.status === 'number' && status === undefined) status = e.status;
    messages.push(e.details ?? e.message);
    e = e.cause as typeof e;
  }
  return { code, status, message: messages.join(' | ') };
}

describe('the guide flow with the real v5 client', () => {
  it('delegates with an empty sendCalls, grants root, and the session key moves on DemoGame', async () => {
    // 2. Create a smart wallet client (guide step 2), for a fresh owner funded on the devnet.
    const owner = await freshOwner();
    const client = createSmartWalletClient({
      transport: alchemyWalletTransport({ url: server.url, apiKey: API_KEY }),
      chain,
      signer: owner,
    });
    expect(client.account.address).toBe(owner.address);
    expect(await publicClient.getCode({ address: owner.address })).toBeUndefined();

    // 3a. Delegate first: an empty call as the owner.
    const delegation = await client.sendCalls({ calls: [] });
    const delegated = await client.waitForCallsStatus({ id: delegation.id });
    expect(delegated.status).toBe('success');
    expect(delegated.statusCode).toBe(200);
    expect(delegated.receipts).toHaveLength(1);
    // The owner's signed authorization was applied for real by a type-4 transaction.
    expect(await publicClient.getCode({ address: owner.address })).toBe(`0xef0100${server.delegationAddress.slice(2).toLowerCase()}`);
    const authTx = await publicClient.getTransaction({ hash: delegated.receipts![0]!.transactionHash });
    expect(authTx.type).toBe('eip7702');
    expect(getAddress(authTx.from)).toBe(server.relayerAddress);
    expect(getAddress(authTx.authorizationList![0]!.address)).toBe(server.delegationAddress);

    // 3b. Create the session key.
    const sessionKeyPrivateKey = generatePrivateKey();
    const sessionKey = privateKeyToAccount(sessionKeyPrivateKey);
    const permissions = await client.grantPermissions({
      expirySec: Math.floor(Date.now() / 1000) + 60 * 60,
      key: { publicKey: sessionKey.address, type: 'secp256k1' },
      permissions: [{ type: 'root' }],
    });
    expect(permissions.context).toMatch(/^0x00[0-9a-f]{32}[0-9a-f]{130}$/); // 0x00 ‖ sessionId(16) ‖ ownerSig(65)

    // 4. Send calls using the session key.
    const sessionKeyClient = createSmartWalletClient({
      transport: alchemyWalletTransport({ url: server.url, apiKey: API_KEY }),
      chain,
      signer: sessionKey,
      account: client.account.address,
    });
    const before = await score(owner.address);
    const { id } = await sessionKeyClient.sendCalls({ calls: [move(1)], capabilities: { permissions } });
    const status = await sessionKeyClient.waitForCallsStatus({ id });

    expect(status.status).toBe('success');
    expect(status.receipts).toHaveLength(1);
    const receipt = await publicClient.getTransactionReceipt({ hash: status.receipts![0]!.transactionHash });
    expect(receipt.status).toBe('success');
    expect(getAddress(receipt.from)).toBe(owner.address); // the account itself ran the call
    expect(await score(owner.address)).toBe(before + 1n);

    // The wire sequence is the one the reference captured (§9), plus status polls.
    const methods = server.requests.filter((r) => r.headers.authorization === `Bearer ${API_KEY}`).map((r) => r.rpcMethods[0]);
    const flow = methods.slice(-9).filter((m) => m !== 'wallet_getCallsStatus');
    expect(flow).toEqual(['wallet_prepareCalls', 'wallet_sendPreparedCalls', 'wallet_createSession', 'wallet_prepareCalls', 'wallet_sendPreparedCalls']);
    // Pending first, then confirmed.
    const statusAnswers = server.requests
      .filter((r) => r.rpcMethods[0] === 'wallet_getCallsStatus' && (r.response as { result?: { id?: string } }).result?.id === id)
      .map((r) => (r.response as { result: { status: number } }).result.status);
    expect(statusAnswers).toEqual([100, 200]);

    // getCapabilities: answered under "0x0", read back by the SDK.
    expect(await client.getCapabilities()).toMatchObject({ atomic: { status: 'supported' }, eip7702Auth: { supported: true } });
    expect(server.internalErrors).toEqual([]);
  });
});
