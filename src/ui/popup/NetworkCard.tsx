import type { WalletStatus } from '../../background/status';
import { shortAddress } from '../format';

/** `plain`: for someone without a wallet yet (onboarding, lock screen): no RPC URL, contract address or terminal command. */
export function NetworkCard({ status, plain = false }: { status: WalletStatus & { backend?: { kind: 'delegation' } | { kind: 'alchemy'; url: string; customUrl: boolean } }; plain?: boolean }) {
  const { chain, node, framework, backend } = status;
  return (
    <section class="card" aria-labelledby="network-title" data-testid="network-card">
      <div class="row">
        <h2 id="network-title">Network</h2>
        <span class="pill">Chain {chain.id}</span>
      </div>
      <dl class="facts">
        <dt>Name</dt>
        <dd>{chain.name}</dd>
        {!plain && (
          <>
            <dt>RPC</dt>
            <dd class="mono">{chain.rpcUrl}</dd>
          </>
        )}
        <dt>Node</dt>
        <dd data-testid="node-status">
          {node.reachable ? (
            <span class="pill ok">Block {node.blockNumber.toLocaleString('en-US')}</span>
          ) : (
            <span class="pill danger" title={node.message}>Unreachable</span>
          )}
        </dd>
        <dt>Backend</dt>
        <dd data-testid="network-backend">
          {backend?.kind === 'alchemy' ? (
            <span class="pill" title={backend.url}>Alchemy Wallet API{backend.customUrl ? ' (custom URL)' : ''}</span>
          ) : (
            'Delegation Framework'
          )}
        </dd>
        {framework && backend?.kind !== 'alchemy' && (
          <>
            <dt>Delegation Framework</dt>
            <dd data-testid="framework-status">
              {framework.deployed ? (
                <span class="pill ok" title={plain ? undefined : framework.delegationManager}>
                  {plain ? 'Deployed' : `Deployed · ${shortAddress(framework.delegationManager)}`}
                </span>
              ) : (
                <span class="pill warn">Not found</span>
              )}
            </dd>
          </>
        )}
      </dl>
      {!node.reachable && chain.kind === 'devnet' && !plain && (
        <p class="muted small">Start the local devnet with <code>npm run devnet</code> (or <code>npm start</code>).</p>
      )}
    </section>
  );
}
