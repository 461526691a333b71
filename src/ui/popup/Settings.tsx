import { useEffect, useState } from 'preact/hooks';
import { ChangePassword, ConnectedSites, RecoveryPhrase } from './SecurityCards';
import { formatEther } from 'viem';
import { Button, ErrorText } from '../components';
import { callWallet } from '../wallet-api';
import { BackendCard } from './BackendCard';
import type { NetworkWarning } from '../../chains/warnings';
import type { ChainConfig } from '../../chains/registry';

export function Settings({ chain, onChanged }: { chain: { id: number; name: string; kind: string } | null; onChanged: () => void }) {
  // Bumped when a network is added here, so the list below shows it.
  const [networksVersion, setNetworksVersion] = useState(0);
  return (
    <div class="stack">
      {chain && <BackendCard key={chain.id} chainName={chain.name} chainKind={chain.kind} onChanged={onChanged} />}
      <ConnectedSites />
      <AutoLock />
      <ChangePassword />
      <RecoveryPhrase />
      <MetaMaskCompat />
      <AddNetwork
        onAdded={() => {
          setNetworksVersion((v) => v + 1);
          onChanged();
        }}
      />
      <AddedNetworks currentId={chain?.id ?? null} version={networksVersion} onChanged={onChanged} />
      <ResetWallet onReset={onChanged} />
    </div>
  );
}

function AutoLock() {
  const [minutes, setMinutes] = useState<number | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void callWallet('vault.state').then((s) => s.status === 'unlocked' && setMinutes(s.autoLockMinutes));
  }, []);
  if (minutes === null) return null;
  return (
    <section class="card" data-testid="autolock-card">
      <h2>Auto-lock</h2>
      <label>
        Lock after this many idle minutes
        <select
          data-testid="autolock-minutes"
          value={String(minutes)}
          onChange={async (e) => {
            const m = Number((e.target as HTMLSelectElement).value);
            setMinutes(m);
            setSaved(false);
            try {
              await callWallet('vault.setAutoLock', { minutes: m });
              setSaved(true);
            } catch (err) {
              setError((err as Error).message);
            }
          }}
        >
          {[1, 5, 15, 30, 60, 240, 1440].map((m) => (
            <option key={m} value={String(m)}>
              {m < 60 ? `${m} min` : `${m / 60} h`}
            </option>
          ))}
        </select>
      </label>
      {saved && <p class="small muted">Saved.</p>}
      <ErrorText error={error} />
    </section>
  );
}

/** "Work with sites made only for MetaMask": sets isMetaMask for pages; EIP-6963 keeps the real name. */
function MetaMaskCompat() {
  const [on, setOn] = useState<boolean | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void callWallet('settings.metaMaskCompat').then(setOn, (e: Error) => setError(e.message));
  }, []);
  return (
    <section class="card" data-testid="metamask-compat-card">
      <h2>Sites made only for MetaMask</h2>
      <label class="row">
        <span>Work with sites made only for MetaMask</span>
        <input
          type="checkbox"
          role="switch"
          data-testid="metamask-compat"
          checked={on === true}
          disabled={on === null}
          onChange={async (e) => {
            const next = (e.target as HTMLInputElement).checked;
            // Shown at once (a re-render must not flip the switch back while the background saves).
            setOn(next);
            setSaved(false);
            setError(null);
            try {
              setOn(await callWallet('settings.setMetaMaskCompat', { on: next }));
              setSaved(true);
            } catch (err) {
              setOn(!next);
              setError((err as Error).message);
            }
          }}
        />
      </label>
      <p class="small muted">
        Some sites enable their buttons only when the wallet says it is MetaMask. When this is on, this wallet says so to every site. Sites that list wallets by name still
        see "Session Key Wallet". Takes effect when a page is loaded or reloaded.
      </p>
      {saved && (
        <p class="small muted" data-testid="metamask-compat-saved">
          Saved. Reload open sites for it to take effect.
        </p>
      )}
      <ErrorText error={error} />
    </section>
  );
}

