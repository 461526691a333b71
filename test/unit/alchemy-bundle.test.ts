// The Alchemy backend must load in the MV3 service worker: bundled for the browser, it may contain no
// dynamic import() (the package's Solana signer adapters have some; backend.ts avoids that entry).
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('src/backends/alchemy/backend.ts bundled for the browser', () => {
  it('has no dynamic import and none of the Solana packages', async () => {
    const result = await build({
      entryPoints: ['src/backends/alchemy/backend.ts'],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/\bimport\s*\(/);
    // Files that contributed code (metafile.inputs also lists parsed files that tree shaking dropped).
    const output = Object.values(result.metafile.outputs)[0]!;
    const inputs = Object.entries(output.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([p]) => p);
    expect(inputs.filter((p) => /@solana|wallet-apis\/dist\/esm\/(client|adapters|actions\/solana)/.test(p))).toEqual([]);
    expect(inputs.some((p) => p.includes('@alchemy/wallet-apis/dist/esm/decorators/smartWalletActions.js'))).toBe(true);
    expect(code.length).toBeLessThan(1_500_000);
  }, 30_000);
});
