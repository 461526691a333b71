import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { expect, test } from './fixtures';
import { codeAt, importOwner, PASSWORD, publicClient, unlock, watchServiceWorker } from './helpers';

/** Everything the extension stores, in every area it could use, as one string. */
async function everythingStored(popup: import('@playwright/test').Page): Promise<string> {
  return popup.evaluate(async () => {
    const c = (globalThis as unknown as { chrome: { storage: Record<string, { get(k: null): Promise<unknown> }> } }).chrome;
    const idb: unknown[] = [];
    for (const db of await indexedDB.databases()) idb.push(db.name);
    return JSON.stringify({ local: await c.storage.local!.get(null), session: await c.storage.session!.get(null), sync: await c.storage.sync!.get(null), idb });
  });
}

test.describe('owner vault and account', () => {
  test('onboarding by import, 7702 upgrade confirmed on chain, undo; lock and unlock; wrong password refused', async ({ openPopup, rpcUrl, shoot }) => {
    const key = generatePrivateKey();
    const owner = privateKeyToAccount(key);
    const popup = await openPopup();
    await shoot(popup, 'vault-01-welcome');

    await popup.getByTestId('import-wallet').click();
    await popup.getByTestId('import-secret').fill('0x1234');
    await popup.getByTestId('import-next').click();
    await expect(popup.getByTestId('import-error')).toHaveText(/64 hex characters/);
    await popup.getByTestId('import-secret').fill(key);
    await shoot(popup, 'vault-02-import');
    await popup.getByTestId('import-next').click();
    await popup.getByTestId('password').fill('short');
    await expect(popup.getByTestId('password-hint')).toHaveText(/at least 8/);
    await popup.getByTestId('password').fill(PASSWORD);
    await popup.getByTestId('password-confirm').fill(`${PASSWORD}x`);
    await popup.getByTestId('create-vault').click();
    await expect(popup.getByTestId('password-error')).toHaveText(/do not match/);
    await popup.getByTestId('password-confirm').fill(PASSWORD);
    await shoot(popup, 'vault-03-password');
    await popup.getByTestId('create-vault').click();

    await expect(popup.getByTestId('account-address')).toHaveText(owner.address);
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'none');
    await popup.getByTestId('fund-devnet').click();
    await expect(popup.getByTestId('account-balance')).toHaveText(/^100 ETH/);
    await shoot(popup, 'vault-04-account');

    // Upgrade: progress, then done in the popup and on chain.
    await popup.getByTestId('upgrade').click();
    await expect(popup.getByTestId('tx-progress')).toHaveAttribute('data-state', 'success');
    await shoot(popup, 'vault-05-upgraded-progress');
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'framework');
    const impl = (await import('../../devnet/deployment.json', { with: { type: 'json' } })).default.contracts.EIP7702StatelessDeleGatorImpl;
    expect((await codeAt(rpcUrl, owner.address))?.toLowerCase()).toBe(`0xef0100${impl.slice(2).toLowerCase()}`);
    await shoot(popup, 'vault-06-smart-account');

    // Undo: delegate to the zero address clears the code.
    await popup.getByTestId('undelegate').click();
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'none', { timeout: 15_000 });
    expect(await codeAt(rpcUrl, owner.address)).toBeUndefined();

    // Lock, wrong password, unlock.
    await popup.getByTestId('lock').click();
    await expect(popup.getByTestId('unlock')).toBeVisible();
    await popup.getByTestId('unlock-password').fill('Wrong-Password-1');
    await popup.getByTestId('unlock-submit').click();
    await expect(popup.getByTestId('unlock-error')).toHaveText('Wrong password.');
    await shoot(popup, 'vault-07-locked-wrong-password');
    await unlock(popup);
    await expect(popup.getByTestId('account-address')).toHaveText(owner.address);
  });

  test('onboarding with a new recovery phrase: shown once, confirmed, and never stored in plain text', async ({ openPopup, shoot }) => {
    const popup = await openPopup();
    const before = await everythingStored(popup);
    await popup.getByTestId('create-wallet').click();
    const words = (await popup.getByTestId('recovery-phrase').locator('.mono').allTextContents()).map((w) => w.trim());
    expect(words).toHaveLength(12);
    await shoot(popup, 'vault-08-new-phrase');
    await popup.getByTestId('phrase-saved').check();
    await popup.getByTestId('phrase-next').click();

    const inputs = popup.locator('[data-testid^="confirm-word-"]');
    await expect(inputs).toHaveCount(3);
    // A wrong word is refused.
    const firstId = (await inputs.nth(0).getAttribute('data-testid'))!;
    await inputs.nth(0).fill('zzz');
    await popup.getByTestId('confirm-next').click();
    await expect(popup.getByTestId('confirm-error')).toHaveText(new RegExp(`Word #${firstId.split('-').pop()} does not match`));
    for (let i = 0; i < 3; i++) {
      const position = Number((await inputs.nth(i).getAttribute('data-testid'))!.split('-').pop());
      await inputs.nth(i).fill(words[position - 1]!);
    }
    await shoot(popup, 'vault-09-confirm-phrase');
    await popup.getByTestId('confirm-next').click();
    await popup.getByTestId('password').fill(PASSWORD);
    await popup.getByTestId('password-confirm').fill(PASSWORD);
    await popup.getByTestId('create-vault').click();
    await expect(popup.getByTestId('account-card')).toBeVisible();

    const phrase = words.join(' ');
    const pairs = words.slice(0, -1).map((w, i) => `${w} ${words[i + 1]}`);
    const stored = [before, await everythingStored(popup)];
    await popup.getByTestId('lock').click();
    await expect(popup.getByTestId('unlock')).toBeVisible();
    stored.push(await everythingStored(popup));
    await unlock(popup);
    stored.push(await everythingStored(popup));
    for (const s of stored) {
      expect(s).not.toContain(phrase);
      for (const pair of pairs) expect(s).not.toContain(pair);
    }
    // Sanity: the scan sees the vault itself.
    expect(stored[1]).toContain('"ciphertext"');
  });

  test('private key never stored in plain text, before and after unlock', async ({ openPopup }) => {
    const key = generatePrivateKey();
    const popup = await openPopup();
    await importOwner(popup, key);
    const afterCreate = await everythingStored(popup);
    await popup.getByTestId('lock').click();
    const locked = await everythingStored(popup);
    await unlock(popup);
    const unlocked = await everythingStored(popup);
    for (const s of [afterCreate, locked, unlocked]) {
      expect(s.toLowerCase()).not.toContain(key.slice(2).toLowerCase());
      expect(s).toContain('"vault"');
    }
  });

  test('service worker restart: an unlocked wallet still answers without a password; a locked one stays locked', async ({ context, openPopup }) => {
    const key = generatePrivateKey();
    const owner = privateKeyToAccount(key);
    const popup = await openPopup();
    await importOwner(popup, key);
    const worker = await watchServiceWorker(context, popup);

    await worker.stop();
    expect(worker.status()).toBe('stopped');
    const restarted = worker.nextStart();
    await popup.reload(); // the popup's first call wakes a fresh worker
    await restarted;
    await expect(popup.getByTestId('account-address')).toHaveText(owner.address);
    await expect(popup.getByTestId('unlock')).toHaveCount(0);
    // The owner key is usable: the devnet faucet and a signed owner call go through.
    await popup.getByTestId('fund-devnet').click();
    await expect(popup.getByTestId('account-balance')).toHaveText(/^100 ETH/);
    await popup.getByTestId('upgrade').click();
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'framework', { timeout: 15_000 });

    await popup.getByTestId('lock').click();
    await expect(popup.getByTestId('unlock')).toBeVisible();
    await worker.stop();
    const restartedLocked = worker.nextStart();
    await popup.reload();
    await restartedLocked;
    await expect(popup.getByTestId('unlock')).toBeVisible();
    await expect(popup.getByTestId('account-card')).toHaveCount(0);
  });
});

