// Entry of every provider request in the background: identity from `sender`, then the router.
import type { Runtime } from 'webextension-polyfill';
import type { BackgroundRequestMessage, BackgroundResponse } from '../provider/protocol';
import { toRpcErrorPayload } from '../errors';
import type { RequestContext } from '../rpc/method';
import type { Router } from '../rpc/router';
import { originOfSender } from './sender';

export function isBackgroundRequestMessage(value: unknown): value is BackgroundRequestMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as BackgroundRequestMessage).type === 'provider/request' &&
    typeof (value as BackgroundRequestMessage).requestId === 'string' &&
    (value as BackgroundRequestMessage).requestId.length <= 100
  );
}

export interface ProviderHandlerDeps {
  router: Router;
  extensionId: string;
  services: RequestContext['services'];
  /** The wallet's current chain and node client, read fresh per request (the owner may switch). */
  chainContext(): Promise<Pick<RequestContext, 'chain' | 'chainRpc'>>;
  /** Told the verified origin of each request (to route events back to the tab). */
  onOrigin?: (origin: string) => Promise<void>;
}

export async function handleProviderMessage(
  message: BackgroundRequestMessage,
  sender: Runtime.MessageSender,
  deps: ProviderHandlerDeps,
): Promise<BackgroundResponse> {
  try {
    const origin = originOfSender(sender, deps.extensionId);
    await deps.onOrigin?.(origin);
    const context: RequestContext = { origin, requestId: message.requestId, services: deps.services, ...(await deps.chainContext()) };
    const result = await deps.router.handle(message.request, context);
    return { result: result === undefined ? null : result };
  } catch (error) {
    if (!(error instanceof Error) || !('code' in error)) console.error('[wallet] provider request failed', error instanceof Error ? error.stack : error);
    return { error: toRpcErrorPayload(error) };
  }
}
