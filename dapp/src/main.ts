// Session Game: the demo dApp. It finds wallets with EIP-6963 and then talks to the chosen one only
// through viem (wallet client + public client over the same EIP-1193 provider).
import {
  createPublicClient,
  createWalletClient,
  custom,
  encodeFunctionData,
  formatEther,
  isAddress,
  parseEther,
  parseUnits,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
} from 'viem';
import { grantPermissions, type GrantPermissionsParameters } from 'viem/experimental';
import {
  contractsMissing,
  DEMO_GAME,
  DEMO_TOKEN,
  demoGameAbi,
  demoTokenAbi,
  deployment,
  devnet,
  GAME_CALLS,
  ITEM_PRICE,
} from './contracts';
import {
  discoverWallets,
  safeIcon,
  type EIP1193Provider,
  type EIP6963ProviderDetail,
  type EIP6963ProviderInfo,
} from './discovery';
import { errorInfo, formatTimeLeft, plain, shortHex, toJson } from './format';
import { Log, type LogEntry } from './log';
import { cancel, fundGas, grantFor, pay, refreshSubscription, subscribe, subscription, type SubscriptionState } from './subscription';

// ---------------------------------------------------------------------------------------------
// Constants of the demo

const SESSION_SECONDS = 60 * 60;
const NATIVE_ALLOWANCE = parseEther('0.01');
const DEMO_ALLOWANCE = parseUnits('100', 18);
/** Five moves: up, right, right, down, left. */
const MOVES = [0, 1, 1, 2, 3] as const;
const ARROWS = ['↑', '→', '↓', '←'];
const ITEM_ID = 1n;
const MINT_AMOUNT = parseUnits('100', 18);
const SIGN_MESSAGE = 'Hello from Session Game';

// ---------------------------------------------------------------------------------------------
// State (JSON-safe, exposed read-only as window.__dapp.state)

interface Session {
  permissionsContext: string;
  /** Unix seconds. */
  expiry: number;
  grantedPermissions: unknown;
  account: Address;
  chainId: number;
}

type ButtonId = 'connect' | 'switch-chain' | 'grant' | 'revoke' | 'batch' | 'send-one' | 'out-of-scope' | 'sign' | 'sub-fund' | 'sub-subscribe' | 'sub-pay' | 'sub-cancel';

interface State {
  discovery: 'searching' | 'found' | 'none';
  selectedWallet: EIP6963ProviderInfo | null;
  account: Address | null;
  chainId: number | null;
  expectedChainId: number;
  capabilities: unknown;
  session: Session | null;
  lastBatch: { id: string; status?: string; statusCode?: number; transactionHashes: Hex[] } | null;
  lastTransaction: { hash: Hex; status?: string } | null;
  lastOutOfScope: { id: string; status?: string; statusCode?: number; transactionHashes: Hex[] } | null;
  score: string | null;
  position: { x: number; y: number } | null;
  signature: { message: string; signature: Hex; valid: boolean | null } | null;
  /** The Subscription demo (a key this page holds). */
  subscription: SubscriptionState;
  busy: ButtonId[];
  log: LogEntry[];
}

const log = new Log(el('log'));

const state: State = {
  discovery: 'searching',
  selectedWallet: null,
  account: null,
  chainId: null,
  expectedChainId: devnet.id,
  capabilities: null,
  session: null,
  lastBatch: null,
  lastTransaction: null,
  lastOutOfScope: null,
  score: null,
  position: null,
  signature: null,
  subscription,
  busy: [],
  log: log.entries,
};

interface Clients {
  detail: EIP6963ProviderDetail;
  /** The provider wrapped by the log; every viem request goes through it. */
  provider: EIP1193Provider;
  wallet: WalletClient;
  public: PublicClient;
  unsubscribe: () => void;
}
let clients: Clients | null = null;

// ---------------------------------------------------------------------------------------------
// Discovery

type DappWindow = Window & { __announced?: unknown[]; __dapp?: unknown };
const win = window as DappWindow;

