// The background's services as a unit test needs them: fewer PBKDF2 rounds than production (the
// vault's cost is not under test) and session keys whose legacy device key lives in memory (no
// IndexedDB in Node). With the popup's sender and a call helper for the wallet API.
import type { Runtime } from 'webextension-polyfill';
import { handleWalletApiMessage } from '@/src/background/wallet-api';
import { createServices, type Services } from '@/src/background/services';
import { Bundles } from '@/src/calls/bundles';
import { Sessions } from '@/src/sessions/service';
import { memoryDeviceKeyStore, SessionKeyVault } from '@/src/sessions/key-store';
import { Vault } from '@/src/vault/vault';

export const EXT = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
export const popup = { id: 'abcdefghijklmnopabcdefghijklmnop', url: `${EXT}/popup.html` } as Runtime.MessageSender;

export function testServices(): Services {
  const base = createServices();
  const vault = new Vault({ kdfIterations: 1000 });
  const bundles = new Bundles();
  return { ...base, vault, bundles, sessions: new Sessions({ vault, bundles, backends: base.backends, keys: new SessionKeyVault(memoryDeviceKeyStore()) }) };
}

export const callWalletApi = (s: Services, method: string, params?: unknown) => handleWalletApiMessage({ type: 'wallet-api', method, params }, popup, EXT, s);
