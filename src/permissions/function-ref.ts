// A function a permission names: the 4-byte selector, and the signature it came from where known.
// A leaf module (no imports from this folder), so the kind table, the parsers and the trusted
// function table can all use it without an import cycle.
import type { Hex } from 'viem';

export interface FunctionRef {
  selector: Hex;
  /** e.g. "move(uint8)", when the grant named the function by signature. */
  signature?: string;
}
