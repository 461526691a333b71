// The approval window: one per requesting origin. It shows the origin prominently, what is asked in
// plain words, and Approve / Reject. Requests from the same origin queue here. Closing the window
// rejects them (the background answers the dApp with 4001).
//
// A request is answered only on purpose: the buttons wait APPROVE_DELAY_MS after a request is on
// screen in a focused window, and Approve takes only a click that started on it after that (a fresh
// pointer-down or key press). So a double click, a second click a moment later, or a held Enter
// meant for one request cannot land on the next one that slides in under the cursor.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { PendingApproval } from '../../approvals/types';
import { WALLET_ICON } from '../../provider/wallet-info';
import { Button, ErrorText } from '../components';
import { Unlock } from '../popup/Unlock';
import { callWallet } from '../wallet-api';
import type { ApproveGuard } from './DangerBanner';
import { RequestDetails } from './RequestDetails';
import { AccountLine } from './AccountLine';

type VaultState = Awaited<ReturnType<typeof callWallet<'vault.state'>>>;

const TITLES: Record<PendingApproval['request']['kind'], string> = {
  connect: 'Connect to this site?',
  switchChain: 'Switch network?',
  addChain: 'Add a network?',
  sendCalls: 'Send from your account?',
  signMessage: 'Sign a message?',
  signTypedData: 'Sign typed data?',
  watchAsset: 'Add a token to your wallet?',
  grantPermissions: 'Grant a session?',
};

/** The window's question; a send that creates a contract says so. */
function titleOf(request: PendingApproval['request']): string {
  if (request.kind === 'sendCalls' && request.calls.some((c) => c.to === undefined)) return 'Deploy a contract?';
  return TITLES[request.kind];
}

/**
 * How long a request must be on screen, in a focused window, before Approve and Reject take a click:
 * longer than a double click or a quick second click aimed at the previous request, short enough
 * not to slow down someone reading it.
 */
export const APPROVE_DELAY_MS = 800;

/**
 * True once the request `key` has been shown for APPROVE_DELAY_MS while the window had focus.
 * Tied to the key itself, so the render that shows a new request is never ready; losing focus
 * starts the pause again.
 */
function useReviewPause(key: string | undefined): boolean {
  const [readyFor, setReadyFor] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (key === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const start = () => {
      clearTimeout(timer);
      setReadyFor(undefined);
      if (document.hasFocus()) timer = setTimeout(() => setReadyFor(key), APPROVE_DELAY_MS);
    };
    const stop = () => {
      clearTimeout(timer);
      setReadyFor(undefined);
    };
    start();
    window.addEventListener('focus', start);
    window.addEventListener('blur', stop);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('focus', start);
      window.removeEventListener('blur', stop);
    };
  }, [key]);
  return key !== undefined && readyFor === key;
}

