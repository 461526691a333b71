// A dApp's session request, for the owner to read and narrow: optional permissions can be left
// out, and the expiry shortened (never lengthened: the wallet already capped it).
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { formatEther, type Hex } from 'viem';
import type { GrantScopeView } from '../../permissions/erc7715';
import { functionLabel, tokenMovingFunctions } from '../../permissions/known-functions';
import { describeCall } from '../describe-call';

export type { GrantScopeView };

type Item = GrantScopeView['items'][number];
type Fn = { selector: Hex; signature?: string };

/**
 * Functions by the wallet's own name (the known-functions table), the selector always beside it:
 * a name the site sent is only shown, marked as the site's, when the wallet knows none.
 */
function Functions({ list }: { list: unknown }) {
  const fns = Array.isArray(list) ? (list as Fn[]) : [];
  return (
    <>
      {fns.map((f, i) => {
        const label = functionLabel(f);
        return (
          <span key={f.selector}>
            {i > 0 && ', '}
            <span class={label.category === 'token-moving' || label.category === 'account-control' ? 'fn-danger' : undefined}>{label.name}</span>{' '}
            <code class="fn-selector">{label.selector}</code>
            {!label.trusted && label.name !== 'unknown function' && <span class="small muted"> (name given by the site)</span>}
          </span>
        );
      })}
    </>
  );
}

function describe(p: Item['permissions'][number], chainId: number): ComponentChildren {
  const d = ('data' in p ? p.data : {}) as Record<string, unknown>;
  const name = (a: unknown) => (typeof a === 'string' ? describeCall(chainId, { to: a as `0x${string}`, value: 0n, data: '0x' }).target : '?');
  switch (p.type) {
    case 'root':
      return 'Full access to the account (root)';
    case 'native-token-transfer':
      return `Spend up to ${formatEther(BigInt(d.allowance as string))} ETH`;
    case 'erc20-token-transfer':
      return `Transfer up to ${formatEther(BigInt(d.allowance as string))} of ${name(d.address)}`;
    case 'contract-access':
      return `Call any function of ${name(d.address)}`;
    case 'functions-on-contract':
      return (
        <>
          Call <Functions list={d.functions} /> on {name(d.address)}
        </>
      );
    case 'functions-on-all-contracts':
      return (
        <>
          Call <Functions list={d.functions} /> on any contract
        </>
      );
    case 'account-functions':
      return (
        <>
          Call <Functions list={d.functions} /> on your account
        </>
      );
    default:
      return p.type;
  }
}

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
  const now = Math.floor(Date.now() / 1000);
  const minutes = Math.round((expiry - now) / 60);
  return (
    <div class="stack" data-testid="grant-details">
      <p class="small muted">
        A new key, kept by the wallet, will act for your account <strong>only</strong> within these limits, which{' '}
        {backend === 'alchemy' ? "Alchemy's Wallet API and your account enforce" : 'the chain enforces'}. Calls inside them need no further approval.
      </p>
      {backend === 'alchemy' && (
        <p class="small" data-testid="grant-backend">
          Granted through Alchemy's Wallet API. Revoking deletes the key from this wallet; the grant itself ends at the expiry.
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
                    {describe(p, chainId)}
                  </span>
                ))}
                {!item.supported && <span class="small"> (not supported: {item.note})</span>}
                <span class="small muted">{item.required ? ' · required' : ' · optional'}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      {(scope.callLimit !== undefined || scope.gasLimit !== undefined) && (
        <div class="small" data-testid="grant-session-limits">
          {scope.callLimit !== undefined && <p data-testid="grant-call-limit">At most {scope.callLimit} calls in the whole session, whatever you untick.</p>}
          {scope.gasLimit !== undefined && (
            <p data-testid="grant-gas-limit">
              {backend === 'alchemy'
                ? `Uses up to ${formatEther(BigInt(scope.gasLimit))} ETH of your account's ETH for gas.`
                : `Gas stipend up to ${formatEther(BigInt(scope.gasLimit))} ETH, paid by you now, the rest returned at the end.`}
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
      <p class="small muted">Ends {new Date(expiry * 1000).toLocaleString()}; you can revoke it any time in the wallet.</p>
    </div>
  );
}
