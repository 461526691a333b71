// Calls a dApp asks the owner's own account to make to itself.
//
// On an upgraded account, `execute(...)`, `executeFromExecutor(...)` and `redeemDelegations(...)`
// make the account send whatever their calldata encodes: the outer call carries value 0 while the
// inner calls move the money, so an approval of the outer call hides what leaves the account.
// The others re-enable or disable delegations, withdraw the account's EntryPoint deposit, or (on
// the Alchemy backend's Modular Account) install modules or upgrade it. No dApp needs to drive
// these: the wallet builds its own execute() batches after the owner approves the calls
// themselves. They are exactly the functions no session may be granted on the account
// (ACCOUNT_CONTROL_SELECTORS, permissions/validate.ts), so a dApp is refused the same set whether
// a session or the owner would sign.
//
// Not refused: a plain transfer to the account (no calldata), and the account's other functions,
// which a session may be granted with `account-functions` (e.g. addDeposit(), whose only value is
// the call's own, shown in the window, and which funds the account's own deposit).
import { isAddressEqual, type Address, type Hex } from 'viem';
import { ACCOUNT_CONTROL_SELECTORS } from '../permissions/validate';

/** The account-control function a call makes the owner's account run on itself, or undefined. */
export function accountControlCall(call: { to?: Address; data: Hex }, account: Address): string | undefined {
  if (call.to === undefined || call.data.length < 10 || !isAddressEqual(call.to, account)) return undefined;
  return ACCOUNT_CONTROL_SELECTORS.get(call.data.slice(0, 10).toLowerCase() as Hex);
}
