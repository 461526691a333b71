// Issue 15: what the service worker must load before its listener exists, and the unpacked
// extension, against their targets. The start-up JS is background.js plus every chunk it imports
// statically (transitively); a chunk reached only through a dynamic import is not counted. The worker
// is a classic script, the bootstrap (src/background/bootstrap.ts): a cold start evaluates it alone
// when it answers eth_chainId, and loads the wallet (wallet.js, importScripts) only for a request
// that needs it, so the start-up JS is background.js and the wallet is reported on its own. Reads a
// Chromium build it makes of this tree, into .output/bench.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BENCH_OUT_DIR, buildExtension } from './extension';
import { report, value, withGoal } from './lib';

const START_UP_TARGET_BYTES = 600_000;
/** The wallet's script, which the worker's bootstrap imports when it needs the wallet. */
export const WALLET_SCRIPT = 'wallet.js';
const UNPACKED_TARGET_BYTES = 1_200_000;

/** background.js (or `entry`) and the chunks it imports statically, with their sizes in bytes. */
export function startUpFiles(dir: string, entry = 'background.js'): Map<string, number> {
  const seen = new Map<string, number>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(path.join(dir, file), 'utf8');
    seen.set(file, Buffer.byteLength(text));
    // Static imports only: `import … from"./x.js"` and `import"./x.js"` (minified, with or without spaces).
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)));
    }
  };
  visit(entry);
  return seen;
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => {
    const p = path.join(dir, name);
    const s = statSync(p);
    return sum + (s.isDirectory() ? dirBytes(p) : s.size);
  }, 0);
}

export async function benchSize(): Promise<void> {
  // Always a fresh build of this tree: a build left over from older code (.output/bench, .output/e2e)
  // measured the old worker. The devnet URL baked in does not change the sizes.
  const dir = await buildExtension('http://127.0.0.1:8545');
  const files = startUpFiles(dir);
  const startUp = [...files.values()].reduce((a, b) => a + b, 0);
  console.log(`\nExtension size (${path.relative(process.cwd(), dir)})`);
  for (const [file, bytes] of files) console.log(`  ${file.padEnd(40)} ${(bytes / 1000).toFixed(1).padStart(8)} kB`);
  const target = value('target: worker start-up JS', START_UP_TARGET_BYTES / 1000, 'kB');
  report('Worker start-up JS (background.js + its static chunks: what a cold eth_chainId evaluates)', target, [withGoal(value('measured', startUp / 1000, 'kB'), target, 1)]);
  // What the first request that needs the wallet adds to a cold start (the bootstrap's importScripts).
  const wallet = [...startUpFiles(dir, WALLET_SCRIPT).values()].reduce((a, b) => a + b, 0);
  console.log(`  ${WALLET_SCRIPT.padEnd(40)} ${(wallet / 1000).toFixed(1).padStart(8)} kB  (loaded by the first request the bootstrap does not answer; start-up JS + this: ${((startUp + wallet) / 1000).toFixed(1)} kB)`);
  const unpacked = value('target: unpacked extension', UNPACKED_TARGET_BYTES / 1000, 'kB');
  report('Unpacked extension', unpacked, [withGoal(value('measured', dirBytes(dir) / 1000, 'kB'), unpacked, 1)]);
}
