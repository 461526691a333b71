// A plain call from the owner: address, value and data, reviewed before it is signed.
import { useState } from 'preact/hooks';
import { formatEther, isAddress, isHex, parseEther, type Hex } from 'viem';
import { Button, ErrorText, TxProgress } from '../components';
import { callWallet } from '../wallet-api';

export function SendCard({ symbol, onSent }: { symbol: string; onSent: () => void }) {
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [data, setData] = useState('');
  const [review, setReview] = useState<{ to: string; value: bigint; data: Hex } | null>(null);
  const [hash, setHash] = useState<Hex | null>(null);
  const [error, setError] = useState<string | null>(null);

  const check = () => {
    setError(null);
    if (!isAddress(to.trim(), { strict: false })) return setError('The recipient is not a valid address.');
    let value = 0n;
    try {
      value = amount.trim() ? parseEther(amount.trim()) : 0n;
    } catch {
      return setError(`The amount is not a number of ${symbol}.`);
    }
    if (value < 0n) return setError('The amount cannot be negative.');
    const d = data.trim() || '0x';
    if (!isHex(d) || d.length % 2 !== 0) return setError('Data must be 0x-prefixed hex bytes.');
    setReview({ to: to.trim(), value, data: d });
  };

  return (
    <section class="card" aria-labelledby="send-title" data-testid="send-card">
      <h2 id="send-title">Send a call</h2>
      {!review && (
        <>
          <label>
            To
            <input data-testid="send-to" placeholder="0x…" spellcheck={false} value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            Amount ({symbol})
            <input data-testid="send-amount" inputMode="decimal" placeholder="0.0" value={amount} onInput={(e) => setAmount((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            Data (optional)
            <input data-testid="send-data" placeholder="0x" spellcheck={false} value={data} onInput={(e) => setData((e.target as HTMLInputElement).value)} />
          </label>
          <ErrorText error={error} testId="send-error" />
          <Button testId="send-review" disabled={!to} onClick={check}>
            Review
          </Button>
        </>
      )}
      {review && !hash && (
        <div class="stack" data-testid="send-review-panel">
          <dl class="facts">
            <dt>To</dt>
            <dd class="mono">{review.to}</dd>
            <dt>Amount</dt>
            <dd>
              {formatEther(review.value)} {symbol}
            </dd>
            <dt>Data</dt>
            <dd class="mono">{review.data === '0x' ? 'none' : `${review.data.slice(0, 10)}… (${(review.data.length - 2) / 2} bytes)`}</dd>
          </dl>
          <ErrorText error={error} testId="send-error" />
          <div class="row">
            <Button variant="secondary" onClick={() => setReview(null)}>
              Edit
            </Button>
            <Button
              testId="send-confirm"
              onClick={async () => {
                try {
                  const r = await callWallet('account.send', { to: review.to, value: review.value.toString(), data: review.data });
                  setHash(r.hash);
                } catch (e) {
                  setError((e as Error).message);
                }
              }}
            >
              Confirm and send
            </Button>
          </div>
        </div>
      )}
      {hash && (
        <>
          <TxProgress hash={hash} label="Call" onDone={onSent} />
          <Button
            variant="secondary"
            onClick={() => {
              setHash(null);
              setReview(null);
              setTo('');
              setAmount('');
              setData('');
            }}
          >
            New call
          </Button>
        </>
      )}
    </section>
  );
}
