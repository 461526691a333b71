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
  async all(): Promise<Record<string, Connection>> {
    return ((await browser.storage.local.get(KEY))[KEY] as Record<string, Connection> | undefined) ?? {};
  }

  async get(origin: string): Promise<Connection | undefined> {
    return (await this.all())[origin];
  }

  async connect(origin: string, account: Address): Promise<Connection> {
    const all = await this.all();
    const connection = { origin, account, connectedAt: Date.now() };
    await browser.storage.local.set({ [KEY]: { ...all, [origin]: connection } });
    return connection;
  }

  async disconnect(origin: string): Promise<void> {
    const all = await this.all();
    delete all[origin];
    await browser.storage.local.set({ [KEY]: all });
  }

  /** Forgets every site (Remove wallet). Returns the origins that were connected, to tell them. */
  async clear(): Promise<string[]> {
    const origins = Object.keys(await this.all());
    await browser.storage.local.remove(KEY);
    return origins;
  }
}
