// Keys at rest in real Chromium (security item 9). Chromium writes a non-extractable CryptoKey's raw
// bytes into the IndexedDB LevelDB files, so "non-extractable" protects nothing from someone who
// copies the profile. These tests read the profile's files the way that person would, and restart
// the browser on the same profile to show what the design costs: one unlock after a restart.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { encodeFunctionData, parseAbi, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { launchWithExtension } from '../../scripts/lib/chromium';
import { E2E_EXTENSION_DIR } from '../../scripts/lib/test-env';
import { startWalletApiServer, type WalletApiServer } from '../alchemy/server';
import { expect, providerRequest, test } from './fixtures';
import { countApprovalWindows, gameScore, ownerWithSession, unlock } from './helpers';

const API_KEY = 'e2eAlchemyKey_0123456789abcdefXYZ';
const GAME = deployment.contracts.DemoGame as Address;
/** Every additional-data label the code has used for sealed blobs (the attacker reads the code). */
const KNOWN_AAD = [undefined, 'alchemy-api-key/v1', 'alchemy-api-key/v2', 'session-key/v2', 'sealing-key/v1'];

interface Blob {
  iv: string;
  ciphertext: string;
}

async function launch(userDataDir: string): Promise<{ context: BrowserContext; extensionId: string }> {
  return launchWithExtension({ extensionDir: E2E_EXTENSION_DIR, userDataDir, headless: true });
}

async function openPopup(context: BrowserContext, extensionId: string): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 600 });
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  return page;
}

async function storageLocal(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(() => (globalThis as unknown as { chrome: { storage: { local: { get: (k: null) => Promise<Record<string, unknown>> } } } }).chrome.storage.local.get(null));
}

/** The extension's files in the profile that a copy carries: its IndexedDB and its storage.local. */
function extensionFiles(userDataDir: string, extensionId: string): string[] {
  const dirs = [
    path.join(userDataDir, 'Default', 'IndexedDB', `chrome-extension_${extensionId}_0.indexeddb.leveldb`),
    path.join(userDataDir, 'Default', 'Local Extension Settings', extensionId),
  ];
  return dirs.filter((d) => fs.existsSync(d)).flatMap((d) => fs.readdirSync(d).map((f) => path.join(d, f))).filter((f) => fs.statSync(f).isFile());
}

function open(key: Buffer, blob: Blob, aad: string | undefined): Buffer | null {
  const data = Buffer.from(blob.ciphertext, 'base64');
  if (data.length <= 16) return null;
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(blob.iv, 'base64'));
  if (aad) decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(data.subarray(data.length - 16));
  try {
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
  } catch {
    return null;
  }
}

/** Tries every 32-byte window of every file as an AES-256-GCM key on every blob; returns what opened. */
function bruteForce(files: string[], blobs: Blob[]): { file: string; offset: number; plain: Buffer }[] {
  const found: { file: string; offset: number; plain: Buffer }[] = [];
  const tried = new Set<string>();
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    for (let i = 0; i + 32 <= bytes.length; i++) {
      const key = bytes.subarray(i, i + 32);
      const id = key.toString('latin1');
      if (tried.has(id)) continue;
      tried.add(id);
      for (const blob of blobs) {
        for (const aad of KNOWN_AAD) {
          const plain = open(key, blob, aad);
          if (plain) found.push({ file: path.basename(file), offset: i, plain });
        }
      }
    }
  }
  return found;
}

const moveCall = (direction: number) => ({ to: GAME, data: encodeFunctionData({ abi: parseAbi(['function move(uint8 direction)']), functionName: 'move', args: [direction] }) });

function sendMoves(page: Page, from: Address, context: Hex) {
  return providerRequest<{ id: string }>(page, 'wallet_sendCalls', [
    { version: '2.0.0', chainId: '0x7a69', from, atomicRequired: true, calls: [moveCall(0), moveCall(1)], capabilities: { permissions: { context } } },
  ]);
}

async function waitForSuccess(page: Page, id: string): Promise<void> {
  await expect
    .poll(async () => ((await providerRequest<{ status: number }>(page, 'wallet_getCallsStatus', [id])).result?.status), { timeout: 30_000 })
    .toBe(200);
}

