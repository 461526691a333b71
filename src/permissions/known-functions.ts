// The wallet's own names for 4-byte selectors. A selector is only 4 bytes of a hash, so anyone can
// find an invented name with the selector of ERC-20 approve (sign_szabo_bytecode(bytes16,uint128)
// is one). A name the dApp sends proves nothing about what the selector does on a contract; the
// names the owner reads come from here, and a dApp's name that collides with one of these is refused
// (validate.ts).
//
// Categories:
//   token-moving     moves the account's tokens or NFTs, or lets someone else move them (approvals,
//                    operators, permits), or hands over a contract the account owns.
//   account-control  functions of the account itself (the 7702 DeleGator, Alchemy's Modular Account)
//                    or of the DelegationManager that would hand a session the whole account.
//   other            ordinary functions the wallet knows (ERC-20 views, the devnet demo contracts).
import { getAddress, toFunctionSelector, toFunctionSignature, type Abi, type AbiFunction, type Address, type Hex } from 'viem';
import { DELEGATOR_CONTRACTS } from '@metamask/delegation-deployments';
import { EIP7702StatelessDeleGator } from '@metamask/delegation-abis';
import { DemoGameAbi, DemoTokenAbi } from '../../devnet/contracts/abis';
import devnetDeployment from '../../devnet/deployment.json';
import type { FunctionRef } from './function-ref';

export type FunctionCategory = 'token-moving' | 'account-control' | 'other';

export interface KnownFunction {
  selector: Hex;
  /** Canonical signature, e.g. "approve(address,uint256)". */
  signature: string;
  /** The function's name alone, e.g. "approve". */
  name: string;
  category: FunctionCategory;
  /** Where the entry comes from, e.g. "ERC-20", "Permit2". */
  standard: string;
}

const TOKEN_MOVING: readonly (readonly [standard: string, signatures: readonly string[]])[] = [
  ['ERC-20', ['transfer(address,uint256)', 'transferFrom(address,address,uint256)', 'approve(address,uint256)', 'increaseAllowance(address,uint256)', 'burn(uint256)', 'burnFrom(address,uint256)']],
  ['ERC-677', ['transferAndCall(address,uint256,bytes)']],
  [
    'ERC-1363',
    [
      'transferAndCall(address,uint256)',
      'transferFromAndCall(address,address,uint256)',
      'transferFromAndCall(address,address,uint256,bytes)',
      'approveAndCall(address,uint256)',
      'approveAndCall(address,uint256,bytes)',
    ],
  ],
  ['ERC-2612', ['permit(address,address,uint256,uint256,uint8,bytes32,bytes32)']],
  ['DAI permit', ['permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)']],
  ['ERC-721', ['setApprovalForAll(address,bool)', 'safeTransferFrom(address,address,uint256)', 'safeTransferFrom(address,address,uint256,bytes)']],
  ['ERC-1155', ['safeTransferFrom(address,address,uint256,uint256,bytes)', 'safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)']],
  [
    'Permit2',
    [
      'approve(address,address,uint160,uint48)',
      'transferFrom(address,address,uint160,address)',
      'transferFrom((address,address,uint160,address)[])',
      'permit(address,((address,uint160,uint48,uint48),address,uint256),bytes)',
      'permit(address,((address,uint160,uint48,uint48)[],address,uint256),bytes)',
      'permitTransferFrom(((address,uint256),uint256,uint256),(address,uint256),address,bytes)',
      'permitTransferFrom(((address,uint256)[],uint256,uint256),(address,uint256)[],address,bytes)',
      'permitWitnessTransferFrom(((address,uint256),uint256,uint256),(address,uint256),address,bytes32,string,bytes)',
    ],
  ],
  ['ERC-777', ['send(address,uint256,bytes)', 'operatorSend(address,address,uint256,bytes,bytes)', 'authorizeOperator(address)']],
  ['Ownable', ['transferOwnership(address)', 'renounceOwnership()']],
];

/** A contract's state-changing functions: everything it exposes but views and pure helpers. */
const writesOf = (abi: Abi): AbiFunction[] =>
  abi.filter((x): x is AbiFunction => x.type === 'function' && x.stateMutability !== 'view' && x.stateMutability !== 'pure');

/**
 * The MetaMask EIP7702StatelessDeleGator (the account on the delegation backend), taken from its ABI
 * so a function added there is account control without anyone retyping it. enableDelegation and
 * disableDelegation are among them (the account re-enabling a revoked session). addDeposit() is left
 * out on purpose: it only tops up the account's own EntryPoint deposit, paid from the session's ETH
 * allowance. upgradeToAndCall is not in this ABI; it is the Modular Account's, listed below.
 */
