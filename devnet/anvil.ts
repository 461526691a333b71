// Runs anvil (the binary shipped in the @foundry-rs/anvil npm package) as a child process.
// Node only. Guarantees: never starts a second chain on a busy port, surfaces anvil's own error
// when it fails to start, and never leaves an anvil behind (stop(), SIGINT/SIGTERM/SIGHUP, exit).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { DEVNET_CHAIN_ID, DEVNET_HOST } from './constants';

export interface StartAnvilOptions {
  port: number;
  /** Default true: pass `--quiet`, so anvil prints nothing on stdout; stderr is always captured. */
  quiet?: boolean;
  /** Extra anvil arguments, e.g. ['--block-time', '1']. */
  extraArgs?: readonly string[];
  /**
   * Called when something already answers JSON-RPC on the port. Return true to reuse that node
   * (the caller's way of saying "this is a deployed devnet of ours"); false makes the port count as
   * taken. Without it any JSON-RPC node on the port counts as taken.
   */
  isReusable?: (rpcUrl: string, chainId: number) => Promise<boolean>;
  /** How long anvil may take to answer `eth_chainId` before we give up. Default 15 s. */
  readyTimeoutMs?: number;
}

export interface AnvilExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The tail of anvil's stderr. */
  stderr: string;
}

export interface AnvilInstance {
  rpcUrl: string;
  port: number;
  /**
   * True when a devnet that was already running on the port is reused. We do not own it, so
   * stop() leaves it running and `pid`/`exited` are undefined.
   */
  reused: boolean;
  pid: number | undefined;
  /** Resolves when the anvil we started exits, for whatever reason. */
  exited: Promise<AnvilExit> | undefined;
  /** Stops the anvil we started and waits until it is gone. Safe to call more than once. */
  stop(): Promise<void>;
}

/** The port is held by something we must not reuse (not JSON-RPC, or not our deployed devnet). */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly occupant: string,
  ) {
    super(
      `Port ${port} on ${DEVNET_HOST} is already in use by ${occupant}. ` +
        `Stop that process, or choose another port: DEVNET_PORT=${suggestPort(port)} npm run devnet ` +
        `(or npm run devnet -- --port ${suggestPort(port)}).`,
    );
  }
}

/** Anvil exited (or never answered) while starting; the message carries its stderr. */
export class AnvilStartError extends Error {
  override readonly name = 'AnvilStartError';
}

function suggestPort(port: number): number {
  return port < 65535 ? port + 1 : 8546;
}

const require = createRequire(import.meta.url);

/**
 * Path of the anvil binary inside node_modules. Resolved through the platform package rather
 * than `@foundry-rs/anvil`'s bin shim because that package's postinstall (which links the shim)
 * often does not run; the binary is there all the same.
 */
export function resolveAnvilBinary(): string {
  const pkg = `@foundry-rs/anvil-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`anvil binary package ${pkg} is not installed; run \`npm ci\` (it is an optional dependency of @foundry-rs/anvil)`);
  }
  const bin = path.join(dir, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
  if (!existsSync(bin)) throw new Error(`anvil binary missing at ${bin}; run \`npm ci\``);
  return bin;
}

export type PortProbe =
  | { kind: 'free' }
  | { kind: 'rpc'; chainId: number }
  | { kind: 'other'; detail: string };

/** What is on `port`: nothing, a JSON-RPC node (and its chain id), or something else. */
export async function probePort(port: number, timeoutMs = 1500): Promise<PortProbe> {
  const rpc = await rpcChainId(rpcUrlFor(port), timeoutMs);
  if (rpc.ok) return { kind: 'rpc', chainId: rpc.chainId };
  if (rpc.reason !== 'refused') return { kind: 'other', detail: rpc.reason };
  // Nothing accepted a connection on 127.0.0.1, but a listener on another address can still make
  // anvil's bind fail; a test bind settles it cheaply.
  return (await canBind(port)) ? { kind: 'free' } : { kind: 'other', detail: 'a listener that refuses connections' };
}

export function rpcUrlFor(port: number): string {
  return `http://${DEVNET_HOST}:${port}`;
}

type ChainIdResult = { ok: true; chainId: number } | { ok: false; reason: 'refused' | string };

async function rpcChainId(rpcUrl: string, timeoutMs: number): Promise<ChainIdResult> {
  let res: Response;
  try {
    res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const code = (err as { cause?: { code?: unknown } }).cause?.code;
    if (code === 'ECONNREFUSED') return { ok: false, reason: 'refused' };
    return { ok: false, reason: `a server that does not answer JSON-RPC (${code ?? (err as Error).name})` };
  }
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { result?: unknown };
    if (typeof body.result === 'string' && /^0x[0-9a-f]+$/i.test(body.result)) {
      return { ok: true, chainId: Number(BigInt(body.result)) };
    }
  } catch {
    // not JSON: fall through
  }
  return { ok: false, reason: `a server that does not answer JSON-RPC (HTTP ${res.status})` };
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: DEVNET_HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

