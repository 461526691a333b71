// Entry of every provider request in the background: identity from `sender`, then the router.
import type { Runtime } from 'webextension-polyfill';
import type { BackgroundRequestMessage, BackgroundResponse } from '../provider/protocol';
import { toRpcErrorPayload } from '../rpc/errors';
import type { RequestContext } from '../rpc/method';
import type { Router } from '../rpc/router';
import { originOfSender } from './sender';

export function isBackgroundRequestMessage(value: unknown): value is BackgroundRequestMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as BackgroundRequestMessage).type === 'provider/request' &&
    typeof (value as BackgroundRequestMessage).requestId === 'string'
  );
}

export interface ProviderHandlerDeps {
  router: Router;
  extensionId: string;
  /** The wallet's current chain and node client, read fresh per request (the owner may switch). */
  chainContext(): Promise<Omit<RequestContext, 'origin'>>;
}

export async function handleProviderMessage(
  message: BackgroundRequestMessage,
  sender: Runtime.MessageSender,
  deps: ProviderHandlerDeps,
): Promise<BackgroundResponse> {
  try {
    const origin = originOfSender(sender, deps.extensionId);
    const context: RequestContext = { origin, ...(await deps.chainContext()) };
    const result = await deps.router.handle(message.request, context);
    return { result: result === undefined ? null : result };
  } catch (error) {
    if (!(error instanceof Error) || !('code' in error)) console.error('[wallet] provider request failed', error);
    return { error: toRpcErrorPayload(error) };
  }
}
