// Shared helpers for the integration tests (not a test file itself).
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { createPublicClient, createTestClient, createWalletClient, http, type Account, type Address } from 'viem';
import { expect } from 'vitest';
import { devnetChain } from '../../devnet/constants';
import { RpcError } from '../../src/errors';

export function devnetClients(rpcUrl: string) {
  const chain = devnetChain(rpcUrl);
  const transport = http(rpcUrl);
  return {
    chain,
    publicClient: createPublicClient({ chain, transport, pollingInterval: 20 }),
    testClient: createTestClient({ chain, transport, mode: 'anvil' }),
    walletFor: (account: Account | Address) => createWalletClient({ chain, transport, account, pollingInterval: 20 }),
  };
}

/** A TCP port that was free a moment ago (the OS picked it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A plain TCP server (not HTTP, not JSON-RPC) holding a port, as "something else" would. */
export async function occupyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {}); // clients hanging up on garbage is expected here
    socket.on('close', () => sockets.delete(socket));
    socket.end('not json-rpc\n');
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy(); // server.close() waits for open connections
        srv.close(() => resolve());
      }),
  };
}

/** Pids of running anvil processes listening (per their command line) on `port`. Linux /proc. */
export function anvilPidsOnPort(port: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited while we looked
    }
    const portIdx = argv.indexOf('--port');
    if (argv[0]?.endsWith('/anvil') && portIdx > 0 && argv[portIdx + 1] === String(port)) pids.push(Number(entry));
  }
  return pids;
}

/** Whether a process with this pid exists (a zombie counts as existing). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether anything accepts TCP connections on 127.0.0.1:`port`. */
export function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The wallet error a promise rejects with (fails the test if it resolves or throws something else). */
export async function rejection(p: Promise<unknown>): Promise<RpcError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RpcError);
  return err as RpcError;
}