// ---------------------------------------------------------------- child-process bookkeeping
// Every anvil we start is registered here until it has exited, so process-level handlers can kill
// whatever is still running when the process ends in any ordinary way.
const live = new Set<ChildProcess>();
let handlersInstalled = false;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killAll(signal: NodeJS.Signals): void {
  for (const child of live) {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  killAll('SIGTERM');
  // If we are the only listener, installing a handler has swallowed the signal's default action
  // (terminate). Restore it: drop our handler and re-raise. When the application has its own
  // handler (scripts/devnet.ts does, to exit 0), it decides what happens next.
  if (process.listenerCount(signal) === 1) {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    handlersInstalled = false;
    process.kill(process.pid, signal);
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL cannot be ignored and needs no waiting.
  process.on('exit', () => killAll('SIGKILL'));
  for (const s of SIGNALS) process.on(s, onSignal);
}

/**
 * Starts anvil on 127.0.0.1:`port` (`--hardfork prague --chain-id 31337`) and waits until it
 * answers `eth_chainId`; or, when `isReusable` accepts what already runs there, returns that.
 * Throws PortInUseError when the port is taken by anything else, AnvilStartError when anvil fails.
 */
export async function startAnvil(opts: StartAnvilOptions): Promise<AnvilInstance> {
  const { port, quiet = true, extraArgs = [], readyTimeoutMs = 15_000 } = opts;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`invalid port ${port}`);
  const rpcUrl = rpcUrlFor(port);

  const probe = await probePort(port);
  if (probe.kind === 'rpc') {
    if (opts.isReusable && (await opts.isReusable(rpcUrl, probe.chainId))) {
      return { rpcUrl, port, reused: true, pid: undefined, exited: undefined, stop: async () => {} };
    }
    throw new PortInUseError(port, `a JSON-RPC node (chain id ${probe.chainId}) that is not a deployed devnet of ours`);
  }
  if (probe.kind === 'other') throw new PortInUseError(port, probe.detail);

  const bin = resolveAnvilBinary();
  const args = [
    '--hardfork', 'prague',
    '--host', '127.0.0.1',
    '--port', String(port),
    '--chain-id', String(DEVNET_CHAIN_ID),
    ...(quiet ? ['--quiet'] : []),
    // The newest 256 blocks' states, in memory only. By default anvil keeps every block's state and
    // moves old ones to disk, and each block then costs more than the one before: 200 session calls
    // in a row ran at 168, 155, 117, 92, 91, 80 calls/s; with this, 170, 165, 179, 167, 164, 150
    // (bench/provider.bench.ts's bursts). Reads at a block older than that are refused.
    '--prune-history', '256',
    ...extraArgs,
  ];
  installHandlers();
  const child = spawn(bin, args, { stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'pipe'] });
  live.add(child);

  // Keep only the tail of stderr: enough to explain a failure, bounded for a long-running chain.
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
    if (!quiet) process.stderr.write(chunk);
  });
  const exited = new Promise<AnvilExit>((resolve) => {
    // 'close' (not 'exit') so stderr is fully read before we report it.
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal, stderr: stderr.trim() });
    });
    child.once('error', (err) => {
      live.delete(child);
      resolve({ code: null, signal: null, stderr: `failed to run ${bin}: ${err.message}` });
    });
  });

  const stop = async (): Promise<void> => {
    if (!live.has(child)) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitUntilReady(rpcUrl, exited, readyTimeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { rpcUrl, port, reused: false, pid: child.pid, exited, stop };
}

async function waitUntilReady(rpcUrl: string, exited: Promise<AnvilExit>, timeoutMs: number): Promise<void> {
  let exit: AnvilExit | undefined;
  void exited.then((e) => (exit = e));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit) {
      const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
      throw new AnvilStartError(`anvil exited while starting (${how}): ${exit.stderr || '(no stderr)'}`);
    }
    const r = await rpcChainId(rpcUrl, 500);
    if (r.ok) {
      if (r.chainId !== DEVNET_CHAIN_ID) throw new AnvilStartError(`anvil answered chain id ${r.chainId}, expected ${DEVNET_CHAIN_ID}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new AnvilStartError(`anvil did not answer eth_chainId on ${rpcUrl} within ${timeoutMs} ms`);
}
