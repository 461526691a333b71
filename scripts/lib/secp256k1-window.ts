// A Vite plugin that makes @noble/curves (1.x, viem's copy) build a window-4 table for secp256k1's
// base point instead of window 8 (issue 15: a cold session send).
//
// The first multiplication by the base point (the session key's address, then its first signature)
// builds that table, on the path of the first send after the worker starts. Window 8 is 32 tables
// of 128 points, window 4 is 64 tables of 8, and each signature costs about 0.06 ms more (in Node
// with viem's copy: first getPublicKey 23.3 ms vs 5.5 ms, sign 0.55 vs 0.61 ms). A cold send in the
// extension: 56.5 ms with window 8, 48.9 ms with window 4 (medians of 7, bench/cold-send-trace.ts). Signatures are the same (RFC 6979 picks k; the window only
// changes how k·G is computed, still with wNAF's constant-time cached path).
// viem does not export its copy, so the setting is changed where the library makes it.
// test/unit/secp256k1-window.test.ts checks viem's copy still has that line.
import type { Plugin } from 'vite';

export const BASE_WINDOW = 4;
const DEFAULT = 'Point.BASE._setWindowSize(8);';

export function secp256k1BaseWindow(): Plugin {
  return {
    name: 'secp256k1-base-window',
    transform(code, id) {
      if (!/\/@noble\/curves\/esm\/abstract\/weierstrass\.js$/.test(id.split('?')[0]!) || !code.includes(DEFAULT)) return null;
      return { code: code.replace(DEFAULT, `Point.BASE._setWindowSize(${BASE_WINDOW});`), map: null };
    },
  };
}
