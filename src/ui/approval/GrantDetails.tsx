// A dApp's session request, for the owner to read and narrow: optional permissions can be left
// out, and the expiry shortened (never lengthened: the wallet already capped it).
import { useEffect, useState } from 'preact/hooks';
import { formatEther } from 'viem';
import { describeCall } from '../describe-call';

interface Item {
  index: number;
  type: string;
  required: boolean;
  supported: boolean;
  note?: string;
  permissions: { type: string; data?: Record<string, unknown> }[];
}

export interface GrantScopeView {
  expiry: number;
  callLimit?: number;
  items: Item[];
}

function describe(p: Item['permissions'][number], chainId: number, backend: 'delegation' | 'alchemy'): string {
  const d = (p.data ?? {}) as Record<string, unknown>;
  const name = (a: unknown) => (typeof a === 'string' ? describeCall(chainId, { to: a as `0x${string}`, value: 0n, data: '0x' }).target : '?');
  const fns = (f: unknown) => (Array.isArray(f) ? f.map((x: { signature?: string; selector?: string }) => x.signature ?? x.selector).join(', ') : '');
  switch (p.type) {
    case 'root':
      return 'Full access to the account (root)';
    case 'native-token-transfer':
      return `Spend up to ${formatEther(BigInt(d.allowance as string))} ETH`;
    case 'erc20-token-transfer':
      return `Transfer up to ${formatEther(BigInt(d.allowance as string))} of ${name(d.address)}`;
    case 'gas-limit':
      return backend === 'alchemy'
        ? `Use up to ${formatEther(BigInt(d.limit as string))} ETH of your account's ETH for gas`
        : `Gas stipend up to ${formatEther(BigInt(d.limit as string))} ETH, paid by you now, the rest returned at the end`;
    case 'contract-access':
      return `Call any function of ${name(d.address)}`;
    case 'functions-on-contract':
      return `Call ${fns(d.functions)} on ${name(d.address)}`;
    case 'functions-on-all-contracts':
      return `Call ${fns(d.functions)} on any contract`;
    case 'account-functions':
      return `Call ${fns(d.functions)} on your account`;
    default:
      return p.type;
  }
}

const SHORTER = [
  { label: '15 min', seconds: 15 * 60 },
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86400 },
];

export function GrantDetails({ scope, chainId, backend, onEdits }: { scope: GrantScopeView; chainId: number; backend: 'delegation' | 'alchemy'; onEdits: (e: unknown) => void }) {
  const [omit, setOmit] = useState<number[]>([]);
  const [expiry, setExpiry] = useState(scope.expiry);
  useEffect(() => onEdits({ omit, expiry }), [omit, expiry]);
  const now = Math.floor(Date.now() / 1000);
  const minutes = Math.round((expiry - now) / 60);
  return (
    <div class="stack" data-testid="grant-details">
      <p class="small muted">
        A new key, kept by the wallet, will act for your account <strong>only</strong> within these limits, which{' '}
        {backend === 'alchemy' ? "Alchemy's Wallet API and your account enforce" : 'the chain enforces'}. Calls inside them need no further approval.
      </p>
      {backend === 'alchemy' && (
        <p class="small" data-testid="grant-backend">
          Granted through Alchemy's Wallet API. Revoking deletes the key from this wallet; the grant itself ends at the expiry.
        </p>
      )}
      <ul class="grant-items">
        {scope.items.map((item) => (
          <li key={item.index} class={item.supported ? '' : 'muted'}>
            <label class="check">
              <input
                type="checkbox"
                data-testid={`grant-item-${item.index}`}
                disabled={item.required || !item.supported}
                checked={item.supported && !omit.includes(item.index)}
                onChange={(e) => setOmit((e.target as HTMLInputElement).checked ? omit.filter((i) => i !== item.index) : [...omit, item.index])}
              />
              <span>
                {item.permissions.map((p, i) => (
                  <span key={i} class="grant-line">
                    {describe(p, chainId, backend)}
                  </span>
                ))}
                {!item.supported && <span class="small"> (not supported: {item.note})</span>}
                <span class="small muted">{item.required ? ' · required' : ' · optional'}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      {scope.callLimit !== undefined && <p class="small">At most {scope.callLimit} calls.</p>}
      <div class="presets">
        <span class="small muted">Expires in {minutes >= 120 ? `${Math.round(minutes / 60)} h` : `${minutes} min`}:</span>{' '}
        {SHORTER.filter((p) => now + p.seconds < scope.expiry).map((p) => (
          <button key={p.label} type="button" class={expiry === now + p.seconds ? 'tab active' : 'tab'} data-testid={`grant-expiry-${p.seconds}`} onClick={() => setExpiry(now + p.seconds)}>
            {p.label}
          </button>
        ))}
        <button type="button" class={expiry === scope.expiry ? 'tab active' : 'tab'} onClick={() => setExpiry(scope.expiry)}>
          As asked
        </button>
      </div>
      <p class="small muted">Ends {new Date(expiry * 1000).toLocaleString()}; you can revoke it any time in the wallet.</p>
    </div>
  );
}
