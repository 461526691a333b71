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
    </form>
  );
}
