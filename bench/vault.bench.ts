// Unlock cost: deriving the vault key from the password (PBKDF2-SHA256, 600,000 iterations) and
// opening the vault, against the path a restarted worker takes while unlocked (import the kept key,
// AES-GCM decrypt), which is the baseline.
import { decryptVault, decryptWithKey, encryptVault, exportKey, importKey, PBKDF2_ITERATIONS } from '../src/vault/vault-crypto';
import { measure, report } from './lib';

export async function benchVault(): Promise<void> {
  const secret = new TextEncoder().encode(JSON.stringify({ kind: 'mnemonic', phrase: 'legal winner thank year wave sausage worth useful legal winner thank yellow' }));
  const { vault, key } = await encryptVault('Correct-Horse-9', secret);
  const raw = await exportKey(key);
  const restore = await measure('restore after worker restart (import key + decrypt)', 20, async () => decryptWithKey(await importKey(raw), vault));
  const unlock = await measure(`unlock: PBKDF2-SHA256 x ${PBKDF2_ITERATIONS.toLocaleString('en-US')} + decrypt`, 5, () => decryptVault('Correct-Horse-9', vault));
  const wrong = await measure('wrong password (derive + failed decrypt)', 3, () => decryptVault('wrong-password', vault).catch(() => null));
  report('Vault (Node WebCrypto, same primitives as the extension)', restore, [unlock, wrong]);
}
