// The owner's account: address, balance, chain, and what the chain says the account is (plain EOA,
// upgraded to the Delegation Framework, or delegated to foreign code), with the 7702 upgrade and undo.
import { useState } from 'preact/hooks';
import { formatEther, type Hex } from 'viem';
import { Button, CopyButton, ErrorText, TxProgress } from '../components';
import { shortAddress } from '../format';
import { callWallet } from '../wallet-api';

type View = Awaited<ReturnType<typeof callWallet<'account.view'>>> & { cached?: true };

/**
 * `view.cached`: the figures the worker kept from its last read, drawn at once while the chain is
 * read again. They are labelled as such, and the buttons that act on the account's state wait for
 * the fresh read (an upgrade offered to an account that is upgraded already would be wrong).
 */
export function AccountCard({ view, onChanged }: { view: View; onChanged: () => void }) {
  const { account, chain } = view;
  const stale = view.cached === true;
  const [tx, setTx] = useState<{ hash: Hex; label: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The upgrade is a transaction the account pays for: with no ETH the owner needs to know how to go on, not the node's words.
  const [needsFunds, setNeedsFunds] = useState(false);
  const run = (label: string, method: 'account.upgrade' | 'account.undelegate') => async () => {
    setError(null);
    setNeedsFunds(false);
    try {
      const { hash } = await callWallet(method);
      setTx({ hash, label });
    } catch (e) {
      const message = (e as Error).message;
      if (BigInt(account.balance) === 0n || /enough ETH|insufficient funds/i.test(message)) setNeedsFunds(true);
      else setError(message);
    }
  };
  // Undo upgrade with live sessions: the count (and sites) to confirm before they are revoked.
  const [undoWarning, setUndoWarning] = useState<{ liveSessions: number; origins: string[] } | null>(null);
  const undo = async () => {
    setError(null);
    try {
      const preview = await callWallet('account.undelegatePreview');
      if (preview.liveSessions > 0) setUndoWarning(preview);
      else await run('Undo upgrade', 'account.undelegate')();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const d = account.delegation;
  return (
    <section class="card" aria-labelledby="account-title" data-testid="account-card">
      <div class="row">
        <h2 id="account-title">Account</h2>
        <DelegationPill kind={d.kind} />
      </div>
      <div class="row">
        <span class="mono address" data-testid="account-address" title={account.address}>
          {account.address}
        </span>
        <CopyButton text={account.address} label="Copy address" />
      </div>
      <div class={stale ? 'balance stale' : 'balance'} data-testid="account-balance" data-state={stale ? 'cached' : 'fresh'} data-wei={account.balance}>
        {Number(formatEther(BigInt(account.balance))).toLocaleString('en-US', { maximumFractionDigits: 4 })} <span class="muted">{chain.nativeCurrency.symbol}</span>
        <span class="muted small"> on {chain.name}</span>
      </div>
      {stale && (
        <p class="small muted" aria-busy="true" data-testid="balance-refreshing">
          <span class="spinner" aria-hidden="true" /> Last known balance ({new Date(view.readAt).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })}), updating from the network…
        </p>
      )}
      {view.activeSessions > 0 && (
        <p class="small muted" data-testid="account-sessions">
          {view.activeSessions} active {view.activeSessions === 1 ? 'session' : 'sessions'}: {view.activeSessions === 1 ? 'a site' : 'sites'} you approved can send from this account within the limits you set, without asking (Sessions tab).
        </p>
      )}

      {d.kind === 'none' && (
        <div class="callout">
          <p>
            <strong>Upgrade to a smart account</strong> (EIP-7702) so apps can get session keys with on-chain limits. Your address stays the same; you can undo it.
          </p>
          {account.frameworkImplementation ? (
            <Button testId="upgrade" disabled={stale || (tx !== null && !tx.label.startsWith('Undo'))} onClick={run('Upgrade', 'account.upgrade')}>
              Upgrade account
            </Button>
          ) : (
            <p class="small muted">The Delegation Framework is not deployed on {chain.name}. Choose the Alchemy backend in Settings to use it here.</p>
          )}
        </div>
      )}
      {d.kind === 'framework' && (
        <div class="callout ok">
          <p>
            Smart account: delegated to {account.implementationName} <span class="mono">{shortAddress(d.implementation)}</span>.
          </p>
          {!undoWarning && (
            <Button testId="undelegate" variant="secondary" disabled={stale || (tx !== null && tx.label === 'Undo upgrade')} onClick={undo}>
              Undo upgrade
            </Button>
          )}
        </div>
      )}
      {d.kind === 'framework' && undoWarning && (
        <div class="callout danger" role="alertdialog" aria-labelledby="undo-warning-text" data-testid="undo-warning">
          <p id="undo-warning-text">
            <strong>
              {undoWarning.liveSessions} active {undoWarning.liveSessions === 1 ? 'session' : 'sessions'} will stop working
            </strong>{' '}
            ({undoWarning.origins.map((o) => o.replace(/^https?:\/\//, '')).join(', ')}). They are revoked first, so upgrading again later does not bring them back. Their unused gas
            money comes back to you.
          </p>
          <div class="row">
            <Button variant="secondary" testId="undo-cancel" onClick={() => setUndoWarning(null)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              testId="undo-confirm"
              onClick={async () => {
                setUndoWarning(null);
                await run('Undo upgrade', 'account.undelegate')();
              }}
            >
              Revoke and undo
            </Button>
          </div>
        </div>
      )}
      {d.kind === 'foreign' && (
        <div class="callout danger" role="alert" data-testid="foreign-delegation">
          <p>
            <strong>Warning:</strong> this account is delegated to unknown code at <span class="mono">{shortAddress(d.implementation)}</span>. That code can move
            your funds. Replace it with {account.implementationName} or clear it now.
          </p>
          <div class="row">
            {account.frameworkImplementation && (
              <Button testId="replace-delegation" disabled={stale} onClick={run('Replace delegation', 'account.upgrade')}>
                Replace
              </Button>
            )}
            <Button testId="clear-delegation" variant="danger" disabled={stale} onClick={run('Clear delegation', 'account.undelegate')}>
              Clear
            </Button>
          </div>
        </div>
      )}
      {d.kind === 'contract' && <p class="callout danger">This address holds contract code that is not an EIP-7702 delegation.</p>}

      {needsFunds && (
        <div class="callout" role="alert" data-testid="needs-funds">
          <p>
            <strong>Your account needs a little {chain.nativeCurrency.symbol} first.</strong> The network charges a fee for this transaction, paid from this account, and it holds{' '}
            {formatEther(BigInt(account.balance))} {chain.nativeCurrency.symbol} on {chain.name}. Send some to the address above (copy it), then try again.
          </p>
        </div>
      )}
      {tx && <TxProgress hash={tx.hash} label={tx.label} onDone={onChanged} />}
      <ErrorText error={error} testId="account-error" />
    </section>
  );
}

function DelegationPill({ kind }: { kind: string }) {
  const map: Record<string, [string, string]> = {
    none: ['', 'Not upgraded'],
    framework: ['ok', 'Smart account'],
    foreign: ['danger', 'Foreign delegation'],
    contract: ['danger', 'Contract'],
  };
  const [cls, text] = map[kind] ?? ['', kind];
  return (
    <span class={`pill ${cls}`} data-testid="delegation-state" data-kind={kind}>
      {text}
    </span>
  );
}
