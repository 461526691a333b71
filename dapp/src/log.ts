// The log panel: every provider request, its result or error (with the numeric code), and provider
// events, newest first. Entries are also kept in a JSON-safe array that tests can read.
import type { EIP1193Provider } from './discovery';
import { clockTime, errorInfo, toJson } from './format';

export type LogKind = 'request' | 'result' | 'error' | 'event' | 'info';

export interface LogEntry {
  seq: number;
  /** Pairs a request with its result or error. */
  requestId?: number;
  time: string;
  kind: LogKind;
  /** RPC method, event name or a short label. */
  label: string;
  detail?: string;
  code?: number;
}

const MAX_ENTRIES = 300;
const MAX_DETAIL = 2000;

export class Log {
  readonly entries: LogEntry[] = [];
  private seq = 0;
  private nextRequestId = 1;

  constructor(private readonly list: HTMLElement) {}

  add(entry: Omit<LogEntry, 'seq' | 'time'>): LogEntry {
    const full: LogEntry = { seq: ++this.seq, time: clockTime(), ...entry };
    if (full.detail && full.detail.length > MAX_DETAIL) full.detail = `${full.detail.slice(0, MAX_DETAIL)}…`;
    this.entries.unshift(full);
    if (this.entries.length > MAX_ENTRIES) this.entries.length = MAX_ENTRIES;
    this.list.prepend(renderEntry(full));
    while (this.list.children.length > MAX_ENTRIES) this.list.lastElementChild?.remove();
    this.list.closest('[data-empty]')?.removeAttribute('data-empty');
    return full;
  }

  info(label: string, detail?: string) {
    this.add({ kind: 'info', label, ...(detail !== undefined ? { detail } : {}) });
  }

  event(name: string, payload: unknown) {
    this.add({ kind: 'event', label: name, detail: toJson(payload) });
  }

  error(label: string, err: unknown) {
    const info = errorInfo(err);
    this.add({ kind: 'error', label, detail: info.message, ...(info.code !== undefined ? { code: info.code } : {}) });
  }

  clear() {
    this.entries.length = 0;
    this.list.replaceChildren();
    this.list.closest('.log-card')?.setAttribute('data-empty', '');
  }

  /**
   * Wraps an EIP-1193 provider so every request viem makes through it is logged. Events pass
   * straight through to the real provider.
   */
  wrap(provider: EIP1193Provider): EIP1193Provider {
    return {
      request: async (args) => {
        const requestId = this.nextRequestId++;
        this.add({
          kind: 'request',
          requestId,
          label: args.method,
          ...(args.params !== undefined ? { detail: toJson(args.params) } : {}),
        });
        try {
          const result = await provider.request(args);
          this.add({ kind: 'result', requestId, label: args.method, detail: toJson(result ?? null) });
          return result;
        } catch (err) {
          const info = errorInfo(err);
          this.add({
            kind: 'error',
            requestId,
            label: args.method,
            detail: info.message,
            ...(info.code !== undefined ? { code: info.code } : {}),
          });
          throw err;
        }
      },
      on: (event, listener) => provider.on?.(event, listener),
      removeListener: (event, listener) => provider.removeListener?.(event, listener),
    };
  }
}

const ARROWS: Record<LogKind, string> = { request: '→', result: '←', error: '✕', event: '◆', info: '•' };

function renderEntry(e: LogEntry): HTMLLIElement {
  const li = document.createElement('li');
  li.className = `log-entry log-${e.kind}`;
  li.dataset.kind = e.kind;
  if (e.code !== undefined) li.dataset.code = String(e.code);

  const head = document.createElement('div');
  head.className = 'log-head';
  const icon = span('log-icon', ARROWS[e.kind]);
  icon.setAttribute('aria-hidden', 'true');
  head.append(icon, span('log-label', e.label));
  if (e.requestId !== undefined) head.append(span('log-id', `#${e.requestId}`));
  if (e.code !== undefined) head.append(span('log-code', `code ${e.code}`));
  head.append(span('log-time', e.time));
  li.append(head);

  if (e.detail) {
    const pre = document.createElement('pre');
    pre.className = 'log-detail';
    pre.textContent = e.detail;
    li.append(pre);
  }
  return li;
}

function span(className: string, text: string) {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  return s;
}
