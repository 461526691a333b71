// What a batch of calls spends against a session's scope: ETH sent, each granted ERC-20's transfers
// and the number of calls. Written once for both backends (the delegation backend adds it for
// transactions the chain has not mined yet; the Alchemy backend books it, since Alchemy does not
// publish its own count), with the same call shapes the off-chain check uses (permissions/match.ts).
import type { Address } from 'viem';
import { erc20TransferAmount, isErc20Transfer } from '../permissions/match';
import type { SessionCall, SessionScope } from '../permissions/types';

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
