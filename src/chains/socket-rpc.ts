// JSON-RPC to a node over a WebSocket, with HTTP as the way in and the way out.
//
// Why: from the service worker, a fetch to the node costs ~1.5 ms more than the node takes to
// answer (measured in Chromium here: 1.7 ms per eth_blockNumber against anvil over fetch, 0.23 ms
// over a WebSocket), and a session send makes three requests (dry run, broadcast, receipt): most of
// what made it slower than a Node client doing the same (issue 15).
//
// How: the socket is the HTTP URL with ws(s):, which is where anvil, Alchemy and Infura serve one.
// A request does not wait for a socket to connect: until one is open, requests go over HTTP while it
// connects (once it is open and checking its chain, they wait for that answer, CHECKING_WAIT_MS at most);
// a URL whose socket could not be opened stays on HTTP for this worker's life. A socket that closes
// with requests outstanding hands them to HTTP: every method the wallet sends is safe to repeat (a
// signed transaction sent again is the same transaction; the node says it knows it, or has mined it).
import { createTransport, http, keccak256, type Hex, type Transport } from 'viem';

/** How long a request may wait for its answer on a socket before it is sent over HTTP instead. */
const SOCKET_ANSWER_MS = 10_000;
/** A socket that has not answered its first eth_chainId after this long is given up (HTTP from then on). */
const CONNECT_MS = 3_000;
/** Sockets per node URL: one message in flight on each (see Pool), as a browser keeps 6 HTTP connections per host. */
const MAX_SOCKETS = 6;
/**
 * How long calls wait for a socket that is open and has asked the node's chain, rather than going
 * over HTTP. Its answer is already on its way, and an HTTP request made now would take longer: 9 to
 * 15 ms in a worker just woken, where the socket's check answered within a few ms but sat behind the
 * worker's own start-up (issue 15: a cold send's dry run went over HTTP for that, and opened a
 * second socket). Bounded, for a node that opens a socket and never answers on it.
 */
export const CHECKING_WAIT_MS = 25;

interface Call {
  method: string;
  params: unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** An error answer from the node: viem maps it by `code` as it maps HTTP's. */
class NodeError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** The ws(s) URL beside an http(s) one; undefined for anything else. */
export function socketUrlOf(httpUrl: string): string | undefined {
  try {
    const url = new URL(httpUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  } catch {
    return undefined;
  }
}

/** URLs whose socket could not be opened, or answered wrongly: HTTP only, for this worker's life. */
const refused = new Set<string>();

type OverHttp = (method: string, params: unknown) => Promise<unknown>;

/** One socket to the node. `ready` once it answered eth_chainId with the expected chain. */
class Connection {
  /** Open, and its eth_chainId check sent. */
  opened = false;
  ready = false;
  /** The calls of the message in flight (by JSON-RPC id); empty when idle. */
  readonly inFlight = new Map<number, Call>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly socket: WebSocket,
    private readonly pool: Pool,
  ) {}

  /** Sends `calls` as one message (a JSON-RPC batch when more than one). */
  send(calls: Call[], nextId: () => number): void {
    const body = calls.map((call) => {
      const id = nextId();
      this.inFlight.set(id, call);
      return { jsonrpc: '2.0', id, method: call.method, params: call.params ?? [] };
    });
    this.timer = setTimeout(() => this.pool.drop(this), SOCKET_ANSWER_MS);
    try {
      this.socket.send(JSON.stringify(body.length === 1 ? body[0] : body));
    } catch {
      this.pool.drop(this);
    }
  }

  /** The answer to the message in flight. True when every call of it is answered (the socket is idle). */
  answer(message: unknown): boolean {
    for (const one of Array.isArray(message) ? message : [message]) {
      const { id, result, error } = (one ?? {}) as { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
      const call = typeof id === 'number' ? this.inFlight.get(id) : undefined;
      if (!call) continue;
      this.inFlight.delete(id as number);
      if (error) call.reject(new NodeError(typeof error.code === 'number' ? error.code : -32603, typeof error.message === 'string' ? error.message : 'The node answered with an error.', error.data));
      else call.resolve(result);
    }
    if (this.inFlight.size > 0) return false;
    clearTimeout(this.timer);
    return true;
  }

  /** What was in flight, taken back (the socket closed or did not answer). */
  takeBack(): Call[] {
    clearTimeout(this.timer);
    const calls = [...this.inFlight.values()];
    this.inFlight.clear();
    return calls;
  }
}

/**
 * The sockets to one node. Each carries one message at a time: the calls a worker turn makes
 * together (the send's dry run, block and tip) go as one JSON-RPC batch, and a second message is
 * never written before the first is answered. Two answers queued on one socket wait for TCP's
 * acknowledgement of the first (Nagle's algorithm on the node's side meets the browser's delayed
 * ACK): 40 ms each, seen with anvil. With every socket busy, calls go over HTTP.
 */
class Pool {
  private readonly idle: Connection[] = [];
  private readonly connections = new Set<Connection>();
  private queued: Call[] = [];
  /** Calls waiting for a socket being checked (CHECKING_WAIT_MS at most), and their timer. */
  private waiting: Call[] = [];
  private waitTimer: ReturnType<typeof setTimeout> | undefined;
  private id = 1;

  constructor(
    private readonly url: string,
    /** The chain id the HTTP URL serves, when known: a socket serving another is not used. */
    private readonly chainId: number | undefined,
    private readonly overHttp: OverHttp,
  ) {}

  request(method: string, params: unknown): Promise<unknown> {
    if (refused.has(this.url)) return this.overHttp(method, params);
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) queueMicrotask(() => this.flush());
      this.queued.push({ method, params, resolve, reject });
    });
  }

  /** Opens a first socket now, ahead of the first request (it is ready a round trip or two later). */
  open(): void {
    if (this.connections.size === 0) this.connect();
  }

  private flush(): void {
    const calls = this.queued;
    this.queued = [];
    const connection = this.idle.pop();
    if (connection) return connection.send(calls, () => this.id++);
    if ([...this.connections].some((c) => c.opened && !c.ready)) {
      // A socket is open and its check is answering: it is sooner than HTTP (CHECKING_WAIT_MS).
      this.waiting.push(...calls);
      this.waitTimer ??= setTimeout(() => this.releaseWaiting(), CHECKING_WAIT_MS);
      return;
    }
    if (this.connections.size < MAX_SOCKETS) this.connect();
    for (const call of calls) this.viaHttp(call);
  }

  /** The calls that waited for a socket, over HTTP. */
  private releaseWaiting(): void {
    clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    const calls = this.waiting;
    this.waiting = [];
    for (const call of calls) this.viaHttp(call);
  }

  /** `connection` can carry a message: what waits for a socket goes on it, else it is idle. */
  private free(connection: Connection): void {
    if (this.waiting.length === 0) {
      this.idle.push(connection);
      return;
    }
    clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    const calls = this.waiting;
    this.waiting = [];
    connection.send(calls, () => this.id++);
  }

  private viaHttp(call: Call): void {
    const sent = call.method === 'eth_sendRawTransaction' ? sendAgain(call.params, this.overHttp) : this.overHttp(call.method, call.params);
    sent.then(call.resolve, call.reject);
  }

  private connect(): void {
    if (refused.has(this.url)) return;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      refused.add(this.url);
      return;
    }
    const connection = new Connection(socket, this);
    this.connections.add(connection);
    const giveUp = setTimeout(() => {
      refused.add(this.url);
      socket.close();
    }, CONNECT_MS);
    // Used once it answered eth_chainId, with the chain the HTTP URL serves: a socket that opens and
    // then answers nothing, or another chain, would otherwise cost requests their timeout.
    socket.onopen = () => {
      connection.opened = true;
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'eth_chainId', params: [] }));
    };
    socket.onmessage = (event) => {
      let message: unknown;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return; // not JSON-RPC: ignored (an answer that never comes times out)
      }
      if (!connection.ready) {
        clearTimeout(giveUp);
        const { id, result } = (message ?? {}) as { id?: unknown; result?: unknown };
        if (id === 0 && typeof result === 'string' && /^0x[0-9a-f]+$/i.test(result) && (this.chainId === undefined || Number(BigInt(result)) === this.chainId)) {
          connection.ready = true;
          this.free(connection);
        } else {
          refused.add(this.url);
          socket.close();
        }
        return;
      }
      if (connection.answer(message) && this.connections.has(connection) && !this.idle.includes(connection)) this.free(connection);
    };
    socket.onclose = () => {
      clearTimeout(giveUp);
      // Never ready: this node serves no socket here (or not this chain). Ready and closed later
      // (the node restarted, a proxy timed it out): a later flush opens another.
      if (!connection.ready) refused.add(this.url);
      this.drop(connection);
    };
    socket.onerror = () => undefined; // onclose follows and says what to do
  }

  /** Stops using `connection`; what it had in flight goes over HTTP. */
  drop(connection: Connection): void {
    this.connections.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    if (connection.socket.readyState <= 1) connection.socket.close();
    for (const call of connection.takeBack()) this.viaHttp(call);
    // No socket left that is being checked: nothing to wait for.
    if (![...this.connections].some((c) => c.opened && !c.ready)) this.releaseWaiting();
  }
}

