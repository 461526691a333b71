// Activity: every call bundle a site sent, who signed it (a session or the owner), and its status.
import { useEffect, useState } from 'preact/hooks';
import { describeCall } from '../describe-call';
import { shortAddress } from '../format';
import { callWallet } from '../wallet-api';
import { changeLines, feeText } from '../simulation-text';
import type { SimulationResult } from '../../simulation/simulate';

type Bundle = Awaited<ReturnType<typeof callWallet<'activity.list'>>>[number];

/** What the owner saw simulated when approving, next to the receipt below it. */
function SimulatedAtApproval({ chainId, simulation }: { chainId: number; simulation: SimulationResult }) {
  if (simulation.ok === 'unknown') return <p class="small muted" data-testid="activity-simulation">Not simulated: {simulation.reason}</p>;
  const lines = changeLines(chainId, simulation.changes);
  return (
    <div class="small" data-testid="activity-simulation">
      <span class="muted">Simulated when you approved:</span>
      {simulation.ok === false && <span class="fn-danger"> would fail ({simulation.revert.reason})</span>}
      <ul class="small">
        {lines.length === 0 && <li class="muted">no change to your balances</li>}
        {lines.map((l, i) => (
          <li key={i} class={l.tone === 'in' ? 'change-in' : l.tone === 'neutral' ? 'muted' : 'fn-danger'} data-testid="activity-simulation-change">
            {l.text}
          </li>
        ))}
        {simulation.fee && <li class="muted">network fee ≈ {feeText(simulation.fee)}</li>}
      </ul>
    </div>
  );
}

export function ActivityTab({ highlight }: { highlight?: string | null }) {
  const [bundles, setBundles] = useState<Bundle[] | null>(null);
  useEffect(() => {
    const load = () => void callWallet('activity.list').then(setBundles, () => setBundles([]));
    load();
    const t = setInterval(load, 3000);
    return () => clearInterval(t);
  }, []);
  if (!bundles) return <p class="muted">Loading…</p>;
  if (bundles.length === 0) return <p class="muted">Nothing sent yet.</p>;
  return (
    <ul class="activity-list" data-testid="activity-list">
      {bundles.map((b) => (
        <li key={b.id} class={`card activity${highlight && b.id.toLowerCase() === highlight.toLowerCase() ? ' highlight' : ''}`} data-testid="activity-item" data-signer={b.signer} data-state={b.state}>
          <div class="row">
            <strong>{b.origin.replace(/^https?:\/\//, '')}</strong>
            <span class={`pill ${b.signer === 'session' ? 'ok' : ''}`}>{b.signer === 'session' ? 'Session' : 'Owner'}</span>
          </div>
          <ul class="small">
            {b.calls.slice(0, 3).map((c, i) => {
              const d = describeCall(b.chainId, c);
              return (
                <li key={i}>
                  {d.target} · <span class="mono">{d.action}</span>
                  {d.value ? ` · ${d.value}` : ''}
                </li>
              );
            })}
            {b.calls.length > 3 && <li class="muted">+{b.calls.length - 3} more</li>}
          </ul>
          {b.simulation && <SimulatedAtApproval chainId={b.chainId} simulation={b.simulation} />}
          {'contractAddress' in b && b.contractAddress && (
            <p class="small">
              Contract created at <span class="mono address" data-testid="activity-contract-address">{b.contractAddress}</span>
            </p>
          )}
          <p class="small muted mono">
            {b.state === 'failed'
              ? `Refused: ${b.error ?? ''}`
              : b.txHashes.length
                ? `Tx ${b.txHashes.map(shortAddress).join(', ')}`
                : b.alchemyId
                  ? 'Sent through Alchemy · waiting for the chain…'
                  : (b.error ?? 'Preparing…')}{' '}
            · {new Date(b.createdAt).toLocaleTimeString()}
          </p>
        </li>
      ))}
    </ul>
  );
}
