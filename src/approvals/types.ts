// What a dApp asks the owner to approve, in a form the approval window can show in plain words.
// Amounts are decimal strings (JSON-safe).
import type { Address, Hex } from 'viem';
import type { WatchedToken } from '../tokens/watched';
import type { NetworkWarning } from '../chains/warnings';
import type { SimulationResult } from '../simulation/simulate';

export type SimulationState = { ok: 'pending' } | SimulationResult;

export interface CallView {
  /** Absent: the call deploys a contract (data is its creation code). */
  to?: Address;
  value: string;
  data: Hex;
}

export type ApprovalRequest =
  | { kind: 'connect'; origin: string }
  | { kind: 'switchChain'; origin: string; chainId: number; chainName: string }
  | { kind: 'addChain'; origin: string; chain: { id: number; name: string; rpcUrl: string; symbol: string; blockExplorerUrl?: string }; warnings?: NetworkWarning[] }
  | {
      kind: 'sendCalls';
      origin: string;
      chainId: number;
      calls: CallView[];
      atomic: boolean;
      whyNoSession: string;
      /** The sending account and the network's name, shown with the simulated result. */
      account?: Address;
      chainName?: string;
      /** The simulated result; `pending` until the background's simulation lands (the window polls). */
      simulation?: SimulationState;
    }
  | { kind: 'signMessage'; origin: string; message: Hex }
  | {
      kind: 'signTypedData';
      origin: string;
      typedData: string;
      /** Token contracts the typed data names, as they answered on chain (absent: none answered). */
      tokens?: Record<Address, { name: string; symbol: string; decimals: number }>;
    }
  | { kind: 'watchAsset'; origin: string; chainId: number; account: Address; token: WatchedToken }
  | { kind: 'grantPermissions'; origin: string; chainId: number; scope: unknown; optional: string[]; backend?: 'alchemy' };

export interface PendingApproval {
  id: string;
  createdAt: number;
  request: ApprovalRequest;
}

/** The owner's answer. `edits` carries what the owner narrowed (a grant's permissions and expiry). */
export type ApprovalDecision = { approved: false } | { approved: true; edits?: unknown };
