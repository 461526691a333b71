// A dApp's session request, for the owner to read and narrow: optional permissions can be left
// out, and the expiry shortened (never lengthened: the wallet already capped it).
import { useEffect, useState } from 'preact/hooks';
import { formatEther, formatUnits, parseUnits, type Address } from 'viem';
import { amountOf, lowerableFields, withAmount, type AmountLowering } from '../../permissions/adjust';
import type { GrantScopeView } from '../../permissions/erc7715';
import { exposureText, totalExposure } from '../../permissions/exposure';
import { contractOf, describePermission, type DescribeContext, type Permission } from '../../permissions/kinds';
import { tokenMovingFunctions } from '../../permissions/known-functions';
import { parsePermission } from '../../permissions/validate';
import { localDate } from '../format';
import { describeContext, PermissionText } from '../permission-text';
import { DangerBanner, type ApproveGuard } from './DangerBanner';

export type { GrantScopeView };

type Item = GrantScopeView['items'][number];

/** Token-moving functions the session could call on every contract, among the items still ticked. */
function tokenMovingEverywhere(items: readonly Item[], omit: readonly number[]): string[] {
  const names = items
    .filter((i) => i.supported && !omit.includes(i.index))
    .flatMap((i) => i.permissions)
    .flatMap((p) => (p.type === 'functions-on-all-contracts' ? tokenMovingFunctions(p.data.functions).map((f) => f.name) : []));
  return [...new Set(names)];
}


const FIELD_LABEL: Record<string, string> = {
  allowance: 'Allowance',
  periodAmount: 'Per period',
  amountPerSecond: 'Per hour',
  initialAmount: 'At once',
  maxAmount: 'At most in total',
};

/** A stream's rate is asked per second; a person types it per hour. */
const PER_HOUR = (field: string) => (field === 'amountPerSecond' ? 3600n : 1n);

/** A permission as sent, read back with the grant-time checks; null when it cannot be (shown as such). */
function parsed(p: Item['permissions'][number]): Permission | null {
  try {
    return parsePermission(p);
  } catch {
    return null;
  }
}

/** What the window shows and counts: each item's permissions with the owner's lowered amounts. */
function effective(items: readonly Item[], typed: Record<string, string>, decimals: (p: Permission) => number | undefined) {
  const lowerings: AmountLowering[] = [];
  const errors: Record<string, string> = {};
  const perItem = items.map((item) =>
    item.permissions.map((raw) => {
      let p = parsed(raw);
      if (!p || !item.adjustable) return p;
      for (const field of lowerableFields(p)) {
        const text = typed[`${item.index}:${field}`]?.trim();
        if (!text) continue;
        const key = `${item.index}:${field}`;
        const d = decimals(p);
        let value: bigint;
        try {
          value = d === undefined ? BigInt(text) : parseUnits(text, d) / PER_HOUR(field);
        } catch {
          errors[key] = 'Not a number.';
          continue;
        }
        if (value > amountOf(p, field)) {
          errors[key] = 'You can only lower it.';
          continue;
        }
        try {
          p = withAmount(p, field, value, item.index);
          lowerings.push({ index: item.index, field, value: value.toString() });
        } catch (e) {
          errors[key] = (e as Error).message.replace(/^permission \d+[^:]*: /, '');
        }
      }
      return p;
    }),
  );
  return { perItem, lowerings, errors };
}

const SHORTER = [
  { label: '15 min', seconds: 15 * 60 },
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86400 },
];

