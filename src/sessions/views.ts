// The popup's list of sessions: a read only. A session past its expiry on the session clock is
// shown as expired (it covers nothing any more); the alarm's sweepExpired ends it on chain and
// returns its stipend, so polling the list every few seconds never sends a transaction.
import type { Backends } from '../backends/choice';
import { latestBlockTime, sessionClock } from '../chains/clock';
import type { ChainConfig } from '../chains/registry';
import { deserializeScope } from '../permissions/serialize';
import { allowancesNow } from './allowance-view';
import type { AllowanceNowView, SessionRecord, SessionView } from './record';

/** Newest first, with live usage for `chain`'s active sessions. */
export async function sessionViews(records: SessionRecord[], backends: Backends, chain: ChainConfig): Promise<SessionView[]> {
  const now = await latestBlockTime(chain);
  // Expiry by the session clock (chains/clock.ts): on an idle chain the latest block is old, and
  // a session would show time it no longer has; it also needs no node to say a session has ended.
  const clock = sessionClock(now);
  const out: SessionView[] = [];
  for (const s of records.slice().reverse()) {
    let usage: SessionView['usage'] = null;
    let stipendLeft: string | null = null;
    let allowances: AllowanceNowView[] = [];
    const live = s.chainId === chain.id && s.status === 'active';
    // The stored expiry is read as it is: a session granted under rules this version refuses (it
    // covers nothing: see Sessions.check) must still be listed, so the owner can revoke it.
    const expired = live && s.scope.expiry <= clock;
    if (live && !expired) {
      try {
        const scope = deserializeScope(s.scope);
        ({ usage, stipendLeft } = await (await backends.forSession(chain, s)).usageView(s, scope));
        // The same read's figures, no further chain call: what each allowance over time leaves now.
        if (now !== null) allowances = allowancesNow(scope.permissions, usage, now);
      } catch {
        // node unreachable, or a scope this version refuses: show the session without live figures
      }
    }
    out.push({ ...s, ...(expired ? { status: 'expired' as const } : {}), usage, stipendLeft, chainNow: now, allowances });
  }
  return out;
}