const discovery = discoverWallets(window, { seed: win.__announced ?? [], timeoutMs: 800 });
discovery.subscribe((wallets, status) => {
  if (status === 'none' && state.discovery !== 'none') log.info('No wallet found', 'No EIP-6963 announcement yet.');
  state.discovery = status;
  // Pick the first wallet automatically; the picker lets the user change it.
  if (!clients && wallets[0]) selectWallet(wallets[0]);
  renderWallets();
  renderAll();
});
state.discovery = discovery.status;
if (!clients && discovery.wallets[0]) selectWallet(discovery.wallets[0]);

Object.defineProperty(window, '__dapp', {
  configurable: false,
  enumerable: false,
  writable: false,
  value: Object.freeze({
    /** Wallets found by EIP-6963 (info only). */
    get wallets() {
      return discovery.wallets.map((w) => ({ ...w.info }));
    },
    /** A JSON-safe snapshot of the page state. */
    get state() {
      return plain(state);
    },
    contracts: Object.freeze({ chainId: devnet.id, DemoGame: DEMO_GAME, DemoToken: DEMO_TOKEN }),
  }),
});

function selectWallet(detail: EIP6963ProviderDetail) {
  if (clients?.detail.info.uuid === detail.info.uuid) return;
  clients?.unsubscribe();

  const provider = log.wrap(detail.provider);
  const transport = custom(provider, { retryCount: 0 });
  const wallet = createWalletClient({ chain: devnet, transport, pollingInterval: 1000 });
  const publicClient = createPublicClient({ chain: devnet, transport, pollingInterval: 1000 });

  const onAccounts = (accounts: unknown) => {
    log.event('accountsChanged', accounts);
    const next = Array.isArray(accounts) && isAddress(String(accounts[0] ?? '')) ? (accounts[0] as Address) : null;
    void setAccount(next);
  };
  const onChain = (chainId: unknown) => {
    log.event('chainChanged', chainId);
    state.chainId = typeof chainId === 'string' || typeof chainId === 'number' ? Number(chainId) : null;
    renderAll();
  };
  const onConnect = (info: unknown) => log.event('connect', info);
  const onDisconnect = (err: unknown) => {
    log.event('disconnect', err);
    void setAccount(null);
  };
  detail.provider.on?.('accountsChanged', onAccounts);
  detail.provider.on?.('chainChanged', onChain);
  detail.provider.on?.('connect', onConnect);
  detail.provider.on?.('disconnect', onDisconnect);

  clients = {
    detail,
    provider,
    wallet,
    public: publicClient as PublicClient,
    unsubscribe: () => {
      detail.provider.removeListener?.('accountsChanged', onAccounts);
      detail.provider.removeListener?.('chainChanged', onChain);
      detail.provider.removeListener?.('connect', onConnect);
      detail.provider.removeListener?.('disconnect', onDisconnect);
    },
  };
  state.selectedWallet = { ...detail.info };
  resetAccountState();
  state.account = null;
  state.chainId = null;
  log.info(`Selected wallet: ${detail.info.name}`, detail.info.rdns);
  renderWallets();
  renderAll();

  // Restore a previous connection without a prompt (eth_accounts never asks the user).
  const current = clients;
  void (async () => {
    try {
      const [accounts, chainId] = await Promise.all([wallet.getAddresses(), wallet.getChainId()]);
      if (clients !== current) return;
      state.chainId = chainId;
      if (accounts[0]) await setAccount(accounts[0]);
    } catch {
      // Already in the log; nothing else to do before the user connects.
    }
    renderAll();
  })();
}

function resetAccountState() {
  state.capabilities = null;
  state.session = null;
  state.lastBatch = null;
  state.lastTransaction = null;
  state.lastOutOfScope = null;
  state.score = null;
  state.position = null;
  state.signature = null;
  for (const id of ['wallet-result', 'session-result', 'batch-result', 'send-one-result', 'out-of-scope-result', 'sign-result'])
    hideResult(el(id));
}

