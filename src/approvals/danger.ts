// What in a request can take the owner's money, in plain words, for the red banner and the Approve
// button. Pure logic (no UI): the approval window renders it, the unit tests pin it.
//
// Why these and not every call: an unlimited ERC-20 allowance and an operator approval outlive the
// transaction (the spender can take the tokens later, any time, without asking), so they are the
// drains users sign without noticing. A limited `approve` moves at most its amount and the call list
// already shows it. Typed-data permits are judged in signing/typed-data.ts (approvalWarning); a grant's
// root / token-moving-everywhere danger is judged by the grant window from the permissions.
import { decodeFunctionData, formatUnits, getAddress, maxUint160, parseAbi, type Address, type Hex } from 'viem';

/** A red banner, and what the Approve button says instead of "Approve". */
export interface Danger {
  title: string;
  lines: string[];
  /** The button's words: what approving does ("Approve unlimited DEMO"). */
  approveLabel: string;
}

export interface DangerToken {
  symbol: string;
  decimals: number;
}

// The trusted ABI of the calls judged here (names from the wallet, never from the site).
// Parsed on first use, not at import (issue 15: every worker start paid for it).
let abiMemo: ReturnType<typeof parseDangerAbi> | undefined;
const ABI = () => (abiMemo ??= parseDangerAbi());
const parseDangerAbi = () =>
  parseAbi([
    'function approve(address spender, uint256 amount)',
    'function increaseAllowance(address spender, uint256 addedValue)',
    'function setApprovalForAll(address operator, bool approved)',
  ]);

/** At or above the uint160 maximum an allowance exceeds any token's supply: it is unlimited. */
export const isUnlimited = (amount: bigint): boolean => amount >= maxUint160;

/** An amount as a person reads it: "Unlimited" past any supply, else with the token's decimals. */
export function amountText(amount: bigint, token: DangerToken | undefined): string {
  if (isUnlimited(amount)) return 'Unlimited';
  return token ? `${formatUnits(amount, token.decimals)} ${token.symbol}` : `${amount} base units`;
}

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

/**
 * The danger in a batch of calls, or undefined: unlimited `approve` / `increaseAllowance`, and
 * `setApprovalForAll(…, true)`. `token` names a contract the wallet knows as a token.
 */
export function callsDanger(calls: readonly { to?: Address | undefined; data: Hex }[], token: (address: Address) => DangerToken | undefined): Danger | undefined {
  const lines: string[] = [];
  const labels: string[] = [];
  for (const call of calls) {
    if (!call.to || call.data.length < 10) continue;
    let decoded;
    try {
      decoded = decodeFunctionData({ abi: ABI(), data: call.data });
    } catch {
      continue;
    }
    const contract = getAddress(call.to);
    const t = token(contract);
    const what = t ? t.symbol : `tokens of ${short(contract)}`;
    if (decoded.functionName === 'approve' || decoded.functionName === 'increaseAllowance') {
      const [spender, amount] = decoded.args;
      if (!isUnlimited(amount)) continue;
      lines.push(`${getAddress(spender)} may take all your ${what}, now or any time later, without asking you again, until you revoke the approval.`);
      labels.push(`Approve unlimited ${t ? t.symbol : 'tokens'}`);
    } else if (decoded.functionName === 'setApprovalForAll') {
      const [operator, approved] = decoded.args;
      if (!approved) continue;
      lines.push(`${getAddress(operator)} may move every token you hold of ${short(contract)} (the whole collection, NFTs included), any time, without asking you again, until you revoke it.`);
      labels.push('Approve access to all tokens');
    }
  }
  if (lines.length === 0) return undefined;
  return {
    title: lines.length === 1 && labels[0]!.startsWith('Approve unlimited') ? 'Unlimited token approval' : 'This gives away control of your tokens',
    lines: [...lines, 'Approve only if you trust this site and the address above. Scam sites ask for exactly this.'],
    approveLabel: labels.length === 1 ? labels[0]! : `Approve ${labels.length} token approvals`,
  };
}