/**
 * A signed transaction whose first sending got no answer: the node may have taken it (and even
 * mined it, so it now says "nonce too low"). Sent again; if the node says it knows the nonce or the
 * transaction, the transaction itself is looked up, and found means sent.
 */
async function sendAgain(params: unknown, overHttp: (method: string, params: unknown) => Promise<unknown>): Promise<unknown> {
  const raw = (params as Hex[] | undefined)?.[0];
  try {
    return await overHttp('eth_sendRawTransaction', params);
  } catch (error) {
    if (!raw || !/already known|nonce too low|already imported|AlreadyKnown/i.test(String((error as Error).message))) throw error;
    const hash = keccak256(raw);
    const found = await overHttp('eth_getTransactionByHash', [hash]).catch(() => null);
    if (found) return hash;
    throw error;
  }
}

/** One socket per node URL for the whole worker, shared by every client of that URL. */
const pools = new Map<string, Pool>();

/** Opens the socket of a transport made for `url` (socketFirst) now, if it has none: see Pool.open. */
export function openSocket(url: string): void {
  pools.get(url)?.open();
}

/**
 * viem transport for `url`: over a WebSocket to the same node once one is open, else over HTTP (as
 * `http(url, httpOptions)`). No retries, as the wallet's clients (clients.ts).
 */
export function socketFirst(url: string, httpOptions: Parameters<typeof http>[1] = {}): Transport {
  const socketUrl = typeof WebSocket === 'function' ? socketUrlOf(url) : undefined;
  const viaHttp = http(url, { ...httpOptions, retryCount: 0 });
  if (!socketUrl) return viaHttp;
  return (config) => {
    const httpTransport = viaHttp(config);
    let pool = pools.get(url);
    if (!pool) {
      pool = new Pool(socketUrl, config.chain?.id, (method, params) => httpTransport.request({ method, params } as never));
      pools.set(url, pool);
    }
    const shared = pool;
    return createTransport(
      { key: 'socketFirst', name: 'WebSocket, else HTTP', type: 'socketFirst', retryCount: 0, timeout: httpOptions.timeout, request: ({ method, params }) => shared.request(method, params) as never },
      { url },
    );
  };
}
