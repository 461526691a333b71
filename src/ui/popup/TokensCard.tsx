// The tokens the owner added (EIP-747 wallet_watchAsset), with their balances in each token's own
// decimals. A token that does not answer shows "balance unavailable" and can still be removed.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { Button, ErrorText } from '../components';
import { shortAddress } from '../format';
import { callWallet } from '../wallet-api';

type Token = Awaited<ReturnType<typeof callWallet<'tokens.list'>>>[number];

/** A balance a person reads: grouped digits, at most 6 decimals, never in exponent form. */
function readable(formatted: string): string {
  const [whole = '0', fraction = ''] = formatted.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cut = fraction.slice(0, 6).replace(/0+$/, '');
  return cut ? `${grouped}.${cut}` : grouped;
}

export function TokensCard({ chainId }: { chainId: number }) {
  const [tokens, setTokens] = useState<Token[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    callWallet('tokens.list').then(setTokens, (e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    load();
    const t = setInterval(load, 5000);
    return () => clearInterval(t);
  }, [load, chainId]);
  if (!tokens || tokens.length === 0) return null;
  return (
    <section class="card" aria-labelledby="tokens-title" data-testid="tokens-card">
      <h2 id="tokens-title">Tokens</h2>
      <ul class="token-list">
        {tokens.map((t) => (
          <li key={t.address} class="row" data-testid="token-row" data-address={t.address}>
            <div class="token-main">
              <strong data-testid="token-balance">{t.formatted === null ? 'balance unavailable' : readable(t.formatted)}</strong>{' '}
              <span data-testid="token-symbol">{t.symbol}</span>
              <div class="small muted mono" title={t.address}>
                {t.name} · {shortAddress(t.address)}
              </div>
            </div>
            <Button
              variant="secondary"
              testId="token-remove"
              onClick={async () => {
                setError(null);
                await callWallet('tokens.remove', { address: t.address }).catch((e: Error) => setError(e.message));
                load();
              }}
            >
              Remove
            </Button>
          </li>
        ))}
      </ul>
      <ErrorText error={error} testId="tokens-error" />
    </section>
  );
}
