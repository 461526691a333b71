// The popup's typed client for the background's wallet API (never the dApp provider).
import { browser } from 'wxt/browser';
import type { WalletApiMessage, WalletApiMethod, WalletApiParams, WalletApiResponse, WalletApiResult } from '../background/wallet-api';

export class WalletApiError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
  }
}

export async function callWallet<M extends WalletApiMethod>(method: M, ...params: undefined extends WalletApiParams<M> ? [params?: WalletApiParams<M>] : [params: WalletApiParams<M>]): Promise<WalletApiResult<M>> {
  const message: WalletApiMessage = { type: 'wallet-api', method, params: params[0] };
  const response = (await browser.runtime.sendMessage(message)) as WalletApiResponse<WalletApiResult<M>> | undefined;
  if (!response) throw new WalletApiError(-32603, 'The wallet background did not answer.');
  if (!response.ok) throw new WalletApiError(response.error.code, response.error.message, response.error.data);
  return response.value;
}
