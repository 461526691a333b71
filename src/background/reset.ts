// Remove wallet: nothing the old wallet granted may keep working once it is gone. While the owner
// key is still here (the password unlocks it), every live session is revoked on chain and its
// stipend swept back; then sites, sessions, bundles, waiting approvals, the Alchemy API key and the
// vault are deleted, and every site that was connected hears accountsChanged([]).
//
// If an on-chain revoke fails (node down, network removed) the wallet is NOT deleted on the first
// call: the owner sees which sessions and until when their delegations stay valid, and decides
// (try again, or remove anyway with `force`). The sessions are out of the wallet's use either way:
// each was marked revoked before anything was sent, and `force` deletes their keys.
import type { ResetRevokeReport } from '../sessions/service';
import { broadcast } from './events';
import type { Services } from './services';
import { forgetSealingKey } from '../vault/sealing-key';

export interface RemoveWalletParameters {
  password: string;
  /** Delete the wallet even though some sessions could not be revoked on chain. */
  force?: boolean;
}

export type RemoveWalletReturnType = { removed: boolean } & ResetRevokeReport;

export interface RemoveWalletPreview {
  /** Active sessions on every network: each costs an on-chain revoke. */
  liveSessions: number;
  connectedSites: number;
}

export async function removeWalletPreview(s: Services): Promise<RemoveWalletPreview> {
  const [sessions, sites] = await Promise.all([s.sessions.all(), s.connections.all()]);
  return { liveSessions: sessions.filter((x) => x.status === 'active').length, connectedSites: Object.keys(sites).length };
}

export async function removeWallet(s: Services, { password, force = false }: RemoveWalletParameters): Promise<RemoveWalletReturnType> {
  // The vault's own unlock checks the password, with its backoff after wrong ones; the popup's word
  // is never taken. Unlocked is also what the on-chain revokes need (the owner signs them).
  await s.vault.unlock(password);
  const report = await s.sessions.revokeAllForReset((id) => s.networks.byId(id));
  if (report.failed.length > 0 && !force) return { removed: false, ...report };

  // Sites first, so nothing a site asks from here on finds a connection; then what is waiting.
  const origins = await s.connections.clear();
  await s.approvals.rejectAll();
  await s.sessions.clear();
  await s.bundles.clear();
  await s.backends.apiKeys.clear();
  // The sealing key last but one: once it is gone nothing it sealed (a leftover copy of a session key
  // or the API key) can be opened again; the legacy device key goes with it.
  await forgetSealingKey();
  await s.sessions.keys.retireDeviceKey();
  await s.vault.reset();
  await broadcast('accountsChanged', [], (origin) => origins.includes(origin));
  return { removed: true, ...report };
}
