// Off-chain enforcement of Alchemy's session permissions (the flat types of its grantPermissions:
// native-token-transfer, erc20-token-transfer, contract-access, functions-on-..., root) for
// the local Wallet API stand-in. Pure functions over decoded values (bigints, lowercase-insensitive
// addresses); no I/O. The real service enforces these on chain through MAv2 modules (AllowlistModule,
// NativeTokenLimitModule, TimeRangeModule); this stand-in executes calls by impersonation (§12.4
// option (a)), so these checks are the only enforcement and are deliberately on the strict side.
//
// Rules (each call of a batch is judged; the batch is refused if any call is):
// * root: everything (it must be the only permission).
// * "access" permissions form an allowlist: contract-access {address} (any calldata, including none),
//   functions-on-contract {address, functions}, functions-on-all-contracts {functions} (any target
//   except the account itself), account-functions {functions} (target = the account itself), and
//   erc20-token-transfer {address} for transfer/approve/increaseAllowance on that token. A call with
//   calldata must match an entry by target and selector; a call without calldata only matches
//   contract-access of its target.
// * With no access permission at all (only native-token-transfer and/or gas-limit), any target but
//   the account itself is allowed (MAv2 installs no allowlist hook then).
// * value > 0 needs native-token-transfer; the sum of values over the session's life (including
//   calls still executing) must stay <= allowance. Stricter than MAv2, where a session without the
//   native hook may move any value: a wallet should not let a session move ETH it was not given.
// * erc20-token-transfer {address, allowance}: transfer/approve/increaseAllowance amounts on that
//   token add up over the session's life and must stay <= allowance.
// * gas-limit {limit}: the gas the account pays for the session's calls (unsponsored) adds up and must
//   stay <= limit; a batch is refused when its worst-case cost would cross it.
// * expiry: refused once now >= expirySec (0 = no expiry).
import { decodeAbiParameters, isAddress, slice, toFunctionSelector, type Abi, type Address, type Hex } from 'viem';
import { ModularAccountAbi_V2_0_0, SemiModularAccountAbi_V2_0_0 } from '@alchemy/wallet-api-types/abi';
import { EIP7702StatelessDeleGator } from '@metamask/delegation-abis';

export type DecodedPermission =
  | { type: 'root'; data?: undefined }
  | { type: 'native-token-transfer'; data: { allowance: bigint } }
  | { type: 'erc20-token-transfer'; data: { allowance: bigint; address: Address } }
  | { type: 'gas-limit'; data: { limit: bigint } }
  | { type: 'contract-access'; data: { address: Address } }
  | { type: 'account-functions'; data: { functions: Hex[] } }
  | { type: 'functions-on-all-contracts'; data: { functions: Hex[] } }
  | { type: 'functions-on-contract'; data: { address: Address; functions: Hex[] } };

export interface Call {
  to: Address;
  data?: Hex | undefined;
  value?: bigint | undefined;
}

/** What a session has used so far (settled) plus what calls still executing have reserved. */
export interface Usage {
  native: bigint;
  /** Keyed by lowercase token address. */
  erc20: Map<string, bigint>;
  gas: bigint;
}

export function emptyUsage(): Usage {
  return { native: 0n, erc20: new Map(), gas: 0n };
}

/** The amounts one batch adds to a session's usage. */
export interface UsageDelta {
  native: bigint;
  erc20: Map<string, bigint>;
  gas: bigint;
}

export const SELECTORS = {
  transfer: '0xa9059cbb',
  approve: '0x095ea7b3',
  increaseAllowance: '0x39509351',
} as const;

/** A contract's state-changing functions (everything but views and pure helpers). */
const writesOf = (abi: Abi): Hex[] =>
  abi.flatMap((x) => (x.type === 'function' && x.stateMutability !== 'view' && x.stateMutability !== 'pure' ? [toFunctionSelector(x)] : []));

/**
 * Selectors a session may never be given on the account itself: every state-changing function of
 * MAv2 and Semi-Modular Account v2 (§6: execute/executeBatch, the module installers,
 * updateFallbackSignerData, upgradeToAndCall, …), and the entry points of the devnet's 7702
 * implementation (EIP7702StatelessDeleGator, all but addDeposit) — calling those through the
 * account would be arbitrary execution, would hand the account over, or would move its funds.
 * Derived from the ABIs, not typed by hand: hand-typed selectors here were wrong before.
 */
