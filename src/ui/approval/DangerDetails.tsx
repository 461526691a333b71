// The parts of the approval window that show danger and typed data: the red banner over a send that
// gives away tokens (with the Approve button saying what it does), and typed data as a labelled
// view that must be read to its end before Approve unlocks.
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Address } from 'viem';
import { callsDanger } from '../../approvals/danger';
import { builtInChains } from '../../chains/registry';
import { approvalWarning, parseTypedData, PERMIT2_ADDRESS } from '../../signing/typed-data';
import { typedDataView, type ViewNode } from '../../signing/typed-data-view';
import { knownContractName, knownToken } from '../describe-call';
import { localDate } from '../format';
import { callWallet } from '../wallet-api';
import { DangerBanner, type ApproveGuard } from './DangerBanner';

/** The owner's address, for checks that compare a request with the account (read once per window). */
export function useOwnerAddress(): Address | undefined {
  const [address, setAddress] = useState<Address | undefined>(undefined);
  useEffect(() => {
    callWallet('vault.state')
      .then((state) => setAddress('address' in state ? (state.address as Address) : undefined))
      .catch(() => setAddress(undefined));
  }, []);
  return address;
}

/** Unlimited approvals and operator approvals in a send: the red banner, and a red "Approve unlimited DEMO". */
export function SendCallsDanger({ chainId, calls, onGuard }: { chainId: number; calls: readonly { to?: Address | undefined; data: `0x${string}` }[]; onGuard?: ((g: ApproveGuard) => void) | undefined }) {
  const danger = callsDanger(calls, (a) => knownToken(chainId, a));
  const label = danger?.approveLabel;
  useEffect(() => onGuard?.(label ? { label, danger: true } : {}), [label]);
  if (!danger) return null;
  return <DangerBanner title={danger.title} lines={danger.lines} testId="danger-banner" />;
}

function Field({ node }: { node: ViewNode }) {
  if (node.children) {
    return (
      <li class="td-node">
        <span class="td-label">{node.label}</span>
        <ul class="td-tree">
          {node.children.map((c, i) => (
            <Field key={i} node={c} />
          ))}
        </ul>
      </li>
    );
  }
  return (
    <li class="td-node" data-testid={`typed-field-${node.name}`}>
      <span class="td-label">{node.label}</span>
      <span class={node.mono ? 'td-value mono' : 'td-value'}>{node.text}</span>
      {node.raw !== undefined && <span class="td-raw small muted">{node.raw}</span>}
    </li>
  );
}

const chainName = (id: number) => builtInChains.find((c) => c.id === id)?.name;

/**
 * Typed data, structured: who it is for (domain), what (primary type), and every field. Approve
 * unlocks once the view has been scrolled to its end, or at once when it fits: a Permit's spender
 * and amount never sit unread below the fold.
 */
export function TypedDataDetails({
  typedData,
  tokens,
  onGuard,
}: {
  typedData: string;
  tokens?: Record<Address, { name: string; symbol: string; decimals: number }> | undefined;
  onGuard?: ((g: ApproveGuard) => void) | undefined;
}) {
  const account = useOwnerAddress();
  const box = useRef<HTMLDivElement>(null);
  const [readToEnd, setReadToEnd] = useState(false);
  let payload;
  try {
    // The background parsed the same JSON strictly before opening this window.
    payload = parseTypedData(typedData);
  } catch {
    payload = undefined;
  }
  const chainId = payload?.domain.chainId;
  const tokenOf = (a: Address) => {
    const key = Object.keys(tokens ?? {}).find((k) => k.toLowerCase() === a.toLowerCase()) as Address | undefined;
    return key ? tokens![key] : undefined;
  };
  const warning = payload ? approvalWarning(payload) : undefined;
  const view = payload
    ? typedDataView(
        payload,
        {
          token: tokenOf,
          contractName: (a) =>
            a.toLowerCase() === PERMIT2_ADDRESS.toLowerCase() ? 'Permit2' : chainId !== undefined ? knownContractName(chainId, a) : undefined,
          account,
          date: localDate,
        },
        chainName,
      )
    : undefined;
  const check = () => {
    const el = box.current;
    if (el && el.scrollTop + el.clientHeight >= el.scrollHeight - 4) setReadToEnd(true);
  };
  useEffect(check, [view?.fields.length, account]);
  // The button says what signing does: "Approve unlimited DEMO" for an unlimited permit.
  const unlimited = warning?.sentences.map((line) => /all your (.+?) \(unlimited\)/.exec(line)?.[1]).find(Boolean);
  const label = warning ? (unlimited ? `Approve unlimited ${unlimited}` : 'Approve token spending') : undefined;
  useEffect(() => onGuard?.({ blocked: !readToEnd, ...(label ? { label, danger: true } : {}) }), [readToEnd, label]);
  return (
    <div class="stack">
      {warning && (
        <DangerBanner
          title={`This is a token approval: ${warning.standard}`}
          lines={[...new Set(warning.sentences), 'Anyone holding this signature can use it, without asking you again. Reject unless you meant to allow it.']}
          testId="typed-data-warning"
        />
      )}
      <div class="typed-data" ref={box} onScroll={check} data-testid="typed-data-view" data-read={readToEnd ? 'true' : 'false'} data-scroll-gate tabIndex={0}>
        {view ? (
          <>
            <p class="td-heading">For</p>
            <dl class="facts" data-testid="typed-data-domain">
              {view.domain.map((row) => (
                <>
                  <dt key={`t${row.label}`}>{row.label}</dt>
                  <dd key={`d${row.label}`} class={row.mono ? 'mono' : undefined}>
                    {row.text}
                  </dd>
                </>
              ))}
            </dl>
            <p class="td-heading">
              Message: <strong data-testid="typed-data-type">{view.primaryType}</strong>
            </p>
            <ul class="td-tree" data-testid="typed-data-fields">
              {view.fields.map((f, i) => (
                <Field key={i} node={f} />
              ))}
            </ul>
          </>
        ) : (
          <pre class="message">{typedData}</pre>
        )}
      </div>
      {!readToEnd && (
        <p class="small muted" data-testid="typed-data-scroll-hint">
          Scroll to the end of the message to sign it.
        </p>
      )}
    </div>
  );
}
