// The approval window: one per requesting origin. It shows the origin prominently, what is asked in
// plain words, and Approve / Reject. Requests from the same origin queue here. Closing the window
// rejects them (the background answers the dApp with 4001).
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { PendingApproval } from '../../approvals/types';
import { WALLET_ICON } from '../../provider/wallet-info';
import { Button, ErrorText } from '../components';
import { Unlock } from '../popup/Unlock';
import { callWallet } from '../wallet-api';
import { RequestDetails } from './RequestDetails';

type VaultState = Awaited<ReturnType<typeof callWallet<'vault.state'>>>;

const TITLES: Record<PendingApproval['request']['kind'], string> = {
  connect: 'Connect to this site?',
  switchChain: 'Switch network?',
  addChain: 'Add a network?',
  sendCalls: 'Send from your account?',
  signMessage: 'Sign a message?',
  signTypedData: 'Sign typed data?',
  grantPermissions: 'Grant a session?',
};

export function ApprovalApp({ origin }: { origin: string }) {
  const [pending, setPending] = useState<PendingApproval[] | null>(null);
  const [vault, setVault] = useState<VaultState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [edits, setEdits] = useState<unknown>(undefined);

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
  const decide = async (approved: boolean) => {
    if (!current) return;
    setError(null);
    try {
      await callWallet('approval.resolve', { id: current.id, approved, edits: approved ? edits : undefined });
      setEdits(undefined);
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
        {pending && pending.length > 1 && (
          <span class="pill" data-testid="approval-queue">
            1 of {pending.length}
          </span>
        )}
      </header>
      <main class="approval-main stack">
        <ErrorText error={error} testId="approval-error" />
        {vault?.status === 'locked' && current && <Unlock address={vault.address} retryAt={vault.retryAt} onUnlocked={refresh} />}
        {vault?.status === 'unlocked' && current && (
          <section class="card" data-testid="approval-card" data-kind={current.request.kind}>
            <h2>{TITLES[current.request.kind]}</h2>
            <RequestDetails request={current.request} onEdits={setEdits} />
            <div class="row actions">
              <Button variant="secondary" testId="approval-reject" onClick={() => decide(false)}>
                Reject
              </Button>
              <Button testId="approval-approve" onClick={() => decide(true)}>
                Approve
              </Button>
            </div>
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
