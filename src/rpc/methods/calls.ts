// Sending: EIP-5792 wallet_sendCalls / getCallsStatus / showCallsStatus / getCapabilities, and
// eth_sendTransaction as a one-call bundle. A session of this origin and chain that covers every
// call signs at once, with no popup; anything else goes to the owner in the approval window.
import { getAddress, hexToBigInt, hexToNumber, numberToHex, type Address, type Hex } from 'viem';
import { browser } from 'wxt/browser';
import { Bundles, isDeployment, publicBundleId, type BundleCall, type CallBundle } from '../../calls/bundles';
import { showInStatusWindow } from '../../calls/status-window';
import { accountControlCall } from '../../calls/self-calls';
import {
  AtomicityNotSupportedError,
  BundleTooLargeError,
  DuplicateBundleIdError,
  InvalidParamsError,
  TransactionRejectedError,
  UnauthorizedError,
  UnknownBundleIdError,
  UnsupportedCapabilityError,
  UnsupportedChainIdError,
  UnsupportedMethodError,
} from '../../errors';
import { requireConnection, requireSameAccount } from '../guards';
import type { ApprovalRequest } from '../../approvals/types';
import { simulateBundle, type SimulatedTx, type SimulationResult } from '../../simulation/simulate';
import { defineMethod, type RequestContext } from '../method';
import { address, chainIdParam, hexString, quantity, z } from '../schema';

export const MAX_CALLS_PER_BUNDLE = 20;
/** EIP-3860's limit on creation code (2 x the 24,576-byte code limit): a larger deployment cannot succeed. */
export const MAX_INITCODE_BYTES = 49_152;
/** Why no session sends a deployment: no permission kind covers creating code from the account. */
export const DEPLOY_NEEDS_OWNER = 'Deploying a contract always needs your approval: no session can do it.';
/** Capabilities the wallet understands; any other one marked non-optional is refused with 5700. */
const KNOWN_CAPABILITIES = new Set(['permissions', 'atomic']);

const capabilities = () => z.optional(z.record(z.string(), z.unknown()));
// No `to` (or null, as some clients send it): a contract deployment, its creation code in `data`.
const callSchema = () => z.object({ to: z.optional(z.nullable(address)), data: z.optional(hexString), value: z.optional(quantity), capabilities: capabilities() });

const sendCallsParams = () => z.tuple([
  z.object({
    version: z.optional(z.string()),
    id: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
    from: z.optional(address),
    chainId: chainIdParam,
    atomicRequired: z.optional(z.boolean()),
    calls: z.array(callSchema()),
    capabilities: capabilities(),
  }),
]);

function checkCapabilities(caps: Record<string, unknown> | undefined): { permissionsContext?: Hex } {
  const out: { permissionsContext?: Hex } = {};
  for (const [name, value] of Object.entries(caps ?? {})) {
    const optional = typeof value === 'object' && value !== null && (value as { optional?: unknown }).optional === true;
    if (!KNOWN_CAPABILITIES.has(name)) {
      if (optional) continue;
      throw new UnsupportedCapabilityError(`The wallet does not support the ${name} capability.`);
    }
    if (name === 'permissions') {
      const context = (value as { context?: unknown } | null)?.context;
      if (context !== undefined && (typeof context !== 'string' || !/^0x[0-9a-fA-F]*$/.test(context))) {
        throw new InvalidParamsError('capabilities.permissions.context must be a hex string.');
      }
      if (context) out.permissionsContext = context as Hex;
    }
  }
  return out;
}

export interface SendRequest {
  calls: BundleCall[];
  atomicRequired: boolean;
  permissionsContext?: Hex;
  /** A dApp-chosen bundle id (EIP-5792 allows it); else the wallet makes one. */
  id?: string;
}

