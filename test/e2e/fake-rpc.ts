// Stand-in JSON-RPC servers for the e2e specs: a chain the wallet checks before adding it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stops `server` now. The worker and popup keep connections open to an RPC they used (keep-alive,
 * polls of the chain they switched to); `close()` alone waits for them, and a test that passed
 * would then hang in its clean-up until its timeout.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * An RPC that answers eth_chainId with `chainId` and -32601 to anything else (what the wallet asks
 * before adding a network). `hold()` delays answers until `release()`.
 */
export async function chainIdRpc(chainId: number) {
  let gate: Promise<void> = Promise.resolve();
  let release = () => {};
  const server: Server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type');
    if (req.method === 'OPTIONS') return void res.end();
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      await gate;
      const { id, method } = JSON.parse(body || '{}') as { id?: number; method?: string };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(method === 'eth_chainId' ? { jsonrpc: '2.0', id, result: `0x${chainId.toString(16)}` } : { jsonrpc: '2.0', id, error: { code: -32601, message: 'not here' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: () => (gate = new Promise((r) => (release = r))),
    release: () => release(),
    close: () => closeServer(server),
  };
}
