// Which origins the owner connected (EIP-1193 eth_requestAccounts), origin -> connection.
import { browser } from 'wxt/browser';
import type { Address } from 'viem';

const KEY = 'connections';

export interface Connection {
  origin: string;
  account: Address;
  connectedAt: number;
}

export class Connections {
  /**
   * Read on every dApp request (issue 15: twice per send before): kept in memory as this worker last
   * read or wrote it, and dropped whenever the stored key changes, from this worker or any other
   * extension page (the popup's disconnect), so the next request reads storage again.
   */
  private cached: Promise<Record<string, Connection>> | undefined;

  constructor() {
    browser.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && KEY in changes) this.cached = undefined;
    });
  }

  async all(): Promise<Record<string, Connection>> {
    const read = (this.cached ??= browser.storage.local.get(KEY).then((got) => (got[KEY] as Record<string, Connection> | undefined) ?? {}));
    read.catch(() => (this.cached = undefined)); // a failed read is tried again by the next request
    // A copy: callers change it before writing it back.
    return { ...(await read) };
  }

  async get(origin: string): Promise<Connection | undefined> {
    return (await this.all())[origin];
  }

  async connect(origin: string, account: Address): Promise<Connection> {
    const all = await this.all();
    const connection = { origin, account, connectedAt: Date.now() };
    await this.write({ ...all, [origin]: connection });
    return connection;
  }

  async disconnect(origin: string): Promise<void> {
    const all = await this.all();
    delete all[origin];
    await this.write(all);
  }

  /** Forgets every site (Remove wallet). Returns the origins that were connected, to tell them. */
  async clear(): Promise<string[]> {
    const origins = Object.keys(await this.all());
    this.cached = undefined;
    await browser.storage.local.remove(KEY);
    this.cached = undefined;
    return origins;
  }

  private async write(all: Record<string, Connection>): Promise<void> {
    this.cached = undefined;
    await browser.storage.local.set({ [KEY]: all });
    this.cached = undefined;
  }
}