/** Routes a send to a covering session, or to the owner after approval. Returns the bundle. */
export async function routeSend(ctx: RequestContext, request: SendRequest): Promise<CallBundle> {
  const connection = await requireConnection(ctx);
  const bundles = ctx.services.bundles;

  // A retried request (worker restart) finds its bundle and finishes it; it is never signed twice.
  const existing = await bundles.byRequest(ctx.origin, ctx.requestId);
  if (existing && existing.state !== 'preparing') return existing;
  if (existing && (existing.signed || existing.rawTransactions.length > 0)) {
    // Signed before the last worker stopped (or before an answer was lost): its scope was checked
    // then, and its spend may already be on chain, so checking again would wrongly refuse it. Send
    // the same signed bytes again; the backend makes sure they run at most once.
    if (existing.signer === 'session') return ctx.services.sessions.resend(ctx, existing);
    const signedBy = await ctx.services.backends.forBundle(ctx.chain, existing, (name) => new UnsupportedChainIdError(`${ctx.chain.name} no longer uses the ${name} backend this request was signed for.`));
    await signedBy.resend(existing, bundles);
    return (await bundles.get(existing.id))!;
  }
  const backend = await ctx.services.backends.for(ctx.chain);

  if (request.calls.length === 0) throw new InvalidParamsError('calls must hold at least one call.');
  if (request.calls.length > MAX_CALLS_PER_BUNDLE) throw new BundleTooLargeError(`At most ${MAX_CALLS_PER_BUNDLE} calls per bundle.`);
  // Duplicates are looked for among this origin's ids only: another site's ids are none of its business.
  if (request.id && !existing && (await bundles.forOrigin(ctx.origin, request.id))) throw new DuplicateBundleIdError();
  refuseAccountControl(request.calls, connection.account);
  const deploys = request.calls.some(isDeployment);
  if (deploys) checkDeployment(request.calls, backend.deploysContracts === true);

  const newId = () => Bundles.newId(ctx.origin, ctx.requestId);
  const dappId = request.id !== undefined ? { dappId: request.id } : {};
  if (existing?.signer === 'session') return ctx.services.sessions.resume(ctx, existing);
  // A deployment never reaches the sessions: it goes to the owner whatever the site holds.
  const viaSession = deploys
    ? { reason: DEPLOY_NEEDS_OWNER }
    : await ctx.services.sessions.trySend(ctx, connection.account, request.calls, request.permissionsContext, (sessionId, signed) =>
        bundles.create({ id: newId(), ...dappId, requestId: ctx.requestId, origin: ctx.origin, chainId: ctx.chain.id, account: connection.account, signer: 'session', sessionId, calls: request.calls, atomic: true }, signed),
      );
  if ('sent' in viaSession) return viaSession.sent;

  // The owner's path: approval, then the owner key signs.
  const atomic = await backend.ownerAtomic(connection.account, request.calls.length);
  if (request.atomicRequired && !atomic) {
    throw new AtomicityNotSupportedError('Upgrade the account (EIP-7702) in the wallet to send these calls atomically.');
  }
  const approval: Extract<ApprovalRequest, { kind: 'sendCalls' }> = {
    kind: 'sendCalls',
    origin: ctx.origin,
    chainId: ctx.chain.id,
    calls: request.calls,
    atomic,
    whyNoSession: viaSession.reason,
    account: connection.account,
    chainName: ctx.chain.name,
    simulation: { ok: 'pending' },
  };
  // The window opens at once and shows "Simulating…"; the result is written into the queued request
  // (the window polls the queue every second), and simulateBundle always settles (time-out included).
  void simulateBundle(ctx.chain, connection.account, toSimulatedTxs(request.calls), {
    ...(!deploys && backend.ownerTransactions ? { asSent: backend.ownerTransactions(connection.account, request.calls, atomic) } : {}),
  }).then((result) => {
    approval.simulation = result;
  });
  await ctx.services.approvals.ask(approval);
  const owner = await ctx.services.vault.ownerAccount();
  requireSameAccount(connection, owner.address, 'The wallet account');
  // What the owner saw when approving, kept for Activity (still simulating: said so).
  const simulation: SimulationResult =
    approval.simulation?.ok === 'pending' || !approval.simulation ? { ok: 'unknown', reason: 'The simulation had not finished when you approved.' } : approval.simulation;
  const bundle =
    existing ??
    (await bundles.create({ id: newId(), ...dappId, requestId: ctx.requestId, origin: ctx.origin, chainId: ctx.chain.id, account: owner.address, signer: 'owner', calls: request.calls, atomic, simulation }));
  await backend.sendAsOwner(owner, bundle, bundles);
  return (await bundles.get(bundle.id))!;
}

/**
 * A dApp may not make the owner's account run its own account-control functions (execute, redeem,
 * enable/disable a delegation, ...): they would hide inner calls and their value from the owner
 * (see calls/self-calls.ts). Checked before any session or approval window sees the calls.
 */
function refuseAccountControl(calls: readonly BundleCall[], account: Address): void {
  for (const [i, call] of calls.entries()) {
    const fn = accountControlCall(call, account);
    if (!fn) continue;
    const which = calls.length > 1 ? `call ${i + 1} ` : '';
    throw new UnauthorizedError(
      `The wallet refused this request: ${which}asks your own account to run ${fn}, an account-control function that can move your funds without showing them. Sites may not call it; send the calls themselves instead.`,
    );
  }
}

/**
 * A deployment is sent alone (the smart account's batch, ERC-7579 execute, cannot create a
 * contract), carries creation code within EIP-3860's limit, and needs a backend that can send it.
 */
function checkDeployment(calls: readonly BundleCall[], backendDeploys: boolean): void {
  if (calls.length > 1) throw new InvalidParamsError('A contract deployment (a call with no "to") must be sent alone: send it in its own request, then the other calls.');
  const [call] = calls;
  const bytes = (call!.data.length - 2) / 2;
  if (bytes === 0) throw new InvalidParamsError('A contract deployment (no "to") needs the contract\'s creation code in "data".');
  if (!Number.isInteger(bytes)) throw new InvalidParamsError('The creation code must be whole bytes of hex.');
  if (bytes > MAX_INITCODE_BYTES) throw new InvalidParamsError(`The creation code is ${bytes} bytes; a deployment can carry at most ${MAX_INITCODE_BYTES} (EIP-3860).`);
  if (!backendDeploys) throw new UnsupportedMethodError("This network's account backend cannot deploy contracts. Choose the Delegation Framework backend in Settings to deploy from your account.");
}

