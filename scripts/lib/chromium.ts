// Finds the system Chromium and the flags that load the unpacked extension. Playwright cannot
// download browsers on these machines, so the Debian package is the browser (see README).
import fs from 'node:fs';
import { chromium, type BrowserContext } from '@playwright/test';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export class MissingBrowserError extends Error {
  constructor() {
    super(
      'No Chromium found (looked for ' +
        CHROMIUM_CANDIDATES.join(', ') +
        ').\nInstall Debian\'s Chromium:  sudo apt-get update && sudo apt-get install -y chromium\n' +
        'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    );
  }
}

export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist.`);
    return fromEnv;
  }
  const found = CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p));
  if (!found) throw new MissingBrowserError();
  return found;
}

/** Flags that keep Chromium quiet on a closed network and load the unpacked extension(s). */
export function extensionArgs(extensionDir: string, ...alsoLoad: string[]): string[] {
  const dirs = [extensionDir, ...alsoLoad].join(',');
  return [
    `--disable-extensions-except=${dirs}`,
    `--load-extension=${dirs}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  ];
}

export async function launchWithExtension(opts: {
  extensionDir: string;
  userDataDir: string;
  headless: boolean;
  viewport?: { width: number; height: number } | null;
  /** More unpacked extensions loaded beside it (the bench's empty-extension floor); their workers are not background.js. */
  alsoLoad?: string[];
}): Promise<{ context: BrowserContext; extensionId: string }> {
  if (!fs.existsSync(`${opts.extensionDir}/manifest.json`)) {
    throw new Error(`No built extension at ${opts.extensionDir} (run the build first).`);
  }
  const context = await chromium.launchPersistentContext(opts.userDataDir, {
    executablePath: findChromium(),
    headless: opts.headless,
    viewport: opts.viewport === undefined ? { width: 1200, height: 800 } : opts.viewport,
    args: [...extensionArgs(opts.extensionDir, ...(opts.alsoLoad ?? [])), ...(opts.headless ? ['--disable-gpu'] : [])],
  });
  // The wallet's worker is background.js (WXT's name); another loaded extension's worker is not.
  const ours = (url: string) => !opts.alsoLoad?.length || url.endsWith('/background.js');
  let worker = context.serviceWorkers().find((w) => ours(w.url()));
  if (!worker) worker = await context.waitForEvent('serviceworker', { predicate: (w) => ours(w.url()), timeout: 15_000 });
  return { context, extensionId: new URL(worker.url()).host };
}