/** Sets the connected account; when it changes, forgets per-account state and reloads it. */
function setAccount(account: Address | null): Promise<void> {
  const changed = account?.toLowerCase() !== state.account?.toLowerCase();
  // A session belongs to one account: forget it when the account changes.
  if (changed) resetAccountState();
  state.account = account;
  renderAll();
  return changed && account ? refreshAccountData() : Promise.resolve();
}

let refreshing: { account: Address; promise: Promise<void> } | null = null;

/** Reloads capabilities and score; concurrent calls for the same account share one run. */
function refreshAccountData(): Promise<void> {
  const account = state.account;
  if (!account) return Promise.resolve();
  if (refreshing?.account === account) return refreshing.promise;
  const promise: Promise<void> = (async () => {
    await refreshCapabilities();
    await refreshScore();
    await refreshSubscriptionView();
  })().finally(() => {
    if (refreshing?.promise === promise) refreshing = null;
  });
  refreshing = { account, promise };
  return promise;
}

// ---------------------------------------------------------------------------------------------
// Actions

function need(): Clients & { account: Address } {
  if (!clients) throw new Error('Pick a wallet first.');
  if (!state.account) throw new Error('Connect first.');
  return { ...clients, account: state.account };
}

async function refreshCapabilities() {
  if (!clients || !state.account) return;
  try {
    const caps = await clients.wallet.getCapabilities({ account: state.account });
    state.capabilities = plain(caps);
  } catch (err) {
    const info = errorInfo(err);
    state.capabilities = { error: info };
  }
  renderAll();
}

async function refreshScore() {
  if (!clients || !state.account || contractsMissing) return;
  try {
    const args = [state.account] as const;
    const [score, [x, y]] = await Promise.all([
      clients.public.readContract({ address: DEMO_GAME, abi: demoGameAbi, functionName: 'score', args }),
      clients.public.readContract({ address: DEMO_GAME, abi: demoGameAbi, functionName: 'position', args }),
    ]);
    state.score = score.toString();
    state.position = { x: Number(x), y: Number(y) };
  } catch {
    // The error is in the log; keep the last known score.
  }
  renderAll();
}

async function connect() {
  if (!clients) throw new Error('Pick a wallet first.');
  const out = el('wallet-result');
  showResult(out, 'pending', 'Waiting for the wallet…');
  const accounts = await clients.wallet.requestAddresses();
  const chainId = await clients.wallet.getChainId();
  state.chainId = chainId;
  if (!accounts[0]) throw new Error('The wallet returned no account.');
  await setAccount(accounts[0]);
  // Also covers a reconnect with the same account (and shares the run an accountsChanged started).
  await refreshAccountData();
  showResult(out, 'ok', `Connected to ${clients.detail.info.name} as ${shortHex(accounts[0])}`);
}

async function switchChain() {
  const { wallet } = need();
  await wallet.switchChain({ id: devnet.id });
  state.chainId = await wallet.getChainId();
}

/**
 * ERC-7715 grant through viem's `grantPermissions` (viem/experimental), which sends
 * `wallet_grantPermissions`.
 *
 * Signer: `{ type: 'wallet' }`. This wallet creates and keeps the session key itself (in the
 * extension) and signs session calls when the dApp sends `wallet_sendCalls` with the returned
 * `permissionsContext`. The page never holds a key, so there is no address to name as an
 * `{ type: 'account', data: { id } }` signer: that form is for a dApp that brings its own local key and
 * submits user operations itself. (viem would produce the same `{ type: 'wallet' }` if we passed the
 * connected address as a JSON-RPC `account`; we spell it out.)
 */
