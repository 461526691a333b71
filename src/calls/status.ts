// EIP-5792 wallet_getCallsStatus for a bundle: 100 pending, 200 confirmed, 400 refused before the
// chain, 500 reverted on chain, 600 partly reverted (non-atomic bundles only).
import { numberToHex, type Hex, type TransactionReceipt } from 'viem';
import type { ChainConfig } from '../chains/registry';
import { publicBundleId, type CallBundle } from './bundles';
import { publicClientFor } from '../chains/clients';

export interface CallsStatus {
  version: '2.0.0';
  /** The id the dApp knows the bundle by (publicBundleId). */
  id: string;
  chainId: Hex;
  status: 100 | 200 | 400 | 500 | 600;
  atomic: boolean;
  receipts?: {
    logs: { address: Hex; data: Hex; topics: Hex[] }[];
    status: '0x1' | '0x0';
    blockHash: Hex;
    blockNumber: Hex;
    gasUsed: Hex;
    transactionHash: Hex;
    /** The contract a deployment created (as in the transaction receipt). */
    contractAddress?: Hex;
  }[];
}

export async function bundleStatus(bundle: CallBundle, chain: ChainConfig): Promise<CallsStatus> {
  const base = { version: '2.0.0' as const, id: publicBundleId(bundle), chainId: numberToHex(bundle.chainId), atomic: bundle.atomic };
  if (bundle.state === 'failed') return { ...base, status: 400 };
  if (bundle.txHashes.length === 0) return { ...base, status: 100 };
  const client = publicClientFor(chain);
  const receipts: TransactionReceipt[] = [];
  for (const hash of bundle.txHashes) {
    try {
      receipts.push(await client.getTransactionReceipt({ hash }));
    } catch {
      return { ...base, status: 100 };
    }
  }
  const reverted = receipts.filter((r) => r.status !== 'success').length;
  const status = reverted === 0 ? 200 : reverted === receipts.length ? 500 : 600;
  return {
    ...base,
    status,
    receipts: receipts.map((r) => ({
      logs: r.logs.map((l) => ({ address: l.address, data: l.data, topics: l.topics as Hex[] })),
      status: r.status === 'success' ? '0x1' : '0x0',
      blockHash: r.blockHash,
      blockNumber: numberToHex(r.blockNumber),
      gasUsed: numberToHex(r.gasUsed),
      transactionHash: r.transactionHash,
      ...(r.contractAddress ? { contractAddress: r.contractAddress } : {}),
    })),
  };
}
