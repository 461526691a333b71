// The popup's rough edges that are logic, not layout: a node that never answers, a refused one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAccount } from '../../src/account/owner-actions';
import { readWalletStatus } from '../../src/background/status';
import { httpChainRpc } from '../../src/rpc/chain-rpc';
import { devnet, type ChainConfig } from '../../src/chains/registry';

const address = '0x1111111111111111111111111111111111111111';

describe('unreachable network', () => {
  // A node that accepts the connection and never answers: the case that left "Reading the account…" forever.
  let silent: Server;
  let silentUrl: string;
  beforeAll(async () => {
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    silent.closeAllConnections();
    silent.close();
  });

  it('error: a node that never answers fails the account read in time with 4901 naming the network', async () => {
    const chain: ChainConfig = { ...devnet, name: 'Silent net', rpcUrl: silentUrl };
    await expect(readAccount(chain, address, undefined, { timeoutMs: 300 })).rejects.toMatchObject({ code: 4901, message: 'Cannot reach the network (Silent net).' });
  });

  it('error: a node that refuses the connection gives the same plain message', async () => {
    const chain: ChainConfig = { ...devnet, name: 'Closed net', rpcUrl: 'http://127.0.0.1:1' };
    await expect(readAccount(chain, address, undefined, { timeoutMs: 5_000 })).rejects.toMatchObject({ code: 4901, message: 'Cannot reach the network (Closed net).' });
  });

  it('behavior: the status read of a silent node ends as unreachable instead of waiting', async () => {
    const chain: ChainConfig = { ...devnet, rpcUrl: silentUrl };
    const status = await readWalletStatus(chain, httpChainRpc(silentUrl), 300);
    expect(status.node.reachable).toBe(false);
  });
});