async function grant() {
  const { wallet } = need();
  const out = el('session-result');
  showResult(out, 'pending', 'Waiting for the owner to approve the session in the wallet…');

  const expiry = Math.floor(Date.now() / 1000) + SESSION_SECONDS;
  const request: GrantPermissionsParameters = {
    expiry,
    signer: { type: 'wallet' },
    permissions: [
      {
        // Call DemoGame.move and DemoGame.buyItem (target + selectors, enforced on chain).
        type: 'contract-call',
        data: { address: DEMO_GAME, calls: [...GAME_CALLS] },
        policies: [],
        required: true,
      },
      {
        // Spend at most 0.01 ETH in total (buyItem is payable).
        type: 'native-token-transfer',
        data: { ticker: 'ETH' },
        policies: [{ type: 'token-allowance', data: { allowance: NATIVE_ALLOWANCE } }],
        required: true,
      },
      {
        // Transfer at most 100 DEMO. Optional: the owner may drop it and the game still works.
        type: 'erc20-token-transfer',
        data: { address: DEMO_TOKEN, ticker: 'DEMO' },
        policies: [{ type: 'token-allowance', data: { allowance: DEMO_ALLOWANCE } }],
        required: false,
      },
    ],
  };

  const result = await grantPermissions(wallet, request);
  state.session = {
    permissionsContext: result.permissionsContext,
    expiry: result.expiry,
    grantedPermissions: plain(result.grantedPermissions),
    account: state.account!,
    chainId: state.chainId ?? devnet.id,
  };
  showResult(out, 'ok', 'Session granted', [
    ['Expires', new Date(result.expiry * 1000).toLocaleString()],
    ['Permissions', summarizePermissions(result.grantedPermissions)],
  ]);
}

async function revoke() {
  const { provider } = need();
  const session = state.session;
  if (!session) throw new Error('No session to revoke.');
  const out = el('session-result');
  showResult(out, 'pending', 'Revoking the session…');
  // viem 2.57 has no ERC-7715 revoke action (its `wallet_revokePermissions` type is the EIP-2255
  // `eth_accounts` form), so the request goes to the provider directly, still through the log.
  await provider.request({
    method: 'wallet_revokePermissions',
    params: [{ permissionsContext: session.permissionsContext }],
  });
  state.session = null;
  showResult(out, 'ok', 'Session revoked', [['Context', session.permissionsContext]]);
}

function activeSession(): Session | null {
  const s = state.session;
  if (!s || s.expiry * 1000 <= Date.now()) return null;
  if (s.account.toLowerCase() !== state.account?.toLowerCase()) return null;
  return s;
}

async function batch() {
  const { wallet, account } = need();
  const out = el('batch-result');
  const session = activeSession();
  showResult(
    out,
    'pending',
    session ? 'Sending 5 moves with the session…' : 'No session: the wallet will ask the owner to approve…',
  );

  const calls = MOVES.map((direction) => ({
    to: DEMO_GAME,
    abi: demoGameAbi,
    functionName: 'move' as const,
    args: [direction] as const,
  }));
  const { id } = await wallet.sendCalls({
    account,
    calls,
    ...(session ? { capabilities: { permissions: { context: session.permissionsContext } } } : {}),
  });
  state.lastBatch = { id, transactionHashes: [] };
  showResult(out, 'pending', 'Bundle submitted; waiting for it on chain…', [['Bundle id', id]]);

  const status = await wallet.waitForCallsStatus({ id, pollingInterval: 1000, timeout: 60_000 });
  const hashes = unique((status.receipts ?? []).map((r) => r.transactionHash));
  state.lastBatch = { id, status: status.status, statusCode: status.statusCode, transactionHashes: hashes };
  await refreshScore();
  showResult(out, status.status === 'success' ? 'ok' : 'error', `Batch ${status.status ?? 'unknown'}`, [
    ['Moves', MOVES.map((d) => ARROWS[d]).join(' ')],
    ['Via', session ? 'session key (no popup)' : 'owner approval'],
    ['Status', `${status.status} (${status.statusCode})`],
    ['Bundle id', id],
    ...hashes.map((h, i): [string, string] => [hashes.length > 1 ? `Tx ${i + 1}` : 'Tx', h]),
    ['Score', state.score ?? '—'],
    ...(state.position ? [['Position', `x ${state.position.x}, y ${state.position.y}`] as [string, string]] : []),
  ]);
}

