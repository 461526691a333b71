// A dApp's session request, for the owner to read and narrow: optional permissions can be left
// out, and the expiry shortened (never lengthened: the wallet already capped it).
import { useEffect, useState } from 'preact/hooks';
import type { GrantScopeView } from '../../permissions/erc7715';
import { describePermission } from '../../permissions/kinds';
import { tokenMovingFunctions } from '../../permissions/known-functions';
import { describeContext, describeSerialized, PermissionText } from '../permission-text';

export type { GrantScopeView };

type Item = GrantScopeView['items'][number];

/** Token-moving functions the session could call on every contract, among the items still ticked. */
function tokenMovingEverywhere(items: readonly Item[], omit: readonly number[]): string[] {
  const names = items
    .filter((i) => i.supported && !omit.includes(i.index))
    .flatMap((i) => i.permissions)
    .flatMap((p) => (p.type === 'functions-on-all-contracts' ? tokenMovingFunctions(p.data.functions).map((f) => f.name) : []));
  return [...new Set(names)];
}

const SHORTER = [
  { label: '15 min', seconds: 15 * 60 },
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86400 },
];

export function GrantDetails({ scope, chainId, backend, onEdits }: { scope: GrantScopeView; chainId: number; backend: 'delegation' | 'alchemy'; onEdits: (e: unknown) => void }) {
  const [omit, setOmit] = useState<number[]>([]);
  const [expiry, setExpiry] = useState(scope.expiry);
  const [confirmed, setConfirmed] = useState(false);
  const risky = tokenMovingEverywhere(scope.items, omit);
  // The background refuses the grant (4001) unless this tick is sent with the approval.
  // `confirmationMissing` is for the window only (it keeps Approve disabled); the background checks
  // `confirmTokenMovingEverywhere` itself and refuses the grant without it.
  useEffect(
    () => onEdits({ omit, expiry, confirmTokenMovingEverywhere: risky.length > 0 && confirmed, confirmationMissing: risky.length > 0 && !confirmed }),
    [omit, expiry, confirmed, risky.length],
  );
  // The approval window is not told the chain's ticker; ETH, as for the calls it shows.
  const ctx = describeContext(chainId, 'ETH', backend);
  const gas = scope.gasLimit === undefined ? undefined : describePermission({ type: 'gas-limit', data: { limit: BigInt(scope.gasLimit) } }, ctx);
  const now = Math.floor(Date.now() / 1000);
  const minutes = Math.round((expiry - now) / 60);
  return (
    <div class="stack" data-testid="grant-details">
      {scope.heldBy ? (
        // A dApp-held key: the site itself spends within the limits; say so before anything else.
        <div class="small" data-testid="grant-holder" data-holder="dapp">
          <p>
            <strong>The site's own account will hold this permission</strong> and can spend from your account within these limits, with no further
            approval from you.{' '}
            {backend === 'alchemy'
              ? // Alchemy's session calls are operations of your own account: its ETH (or the gas sponsor) pays their gas.
                "Alchemy's Wallet API and your account enforce the limits; the gas of the site's calls is paid from your account (or by your gas policy)."
              : 'The chain enforces the limits; the site pays its own gas.'}
          </p>
          <p class="mono" style={{ overflowWrap: 'anywhere' }} data-testid="grant-holder-address">
            {scope.heldBy}
          </p>
          {backend === 'alchemy' ? (
            // Alchemy keeps the grant installed until it expires and the site holds the key: the
            // wallet cannot take it back, and the owner must know that before approving.
            <p data-testid="grant-holder-irrevocable">
              <strong>You cannot take this back before it ends.</strong> Alchemy keeps the grant on your account until the expiry below, and the site
              holds the key.
            </p>
          ) : (
            <p class="muted">You can revoke it any time in the wallet; revoking is a transaction your account pays for.</p>
          )}
        </div>
      ) : (
        <p class="small muted" data-testid="grant-holder" data-holder="wallet">
          A new key, kept by the wallet, will act for your account <strong>only</strong> within these limits, which{' '}
          {backend === 'alchemy' ? "Alchemy's Wallet API and your account enforce" : 'the chain enforces'}. Calls inside them need no further approval.
        </p>
      )}
      {backend === 'alchemy' && (
        <p class="small" data-testid="grant-backend">
          Granted through Alchemy's Wallet API.{' '}
          {scope.heldBy ? 'The site signs its own calls with its key.' : 'Revoking deletes the key from this wallet; the grant itself ends at the expiry.'}
        </p>
      )}
      <ul class="grant-items">
        {scope.items.map((item) => (
          <li key={item.index} class={item.supported ? '' : 'muted'}>
            <label class="check">
              <input
                type="checkbox"
                data-testid={`grant-item-${item.index}`}
                disabled={item.required || !item.supported}
                checked={item.supported && !omit.includes(item.index)}
                onChange={(e) => setOmit((e.target as HTMLInputElement).checked ? omit.filter((i) => i !== item.index) : [...omit, item.index])}
              />
              <span>
                {item.permissions.map((p, i) => (
                  <span key={i} class="grant-line">
                    <PermissionText description={describeSerialized(p, ctx)} />
                  </span>
                ))}
                {!item.supported && <span class="small"> (not supported: {item.note})</span>}
                <span class="small muted">{item.required ? ' · required' : ' · optional'}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      {scope.redeemers && (
        // The redeemer rule: who may send the transactions that use the permission (RedeemerEnforcer).
        <div class="small" data-testid="grant-redeemers">
          <p>
            <strong>Only {scope.redeemers.length === 1 ? 'this address' : `these ${scope.redeemers.length} addresses`} can use this permission</strong>; the
            chain refuses any other sender:
          </p>
          {scope.redeemers.map((r) => (
            <p key={r} class="mono" style={{ overflowWrap: 'anywhere' }} data-testid="grant-redeemer">
              {r}
            </p>
          ))}
        </div>
      )}
      {(scope.callLimit !== undefined || scope.gasLimit !== undefined) && (
        <div class="small" data-testid="grant-session-limits">
          {scope.callLimit !== undefined && <p data-testid="grant-call-limit">At most {scope.callLimit} calls in the whole session, whatever you untick.</p>}
          {gas && (
            <p data-testid="grant-gas-limit">
              <PermissionText description={gas} />
            </p>
          )}
        </div>
      )}
      {risky.length > 0 && (
        <div class="grant-danger" role="alert" data-testid="grant-token-warning">
          <p>
            <strong>This site could move or approve away any of your tokens, on every token contract</strong>, with no further question:{' '}
            {risky.join(', ')}. A site that asks for this can empty your token balances.
          </p>
          <label class="check">
            <input type="checkbox" data-testid="grant-token-confirm" checked={confirmed} onChange={(e) => setConfirmed((e.target as HTMLInputElement).checked)} />
            <span>I understand: this site may move or give away all my tokens.</span>
          </label>
          {!confirmed && <p class="small">Approve grants nothing until you tick this.</p>}
        </div>
      )}
      <div class="presets">
        <span class="small muted">Expires in {minutes >= 120 ? `${Math.round(minutes / 60)} h` : `${minutes} min`}:</span>{' '}
        {SHORTER.filter((p) => now + p.seconds < scope.expiry).map((p) => (
          <button key={p.label} type="button" class={expiry === now + p.seconds ? 'tab active' : 'tab'} data-testid={`grant-expiry-${p.seconds}`} onClick={() => setExpiry(now + p.seconds)}>
            {p.label}
          </button>
        ))}
        <button type="button" class={expiry === scope.expiry ? 'tab active' : 'tab'} onClick={() => setExpiry(scope.expiry)}>
          As asked
        </button>
      </div>
      <p class="small muted">
        Ends {new Date(expiry * 1000).toLocaleString()};{' '}
        {scope.heldBy && backend === 'alchemy' ? 'it cannot be revoked before then.' : 'you can revoke it any time in the wallet.'}
      </p>
    </div>
  );
}
