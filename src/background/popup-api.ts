// Requests from the wallet's own pages (toolbar popup, approval windows). Only pages served from the
// extension's origin may send them; content scripts never can.
import type { Runtime } from 'webextension-polyfill';
import { toRpcErrorPayload, UnauthorizedError, type RpcErrorPayload } from '../rpc/errors';

export interface WalletStatus {
  chain: { id: number; name: string; rpcUrl: string; kind: string };
  node: { reachable: true; blockNumber: number; clientVersion: string } | { reachable: false; message: string };
  framework: { delegationManager: string; deployed: boolean } | null;
}

export type PopupRequest = { type: 'popup/status' };

export type PopupResponse<T = unknown> = { ok: true; value: T } | { ok: false; error: RpcErrorPayload };

export function isPopupRequest(value: unknown): value is PopupRequest {
  return typeof value === 'object' && value !== null && typeof (value as PopupRequest).type === 'string' && (value as PopupRequest).type.startsWith('popup/');
}

/** True when the message comes from a page of this extension (popup, approval window, options). */
export function isFromExtensionPage(sender: Runtime.MessageSender, extensionOrigin: string): boolean {
  if (!sender.url) return false;
  try {
    return new URL(sender.url).origin === new URL(extensionOrigin).origin;
  } catch {
    return false;
  }
}

export async function handlePopupMessage(
  message: PopupRequest,
  sender: Runtime.MessageSender,
  extensionOrigin: string,
  handlers: { status(): Promise<WalletStatus> },
): Promise<PopupResponse> {
  try {
    if (!isFromExtensionPage(sender, extensionOrigin)) throw new UnauthorizedError('Only wallet pages may call the wallet API.');
    switch (message.type) {
      case 'popup/status':
        return { ok: true, value: await handlers.status() };
      default:
        throw new UnauthorizedError('Unknown wallet API call.');
    }
  } catch (error) {
    return { ok: false, error: toRpcErrorPayload(error) };
  }
}
