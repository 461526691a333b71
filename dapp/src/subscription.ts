// The Subscription demo: the dApp holds its own session account (ERC-7715 `to`), asks the owner for
// a periodic ETH allowance to it, and collects each period's payment itself by redeeming the grant
// (ERC-7710 DelegationManager.redeemDelegations, sent from its own account, gas its own). Nothing
// here is signed by the wallet's session keys: the wallet only approves, lists and revokes.
//
// The subscription account's private key lives in this page's localStorage: a demo shortcut, said
// so on the page. A real service keeps its key on its server.
import {
  createWalletClient,
  custom,
  decodeAbiParameters,
  encodeFunctionData,
  encodePacked,
  formatEther,
  getAddress,
  isAddress,
  isHex,
  numberToHex,
  parseEther,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { delegationManagerAbi, devnet, nativeTokenPeriodTransferEnforcerAbi, NATIVE_PERIOD_ENFORCER } from './contracts';
import type { EIP1193Provider } from './discovery';

/** What the subscription costs: 0.001 ETH per day. */
export const SUBSCRIPTION_PRICE = parseEther('0.001');
export const SUBSCRIPTION_PERIOD = 24 * 60 * 60;
/** How long the owner is asked to grant it for: the wallet's longest session (7 days), less a minute of slack. */
const SUBSCRIPTION_SECONDS = 7 * 24 * 60 * 60 - 60;
/** Gas money the owner is asked to send the subscription account: several payments' worth on the devnet. */
export const GAS_TOP_UP = parseEther('0.002');
/** Below this the account cannot be sure to pay for one redemption (about 150k gas at a few gwei). */
const GAS_NEEDED = parseEther('0.0005');
const STORAGE_KEY = 'session-game.subscription';
/** ERC-7579 single-call, default mode (bytes32 0). */
const SINGLE_DEFAULT: Hex = `0x${'00'.repeat(32)}`;

/** What the page keeps across reloads (localStorage). `key` is the demo subscription account's private key. */
interface Stored {
  key: Hex;
  grant?: { owner: Address; context: Hex; delegationManager: Address; expiry: number };
}

/** The JSON-safe view the page renders and exposes in window.__dapp.state. */
export interface SubscriptionState {
  account: Address;
  balance: string | null;
  grant: { owner: Address; context: Hex; delegationManager: Address; expiry: number } | null;
  /** What can still be collected in the current period, and when the next one starts (unix seconds). */
  period: { left: string; nextStart: number } | null;
  lastPayment: { hash: Hex; status: string; amount: string } | null;
}

export interface Deps {
  provider: EIP1193Provider;
  wallet: WalletClient;
  public: PublicClient;
  account: Address;
}

function load(): Stored {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Stored> | null;
    if (raw && typeof raw.key === 'string' && isHex(raw.key) && raw.key.length === 66) return raw as Stored;
  } catch {
    // a broken entry is replaced below
  }
  const fresh: Stored = { key: generatePrivateKey() };
  localStorage.setItem(STORAGE_KEY, JSON.stringify(fresh));
  return fresh;
}

const save = (s: Stored) => localStorage.setItem(STORAGE_KEY, JSON.stringify(s));

let stored = load();
const subscriber = () => privateKeyToAccount(stored.key);

export const subscription: SubscriptionState = {
  account: subscriber().address,
  balance: null,
  grant: stored.grant ?? null,
  period: null,
  lastPayment: null,
};

/** The grant, if it is the connected owner's (another owner's grant is not this one's subscription). */
export function grantFor(owner: Address | null) {
  const g = subscription.grant;
  return g && owner && g.owner.toLowerCase() === owner.toLowerCase() ? g : null;
}

// ------------------------------------------------------------------ reading the grant back

const DELEGATION = {
  type: 'tuple[]',
  components: [
    { name: 'delegate', type: 'address' },
    { name: 'delegator', type: 'address' },
    { name: 'authority', type: 'bytes32' },
    { name: 'caveats', type: 'tuple[]', components: [{ name: 'enforcer', type: 'address' }, { name: 'terms', type: 'bytes' }, { name: 'args', type: 'bytes' }] },
    { name: 'salt', type: 'uint256' },
    { name: 'signature', type: 'bytes' },
  ],
} as const;