export function GrantDetails({
  scope,
  chainId,
  backend,
  onEdits,
  onGuard,
}: {
  scope: GrantScopeView;
  chainId: number;
  backend: 'delegation' | 'alchemy';
  onEdits: (e: unknown) => void;
  onGuard?: ((g: ApproveGuard) => void) | undefined;
}) {
  const [omit, setOmit] = useState<number[]>([]);
  const [expiry, setExpiry] = useState(scope.expiry);
  const [confirmed, setConfirmed] = useState(false);
  const [rootConfirmed, setRootConfirmed] = useState(false);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const risky = tokenMovingEverywhere(scope.items, omit);
  // Tokens as their contracts answered on chain (the background read them); the wallet's own table
  // only for what the chain did not answer.
  const base = describeContext(chainId, 'ETH', backend);
  const tokenOf = (a: Address) => scope.tokens?.[a] ?? base.token?.(a);
  const now = scope.now ?? Math.floor(Date.now() / 1000);
  const ctx: DescribeContext = { ...base, token: tokenOf, now, until: expiry, date: localDate };
  const decimals = (p: Permission) => {
    if (!p.type.startsWith('erc20')) return 18;
    const address = contractOf(p);
    return address ? tokenOf(address)?.decimals : undefined;
  };
  const { perItem, lowerings, errors } = effective(scope.items, typed, decimals);
  const invalid = Object.keys(errors).length > 0;
  const chosen = scope.items.flatMap((item, i) => (item.supported && !omit.includes(item.index) ? perItem[i]!.filter((p): p is Permission => p !== null) : []));
  const exposure = totalExposure({ permissions: chosen, expiry, now, isToken: (a) => tokenOf(a) !== undefined });
  // Full access: the session key can do anything the account can, until the expiry.
  const fullAccess = chosen.some((p) => p.type === 'root');
  const danger = fullAccess || risky.length > 0;
  // The background refuses the grant (4001) unless this tick is sent with the approval.
  // `confirmationMissing` is for the window only (it keeps Approve disabled); the background checks
  // `confirmTokenMovingEverywhere` itself and refuses the grant without it.
  // An amount typed that is not lower keeps Approve disabled (confirmationMissing); the background
  // checks `lower` again and refuses a raise whatever the window sends.
  const lowerKey = JSON.stringify(lowerings);
  useEffect(
    () =>
      onEdits({
        omit,
        expiry,
        lower: lowerings,
        confirmTokenMovingEverywhere: risky.length > 0 && confirmed,
        // The background refuses a root grant without it (rpc/methods/permissions.ts).
        confirmFullAccess: fullAccess && rootConfirmed,
        confirmationMissing: (risky.length > 0 && !confirmed) || (fullAccess && !rootConfirmed) || invalid,
      }),
    [omit, expiry, confirmed, rootConfirmed, fullAccess, risky.length, lowerKey, invalid],
  );
  // A dangerous grant's button is red and says what it grants.
  const approveLabel = fullAccess ? 'Grant full access' : risky.length > 0 ? 'Grant access to all tokens' : undefined;
  useEffect(() => onGuard?.(approveLabel ? { label: approveLabel, danger: true } : {}), [approveLabel]);
  // The approval window is not told the chain's ticker; ETH, as for the calls it shows.
  const gas = scope.gasLimit === undefined ? undefined : describePermission({ type: 'gas-limit', data: { limit: BigInt(scope.gasLimit) } }, ctx);
  const exposureBox = exposure.length > 0 && (
    <div class="small exposure" data-testid="grant-exposure">
      <p>
        <strong>Total exposure</strong>: the most this grant could ever move from your account, until it ends
      </p>
      <ul>
        {exposure.map((e) => (
          <li key={e.asset} data-testid="grant-exposure-line">
            {exposureText(e, ctx)}
          </li>
        ))}
      </ul>
    </div>
  );
  const wall = Math.floor(Date.now() / 1000);
  const minutes = Math.round((expiry - now) / 60);
  return (
    <div class="stack" data-testid="grant-details">
      {scope.heldBy ? (
        // A dApp-held key: the site itself spends within the limits; say so before anything else.
        <div class="small" data-testid="grant-holder" data-holder="dapp">
          <p>
            <strong>The site's own account will hold this permission</strong> and can{' '}
            {danger ? 'use your account as listed below' : 'spend from your account within these limits'}, with no further approval from you.{' '}
            {backend === 'alchemy'
              ? // Alchemy's session calls are operations of your own account: its ETH (or the gas sponsor) pays their gas.
                "Alchemy's Wallet API and your account enforce the limits; the gas of the site's calls is paid from your account (or by your gas policy)."
              : 'The chain enforces the limits; the site pays its own gas.'}
          </p>
          <p class="mono" style={{ overflowWrap: 'anywhere' }} data-testid="grant-holder-address">
            {scope.heldBy}
          </p>
          {backend === 'alchemy' ? (
            // Alchemy keeps the grant installed until it expires and the site holds the key: the
            // wallet cannot take it back, and the owner must know that before approving.
            <p data-testid="grant-holder-irrevocable">
              <strong>You cannot take this back before it ends.</strong> Alchemy keeps the grant on your account until the expiry below, and the site
              holds the key.
            </p>
          ) : (
            <p class="muted">You can revoke it any time in the wallet; revoking is a transaction your account pays for.</p>
          )}
        </div>
      ) : (
        <p class="small muted" data-testid="grant-holder" data-holder="wallet">
          {danger ? (
            // Root and token-moving-everywhere grants have no limits worth the word "only".
            <>A new key, kept by the wallet, will act for your account as listed below, with no further approval from you, until the session ends.</>
          ) : (
            <>
              A new key, kept by the wallet, will act for your account <strong>only</strong> within these limits, which{' '}
              {backend === 'alchemy' ? "Alchemy's Wallet API and your account enforce" : 'the chain enforces'}. Calls inside them need no further approval.
            </>
          )}
        </p>
      )}
      {fullAccess && (
        <DangerBanner
          title="Full access to your account"
          lines={[
            `This site could move everything in your account, any time until ${localDate(expiry)}: all your ETH, every token and NFT, and any approval, with no further question from the wallet.`,
            'Grant this only to a site you trust as much as your recovery phrase. A game or a shop never needs it.',
          ]}
          testId="grant-root-warning"
        >
          <label class="check">
            <input type="checkbox" data-testid="grant-root-confirm" checked={rootConfirmed} onChange={(e) => setRootConfirmed((e.target as HTMLInputElement).checked)} />
            <span>I understand this site can move everything</span>
          </label>
          {!rootConfirmed && <p class="small">Approve stays off until you tick this.</p>}
        </DangerBanner>
      )}
      {danger && exposureBox}
      {(scope.upgradeFirst || (!scope.heldBy && scope.stipend)) && (
        <ul class="small grant-steps" data-testid="grant-steps">
          {scope.upgradeFirst && (
            <li data-testid="grant-upgrade-first">
              First, your account will be upgraded (EIP-7702) to a smart account: one transaction, you pay the gas.
            </li>
          )}
          {!scope.heldBy && scope.stipend && (
            <li data-testid="grant-stipend">
              The wallet funds the session key with {formatEther(BigInt(scope.stipend))} ETH for gas now; what is left comes back when the session ends.
            </li>
          )}
        </ul>
      )}
      {backend === 'alchemy' && (
        <p class="small" data-testid="grant-backend">
          Granted through Alchemy's Wallet API.{' '}
          {scope.heldBy ? 'The site signs its own calls with its key.' : 'Revoking deletes the key from this wallet; the grant itself ends at the expiry.'}
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
                {item.permissions.map((raw, i) => {
                  const p = perItem[scope.items.indexOf(item)]![i];
                  return (
                    <span key={i} class="grant-line" data-testid={`grant-permission-${item.index}`}>
                      <PermissionText description={p ? describePermission(p, ctx) : { title: [`${raw.type} (cannot be shown)`], lines: [] }} />
                    </span>
                  );
                })}
                {!item.supported && <span class="small"> (not supported: {item.note})</span>}
                <span class="small muted">{item.required ? ' · required' : ' · optional'}</span>
              </span>
            </label>
            {perItem[scope.items.indexOf(item)]!.map((p, i) => {
              const token = p && p.type.startsWith('erc20') ? contractOf(p) : undefined;
              if (!token) return null;
              const info = tokenOf(token);
              // The full address, wrapped: the symbol is the token deployer's choice, the address is not.
              return (
                <p key={`t${i}`} class="small token-line" data-testid={`grant-token-${item.index}`}>
                  Token: {info ? `${info.name} (${info.symbol})` : 'not an ERC-20 the chain could read (decimals unknown)'} <span class="mono">{token}</span>
                </p>
              );
            })}
            {item.justification && (
              <p class="small justification" data-testid={`grant-justification-${item.index}`}>
                <span class="muted">The site's own words (not checked by the wallet):</span> “{item.justification}”
              </p>
            )}
            {item.supported && (
              <AmountFields
                item={item}
                permissions={perItem[scope.items.indexOf(item)]!}
                original={item.permissions.map(parsed)}
                typed={typed}
                errors={errors}
                decimals={decimals}
                symbol={(p) => (p.type.startsWith('erc20') ? (tokenOf(contractOf(p)!)?.symbol ?? 'base units') : 'ETH')}
                onType={(key, value) => setTyped({ ...typed, [key]: value })}
              />
            )}
          </li>
        ))}
      </ul>
      {scope.redeemers && (
        // The redeemer rule: who may send the transactions that use the permission (RedeemerEnforcer).
        <div class="small" data-testid="grant-redeemers">
          <p>
            <strong>Only {scope.redeemers.length === 1 ? 'this address' : `these ${scope.redeemers.length} addresses`} can use this permission</strong>; the
            chain refuses any other sender:
          </p>
          {scope.redeemers.map((r) => (
            <p key={r} class="mono" style={{ overflowWrap: 'anywhere' }} data-testid="grant-redeemer">
              {r}
            </p>
          ))}
        </div>
      )}
      {(scope.callLimit !== undefined || scope.gasLimit !== undefined) && (
        <div class="small" data-testid="grant-session-limits">
          {scope.callLimit !== undefined && <p data-testid="grant-call-limit">At most {scope.callLimit} calls in the whole session, whatever you untick.</p>}
          {gas && (
            <p data-testid="grant-gas-limit">
              <PermissionText description={gas} />
            </p>
          )}
        </div>
      )}
      {!danger && exposureBox}
      {risky.length > 0 && (
        <DangerBanner
          title="This site could move or approve away any of your tokens, on every token contract"
          lines={[`With no further question: ${risky.join(', ')}. A site that asks for this can empty your token balances.`]}
          testId="grant-token-warning"
        >
          <label class="check">
            <input type="checkbox" data-testid="grant-token-confirm" checked={confirmed} onChange={(e) => setConfirmed((e.target as HTMLInputElement).checked)} />
            <span>I understand: this site may move or give away all my tokens.</span>
          </label>
          {!confirmed && <p class="small">Approve grants nothing until you tick this.</p>}
        </DangerBanner>
      )}
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
      <p class="small muted">
        Ends {localDate(expiry)}
        {Math.abs(now - wall) > 300 ? ' by the chain’s clock' : ''};{' '}
        {scope.heldBy && backend === 'alchemy' ? 'it cannot be revoked before then.' : 'you can revoke it any time in the wallet.'}
      </p>
    </div>
  );
}

