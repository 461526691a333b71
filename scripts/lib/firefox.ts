// Finds the system Firefox for the Firefox e2e step. Playwright's Firefox needs its own patched
// build and geckodriver a download, neither of which these machines can fetch; Debian's firefox-esr,
// driven by puppeteer-core over WebDriver BiDi, needs neither (see README).
import fs from 'node:fs';

export const FIREFOX_CANDIDATES = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];

export const FIREFOX_INSTALL_COMMAND = 'sudo apt-get update && sudo apt-get install -y firefox-esr';

export class MissingFirefoxError extends Error {
  constructor() {
    super(
      'No Firefox found (looked for ' +
        FIREFOX_CANDIDATES.join(', ') +
        `).\nInstall Debian's Firefox ESR:  ${FIREFOX_INSTALL_COMMAND}\n` +
        'or point FIREFOX_PATH at a Firefox binary (128 or newer).',
    );
  }
}

export function findFirefox(candidates: readonly string[] = FIREFOX_CANDIDATES, fromEnv = process.env.FIREFOX_PATH): string {
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`FIREFOX_PATH=${fromEnv} does not exist.`);
    return fromEnv;
  }
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new MissingFirefoxError();
  return found;
}
