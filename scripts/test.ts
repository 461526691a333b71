// `npm test`: every check, in order, failing fast. Type check (and no import cycle in src/), unit tests (fakeBrowser), the
// extension builds (Chromium and Firefox, both for the e2e devnet), integration tests on a real anvil,
// Playwright e2e in the system Chromium with the built extension loaded, then the Firefox e2e
// (Firefox ESR driven by puppeteer-core over WebDriver BiDi, test/firefox/).
//
//   npm test                 everything
//   npm test -- --only unit  one step: typecheck | unit | build | integration | e2e | firefox
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findChromium } from './lib/chromium';
import { findFirefox } from './lib/firefox';
import { E2E_DEVNET_PORT, E2E_EXTENSION_DIR, E2E_OUT_DIR, FIREFOX_EXTENSION_DIR, INTEGRATION_DEVNET_PORT } from './lib/test-env';

const root = path.resolve(import.meta.dirname, '..');
const reports = path.join(root, 'test-results', 'reports');
fs.mkdirSync(reports, { recursive: true });

interface Step {
  name: string;
  run: () => Promise<void>;
}

function sh(cmd: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

const npx = (args: string[], env?: Record<string, string>) => sh(path.join(root, 'node_modules/.bin', args[0]!), args.slice(1), env);

const counts = { passed: 0, failed: 0, skipped: 0 };

function addVitest(file: string) {
  if (!fs.existsSync(file)) return;
  const r = JSON.parse(fs.readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  counts.passed += r.numPassedTests;
  counts.failed += r.numFailedTests;
  counts.skipped += r.numPendingTests + r.numTodoTests;
}

function addPlaywright(file: string) {
  if (!fs.existsSync(file)) return;
  const r = JSON.parse(fs.readFileSync(file, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  counts.passed += r.stats.expected + r.stats.flaky;
  counts.failed += r.stats.unexpected;
  counts.skipped += r.stats.skipped;
}

const vitest = async (project: string) => {
  const out = path.join(reports, `vitest-${project}.json`);
  fs.rmSync(out, { force: true });
  try {
    await npx(['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], {
      DEVNET_TEST_PORT: String(INTEGRATION_DEVNET_PORT),
    });
  } finally {
    addVitest(out);
  }
};

const steps: Step[] = [
  { name: 'typecheck', run: async () => { await npx(['tsc', '--noEmit']); await npx(['tsx', 'scripts/check-cycles.ts']); } }, // types, and no import cycle in src/
  { name: 'unit', run: () => vitest('unit') },
  {
    name: 'build',
    run: async () => {
      await npx(['wxt', 'build'], { WALLET_OUT_DIR: E2E_OUT_DIR, WXT_DEVNET_RPC_URL: `http://127.0.0.1:${E2E_DEVNET_PORT}` });
      // MV3, as `npm run build:firefox` (README: why), on the same devnet: the Firefox step runs after the e2e one.
      await npx(['wxt', 'build', '-b', 'firefox', '--mv3'], { WALLET_OUT_DIR: E2E_OUT_DIR, WXT_DEVNET_RPC_URL: `http://127.0.0.1:${E2E_DEVNET_PORT}` });
      if (!fs.existsSync(path.join(E2E_EXTENSION_DIR, 'manifest.json'))) throw new Error('the Chromium build wrote no manifest');
      if (!fs.existsSync(path.join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) throw new Error('the Firefox build wrote no manifest');
    },
  },
  { name: 'integration', run: () => vitest('integration') },
  {
    name: 'e2e',
    run: async () => {
      findChromium(); // a missing browser is named, with the command that installs it
      const out = path.join(reports, 'playwright.json');
      fs.rmSync(out, { force: true });
      try {
        await npx(['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
      } finally {
        addPlaywright(out);
      }
    },
  },
  {
    name: 'firefox',
    run: async () => {
      findFirefox(); // a missing Firefox is named, with the command that installs it
      await vitest('firefox');
    },
  },
];

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const selected = only ? steps.filter((s) => s.name === only) : steps;
if (selected.length === 0) {
  console.error(`Unknown step "${only}". Steps: ${steps.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const timings: string[] = [];
let failure: Error | undefined;
for (const step of selected) {
  const t0 = Date.now();
  console.log(`\n━━ ${step.name} ━━`);
  try {
    await step.run();
    timings.push(`${step.name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (error) {
    failure = error as Error;
    timings.push(`${step.name} FAILED after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    break;
  }
}

console.log(`\n━━ summary ━━\n${timings.join('\n')}`);
if (failure) console.error(`\n${failure.message}`);
console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failure || counts.failed > 0 ? 1 : 0);
