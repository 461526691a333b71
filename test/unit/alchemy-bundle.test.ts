// The Alchemy backend must load in the MV3 service worker: bundled for the browser, it may contain no
// dynamic import() (the SDK's Solana signer adapters have some). Since issue 15 it speaks the Wallet
// API with its own client (wallet-api.ts), so no code of the SDK, its schemas or zod classic is in it.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('src/backends/alchemy/backend.ts bundled for the browser', () => {
  it('behavior: has no dynamic import, none of the Solana packages and nothing of the Alchemy SDK or zod classic', async () => {
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
    expect(inputs.filter((p) => /@alchemy\/|deep-equal|zod\/v4\/classic/.test(p))).toEqual([]);
    // What it does use is there: viem (the transport, the ABI decoding) and the wallet's own client.
    expect(inputs.some((p) => p.endsWith('src/backends/alchemy/wallet-api.ts'))).toBe(true);
    expect(inputs.some((p) => p.includes('viem/_esm/clients/transports/http.js'))).toBe(true);
    expect(code.length).toBeLessThan(1_500_000);
  }, 30_000);
});
