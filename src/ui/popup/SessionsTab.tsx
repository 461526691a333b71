// Sessions: the list (time left, allowance left, calls left at a glance; revoke one or all) and the
// grant form (site, expiry preset, permissions with readable names for known contracts).
import { useEffect, useState } from 'preact/hooks';
import { formatEther, formatUnits, parseEther, toFunctionSelector, type Abi, type AbiFunction, type Address } from 'viem';
import { DemoGameAbi, DemoTokenAbi } from '../../../devnet/contracts/abis';
import { listClocks } from '../../chains/clock';
import { devnetContracts } from '../../chains/deployments';
import { DEVNET_CHAIN_ID } from '../../chains/registry';
import { Button, ErrorText } from '../components';
import { localDate, shortAddress } from '../format';
import { describeContext, describeSerialized, PermissionText } from '../permission-text';
import { callWallet } from '../wallet-api';

/** A session as listed, with when (this machine's clock) the list was read. */
type SessionView = Awaited<ReturnType<typeof callWallet<'sessions.list'>>>[number] & { readAtMs: number };

export function SessionsTab({ chainId, symbol, backend = 'delegation' }: { chainId: number; symbol: string; backend?: 'delegation' | 'alchemy' }) {
  const [sessions, setSessions] = useState<SessionView[] | null>(null);
  const [granting, setGranting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());

  const refresh = async () => {
    try {
      const list = await callWallet('sessions.list');
      const readAtMs = Date.now();
      setSessions(list.map((v) => ({ ...v, readAtMs })));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void refresh();
    const t = setInterval(() => {
      setNow(Date.now());
    }, 1000);
    const r = setInterval(refresh, 5000);
    return () => {
      clearInterval(t);
      clearInterval(r);
    };
  }, []);

  const active = (sessions ?? []).filter((s) => s.status === 'active' && s.chainId === chainId);
  // Ended sessions (revoked, expired) fold under "Ended": the live ones are what the owner watches.
  const live = (sessions ?? []).filter((s) => s.status === 'active');
  const ended = (sessions ?? []).filter((s) => s.status !== 'active');
  const [confirmRevokeAll, setConfirmRevokeAll] = useState(false);
  return (
    <div class="stack">
      <ErrorText error={error} />
      {!granting && (
        <div class="row">
          <Button testId="grant-open" onClick={() => setGranting(true)}>
            Grant a session
          </Button>
          {active.length > 1 && !confirmRevokeAll && (
            <Button variant="danger" testId="revoke-all" onClick={() => setConfirmRevokeAll(true)}>
              Revoke all
            </Button>
          )}
        </div>
      )}
      {!granting && confirmRevokeAll && active.length > 1 && (
        <div class="callout danger" role="alertdialog" aria-labelledby="revoke-all-text" data-testid="revoke-all-confirm">
          <p id="revoke-all-text">
            Revoke all {active.length} sessions ({[...new Set(active.map((x) => x.origin.replace(/^https?:\/\//, '')))].join(', ')})? These sites can no longer act for you
            without asking, and each session's unused gas money comes back to you.
          </p>
          <div class="row">
            <Button variant="secondary" testId="revoke-all-cancel" onClick={() => setConfirmRevokeAll(false)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              testId="revoke-all-yes"
              onClick={async () => {
                await callWallet('sessions.revokeAll', {}).catch((e: Error) => setError(e.message));
                setConfirmRevokeAll(false);
                await refresh();
              }}
            >
              Revoke all {active.length}
            </Button>
          </div>
        </div>
      )}
      {granting && (
        <GrantForm
          backend={backend}
          chainId={chainId}
          onCancel={() => setGranting(false)}
          onGranted={async () => {
            setGranting(false);
            await refresh();
          }}
        />
      )}
      {sessions && sessions.length === 0 && !granting && <p class="muted">No sessions yet. A site you connect can ask for one, or grant one here.</p>}
      <ul class="session-list" data-testid="session-list">
        {live.map((s) => (
          <SessionItem key={s.id} s={s} now={now} symbol={symbol} onChanged={refresh} />
        ))}
      </ul>
      {ended.length > 0 && (
        <details class="ended-sessions" data-testid="sessions-ended">
          <summary>Ended ({ended.length})</summary>
          <ul class="session-list">
            {ended.map((s) => (
              <SessionItem key={s.id} s={s} now={now} symbol={symbol} onChanged={refresh} />
            ))}
          </ul>
          <Button
            variant="secondary"
            testId="sessions-clear-ended"
            label="Clear ended sessions from this list"
            onClick={async () => {
              await callWallet('sessions.clearEnded').catch((e: Error) => setError(e.message));
              await refresh();
            }}
          >
            Clear ended
          </Button>
          <p class="small muted">Sessions still returning gas money or waiting for their revoke stay in the list.</p>
        </details>
      )}
    </div>
  );
}

function timeLeft(seconds: number): string {
  if (seconds <= 0) return '0 s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}

function SessionItem({ s, now, symbol, onChanged }: { s: SessionView; now: number; symbol: string; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  // Counted down on the wall clock (it moves every second on a chain that mines no blocks);
  // "expired" is decided as the background decides it (chains/clock.ts), a few seconds after 0 s.
  const clocks = listClocks({ blockTime: s.chainNow, readAtMs: s.readAtMs }, now);
  const left = s.scope.expiry - clocks.countdown;
  const status = s.status === 'active' && s.scope.expiry <= clocks.session ? 'expired' : s.status;
  const native = s.scope.permissions.find((p) => p.type === 'native-token-transfer');
  const nativeLeft = native && s.usage ? BigInt(native.data.allowance) - BigInt(s.usage.nativeSpent) : null;
  const callsLeft = s.scope.callLimit !== undefined && s.usage ? s.scope.callLimit - s.usage.callsUsed : null;
  const ctx = describeContext(s.chainId, symbol, s.backend);
  // Allowances over time, as the background computed them from the usage it read.
  const amount = (asset: 'native' | Address, n: string) => {
    if (asset === 'native') return `${formatEther(BigInt(n))} ${symbol}`;
    const t = ctx.token?.(asset);
    return t ? `${formatUnits(BigInt(n), t.decimals)} ${t.symbol}` : `${n} base units of ${shortAddress(asset)}`;
  };
  return (
    <li class="card session" data-testid="session-item" data-status={status} data-session-id={s.id} data-session-key={s.sessionAddress}>
      <div class="row">
        <strong class="origin-name">{s.origin.replace(/^https?:\/\//, '')}</strong>
        <span class={`pill ${status === 'active' ? 'ok' : status === 'revoked' ? 'danger' : ''}`} data-testid="session-status">
          {status === 'active' ? timeLeft(left) : status}
        </span>
      </div>
      {s.holder?.kind === 'dapp' && (
        // No key in the wallet: the site redeems the grant itself, from its own account.
        <p class="small muted" data-testid="session-holder" style={{ overflowWrap: 'anywhere' }}>
          Held by the site's own account <span class="mono">{s.holder.address}</span>
        </p>
      )}
      <ul class="perm-list small">
        {s.scope.permissions.map((p, i) => (
          <li key={i}>
            <PermissionText description={describeSerialized(p, { ...ctx, ...(s.chainNow !== null ? { now: s.chainNow } : {}), until: s.scope.expiry, date: localDate })} />
          </li>
        ))}
      </ul>
      {status === 'active' && (
        <div class="gauges small" data-testid="session-gauges">
          {nativeLeft !== null && <span class="pill">{formatEther(nativeLeft)} {symbol} left</span>}
          {(s.allowances ?? []).map((a, i) => (
            <span key={`a${i}`} class="pill allowance" data-testid="session-allowance">
              {a.kind === 'period'
                ? `${amount(a.asset, a.left)} left this period · resets ${localDate(a.resetsAt)}`
                : a.kind === 'stream'
                  ? `${amount(a.asset, a.available)} available now`
                  : `starts ${localDate(a.startsAt)}`}
            </span>
          ))}
          {callsLeft !== null && <span class="pill">{callsLeft} calls left</span>}
          {s.stipendLeft && <span class="pill">gas {Number(formatEther(BigInt(s.stipendLeft))).toFixed(4)} {symbol}</span>}
          {s.backend === 'alchemy' && <span class="pill" data-testid="session-backend">via Alchemy</span>}
        </div>
      )}
      {s.revokeTx && (
        <p class="small muted mono" data-testid="session-revoke-tx">
          disableDelegation tx {shortAddress(s.revokeTx)}
        </p>
      )}
      {s.sweepTx && (
        <p class="small muted mono" data-testid="session-sweep-tx">
          gas stipend returned · tx {shortAddress(s.sweepTx)}
        </p>
      )}
      {s.note && <p class="small muted">{s.note}</p>}
      <ErrorText error={error} />
      {s.status === 'active' && (
        <Button
          variant="secondary"
          testId="session-revoke"
          label={`${status === 'expired' ? 'Clean up' : 'Revoke'} session for ${s.origin.replace(/^https?:\/\//, '')}`}
          onClick={async () => {
            setError(null);
            try {
              await callWallet('sessions.revoke', { id: s.id });
            } catch (e) {
              setError((e as Error).message);
            }
            onChanged();
          }}
        >
          {status === 'expired' ? 'Clean up' : 'Revoke'}
        </Button>
      )}
    </li>
  );
}

// ------------------------------------------------------------------------------------ grant form

interface KnownContract {
  name: string;
  address: string;
  functions: { signature: string; label: string }[];
}

function knownContracts(chainId: number): KnownContract[] {
  if (chainId !== DEVNET_CHAIN_ID) return [];
  const fns = (abi: Abi) =>
    (abi.filter((x) => x.type === 'function' && x.stateMutability !== 'view' && x.stateMutability !== 'pure') as AbiFunction[]).map((f) => {
      const signature = `${f.name}(${f.inputs.map((i) => i.type).join(',')})`;
      return { signature, label: `${f.name}(${f.inputs.map((i) => `${i.type} ${i.name ?? ''}`.trim()).join(', ')})` };
    });
  return [
    { name: 'DemoGame', address: devnetContracts.DemoGame, functions: fns(DemoGameAbi as Abi) },
    { name: 'DemoToken (DEMO)', address: devnetContracts.DemoToken, functions: fns(DemoTokenAbi as Abi) },
  ];
}

/** How often a periodic ETH allowance renews (seconds); "in total" is the fixed lifetime allowance. */
const ALLOWANCE_PERIODS = [
  { label: 'in total', seconds: 0 },
  { label: 'per hour', seconds: 3600 },
  { label: 'per day', seconds: 86400 },
  { label: 'per week', seconds: 7 * 86400 },
  { label: 'per 30 days', seconds: 30 * 86400 },
];

const PRESETS = [
  { label: '15 min', seconds: 15 * 60 },
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86400 },
];

function GrantForm({ chainId, backend, onCancel, onGranted }: { chainId: number; backend: 'delegation' | 'alchemy'; onCancel: () => void; onGranted: () => void }) {
  const contracts = knownContracts(chainId);
  const [origin, setOrigin] = useState('');
  const [sites, setSites] = useState<string[]>([]);
  const [expiry, setExpiry] = useState<number | 'custom'>(3600);
  const [customMinutes, setCustomMinutes] = useState('30');
  const [contract, setContract] = useState(contracts[0]?.address ?? '');
  const [functions, setFunctions] = useState<string[]>(contracts[0]?.functions.slice(0, 1).map((f) => f.signature) ?? []);
  const [ethAllowance, setEthAllowance] = useState('');
  const [ethPeriod, setEthPeriod] = useState(0);
  const [callLimit, setCallLimit] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void callWallet('connections.list').then((c) => {
      setSites(c.map((x) => x.origin));
      if (c[0]) setOrigin(c[0].origin);
    });
  }, []);

  const selected = contracts.find((c) => c.address === contract);
  const submit = async () => {
    setError(null);
    const seconds = expiry === 'custom' ? Math.round(Number(customMinutes) * 60) : expiry;
    if (!Number.isFinite(seconds) || seconds <= 0) return setError('Choose how long the session lasts.');
    const permissions: unknown[] = [];
    if (contract && functions.length) permissions.push({ type: 'functions-on-contract', data: { address: contract, functions } });
    if (ethAllowance.trim()) {
      let wei: bigint;
      try {
        wei = parseEther(ethAllowance.trim());
      } catch {
        return setError('The ETH allowance is not a number.');
      }
      if (wei <= 0n) return setError('The ETH allowance must be more than 0.');
      // The same kinds an RPC request becomes (kinds.ts); a periodic one starts now (the background sets it).
      permissions.push(
        ethPeriod === 0
          ? { type: 'native-token-transfer', data: { allowance: wei.toString() } }
          : { type: 'native-token-periodic', data: { periodAmount: wei.toString(), periodDuration: ethPeriod } },
      );
    }
    if (permissions.length === 0) return setError('Pick at least one function or an ETH allowance.');
    try {
      await callWallet('sessions.grant', {
        origin,
        durationSeconds: seconds,
        permissions,
        ...(callLimit.trim() && backend !== 'alchemy' ? { callLimit: Number(callLimit) } : {}),
      });
      onGranted();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <form class="card" data-testid="grant-form" onSubmit={(e) => e.preventDefault()}>
      <h2>Grant a session</h2>
      <label>
        Site
        <input list="connected-sites" data-testid="grant-origin" placeholder="https://game.example" value={origin} onInput={(e) => setOrigin((e.target as HTMLInputElement).value)} />
        <datalist id="connected-sites">
          {sites.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </label>
      <fieldset class="presets">
        <legend class="small muted">Expires in</legend>
        {PRESETS.map((p) => (
          <button type="button" key={p.label} class={expiry === p.seconds ? 'tab active' : 'tab'} aria-pressed={expiry === p.seconds} onClick={() => setExpiry(p.seconds)}>
            {p.label}
          </button>
        ))}
        <button type="button" class={expiry === 'custom' ? 'tab active' : 'tab'} aria-pressed={expiry === 'custom'} onClick={() => setExpiry('custom')}>
          Custom
        </button>
        {expiry === 'custom' && (
          <label class="inline">
            <input data-testid="grant-minutes" inputMode="numeric" value={customMinutes} onInput={(e) => setCustomMinutes((e.target as HTMLInputElement).value)} /> minutes
          </label>
        )}
      </fieldset>
      {contracts.length > 0 && (
        <>
          <label>
            Contract
            <select data-testid="grant-contract" value={contract} onChange={(e) => setContract((e.target as HTMLSelectElement).value)}>
              {contracts.map((c) => (
                <option key={c.address} value={c.address}>
                  {c.name} · {shortAddress(c.address)}
                </option>
              ))}
            </select>
          </label>
          <fieldset class="functions">
            <legend class="small muted">Functions it may call</legend>
            {selected?.functions.map((f) => (
              <label class="check" key={f.signature}>
                <input
                  type="checkbox"
                  data-testid={`grant-fn-${f.signature.split('(')[0]}`}
                  checked={functions.includes(f.signature)}
                  onChange={(e) => setFunctions((e.target as HTMLInputElement).checked ? [...functions, f.signature] : functions.filter((x) => x !== f.signature))}
                />
                <span class="mono small">{f.label}</span>
                <span class="muted small">{toFunctionSelector(f.signature)}</span>
              </label>
            ))}
          </fieldset>
        </>
      )}
      <label>
        ETH it may spend (optional)
        <span class="row">
          <input data-testid="grant-eth" inputMode="decimal" placeholder="0.01" value={ethAllowance} onInput={(e) => setEthAllowance((e.target as HTMLInputElement).value)} />
          <select data-testid="grant-eth-period" aria-label="How often the ETH allowance renews" value={String(ethPeriod)} onChange={(e) => setEthPeriod(Number((e.target as HTMLSelectElement).value))}>
            {ALLOWANCE_PERIODS.map((p) => (
              <option key={p.seconds} value={String(p.seconds)}>
                {p.label}
              </option>
            ))}
          </select>
        </span>
      </label>
      {ethPeriod > 0 && (
        <p class="small muted" data-testid="grant-eth-period-note">
          The allowance renews {ALLOWANCE_PERIODS.find((p) => p.seconds === ethPeriod)?.label}, starting now; what is not spent does not carry over. The chain enforces it.
        </p>
      )}
      {backend === 'alchemy' ? (
        <p class="small muted" data-testid="grant-no-call-limit">Alchemy sessions cannot limit the number of calls; the expiry and allowances bound them.</p>
      ) : (
        <label>
          Call limit (optional)
          <input data-testid="grant-calls" inputMode="numeric" placeholder="e.g. 100" value={callLimit} onInput={(e) => setCallLimit((e.target as HTMLInputElement).value)} />
        </label>
      )}
      <ErrorText error={error} testId="grant-error" />
      <div class="row">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" testId="grant-submit" onClick={submit}>
          Grant
        </Button>
      </div>
    </form>
  );
}
