import { useEffect, useState } from 'preact/hooks';
import { Button, ErrorText } from '../components';
import { callWallet } from '../wallet-api';
import { BackendCard } from './BackendCard';

export function Settings({ chain, onChanged }: { chain: { id: number; name: string; kind: string } | null; onChanged: () => void }) {
  return (
    <div class="stack">
      {chain && <BackendCard key={chain.id} chainName={chain.name} chainKind={chain.kind} onChanged={onChanged} />}
      <AutoLock />
      <AddNetwork onAdded={onChanged} />
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

function AddNetwork({ onAdded }: { onAdded: () => void }) {
  const [form, setForm] = useState({ id: '', name: '', rpcUrl: '', symbol: 'ETH' });
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
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
      <ErrorText error={error} testId="add-network-error" />
      {done && <p class="small muted">{done}</p>}
      <Button
        testId="add-network"
        onClick={async () => {
          setError(null);
          setDone(null);
          const id = Number(form.id);
          if (!/^\d+$/.test(form.id.trim())) return setError('The chain id must be a positive integer.');
          try {
            const chain = await callWallet('network.add', { id, name: form.name, rpcUrl: form.rpcUrl, symbol: form.symbol });
            setDone(`${chain.name} added. Pick it in the network menu.`);
            onAdded();
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      >
        Add network
      </Button>
    </section>
  );
}

function ResetWallet({ onReset }: { onReset: () => void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <section class="card">
      <h2>Remove wallet</h2>
      <p class="small muted">Deletes the encrypted wallet from this browser. Only your recovery phrase or key can bring it back.</p>
      {!confirming ? (
        <Button variant="secondary" testId="reset-start" onClick={() => setConfirming(true)}>
          Remove wallet…
        </Button>
      ) : (
        <div class="row">
          <Button variant="secondary" onClick={() => setConfirming(false)}>
            Keep it
          </Button>
          <Button
            variant="danger"
            testId="reset-confirm"
            onClick={async () => {
              await callWallet('vault.reset', { confirm: 'DELETE' });
              onReset();
            }}
          >
            Remove for good
          </Button>
        </div>
      )}
    </section>
  );
}
