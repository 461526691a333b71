// `npm start`: the local devnet, the extension build, the demo dApp, and Chromium with both loaded.
//
//   npm start                   a Chromium window with the wallet loaded and the dApp in a tab
//   npm start -- --headless     the same without a display; writes screenshots and exits
//
// It installs nothing: a missing node_modules or browser is named with the command that fixes it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const headless = args.includes('--headless');
const flagValue = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const devnetPort = Number(flagValue('--port') ?? process.env.DEVNET_PORT ?? 8545);
const dappPort = Number(flagValue('--dapp-port') ?? process.env.DAPP_PORT ?? 5173);
const screenshotDir = path.join(root, 'screenshots');

function fail(message: string): never {
  console.error(`\n✖ ${message}\n`);
  process.exit(1);
}

if (!fs.existsSync(path.join(root, 'node_modules', '.bin', 'wxt'))) fail('Dependencies are not installed. Run:  npm ci');

const { findChromium, launchWithExtension } = await import('./lib/chromium');
try {
  findChromium();
} catch (error) {
  fail((error as Error).message);
}
const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) || process.platform === 'darwin' || process.platform === 'win32';
if (!headless && !hasDisplay) {
  fail('No display found (DISPLAY and WAYLAND_DISPLAY are unset), so no browser window can open.\n  Run it headless instead:  npm start -- --headless');
}

const { startDevnet } = await import('../devnet/index');
const { buildDapp, serveDapp } = await import('./dapp');

const cleanups: (() => Promise<unknown>)[] = [];
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  for (const c of cleanups.reverse()) await c().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, 'node_modules/.bin/wxt'), ['build'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, WXT_DEVNET_RPC_URL: `http://127.0.0.1:${devnetPort}`, WALLET_OUT_DIR: '.output' },
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`wxt build failed (exit ${code})`))));
  });
}

try {
  console.log(`◆ Devnet on 127.0.0.1:${devnetPort}…`);
  const devnet = await startDevnet({ port: devnetPort, quiet: true });
  cleanups.push(() => devnet.stop());
  console.log(`  RPC ${devnet.rpcUrl} · chain ${devnet.chainId} · DelegationManager ${devnet.deployment.contracts.DelegationManager}`);

  console.log('◆ Building the extension…');
  await build();
  const extensionDir = path.join(root, '.output', 'chrome-mv3');
  console.log(`  ${extensionDir}`);

  console.log('◆ Demo dApp…');
  await buildDapp();
  const dapp = await serveDapp({ port: dappPort });
  cleanups.push(() => dapp.close());
  console.log(`  ${dapp.url}`);

  console.log(`◆ Chromium${headless ? ' (headless)' : ''}…`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skw-start-'));
  cleanups.push(async () => fs.rmSync(userDataDir, { recursive: true, force: true }));
  const { context, extensionId } = await launchWithExtension({ extensionDir, userDataDir, headless, viewport: headless ? { width: 1200, height: 800 } : null });
  cleanups.unshift(() => context.close());

  const dappPage = await context.newPage();
  await dappPage.goto(dapp.url);
  const popupUrl = `chrome-extension://${extensionId}/popup.html`;

  if (headless) {
    const popup = await context.newPage();
    await popup.setViewportSize({ width: 360, height: 600 });
    await popup.goto(popupUrl);
    await popup.getByTestId('network-card').waitFor({ timeout: 15_000 });
    await dappPage.waitForLoadState('networkidle');
    fs.mkdirSync(screenshotDir, { recursive: true });
    const popupShot = path.join(screenshotDir, 'popup.png');
    const dappShot = path.join(screenshotDir, 'dapp.png');
    await popup.screenshot({ path: popupShot });
    await dappPage.screenshot({ path: dappShot, fullPage: true });
    console.log(`\n✔ Everything came up headless. Screenshots:\n  ${popupShot}\n  ${dappShot}`);
    await stop(0);
  } else {
    console.log(`\n✔ Ready. The wallet is loaded (toolbar puzzle icon → Session Key Wallet, or ${popupUrl}).`);
    console.log('  Close the browser or press Ctrl-C to stop the devnet and the dApp.');
    context.on('close', () => void stop(0));
  }
} catch (error) {
  console.error(`\n✖ ${(error as Error).message}`);
  await stop(1);
}