async function sendOne() {
  const { wallet, account, public: pub } = need();
  const out = el('send-one-result');
  showResult(out, 'pending', `Buying item #${ITEM_ID} for ${formatEther(ITEM_PRICE)} ETH…`);
  const hash = await wallet.sendTransaction({
    account,
    chain: devnet,
    to: DEMO_GAME,
    value: ITEM_PRICE,
    data: encodeFunctionData({ abi: demoGameAbi, functionName: 'buyItem', args: [ITEM_ID] }),
  });
  state.lastTransaction = { hash };
  showResult(out, 'pending', 'Transaction sent; waiting for the receipt…', [['Tx', hash]]);
  const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 1000, timeout: 60_000 });
  state.lastTransaction = { hash, status: receipt.status };
  await refreshScore();
  showResult(out, receipt.status === 'success' ? 'ok' : 'error', `Item #${ITEM_ID} ${receipt.status === 'success' ? 'bought' : 'purchase reverted'}`, [
    ['Value', `${formatEther(ITEM_PRICE)} ETH`],
    ['Tx', hash],
    ['Block', receipt.blockNumber.toString()],
  ]);
}

/**
 * DemoToken.mint is outside the session (the session only covers DemoGame and DEMO transfers).
 * The session context is still attached, so this shows the wallet refusing to use it for a call it
 * does not cover and asking the owner instead.
 */
async function outOfScope() {
  const { wallet, account } = need();
  const out = el('out-of-scope-result');
  const session = activeSession();
  showResult(out, 'pending', 'Minting is not in the session: the wallet should ask the owner…');
  const { id } = await wallet.sendCalls({
    account,
    calls: [{ to: DEMO_TOKEN, abi: demoTokenAbi, functionName: 'mint', args: [account, MINT_AMOUNT] }],
    ...(session ? { capabilities: { permissions: { context: session.permissionsContext } } } : {}),
  });
  state.lastOutOfScope = { id, transactionHashes: [] };
  showResult(out, 'pending', 'Approved; waiting for it on chain…', [['Bundle id', id]]);
  const status = await wallet.waitForCallsStatus({ id, pollingInterval: 1000, timeout: 60_000 });
  const hashes = unique((status.receipts ?? []).map((r) => r.transactionHash));
  state.lastOutOfScope = { id, status: status.status, statusCode: status.statusCode, transactionHashes: hashes };
  showResult(out, status.status === 'success' ? 'ok' : 'error', `Mint ${status.status ?? 'unknown'}`, [
    ['Amount', '100 DEMO'],
    ['Status', `${status.status} (${status.statusCode})`],
    ['Bundle id', id],
    ...hashes.map((h): [string, string] => ['Tx', h]),
  ]);
}

async function sign() {
  const { wallet, account, public: pub } = need();
  const out = el('sign-result');
  showResult(out, 'pending', 'Waiting for the owner to sign…');
  const signature = await wallet.signMessage({ account, message: SIGN_MESSAGE });
  state.signature = { message: SIGN_MESSAGE, signature, valid: null };
  showResult(out, 'pending', 'Signed; verifying on chain…', [['Signature', signature]]);
  const valid = await pub.verifyMessage({ address: account, message: SIGN_MESSAGE, signature });
  state.signature = { message: SIGN_MESSAGE, signature, valid };
  showResult(out, valid ? 'ok' : 'error', valid ? 'Signature valid' : 'Signature invalid', [
    ['Message', SIGN_MESSAGE],
    ['Signer', account],
    ['Signature', signature],
  ]);
}

async function refreshSubscriptionView() {
  if (!clients) return;
  try {
    await refreshSubscription({ public: clients.public });
  } catch {
    // In the log; keep what is shown.
  }
  renderAll();
}

const subDeps = () => {
  const { provider, wallet, public: pub, account } = need();
  return { provider, wallet, public: pub, account };
};

async function subFund() {
  const out = el('sub-result');
  showResult(out, 'pending', 'Waiting for you to approve the gas money in the wallet…');
  showResult(out, 'ok', 'Gas money sent to the subscription account', await fundGas(subDeps()));
}

async function subSubscribe() {
  const out = el('sub-result');
  showResult(out, 'pending', 'Waiting for you to approve the subscription in the wallet…');
  showResult(out, 'ok', 'Subscribed', await subscribe(subDeps()));
}

