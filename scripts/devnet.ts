// `npm run devnet [-- --port N]` (or DEVNET_PORT=N): starts the local devnet, deploys the Delegation
// Framework and the demo contracts, funds the demo owner, prints what a developer needs, and keeps
// the chain up until Ctrl-C (then stops anvil and exits 0).
//
// If a deployed devnet is already running on the port (another `npm run devnet`), this run says so,
// makes sure everything is deployed and funded, and exits 0 leaving that devnet to its owner: one
// chain per port, and whoever started it decides when it stops.
import { formatEther } from 'viem';
import { AnvilStartError, DEVNET_DEFAULT_PORT, PortInUseError, startDevnet, type Devnet } from '../devnet/index';

function parsePort(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  let raw: string | undefined = env.DEVNET_PORT;
  let source = 'DEVNET_PORT';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') {
      raw = argv[i + 1];
      source = '--port';
      i++;
    } else if (arg?.startsWith('--port=')) {
      raw = arg.slice('--port='.length);
      source = '--port';
    } else if (arg === '--help' || arg === '-h') {
      console.log('usage: npm run devnet [-- --port N]   (or DEVNET_PORT=N npm run devnet); default port 8545');
      process.exit(0);
    } else {
      throw new Error(`unknown argument ${arg}; usage: npm run devnet [-- --port N]`);
    }
  }
  if (raw === undefined || raw === '') return DEVNET_DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${source}: invalid port "${raw}" (expected 1-65535)`);
  return port;
}

function describe(d: Devnet): string {
  const c = d.deployment.contracts;
  const lines = [
    `RPC URL:   ${d.rpcUrl}`,
    `Chain id:  ${d.chainId}`,
    '',
    'Contracts (CREATE2, same on every fresh devnet; also in devnet/deployment.json):',
    `  DelegationManager              ${c.DelegationManager}`,
    `  EIP7702StatelessDeleGatorImpl  ${c.EIP7702StatelessDeleGatorImpl}`,
    `  EntryPoint                     ${c.EntryPoint}`,
    `  DemoToken (DEMO)               ${c.DemoToken}`,
    `  DemoGame                       ${c.DemoGame}`,
    `  caveat enforcers (${Object.keys(c.caveatEnforcers).length}):`,
    ...Object.entries(c.caveatEnforcers).map(([name, a]) => `    ${name.padEnd(41)}${a}`),
    '',
    `Demo owner (anvil dev account #1; its key is anvil's PUBLIC dev key #1, devnet only):`,
    `  ${d.demoOwner.address}  ${formatEther(d.demoOwner.balances.eth)} ETH, ${formatEther(d.demoOwner.balances.demo)} DEMO`,
  ];
  return lines.join('\n');
}

async function main(): Promise<number> {
  const port = parsePort(process.argv.slice(2), process.env);
  let devnet: Devnet;
  try {
    devnet = await startDevnet({ port, quiet: true });
  } catch (err) {
    if (err instanceof PortInUseError || err instanceof AnvilStartError) {
      console.error(`devnet: ${err.message}`);
      return 1;
    }
    throw err;
  }

  if (devnet.reused) {
    console.log(`A devnet is already running on ${devnet.rpcUrl} (started by another process); reusing it.`);
    console.log(describe(devnet));
    console.log('\nNothing to keep alive here: exiting and leaving that devnet running. Stop it from the terminal that started it.');
    return 0;
  }

  const t = devnet.timings;
  console.log(describe(devnet));
  console.log(
    `\nDevnet ready in ${t.totalMs.toFixed(0)} ms (anvil ${t.anvilMs.toFixed(0)} ms, deploy ${t.deployMs.toFixed(0)} ms: ` +
      `${devnet.deploy.deployed.length} contracts deployed, ${devnet.deploy.skipped.length} already there; fund ${t.fundMs.toFixed(0)} ms).`,
  );
  if (devnet.deploy.deploymentFileWritten) console.log('devnet/deployment.json updated (addresses changed): commit it.');
  console.log(`anvil pid ${devnet.anvilPid}. Press Ctrl-C to stop.`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping devnet...`);
      devnet.stop().then(
        () => {
          console.log('devnet stopped.');
          resolve(0);
        },
        (err: unknown) => {
          console.error('devnet: failed to stop anvil:', err);
          resolve(1);
        },
      );
    };
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, shutdown);
    // anvil ending on its own also ends the devnet. Ctrl-C in a terminal signals the whole process
    // group, so anvil may see SIGINT (and exit 0) just before our own handler runs: wait a moment
    // for that handler, and treat a clean anvil exit as a normal stop.
    void devnet.exited?.then((exit) =>
      setTimeout(() => {
        if (stopping) return;
        stopping = true;
        if (exit.code === 0 || exit.signal === 'SIGINT' || exit.signal === 'SIGTERM') {
          console.log('anvil stopped; devnet is down.');
          resolve(0);
        } else {
          console.error(`devnet: anvil exited unexpectedly (code ${exit.code}, signal ${exit.signal}): ${exit.stderr || '(no stderr)'}`);
          resolve(1);
        }
      }, 250),
    );
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('devnet:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