test('the owner sends a plain call from the popup after reviewing it', async ({ openPopup, rpcUrl, shoot }) => {
  const popup = await openPopup();
  await importOwner(popup, generatePrivateKey());
  await popup.getByTestId('fund-devnet').click();
  await expect(popup.getByTestId('account-balance')).toHaveText(/^100 ETH/);
  const recipient = privateKeyToAccount(generatePrivateKey()).address;

  await popup.getByTestId('send-to').fill('0x1234');
  await popup.getByTestId('send-review').click();
  await expect(popup.getByTestId('send-error')).toHaveText(/not a valid address/);
  await popup.getByTestId('send-to').fill(recipient);
  await popup.getByTestId('send-amount').fill('1.5');
  await popup.getByTestId('send-data').fill('0xdeadbeef');
  await popup.getByTestId('send-review').click();
  await expect(popup.getByTestId('send-review-panel')).toContainText('1.5 ETH');
  await expect(popup.getByTestId('send-review-panel')).toContainText('4 bytes');
  await shoot(popup, 'vault-10-send-review');
  await popup.getByTestId('send-confirm').click();
  await expect(popup.getByTestId('send-card').getByTestId('tx-progress')).toHaveAttribute('data-state', 'success', { timeout: 15_000 });
  expect(await publicClient(rpcUrl).getBalance({ address: recipient })).toBe(1_500_000_000_000_000_000n);
});
