// First run: create a new owner (a recovery phrase shown once, then confirmed) or import one (a
// phrase or a private key), then choose a password. The new phrase is made here, in the wallet's own
// page, and goes to the background once, inside the create call; it is never stored unencrypted.
import { useMemo, useState } from 'preact/hooks';
import { newMnemonic, parseOwnerSecret, passwordProblem } from '../../vault/owner-secret';
import { Button, ErrorText } from '../components';
import { callWallet } from '../wallet-api';

type Step = { name: 'welcome' } | { name: 'show'; phrase: string } | { name: 'confirm'; phrase: string } | { name: 'import' } | { name: 'password'; secret: string; back: Step };

export function Onboarding({ onDone }: { onDone: () => void }) {
  const [step, setStep] = useState<Step>({ name: 'welcome' });
  switch (step.name) {
    case 'welcome':
      return (
        <section class="card onboarding" data-testid="onboarding-welcome">
          <h2>Welcome</h2>
          <p class="muted">
            Your wallet is an account you own, upgraded to a smart account. Apps you trust get short-lived session keys with limits the chain
            enforces; everything else asks you first.
          </p>
          <Button testId="create-wallet" onClick={() => setStep({ name: 'show', phrase: newMnemonic() })}>
            Create a new wallet
          </Button>
          <Button testId="import-wallet" variant="secondary" onClick={() => setStep({ name: 'import' })}>
            Import a recovery phrase or key
          </Button>
        </section>
      );
    case 'show':
      return <ShowPhrase phrase={step.phrase} onBack={() => setStep({ name: 'welcome' })} onNext={() => setStep({ name: 'confirm', phrase: step.phrase })} />;
    case 'confirm':
      return (
        <ConfirmPhrase
          phrase={step.phrase}
          onBack={() => setStep({ name: 'show', phrase: step.phrase })}
          onNext={() => setStep({ name: 'password', secret: step.phrase, back: step })}
        />
      );
    case 'import':
      return <ImportSecret onBack={() => setStep({ name: 'welcome' })} onNext={(secret) => setStep({ name: 'password', secret, back: step })} />;
    case 'password':
      return <ChoosePassword secret={step.secret} onBack={() => setStep(step.back)} onDone={onDone} />;
  }
}

function ShowPhrase({ phrase, onBack, onNext }: { phrase: string; onBack: () => void; onNext: () => void }) {
  const [saved, setSaved] = useState(false);
  return (
    <section class="card" data-testid="onboarding-phrase">
      <h2>Your recovery phrase</h2>
      <p class="muted">Write these 12 words down, in order, and keep them offline. They are the only way to restore this wallet. Anyone who has them owns it.</p>
      <ol class="phrase-grid" data-testid="recovery-phrase">
        {phrase.split(' ').map((word, i) => (
          <li key={i}>
            <span class="muted small">{i + 1}</span> <span class="mono">{word}</span>
          </li>
        ))}
      </ol>
      <label class="check">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved((e.target as HTMLInputElement).checked)} data-testid="phrase-saved" />
        I wrote the phrase down
      </label>
      <div class="row">
        <Button variant="secondary" onClick={onBack}>
          Back
        </Button>
        <Button testId="phrase-next" disabled={!saved} onClick={onNext}>
          Continue
        </Button>
      </div>
    </section>
  );
}

function ConfirmPhrase({ phrase, onBack, onNext }: { phrase: string; onBack: () => void; onNext: () => void }) {
  const words = phrase.split(' ');
  // Three distinct positions, fixed for this screen.
  const positions = useMemo(() => {
    const picked = new Set<number>();
    const r = crypto.getRandomValues(new Uint32Array(16));
    for (const n of r) {
      picked.add(n % words.length);
      if (picked.size === 3) break;
    }
    return [...picked].sort((a, b) => a - b);
  }, [phrase]);
  const [answers, setAnswers] = useState<Record<number, string>>({});
  const [error, setError] = useState<string | null>(null);
  return (
    <section class="card" data-testid="onboarding-confirm">
      <h2>Confirm your phrase</h2>
      <p class="muted">Type the words at these positions.</p>
      {positions.map((p) => (
        <label key={p}>
          Word #{p + 1}
          <input
            data-testid={`confirm-word-${p + 1}`}
            autoComplete="off"
            spellcheck={false}
            value={answers[p] ?? ''}
            onInput={(e) => setAnswers({ ...answers, [p]: (e.target as HTMLInputElement).value })}
          />
        </label>
      ))}
      <ErrorText error={error} testId="confirm-error" />
      <div class="row">
        <Button variant="secondary" onClick={onBack}>
          Show the phrase again
        </Button>
        <Button
          testId="confirm-next"
          onClick={() => {
            const wrong = positions.filter((p) => (answers[p] ?? '').trim().toLowerCase() !== words[p]);
            if (wrong.length) setError(`Word #${wrong[0]! + 1} does not match. Check what you wrote down.`);
            else onNext();
          }}
        >
          Continue
        </Button>
      </div>
    </section>
  );
}

function ImportSecret({ onBack, onNext }: { onBack: () => void; onNext: (secret: string) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <section class="card" data-testid="onboarding-import">
      <h2>Import a wallet</h2>
      <label>
        Recovery phrase (12-24 words) or private key
        <textarea
          rows={4}
          data-testid="import-secret"
          autoComplete="off"
          spellcheck={false}
          value={text}
          onInput={(e) => {
            setText((e.target as HTMLTextAreaElement).value);
            setError(null);
          }}
        />
      </label>
      <ErrorText error={error} testId="import-error" />
      <div class="row">
        <Button variant="secondary" onClick={onBack}>
          Back
        </Button>
        <Button
          testId="import-next"
          disabled={text.trim().length === 0}
          onClick={() => {
            try {
              parseOwnerSecret(text);
              onNext(text);
            } catch (e) {
              setError((e as Error).message);
            }
          }}
        >
          Continue
        </Button>
      </div>
    </section>
  );
}

function ChoosePassword({ secret, onBack, onDone }: { secret: string; onBack: () => void; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [error, setError] = useState<string | null>(null);
  const hint = password ? passwordProblem(password) : null;
  return (
    <form class="card" data-testid="onboarding-password" onSubmit={(e) => e.preventDefault()}>
      <h2>Choose a password</h2>
      <p class="muted">It unlocks the wallet on this browser. It cannot recover the wallet: only the phrase or key can.</p>
      <label>
        Password
        <input type="password" autoComplete="new-password" data-testid="password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
      </label>
      {hint && <p class="small muted" data-testid="password-hint">{hint}</p>}
      <label>
        Confirm password
        <input type="password" autoComplete="new-password" data-testid="password-confirm" value={confirmation} onInput={(e) => setConfirmation((e.target as HTMLInputElement).value)} />
      </label>
      <ErrorText error={error} testId="password-error" />
      <div class="row">
        <Button variant="secondary" onClick={onBack}>
          Back
        </Button>
        <Button
          type="submit"
          testId="create-vault"
          onClick={async () => {
            const problem = passwordProblem(password, confirmation);
            if (problem) return setError(problem);
            try {
              await callWallet('vault.create', { secret, password, confirmation });
              onDone();
            } catch (e) {
              setError((e as Error).message);
            }
          }}
        >
          Create wallet
        </Button>
      </div>
    </form>
  );
}
