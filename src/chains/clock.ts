// The clocks sessions go by. The chain's TimestampEnforcer compares a session's expiry with the
// timestamp of the block that includes the transaction; the latest block's timestamp is a lower
// bound of it, but a chain that mines only on demand (a devnet) keeps its last block's time for as
// long as it is idle, so a countdown on it froze and a session granted from it started in the
// past. A transaction sent now lands in a block stamped at or after now (a later slot, or on anvil
// the host's clock), so this machine's clock is the other bound: each clock here is the later of
// the two, the block winning when the chain is ahead (a devnet whose clock was moved forward).
import { httpChainRpc } from '../rpc/chain-rpc';

/**
 * How far this machine's clock may run ahead of the clock that stamps the chain's blocks before
 * the wallet would call a session expired too early (and end it on chain). With an exact clock the
 * wall clock is already a lower bound of the chain's time: the margin only absorbs this machine's
 * error. 5 s is many times what time sync leaves (well under a second), and it stays well inside
 * DEFAULT_EXPIRY_MARGIN_SECONDS (sessions/policy.ts, 30 s), so a session still stops signing about
 * 25 s before its expiry on a chain that mines no blocks.
 */
export const WALL_CLOCK_MARGIN_SECONDS = 5;

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * The time a session's expiry is judged by (covers, the list, the expiry sweep): the later of the
 * latest block's timestamp and this machine's clock minus WALL_CLOCK_MARGIN_SECONDS. `blockTime`
 * null: the node did not answer.
 */
export function sessionClock(blockTime: number | null | undefined, wallClockMs: number = Date.now()): number {
  const wall = seconds(wallClockMs) - WALL_CLOCK_MARGIN_SECONDS;
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
 * "Now" for a new grant: what its expiry and an allowance's start count from, the later of the
 * latest block and this machine's clock (no margin: a one-minute session is given its whole minute
 * by the clock the owner reads). This machine's clock when the node does not answer.
 */
export async function chainNow(chain: { rpcUrl: string }): Promise<number> {
  const block = await latestBlockTime(chain);
  return Math.max(block ?? 0, seconds(Date.now()));
}

/**
 * The clocks a new grant counts from: `now` (chainNow) for its expiry, and `start` for an allowance
 * that starts now (periodic, stream). The enforcers compare a start with the timestamp of the block
 * that includes the redemption, and on a chain whose clock runs behind this machine's (a slot not
 * yet begun, a devnet whose clock was moved back) that is earlier than the wall clock: a start taken
 * from the wall clock would make the first redemptions revert ("not started yet"). The latest
 * block's time is never later than that block's, so the allowance is usable at once. This
 * machine's clock when the node does not answer.
 */
export async function grantClocks(chain: { rpcUrl: string }): Promise<{ now: number; start: number }> {
  const block = await latestBlockTime(chain);
  const wall = seconds(Date.now());
  return { now: Math.max(block ?? 0, wall), start: block ?? wall };
}

/**
 * The popup's clocks between two reads of the list (`blockTime` as read at `readAtMs`, carried
 * forward on this machine's clock, as the chain's time moves on whether or not it mines):
 * `countdown`, the time left is counted from (the later of that and the wall clock, so it moves
 * every second and shows the owner's own clock), and `session`, which decides "expired" as the
 * background does (sessionClock).
 */
export function listClocks(read: { blockTime: number | null; readAtMs: number }, wallClockMs: number = Date.now()): { countdown: number; session: number } {
  const block = read.blockTime === null ? null : read.blockTime + seconds(wallClockMs) - seconds(read.readAtMs);
  return { countdown: Math.max(block ?? 0, seconds(wallClockMs)), session: sessionClock(block, wallClockMs) };
}
