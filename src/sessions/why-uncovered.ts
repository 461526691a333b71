// Why no session of a site covers a request, said once for the owner's window: the closest
// session's reason, not the last one tried. A session that allows the contract and the function but
// not the amount (or is out of calls) is closer than one for another function, which is closer than
// one for another contract.

export interface Refusal {
  reason: string;
  /** When the session was granted (ms), to tell the owner which one is meant. */
  createdAt: number;
}

/** 0: a limit or state; 1: a function not granted; 2: a contract (or plain transfer) not granted. */
export function refusalDistance(reason: string): number {
  if (/is not one of the session's contracts|plain call .* is not allowed/.test(reason)) return 2;
  if (/is not in the session's functions|does not only revoke/.test(reason)) return 1;
  return 0;
}

const utcMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The text for `refusals` (in the order tried; at least one). Ties go to the first tried. */
export function whyUncovered(refusals: readonly Refusal[]): string {
  let closest = refusals[0]!;
  for (const r of refusals) if (refusalDistance(r.reason) < refusalDistance(closest.reason)) closest = r;
  const which = refusals.length > 1 ? ` (the closest of this site's ${refusals.length} sessions: the one granted ${utcMinute(closest.createdAt)})` : '';
  return `No session covers this request: ${closest.reason}${which}`;
}
