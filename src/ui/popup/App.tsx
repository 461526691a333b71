import { useEffect, useState } from 'preact/hooks';
import type { WalletStatus } from '../../background/popup-api';
import { WALLET_ICON, WALLET_NAME } from '../../provider/wallet-info';
import { walletApi } from '../wallet-api';
import { NetworkCard } from './NetworkCard';

export function App() {
  const [status, setStatus] = useState<WalletStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    const refresh = () =>
      walletApi.status().then(
        (s) => alive && (setStatus(s), setError(null)),
        (e: Error) => alive && setError(e.message),
      );
    void refresh();
    const timer = setInterval(refresh, 4000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);

  return (
    <div class="popup">
      <header class="popup-header">
        <div class="brand">
          <img src={WALLET_ICON} width={28} height={28} alt="" />
          <h1>{WALLET_NAME}</h1>
        </div>
        {status && (
          <span class={`pill ${status.node.reachable ? 'ok' : 'danger'}`} data-testid="network-pill">
            <span class="dot" />
            {status.chain.name}
          </span>
        )}
      </header>
      <main class="popup-main stack">
        {error && <p class="error-text" role="alert">{error}</p>}
        {!status && !error && <p class="muted" aria-busy="true">Connecting to the wallet…</p>}
        {status && <NetworkCard status={status} />}
      </main>
    </div>
  );
}