test.describe('keys at rest', () => {
  let userDataDir: string;
  test.beforeEach(() => {
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skw-e2e-rest-'));
  });
  test.afterEach(() => fs.rmSync(userDataDir, { recursive: true, force: true }));

  test.describe('with the Alchemy stand-in', () => {
    let server: WalletApiServer;
    test.beforeAll(async () => {
      server = await startWalletApiServer({ rpcUrl: process.env.E2E_RPC_URL!, apiKey: API_KEY });
    });
    test.afterAll(async () => server?.close());

    test('behavior: a copied profile holds no key that opens the sealed session key or the Alchemy API key', async ({ dappUrl }) => {
      test.setTimeout(180_000);
      const { context, extensionId } = await launch(userDataDir);
      const popup = await openPopup(context, extensionId);
      const dapp = await context.newPage();
      await dapp.goto(dappUrl);
      const ownerKey = `0x${crypto.randomBytes(32).toString('hex')}` as Hex;
      await ownerWithSession(context, popup, dapp, ownerKey);
      // And an Alchemy API key, saved in Settings (checked against the stand-in).
      await popup.getByTestId('tab-settings').click();
      const card = popup.getByTestId('backend-card');
      await card.getByTestId('backend-kind').selectOption('alchemy');
      await card.getByTestId('backend-apiKey').fill(API_KEY);
      await card.getByTestId('backend-url').fill(server.url);
      await card.getByTestId('backend-save').click();
      await expect(card.getByTestId('backend-saved')).toContainText('now uses Alchemy');

      const local = await storageLocal(popup);
      const sessions = local.sessions as { sessionAddress: Address; sealedKey: Blob }[];
      expect(sessions).toHaveLength(1);
      const sessionAddress = sessions[0]!.sessionAddress;
      const apiKeyBlob = local['alchemy.apiKey'] as Blob;
      expect(apiKeyBlob.ciphertext).toBeTruthy();
      await context.close();

      // The copy: the extension's IndexedDB and storage.local files, nothing from memory.
      const files = extensionFiles(userDataDir, extensionId);
      const disk = Buffer.concat(files.map((f) => fs.readFileSync(f)));
      // Sanity: these are the right files (the sealed blobs are in them) and nothing is in plain text.
      expect(disk.includes(Buffer.from(apiKeyBlob.ciphertext))).toBe(true);
      expect(disk.includes(Buffer.from(API_KEY))).toBe(false);

      const found = bruteForce(files, [sessions[0]!.sealedKey, apiKeyBlob]);
      const sessionKeys = found.filter((f) => f.plain.length === 32 && privateKeyToAccount(`0x${f.plain.toString('hex')}`).address === sessionAddress);
      const apiKeys = found.filter((f) => f.plain.toString('utf8') === API_KEY);
      expect(sessionKeys.map((f) => `${f.file}@${f.offset}`), 'the session key opened with a key read from the profile').toEqual([]);
      expect(apiKeys.map((f) => `${f.file}@${f.offset}`), 'the API key opened with a key read from the profile').toEqual([]);
    });
  });

  test('behavior: after a browser restart a session signs only once the owner unlocked; auto-lock alone does not stop it', async ({ dappUrl, rpcUrl, shoot }) => {
    test.setTimeout(180_000);
    const ownerKey = `0x${crypto.randomBytes(32).toString('hex')}` as Hex;
    const owner = privateKeyToAccount(ownerKey).address;
    let { context, extensionId } = await launch(userDataDir);
    let popup = await openPopup(context, extensionId);
    let dapp = await context.newPage();
    await dapp.goto(dappUrl);
    const permissionsContext = await ownerWithSession(context, popup, dapp, ownerKey);

    // Locked (what the auto-lock alarm does), browser still running: the session signs, no popup.
    await popup.getByTestId('lock').click();
    await expect(popup.getByTestId('unlock')).toBeVisible();
    let windows = countApprovalWindows(dapp);
    let score = await gameScore(rpcUrl, GAME, owner);
    const whileLocked = await sendMoves(dapp, owner, permissionsContext);
    expect(whileLocked.error).toBeUndefined();
    await waitForSuccess(dapp, whileLocked.result!.id);
    expect(await gameScore(rpcUrl, GAME, owner)).toBe(score + 2n);
    expect(windows()).toBe(0);

    // Browser restart on the same profile: memory (storage.session) is gone, the disk is not.
    await context.close();
    ({ context, extensionId } = await launch(userDataDir));
    dapp = await context.newPage();
    await dapp.goto(dappUrl);
    windows = countApprovalWindows(dapp);
    score = await gameScore(rpcUrl, GAME, owner);
    const afterRestart = await sendMoves(dapp, owner, permissionsContext);
    expect(afterRestart.error).toMatchObject({ code: 4100, message: expect.stringContaining('Unlock the wallet to use your sessions') });
    expect(await gameScore(rpcUrl, GAME, owner)).toBe(score);
    expect(windows()).toBe(0);

    // One unlock, and the session signs with no popup again.
    popup = await openPopup(context, extensionId);
    await unlock(popup);
    await shoot(popup, 'keys-at-rest-unlocked-after-restart');
    const afterUnlock = await sendMoves(dapp, owner, permissionsContext);
    expect(afterUnlock.error).toBeUndefined();
    await waitForSuccess(dapp, afterUnlock.result!.id);
    expect(await gameScore(rpcUrl, GAME, owner)).toBe(score + 2n);
    expect(windows()).toBe(0);
    await context.close();
  });
});
