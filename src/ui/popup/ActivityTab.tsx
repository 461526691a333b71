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
        {simulation.partial && <li class="muted">estimated only: the node could not simulate it in full</li>}
      </ul>
    </div>
  );
}

type OwnerAction = Awaited<ReturnType<typeof callWallet<'activity.owner'>>>[number];
type Row = { at: number; bundle: Bundle } | { at: number; owner: OwnerAction };

const when = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function ActivityTab({ highlight }: { highlight?: string | null }) {
  const [bundles, setBundles] = useState<Bundle[] | null>(null);
  const [owner, setOwner] = useState<OwnerAction[]>([]);
  const [networks, setNetworks] = useState<Map<number, string>>(new Map());
  useEffect(() => {
    const load = () => {
      void callWallet('activity.list').then(setBundles, () => setBundles([]));
      void callWallet('activity.owner').then(setOwner, () => setOwner([]));
    };
    void callWallet('network.list').then((n) => setNetworks(new Map(n.chains.map((c) => [c.id, c.name]))), () => undefined);
    load();
    const t = setInterval(load, 3000);
    return () => clearInterval(t);
  }, []);
  if (!bundles) return <p class="muted">Loading…</p>;
  if (bundles.length === 0 && owner.length === 0) return <p class="muted">Nothing sent yet.</p>;
  const network = (id: number) => networks.get(id) ?? `chain ${id}`;
  // The sites' bundles and the owner's own actions, one timeline, newest first.
  const rows: Row[] = [...bundles.map((b) => ({ at: b.createdAt, bundle: b })), ...owner.map((o) => ({ at: o.at, owner: o }))].sort((a, b) => b.at - a.at);
  return (
    <ul class="activity-list" data-testid="activity-list">
      {rows.map((row) =>
        'owner' in row ? (
          <li key={`o${row.at}${row.owner.kind}`} class="card activity" data-testid="activity-owner-item" data-kind={row.owner.kind}>
            <div class="row">
              <strong>{row.owner.summary}</strong>
              <span class="pill">You</span>
            </div>
            <p class="small muted" data-testid="activity-when">
              {row.owner.hash ? <span class="mono">Tx {shortAddress(row.owner.hash)} · </span> : null}
              {when(row.owner.at)} · {row.owner.network}
            </p>
          </li>
        ) : (
          <BundleRow key={row.bundle.id} b={row.bundle} highlight={highlight} network={network(row.bundle.chainId)} />
        ),
      )}
    </ul>
  );
}

function BundleRow({ b, highlight, network }: { b: Bundle; highlight?: string | null | undefined; network: string }) {
  return (
        <li class={`card activity${highlight && b.id.toLowerCase() === highlight.toLowerCase() ? ' highlight' : ''}`} data-testid="activity-item" data-signer={b.signer} data-state={b.state}>
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
            · <span data-testid="activity-when">{when(b.createdAt)} · {network}</span>
          </p>
        </li>
  );
}