function AddNetwork({ onAdded }: { onAdded: () => void }) {
  const [form, setForm] = useState({ id: '', name: '', rpcUrl: '', symbol: 'ETH' });
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [warnings, setWarnings] = useState<NetworkWarning[]>([]);
  const field = (key: keyof typeof form, label: string, placeholder: string) => (
    <label>
      {label}
      <input data-testid={`network-${key}`} placeholder={placeholder} value={form[key]} onInput={(e) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value })} />
    </label>
  );
  return (
    <section class="card" data-testid="add-network-card">
      <h2>Add a network</h2>
      <p class="small muted">Any EVM chain with an RPC endpoint. Sessions need the Delegation Framework deployed there, or the Alchemy backend.</p>
      {field('name', 'Name', 'My chain')}
      {field('id', 'Chain id', '31337')}
      {field('rpcUrl', 'RPC URL', 'https://…')}
      {field('symbol', 'Currency symbol', 'ETH')}
      {warnings.map((w) => (
        <p key={w.kind} class="callout danger small" role="alert" data-testid={`add-network-warning-${w.kind}`}>
          {w.text}
        </p>
      ))}
      {checking && (
        <p class="small muted" role="status" data-testid="add-network-checking">
          <span class="spinner" aria-hidden="true" /> Checking the RPC…
        </p>
      )}
      <ErrorText error={error} testId="add-network-error" />
      {done && (
        <p class="small muted" data-testid="add-network-done">
          {done}
        </p>
      )}
      <Button
        testId="add-network"
        disabled={checking}
        onClick={async () => {
          setError(null);
          setDone(null);
          setWarnings([]);
          const id = Number(form.id);
          if (!/^\d+$/.test(form.id.trim())) return setError('The chain id must be a positive integer.');
          setChecking(true);
          try {
            // The background asks the RPC for its chain id before saving anything.
            const chain = await callWallet('network.add', { id, name: form.name, rpcUrl: form.rpcUrl, symbol: form.symbol });
            setWarnings(await callWallet('network.warnings', { id: chain.id, name: chain.name, rpcUrl: chain.rpcUrl }));
            setDone(`${chain.name} added. Pick it in the network menu.`);
            onAdded();
          } catch (e) {
            setError((e as Error).message);
          } finally {
            setChecking(false);
          }
        }}
      >
        Add network
      </Button>
    </section>
  );
}

/** The networks the owner or a site added: rename, point at another RPC (checked again), remove. */
function AddedNetworks({ currentId, version, onChanged }: { currentId: number | null; version: number; onChanged: () => void }) {
  const [chains, setChains] = useState<ChainConfig[] | null>(null);
  const [editing, setEditing] = useState<{ id: number; name: string; rpcUrl: string } | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    callWallet('network.list').then(
      (l) => setChains(l.chains.filter((c) => c.kind === 'custom')),
      (e: Error) => setError(e.message),
    );
  useEffect(() => {
    void load();
  }, [currentId, version]);
  if (!chains || chains.length === 0) return null;
  return (
    <section class="card" data-testid="added-networks-card">
      <h2>Networks you added</h2>
      <ul class="stack network-list">
        {chains.map((c) =>
          editing?.id === c.id ? (
            <li key={c.id} class="stack" data-testid={`network-edit-${c.id}`}>
              <label>
                Name
                <input data-testid="network-edit-name" value={editing.name} onInput={(e) => setEditing({ ...editing, name: (e.target as HTMLInputElement).value })} />
              </label>
              <label>
                RPC URL
                <input data-testid="network-edit-rpc" value={editing.rpcUrl} onInput={(e) => setEditing({ ...editing, rpcUrl: (e.target as HTMLInputElement).value })} />
              </label>
              {checking && (
                <p class="small muted" role="status" data-testid="network-edit-checking">
                  <span class="spinner" aria-hidden="true" /> Checking the RPC…
                </p>
              )}
              <ErrorText error={error} testId="network-edit-error" />
              <div class="row">
                <Button variant="secondary" disabled={checking} onClick={() => (setEditing(null), setError(null))}>
                  Cancel
                </Button>
                <Button
                  testId="network-edit-save"
                  disabled={checking}
                  onClick={async () => {
                    setError(null);
                    setChecking(true);
                    try {
                      await callWallet('network.update', { chainId: c.id, name: editing.name, rpcUrl: editing.rpcUrl });
                      setEditing(null);
                      await load();
                      onChanged();
                    } catch (e) {
                      setError((e as Error).message);
                    } finally {
                      setChecking(false);
                    }
                  }}
                >
                  Save
                </Button>
              </div>
            </li>
          ) : (
            <li key={c.id} data-testid={`network-item-${c.id}`}>
              <div class="row">
                <strong>{c.name}</strong>
                <span class="pill">Chain {c.id}</span>
              </div>
              <p class="mono small">{c.rpcUrl}</p>
              <div class="row">
                <Button variant="secondary" testId={`network-edit-open-${c.id}`} onClick={() => (setError(null), setEditing({ id: c.id, name: c.name, rpcUrl: c.rpcUrl }))}>
                  Edit
                </Button>
                <Button
                  variant="danger"
                  testId={`network-remove-${c.id}`}
                  disabled={c.id === currentId}
                  onClick={async () => {
                    setError(null);
                    try {
                      await callWallet('network.remove', { chainId: c.id });
                      await load();
                      onChanged();
                    } catch (e) {
                      setError((e as Error).message);
                    }
                  }}
                >
                  Remove
                </Button>
              </div>
              {c.id === currentId && (
                <p class="small muted" data-testid={`network-in-use-${c.id}`}>
                  In use. Switch to another network to remove it.
                </p>
              )}
            </li>
          ),
        )}
      </ul>
      {!editing && <ErrorText error={error} testId="added-networks-error" />}
    </section>
  );
}

