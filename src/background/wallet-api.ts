// The wallet API: what the popup and approval windows (extension pages only) ask the background.
// One handler per call, params validated once with its schema. Secrets go in (a new owner secret,
// a password) but never come out: no call returns a key, except vault.revealSecret, which gives the
// owner's own recovery phrase to the Settings page for the password (session keys never leave).
import type { Runtime } from 'webextension-polyfill';
import { getAddress, isAddress, type Address, type Hex } from 'viem';
import { readAccount, setDelegation, transactionStatus } from '../account/owner-actions';
import { chainIdHex } from '../chains/registry';
import { publicClientFor } from '../chains/clients';
import { isDeployment, type CallBundle } from '../calls/bundles';
import { removeWatchedToken, tokenBalances } from '../tokens/watched';
import { grantClocks } from '../chains/clock';
import { fundOnDevnet } from '../chains/devnet-faucet';
import { httpChainRpc } from '../rpc/chain-rpc';
import { asInvalidParams, toRpcErrorPayload, UnauthorizedError, InvalidParamsError, InvalidRequestError, type RpcErrorPayload } from '../errors';
import { parseParams, z } from '../rpc/schema';
import { parseOwnerSecret } from '../vault/owner-secret';
import { sealingKeyAvailable } from '../vault/sealing-key';
import { parseSessionScope } from '../permissions/validate';
import { startingNow } from '../permissions/kinds';
import { ForeignDelegationError } from '../sessions/service';
import { broadcast } from './events';
import { ownerActions, recordOwnerAction } from '../activity/owner-log';
import type { Services } from './services';
import { readWalletStatus } from './status';
import { removeWallet, removeWalletPreview } from './reset';
import { validateCustomChain } from '../chains/network';
import { checkRpcChainId } from '../chains/rpc-check';
import { networkWarnings } from '../chains/warnings';
import { metaMaskCompatEnabled, setMetaMaskCompat } from '../provider/metamask-compat';
import { cachedAccountView, forgetAccountViews, rememberAccountView, type CachedAccountView } from '../account/view-cache';

// Schemas are built on first use, not at import: building them all was a large part of the
// worker's start-up (issue 15), and a worker woken by a dApp request needs none of these.
const addressParam = z.lazy(() => z.string().check(z.refine((v) => isAddress(v, { strict: false }), 'expected a 20-byte hex address')));
const hexData = z.lazy(() => z.string().check(z.regex(/^0x([0-9a-fA-F]{2})*$/, 'expected 0x-prefixed hex bytes')));
const weiString = z.lazy(() => z.string().check(z.regex(/^[0-9]{1,78}$/, 'expected an amount in wei (digits only)')));
const none = () => z.optional(z.object({}));

function define<S extends z.ZodMiniType, R>(schema: () => S, run: (p: z.infer<S>, s: Services) => Promise<R>) {
  let built: S | undefined;
  return {
    get params(): S {
      return (built ??= schema());
    },
    run,
  };
}

async function listActivity(s: Services) {
  const list = await s.bundles.list();
  // A backend that signs a payload (Alchemy) picks the transaction itself: look up the hashes of
  // the newest sent bundles still without one.
  const waiting = list.filter((b) => b.signed && b.state === 'submitted' && b.txHashes.length === 0).slice(0, 5);
  if (waiting.length === 0) return list;
  const chain = await s.networks.current();
  const backend = await s.backends.for(chain).catch(() => null);
  if (!backend) return list;
  await Promise.all(waiting.filter((b) => b.chainId === chain.id && b.signed?.backend === backend.kind).map((b) => backend.status(b, s.bundles).catch(() => null)));
  return s.bundles.list();
}

/**
 * The address each deployment created, from its mined receipt (the newest few on the current
 * chain; not stored: the receipt is the record). Pending or unreadable: no address yet.
 */