export const FORBIDDEN_ACCOUNT_SELECTORS: readonly Hex[] = [
  ...new Set([
    ...writesOf(ModularAccountAbi_V2_0_0 as Abi),
    ...writesOf(SemiModularAccountAbi_V2_0_0 as Abi),
    ...writesOf(EIP7702StatelessDeleGator as Abi).filter((s) => s !== toFunctionSelector('addDeposit()')),
  ]),
];

const ACCESS_TYPES = new Set(['contract-access', 'functions-on-contract', 'functions-on-all-contracts', 'account-functions', 'erc20-token-transfer']);

const lc = (a: string) => a.toLowerCase();

/**
 * Checks a permission list the way Alchemy's PermissionBuilder does, plus shape checks the zod
 * schema leaves out. Returns the reason it is invalid, or undefined when it is fine.
 */
export function validatePermissions(permissions: readonly DecodedPermission[], account: Address): string | undefined {
  if (permissions.length === 0) return 'permissions must not be empty';
  const hasRoot = permissions.some((p) => p.type === 'root');
  if (hasRoot && permissions.length > 1) return 'root cannot be combined with other permissions';
  const targets = new Set<string>();
  const seen = new Set<string>();
  const erc20Tokens = new Set<string>();
  for (const [i, p] of permissions.entries()) {
    const where = `permissions[${i}] (${p.type})`;
    switch (p.type) {
      case 'root':
        break;
      case 'native-token-transfer':
      case 'gas-limit':
        if (seen.has(p.type)) return `${where}: at most one ${p.type} permission`;
        seen.add(p.type);
        break;
      case 'erc20-token-transfer':
        if (!isAddress(p.data.address, { strict: false }) || /^0x0{40}$/i.test(p.data.address)) return `${where}: address must be a non-zero 20-byte address`;
        if (erc20Tokens.has(lc(p.data.address))) return `${where}: token ${p.data.address} already has an erc20-token-transfer permission`;
        erc20Tokens.add(lc(p.data.address));
        break;
      case 'contract-access':
      case 'functions-on-contract': {
        const a = p.data.address;
        if (!isAddress(a, { strict: false }) || /^0x0{40}$/i.test(a)) return `${where}: address must be a non-zero 20-byte address`;
        if (lc(a) === lc(account)) return `${where}: the account itself is not a valid target; use account-functions`;
        if (targets.has(lc(a))) return `${where}: ${a} already has a contract-access or functions-on-contract permission`;
        targets.add(lc(a));
        if (p.type === 'functions-on-contract') {
          const bad = badSelectors(p.data.functions);
          if (bad) return `${where}: ${bad}`;
        }
        break;
      }
      case 'functions-on-all-contracts': {
        const bad = badSelectors(p.data.functions);
        if (bad) return `${where}: ${bad}`;
        break;
      }
      case 'account-functions': {
        const bad = badSelectors(p.data.functions);
        if (bad) return `${where}: ${bad}`;
        const forbidden = p.data.functions.find((f) => FORBIDDEN_ACCOUNT_SELECTORS.includes(lc(f) as Hex));
        if (forbidden) return `${where}: selector ${forbidden} is privileged (execution or module management) and cannot be granted`;
        break;
      }
    }
  }
  return undefined;
}

function badSelectors(functions: readonly Hex[]): string | undefined {
  if (functions.length === 0) return 'functions must not be empty';
  const bad = functions.find((f) => !/^0x[0-9a-fA-F]{8}$/.test(f));
  return bad === undefined ? undefined : `function selector ${bad} is not 4 bytes of hex`;
}

export type CheckResult =
  | { ok: true; delta: UsageDelta }
  | { ok: false; reason: 'expired' | 'out-of-scope'; message: string };

export interface CheckInput {
  account: Address;
  expirySec: number;
  permissions: readonly DecodedPermission[];
  /** Settled usage plus reservations of calls still executing. */
  usage: Usage;
  calls: readonly Call[];
  /** Worst-case gas cost the account pays for this batch (0 when sponsored). */
  maxGasCost: bigint;
  /** Unix seconds. */
  now: number;
}