/** The periodic-allowance caveat of the context's delegation (its terms), and the delegation itself. */
function periodCaveat(context: Hex) {
  const [delegations] = decodeAbiParameters([DELEGATION], context);
  const root = delegations[delegations.length - 1];
  const caveat = root?.caveats.find((c) => getAddress(c.enforcer) === NATIVE_PERIOD_ENFORCER);
  if (!root || !caveat) throw new Error('The grant has no periodic ETH allowance.');
  return { root, terms: caveat.terms };
}

/** Reads from the chain what is left this period and when the next one starts (the enforcer's own view). */
export async function refreshSubscription(deps: Pick<Deps, 'public'>): Promise<void> {
  subscription.balance = formatEther(await deps.public.getBalance({ address: subscription.account }));
  const g = subscription.grant;
  if (!g) {
    subscription.period = null;
    return;
  }
  const { root, terms } = periodCaveat(g.context);
  const hash = await deps.public.readContract({ address: g.delegationManager, abi: delegationManagerAbi, functionName: 'getDelegationHash', args: [root] });
  const [available, , currentPeriod] = await deps.public.readContract({
    address: NATIVE_PERIOD_ENFORCER,
    abi: nativeTokenPeriodTransferEnforcerAbi,
    functionName: 'getAvailableAmount',
    args: [hash, g.delegationManager, terms],
  });
  const [, periodDuration, startDate] = decodeAbiParameters([{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }], terms);
  subscription.period = { left: formatEther(available), nextStart: Number(startDate + currentPeriod * periodDuration) };
}

// ------------------------------------------------------------------ actions

/** The owner sends the subscription account its gas money (one ordinary transaction, one approval). */
export async function fundGas(deps: Deps): Promise<[string, string][]> {
  const hash = await deps.wallet.sendTransaction({ account: deps.account, chain: devnet, to: subscription.account, value: GAS_TOP_UP });
  const receipt = await deps.public.waitForTransactionReceipt({ hash, pollingInterval: 500, timeout: 60_000 });
  await refreshSubscription(deps);
  if (receipt.status !== 'success') throw new Error(`Sending gas money reverted (tx ${hash}).`);
  return [
    ['Sent', `${formatEther(GAS_TOP_UP)} ETH`],
    ['Balance', `${subscription.balance} ETH`],
    ['Tx', hash],
  ];
}

/** wallet_requestExecutionPermissions: a native-token-periodic allowance to the subscription account. */
export async function subscribe(deps: Deps): Promise<[string, string][]> {
  // The chain's clock decides expiry; a devnet's may run ahead of this computer's.
  const now = Number((await deps.public.getBlock()).timestamp);
  const expiry = now + SUBSCRIPTION_SECONDS;
  const request = [
    {
      chainId: numberToHex(devnet.id),
      from: deps.account,
      to: subscription.account,
      permission: {
        type: 'native-token-periodic',
        isAdjustmentAllowed: false,
        data: { periodAmount: numberToHex(SUBSCRIPTION_PRICE), periodDuration: SUBSCRIPTION_PERIOD, justification: 'Session Game Plus: 0.001 ETH a day, collected by the game' },
      },
      rules: [{ type: 'expiry', data: { timestamp: expiry } }],
    },
  ];
  const answer = (await deps.provider.request({ method: 'wallet_requestExecutionPermissions', params: request })) as { context?: unknown; delegationManager?: unknown; rules?: { type: string; data: { timestamp?: number } }[] }[];
  const first = answer[0];
  if (!first || typeof first.context !== 'string' || !isHex(first.context) || typeof first.delegationManager !== 'string' || !isAddress(first.delegationManager)) {
    throw new Error('The wallet answered without a context and delegationManager to redeem.');
  }
  const granted = first.rules?.find((r) => r.type === 'expiry')?.data.timestamp ?? expiry;
  stored = { ...stored, grant: { owner: deps.account, context: first.context, delegationManager: getAddress(first.delegationManager), expiry: granted } };
  save(stored);
  subscription.grant = stored.grant!;
  subscription.lastPayment = null;
  await refreshSubscription(deps);
  return [
    ['Price', `${formatEther(SUBSCRIPTION_PRICE)} ETH per day`],
    ['Collected by', subscription.account],
    ['Ends', new Date(granted * 1000).toLocaleString()],
  ];
}

