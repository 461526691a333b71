// Settings cards about who and what can reach the account: connected sites (with Disconnect), the
// recovery phrase (behind the password, blurred until revealed) and the password itself.
import { useEffect, useState } from 'preact/hooks';
import { Button, ErrorText } from '../components';
import { callWallet } from '../wallet-api';

type Connection = Awaited<ReturnType<typeof callWallet<'connections.list'>>>[number];

const siteName = (origin: string) => origin.replace(/^https?:\/\//, '');

export function ConnectedSites() {
  const [sites, setSites] = useState<Connection[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => callWallet('connections.list').then(setSites, (e: Error) => setError(e.message));
  useEffect(() => void load(), []);
  return (
    <section class="card" data-testid="connected-sites-card">
      <h2>Connected sites</h2>
      <p class="small muted">These sites can see your address and ask you for transactions, signatures and sessions.</p>
      {sites && sites.length === 0 && <p class="small muted">No site is connected.</p>}
      {sites && sites.length > 0 && (
        <ul class="network-list">
          {sites.map((c) => (
            <li key={c.origin} class="row" data-testid="connected-site">
              <span class="origin-name">{siteName(c.origin)}</span>
              <Button
                variant="secondary"
                testId="disconnect-site"
                label={`Disconnect ${siteName(c.origin)}`}
                onClick={async () => {
                  setError(null);
                  try {
                    await callWallet('connections.disconnect', { origin: c.origin });
                  } catch (e) {
                    setError((e as Error).message);
                  }
                  await load();
                }}
              >
                Disconnect
              </Button>
            </li>
          ))}
        </ul>
      )}
      <ErrorText error={error} testId="connected-sites-error" />
    </section>
  );
}

export function RecoveryPhrase() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [secret, setSecret] = useState<{ kind: string; text: string } | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setOpen(false);
    setSecret(null);
    setRevealed(false);
    setPassword('');
    setError(null);
  };
  const noun = secret?.kind === 'privateKey' ? 'private key' : 'recovery phrase';
  return (
    <section class="card stack" data-testid="recovery-phrase-card">
      <h2>Recovery phrase</h2>
      <p class="small muted">The only way to restore this account if you forget the password or lose this browser.</p>
      {!open && (
        <Button variant="secondary" testId="reveal-start" onClick={() => setOpen(true)}>
          Show recovery phrase
        </Button>
      )}
      {open && !secret && (
        <form class="stack" onSubmit={(e) => e.preventDefault()}>
          <label>
            Password
            <input type="password" autoComplete="current-password" data-testid="reveal-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
          </label>
          <ErrorText error={error} testId="reveal-error" />
          <div class="row">
            <Button variant="secondary" testId="reveal-cancel" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              testId="reveal-submit"
              disabled={!password}
              onClick={async () => {
                setError(null);
                try {
                  setSecret(await callWallet('vault.revealSecret', { password }));
                  setPassword('');
                } catch (e) {
                  setError((e as Error).message);
                  setPassword('');
                }
              }}
            >
              Continue
            </Button>
          </div>
        </form>
      )}
      {secret && (
        <>
          <p class="callout danger small" role="alert">
            Anyone with this {noun} can take everything in this account. Write it down on paper; never type it into a website or share it.
          </p>
          <div class={revealed ? 'secret-box' : 'secret-box blurred'} data-testid="secret-box" data-revealed={revealed} aria-hidden={!revealed}>
            <span class="mono" data-testid="secret-text">
              {secret.text}
            </span>
          </div>
          <div class="row">
            <Button variant="secondary" testId="reveal-hide" onClick={close}>
              Done
            </Button>
            {!revealed && (
              <Button testId="reveal-show" onClick={() => setRevealed(true)}>
                Reveal {noun}
              </Button>
            )}
          </div>
        </>
      )}
    </section>
  );
}

export function ChangePassword() {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ current: '', password: '', confirmation: '' });
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const field = (key: keyof typeof form, label: string, autoComplete: string) => (
    <label>
      {label}
      <input type="password" autoComplete={autoComplete} data-testid={`change-${key}`} value={form[key]} onInput={(e) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value })} />
    </label>
  );
  return (
    <section class="card stack" data-testid="change-password-card">
      <h2>Password</h2>
      {done && (
        <p class="small" role="status" data-testid="change-done">
          Password changed. Use the new one from now on.
        </p>
      )}
      {!open && (
        <Button variant="secondary" testId="change-start" onClick={() => (setOpen(true), setDone(false))}>
          Change password
        </Button>
      )}
      {open && (
        <form class="stack" onSubmit={(e) => e.preventDefault()}>
          {field('current', 'Current password', 'current-password')}
          {field('password', 'New password', 'new-password')}
          {field('confirmation', 'Confirm new password', 'new-password')}
          <ErrorText error={error} testId="change-error" />
          <div class="row">
            <Button variant="secondary" testId="change-cancel" onClick={() => (setOpen(false), setForm({ current: '', password: '', confirmation: '' }), setError(null))}>
              Cancel
            </Button>
            <Button
              type="submit"
              testId="change-submit"
              disabled={!form.current || !form.password || !form.confirmation}
              onClick={async () => {
                setError(null);
                try {
                  await callWallet('vault.changePassword', form);
                  setOpen(false);
                  setDone(true);
                  setForm({ current: '', password: '', confirmation: '' });
                } catch (e) {
                  setError((e as Error).message);
                }
              }}
            >
              Change
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
