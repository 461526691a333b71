// What a batch of calls spends against a session's scope: ETH sent, each granted ERC-20's transfers
// and the number of calls. Written once for both backends (the delegation backend adds it for
// transactions the chain has not mined yet; the Alchemy backend books it, since Alchemy does not
// publish its own count), with the same call shapes the off-chain check uses (permissions/match.ts).
import type { Address } from 'viem';
import { erc20TransferAmount, isErc20Transfer } from '../permissions/match';
import type { SessionCall, SessionScope, SessionUsage } from '../permissions/types';

export interface Spend {
  native: bigint;
  erc20: Record<Address, bigint>;
  calls: number;
}

export function spendOf(scope: SessionScope, calls: readonly SessionCall[]): Spend {
  const tokens = scope.permissions.flatMap((p) => (p.type === 'erc20-token-transfer' ? [p.data.address] : []));
  const out: Spend = { native: 0n, erc20: {}, calls: calls.length };
  for (const call of calls) {
    out.native += call.value;
    for (const token of tokens) {
      if (isErc20Transfer(call, token)) out.erc20[token] = (out.erc20[token] ?? 0n) + erc20TransferAmount(call.data);
    }
  }
  return out;
}

/**
 * `usage` with `calls` (sent or about to be, not yet in `usage`) counted as the chain will count
 * them once they are mined: calls, ETH and each token's transfers; allowances per period in the
 * period current at `usage.now` (a call mined later lands in that period or a later one, so this
 * never counts less than the chain); streams as spent. Usage from the chain plus this is what the
 * off-chain check (sessions/policy.ts) judges, so in-flight sends can never be spent twice.
 */
export function withSpend(scope: SessionScope, usage: SessionUsage, calls: readonly SessionCall[]): SessionUsage {
  if (calls.length === 0) return usage;
  const spend = spendOf(scope, calls);
  const out: SessionUsage = { ...usage, erc20Spent: { ...usage.erc20Spent }, callsUsed: usage.callsUsed + spend.calls, nativeSpent: usage.nativeSpent + spend.native };
  for (const [token, amount] of Object.entries(spend.erc20) as [Address, bigint][]) out.erc20Spent[token] = (out.erc20Spent[token] ?? 0n) + amount;
  for (const p of scope.permissions) {
    const native = p.type === 'native-token-periodic' || p.type === 'native-token-stream';
    const erc20 = p.type === 'erc20-token-periodic' || p.type === 'erc20-token-stream';
    if (!native && !erc20) continue;
    const moved = native ? spend.native : calls.reduce((sum, c) => (isErc20Transfer(c, p.data.address) ? sum + erc20TransferAmount(c.data) : sum), 0n);
    if (moved === 0n) continue;
    const which = native ? 'native' : 'erc20';
    if (p.type === 'native-token-stream' || p.type === 'erc20-token-stream') {
      out.streamed = { ...out.streamed, [which]: (out.streamed?.[which] ?? 0n) + moved };
      continue;
    }
    const { startTime, periodDuration } = p.data;
    if (usage.now < startTime) continue; // nothing runs before the start (policy.ts refuses it)
    const period = Math.floor((usage.now - startTime) / periodDuration) + 1;
    const record = out.periods?.[which];
    const transferred = record && record.lastPeriod === period ? record.transferred + moved : moved;
    out.periods = { ...out.periods, [which]: { lastPeriod: period, transferred } };
  }
  return out;
}
