// `npm run bench`: every benchmark, each against a baseline measured in the same run.
//   npm run bench -- vault      one suite by name
import { benchAccount } from './account.bench';
import { benchVault } from './vault.bench';

const BENCH_DEVNET_PORT = Number(process.env.BENCH_DEVNET_PORT ?? 18547);
const suites: Record<string, () => Promise<void>> = {
  vault: benchVault,
  account: () => benchAccount(BENCH_DEVNET_PORT),
};

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [name, run] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  await run();
}
