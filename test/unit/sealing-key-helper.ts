// For unit tests that seal without going through a Vault: what an unlock leaves in storage.session.
import { provideSealingKey } from '@/src/vault/sealing-key';

/** A fresh sealing key, available as after an unlock (wrapped under a random stand-in vault key). */
export async function unlockedSealingKey(): Promise<void> {
  const vaultKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  await provideSealingKey(vaultKey, { fresh: true });
}
