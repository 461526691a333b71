// `npm run bench`: every benchmark, each against a baseline measured in the same run.
//   npm run bench -- vault      one suite by name (several names: several suites)
// A suite that fails (or whose own checks fail) is reported and makes the run exit non-zero; the
// others still run. Each suite stops whatever it started (devnet, dApp server, Chromium).
import { benchAccount } from './account.bench';
import { benchAlchemy } from './alchemy.bench';
import { benchPopup } from './popup.bench';
import { benchProvider } from './provider.bench';
import { benchSessions } from './sessions.bench';
import { benchSize } from './size.bench';
import { benchVault } from './vault.bench';

// Each suite that needs a devnet gets its own port, so a devnet left over by one cannot be reused by
// the next (startDevnet reuses a deployed devnet it finds on the port).
const BENCH_DEVNET_PORT = Number(process.env.BENCH_DEVNET_PORT ?? 18547);
const BENCH_DAPP_PORT = Number(process.env.BENCH_DAPP_PORT ?? 18573);
const suites: Record<string, () => Promise<void>> = {
  vault: benchVault,
  account: () => benchAccount(BENCH_DEVNET_PORT),
  sessions: () => benchSessions(BENCH_DEVNET_PORT + 1),
  provider: () => benchProvider({ devnetPort: BENCH_DEVNET_PORT + 2, dappPort: BENCH_DAPP_PORT }),
  size: benchSize,
  popup: () => benchPopup({ devnetPort: BENCH_DEVNET_PORT + 6 }),
  alchemy: () => benchAlchemy({ devnetPort: BENCH_DEVNET_PORT + 7, dappPort: BENCH_DAPP_PORT + 7 }),
};

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = only.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(`Unknown suite ${unknown.join(', ')}. Suites: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
const failed: string[] = [];
for (const [name, run] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  try {
    await run();
  } catch (error) {
    failed.push(name);
    console.error(`\n${name}: FAILED\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
if (failed.length > 0) {
  console.error(`\nbench: ${failed.length} suite(s) failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
