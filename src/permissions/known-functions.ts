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
import { getAddress, toFunctionSelector, type Address, type Hex } from 'viem';
import { DELEGATOR_CONTRACTS } from '@metamask/delegation-deployments';
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

/**
 * The MetaMask EIP7702StatelessDeleGator (the account on the delegation backend): every state-changing
 * function of its ABI (@metamask/delegation-abis), so a function added there is account control (the
 * test fails until it is listed here). enableDelegation and
 * disableDelegation are among them (the account re-enabling a revoked session). addDeposit() is left
 * out on purpose: it only tops up the account's own EntryPoint deposit, paid from the session's ETH
 * allowance. upgradeToAndCall is not in this ABI; it is the Modular Account's, listed below.
 */
export const DELEGATOR_ALLOWED: ReadonlySet<string> = new Set(['addDeposit()']);
// Written out (test/unit/known-functions-literals.test.ts derives them from the ABI and fails on any
// difference): formatting the ABI's functions at first use cost the first session call of a worker.
const DELEGATOR_CONTROL: readonly string[] = [
  'disableDelegation((address,address,bytes32,(address,bytes,bytes)[],uint256,bytes))',
  'enableDelegation((address,address,bytes32,(address,bytes,bytes)[],uint256,bytes))',
  'execute((address,uint256,bytes))',
  'execute(bytes32,bytes)',
  'executeFromExecutor(bytes32,bytes)',
  'redeemDelegations(bytes[],bytes32[],bytes[])',
  'validateUserOp((address,uint256,bytes,bytes,bytes32,uint256,bytes32,bytes,bytes),bytes32,uint256)',
  'withdrawDeposit(address,uint256)',
];

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

/** The devnet demo contracts' functions (test/unit/known-functions-literals.test.ts checks them against devnet/contracts/abis). */
const DEMO_FUNCTIONS: readonly (readonly [string, readonly string[]])[] = [
  ['DemoToken', ['allowance(address,address)', 'approve(address,uint256)', 'balanceOf(address)', 'decimals()', 'mint(address,uint256)', 'name()', 'symbol()', 'totalSupply()', 'transfer(address,uint256)', 'transferFrom(address,address,uint256)']],
  ['DemoGame', ['ITEM_POINTS()', 'ITEM_PRICE()', 'buyItem(uint256)', 'itemsOwned(address,uint256)', 'move(uint8)', 'players(address)', 'position(address)', 'score(address)']],
];

/**
 * The selector of every signature above, written out: hashing ~90 signatures (a keccak each) on a
 * worker's first session call was a cost of every cold start (issue 15). The test checks each one
 * and that none is missing; a signature not here is still hashed (selectorOf), just not for free.
 */
