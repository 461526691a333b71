// The bridge runs in the content script's isolated world: it relays provider requests from the page
// to the background and answers (and events) back to the page.
//
// It accepts only messages whose source is this very window and whose origin is the page's own, and
// posts back with an explicit target origin, so another frame or window cannot talk through it. The
// background does not trust anything here for identity: it takes the origin from `sender`.
import type { Runtime } from 'webextension-polyfill';
import { InternalError, type RpcErrorPayload } from '../errors';
import {
  CHANNEL,
  isBackgroundEventMessage,
  PROVIDER_PORT,
  type PortAnswer,
  type BackgroundRequestMessage,
  type BackgroundResponse,
  type PageEventMessage,
  type PageRequestMessage,
  type PageResponseMessage,
} from './protocol';

export interface BridgePort {
  postMessage(message: BackgroundRequestMessage): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export interface BridgeRuntime {
  sendMessage(message: BackgroundRequestMessage): Promise<unknown>;
  onMessage: Pick<Runtime.Static['onMessage'], 'addListener'>;
  /** runtime.connect: requests then go over one long-lived port (PROVIDER_PORT); without it, one sendMessage each. */
  connect?(connectInfo: { name: string }): BridgePort;
}

/** What a request on a port that closed before its answer gets: the same words as sendMessage's, so it is retried. */
const PORT_CLOSED = 'The message port closed before a response was received.';

// Cached at load: the isolated world has its own prototypes, but reading through the original
// getters keeps the checks immune to anything that patches event objects later.
const dataGetter = Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data')!.get!;
const sourceGetter = Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'source')!.get!;
const originGetter = Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'origin')!.get!;

/** Errors the extension runtime gives while the service worker is (re)starting. */
function isWorkerGone(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /Receiving end does not exist|message (port|channel) closed|before a response was received|Could not establish connection/i.test(text);
}

const RETRY_DELAYS_MS = [50, 200, 500, 1000];

/**
 * Sends requests over one port to the background (PROVIDER_PORT), opened on the first request and
 * again after it closed (the worker stopped, the page went into the back/forward cache). Answers
 * are matched by requestId. A request whose port closes before its answer fails as sendMessage's
 * would (PORT_CLOSED), so relay() asks again with the same requestId.
 */
export function overPort(connect: NonNullable<BridgeRuntime['connect']>): (message: BackgroundRequestMessage) => Promise<unknown> {
  type Waiter = { resolve(value: unknown): void; reject(error: Error): void };
  let channel: { port: BridgePort; waiting: Map<string, Waiter> } | undefined;
  return (message) =>
    new Promise<unknown>((resolve, reject) => {
      if (!channel) {
        const opened = { port: connect({ name: PROVIDER_PORT }), waiting: new Map<string, Waiter>() };
        opened.port.onMessage.addListener((answer: unknown) => {
          const { requestId, response } = (answer ?? {}) as Partial<PortAnswer>;
          const waiter = typeof requestId === 'string' ? opened.waiting.get(requestId) : undefined;
          if (!waiter) return;
          opened.waiting.delete(requestId as string);
          waiter.resolve(response);
        });
        opened.port.onDisconnect.addListener(() => {
          if (channel === opened) channel = undefined;
          for (const waiter of opened.waiting.values()) waiter.reject(new Error(PORT_CLOSED));
          opened.waiting.clear();
        });
        channel = opened;
      }
      const current = channel;
      current.waiting.set(message.requestId, { resolve, reject });
      try {
        current.port.postMessage(message);
      } catch {
        // A port that closed without saying so yet: the retry gets a new one.
        current.waiting.delete(message.requestId);
        if (channel === current) channel = undefined;
        reject(new Error(PORT_CLOSED));
      }
    });
}

export function startBridge(win: Window, runtime: BridgeRuntime, makeRequestId: () => string): void {
  const origin = win.location.origin;
  const post = (message: PageResponseMessage | PageEventMessage) => win.postMessage(message, origin);

  const reply = (id: string, response: BackgroundResponse) =>
    post('error' in response ? { channel: CHANNEL, kind: 'response', id, error: response.error } : { channel: CHANNEL, kind: 'response', id, result: response.result });

  const send = runtime.connect ? overPort(runtime.connect.bind(runtime)) : (message: BackgroundRequestMessage) => runtime.sendMessage(message);

  async function relay(message: BackgroundRequestMessage): Promise<BackgroundResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = (await send(message)) as BackgroundResponse | undefined;
        if (response && ('result' in response || 'error' in response)) return response;
        throw new Error('Receiving end does not exist (empty answer)');
      } catch (error) {
        // The same requestId is sent again: the background answers a request it has already
        // started from its record instead of running it twice.
        const delay = RETRY_DELAYS_MS[attempt];
        if (!isWorkerGone(error) || delay === undefined) {
          const payload: RpcErrorPayload = new InternalError('The wallet did not answer. Reload the page and try again.').toJSON();
          return { error: payload };
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  win.addEventListener('message', (event: MessageEvent) => {
    if (sourceGetter.call(event) !== win || originGetter.call(event) !== origin) return;
    const data = dataGetter.call(event) as Partial<PageRequestMessage> | undefined;
    if (typeof data !== 'object' || data === null || data.channel !== CHANNEL || data.kind !== 'request') return;
    if (typeof data.id !== 'string' || data.id.length > 200) return;
    const id = data.id;
    let request: unknown;
    try {
      // Only plain JSON crosses to the background.
      request = JSON.parse(JSON.stringify(data.request ?? null));
    } catch {
      reply(id, { error: { code: -32700, message: 'The request is not valid JSON.' } });
      return;
    }
    void relay({ type: 'provider/request', requestId: makeRequestId(), request }).then((response) => reply(id, response));
  });

  runtime.onMessage.addListener((message: unknown) => {
    if (!isBackgroundEventMessage(message)) return undefined;
    post({ channel: CHANNEL, kind: 'event', event: message.event, data: message.data });
    return undefined;
  });
}
