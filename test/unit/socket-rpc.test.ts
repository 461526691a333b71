// The node client's transport (src/chains/socket-rpc.ts): a WebSocket to the node once one answers
// eth_chainId with the right chain, HTTP until then and whenever the socket cannot carry a call.
// A fake WebSocket and a fake fetch stand in for the node; what matters is which way each call went,
// what the dApp-facing answer is, and that nothing is lost or sent twice by mistake.
import { createClient, keccak256, type Hex } from 'viem';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const CHAIN = { id: 31337, name: 'Devnet', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: ['http://127.0.0.1:1'] } } } as const;

class FakeSocket {
  static all: FakeSocket[] = [];
  readonly sent: unknown[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.();
  }
  // --- the node's side
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  reply(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  /** Opens and answers the eth_chainId probe with `chainId`. */
  ready(chainId: number = CHAIN.id) {
    this.open();
    this.reply({ jsonrpc: '2.0', id: 0, result: `0x${chainId.toString(16)}` });
  }
  /** The last message sent, as a list of calls. */
  last(): { id: number; method: string; params: unknown }[] {
    const m = this.sent.at(-1);
    return (Array.isArray(m) ? m : [m]) as { id: number; method: string; params: unknown }[];
  }
}

/** HTTP calls (method names), answered by `httpAnswer`. */
let httpCalls: string[] = [];
let httpAnswer: (method: string, params: unknown) => { result?: unknown; error?: { code: number; message: string } } = () => ({ result: '0x1' });

let n = 0;
async function transport() {
  // A new module per test: the pools and the refused URLs are per worker (module state).
  vi.resetModules();
  const { socketFirst } = await import('@/src/chains/socket-rpc');
  const url = `http://127.0.0.1:${40000 + ++n}`;
  return { url, client: createClient({ chain: CHAIN, transport: socketFirst(url, { batch: { wait: 0 } }) }) };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  FakeSocket.all = [];
  httpCalls = [];
  httpAnswer = () => ({ result: '0x1' });
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('fetch', async (_url: string, init: { body: string }) => {
    const body = JSON.parse(init.body) as { id: number; method: string; params: unknown } | { id: number; method: string; params: unknown }[];
    const answer = (b: { id: number; method: string; params: unknown }) => (httpCalls.push(b.method), { jsonrpc: '2.0', id: b.id, ...httpAnswer(b.method, b.params) });
    return new Response(JSON.stringify(Array.isArray(body) ? body.map(answer) : answer(body)), { headers: { 'content-type': 'application/json' } });
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('socketFirst', () => {
  it('behavior: the first request goes over HTTP while a socket to the ws: URL opens; once it answered eth_chainId with the chain, calls go over it, a turn\'s calls as one batch message', async () => {
    const { client } = await transport();
    expect(await client.request({ method: 'eth_blockNumber' })).toBe('0x1');
    expect(httpCalls).toEqual(['eth_blockNumber']);
    const socket = FakeSocket.all[0]!;
    expect(socket.url).toBe(`ws://127.0.0.1:${40000 + n}/`);
    socket.ready();
    expect(socket.sent).toEqual([{ jsonrpc: '2.0', id: 0, method: 'eth_chainId', params: [] }]);

    const answers = Promise.all([client.request({ method: 'eth_blockNumber' }), client.request({ method: 'eth_gasPrice' })]);
    await flush();
    expect(socket.last().map((c) => c.method)).toEqual(['eth_blockNumber', 'eth_gasPrice']);
    socket.reply(socket.last().map((c, i) => ({ jsonrpc: '2.0', id: c.id, result: `0x${(i + 7).toString(16)}` })));
    expect(await answers).toEqual(['0x7', '0x8']);
    expect(httpCalls).toEqual(['eth_blockNumber']);
  });

  it('behavior: openSocket opens one socket ahead of the first request (a woken worker calls it), and the first request then goes over it, not over HTTP', async () => {
    const { client, url } = await transport();
    const { openSocket } = await import('@/src/chains/socket-rpc');
    openSocket(url);
    openSocket(url);
    expect(FakeSocket.all.map((s) => s.url)).toEqual([`${url.replace('http:', 'ws:')}/`]);
    FakeSocket.all[0]!.ready();
    const answer = client.request({ method: 'eth_blockNumber' });
    await flush();
    expect(FakeSocket.all[0]!.last().map((c) => c.method)).toEqual(['eth_blockNumber']);
    FakeSocket.all[0]!.reply([{ jsonrpc: '2.0', id: FakeSocket.all[0]!.last()[0]!.id, result: '0x7' }]);
    expect(await answer).toBe('0x7');
    expect(httpCalls).toEqual([]);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('behavior: a call made while the socket is open and checking its chain waits for that answer and goes over it (calls of several turns as one message), not over HTTP', async () => {
    const { client, url } = await transport();
    const { openSocket } = await import('@/src/chains/socket-rpc');
    openSocket(url);
    const socket = FakeSocket.all[0]!;
    socket.open();
    const first = client.request({ method: 'eth_blockNumber' });
    await flush();
    const second = client.request({ method: 'eth_gasPrice' });
    await flush();
    expect(httpCalls).toEqual([]);
    expect(socket.sent).toHaveLength(1); // the check only
    socket.reply({ jsonrpc: '2.0', id: 0, result: '0x7a69' });
    expect(socket.last().map((c) => c.method)).toEqual(['eth_blockNumber', 'eth_gasPrice']);
    socket.reply(socket.last().map((c, i) => ({ jsonrpc: '2.0', id: c.id, result: `0x${(i + 7).toString(16)}` })));
    expect(await Promise.all([first, second])).toEqual(['0x7', '0x8']);
    expect(httpCalls).toEqual([]);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('error: a socket that opens and does not answer its check holds calls CHECKING_WAIT_MS at most, then they go over HTTP; one answering another chain, or closing, lets them go at once', async () => {
    const { CHECKING_WAIT_MS } = await import('@/src/chains/socket-rpc');
    for (const end of ['silent', 'other chain', 'closed'] as const) {
      const { client, url } = await transport();
      const { openSocket } = await import('@/src/chains/socket-rpc');
      httpCalls = [];
      openSocket(url);
      const socket = FakeSocket.all.at(-1)!;
      socket.open();
      vi.useFakeTimers();
      try {
        const answer = client.request({ method: 'eth_blockNumber' });
        await vi.advanceTimersByTimeAsync(0);
        expect(httpCalls).toEqual([]);
        if (end === 'other chain') socket.reply({ jsonrpc: '2.0', id: 0, result: '0x1' });
        if (end === 'closed') socket.close();
        if (end === 'silent') {
          await vi.advanceTimersByTimeAsync(CHECKING_WAIT_MS - 1);
          expect(httpCalls).toEqual([]);
          await vi.advanceTimersByTimeAsync(1);
        }
        await vi.advanceTimersByTimeAsync(1); // viem's HTTP batch is made on a timer of its own
        expect(httpCalls, end).toEqual(['eth_blockNumber']);
        vi.useRealTimers();
        expect(await answer).toBe('0x1');
      } finally {
        vi.useRealTimers();
      }
    }
  });

  it('behavior: one message in flight per socket: a call made while the socket waits for its answer goes over HTTP and opens another socket (at most 6)', async () => {
    const { client } = await transport();
    await client.request({ method: 'eth_blockNumber' });
    FakeSocket.all[0]!.ready();
    const first = client.request({ method: 'eth_getBlockByNumber', params: ['latest', false] });
    await flush();
    expect(await client.request({ method: 'eth_gasPrice' })).toBe('0x1');
    expect(httpCalls).toEqual(['eth_blockNumber', 'eth_gasPrice']);
    expect(FakeSocket.all).toHaveLength(2);
    const socket = FakeSocket.all[0]!;
    socket.reply({ jsonrpc: '2.0', id: socket.last()[0]!.id, result: { number: '0x5' } });
    expect(await first).toEqual({ number: '0x5' });
    // Answered: the socket takes the next call.
    const next = client.request({ method: 'eth_chainId' });
    await flush();
    expect(socket.last()[0]!.method).toBe('eth_chainId');
    socket.reply({ jsonrpc: '2.0', id: socket.last()[0]!.id, result: '0x7a69' });
    expect(await next).toBe('0x7a69');
    // Busy sockets never open more than 6.
    for (let i = 0; i < 10; i++) void client.request({ method: 'eth_blockNumber' }).catch(() => undefined), await flush();
    expect(FakeSocket.all.length).toBeLessThanOrEqual(6);
  });

  it('error: the node\'s error over the socket reaches the caller as over HTTP: viem maps its code, and the revert data is kept', async () => {
    const { client } = await transport();
    await client.request({ method: 'eth_blockNumber' });
    const socket = FakeSocket.all[0]!;
    socket.ready();
    const failing = client.request({ method: 'eth_call', params: [{ to: '0x0000000000000000000000000000000000000001' }, 'latest'] });
    await flush();
    socket.reply({ jsonrpc: '2.0', id: socket.last()[0]!.id, error: { code: 3, message: 'execution reverted', data: '0xdeadbeef' } });
    const error = await failing.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: expect.any(String), message: expect.stringContaining('execution reverted') });
    expect((error as { walk(): { data?: unknown; code?: unknown } }).walk()).toMatchObject({ code: 3, data: '0xdeadbeef' });
    const missing = client.request({ method: 'eth_simulateV1', params: [{ blockStateCalls: [] }, 'latest'] });
    await flush();
    socket.reply({ jsonrpc: '2.0', id: socket.last()[0]!.id, error: { code: -32601, message: 'the method eth_simulateV1 does not exist' } });
    await expect(missing).rejects.toMatchObject({ name: 'MethodNotFoundRpcError', code: -32601 });
  });

  it('behavior: a socket that closes with calls in flight: they are answered over HTTP; a signed transaction the node already took resolves to its hash, not an error', async () => {
    const { client } = await transport();
    await client.request({ method: 'eth_blockNumber' });
    const socket = FakeSocket.all[0]!;
    socket.ready();
    const raw = '0x02f86b827a6980808080809400000000000000000000000000000000000000018080c080a0' as Hex;
    const sending = client.request({ method: 'eth_sendRawTransaction', params: [raw] });
    await flush();
    // The node took it over the socket, then the socket went away before the answer.
    httpAnswer = (method) => (method === 'eth_sendRawTransaction' ? { error: { code: -32000, message: 'nonce too low' } } : method === 'eth_getTransactionByHash' ? { result: { hash: keccak256(raw) } } : { result: '0x1' });
    socket.close();
    expect(await sending).toBe(keccak256(raw));
    expect(httpCalls).toEqual(['eth_blockNumber', 'eth_sendRawTransaction', 'eth_getTransactionByHash']);
    // Not taken after all: the node's error stands.
    httpAnswer = (method) => (method === 'eth_sendRawTransaction' ? { error: { code: -32000, message: 'nonce too low' } } : { result: null });
    await expect(client.request({ method: 'eth_sendRawTransaction', params: [raw] })).rejects.toThrow(/nonce too low/);
  });

  it('param: a socket serving another chain, or one that never opens, is not used: HTTP for the rest of the worker\'s life', async () => {
    const wrong = await transport();
    await wrong.client.request({ method: 'eth_blockNumber' });
    FakeSocket.all[0]!.ready(1);
    expect(FakeSocket.all[0]!.readyState).toBe(3);
    await wrong.client.request({ method: 'eth_blockNumber' });
    expect(FakeSocket.all).toHaveLength(1);
    expect(httpCalls).toEqual(['eth_blockNumber', 'eth_blockNumber']);

    FakeSocket.all = [];
    httpCalls = [];
    const none = await transport();
    await none.client.request({ method: 'eth_blockNumber' });
    FakeSocket.all[0]!.close(); // refused before it opened
    await none.client.request({ method: 'eth_blockNumber' });
    expect(FakeSocket.all).toHaveLength(1);
    expect(httpCalls).toEqual(['eth_blockNumber', 'eth_blockNumber']);
  });

  it('param: without WebSocket, or for a URL that is not http(s), the transport is plain HTTP', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const { client } = await transport();
    await client.request({ method: 'eth_blockNumber' });
    expect(FakeSocket.all).toHaveLength(0);
    const { socketUrlOf } = await import('@/src/chains/socket-rpc');
    expect(socketUrlOf('https://eth.example/v2/key')).toBe('wss://eth.example/v2/key');
    expect(socketUrlOf('file:///x')).toBeUndefined();
    expect(socketUrlOf('not a url')).toBeUndefined();
  });
});
