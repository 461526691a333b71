// Ending sessions: revoke (by the owner or a site), expiry (the alarm's housekeeping) and Remove
// wallet's pass over every session. The session signs nothing from the moment its status changes;
// the backend that granted it then revokes on chain what it can and returns what the key holds,
// and the key is deleted only once that is done.
import type { Hex, LocalAccount } from 'viem';
import type { Backends } from '../backends/choice';
import { latestBlockTime, sessionClock } from '../chains/clock';
import type { ChainConfig } from '../chains/registry';
import { ResourceUnavailableError } from '../errors';
import type { Vault } from '../vault/vault';
import type { ResetRevokeReport, SessionRecord } from './record';
import type { SessionStore } from './store';

export type ChainsById = (id: number) => Promise<ChainConfig | undefined>;

export class SessionEnding {
  constructor(
    private readonly store: SessionStore,
    private readonly backends: Backends,
    private readonly vault: Pick<Vault, 'ownerAccount'>,
    private readonly openKey: (s: SessionRecord) => Promise<LocalAccount>,
  ) {}

  async revokeAll(chain: ChainConfig, origin?: string): Promise<SessionRecord[]> {
    const active = (await this.store.all()).filter((s) => s.status === 'active' && s.chainId === chain.id && (!origin || s.origin === origin));
    const out: SessionRecord[] = [];
    for (const s of active) out.push(await this.end(chain, s.id, 'revoked'));
    return out;
  }

  /**
   * Housekeeping, from the alarm every minute: expired sessions are marked expired (kept in the
   * list), their keys deleted and stipends returned. Expiry is judged by the session clock
   * (chains/clock.ts: the latest block, or the wall clock minus a margin when the chain is idle).
   */
  async sweepExpired(chainsById: ChainsById): Promise<number> {
    const active = (await this.store.all()).filter((s) => s.status === 'active');
    const clock = new Map<number, number>();
    let n = 0;
    for (const s of active) {
      const chain = await chainsById(s.chainId);
      if (!chain) continue;
      if (!clock.has(s.chainId)) clock.set(s.chainId, sessionClock(await latestBlockTime(chain)));
      if (s.scope.expiry > clock.get(s.chainId)!) continue; // as stored: an old scope must still expire
      await this.end(chain, s.id, 'expired').catch((e) => console.warn('[wallet] expiring a session failed', e));
      n++;
    }
    return n;
  }

  async end(chain: ChainConfig, id: string, status: 'revoked' | 'expired'): Promise<SessionRecord> {
    return this.store.withSession(id, async () => {
      const s = await this.store.get(id);
      if (!s) throw new ResourceUnavailableError('No such session.');
      if (s.status !== 'active') return s;
      // From here on the session signs nothing: every use checks the status first.
      const ended: SessionRecord = { ...s, status, endedAt: Date.now() };
      await this.store.save(ended);
      const backend = await this.backends.forSession(chain, s);
      const notes: string[] = [];
      if (status === 'revoked') {
        const revoked = await backend.revoke(s, () => this.vault.ownerAccount());
        if (revoked.hash) ended.revokeTx = revoked.hash;
        if (revoked.note) notes.push(revoked.note);
      }
      const released = await backend.release(ended, () => this.openKey(ended));
      if (released.note) notes.push(released.note);
      const final: SessionRecord = { ...ended, ...(released.hash ? { sweepTx: released.hash } : {}), sealedKey: released.done ? null : ended.sealedKey, ...(notes.length ? { note: notes.join(' ') } : {}) };
      await this.store.save(final);
      return final;
    });
  }

  /**
   * Remove wallet: ends every session of the wallet on every chain while the owner key is still
   * there to sign the on-chain revokes. Active sessions are revoked; ended ones that are still live
   * on chain and were never revoked there are revoked now, and stipends that could not be returned
   * earlier are tried again. Then the chain itself is asked whether each is revoked, so the report
   * says what is true on chain, not what was attempted. Nothing is deleted here: `clear()` does
   * that once the owner has seen the report.
   */
  async revokeAllForReset(chainsById: ChainsById): Promise<ResetRevokeReport> {
    const report: ResetRevokeReport = { revoked: 0, failed: [] };
    for (const listed of await this.store.all()) {
      const chain = await chainsById(listed.chainId);
      const fail = (reason: string, stipendLeft?: bigint) =>
        report.failed.push({ id: listed.id, origin: listed.origin, chainId: listed.chainId, expiry: listed.scope.expiry, reason, ...(stipendLeft ? { stipendLeft: stipendLeft.toString() } : {}) });
      if (!chain) {
        if (listed.status === 'active' || listed.sealedKey) fail(`The wallet no longer knows network ${listed.chainId}, so nothing could be sent there.`);
        continue;
      }
      const backend = await this.backends.forSession(chain, listed);
      const live = backend.endsOnChain && listed.scope.expiry > sessionClock(await latestBlockTime(chain));
      if (listed.status === 'active') {
        report.revoked++;
        await this.end(chain, listed.id, 'revoked');
      } else if (live && !listed.revokeTx) {
        report.revoked++;
        await this.store.withSession(listed.id, async () => {
          const current = (await this.store.get(listed.id))!;
          const revoked = await backend.revoke(current, () => this.vault.ownerAccount());
          await this.store.save({ ...current, ...(revoked.hash ? { revokeTx: revoked.hash } : {}), ...(revoked.note ? { note: revoked.note } : {}) });
        });
      }
      await this.retrySweeps(async (id) => (id === chain.id ? chain : undefined), listed.id);
      const s = (await this.store.get(listed.id))!;
      const reasons: string[] = [];
      if (live) {
        const revoked = await backend.revokedOnChain(s);
        if (revoked === null) reasons.push(`${chain.name} could not be reached.`);
        else if (!revoked) reasons.push(`The revoke did not go through on ${chain.name}.`);
      }
      let stipendLeft: bigint | undefined;
      if (s.sealedKey && backend.endsOnChain) {
        stipendLeft = await backend.stipendLeft(s);
        reasons.push('Its unused gas money could not be returned to you.');
      }
      if (reasons.length) fail(reasons.join(' '), stipendLeft);
    }
    return report;
  }

  /** Retries stipend returns that failed (node down, fees spiking). */
  async retrySweeps(chainsById: ChainsById, only?: Hex): Promise<void> {
    for (const s of await this.store.all()) {
      if (s.status === 'active' || !s.sealedKey || (only && s.id !== only)) continue;
      const chain = await chainsById(s.chainId);
      if (!chain) continue;
      await this.store.withSession(s.id, async () => {
        const current = await this.store.get(s.id);
        if (!current?.sealedKey) return;
        const released = await (await this.backends.forSession(chain, current)).release(current, () => this.openKey(current));
        if (released.done) await this.store.save({ ...current, sealedKey: null, ...(released.hash ? { sweepTx: released.hash } : {}), note: current.note?.replace(/Returning the gas stipend failed[^;]*; it will be retried\./, '').trim() || undefined });
      });
    }
  }
}