async function withDeployedAddresses(list: CallBundle[], s: Services): Promise<(CallBundle & { contractAddress?: Address })[]> {
  const chain = await s.networks.current();
  const deploys = list.filter((b) => b.chainId === chain.id && b.txHashes.length > 0 && b.calls.some(isDeployment)).slice(0, 10);
  if (deploys.length === 0) return list;
  const client = publicClientFor(chain);
  const found = new Map<string, Address>();
  await Promise.all(
    deploys.map(async (b) => {
      const receipt = await client.getTransactionReceipt({ hash: b.txHashes[b.txHashes.length - 1]! }).catch(() => null);
      if (receipt?.contractAddress) found.set(b.id, getAddress(receipt.contractAddress));
    }),
  );
  return list.map((b) => (found.has(b.id) ? { ...b, contractAddress: found.get(b.id)! } : b));
}

/** The owner's active sessions on `chain` (a storage read: no chain call). */
async function activeSessionCount(s: Services, chainId: number, account: Address): Promise<number> {
  const now = Math.floor(Date.now() / 1000);
  return (await s.sessions.all()).filter((r) => r.status === 'active' && r.chainId === chainId && r.scope.expiry > now && r.account.toLowerCase() === account.toLowerCase()).length;
}

/** The account view read from the chain now; kept for the popup's next first paint (popup.home). */
async function readAccountView(s: Services): Promise<CachedAccountView> {
  const address = await s.vault.ownerAddress();
  if (!address) throw new UnauthorizedError('There is no wallet yet.');
  const chain = await s.networks.current();
  // The contract the chain's backend delegates the account to is the expected one (Alchemy's
  // account contract on Alchemy); the default when the backend cannot be built (key sealed).
  const [backend, activeSessions] = await Promise.all([s.backends.for(chain).catch(() => null), activeSessionCount(s, chain.id, address)]);
  const view = { chain, account: await readAccount(chain, address, backend?.implementation ?? undefined), activeSessions, readAt: Date.now() };
  await rememberAccountView(view);
  return view;
}

/** A recovery phrase or private key with a new password, as onboarding and restore take it. */
const secretForm = () => z.object({ secret: z.string().check(z.maxLength(1000)), password: z.string().check(z.maxLength(1000)), confirmation: z.string().check(z.maxLength(1000)) });

/** The owner's secret from a form: -32602 with the reason when it is neither a phrase nor a key. */
function ownerSecretParam(text: string) {
  try {
    return parseOwnerSecret(text);
  } catch (error) {
    throw new InvalidParamsError((error as Error).message);
  }
}

