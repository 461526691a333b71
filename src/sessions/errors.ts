// Errors of the session service that callers tell apart (the wallet API words this one for the owner).
import type { Address } from 'viem';
import { UnauthorizedError } from '../errors';

/** 4100: the account is delegated to a contract the wallet's backend did not put there. */
export class ForeignDelegationError extends UnauthorizedError {
  /** `next` says what the owner should do; the default fits a session grant. */
  constructor(
    readonly implementation: Address,
    next = 'Open the wallet to review it before granting sessions.',
  ) {
    super(`Your account is upgraded to another contract (${implementation}). ${next}`, { reason: 'foreign-delegation', implementation });
  }
}
