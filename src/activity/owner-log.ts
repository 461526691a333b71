// What the owner did from the wallet itself (upgrade, undo, grant, revoke, a send from the popup):
// Activity lists these next to the sites' call bundles, so the owner's own transactions are not
// missing from the record. storage.local, newest last, capped so it cannot grow without end.
import { browser } from 'wxt/browser';
import type { Hex } from 'viem';

const KEY = 'activity.owner';
const MAX_ENTRIES = 200;

export type OwnerActionKind = 'upgrade' | 'undo-upgrade' | 'send' | 'grant' | 'revoke' | 'revoke-all';

export interface OwnerAction {
  kind: OwnerActionKind;
  chainId: number;
  /** When it was done (ms). */
  at: number;
  /** In plain words, e.g. "Session for game.example". */
  summary: string;
  hash?: Hex;
}

export async function ownerActions(): Promise<OwnerAction[]> {
  return ((await browser.storage.local.get(KEY))[KEY] as OwnerAction[] | undefined) ?? [];
}

/** Appends one; never fails the action it records (a full or broken store only loses the line). */
export async function recordOwnerAction(action: Omit<OwnerAction, 'at'>, now = Date.now()): Promise<void> {
  try {
    const list = await ownerActions();
    list.push({ ...action, at: now });
    await browser.storage.local.set({ [KEY]: list.slice(-MAX_ENTRIES) });
  } catch (error) {
    console.warn('[wallet] could not record an owner action in Activity', error);
  }
}
