// ERC-7715: a dApp asks for a session (wallet_grantPermissions in viem's experimental shape, or
// wallet_requestExecutionPermissions in the current ERC's and MetaMask's). The owner sees it in the
// approval window, may leave out the optional parts and shorten the expiry, and the wallet grants
// it: to a key it creates (wallet-held: the context names the session in later wallet_sendCalls),
// or to the dApp's own account (`to` / `signer`: the context is the delegation the dApp redeems
// itself with ERC-7710). Discovery (wallet_getSupportedExecutionPermissions), listing
// (wallet_getGrantedExecutionPermissions) and revoke by context (wallet_revokeExecutionPermission).
import { numberToHex } from 'viem';
import { chainNow, grantClocks } from '../../chains/clock';
import { devnetContracts } from '../../chains/deployments';
import { DEVNET_CHAIN_ID } from '../../chains/registry';
import {
  draftToScope,
  EXECUTION_PERMISSION_TYPES,
  grantScopeView,
  needsTokenWarning,
  scopeToExecutionPermissions,
  scopeToGrantedPermissions,
  SUPPORTED_RULE_TYPES,
  translateErc7715Request,
  type Erc7715Draft,
  type Erc7715Method,
  type GrantedOptions,
} from '../../permissions/erc7715';
import type { SessionScope } from '../../permissions/types';
import { deserializeScope } from '../../permissions/serialize';
import { lowerDraft, parseLowerings } from '../../permissions/adjust';
import { contractOf } from '../../permissions/kinds';
import { PermissionError } from '../../permissions/errors';
import { publicClientFor } from '../../chains/clients';
import { readTokens } from '../../chains/tokens';
import { contextOf, holderOf, type SessionHolder, type SessionRecord } from '../../sessions/record';
import { DEFAULT_MAX_SESSION_SECONDS } from '../../permissions/validate';
import { asInvalidParams, InvalidParamsError, TransactionRejectedError, UnsupportedMethodError, UserRejectedError } from '../../errors';
import { requireConnection } from '../guards';
import { defineMethod, type RequestContext } from '../method';
import { z } from '../schema';
import { disconnectSite } from './accounts';

export interface GrantEdits {
  omit?: number[];
  /** Unix seconds; only ever shortens what the dApp asked for. */
  expiry?: number;
  /** The owner ticked the red warning for token-moving functions on every contract. */
  confirmTokenMovingEverywhere?: boolean;
  /** The owner ticked "I understand this site can move everything" under a root (full access) grant. */
  confirmFullAccess?: boolean;
  /** Amounts the owner lowered (adjustable items only; checked again by lowerDraft, never trusted). */
  lower?: unknown;
}

const holderOfDraft = (draft: Erc7715Draft): SessionHolder => (draft.signer.type === 'account' ? { kind: 'dapp', address: draft.signer.address } : { kind: 'wallet' });

const tickersFor = (ctx: RequestContext) => ({ nativeTicker: ctx.chain.nativeCurrency.symbol, tokenTickers: ctx.chain.id === DEVNET_CHAIN_ID ? { [devnetContracts.DemoToken]: 'DEMO' } : {} });

/** A stored session in the current dialect (the grant's answer, and the listing). */
function executionPermissionsOf(s: SessionRecord, ctx: RequestContext) {
  const holder = holderOf(s);
  return scopeToExecutionPermissions(
    deserializeScope(s.scope),
    {
      chainId: s.chainId,
      account: s.account,
      context: contextOf(s),
      ...(s.groupContexts ? { groupContexts: s.groupContexts } : {}),
      ...(holder.kind === 'dapp' ? { heldBy: holder.address } : {}),
      ...(s.groupContexts ? { groupContexts: s.groupContexts } : {}),
      ...(s.delegationManager ? { delegationManager: s.delegationManager } : {}),
    },
    tickersFor(ctx),
  );
}