/**
 * The amounts of one item: a field to lower each where the site allowed it (shown in the token's
 * units, a stream's rate per hour), or a plain note that the site fixed them.
 */
function AmountFields(props: {
  item: Item;
  permissions: (Permission | null)[];
  original: (Permission | null)[];
  typed: Record<string, string>;
  errors: Record<string, string>;
  decimals: (p: Permission) => number | undefined;
  symbol: (p: Permission) => string;
  onType: (key: string, value: string) => void;
}) {
  const { item } = props;
  // An amount of 0 (a stream with nothing at once) cannot go lower: no field for it.
  const fields = props.original.flatMap((p) => (p ? lowerableFields(p).filter((f) => amountOf(p, f) > 0n).map((f) => [p, f] as const) : []));
  if (fields.length === 0) return null;
  if (!item.adjustable) {
    return (
      <p class="small muted" data-testid={`grant-fixed-${item.index}`}>
        The site does not allow changing these amounts: approve them as they are, or reject.
      </p>
    );
  }
  return (
    <div class="lower" data-testid={`grant-lower-${item.index}`}>
      <p class="small muted">You may lower these amounts (never raise them); the chain enforces what you set and the site is told.</p>
      {fields.map(([p, field]) => {
        const key = `${item.index}:${field}`;
        const d = props.decimals(p);
        const asked = amountOf(p, field) * PER_HOUR(field);
        const shown = d === undefined ? asked.toString() : formatUnits(asked, d);
        return (
          <label key={key} class="lower-field">
            <span class="small">{FIELD_LABEL[field] ?? field}</span>
            <span class="row">
              <input
                data-testid={`grant-lower-${item.index}-${field}`}
                inputMode="decimal"
                placeholder={shown}
                value={props.typed[key] ?? ''}
                onInput={(e) => props.onType(key, (e.target as HTMLInputElement).value)}
              />
              <span class="small muted">
                {props.symbol(p)} (asked: {shown})
              </span>
            </span>
            {props.errors[key] && (
              <span class="small error" role="alert" data-testid={`grant-lower-error-${item.index}-${field}`}>
                {props.errors[key]}
              </span>
            )}
          </label>
        );
      })}
    </div>
  );
}
