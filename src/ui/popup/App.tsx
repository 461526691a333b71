// The toolbar popup: onboarding, unlock, and the owner's home (account, send, network, settings).
// First paint (issue 15 item 4): one call, popup.home, answered from what the worker holds (vault
// state, networks, the account view last read from the chain, labelled "refreshing"); at the same
// time the fresh reads go out in parallel, not one after another, and replace it as they come.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { WALLET_ICON, WALLET_NAME } from '../../provider/wallet-info';
import { Button, ErrorText } from '../components';
import { callWallet } from '../wallet-api';
import { AccountCard } from './AccountCard';
import { NetworkCard } from './NetworkCard';
import { SendCard } from './SendCard';
import { TokensCard } from './TokensCard';
import { Unlock } from './Unlock';
import { lazyComponent } from './lazy';

// Not on the first screen of an unlocked wallet: loaded on first use (see lazy.tsx).
const Onboarding = lazyComponent(() => import('./Onboarding').then((m) => m.Onboarding));
const SessionsTab = lazyComponent(() => import('./SessionsTab').then((m) => m.SessionsTab));
const ActivityTab = lazyComponent(() => import('./ActivityTab').then((m) => m.ActivityTab));
const Settings = lazyComponent(() => import('./Settings').then((m) => m.Settings));

type VaultState = Awaited<ReturnType<typeof callWallet<'vault.state'>>>;
type Networks = Awaited<ReturnType<typeof callWallet<'network.list'>>>;
type Status = Awaited<ReturnType<typeof callWallet<'status'>>>;
/** `cached`: the view the worker kept from its last read, shown labelled until the fresh one arrives. */
type AccountView = Awaited<ReturnType<typeof callWallet<'account.view'>>> & { cached?: true };
type Tab = 'account' | 'sessions' | 'activity' | 'settings';
const TAB_LABELS: Record<Tab, string> = { account: 'Account', sessions: 'Sessions', activity: 'Activity', settings: 'Settings' };