const DELEGATOR_ALLOWED = new Set(['addDeposit()']);
const delegatorControl = (): AbiFunction[] => writesOf(EIP7702StatelessDeleGator as Abi).filter((fn) => !DELEGATOR_ALLOWED.has(toFunctionSignature(fn)));

/**
 * Alchemy Modular Account v2 and Semi-Modular Account v2 (the 7702 account on the Alchemy backend):
 * every state-changing function of their ABIs in @alchemy/wallet-api-types. Hand-typed selectors
 * were wrong or missing here before (installExecution, uninstallExecution, updateFallbackSignerData,
 * executeUserOp, initializeWithValidation); each of them hands the account to whoever calls it
 * through the account. No allow-list: none of them is harmless for a session to call on the account.
 * Written out rather than read from the ABIs so the worker does not bundle 28 kB of ABI for 13
 * signatures (issue 15); test/unit/alchemy-account-control.test.ts derives the list from both ABIs
 * and fails if any of their writes is missing here.
 */
const MODULAR_ACCOUNT_CONTROL: readonly string[] = [
  'execute(address,uint256,bytes)',
  'executeBatch((address,uint256,bytes)[])',
  'executeUserOp((address,uint256,bytes,bytes,bytes32,uint256,bytes32,bytes,bytes),bytes32)',
  'executeWithRuntimeValidation(bytes,bytes)',
  'initializeWithValidation(bytes25,bytes4[],bytes,bytes[])',
  'installExecution(address,((bytes4,bool,bool)[],(bytes4,uint32,bool,bool)[],bytes4[]),bytes)',
  'installValidation(bytes25,bytes4[],bytes,bytes[])',
  'performCreate(uint256,bytes,bool,bytes32)',
  'uninstallExecution(address,((bytes4,bool,bool)[],(bytes4,uint32,bool,bool)[],bytes4[]),bytes)',
  'uninstallValidation(bytes24,bytes,bytes[])',
  'upgradeToAndCall(address,bytes)',
  'validateUserOp((address,uint256,bytes,bytes,bytes32,uint256,bytes32,bytes,bytes),bytes32,uint256)',
  'updateFallbackSignerData(address,bool)',
];

const ORDINARY: readonly (readonly [string, readonly string[]])[] = [
  [
    'ERC-20',
    ['balanceOf(address)', 'totalSupply()', 'allowance(address,address)', 'name()', 'symbol()', 'decimals()', 'decreaseAllowance(address,uint256)'],
  ],
  ['Ownable', ['owner()']],
  ['WETH', ['deposit()', 'withdraw(uint256)']],
];

const nameOf = (signature: string) => signature.split('(')[0] as string;

function build(): Map<Hex, KnownFunction> {
  const table = new Map<Hex, KnownFunction>();
  // The first entry for a selector wins: the dangerous categories are added first, so a contract's
  // ABI can never relabel a token-moving or account-control selector as ordinary.
  const add = (selector: Hex, signature: string, category: FunctionCategory, standard: string) => {
    if (!table.has(selector)) table.set(selector, { selector, signature, name: nameOf(signature), category, standard });
  };
  for (const fn of delegatorControl()) add(toFunctionSelector(fn), toFunctionSignature(fn), 'account-control', 'MetaMask DeleGator');
  for (const sig of MODULAR_ACCOUNT_CONTROL) add(toFunctionSelector(sig), sig, 'account-control', 'Alchemy Modular Account');
  for (const [standard, sigs] of TOKEN_MOVING) for (const sig of sigs) add(toFunctionSelector(sig), sig, 'token-moving', standard);
  for (const [standard, sigs] of ORDINARY) for (const sig of sigs) add(toFunctionSelector(sig), sig, 'other', standard);
  // The wallet's known contracts: their ABIs are part of the build, so their names are trusted.
  for (const [standard, abi] of [
    ['DemoToken', DemoTokenAbi],
    ['DemoGame', DemoGameAbi],
  ] as const) {
    for (const item of (abi as Abi).filter((x): x is AbiFunction => x.type === 'function')) {
      add(toFunctionSelector(item), toFunctionSignature(item), 'other', standard);
    }
  }
  return table;
}