async function subPay() {
  const out = el('sub-result');
  showResult(out, 'pending', 'The game collects this period’s payment…');
  const result = await pay(subDeps());
  showResult(out, result.ok ? 'ok' : 'error', result.title, result.rows);
}

async function subCancel() {
  const out = el('sub-result');
  showResult(out, 'pending', 'Cancelling: the wallet disables the allowance on chain…');
  showResult(out, 'ok', 'Subscription cancelled', await cancel(subDeps()));
}

// ---------------------------------------------------------------------------------------------
// Wiring: every button runs its action with a busy state and shows errors with their code.

const actions: Record<ButtonId, { run: () => Promise<void>; result: string }> = {
  connect: { run: connect, result: 'wallet-result' },
  'switch-chain': { run: switchChain, result: 'wallet-result' },
  grant: { run: grant, result: 'session-result' },
  revoke: { run: revoke, result: 'session-result' },
  batch: { run: batch, result: 'batch-result' },
  'send-one': { run: sendOne, result: 'send-one-result' },
  'out-of-scope': { run: outOfScope, result: 'out-of-scope-result' },
  sign: { run: sign, result: 'sign-result' },
  'sub-fund': { run: subFund, result: 'sub-result' },
  'sub-subscribe': { run: subSubscribe, result: 'sub-result' },
  'sub-pay': { run: subPay, result: 'sub-result' },
  'sub-cancel': { run: subCancel, result: 'sub-result' },
};

for (const [id, action] of Object.entries(actions) as [ButtonId, (typeof actions)[ButtonId]][]) {
  el(id).addEventListener('click', async () => {
    if (state.busy.includes(id)) return;
    state.busy.push(id);
    renderAll();
    try {
      await action.run();
    } catch (err) {
      const info = errorInfo(err);
      // Errors thrown by the provider are logged by the wrapper; log the rest (e.g. viem's own checks).
      if (info.code === undefined) log.error(id, err);
      showError(el(action.result), info);
    } finally {
      state.busy = state.busy.filter((b) => b !== id);
      renderAll();
    }
  });
}

el('rescan').addEventListener('click', () => {
  log.info('eip6963:requestProvider');
  discovery.request();
});
el('clear-log').addEventListener('click', () => log.clear());

setInterval(renderSession, 1000);

// ---------------------------------------------------------------------------------------------
// Rendering

function renderAll() {
  const connected = !!clients && !!state.account;
  const session = activeSession();
  const enabled: Record<ButtonId, boolean> = {
    connect: !!clients,
    'switch-chain': connected,
    grant: connected,
    revoke: connected && !!state.session,
    batch: connected,
    'send-one': connected,
    'out-of-scope': connected,
    sign: connected,
    'sub-fund': connected,
    'sub-subscribe': connected && !grantFor(state.account),
    'sub-pay': connected && !!grantFor(state.account),
    'sub-cancel': connected && !!grantFor(state.account),
  };
  for (const id of Object.keys(enabled) as ButtonId[]) {
    const b = el(id) as HTMLButtonElement;
    const busy = state.busy.includes(id);
    b.disabled = busy || !enabled[id];
    if (busy) b.setAttribute('aria-busy', 'true');
    else b.removeAttribute('aria-busy');
  }
  el('connect').textContent = connected ? 'Reconnect' : 'Connect';

  // Header pill.
  const status = el('status');
  if (connected) {
    status.dataset.state = state.chainId === devnet.id ? 'connected' : 'warning';
    status.textContent = `${shortHex(state.account!)} · chain ${state.chainId ?? '?'}`;
    status.title = state.account!;
  } else {
    status.dataset.state = 'disconnected';
    status.textContent = clients ? `${clients.detail.info.name} · not connected` : 'No wallet';
    status.removeAttribute('title');
  }

  el('account').textContent = state.account ?? '—';
  el('chain-id').textContent =
    state.chainId === null ? '—' : `${state.chainId}${state.chainId === devnet.id ? ` (${devnet.name})` : ' — not the devnet'}`;
  el('capabilities').textContent =
    state.capabilities === null ? "Connect to read the wallet's capabilities." : toJson(state.capabilities, 2);

  const chainWrong = connected && state.chainId !== null && state.chainId !== devnet.id;
  el('switch-chain').hidden = !chainWrong;

  // Banner: missing contracts or wrong chain.
  const banner = el('banner');
  const notes: string[] = [];
  if (contractsMissing)
    notes.push(
      'devnet/deployment.json has no contract addresses yet. Start the devnet (npm run devnet) and rebuild the dApp.',
    );
  if (chainWrong) notes.push(`The wallet is on chain ${state.chainId}; this demo runs on ${devnet.name} (${devnet.id}).`);
  banner.hidden = notes.length === 0;
  banner.textContent = notes.join(' ');

  el('play-mode').textContent = !connected
    ? 'Connect a wallet to play.'
    : session
      ? 'Session active: moves and purchases are signed by the session key, no popup.'
      : 'No session: each request goes to the owner for approval. Grant a session to play without popups.';
  el('score').textContent = state.score ?? '—';
  el('position').textContent = state.position ? `x ${state.position.x} · y ${state.position.y}` : '';
  renderSession();
  renderSubscription();
}