export function App() {
  const [vault, setVault] = useState<VaultState | null>(null);
  const [networks, setNetworks] = useState<Networks | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  const [account, setAccount] = useState<AccountView | null>(null);
  // wallet_showCallsStatus opens this page on the Activity tab (?tab=activity&bundle=0x…).
  const params = new URLSearchParams(location.search);
  const [tab, setTab] = useState<Tab>(params.get('tab') === 'activity' ? 'activity' : 'account');
  const [error, setError] = useState<string | null>(null);
  // Why the account could not be read (the node refused or timed out), shown with a Retry.
  const [accountError, setAccountError] = useState<string | null>(null);
  const [retrying, setRetrying] = useState(false);
  const inFlight = useRef(false);
  // Set once a read of the account from the chain has come back (or failed): the kept view is then out of date.
  const accountRead = useRef(false);

  const refresh = useCallback(async () => {
    // The 4 s poll must not stack reads while a slow node is still timing out.
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      // All at once: the node's status (three RPC calls, up to its timeout) does not hold the account.
      const nextStatus = callWallet('status');
      nextStatus.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      const [v, n, a] = await Promise.all([
        callWallet('vault.state'),
        callWallet('network.list'),
        callWallet('account.view').then(
          (value) => ({ ok: true as const, value }),
          (e: Error) => ({ ok: false as const, message: e.message }),
        ),
      ]);
      setVault(v);
      setNetworks(n);
      accountRead.current = true;
      if (v.status === 'uninitialized') {
        setAccount(null);
        setAccountError(null);
      } else if (a.ok) {
        setAccount(a.value);
        setAccountError(null);
      } else {
        setAccount(null);
        setAccountError(a.message);
      }
      setStatus(await nextStatus);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      inFlight.current = false;
    }
  }, []);

  useEffect(() => {
    // What the worker already knows, in one call; never drawn over a fresh read that came first.
    callWallet('popup.home').then(
      (home) => {
        setVault((v) => v ?? home.vault);
        setNetworks((n) => n ?? home.networks);
        // Not after the chain's own answer, nor over its error (the kept figure would hide it).
        if (home.account && !accountRead.current) setAccount((a) => a ?? home.account);
      },
      () => undefined, // refresh() below reports a worker that does not answer
    );
    void refresh();
    const timer = setInterval(refresh, 4000);
    return () => clearInterval(timer);
  }, [refresh]);

  // The other tabs load while the owner reads the account, so switching to them is instant.
  const unlocked = vault?.status === 'unlocked';
  useEffect(() => {
    if (!unlocked) return;
    const t = setTimeout(() => void Promise.all([SessionsTab.preload(), ActivityTab.preload(), Settings.preload()]).catch(() => undefined), 300);
    return () => clearTimeout(t);
  }, [unlocked]);

  return (
    <div class="popup">
      <header class="popup-header">
        <div class="brand">
          <img src={WALLET_ICON} width={28} height={28} alt={WALLET_NAME} />
          {/* When unlocked the header holds the network and Lock; the name makes room for them. */}
          {vault?.status !== 'unlocked' && <h1>{WALLET_NAME}</h1>}
        </div>
        {networks && vault?.status === 'unlocked' && (
          <select
            aria-label="Network"
            class="network-select"
            data-testid="network-select"
            value={String(networks.current)}
            onChange={async (e) => {
              try {
                await callWallet('network.switch', { chainId: Number((e.target as HTMLSelectElement).value) });
              } catch (err) {
                setError((err as Error).message);
              }
              await refresh();
            }}
          >
            {networks.chains.map((c) => (
              <option key={c.id} value={String(c.id)}>
                {c.name}
              </option>
            ))}
          </select>
        )}
        {vault?.status === 'unlocked' && (
          <Button
            variant="secondary"
            class="lock-button"
            testId="lock"
            onClick={async () => {
              await callWallet('vault.lock');
              await refresh();
            }}
          >
            Lock
          </Button>
        )}
        {status && vault?.status !== 'unlocked' && (
          <span class={`pill ${status.node.reachable ? 'ok' : 'danger'}`} data-testid="network-pill">
            <span class="dot" />
            {status.chain.name}
          </span>
        )}
      </header>
      <main class="popup-main stack">
        <ErrorText error={error} />
        {!vault && !error && (
          <p class="muted" aria-busy="true">
            Connecting to the wallet…
          </p>
        )}
        {vault?.status === 'uninitialized' && <Onboarding onDone={refresh} />}
        {vault?.status === 'locked' && <Unlock address={vault.address} retryAt={vault.retryAt} onUnlocked={refresh} />}
        {vault?.status === 'unlocked' && (
          <>
            <nav class="tabs" role="tablist">
              {(Object.keys(TAB_LABELS) as Tab[]).map((t) => (
                <button key={t} role="tab" aria-selected={tab === t} class={tab === t ? 'tab active' : 'tab'} data-testid={`tab-${t}`} onClick={() => setTab(t)}>
                  {TAB_LABELS[t]}
                </button>
              ))}
            </nav>
            {tab === 'account' && (
              <>
                {account ? (
                  <AccountCard view={account} onChanged={refresh} />
                ) : accountError ? (
                  <section class="card" role="alert" data-testid="account-unreachable">
                    <h2>Account</h2>
                    <span class="mono address" data-testid="account-address" title={vault.address}>
                      {vault.address}
                    </span>
                    <p data-testid="account-unreachable-message">{accountError}</p>
                    <p class="small muted">Your funds are safe on the chain; the wallet only cannot read them right now. Check your connection or the network's RPC in Settings.</p>
                    <Button
                      variant="secondary"
                      testId="account-retry"
                      disabled={retrying}
                      onClick={async () => {
                        setRetrying(true);
                        await refresh();
                        setRetrying(false);
                      }}
                    >
                      {retrying ? 'Retrying…' : 'Retry'}
                    </Button>
                  </section>
                ) : (
                  <p class="muted" aria-busy="true">
                    Reading the account…
                  </p>
                )}
                {account && <TokensCard chainId={account.chain.id} />}
                {account && account.chain.kind === 'devnet' && (
                  <Button
                    variant="secondary"
                    testId="fund-devnet"
                    onClick={async () => {
                      await callWallet('account.fundOnDevnet').catch((e: Error) => setError(e.message));
                      await refresh();
                    }}
                  >
                    Get 100 test ETH (devnet)
                  </Button>
                )}
                {account && <SendCard symbol={account.chain.nativeCurrency.symbol} onSent={refresh} />}
                {status && <NetworkCard status={status} />}
              </>
            )}
            {tab === 'sessions' && account && <SessionsTab chainId={account.chain.id} symbol={account.chain.nativeCurrency.symbol} backend={status?.backend?.kind ?? 'delegation'} />}
            {tab === 'activity' && <ActivityTab highlight={params.get('bundle')} />}
            {tab === 'settings' && <Settings chain={status?.chain ?? null} onChanged={refresh} />}
          </>
        )}
        {vault && vault.status !== 'unlocked' && status && <NetworkCard status={status} plain />}
      </main>
    </div>
  );
}
