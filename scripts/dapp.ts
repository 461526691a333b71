// Build and serve the demo dApp (dapp/ → .output/dapp).
//
//   tsx scripts/dapp.ts [--port N] [--host H]     build, then serve on --port, DAPP_PORT or 5173
//
// Programmatic use (e2e tests, scripts/start.ts):
//   const dir = await buildDapp();
//   const a = await serveDapp({ port: 5173 });     // { url, close() }
//   const b = await serveDapp({ port: 0 });        // a second origin on a free port
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DAPP_SRC_DIR = path.join(ROOT, 'dapp');
export const DAPP_OUT_DIR = path.join(ROOT, '.output', 'dapp');

/** Builds dapp/ with Vite into `outDir` (default .output/dapp) and returns that directory. */
export async function buildDapp(outDir: string = DAPP_OUT_DIR): Promise<string> {
  const { build } = await import('vite');
  await build({
    root: DAPP_SRC_DIR,
    base: './',
    configFile: false,
    envDir: false,
    publicDir: false,
    logLevel: 'warn',
    clearScreen: false,
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      // viem is most of the bundle; one chunk is fine for a local demo.
      chunkSizeWarningLimit: 2000,
      reportCompressedSize: false,
    },
  });
  return outDir;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface ServeDappOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Directory to serve; defaults to .output/dapp (build it first with buildDapp()). */
  dir?: string;
}

export interface DappServer {
  /** e.g. `http://127.0.0.1:5173/` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the built dApp with node:http. Each call is an independent server (one origin per port). */
export async function serveDapp({ port, host = '127.0.0.1', dir = DAPP_OUT_DIR }: ServeDappOptions): Promise<DappServer> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch {
    throw new Error(`serveDapp: ${dir} does not exist; run buildDapp() first`);
  }
  const server = createServer((req, res) => {
    handle(root, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${actual}/`,
    port: actual,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Maps a request path to a file under root, or null when it escapes root or is malformed. */
export function resolveRequestPath(root: string, rawUrl: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(rawUrl, 'http://localhost').pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const file = path.resolve(root, `.${path.posix.normalize(`/${pathname}`)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'Method Not Allowed');
  }
  let file = resolveRequestPath(root, req.url ?? '/');
  if (!file) return send(res, 400, 'Bad Request');

  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = path.join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) return send(res, 404, 'Not Found');

  // Symlinks must not lead outside the served directory either.
  const real = await realpath(file);
  if (real !== root && !real.startsWith(root + path.sep)) return send(res, 404, 'Not Found');

  res.writeHead(200, {
    'Content-Type': contentType(real),
    'Content-Length': info.size,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') return void res.end();
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(real);
    stream.on('error', reject);
    res.on('close', resolve);
    stream.pipe(res);
  });
}

function send(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function parseArgs(argv: string[]): { port?: number; host?: string } {
  const out: { port?: number; host?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--port') out.port = Number(value());
    else if (flag === '--host') out.host = value();
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const port = args.port ?? Number(process.env.DAPP_PORT ?? 5173);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${port}`);
  const started = Date.now();
  const dir = await buildDapp();
  console.log(`dApp built into ${path.relative(ROOT, dir)} in ${Date.now() - started} ms`);
  const server = await serveDapp({ port, ...(args.host ? { host: args.host } : {}) });
  console.log(`Session Game demo dApp: ${server.url}`);
  const stop = () => {
    void server.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
