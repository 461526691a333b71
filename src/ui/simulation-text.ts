// A simulated result in plain words, for the approval window and Activity: "You send 1.5 ETH",
// "You receive 20 DEMO", "DemoGame may spend all your DEMO". Names of spenders come from the
// wallet's own table (never the site); anything else is its whole address.
import { formatUnits, getAddress, type Address } from 'viem';
import type { BalanceChange, FeeEstimate } from '../simulation/simulate';
import { knownContractName } from './describe-call';

export interface ChangeLine {
  text: string;
  /** out: money leaves the account; in: it arrives; danger: someone else may take it. */
  tone: 'out' | 'in' | 'danger' | 'neutral';
}

/** An amount with its symbol; raw units and the token's address when the token does not say. */
function amountOf(raw: bigint, decimals: number | undefined, symbol: string | undefined, token?: Address): string {
  const n = decimals === undefined ? raw.toString() : formatUnits(raw, decimals);
  if (symbol) return `${n} ${symbol}`;
  return `${n} units of the token ${token ? getAddress(token) : ''}`.trim();
}

const nameOf = (chainId: number, address: Address): string => knownContractName(chainId, address) ?? getAddress(address);

export function changeLines(chainId: number, changes: readonly BalanceChange[]): ChangeLine[] {
  return changes.map((c): ChangeLine => {
    switch (c.kind) {
      case 'native':
      case 'token': {
        const amount = BigInt(c.amount);
        const abs = amount < 0n ? -amount : amount;
        const text = amountOf(abs, c.decimals, c.symbol, c.kind === 'token' ? c.token : undefined);
        return amount < 0n ? { text: `You send ${text}`, tone: 'out' } : { text: `You receive ${text}`, tone: 'in' };
      }
      case 'approval': {
        const what = c.symbol ?? `the tokens of ${getAddress(c.token)}`;
        if (c.unlimited) return { text: `${nameOf(chainId, c.spender)} may spend all your ${what}`, tone: 'danger' };
        return { text: `${nameOf(chainId, c.spender)} may spend up to ${amountOf(BigInt(c.amount), c.decimals, c.symbol, c.token)}`, tone: 'danger' };
      }
      case 'approvalForAll': {
        const what = c.symbol ?? getAddress(c.token);
        return c.approved
          ? { text: `${nameOf(chainId, c.operator)} may take all your ${what} tokens`, tone: 'danger' }
          : { text: `${nameOf(chainId, c.operator)} may no longer take your ${what} tokens`, tone: 'neutral' };
      }
    }
  });
}

/** "0.000102 ETH": the likely fee, at most 6 significant decimals (a fee is an estimate). */
export function feeText(fee: FeeEstimate, symbol = 'ETH'): string {
  return `${roundEth(BigInt(fee.likely))} ${symbol}`;
}

function roundEth(wei: bigint): string {
  const s = formatUnits(wei, 18);
  const [whole, frac = ''] = s.split('.');
  if (!frac) return whole!;
  // Keep the first 3 significant digits of the fraction.
  const lead = frac.match(/^0*/)![0].length;
  const kept = frac.slice(0, lead + 3).replace(/0+$/, '');
  return kept ? `${whole}.${kept}` : whole === '0' ? `< 0.${'0'.repeat(Math.min(lead, 17))}1` : whole!;
}