const SELECTORS: Readonly<Record<string, Hex>> = {
  'disableDelegation((address,address,bytes32,(address,bytes,bytes)[],uint256,bytes))': '0x49934047',
  'enableDelegation((address,address,bytes32,(address,bytes,bytes)[],uint256,bytes))': '0x3ed01015',
  'execute((address,uint256,bytes))': '0x5c1c6dcd',
  'execute(bytes32,bytes)': '0xe9ae5c53',
  'executeFromExecutor(bytes32,bytes)': '0xd691c964',
  'redeemDelegations(bytes[],bytes32[],bytes[])': '0xcef6d209',
  'validateUserOp((address,uint256,bytes,bytes,bytes32,uint256,bytes32,bytes,bytes),bytes32,uint256)': '0x19822f7c',
  'withdrawDeposit(address,uint256)': '0x7f07bfdc',
  'execute(address,uint256,bytes)': '0xb61d27f6',
  'executeBatch((address,uint256,bytes)[])': '0x34fcd5be',
  'executeUserOp((address,uint256,bytes,bytes,bytes32,uint256,bytes32,bytes,bytes),bytes32)': '0x8dd7712f',
  'executeWithRuntimeValidation(bytes,bytes)': '0xf2680c0f',
  'initializeWithValidation(bytes25,bytes4[],bytes,bytes[])': '0xe919a623',
  'installExecution(address,((bytes4,bool,bool)[],(bytes4,uint32,bool,bool)[],bytes4[]),bytes)': '0x001a63e9',
  'installValidation(bytes25,bytes4[],bytes,bytes[])': '0x1bbf564c',
  'performCreate(uint256,bytes,bool,bytes32)': '0x5998db5c',
  'uninstallExecution(address,((bytes4,bool,bool)[],(bytes4,uint32,bool,bool)[],bytes4[]),bytes)': '0x93b1dc61',
  'uninstallValidation(bytes24,bytes,bytes[])': '0xb6b1ccfe',
  'upgradeToAndCall(address,bytes)': '0x4f1ef286',
  'updateFallbackSignerData(address,bool)': '0x30009d52',
  'transfer(address,uint256)': '0xa9059cbb',
  'transferFrom(address,address,uint256)': '0x23b872dd',
  'approve(address,uint256)': '0x095ea7b3',
  'increaseAllowance(address,uint256)': '0x39509351',
  'burn(uint256)': '0x42966c68',
  'burnFrom(address,uint256)': '0x79cc6790',
  'transferAndCall(address,uint256,bytes)': '0x4000aea0',
  'transferAndCall(address,uint256)': '0x1296ee62',
  'transferFromAndCall(address,address,uint256)': '0xd8fbe994',
  'transferFromAndCall(address,address,uint256,bytes)': '0xc1d34b89',
  'approveAndCall(address,uint256)': '0x3177029f',
  'approveAndCall(address,uint256,bytes)': '0xcae9ca51',
  'permit(address,address,uint256,uint256,uint8,bytes32,bytes32)': '0xd505accf',
  'permit(address,address,uint256,uint256,bool,uint8,bytes32,bytes32)': '0x8fcbaf0c',
  'setApprovalForAll(address,bool)': '0xa22cb465',
  'safeTransferFrom(address,address,uint256)': '0x42842e0e',
  'safeTransferFrom(address,address,uint256,bytes)': '0xb88d4fde',
  'safeTransferFrom(address,address,uint256,uint256,bytes)': '0xf242432a',
  'safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)': '0x2eb2c2d6',
  'approve(address,address,uint160,uint48)': '0x87517c45',
  'transferFrom(address,address,uint160,address)': '0x36c78516',
  'transferFrom((address,address,uint160,address)[])': '0x0d58b1db',
  'permit(address,((address,uint160,uint48,uint48),address,uint256),bytes)': '0x2b67b570',
  'permit(address,((address,uint160,uint48,uint48)[],address,uint256),bytes)': '0x2a2d80d1',
  'permitTransferFrom(((address,uint256),uint256,uint256),(address,uint256),address,bytes)': '0x30f28b7a',
  'permitTransferFrom(((address,uint256)[],uint256,uint256),(address,uint256)[],address,bytes)': '0xedd9444b',
  'permitWitnessTransferFrom(((address,uint256),uint256,uint256),(address,uint256),address,bytes32,string,bytes)': '0x137c29fe',
  'send(address,uint256,bytes)': '0x9bd9bbc6',
  'operatorSend(address,address,uint256,bytes,bytes)': '0x62ad1b83',
  'authorizeOperator(address)': '0x959b8c3f',
  'transferOwnership(address)': '0xf2fde38b',
  'renounceOwnership()': '0x715018a6',
  'balanceOf(address)': '0x70a08231',
  'totalSupply()': '0x18160ddd',
  'allowance(address,address)': '0xdd62ed3e',
  'name()': '0x06fdde03',
  'symbol()': '0x95d89b41',
  'decimals()': '0x313ce567',
  'decreaseAllowance(address,uint256)': '0xa457c2d7',
  'owner()': '0x8da5cb5b',
  'deposit()': '0xd0e30db0',
  'withdraw(uint256)': '0x2e1a7d4d',
  'mint(address,uint256)': '0x40c10f19',
  'ITEM_POINTS()': '0x1ff86ce6',
  'ITEM_PRICE()': '0x6b0d7f55',
  'buyItem(uint256)': '0xe7fb74c7',
  'itemsOwned(address,uint256)': '0xed40a1ae',
  'move(uint8)': '0x70e87aaf',
  'players(address)': '0xe2eb41ff',
  'position(address)': '0xb7648fb9',
  'score(address)': '0x776f3843',
};

const selectorOf = (signature: string): Hex => SELECTORS[signature] ?? toFunctionSelector(signature);

/** For the test: the written-out selectors and the lists they cover. */
export const knownFunctionLiterals = { SELECTORS, DELEGATOR_CONTROL, DEMO_FUNCTIONS, MODULAR_ACCOUNT_CONTROL };

function build(): Map<Hex, KnownFunction> {
  const table = new Map<Hex, KnownFunction>();
  // The first entry for a selector wins: the dangerous categories are added first, so a contract's
  // ABI can never relabel a token-moving or account-control selector as ordinary.
  const add = (selector: Hex, signature: string, category: FunctionCategory, standard: string) => {
    if (!table.has(selector)) table.set(selector, { selector, signature, name: nameOf(signature), category, standard });
  };
  for (const sig of DELEGATOR_CONTROL) add(selectorOf(sig), sig, 'account-control', 'MetaMask DeleGator');
  for (const sig of MODULAR_ACCOUNT_CONTROL) add(selectorOf(sig), sig, 'account-control', 'Alchemy Modular Account');
  for (const [standard, sigs] of TOKEN_MOVING) for (const sig of sigs) add(selectorOf(sig), sig, 'token-moving', standard);
  for (const [standard, sigs] of ORDINARY) for (const sig of sigs) add(selectorOf(sig), sig, 'other', standard);
  // The wallet's known contracts: their ABIs are part of the build, so their names are trusted.
  for (const [standard, sigs] of DEMO_FUNCTIONS) for (const sig of sigs) add(selectorOf(sig), sig, 'other', standard);
  return table;
}

// Built on first use, not at import: ~150 keccak hashes that a worker woken for eth_chainId or a
// status poll never needs (issue 15: nothing heavy before the listener exists).
let table: ReadonlyMap<Hex, KnownFunction> | undefined;

/** Every entry of the table, in the order they were added (for tests and the selector literal below). */
export function knownFunctionEntries(): KnownFunction[] {
  table ??= build();
  return [...table.values()];
}

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