// Built on first use, not at import: ~150 keccak hashes that a worker woken for eth_chainId or a
// status poll never needs (issue 15: nothing heavy before the listener exists).
let table: ReadonlyMap<Hex, KnownFunction> | undefined;

/** The wallet's trusted entry for a selector, if it has one. For call descriptions too. */
export function knownFunction(selector: Hex): KnownFunction | undefined {
  table ??= build();
  return table.get(selector.toLowerCase() as Hex);
}

export const isTokenMoving = (selector: Hex) => knownFunction(selector)?.category === 'token-moving';
export const isAccountControl = (selector: Hex) => knownFunction(selector)?.category === 'account-control';

/** Account-control selectors with their names (what validate.ts refuses wherever a session can reach the account). */
export const ACCOUNT_CONTROL_SELECTORS: ReadonlyMap<Hex, string> = lazyMap(() => {
  knownFunction('0x00000000');
  return new Map([...table!.values()].filter((f) => f.category === 'account-control').map((f) => [f.selector, f.signature]));
});

/** A ReadonlyMap built by `make` on its first use (the table above is, too). */
function lazyMap<K, V>(make: () => Map<K, V>): ReadonlyMap<K, V> {
  let built: Map<K, V> | undefined;
  const map = () => (built ??= make());
  return {
    get: (k) => map().get(k),
    has: (k) => map().has(k),
    forEach: (fn, thisArg) => map().forEach((v, k) => fn.call(thisArg, v, k, map())),
    get size() {
      return map().size;
    },
    entries: () => map().entries(),
    keys: () => map().keys(),
    values: () => map().values(),
    [Symbol.iterator]: () => map()[Symbol.iterator](),
  };
}

/**
 * The known function a dApp's signature text impersonates: same selector, different function.
 * Undefined when the selector is unknown or the text is that function's own signature.
 */
export function impersonated(selector: Hex, signature: string): KnownFunction | undefined {
  const known = knownFunction(selector);
  if (!known) return undefined;
  // Entries published by name only (no parameter list) compare by name.
  const same = known.signature.includes('(') ? known.signature === signature : known.name === nameOf(signature);
  return same ? undefined : known;
}

export interface FunctionLabel {
  /** What to show: the trusted signature, else the signature the site sent, else "unknown function". */
  name: string;
  selector: Hex;
  /** True when `name` comes from the wallet's table, not from the site. */
  trusted: boolean;
  category: FunctionCategory | 'unknown';
}

/** How a function in a grant is shown: the wallet's name first, the selector always. */
export function functionLabel(ref: { selector: Hex | string; signature?: string }): FunctionLabel {
  const selector = ref.selector.toLowerCase() as Hex;
  const known = knownFunction(selector);
  if (known) return { name: known.signature, selector, trusted: true, category: known.category };
  return { name: ref.signature ?? 'unknown function', selector, trusted: false, category: 'unknown' };
}

/** The token-moving functions a session may call on any contract (the grant window's red warning). */
export function tokenMovingFunctions(functions: readonly FunctionRef[]): KnownFunction[] {
  return functions.flatMap((f) => {
    const known = knownFunction(f.selector);
    return known?.category === 'token-moving' ? [known] : [];
  });
}

/**
 * Every DelegationManager the wallet knows (all published deployments, and the devnet's). A session
 * that may call one could redeem or re-enable delegations as the account, so no permission may
 * target it, whatever the chain.
 */
export const DELEGATION_MANAGERS: ReadonlySet<Address> = lazySet(
  () =>
    new Set<Address>([
      getAddress(devnetDeployment.contracts.DelegationManager),
      ...Object.values(DELEGATOR_CONTRACTS).flatMap((byChain) =>
        Object.values(byChain).flatMap((c) => (typeof c.DelegationManager === 'string' ? [getAddress(c.DelegationManager)] : [])),
      ),
    ]),
);

/** A ReadonlySet built by `make` on its first use: its checksums (a keccak each) are not start-up work. */
function lazySet<T>(make: () => Set<T>): ReadonlySet<T> {
  let built: Set<T> | undefined;
  const set = () => (built ??= make());
  return {
    has: (v) => set().has(v),
    forEach: (fn, thisArg) => set().forEach((v, k) => fn.call(thisArg, v, k, set())),
    get size() {
      return set().size;
    },
    entries: () => set().entries(),
    keys: () => set().keys(),
    values: () => set().values(),
    [Symbol.iterator]: () => set()[Symbol.iterator](),
    // The ES2025 set-algebra methods: nothing here uses them on this set.
  } as ReadonlySet<T>;
}
