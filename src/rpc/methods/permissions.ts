// ERC-7715: a dApp asks for a session (wallet_grantPermissions, or its new name
// wallet_requestExecutionPermissions). The owner sees it in the approval window, may leave out the
// optional parts and shorten the expiry, and the wallet grants it to a key it creates. The answer's
// permissionsContext names the session in later wallet_sendCalls.
import { numberToHex } from 'viem';
import { chainNow } from '../../chains/clock';
import { devnetContracts } from '../../chains/deployments';
import { DEVNET_CHAIN_ID } from '../../chains/registry';
import { draftToScope, grantScopeView, needsTokenWarning, scopeToGrantedPermissions, translateErc7715Request, type Erc7715Method } from '../../permissions/erc7715';
import { DEFAULT_MAX_SESSION_SECONDS } from '../../permissions/validate';
import { asInvalidParams, InvalidParamsError, UnsupportedMethodError, UserRejectedError } from '../../errors';
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
}

async function grant(method: Erc7715Method, params: unknown, ctx: RequestContext) {
  const connection = await requireConnection(ctx);
  const draft = asInvalidParams(() => translateErc7715Request(method, params, { account: connection.account, chainId: ctx.chain.id }));
  const now = await chainNow(ctx.chain);
  const scopeContext = { account: connection.account, chainId: ctx.chain.id, now, maxSessionSeconds: DEFAULT_MAX_SESSION_SECONDS };
  // Validate before bothering the owner: a request that cannot be granted is -32602 at once.
  const requested = asInvalidParams(() => draftToScope(draft, scopeContext));
  await ctx.services.sessions.assertGrantable(ctx.chain, requested);
  const onAlchemy = (await ctx.services.backends.setting(ctx.chain.id)).kind === 'alchemy';
  const decision = await ctx.services.approvals.ask({
    kind: 'grantPermissions',
    origin: ctx.origin,
    chainId: ctx.chain.id,
    scope: grantScopeView(draft, requested),
    optional: draft.items.filter((i) => !i.required).map((i) => String(i.index)),
    ...(onAlchemy ? { backend: 'alchemy' as const } : {}),
  });
  const edits = (decision.edits ?? {}) as GrantEdits;
  const expiry = typeof edits.expiry === 'number' && edits.expiry < requested.expiry ? edits.expiry : requested.expiry;
  const nowAfterApproval = await chainNow(ctx.chain);
  const scope = asInvalidParams(() => draftToScope({ ...draft, expiry }, { ...scopeContext, now: nowAfterApproval }, { omit: Array.isArray(edits.omit) ? edits.omit : [] }));
  // Token-moving functions on every contract need the owner's explicit tick under the red warning.
  if (needsTokenWarning(scope) && edits.confirmTokenMovingEverywhere !== true) {
    throw new UserRejectedError('The owner did not confirm that this site may move or approve away tokens on every contract; nothing was granted.');
  }
  const record = await ctx.services.sessions.grant(ctx.chain, ctx.origin, scope);
  const tokenTickers = ctx.chain.id === DEVNET_CHAIN_ID ? { [devnetContracts.DemoToken]: 'DEMO' } : {};
  const grantedPermissions = scopeToGrantedPermissions(scope, { nativeTicker: ctx.chain.nativeCurrency.symbol, tokenTickers });
  if (method === 'wallet_requestExecutionPermissions') {
    return grantedPermissions.map((permission) => ({
      chainId: numberToHex(ctx.chain.id),
      address: connection.account,
      signer: { type: 'wallet', data: {} },
      permission,
      rules: [{ type: 'expiry', data: { timestamp: scope.expiry } }],
      context: record.id,
    }));
  }
  return { expiry: scope.expiry, grantedPermissions, permissionsContext: record.id, signerData: { submitToAddress: connection.account } };
}

const anyParams = z.unknown();

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
  params: z.tuple([z.union([z.looseObject({ permissionsContext: z.string().check(z.regex(/^0x[0-9a-fA-F]{64}$/, 'expected a session permissions context')) }), z.looseObject({ eth_accounts: z.looseObject({}) })])]),
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

/** This site's sessions, active ones first (viem has no action for it; wallets commonly expose it). */
export const wallet_getGrantedExecutionPermissions = defineMethod({
  method: 'wallet_getGrantedExecutionPermissions',
  params: z.optional(z.array(z.unknown())),
  handler: async (_p, ctx) => {
    await requireConnection(ctx);
    const mine = (await ctx.services.sessions.all()).filter((s) => s.origin === ctx.origin && s.chainId === ctx.chain.id && s.status === 'active');
    return mine.map((s) => ({ context: s.id, expiry: s.scope.expiry, permissions: s.scope.permissions }));
  },
});