/** Why the chain refuses a redemption, in words (the enforcers revert with short codes). */
function refusal(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  if (/transfer-amount-exceeded/.test(text)) {
    const next = subscription.period ? ` The next period starts ${new Date(subscription.period.nextStart * 1000).toLocaleString()}.` : '';
    return `This period is already paid: the chain refused to move more than ${formatEther(SUBSCRIPTION_PRICE)} ETH in one day.${next}`;
  }
  if (/CannotUseADisabledDelegation/i.test(text)) return 'The subscription was cancelled: the owner disabled the grant on chain.';
  if (/TimestampEnforcer/i.test(text)) return 'The subscription has ended (its expiry has passed).';
  const reason = /reason:\s*([^\n]+)/.exec(text)?.[1];
  return `The chain refused the payment${reason ? `: ${reason.trim()}` : ''}.`;
}

/**
 * The service collects this period's payment: the subscription account redeems the grant through
 * the DelegationManager, sending 0.001 ETH from the owner's account to itself. Tried first with
 * eth_call, so a payment the chain would refuse is explained instead of paid for in gas.
 */
export async function pay(deps: Deps): Promise<{ ok: boolean; rows: [string, string][]; title: string }> {
  const g = grantFor(deps.account);
  if (!g) throw new Error('Subscribe first.');
  const execution = encodePacked(['address', 'uint256', 'bytes'], [subscription.account, SUBSCRIPTION_PRICE, '0x']);
  const data = encodeFunctionData({ abi: delegationManagerAbi, functionName: 'redeemDelegations', args: [[g.context], [SINGLE_DEFAULT], [execution]] });
  const balance = await deps.public.getBalance({ address: subscription.account });
  if (balance < GAS_NEEDED) {
    throw new Error(`The subscription account pays its own gas and has ${formatEther(balance)} ETH; it needs about ${formatEther(GAS_NEEDED)} ETH. Press "Send gas money" first.`);
  }
  await refreshSubscription(deps);
  try {
    await deps.public.call({ account: subscription.account, to: g.delegationManager, data });
  } catch (err) {
    return { ok: false, title: 'Payment refused', rows: [['Why', refusal(err)], ['Left this period', `${subscription.period?.left ?? '?'} ETH`]] };
  }
  // Signed here by the subscription account, sent as a raw transaction (the wallet forwards only that).
  const own = createWalletClient({ account: subscriber(), chain: devnet, transport: custom(deps.provider, { retryCount: 0 }) });
  const hash = await own.sendTransaction({ to: g.delegationManager, data });
  const receipt = await deps.public.waitForTransactionReceipt({ hash, pollingInterval: 500, timeout: 60_000 });
  subscription.lastPayment = { hash, status: receipt.status, amount: formatEther(SUBSCRIPTION_PRICE) };
  await refreshSubscription(deps);
  return {
    ok: receipt.status === 'success',
    title: receipt.status === 'success' ? `Paid ${formatEther(SUBSCRIPTION_PRICE)} ETH for this period` : 'The payment reverted on chain',
    rows: [
      ['From', deps.account],
      ['To', subscription.account],
      ['Tx', hash],
      ['Block', receipt.blockNumber.toString()],
      ['Left this period', `${subscription.period?.left ?? '?'} ETH`],
      ['Next period', subscription.period ? new Date(subscription.period.nextStart * 1000).toLocaleString() : '—'],
    ],
  };
}

/** wallet_revokeExecutionPermission: the owner's wallet disables the grant on chain (no window). */
export async function cancel(deps: Deps): Promise<[string, string][]> {
  const g = grantFor(deps.account);
  if (!g) throw new Error('No subscription to cancel.');
  const answer = (await deps.provider.request({ method: 'wallet_revokeExecutionPermission', params: [{ permissionContext: g.context }] })) as { revokeTx?: Hex | null };
  stored = { key: stored.key };
  save(stored);
  subscription.grant = null;
  subscription.period = null;
  await refreshSubscription(deps);
  return [['Disabled on chain', answer.revokeTx ?? '—']];
}
