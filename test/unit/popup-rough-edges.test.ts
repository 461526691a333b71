// The popup's rough edges that are logic, not layout: a node that never answers, a refused one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { parseMnemonic, parsePrivateKey } from '../../src/vault/owner-secret';
import { open, seal } from '../../src/vault/sealing-key';
import { Vault } from '../../src/vault/vault';
import { whyUncovered } from '../../src/sessions/why-uncovered';
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

describe('restore from recovery phrase (forgotten password)', () => {
  // Well-known public test mnemonic (anvil/hardhat); never holds real funds.
  const PHRASE = 'test test test test test test test test test test test junk';
  const OTHER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
  const makeVault = () => new Vault({ kdfIterations: 1000 });
  beforeEach(() => fakeBrowser.reset());

  it('behavior: the phrase of this account replaces the vault; the new password unlocks, the old one does not, and open session keys stay usable', async () => {
    const vault = makeVault();
    const address = await vault.create(parseMnemonic(PHRASE), 'Old-Password-1', 'Old-Password-1');
    const sealed = await seal(new Uint8Array([1, 2, 3]), 'test');
    await vault.lock();
    const result = await vault.recover(parseMnemonic(PHRASE), 'New-Password-2', 'New-Password-2');
    expect(result).toEqual({ address, sessionKeysKept: true });
    expect((await vault.state()).status).toBe('unlocked');
    await vault.lock();
    await expect(vault.unlock('Old-Password-1')).rejects.toMatchObject({ code: 4100 });
    await fakeBrowser.storage.session.clear(); // a browser restart: only the new password opens the sealing key
    expect(await vault.unlock('New-Password-2')).toBe(address);
    expect([...(await open(sealed, 'test'))]).toEqual([1, 2, 3]);
  });

  it('behavior: after a browser restart the old sealing key is lost with the old password, and says so', async () => {
    const vault = makeVault();
    await vault.create(parseMnemonic(PHRASE), 'Old-Password-1', 'Old-Password-1');
    const sealed = await seal(new Uint8Array([1, 2, 3]), 'test');
    await vault.lock();
    await fakeBrowser.storage.session.clear();
    expect((await vault.recover(parseMnemonic(PHRASE), 'New-Password-2', 'New-Password-2')).sessionKeysKept).toBe(false);
    await expect(open(sealed, 'test')).rejects.toThrow();
  });

  it('error: a phrase for another account is refused with -32602 and the vault is unchanged', async () => {
    const vault = makeVault();
    await vault.create(parseMnemonic(PHRASE), 'Old-Password-1', 'Old-Password-1');
    await vault.lock();
    await expect(vault.recover(parsePrivateKey(OTHER_KEY), 'New-Password-2', 'New-Password-2')).rejects.toMatchObject({ code: -32602, message: /not this wallet's/ });
    await expect(vault.unlock('Old-Password-1')).resolves.toBeTruthy();
  });

  it('param: the new password follows the same rules as at creation', async () => {
    const vault = makeVault();
    await vault.create(parseMnemonic(PHRASE), 'Old-Password-1', 'Old-Password-1');
    await expect(vault.recover(parseMnemonic(PHRASE), 'short', 'short')).rejects.toMatchObject({ code: -32602 });
    await expect(vault.recover(parseMnemonic(PHRASE), 'New-Password-2', 'New-Password-3')).rejects.toMatchObject({ code: -32602 });
  });
});

describe('settings: recovery phrase and password', () => {
  const PHRASE = 'test test test test test test test test test test test junk';
  const makeVault = () => new Vault({ kdfIterations: 1000 });
  beforeEach(() => fakeBrowser.reset());

  it('behavior: the recovery phrase comes back only for the right password; a wrong one counts as a failed unlock', async () => {
    const vault = makeVault();
    await vault.create(parseMnemonic(PHRASE), 'Old-Password-1', 'Old-Password-1');
    await expect(vault.revealSecret('Old-Password-1')).resolves.toEqual({ kind: 'mnemonic', phrase: PHRASE });
    for (let i = 0; i < 3; i++) await expect(vault.revealSecret('nope')).rejects.toMatchObject({ code: 4100 });
    // The fourth wrong password starts the backoff shared with unlock.
    await expect(vault.revealSecret('nope')).rejects.toMatchObject({ code: 4100, data: { retryAt: expect.any(Number) } });
    await expect(vault.unlock('Old-Password-1')).rejects.toMatchObject({ code: -32005 });
  });

  it('behavior: changing the password keeps the account and the sealed session keys, also after a browser restart', async () => {
    const vault = makeVault();
    const address = await vault.create(parseMnemonic(PHRASE), 'Old-Password-1', 'Old-Password-1');
    const sealed = await seal(new Uint8Array([7]), 'test');
    await vault.changePassword('Old-Password-1', 'New-Password-2', 'New-Password-2');
    await vault.lock();
    await fakeBrowser.storage.session.clear();
    await expect(vault.unlock('Old-Password-1')).rejects.toMatchObject({ code: 4100 });
    expect(await vault.unlock('New-Password-2')).toBe(address);
    expect([...(await open(sealed, 'test'))]).toEqual([7]);
  });

  it('error: a wrong current password or a weak new one changes nothing', async () => {
    const vault = makeVault();
    await vault.create(parseMnemonic(PHRASE), 'Old-Password-1', 'Old-Password-1');
    await expect(vault.changePassword('wrong-password', 'New-Password-2', 'New-Password-2')).rejects.toMatchObject({ code: 4100 });
    await expect(vault.changePassword('Old-Password-1', 'short', 'short')).rejects.toMatchObject({ code: -32602 });
    await vault.lock();
    await expect(vault.unlock('Old-Password-1')).resolves.toBeTruthy();
  });
});

describe('why no session covers a request', () => {
  const contract = "call 1: 0x1111…1111.transfer is not allowed: 0x1111…1111 is not one of the session's contracts";
  const fn = "call 1: DemoGame.buyItem(uint256) is not in the session's functions";
  const limit = "the session's ETH allowance has 0.0005 ETH left; this batch sends 0.001 ETH";

  it('behavior: names the closest session (a limit beats a function, a function beats a contract), not the last one tried', () => {
    const text = whyUncovered([
      { reason: contract, createdAt: Date.UTC(2026, 0, 1, 9, 0) },
      { reason: limit, createdAt: Date.UTC(2026, 0, 1, 10, 30) },
      { reason: fn, createdAt: Date.UTC(2026, 0, 1, 11, 0) },
    ]);
    expect(text).toBe(`No session covers this request: ${limit} (the closest of this site's 3 sessions: the one granted 2026-01-01 10:30 UTC)`);
    expect(whyUncovered([{ reason: contract, createdAt: 0 }, { reason: fn, createdAt: Date.UTC(2026, 0, 2, 8, 5) }])).toContain(`${fn} (the closest of this site's 2 sessions: the one granted 2026-01-02 08:05 UTC)`);
  });

  it('behavior: one session keeps the plain form', () => {
    expect(whyUncovered([{ reason: fn, createdAt: 0 }])).toBe(`No session covers this request: ${fn}`);
  });
});