function renderSubscription() {
  const s = state.subscription;
  const grant = grantFor(state.account);
  el('sub-account').textContent = s.account;
  // Gas money to five decimals: the wei digits after that say nothing to a person.
  el('sub-balance').textContent = s.balance === null ? '—' : `${Number(s.balance).toFixed(5)} ETH`;
  el('sub-left').textContent = grant && s.period ? `${s.period.left} of 0.001 ETH` : '—';
  el('sub-next').textContent = grant && s.period ? new Date(s.period.nextStart * 1000).toLocaleString() : '—';
  const badge = el('sub-status');
  badge.dataset.state = grant ? 'active' : 'none';
  badge.textContent = grant ? 'Subscribed · 0.001 ETH / day' : 'Not subscribed';
}

function renderSession() {
  const s = state.session;
  const badge = el('session-status');
  if (!s) {
    badge.dataset.state = 'none';
    badge.textContent = 'No session';
    el('session-context').textContent = '—';
    el('session-expiry').textContent = '—';
    return;
  }
  const expired = s.expiry * 1000 <= Date.now();
  badge.dataset.state = expired ? 'expired' : 'active';
  badge.textContent = expired ? 'Expired' : `Active · ${formatTimeLeft(s.expiry)}`;
  el('session-context').textContent = s.permissionsContext;
  el('session-context').title = s.permissionsContext;
  el('session-expiry').textContent = `${new Date(s.expiry * 1000).toLocaleString()} (${formatTimeLeft(s.expiry)})`;
}

function renderWallets() {
  const root = el('wallets');
  root.dataset.status = state.discovery;
  const wallets = discovery.wallets;
  if (wallets.length === 0) {
    if (state.discovery === 'searching') {
      root.replaceChildren(textEl('p', 'Looking for wallets…', 'muted searching'));
    } else {
      const box = document.createElement('div');
      box.className = 'empty';
      box.dataset.testid = 'no-wallet';
      box.id = 'no-wallet';
      const title = textEl('p', 'No wallet found in this browser.', 'empty-title');
      const steps = document.createElement('ol');
      const stepList: (string | [string, string, string?])[] = [
        ['Build the extension: ', 'npm run build'],
        ['Open ', 'chrome://extensions', ' and turn on Developer mode'],
        ['Choose Load unpacked and pick ', '.output/chrome-mv3'],
        'Reload this page, or press “Search again”',
      ];
      for (const step of stepList) {
        const li = document.createElement('li');
        if (typeof step === 'string') li.textContent = step;
        else li.append(step[0], textEl('code', step[1]), step[2] ?? '');
        steps.append(li);
      }
      box.append(title, textEl('p', 'Install the Session Key Wallet extension:', 'muted'), steps);
      root.replaceChildren(box);
    }
    return;
  }

  const list = document.createElement('ul');
  list.className = 'wallet-list';
  list.setAttribute('aria-label', 'Wallets found');
  for (const w of wallets) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'wallet-option';
    b.dataset.testid = 'wallet-option';
    b.dataset.uuid = w.info.uuid;
    b.dataset.rdns = w.info.rdns;
    const selected = clients?.detail.info.uuid === w.info.uuid;
    b.setAttribute('aria-pressed', String(selected));

    const icon = safeIcon(w.info.icon);
    if (icon) {
      const img = document.createElement('img');
      img.src = icon;
      img.alt = '';
      img.width = 32;
      img.height = 32;
      img.className = 'wallet-icon';
      b.append(img);
    } else {
      b.append(textEl('span', w.info.name.slice(0, 1).toUpperCase(), 'wallet-icon wallet-icon-fallback'));
    }
    const text = document.createElement('span');
    text.className = 'wallet-text';
    text.append(textEl('span', w.info.name, 'wallet-name'), textEl('span', w.info.rdns, 'wallet-rdns'));
    b.append(text, textEl('span', selected ? 'Selected' : 'Use', 'wallet-pick'));
    b.addEventListener('click', () => selectWallet(w));
    li.append(b);
    list.append(li);
  }
  root.replaceChildren(list);
}