export const walletApiHandlers = {
  status: define(none, async (_p, s) => {
    const chain = await s.networks.current();
    const [status, backend] = await Promise.all([readWalletStatus(chain, httpChainRpc(chain.rpcUrl)), s.backends.view(chain)]);
    return { ...status, backend };
  }),

  'vault.state': define(none, (_p, s) => s.vault.state()),
  'vault.create': define(
    secretForm,
    async (p, s) => {
      const secret = ownerSecretParam(p.secret);
      const address = await s.vault.create(secret, p.password, p.confirmation);
      await broadcast('accountsChanged', []);
      return { address };
    },
  ),
  // Forgotten password. What will happen to the sessions depends on whether their keys can still be
  // opened (the wallet was unlocked since the browser started); the lock screen says it first.
  'vault.recoverPreview': define(none, async (_p, s) => ({
    sessionKeysOpen: await sealingKeyAvailable(),
    liveSessions: (await s.sessions.all()).filter((x) => x.status === 'active').length,
  })),
  'vault.recover': define(
    secretForm,
    async (p, s) => {
      const secret = ownerSecretParam(p.secret);
      const { address, sessionKeysKept } = await s.vault.recover(secret, p.password, p.confirmation);
      if (sessionKeysKept) return { address, sessionKeysKept, revoked: 0, failed: 0 };
      // Their keys went with the old password: nobody can use them again, so they are ended on chain
      // (the restored owner signs) rather than listed as active.
      const report = await s.sessions.revokeAllForReset((id) => s.networks.byId(id));
      return { address, sessionKeysKept, revoked: report.revoked, failed: report.failed.length };
    },
  ),
  'vault.unlock': define(() => z.object({ password: z.string().check(z.maxLength(1000)) }), async (p, s) => ({ address: await s.vault.unlock(p.password) })),
  'vault.revealSecret': define(() => z.object({ password: z.string().check(z.maxLength(1000)) }), async (p, s) => {
    const secret = await s.vault.revealSecret(p.password);
    return secret.kind === 'mnemonic' ? { kind: secret.kind, text: secret.phrase } : { kind: secret.kind, text: secret.privateKey as string };
  }),
  'vault.changePassword': define(
    () => z.object({ current: z.string().check(z.maxLength(1000)), password: z.string().check(z.maxLength(1000)), confirmation: z.string().check(z.maxLength(1000)) }),
    async (p, s) => {
      await s.vault.changePassword(p.current, p.password, p.confirmation);
      return null;
    },
  ),
  'vault.lock': define(none, async (_p, s) => {
    await s.vault.lock();
    return null;
  }),
  'vault.resetPreview': define(none, async (_p, s) => removeWalletPreview(s)),
  'vault.reset': define(
    () => z.object({ confirm: z.literal('DELETE'), password: z.string().check(z.maxLength(1000)), force: z.optional(z.boolean()) }),
    async (p, s) => {
      const result = await removeWallet(s, { password: p.password, ...(p.force !== undefined ? { force: p.force } : {}) });
      if (result.removed) await forgetAccountViews(); // the removed wallet's figures are not shown to whoever comes next
      return result;
    },
  ),
  'vault.setAutoLock': define(() => z.object({ minutes: z.number() }), async (p, s) => {
    await s.vault.setAutoLockMinutes(p.minutes);
    return null;
  }),

  'account.view': define(none, async (_p, s) => readAccountView(s)),
  // The popup's first call (issue 15 item 4): what it needs to draw its first screen, from what the
  // worker already holds (storage, no chain call), in one round trip. The account view is the one
  // last read from the chain, only while unlocked (a locked wallet shows the unlock screen first),
  // marked `cached`: the popup labels it until its own account.view comes back.
  'popup.home': define(none, async (_p, s) => {
    const [vault, chain, chains] = await Promise.all([s.vault.state(), s.networks.current(), s.networks.list()]);
    const cached = vault.status === 'unlocked' ? await cachedAccountView(chain, vault.address) : null;
    return { vault, networks: { current: chain.id, chains }, account: cached ? { ...cached, cached: true as const } : null };
  }),
  'account.upgrade': define(none, async (_p, s) => {
    const chain = await s.networks.current();
    const backend = await s.backends.for(chain);
    const hash = await backend.upgrade(await s.vault.ownerAccount());
    await recordOwnerAction({ kind: 'upgrade', chainId: chain.id, summary: 'Upgraded the account to a smart account (EIP-7702)', hash });
    return { hash };
  }),
  // Undo upgrade: without the smart account no session works, yet upgrading again would bring them
  // back. So the live sessions on this network are revoked first (the popup warns with this count).
  'account.undelegatePreview': define(none, async (_p, s) => {
    const views = await s.sessions.views(await s.networks.current());
    const live = views.filter((v) => v.status === 'active');
    return { liveSessions: live.length, origins: [...new Set(live.map((v) => v.origin))] };
  }),
  'account.undelegate': define(none, async (_p, s) => {
    const chain = await s.networks.current();
    const owner = await s.vault.ownerAccount();
    // Only from the wallet's own smart account: under foreign code (Clear) the revokes could not run.
    const backend = await s.backends.for(chain).catch(() => null);
    const { delegation } = await readAccount(chain, owner.address, backend?.implementation ?? undefined);
    const revoked = delegation.kind === 'framework' ? (await s.sessions.revokeAll(chain)).length : 0;
    const hash = await setDelegation(chain, owner, 'none');
    await recordOwnerAction({ kind: 'undo-upgrade', chainId: chain.id, summary: revoked ? `Undid the upgrade (revoked ${revoked} ${revoked === 1 ? 'session' : 'sessions'} first)` : 'Undid the upgrade', hash });
    return { hash, revoked };
  }),
  'account.send': define(() => z.object({ to: addressParam, value: weiString, data: hexData }), async (p, s) => {
    const chain = await s.networks.current();
    const call = { to: getAddress(p.to), value: BigInt(p.value), data: p.data as Hex };
    const backend = await s.backends.for(chain);
    const hash = await backend.sendOwnerCall(await s.vault.ownerAccount(), call);
    await recordOwnerAction({ kind: 'send', chainId: chain.id, summary: `Sent from the wallet to ${call.to}`, hash });
    return { hash };
  }),
  'account.fundOnDevnet': define(none, async (_p, s) => {
    const address = await s.vault.ownerAddress();
    if (!address) throw new UnauthorizedError('There is no wallet yet.');
    await fundOnDevnet(await s.networks.current(), address as Address);
    return null;
  }),
  'tx.status': define(() => z.object({ hash: z.string().check(z.regex(/^0x[0-9a-fA-F]{64}$/, 'expected a transaction hash')) }), async (p, s) =>
    transactionStatus(await s.networks.current(), p.hash as Hex),
  ),

  'sessions.list': define(none, async (_p, s) => s.sessions.views(await s.networks.current())),
  'sessions.grant': define(
    () => z.object({ origin: z.string().check(z.maxLength(300)), durationSeconds: z.number(), permissions: z.array(z.unknown()), callLimit: z.optional(z.number()) }),
    async (p, s) => {
      const chain = await s.networks.current();
      const account = await s.vault.ownerAddress();
      if (!account) throw new UnauthorizedError('There is no wallet yet.');
      let origin: string;
      try {
        origin = new URL(p.origin).origin;
      } catch {
        throw new InvalidParamsError('The site must be a URL such as https://game.example.');
      }
      if (!/^https?:\/\//.test(origin)) throw new InvalidParamsError('The site must be an http(s) origin.');
      if (!Number.isSafeInteger(p.durationSeconds) || p.durationSeconds <= 0) throw new InvalidParamsError('The session needs a positive duration.');
      // Expiry is counted on the chain's clock, the one its TimestampEnforcer reads.
      const { now, start } = await grantClocks(chain);
      const scope = asInvalidParams(() =>
        parseSessionScope(
          // An allowance over time from the form starts now (the chain's clock), as one asked for over RPC does.
          { expiry: now + p.durationSeconds, permissions: p.permissions.map((x) => startingNow(x, start)), ...(p.callLimit !== undefined ? { callLimit: p.callLimit } : {}) },
          { account, chainId: chain.id, now, longExpiry: 'refuse' },
        ),
      );
      try {
        const { id } = await s.sessions.grant(chain, origin, scope);
        await recordOwnerAction({ kind: 'grant', chainId: chain.id, summary: `Granted a session to ${origin.replace(/^https?:\/\//, '')}` });
        return { id };
      } catch (error) {
        // The owner is in the wallet already: say where the foreign delegation is dealt with.
        if (!(error instanceof ForeignDelegationError)) throw error;
        throw new UnauthorizedError(
          `Your account is upgraded to another contract (${error.implementation}), which controls it. Review it on the Account tab: Replace puts this wallet's smart account back, Clear removes it. Then grant the session.`,
          error.data,
        );
      }
    },
  ),
  'sessions.revoke': define(() => z.object({ id: z.string().check(z.regex(/^0x[0-9a-fA-F]{64}$/)) }), async (p, s) => {
    const chain = await s.networks.current();
    const ended = await s.sessions.revoke(chain, p.id);
    await recordOwnerAction({ kind: 'revoke', chainId: chain.id, summary: `Revoked the session of ${ended.origin.replace(/^https?:\/\//, '')}`, ...(ended.revokeTx ? { hash: ended.revokeTx } : {}) });
    return ended;
  }),
  'sessions.revokeAll': define(() => z.object({ origin: z.optional(z.string()) }), async (p, s) => {
    const chain = await s.networks.current();
    const ended = await s.sessions.revokeAll(chain, p.origin);
    if (ended.length) await recordOwnerAction({ kind: 'revoke-all', chainId: chain.id, summary: `Revoked ${ended.length} ${ended.length === 1 ? 'session' : 'sessions'}` });
    return ended;
  }),
  'sessions.clearEnded': define(none, async (_p, s) => ({ cleared: await s.sessions.clearEnded((await s.networks.current()).id) })),
  'connections.list': define(none, async (_p, s) => Object.values(await s.connections.all())),
  'connections.disconnect': define(() => z.object({ origin: z.string() }), async (p, s) => {
    await s.connections.disconnect(p.origin);
    await broadcast('accountsChanged', [], (o) => o === p.origin);
    return null;
  }),
  'activity.list': define(none, async (_p, s) => withDeployedAddresses(await listActivity(s), s)),
  // The owner's own actions, newest first, with each network's name (a removed network: its id).
  'activity.owner': define(none, async (_p, s) => {
    const chains = await s.networks.list();
    return (await ownerActions())
      .slice()
      .reverse()
      .map((a) => ({ ...a, network: chains.find((c) => c.id === a.chainId)?.name ?? `chain ${a.chainId}` }));
  }),

  'tokens.list': define(none, async (_p, s) => {
    const account = await s.vault.ownerAddress();
    if (!account) throw new UnauthorizedError('There is no wallet yet.');
    return tokenBalances(await s.networks.current(), account as Address);
  }),
  'tokens.remove': define(() => z.object({ address: addressParam }), async (p, s) => {
    const account = await s.vault.ownerAddress();
    if (!account) throw new UnauthorizedError('There is no wallet yet.');
    await removeWatchedToken((await s.networks.current()).id, account as Address, getAddress(p.address));
    return null;
  }),

  'approval.list': define(() => z.object({ origin: z.optional(z.string()) }), async (p, s) => s.approvals.list(p.origin)),
  'approval.resolve': define(() => z.object({ id: z.string(), approved: z.boolean(), edits: z.optional(z.unknown()) }), async (p, s) => {
    await s.approvals.resolve(p.id, p.approved ? { approved: true, edits: p.edits } : { approved: false });
    return null;
  }),
  'approval.rejectAll': define(() => z.object({ origin: z.string() }), async (p, s) => {
    await s.approvals.rejectAll(p.origin);
    return null;
  }),

  'backend.view': define(none, async (_p, s) => s.backends.view(await s.networks.current())),
  'backend.useDelegation': define(none, async (_p, s) => {
    await s.backends.useDelegation((await s.networks.current()).id);
    return s.backends.view(await s.networks.current());
  }),
  'backend.useAlchemy': define(
    () => z.object({ apiKey: z.optional(z.string().check(z.maxLength(200))), url: z.optional(z.string().check(z.maxLength(500))), policyId: z.optional(z.string().check(z.maxLength(100))) }),
    async (p, s) => {
      const chain = await s.networks.current();
      await s.backends.useAlchemy(chain, p);
      return s.backends.view(chain);
    },
  ),
  'backend.forgetApiKey': define(none, async (_p, s) => {
    await s.backends.apiKeys.clear();
    return null;
  }),

  'settings.metaMaskCompat': define(none, async () => metaMaskCompatEnabled()),
  'settings.setMetaMaskCompat': define(() => z.object({ on: z.boolean() }), async (p) => setMetaMaskCompat(p.on)),

  'network.list': define(none, async (_p, s) => ({ current: (await s.networks.current()).id, chains: await s.networks.list() })),
  'network.switch': define(() => z.object({ chainId: z.number() }), async (p, s) => {
    const { chain, changed } = await s.networks.switchTo(p.chainId);
    if (changed) await broadcast('chainChanged', chainIdHex(chain.id));
    return chain;
  }),
  'network.add': define(
    () => z.object({ id: z.number(), name: z.string(), rpcUrl: z.string(), symbol: z.optional(z.string()), blockExplorerUrl: z.optional(z.string()) }),
    async (p, s) => {
      // Checked before anything is saved: the RPC must answer and be for this chain.
      const chain = validateCustomChain(p);
      await checkRpcChainId(chain.rpcUrl, chain.id);
      return s.networks.addCustom(p);
    },
  ),
  'network.warnings': define(() => z.object({ id: z.number(), name: z.string(), rpcUrl: z.string() }), async (p) => networkWarnings(p)),
  'network.update': define(() => z.object({ chainId: z.number(), name: z.string(), rpcUrl: z.string() }), async (p, s) => {
    const chain = validateCustomChain({ id: p.chainId, name: p.name, rpcUrl: p.rpcUrl });
    await checkRpcChainId(chain.rpcUrl, p.chainId);
    const updated = await s.networks.updateCustom(p.chainId, { name: p.name, rpcUrl: p.rpcUrl });
    return updated;
  }),
  'network.remove': define(() => z.object({ chainId: z.number() }), async (p, s) => {
    await s.networks.removeCustom(p.chainId);
    return null;
  }),
  'network.setRpc': define(() => z.object({ chainId: z.number(), rpcUrl: z.string() }), async (p, s) => {
    await s.networks.setRpcUrl(p.chainId, p.rpcUrl);
    return null;
  }),
};

export type WalletApiHandlers = typeof walletApiHandlers;
export type WalletApiMethod = keyof WalletApiHandlers;
export type WalletApiParams<M extends WalletApiMethod> = z.input<WalletApiHandlers[M]['params']>;
export type WalletApiResult<M extends WalletApiMethod> = Awaited<ReturnType<WalletApiHandlers[M]['run']>>;

export interface WalletApiMessage {
  type: 'wallet-api';
  method: string;
  params?: unknown;
}

export type WalletApiResponse<T = unknown> = { ok: true; value: T } | { ok: false; error: RpcErrorPayload };

export function isWalletApiMessage(value: unknown): value is WalletApiMessage {
  return typeof value === 'object' && value !== null && (value as WalletApiMessage).type === 'wallet-api' && typeof (value as WalletApiMessage).method === 'string';
}

/** True when the message comes from a page of this extension (popup, approval window). */
export function isFromExtensionPage(sender: Runtime.MessageSender, extensionOrigin: string): boolean {
  if (!sender.url) return false;
  try {
    return new URL(sender.url).origin === new URL(extensionOrigin).origin;
  } catch {
    return false;
  }
}

export async function handleWalletApiMessage(
  message: WalletApiMessage,
  sender: Runtime.MessageSender,
  extensionOrigin: string,
  services: Services,
): Promise<WalletApiResponse> {
  try {
    if (!isFromExtensionPage(sender, extensionOrigin)) throw new UnauthorizedError('Only wallet pages may call the wallet API.');
    const handler = (walletApiHandlers as Record<string, { params: z.ZodMiniType; run: (p: unknown, s: Services) => Promise<unknown> }>)[message.method];
    if (!handler || !Object.hasOwn(walletApiHandlers, message.method)) throw new InvalidRequestError(`Unknown wallet API call ${message.method}.`);
    const params = parseParams(handler.params, message.params ?? {}, message.method);
    return { ok: true, value: await handler.run(params, services) };
  } catch (error) {
    if (!(error instanceof Error) || !('code' in error)) console.error('[wallet] wallet API call failed', error);
    return { ok: false, error: toRpcErrorPayload(error) };
  }
}
