// Who is asking: the origin of a provider request, from the browser's own `sender` record.
import type { Runtime } from 'webextension-polyfill';
import { UnauthorizedError } from '../errors';

/**
 * The web origin of the page that sent a content-script message. `sender.origin` (Chromium) or
 * `sender.url` (Firefox) are filled in by the browser, so a page cannot forge them; anything the
 * message itself says about its origin is ignored. Only http(s) pages in a tab qualify.
 */
export function originOfSender(sender: Runtime.MessageSender, extensionId: string): string {
  if (sender.id !== extensionId || !sender.tab) {
    throw new UnauthorizedError('Provider requests are accepted only from the wallet content script in a page.');
  }
  const raw = (sender as { origin?: string }).origin ?? sender.url;
  let origin: string;
  try {
    origin = new URL(raw ?? '').origin;
  } catch {
    throw new UnauthorizedError('The requesting page has no origin.');
  }
  if (!/^https?:\/\//.test(origin)) throw new UnauthorizedError('Only http and https pages can use the wallet.');
  return origin;
}
