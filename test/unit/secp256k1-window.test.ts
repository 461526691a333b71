// scripts/lib/secp256k1-window.ts changes the window of secp256k1's base-point table in the
// @noble/curves copy viem signs with. If viem moves to a copy without that line, the plugin would
// do nothing and the first signature of a cold worker would build the window-8 table again.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_WINDOW, secp256k1BaseWindow } from '../../scripts/lib/secp256k1-window';

const require = createRequire(import.meta.url);
const viemDir = path.dirname(require.resolve('viem/package.json'));
const curvesDir = path.dirname(require.resolve('@noble/curves/secp256k1', { paths: [viemDir] }));
const weierstrass = path.join(curvesDir, 'esm/abstract/weierstrass.js');

type Transform = (code: string, id: string) => { code: string } | null;
const transform = secp256k1BaseWindow().transform as unknown as Transform;

describe('the secp256k1 base-point window (build plugin)', () => {
  it("sets viem's copy of @noble/curves to a window-4 table for the base point", () => {
    const code = readFileSync(weierstrass, 'utf8');
    const out = transform(code, weierstrass);
    expect(out, `${weierstrass} no longer sets the base point's window to 8`).not.toBeNull();
    expect(out!.code).toContain(`Point.BASE._setWindowSize(${BASE_WINDOW});`);
    expect(out!.code).not.toContain('_setWindowSize(8)');
    expect(out!.code.length).toBe(code.length); // one character: the source map (none) stays right
  });

  it('leaves every other module alone', () => {
    const code = 'Point.BASE._setWindowSize(8);';
    expect(transform(code, '/x/node_modules/viem/_esm/accounts/utils/sign.js')).toBeNull();
    expect(transform('export const a = 1;', weierstrass)).toBeNull();
  });
});
