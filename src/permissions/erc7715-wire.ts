// ERC-7715 shapes as they travel in JSON (viem's `wallet_grantPermissions`). A leaf module, so the
// kind table (kinds.ts) can say how each kind is answered without importing the translator.

/** A policy as it travels in JSON (viem formats allowances as hex). */
export interface Erc7715Policy {
  type: string;
  data: Record<string, unknown>;
}

/** A permission in viem's ERC-7715 shape, JSON-safe. */
export interface Erc7715Permission {
  type: string;
  data: Record<string, unknown>;
  policies: Erc7715Policy[];
  required?: boolean;
}