const toSimulatedTxs = (calls: readonly BundleCall[]): SimulatedTx[] => calls.map((c) => ({ ...(c.to ? { to: c.to } : {}), value: BigInt(c.value), data: c.data }));

function toBundleCalls(calls: { to?: string | null | undefined; data?: string | undefined; value?: string | undefined }[]): BundleCall[] {
  return calls.map((c) => ({
    ...(c.to ? { to: getAddress(c.to) as Address } : {}),
    data: (c.data ?? '0x') as Hex,
    value: hexToBigInt((c.value ?? '0x0') as Hex).toString(),
  }));
}

export const wallet_sendCalls = defineMethod({
  method: 'wallet_sendCalls',
  params: sendCallsParams,
  handler: async ([p], ctx) => {
    if (hexToNumber(p.chainId as Hex) !== ctx.chain.id) {
      throw new UnsupportedChainIdError(`The wallet is on chain ${ctx.chain.id}; switch it before sending calls for chain ${hexToNumber(p.chainId as Hex)}.`);
    }
    const connection = await requireConnection(ctx);
    requireSameAccount(connection, p.from, 'from');
    const { permissionsContext } = checkCapabilities(p.capabilities);
    for (const call of p.calls) checkCapabilities(call.capabilities);
    const bundle = await routeSend(ctx, {
      calls: toBundleCalls(p.calls),
      atomicRequired: p.atomicRequired ?? false,
      ...(permissionsContext ? { permissionsContext } : {}),
      ...(p.id ? { id: p.id } : {}),
    });
    return { id: publicBundleId(bundle) };
  },
});

export const eth_sendTransaction = defineMethod({
  method: 'eth_sendTransaction',
  // No `to` (or null): a contract deployment, sent by the owner after approval (never a session).
  params: () => z.tuple([z.looseObject({ from: z.optional(address), to: z.optional(z.nullable(address)), data: z.optional(hexString), value: z.optional(quantity), chainId: z.optional(chainIdParam) })]),
  handler: async ([tx], ctx) => {
    if (tx.chainId !== undefined && hexToNumber(tx.chainId as Hex) !== ctx.chain.id) throw new UnsupportedChainIdError();
    const connection = await requireConnection(ctx);
    requireSameAccount(connection, tx.from, 'from');
    const bundle = await routeSend(ctx, { calls: toBundleCalls([tx]), atomicRequired: false });
    const backend = await ctx.services.backends.forBundle(ctx.chain, bundle, (name) => new TransactionRejectedError(`${ctx.chain.name} no longer uses the ${name} backend that sent this transaction.`));
    return backend.transactionHash(bundle);
  },
});

export const wallet_getCallsStatus = defineMethod({
  method: 'wallet_getCallsStatus',
  params: () => z.tuple([z.string().check(z.maxLength(256))]),
  handler: async ([id], ctx) => {
    // Another origin's bundle is as unknown as a missing one.
    const bundle = await ctx.services.bundles.forOrigin(ctx.origin, id);
    if (!bundle) throw new UnknownBundleIdError();
    const chain = (await ctx.services.networks.byId(bundle.chainId)) ?? ctx.chain;
    const backend = await ctx.services.backends.forBundle(chain, bundle, (name) => new UnknownBundleIdError(`${chain.name} no longer uses the ${name} backend that sent this bundle.`));
    return backend.status(bundle, ctx.services.bundles);
  },
});

export const wallet_showCallsStatus = defineMethod({
  method: 'wallet_showCallsStatus',
  params: () => z.tuple([z.string().check(z.maxLength(256))]),
  handler: async ([id], ctx) => {
    const bundle = await ctx.services.bundles.forOrigin(ctx.origin, id);
    if (!bundle) throw new UnknownBundleIdError();
    const url = (browser.runtime.getURL as (path: string) => string)(`/popup.html?tab=activity&bundle=${encodeURIComponent(bundle.id)}`);
    await showInStatusWindow(url);
    return null;
  },
});

export const wallet_getCapabilities = defineMethod({
  method: 'wallet_getCapabilities',
  params: () => z.union([z.tuple([]), z.tuple([address]), z.tuple([address, z.array(quantity)])]),
  handler: async (params, ctx) => {
    const connection = await requireConnection(ctx);
    requireSameAccount(connection, params[0], 'The address');
    const chains = await ctx.services.networks.list();
    const wanted = params[1] ? params[1].map((h) => hexToNumber(h as Hex)) : chains.map((c) => c.id);
    const result: Record<Hex, unknown> = {};
    for (const id of wanted) {
      const chain = chains.find((c) => c.id === id);
      if (!chain) continue;
      // Lazy: what a backend supports needs no API key, so this answers even while Alchemy's is sealed.
      const backend = await ctx.services.backends.for(chain, { lazy: true });
      result[numberToHex(id)] = await backend.capabilities(connection.account, { current: id === ctx.chain.id });
    }
    return result;
  },
});
