// The simulated result of a send, above its calls (as Rabby's "Simulation results" and MetaMask's
// "Estimated changes"): what leaves and arrives, who may spend what, the network fee, the account
// and the network. Still simulating: a spinner; a revert: red, with the reason, before approval;
// could not simulate: said plainly, never blocking.
import { getAddress, type Address } from 'viem';
import type { SimulationState } from '../../approvals/types';
import { changeLines, feeText } from '../simulation-text';

export function SimulationDetails({ chainId, simulation, account, chainName }: { chainId: number; simulation: SimulationState | undefined; account?: Address | undefined; chainName?: string | undefined }) {
  return (
    <div class="stack simulation" data-testid="simulation" data-state={simulation === undefined ? 'none' : String(simulation.ok)}>
      <strong class="small">Simulated result</strong>
      {(simulation === undefined || simulation.ok === 'pending') && (
        <p class="small muted" role="status" data-testid="simulation-pending">
          <span class="spinner" aria-hidden="true" />
          Simulating what this would do…
        </p>
      )}
      {simulation?.ok === 'unknown' && (
        <p class="small simulation-unknown" data-testid="simulation-unknown">
          <strong>Could not simulate this transaction.</strong> {simulation.reason} Check the calls below before you approve.
        </p>
      )}
      {simulation && simulation.ok === false && (
        <div class="warning" role="alert" data-testid="simulation-revert">
          <strong>This transaction would fail{simulation.revert.call ? ` at call ${simulation.revert.call}` : ''}</strong>
          <p data-testid="simulation-revert-reason">Reason: {simulation.revert.reason}</p>
          <p>
            Reject it unless you know the site expects this. Send anyway only helps if something changes first: the wallet checks again just before it
            signs, and sends nothing that still fails{simulation.revert.call ? ' (the calls before it are sent)' : ''}.
          </p>
        </div>
      )}
      {simulation && (simulation.ok === true || simulation.ok === false) && (
        <>
          {simulation.changes.length === 0 ? (
            <p class="small muted" data-testid="simulation-none">No change to your balances.</p>
          ) : (
            <ul class="simulation-changes" data-testid="simulation-changes">
              {changeLines(chainId, simulation.changes).map((line, i) => (
                <li key={i} class={`change-${line.tone}`} data-testid="simulation-change" data-tone={line.tone}>
                  {line.text}
                </li>
              ))}
            </ul>
          )}
          {simulation.partial && (
            <p class="small muted" data-testid="simulation-partial">
              {simulation.partial}
            </p>
          )}
        </>
      )}
      <dl class="facts small" data-testid="simulation-facts">
        <dt>Network fee</dt>
        <dd data-testid="simulation-fee">
          {simulation && (simulation.ok === true || simulation.ok === false) && simulation.fee ? `≈ ${feeText(simulation.fee)}` : simulation?.ok === 'pending' ? '…' : 'unknown'}
        </dd>
        {account && (
          <>
            <dt>From</dt>
            <dd class="mono address" data-testid="simulation-account">{getAddress(account)}</dd>
          </>
        )}
        {chainName && (
          <>
            <dt>Network</dt>
            <dd data-testid="simulation-network">{chainName}</dd>
          </>
        )}
      </dl>
    </div>
  );
}