type Tone = 'ok' | 'error' | 'pending';

function showResult(target: HTMLElement, tone: Tone, title: string, rows: [string, string][] = []) {
  target.hidden = false;
  target.dataset.tone = tone;
  const head = textEl('p', title, 'result-title');
  const children: Node[] = [head];
  if (rows.length) {
    const dl = document.createElement('dl');
    for (const [k, v] of rows) {
      const row = document.createElement('div');
      row.append(textEl('dt', k), textEl('dd', v, /^0x[0-9a-f]+$/i.test(v) ? 'mono breakable' : ''));
      dl.append(row);
    }
    children.push(dl);
  }
  target.replaceChildren(...children);
}

function showError(target: HTMLElement, info: ReturnType<typeof errorInfo>) {
  target.hidden = false;
  target.dataset.tone = 'error';
  if (info.code !== undefined) target.dataset.code = String(info.code);
  else delete target.dataset.code;
  const head = document.createElement('p');
  head.className = 'result-title';
  if (info.code !== undefined) head.append(textEl('span', `code ${info.code}`, 'code-chip'));
  head.append(document.createTextNode(info.name));
  target.replaceChildren(head, textEl('p', info.message, 'result-message'));
}

function hideResult(target: HTMLElement) {
  target.hidden = true;
  target.replaceChildren();
  delete target.dataset.tone;
  delete target.dataset.code;
}

function summarizePermissions(perms: readonly { type: unknown; data?: unknown; policies?: readonly unknown[] }[]) {
  return perms
    .map((p) => {
      const type = typeof p.type === 'string' ? p.type : toJson(p.type);
      const policies = (p.policies ?? []) as { type?: unknown; data?: { allowance?: unknown } }[];
      const allowance = policies.find((x) => x.type === 'token-allowance')?.data?.allowance;
      if (type === 'native-token-transfer' && typeof allowance === 'bigint') return `≤ ${formatEther(allowance)} ETH`;
      if (type === 'erc20-token-transfer' && typeof allowance === 'bigint') return `≤ ${formatEther(allowance)} DEMO`;
      if (type === 'contract-call') {
        const calls = (p.data as { calls?: unknown })?.calls;
        return `call ${Array.isArray(calls) ? calls.join(', ') : 'DemoGame'}`;
      }
      return type;
    })
    .join(' · ');
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function el(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} is missing from index.html`);
  return e;
}

function textEl<K extends keyof HTMLElementTagNameMap>(tag: K, text: string, className = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.textContent = text;
  if (className) e.className = className;
  return e;
}

renderWallets();
renderAll();
if (contractsMissing) log.info('Contracts missing', 'devnet/deployment.json still has zero addresses.');
log.info('Looking for wallets', `chain ${deployment.chainId}, DemoGame ${DEMO_GAME}`);
