import { httpChainRpc } from '../rpc/chain-rpc';

/**
 * How far this machine's clock may run ahead of the clock that stamps the chain's blocks before
 * it would call a session expired too early. A transaction sent now lands in a block stamped at or
 * after now (a slot that starts later, or, on anvil, the host's clock), so with an exact clock the
 * wall clock is a lower bound of the chain's time: the margin only absorbs this machine's error.
 * 5 s is many times what time sync leaves (well under a second), and it stays well inside
 * DEFAULT_EXPIRY_MARGIN_SECONDS (sessions/policy.ts, 30 s), so a session still stops signing about
 * 25 s before its expiry on a chain that mines no blocks.
 */
export const WALL_CLOCK_MARGIN_SECONDS = 5;

/**
 * The time a session's expiry is judged by: the later of the latest block's timestamp and this
 * machine's clock minus WALL_CLOCK_MARGIN_SECONDS. The block alone is not enough: a chain that
 * mines only on demand (a devnet) keeps the time of its last block for as long as it is idle, so a
 * countdown on it freezes and a session granted from it starts in the past. The block still wins
 * when it is ahead (a devnet whose clock was moved forward), since that is the time the chain's
 * TimestampEnforcer reads. `blockTime` null: the node did not answer.
 */
export function sessionClock(blockTime: number | null | undefined, wallClockMs: number = Date.now()): number {
  const wall = Math.floor(wallClockMs / 1000) - WALL_CLOCK_MARGIN_SECONDS;
  return blockTime === null || blockTime === undefined ? wall : Math.max(blockTime, wall);
}

/** The latest block's timestamp, or null when the node does not answer. */
export async function latestBlockTime(chain: { rpcUrl: string }): Promise<number | null> {
  try {
    const block = (await httpChainRpc(chain.rpcUrl).request('eth_getBlockByNumber', ['latest', false])) as { timestamp: string };
    return Number(BigInt(block.timestamp));
  } catch {
    return null;
  }
}

/**
 * The chain's clock as sessions use it (sessionClock): what a new session's expiry and an
 * allowance's start count from, and what the expiry housekeeping judges by. Falls back to this
 * machine's clock (minus the margin) when the node does not answer.
 */
export async function chainNow(chain: { rpcUrl: string }): Promise<number> {
  return sessionClock(await latestBlockTime(chain));
}

/**
 * A reading of the session clock carried forward on this machine's clock: the popup reads the
 * list every few seconds and counts down between reads, so the countdown moves every second
 * whether or not the chain mines.
 */
export function sessionClockSince(read: { clockNow: number; readAtMs: number }, wallClockMs: number = Date.now()): number {
  return read.clockNow + Math.floor(wallClockMs / 1000) - Math.floor(read.readAtMs / 1000);
}
