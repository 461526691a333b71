// Calling the wallet from a page, for tests and benchmarks alike.
import type { Page } from '@playwright/test';

export type PageAnswer<T = unknown> = { result: T; error?: undefined } | { result?: undefined; error: { code?: number; message?: string } };

/** window.ethereum.request from the page; { result } or { error: { code, message } }, never a throw. */
export function providerRequest<T = unknown>(page: Page, method: string, params?: unknown): Promise<PageAnswer<T>> {
  return page.evaluate(
    async ([m, p]) => {
      try {
        const eth = (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum;
        return { result: await eth.request(p === undefined ? { method: m } : { method: m, params: p }) };
      } catch (e) {
        const err = e as { code?: number; message?: string };
        return { error: { code: err.code, message: err.message } };
      }
    },
    [method, params] as const,
  ) as Promise<PageAnswer<T>>;
}