/** Judges a batch against a session. On success returns what the batch adds to the usage. */
export function checkSessionCalls(input: CheckInput): CheckResult {
  const { account, expirySec, permissions, usage, calls, maxGasCost, now } = input;
  if (expirySec !== 0 && now >= expirySec) {
    return { ok: false, reason: 'expired', message: `session expired at ${expirySec} (now ${now})` };
  }
  const delta: UsageDelta = { native: 0n, erc20: new Map(), gas: 0n };
  if (permissions.some((p) => p.type === 'root')) return { ok: true, delta };

  const native = permissions.find((p) => p.type === 'native-token-transfer');
  const gasLimit = permissions.find((p) => p.type === 'gas-limit');
  const erc20 = new Map<string, bigint>();
  for (const p of permissions) if (p.type === 'erc20-token-transfer') erc20.set(lc(p.data.address), p.data.allowance);
  const hasAllowlist = permissions.some((p) => ACCESS_TYPES.has(p.type));

  const refuse = (i: number, call: Call, why: string): CheckResult => ({
    ok: false,
    reason: 'out-of-scope',
    message: `call ${i} (to ${call.to}${selectorOf(call) ? `, selector ${selectorOf(call)}` : ''}${call.value ? `, value ${call.value}` : ''}) is outside the session: ${why}`,
  });

  for (const [i, call] of calls.entries()) {
    const to = lc(call.to);
    const selector = selectorOf(call);
    const value = call.value ?? 0n;

    // Target and selector.
    if (to === lc(account)) {
      const ok = selector !== undefined && permissions.some((p) => p.type === 'account-functions' && p.data.functions.some((f) => lc(f) === selector));
      if (!ok) return refuse(i, call, 'calls to the account itself need an account-functions permission with that selector');
    } else if (hasAllowlist) {
      const ok = permissions.some((p) => {
        switch (p.type) {
          case 'contract-access':
            return lc(p.data.address) === to;
          case 'functions-on-contract':
            return selector !== undefined && lc(p.data.address) === to && p.data.functions.some((f) => lc(f) === selector);
          case 'functions-on-all-contracts':
            return selector !== undefined && p.data.functions.some((f) => lc(f) === selector);
          case 'erc20-token-transfer':
            return lc(p.data.address) === to && (selector === SELECTORS.transfer || selector === SELECTORS.approve || selector === SELECTORS.increaseAllowance);
          default:
            return false;
        }
      });
      if (!ok) return refuse(i, call, 'no contract-access, functions-on-contract, functions-on-all-contracts or erc20-token-transfer permission covers this target and selector');
    }

    // Native value.
    if (value > 0n) {
      if (!native) return refuse(i, call, 'the session has no native-token-transfer permission');
      delta.native += value;
      if (usage.native + delta.native > native.data.allowance) {
        return refuse(i, call, `native-token-transfer allowance ${native.data.allowance} wei would be exceeded (used ${usage.native}, this batch ${delta.native})`);
      }
    }

    // ERC-20 amounts on tokens with an allowance (whichever permission let the call through).
    const tokenAllowance = erc20.get(to);
    if (tokenAllowance !== undefined && (selector === SELECTORS.transfer || selector === SELECTORS.approve || selector === SELECTORS.increaseAllowance)) {
      const amount = erc20Amount(call.data ?? '0x');
      if (amount === undefined) return refuse(i, call, 'malformed ERC-20 calldata');
      const total = (delta.erc20.get(to) ?? 0n) + amount;
      delta.erc20.set(to, total);
      const used = usage.erc20.get(to) ?? 0n;
      if (used + total > tokenAllowance) {
        return refuse(i, call, `erc20-token-transfer allowance ${tokenAllowance} on ${call.to} would be exceeded (used ${used}, this batch ${total})`);
      }
    }
  }

  if (gasLimit && maxGasCost > 0n) {
    delta.gas = maxGasCost;
    if (usage.gas + maxGasCost > gasLimit.data.limit) {
      return {
        ok: false,
        reason: 'out-of-scope',
        message: `gas-limit ${gasLimit.data.limit} wei would be exceeded (used ${usage.gas}, this batch up to ${maxGasCost})`,
      };
    }
  }
  return { ok: true, delta };
}

export function addUsage(usage: Usage, delta: UsageDelta, sign: 1n | -1n = 1n): void {
  usage.native += sign * delta.native;
  usage.gas += sign * delta.gas;
  for (const [token, amount] of delta.erc20) usage.erc20.set(token, (usage.erc20.get(token) ?? 0n) + sign * amount);
}

function selectorOf(call: Call): Hex | undefined {
  const data = call.data ?? '0x';
  return data.length >= 10 ? (lc(slice(data, 0, 4)) as Hex) : undefined;
}

function erc20Amount(data: Hex): bigint | undefined {
  try {
    const [, amount] = decodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], slice(data, 4));
    return amount;
  } catch {
    return undefined;
  }
}