type ResetResult = Awaited<ReturnType<typeof callWallet<'vault.reset'>>>;
type ResetPreview = Awaited<ReturnType<typeof callWallet<'vault.resetPreview'>>>;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Remove wallet: asks for the password (the background checks it), revokes every active session on
 * chain first and says so while it runs, and if a revoke fails shows which sessions stay valid on
 * chain until when, so the owner decides: try again, or remove anyway.
 */
function ResetWallet({ onReset }: { onReset: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [preview, setPreview] = useState<ResetPreview | null>(null);
  const [password, setPassword] = useState('');
  const [working, setWorking] = useState(false);
  const [failed, setFailed] = useState<ResetResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const remove = async (force: boolean) => {
    setError(null);
    setWorking(true);
    try {
      const result = await callWallet('vault.reset', { confirm: 'DELETE', password, force });
      if (result.removed) return onReset();
      setFailed(result);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setWorking(false);
    }
  };
  const live = preview?.liveSessions ?? 0;

  return (
    <section class="card" data-testid="reset-card">
      <h2>Remove wallet</h2>
      <p class="small muted">Deletes the encrypted wallet from this browser. Only your recovery phrase or key can bring it back.</p>
      {!confirming ? (
        <Button
          variant="secondary"
          testId="reset-start"
          onClick={async () => {
            setConfirming(true);
            setPreview(await callWallet('vault.resetPreview').catch(() => null));
          }}
        >
          Remove wallet…
        </Button>
      ) : failed ? (
        <div class="stack" data-testid="reset-failed">
          <p class="callout danger" role="alert">
            {plural(failed.failed.length, 'session')} could not be revoked on chain. If you remove the wallet anyway, their keys are deleted, so this wallet can never sign for
            them again, but the sites' permissions stay valid on chain until they expire:
          </p>
          <ul class="small">
            {failed.failed.map((f) => (
              <li key={f.id}>
                <strong>{f.origin}</strong>: valid until {new Date(f.expiry * 1000).toLocaleString()}. {f.reason}
                {f.stipendLeft && ` ${formatEther(BigInt(f.stipendLeft))} ETH of gas money stays at the session key and is lost.`}
              </li>
            ))}
          </ul>
          <ErrorText error={error} testId="reset-error" />
          <div class="row">
            <Button variant="secondary" testId="reset-retry" disabled={working} onClick={() => remove(false)}>
              Try again
            </Button>
            <Button variant="danger" testId="reset-force" disabled={working} onClick={() => remove(true)}>
              Remove anyway
            </Button>
          </div>
        </div>
      ) : (
        <div class="stack">
          <p class="small">
            {live > 0
              ? `Your ${plural(live, 'active session')} ${live === 1 ? 'is' : 'are'} revoked on chain first, and ${live === 1 ? 'its' : 'their'} unused gas money comes back to your account. `
              : ''}
            {preview && preview.connectedSites > 0 ? `${plural(preview.connectedSites, 'connected site')} ${preview.connectedSites === 1 ? 'loses' : 'lose'} access. ` : ''}
            Your activity list is deleted.
          </p>
          <label>
            Password
            <input
              type="password"
              data-testid="reset-password"
              autocomplete="current-password"
              value={password}
              disabled={working}
              onInput={(e) => {
                setPassword((e.target as HTMLInputElement).value);
                setError(null);
              }}
            />
          </label>
          {working && (
            <p class="small muted" role="status" data-testid="reset-progress">
              <span class="spinner" aria-hidden="true" /> {live > 0 ? `Revoking ${plural(live, 'session')}…` : 'Removing the wallet…'}
            </p>
          )}
          <ErrorText error={error} testId="reset-error" />
          <div class="row">
            <Button variant="secondary" disabled={working} onClick={() => setConfirming(false)}>
              Keep it
            </Button>
            <Button variant="danger" testId="reset-confirm" disabled={working || password.length === 0} onClick={() => remove(false)}>
              Remove for good
            </Button>
          </div>
        </div>
      )}
    </section>
  );
}
