import { useEffect, useState } from 'preact/hooks';
import { Button, ErrorText } from '../components';
import { shortAddress } from '../format';
import { callWallet, WalletApiError } from '../wallet-api';

export function Unlock({ address, retryAt, onUnlocked }: { address: string; retryAt: number | null; onUnlocked: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [waitUntil, setWaitUntil] = useState<number | null>(retryAt);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!waitUntil) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [waitUntil]);
  const waiting = waitUntil !== null && waitUntil > now;

  const submit = async () => {
    try {
      await callWallet('vault.unlock', { password });
      onUnlocked();
    } catch (e) {
      const data = (e as WalletApiError).data as { retryAt?: number } | undefined;
      setWaitUntil(data?.retryAt ?? null);
      setError((e as Error).message);
      setPassword('');
    }
  };

  const [restoring, setRestoring] = useState(false);
  if (restoring) return <Restore address={address} onCancel={() => setRestoring(false)} onRestored={onUnlocked} />;

  return (
    <form class="card unlock" data-testid="unlock" onSubmit={(e) => e.preventDefault()}>
      <h2>Welcome back</h2>
      <p class="muted">
        Unlock <span class="mono">{shortAddress(address)}</span>
      </p>
      <label>
        Password
        <input
          type="password"
          autoFocus
          autoComplete="current-password"
          data-testid="unlock-password"
          value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
        />
      </label>
      <ErrorText error={error} testId="unlock-error" />
      {waiting && <p class="small muted">Next try in {Math.ceil((waitUntil! - now) / 1000)} s</p>}
      <Button type="submit" testId="unlock-submit" disabled={!password || waiting} onClick={submit}>
        Unlock
      </Button>
      <button type="button" class="link" data-testid="forgot-password" onClick={() => setRestoring(true)}>
        Forgot password? Restore from recovery phrase
      </button>
    </form>
  );
}

type Preview = Awaited<ReturnType<typeof callWallet<'vault.recoverPreview'>>>;
type Result = Awaited<ReturnType<typeof callWallet<'vault.recover'>>>;

/** Forgotten password: this account's recovery phrase sets a new one. What happens to sessions is said before. */
function Restore({ address, onCancel, onRestored }: { address: string; onCancel: () => void; onRestored: () => void }) {
  const [secret, setSecret] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    callWallet('vault.recoverPreview').then(setPreview, (e: Error) => setError(e.message));
  }, []);

  if (result) {
    return (
      <section class="card stack" data-testid="restore-done">
        <h2>Password changed</h2>
        <p>Your wallet is unlocked with the new password.</p>
        {!result.sessionKeysKept && result.revoked > 0 && (
          <p data-testid="restore-sessions-ended">
            {result.revoked} {result.revoked === 1 ? 'session was' : 'sessions were'} revoked: {result.revoked === 1 ? 'its key was' : 'their keys were'} locked with the old password.
            {result.failed > 0 && ` ${result.failed} could not be confirmed on chain; see Sessions.`}
          </p>
        )}
        <Button testId="restore-continue" onClick={onRestored}>
          Continue
        </Button>
      </section>
    );
  }

  const n = preview?.liveSessions ?? 0;
  const sessions = `${n} active ${n === 1 ? 'session' : 'sessions'}`;
  return (
    <form class="card unlock stack" data-testid="restore" onSubmit={(e) => e.preventDefault()}>
      <h2>Restore from recovery phrase</h2>
      <p class="small">
        Sets a new password for <span class="mono">{shortAddress(address)}</span>. Only the recovery phrase (or private key) of this account works. Connected sites, networks and
        settings are kept.
      </p>
      {preview && n > 0 && (
        <p class={preview.sessionKeysOpen ? 'small' : 'callout danger small'} data-testid="restore-sessions">
          {preview.sessionKeysOpen
            ? n === 1
              ? 'Your active session keeps working.'
              : `Your ${sessions} keep working.`
            : `Your ${sessions} will be revoked on chain (a small gas fee): their keys are locked with the old password and cannot be opened again.`}
        </p>
      )}
      <label>
        Recovery phrase (12-24 words) or private key
        <textarea rows={3} data-testid="restore-secret" autoComplete="off" spellcheck={false} value={secret} onInput={(e) => setSecret((e.target as HTMLTextAreaElement).value)} />
      </label>
      <label>
        New password
        <input type="password" autoComplete="new-password" data-testid="restore-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Confirm new password
        <input
          type="password"
          autoComplete="new-password"
          data-testid="restore-password-confirm"
          value={confirmation}
          onInput={(e) => setConfirmation((e.target as HTMLInputElement).value)}
        />
      </label>
      <ErrorText error={error} testId="restore-error" />
      <div class="row">
        <Button variant="secondary" testId="restore-cancel" onClick={onCancel}>
          Back
        </Button>
        <Button
          type="submit"
          testId="restore-submit"
          disabled={!secret || !password || !confirmation || busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              setResult(await callWallet('vault.recover', { secret, password, confirmation }));
              setSecret('');
            } catch (e) {
              setError((e as Error).message);
            } finally {
              setBusy(false);
            }
          }}
        >
          {busy ? 'Restoring…' : 'Restore'}
        </Button>
      </div>
    </form>
  );
}