export function ApprovalApp({ origin }: { origin: string }) {
  const [pending, setPending] = useState<PendingApproval[] | null>(null);
  const [vault, setVault] = useState<VaultState | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** What the owner changed in a request (grant narrowing, ticks), tagged with the request it belongs to. */
  const [editsOf, setEditsOf] = useState<{ id: string; value: unknown } | undefined>(undefined);
  /** How the shown request's Approve reads and whether it waits (danger, typed data unread), tagged like editsOf. */
  const [guardOf, setGuardOf] = useState<{ id: string; value: ApproveGuard } | undefined>(undefined);
  /** Requests answered in this window, to number the queue ("2 of 3"). */
  const [answered, setAnswered] = useState(0);
  const [busy, setBusy] = useState(false);
  /** The request whose Approve button was pressed (pointer or key) after it became ready. */
  const armedFor = useRef<string | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      const [list, v] = await Promise.all([callWallet('approval.list', { origin }), callWallet('vault.state')]);
      setPending(list);
      setVault(v);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [origin]);

  useEffect(() => {
    void refresh();
    const t = setInterval(refresh, 1000);
    return () => clearInterval(t);
  }, [refresh]);

  const current = pending?.[0];
  // Only the shown request's own edits count: the next request may already have published its own.
  const edits = current && editsOf?.id === current.id ? editsOf.value : undefined;
  /** A danger the owner must tick before approving (e.g. token-moving functions on every contract). */
  const confirmationMissing = typeof edits === 'object' && edits !== null && (edits as { confirmationMissing?: unknown }).confirmationMissing === true;
  const guard: ApproveGuard = (current && guardOf?.id === current.id ? guardOf.value : undefined) ?? {};
  const showing = vault?.status === 'unlocked' ? current?.id : undefined;
  const ready = useReviewPause(showing);
  const total = answered + (pending?.length ?? 0);
  // A send the simulation says would fail can still be sent (the simulation may be wrong, as
  // MetaMask allows too), but the button says what it does.
  const wouldFail = current?.request.kind === 'sendCalls' && current.request.simulation?.ok === false;
  const position = answered + 1;

  const decide = async (approved: boolean) => {
    if (!current || !ready || busy) return;
    armedFor.current = undefined;
    setError(null);
    setBusy(true);
    try {
      await callWallet('approval.resolve', { id: current.id, approved, edits: approved ? edits : undefined });
      setAnswered((n) => n + 1);
      await refresh();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const arm = () => {
    if (current && ready && !busy) armedFor.current = current.id;
  };
  // Escape rejects the request on screen, as closing the window would: under the same review pause
  // and never on a held key, so an Escape meant for one request cannot answer the next.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.repeat) void decide(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  const rejectAll = async () => {
    setError(null);
    try {
      await callWallet('approval.rejectAll', { origin });
      await refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div class="approval">
      <header class="approval-header">
        <img src={WALLET_ICON} width={24} height={24} alt="" />
        <div class="origin-block">
          <span class="muted small">Request from</span>
          <strong class="origin" data-testid="approval-origin">
            {origin}
          </strong>
        </div>
        {pending && pending.length > 0 && total > 1 && (
          <span class="pill" data-testid="approval-queue">
            {position} of {total}
          </span>
        )}
      </header>
      <main class="approval-main stack">
        <ErrorText error={error} testId="approval-error" />
        {vault?.status === 'locked' && current && <Unlock address={vault.address} retryAt={vault.retryAt} onUnlocked={refresh} />}
        {vault?.status === 'unlocked' && current && position > 1 && (
          <p class="next-request" role="status" data-testid="approval-next" key={`next-${current.id}`}>
            Next request from <strong>{origin}</strong> ({position} of {total}). Read it before you answer.
          </p>
        )}
        {vault?.status === 'unlocked' && current && (
          <section class="card queued-card" data-testid="approval-card" data-kind={current.request.kind} key={current.id}>
            <h2>{titleOf(current.request)}</h2>
            {(current.request.kind === 'connect' || current.request.kind === 'signMessage' || current.request.kind === 'signTypedData') && <AccountLine address={vault.address} />}
            <RequestDetails
              request={current.request}
              onEdits={(value) => setEditsOf({ id: current.id, value })}
              onGuard={(value) => setGuardOf({ id: current.id, value })}
            />
            <div class="row actions">
              <Button variant="secondary" testId="approval-reject" disabled={!ready || busy} onClick={() => decide(false)}>
                Reject
              </Button>
              <button
                type="button"
                data-testid="approval-approve"
                class={wouldFail || guard.danger ? 'danger' : undefined}
                data-danger={guard.danger ? 'true' : undefined}
                disabled={!ready || busy || confirmationMissing || guard.blocked === true}
                aria-busy={busy}
                onPointerDown={(e) => e.isPrimary && e.button === 0 && arm()}
                onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && !e.repeat && arm()}
                onClick={() => {
                  // Only a press that began on this button after it became ready approves.
                  if (armedFor.current === current.id) void decide(true);
                }}
              >
                {busy ? <span class="spinner" aria-hidden="true" /> : null}
                {wouldFail ? 'Send anyway' : (guard.label ?? 'Approve')}
              </button>
            </div>
            {/* Kept in the layout when hidden, so nothing moves when the buttons unlock. */}
            <p class="muted small" data-testid="approval-wait" style={{ visibility: ready ? 'hidden' : 'visible' }} aria-hidden={ready}>
              Take a moment to read it: the buttons unlock shortly.
            </p>
            {pending!.length > 1 && (
              <Button variant="secondary" testId="approval-reject-all" onClick={rejectAll}>
                Reject all {pending!.length} requests from this site
              </Button>
            )}
          </section>
        )}
        {pending && pending.length === 0 && (
          <section class="card" data-testid="approval-empty">
            <p class="muted">Nothing is waiting for your approval.</p>
            <Button variant="secondary" onClick={() => window.close()}>
              Close
            </Button>
          </section>
        )}
      </main>
    </div>
  );
}
