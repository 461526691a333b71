// The popup's client for the background's wallet API (never the dApp provider).
import { browser } from 'wxt/browser';
import type { PopupRequest, PopupResponse, WalletStatus } from '../background/popup-api';

export class WalletApiError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

async function call<T>(request: PopupRequest): Promise<T> {
  const response = (await browser.runtime.sendMessage(request)) as PopupResponse<T> | undefined;
  if (!response) throw new WalletApiError(-32603, 'The wallet background did not answer.');
  if (!response.ok) throw new WalletApiError(response.error.code, response.error.message);
  return response.value;
}

export const walletApi = {
  status: () => call<WalletStatus>({ type: 'popup/status' }),
};
