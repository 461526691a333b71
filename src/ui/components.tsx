// Small shared pieces of the wallet's UI.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Hex } from 'viem';
import { callWallet } from './wallet-api';
import { shortAddress } from './format';

export function Button(props: {
  onClick: () => unknown | Promise<unknown>;
  children: ComponentChildren;
  variant?: 'primary' | 'secondary' | 'danger';
  /** Extra classes (layout only). */
  class?: string;
  disabled?: boolean;
  testId?: string;
  type?: 'button' | 'submit';
  /** The accessible name when the visible text alone is ambiguous ("Revoke" → "Revoke session for example.org"). */
  label?: string;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type={props.type ?? 'button'}
      class={[props.variant && props.variant !== 'primary' ? props.variant : '', props.class ?? ''].join(' ').trim()}
      disabled={props.disabled || busy}
      aria-busy={busy}
      data-testid={props.testId}
      aria-label={props.label}
      onClick={async () => {
        setBusy(true);
        try {
          await props.onClick();
        } finally {
          setBusy(false);
        }
      }}
    >
      {busy ? <span class="spinner" aria-hidden="true" /> : null}
      {props.children}
    </button>
  );
}

export function ErrorText({ error, testId }: { error: string | null; testId?: string }) {
  return error ? (
    <p class="error-text" role="alert" data-testid={testId}>
      {error}
    </p>
  ) : null;
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="secondary icon-button"
      aria-label={label}
      title={label}
      onClick={async () => {
        await navigator.clipboard.writeText(text);
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

type TxState = Awaited<ReturnType<typeof callWallet<'tx.status'>>>;

/** Follows a submitted transaction to its receipt: pending, then confirmed (block, gas) or reverted. */
export function TxProgress({ hash, label, onDone }: { hash: Hex; label: string; onDone?: (s: TxState) => void }) {
  const [state, setState] = useState<TxState>({ state: 'pending', hash });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const s = await callWallet('tx.status', { hash });
        if (!alive) return;
        setState(s);
        if (s.state === 'pending') timer = setTimeout(poll, 800);
        else onDone?.(s);
      } catch (e) {
        if (alive) setError((e as Error).message);
      }
    };
    void poll();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [hash]);
  return (
    <div class={`tx-progress ${state.state}`} data-testid="tx-progress" data-state={state.state} role="status">
      <div class="row">
        <strong>{label}</strong>
        <span class={`pill ${state.state === 'success' ? 'ok' : state.state === 'reverted' ? 'danger' : ''}`}>
          {state.state === 'pending' ? (
            <>
              <span class="spinner" aria-hidden="true" /> Pending
            </>
          ) : state.state === 'success' ? (
            'Confirmed'
          ) : (
            'Reverted'
          )}
        </span>
      </div>
      <p class="small muted mono" title={hash}>
        Tx {shortAddress(hash)}
        {state.state !== 'pending' && ` · block ${state.blockNumber} · gas ${Number(state.gasUsed).toLocaleString('en-US')}`}
      </p>
      <ErrorText error={error} />
    </div>
  );
}
