// A Vite plugin that turns a dependency's `await import('x')` into a static import.
//
// Chrome refuses import() in a service worker ("import() is disallowed on ServiceWorkerGlobalScope"),
// even for a module the worker already loaded. viem has two on paths the worker takes:
// recoverPublicKey (personal_ecRecover, signature checks) imports @noble/curves' secp256k1, and the
// `call` action imports its CCIP-read helper whenever an eth_call fails, before it looks at the
// error. Bundled as-is, both become import() of a chunk, which rejects in the worker: a failing
// eth_call then throws the import error instead of the revert, and personal_ecRecover fails.
// Rollup inlines such an import only when the module happens to share the importer's chunk, so a
// change elsewhere in the graph can break it silently (test/e2e/foundation.spec.ts checks the build).
import type { Plugin } from 'vite';

const DYNAMIC = /await\s+import\(\s*(['"])([^'"]+)\1\s*\)/g;

export function staticImportsInDependencies(): Plugin {
  return {
    name: 'static-imports-in-dependencies',
    transform(code, id) {
      if (!id.includes('/node_modules/') || !/\.m?js$/.test(id.split('?')[0]!) || !code.includes('import(')) return null;
      const hoisted: string[] = [];
      const rewritten = code.replace(DYNAMIC, (_m, _q, spec: string) => {
        const name = `__static_import_${hoisted.length}`;
        hoisted.push(`import * as ${name} from ${JSON.stringify(spec)};`);
        return `(await Promise.resolve(${name}))`;
      });
      if (hoisted.length === 0) return null;
      return { code: `${hoisted.join('\n')}\n${rewritten}`, map: null };
    },
  };
}
