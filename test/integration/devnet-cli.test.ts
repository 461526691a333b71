// Process hygiene of the devnet: busy ports give a clear error and leave no anvil behind, anvil's
// own start-up errors surface, and `scripts/devnet.ts` stops cleanly on SIGINT.
// These tests start their own anvils on OS-picked ports; they do not use the shared devnet.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AnvilStartError, PortInUseError, startAnvil, type AnvilInstance } from '../../devnet/anvil';
import { startDevnet } from '../../devnet/index';
import { anvilPidsOnPort, freePort, occupyPort, pidAlive, portAcceptsConnections, waitFor } from './helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Whatever a test starts, it stops here too, so a failing assertion cannot leak a process.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `tsx scripts/devnet.ts ...args` in its own process group, as a terminal would. */
function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  // As `npm run devnet` runs it: one node process with tsx as its loader. (Under the tsx CLI, a
  // parent process relays Ctrl-C and kills the script, exit 130, when the script has not
  // acknowledged the signal within 30 ms: seen on a slow machine.)
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/devnet.ts', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so we can signal it like Ctrl-C does
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await exit;
    }
  });
  return { child, stdout: () => out, stderr: () => err, exit };
}

function trackAnvil(a: AnvilInstance): AnvilInstance {
  cleanups.push(() => a.stop());
  return a;
}

describe('busy port', () => {
  it('held by a non-JSON-RPC server: clear error naming the port and how to pick another; no anvil left', async () => {
    const held = await occupyPort();
    cleanups.push(() => held.close());

    const err = await startDevnet({ port: held.port }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PortInUseError);
    const message = (err as Error).message;
    expect(message).toContain(`Port ${held.port}`);
    expect(message).toContain('DEVNET_PORT=');
    expect(message).toContain('--port');
    expect(anvilPidsOnPort(held.port)).toEqual([]);
    expect(await portAcceptsConnections(held.port)).toBe(true); // the occupant is untouched
  });

  it('held by a JSON-RPC node that is not a deployed devnet: refused, that node left alone, no second anvil', async () => {
    const port = await freePort();
    const bare = trackAnvil(await startAnvil({ port })); // a chain with none of our contracts
    await expect(startDevnet({ port })).rejects.toThrow(/JSON-RPC node \(chain id 31337\) that is not a deployed devnet of ours/);
    expect(anvilPidsOnPort(port)).toEqual([bare.pid]);
  });

  it('held by a deployed devnet: reused, and stop() of the reuser leaves it running', async () => {
    const port = await freePort();
    const first = await startDevnet({ port });
    cleanups.push(() => first.stop());
    const second = await startDevnet({ port });
    expect(second.reused).toBe(true);
    expect(second.deployment).toEqual(first.deployment);
    expect(second.deploy.deployed).toEqual([]);
    await second.stop();
    expect(first.anvilPid).toBeDefined();
    expect(pidAlive(first.anvilPid as number)).toBe(true);
    expect(anvilPidsOnPort(port)).toEqual([first.anvilPid]);
  });
});

describe('anvil lifecycle', () => {
  it("surfaces anvil's stderr when it exits while starting, and leaves nothing behind", async () => {
    const port = await freePort();
    const err = await startAnvil({ port, extraArgs: ['--no-such-flag'] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AnvilStartError);
    expect((err as Error).message).toMatch(/anvil exited while starting.*unexpected argument '--no-such-flag'/s);
    expect(anvilPidsOnPort(port)).toEqual([]);
  });

  it('stop() ends the process and frees the port', async () => {
    const port = await freePort();
    const anvil = trackAnvil(await startAnvil({ port }));
    expect(anvil.pid).toBeDefined();
    expect(pidAlive(anvil.pid as number)).toBe(true);
    await anvil.stop();
    expect(pidAlive(anvil.pid as number)).toBe(false);
    expect(await portAcceptsConnections(port)).toBe(false);
    await anvil.stop(); // idempotent
  });
});

describe('scripts/devnet.ts', () => {
  it('on a taken port: exits 1 with the clear message, starts no anvil', async () => {
    const held = await occupyPort();
    cleanups.push(() => held.close());
    const run = runCli(['--port', String(held.port)]);
    const { code } = await run.exit;
    expect(code).toBe(1);
    expect(run.stderr()).toContain(`Port ${held.port} on 127.0.0.1 is already in use`);
    expect(run.stderr()).toContain('DEVNET_PORT=');
    expect(anvilPidsOnPort(held.port)).toEqual([]);
  });

  it.each([
    ['the process group (Ctrl-C in a terminal)', true],
    ['the script process only (kill -INT <pid>)', false],
  ])('SIGINT to %s stops it: exit 0, anvil gone, port free', async (_label, toGroup) => {
    const port = await freePort();
    const run = runCli([], { DEVNET_PORT: String(port) }); // port via the env variable
    await waitFor(() => run.stdout().includes('Press Ctrl-C to stop.') || run.child.exitCode !== null, 30_000, 'the devnet to be ready');
    expect(run.stdout()).toContain(`RPC URL:   http://127.0.0.1:${port}`);
    expect(run.stdout()).toContain('Chain id:  31337');
    const pid = Number(/anvil pid (\d+)/.exec(run.stdout())?.[1]);
    expect(anvilPidsOnPort(port)).toEqual([pid]);

    process.kill(toGroup ? -(run.child.pid as number) : (run.child.pid as number), 'SIGINT');
    const { code } = await run.exit;
    expect(code).toBe(0);
    expect(run.stdout()).toMatch(/devnet stopped\.|anvil stopped; devnet is down\./);
    expect(pidAlive(pid)).toBe(false);
    expect(anvilPidsOnPort(port)).toEqual([]);
    expect(await portAcceptsConnections(port)).toBe(false);
  });

  it('a second run while one is up says so, exits 0 and leaves the first running', async () => {
    const port = await freePort();
    const first = runCli(['--port', String(port)]);
    await waitFor(() => first.stdout().includes('Press Ctrl-C to stop.') || first.child.exitCode !== null, 30_000, 'the first devnet');
    const pid = Number(/anvil pid (\d+)/.exec(first.stdout())?.[1]);

    const second = runCli([`--port=${port}`]);
    const { code } = await second.exit;
    expect(code).toBe(0);
    expect(second.stdout()).toContain(`A devnet is already running on http://127.0.0.1:${port}`);
    expect(second.stdout()).toContain('exiting and leaving that devnet running');
    expect(pidAlive(pid)).toBe(true);
    expect(anvilPidsOnPort(port)).toEqual([pid]);

    process.kill(-(first.child.pid as number), 'SIGINT');
    expect((await first.exit).code).toBe(0);
    expect(pidAlive(pid)).toBe(false);
  });

  it('rejects a bad port with a usage error', async () => {
    const run = runCli(['--port', 'eighty']);
    expect((await run.exit).code).toBe(1);
    expect(run.stderr()).toContain('invalid port "eighty"');
  });
});