async function grant(method: Erc7715Method, params: unknown, ctx: RequestContext) {
  const connection = await requireConnection(ctx);
  const { now, start } = await grantClocks(ctx.chain);
  const draft = asInvalidParams(() => translateErc7715Request(method, params, { account: connection.account, chainId: ctx.chain.id, now, start }));
  const holder = holderOfDraft(draft);
  const scopeContext = { account: connection.account, chainId: ctx.chain.id, now, maxSessionSeconds: DEFAULT_MAX_SESSION_SECONDS };
  // Validate before bothering the owner: a request that cannot be granted is -32602 at once.
  const requested = asInvalidParams(() => draftToScope(draft, scopeContext));
  await ctx.services.sessions.assertGrantable(ctx.chain, requested, holder);
  const onAlchemy = (await ctx.services.backends.setting(ctx.chain.id)).kind === 'alchemy';
  // The contracts the permissions reach, asked for their token metadata: the window shows amounts
  // in what the chain says, not what the page says.
  const reached = draft.items.flatMap((i) => i.permissions).flatMap((p) => contractOf(p) ?? []);
  const tokens = reached.length > 0 ? await readTokens(publicClientFor(ctx.chain), reached) : {};
  // What the grant does besides the signature (an upgrade first, the stipend), said before approving.
  // A failed read says nothing rather than blocking the grant; the grant itself reads again.
  const preview = await ctx.services.backends
    .for(ctx.chain)
    .then((backend) => backend.grantPreview?.(connection.account, requested, holder))
    .catch(() => undefined);
  const decision = await ctx.services.approvals.ask({
    kind: 'grantPermissions',
    origin: ctx.origin,
    chainId: ctx.chain.id,
    scope: {
      ...grantScopeView(draft, requested),
      // The window says when allowances start ("starting now") on the clock they were given.
      now: start,
      tokens,
      ...(preview ? { upgradeFirst: preview.upgradeFirst, ...(preview.stipend > 0n ? { stipend: preview.stipend.toString() } : {}) } : {}),
    },
    optional: draft.items.filter((i) => !i.required).map((i) => String(i.index)),
    ...(onAlchemy ? { backend: 'alchemy' as const } : {}),
  });
  const edits = (decision.edits ?? {}) as GrantEdits;
  const expiry = typeof edits.expiry === 'number' && edits.expiry < requested.expiry ? edits.expiry : requested.expiry;
  // Lowered amounts: only down, only where the dApp allowed it. The window is not trusted with it:
  // a raised amount, or one on an item the site fixed, refuses the grant (4001: the owner did not
  // approve anything the wallet can grant).
  let narrowed: Erc7715Draft;
  try {
    narrowed = lowerDraft(draft, parseLowerings(edits.lower));
  } catch (error) {
    if (!(error instanceof PermissionError)) throw error;
    throw new UserRejectedError(`The approval changed an amount in a way the wallet does not allow (${error.message}); nothing was granted.`);
  }
  const nowAfterApproval = await chainNow(ctx.chain);
  const scope = asInvalidParams(() => draftToScope({ ...narrowed, expiry }, { ...scopeContext, now: nowAfterApproval }, { omit: Array.isArray(edits.omit) ? edits.omit : [] }));
  // Token-moving functions on every contract need the owner's explicit tick under the red warning.
  if (needsTokenWarning(scope) && edits.confirmTokenMovingEverywhere !== true) {
    throw new UserRejectedError('The owner did not confirm that this site may move or approve away tokens on every contract; nothing was granted.');
  }
  // Full access (root) needs the owner's explicit tick too: the window's button alone is not enough.
  if (scope.permissions.some((p) => p.type === 'root') && edits.confirmFullAccess !== true) {
    throw new UserRejectedError('The owner did not confirm that this site may move everything in the account; nothing was granted.');
  }
  const record = await ctx.services.sessions.grant(ctx.chain, ctx.origin, scope, holder);
  if (method === 'wallet_requestExecutionPermissions') return executionPermissionsOf(record, ctx);
  return grantPermissionsAnswer(scope, record, tickersFor(ctx));
}

/**
 * wallet_grantPermissions' answer (viem's experimental shape). A wallet-held session's calls are
 * submitted to the account (wallet_sendCalls with the context); a key the dApp holds redeems
 * through the DelegationManager (ERC-7710), so that is its submitToAddress. viem's grantPermissions
 * keeps signerData but drops signerMeta, so submitToAddress is the only place a viem dApp learns
 * it; signerMeta stays for clients that read the draft's field.
 */
export function grantPermissionsAnswer(scope: SessionScope, record: SessionRecord, tickers: GrantedOptions) {
  const answer = { expiry: scope.expiry, grantedPermissions: scopeToGrantedPermissions(scope, tickers), permissionsContext: contextOf(record), signerData: { submitToAddress: record.account } };
  return holderOf(record).kind === 'dapp' && record.delegationManager
    ? { ...answer, signerData: { submitToAddress: record.delegationManager }, signerMeta: { delegationManager: record.delegationManager } }
    : answer;
}

const anyParams = z.unknown();
const hexContext = () => z.string().check(z.regex(/^0x([0-9a-fA-F]{2}){32,}$/, 'expected the permissionContext a grant returned (hex)'));

export const wallet_grantPermissions = defineMethod({
  method: 'wallet_grantPermissions',
  params: anyParams,
  handler: (params, ctx) => grant('wallet_grantPermissions', params, ctx),
});

export const wallet_requestExecutionPermissions = defineMethod({
  method: 'wallet_requestExecutionPermissions',
  params: anyParams,
  handler: (params, ctx) => grant('wallet_requestExecutionPermissions', params, ctx),
});

/**
 * Two shapes share this name: EIP-2255's `[{ eth_accounts: {} }]` disconnects the site, and the
 * session form `[{ permissionsContext }]` revokes that session (its key is deleted, the delegation
 * disabled on chain). A site can revoke only its own sessions.
 */
