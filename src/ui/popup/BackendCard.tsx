// Settings: which account backend serves the current network. The API key goes in, never comes
// back: the card shows only whether one is stored and its last four characters.
import { useEffect, useState } from 'preact/hooks';
import { Button, ErrorText } from '../components';
import { callWallet } from '../wallet-api';

type View = Awaited<ReturnType<typeof callWallet<'backend.view'>>>;

export function BackendCard({ chainName, chainKind, onChanged }: { chainName: string; chainKind: string; onChanged: () => void }) {
  const [view, setView] = useState<View | null>(null);
  const [choice, setChoice] = useState<'delegation' | 'alchemy'>('delegation');
  const [form, setForm] = useState({ apiKey: '', policyId: '', url: '' });
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const show = (v: View) => {
    setView(v);
    setChoice(v.kind);
    if (v.kind === 'alchemy') setForm({ apiKey: '', policyId: v.policyId ?? '', url: v.customUrl ? v.url : '' });
  };
  useEffect(() => {
    void callWallet('backend.view').then(show, (e: Error) => setError(e.message));
  }, []);
  if (!view) return <ErrorText error={error} />;

  const delegationLabel = chainKind === 'devnet' ? 'Local devnet (Delegation Framework)' : chainKind === 'custom' ? 'Custom chain (Delegation Framework on its RPC)' : 'Delegation Framework on this RPC';
  const keyHint = view.kind === 'alchemy' && view.apiKey.set ? view.apiKey.hint : null;
  const input = (key: keyof typeof form, label: string, placeholder: string, secret = false) => {
    const props = {
      'data-testid': `backend-${key}`,
      autocomplete: 'off',
      spellcheck: false,
      placeholder,
      value: form[key],
      onInput: (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value }),
    };
    return (
      <label>
        {label}
        {secret ? <input type="password" {...props} /> : <input type="text" {...props} />}
      </label>
    );
  };

  return (
    <section class="card stack" data-testid="backend-card" data-kind={view.kind}>
      <div class="row">
        <h2>Account backend</h2>
        <span class="pill" data-testid="backend-current">{view.kind === 'alchemy' ? 'Alchemy' : 'Delegation'}</span>
      </div>
      <p class="small muted">How {chainName} runs your smart account and its sessions.</p>
      <label>
        Backend
        <select data-testid="backend-kind" value={choice} onChange={(e) => (setChoice((e.target as HTMLSelectElement).value as 'delegation' | 'alchemy'), setSaved(null), setError(null))}>
          <option value="delegation">{delegationLabel}</option>
          <option value="alchemy">Alchemy Wallet API</option>
        </select>
      </label>
      {choice === 'alchemy' && (
        <>
          {input('apiKey', keyHint ? `API key (stored, ending ${keyHint}; leave empty to keep it)` : 'Alchemy API key', keyHint ? 'Keep the stored key' : 'Your API key', true)}
          {input('policyId', 'Gas policy id (optional, sponsors gas)', '00000000-0000-4000-8000-000000000000')}
          {input('url', 'Wallet API URL (optional)', "Alchemy's endpoint")}
          <p class="small muted">One key serves all your Alchemy networks. It is stored encrypted and only sent to the Wallet API URL, in its Authorization header.</p>
          {keyHint && (
            <Button
              variant="secondary"
              testId="backend-forget-key"
              onClick={async () => {
                setError(null);
                try {
                  await callWallet('backend.forgetApiKey');
                  show(await callWallet('backend.view'));
                  setSaved('The API key was deleted. Alchemy networks need a key again before they work.');
                } catch (e) {
                  setError((e as Error).message);
                }
              }}
            >
              Delete the stored key
            </Button>
          )}
        </>
      )}
      {choice === 'delegation' && view.kind === 'alchemy' && <p class="small muted">Sessions granted through Alchemy stop covering calls when you switch back.</p>}
      <ErrorText error={error} testId="backend-error" />
      {saved && <p class="small muted" data-testid="backend-saved">{saved}</p>}
      <Button
        testId="backend-save"
        onClick={async () => {
          setError(null);
          setSaved(null);
          try {
            const next =
              choice === 'alchemy'
                ? await callWallet('backend.useAlchemy', { ...(form.apiKey ? { apiKey: form.apiKey } : {}), ...(form.policyId ? { policyId: form.policyId } : {}), ...(form.url ? { url: form.url } : {}) })
                : await callWallet('backend.useDelegation');
            show(next);
            setSaved(next.kind === 'alchemy' ? `${chainName} now uses Alchemy. The API key was accepted.` : `${chainName} now uses the Delegation Framework.`);
            onChanged();
          } catch (e) {
            setError((e as Error).message);
          }
        }}
      >
        {choice === 'alchemy' ? 'Check and save' : 'Save'}
      </Button>
    </section>
  );
}
