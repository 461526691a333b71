// The owner lowering an amount in the grant window (ERC-7715's `isAdjustmentAllowed`). The window
// only proposes: this is where a proposal is checked, in the background, before anything is signed.
// An amount may only go down, only on an item the dApp marked adjustable, only in the fields that
// bound what the session moves; the lowered permission is read again with the kind's own parser
// (kinds.ts), so it meets every rule a request must meet (a stream's maxAmount stays at least its
// initialAmount; an allowance stays above 0). What is lowered is what the caveats enforce and what
// the answer repeats to the dApp, since both are made from the draft this returns.
import type { Erc7715Draft } from './erc7715';
import { PermissionError } from './errors';
import type { Permission, PermissionType } from './kinds';
import { parsePermission } from './validate';
import { serializePermission } from './serialize';

/** The amount fields of each kind an owner may lower (smallest units). Kinds not listed have none. */
export const LOWERABLE_AMOUNTS: Partial<Record<PermissionType, readonly string[]>> = {
  'native-token-transfer': ['allowance'],
  'erc20-token-transfer': ['allowance'],
  'native-token-periodic': ['periodAmount'],
  'erc20-token-periodic': ['periodAmount'],
  'native-token-stream': ['amountPerSecond', 'initialAmount', 'maxAmount'],
  'erc20-token-stream': ['amountPerSecond', 'initialAmount', 'maxAmount'],
};

/** One lowered amount as the window sends it: the request item, the field, the new value (decimal smallest units). */
export interface AmountLowering {
  index: number;
  field: string;
  value: string;
}

export class AdjustmentError extends PermissionError {
  override name = 'AdjustmentError';
}

/** The fields of `p` that may be lowered. */
export const lowerableFields = (p: Pick<Permission, 'type'>): readonly string[] => LOWERABLE_AMOUNTS[p.type] ?? [];

/** Reads the window's untrusted list of lowerings; anything not of the shape is refused, never skipped. */
export function parseLowerings(raw: unknown): AmountLowering[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.length > 50) throw new AdjustmentError('the lowered amounts are not a list');
  return raw.map((l: unknown) => {
    const o = l as Record<string, unknown> | null;
    if (typeof o !== 'object' || o === null || !Number.isSafeInteger(o.index) || typeof o.field !== 'string' || typeof o.value !== 'string' || !/^\d{1,78}$/.test(o.value)) {
      throw new AdjustmentError(`a lowered amount is not { index, field, value (whole number) }: ${JSON.stringify(l)}`);
    }
    return { index: o.index as number, field: o.field, value: o.value };
  });
}

/**
 * The draft with the owner's lowered amounts. Throws AdjustmentError when a lowering names an item
 * that is not adjustable, a field that is not an amount of its kind, or a value above what was asked.
 */
export function lowerDraft(draft: Erc7715Draft, lowerings: readonly AmountLowering[]): Erc7715Draft {
  if (lowerings.length === 0) return draft;
  const items = draft.items.map((item) => ({ ...item, permissions: [...item.permissions] }));
  for (const l of lowerings) {
    const item = items.find((i) => i.index === l.index);
    if (!item || !item.supported) throw new AdjustmentError(`permission ${l.index + 1} does not exist`);
    if (!item.adjustable) throw new AdjustmentError(`permission ${l.index + 1} (${item.requestedType}) may not be changed: the site did not allow adjustments`);
    const at = item.permissions.findIndex((p) => lowerableFields(p).includes(l.field));
    const p = item.permissions[at];
    if (!p) throw new AdjustmentError(`permission ${l.index + 1} (${item.requestedType}) has no amount "${l.field}" to lower`);
    const asked = amountOf(p, l.field);
    const value = BigInt(l.value);
    if (value > asked) throw new AdjustmentError(`permission ${l.index + 1}: ${l.field} ${value} is more than the site asked for (${asked}); amounts can only be lowered`);
    item.permissions[at] = withAmount(p, l.field, value, l.index);
  }
  return { ...draft, items };
}

/** The amount in `field` of `p` (one of lowerableFields(p)). */
export function amountOf(p: Permission, field: string): bigint {
  const data = serializePermission(p) as { data?: Record<string, unknown> };
  const v = data.data?.[field];
  if (typeof v !== 'string') throw new AdjustmentError(`${p.type} has no amount "${field}"`);
  return BigInt(v);
}

/** `p` with `field` set to `value`, read again by the kind's parser (so every rule of the kind holds). */
export function withAmount(p: Permission, field: string, value: bigint, index = 0): Permission {
  const data = serializePermission(p) as { type: string; data: Record<string, unknown> };
  return parsePermission({ type: data.type, data: { ...data.data, [field]: value.toString() } }, index);
}