export const wallet_revokePermissions = defineMethod({
  method: 'wallet_revokePermissions',
  params: () => z.tuple([z.union([z.looseObject({ permissionsContext: z.string().check(z.regex(/^0x[0-9a-fA-F]{64}$/, 'expected a session permissions context')) }), z.looseObject({ eth_accounts: z.looseObject({}) })])]),
  handler: async ([p], ctx) => {
    if ('permissionsContext' in p && typeof p.permissionsContext === 'string') {
      await requireConnection(ctx);
      const session = await ctx.services.sessions.get(p.permissionsContext);
      if (!session || session.origin !== ctx.origin) throw new InvalidParamsError('No session of this site has that permissions context.');
      await ctx.services.sessions.revoke(ctx.chain, session.id);
      return null;
    }
    if ('eth_accounts' in p) return disconnectSite(ctx);
    throw new UnsupportedMethodError();
  },
});

/**
 * This site's live grants on the current chain, in the current dialect (the same shape as
 * wallet_requestExecutionPermissions' answer). Another site's grants are never listed.
 */
export const wallet_getGrantedExecutionPermissions = defineMethod({
  method: 'wallet_getGrantedExecutionPermissions',
  params: () => z.optional(z.array(z.unknown())),
  handler: async (_p, ctx) => {
    await requireConnection(ctx);
    const now = await chainNow(ctx.chain);
    const mine = (await ctx.services.sessions.all()).filter((s) => s.origin === ctx.origin && s.chainId === ctx.chain.id && s.status === 'active' && s.scope.expiry > now);
    // A session granted under rules this version refuses covers nothing: it is not offered as live.
    return mine.flatMap((s) => {
      try {
        return executionPermissionsOf(s, ctx);
      } catch {
        return [];
      }
    });
  },
});

/**
 * What the current network's backend enforces, by the current dialect's type names: each type the
 * backend lists in `executionPermissions` (and this wallet maps), on this chain, with the rule
 * types that backend enforces for it. No account is read, so a site need not be connected to ask.
 */
export const wallet_getSupportedExecutionPermissions = defineMethod({
  method: 'wallet_getSupportedExecutionPermissions',
  params: () => z.optional(z.tuple([])),
  handler: async (_p, ctx) => {
    const backend = await ctx.services.backends.for(ctx.chain, { lazy: true });
    const out: Record<string, { chainIds: string[]; ruleTypes: string[] }> = {};
    for (const [type, ruleTypes] of Object.entries(backend.executionPermissions)) {
      // A name the wallet's table has but cannot map yet is not offered, whatever the backend says.
      if (Object.hasOwn(EXECUTION_PERMISSION_TYPES, type) && EXECUTION_PERMISSION_TYPES[type] === null) continue;
      out[type] = { chainIds: [numberToHex(ctx.chain.id)], ruleTypes: ruleTypes.filter((r) => (SUPPORTED_RULE_TYPES as readonly string[]).includes(r)) };
    }
    return out;
  },
});

/**
 * Revokes one of this site's grants by the context it was given: disableDelegation on chain, sent
 * by the owner's account (the owner pays the gas), the wallet-held key deleted and its stipend
 * returned. No approval window: revoking only takes away what the site itself was given, and only
 * the site's own grants can be named; it needs the wallet unlocked (4100 otherwise), since the
 * owner key sends the transaction.
 */
export const wallet_revokeExecutionPermission = defineMethod({
  method: 'wallet_revokeExecutionPermission',
  params: () => z.union([z.tuple([z.looseObject({ permissionContext: hexContext() })]), z.looseObject({ permissionContext: hexContext() })]),
  handler: async (params, ctx) => {
    await requireConnection(ctx);
    const { permissionContext } = Array.isArray(params) ? params[0] : params;
    const session = await ctx.services.sessions.byContext(ctx.origin, permissionContext);
    if (!session) throw new InvalidParamsError('No grant of this site has that permissionContext.');
    if (session.status !== 'active') throw new InvalidParamsError(`That grant is already ${session.status}.`);
    await ctx.services.vault.ownerAccount(); // 4100 while locked: nothing is ended half-way
    const backend = await ctx.services.backends.forSession(ctx.chain, session);
    const ended = await ctx.services.sessions.revoke(ctx.chain, session.id);
    // Where the grant lives on chain, the answer is the disabling transaction, or an error that says
    // it did not go through (a dApp-held grant stays redeemable until it does).
    if (backend.endsOnChain && (!ended.revokeTx || ended.note?.includes('Disabling'))) {
      throw new TransactionRejectedError(`This wallet will not use the grant any more, but disabling it on chain did not go through${ended.note ? ` (${ended.note})` : ''}; the owner can revoke it again from the wallet's Sessions list.`);
    }
    return ended.revokeTx ? { revokeTx: ended.revokeTx } : { revokeTx: null, ...(ended.note ? { note: ended.note } : {}) };
  },
});
