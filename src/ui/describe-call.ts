// Calls in plain words: which contract (by name when the wallet knows it), which function with which
// arguments, and how much ETH.
import { decodeFunctionData, formatEther, isAddressEqual, parseAbiItem, type Abi, type Address, type Hex } from 'viem';
import { DemoGameAbi as demoGameAbi, DemoTokenAbi as demoTokenAbi } from '../../devnet/contracts/abis';
import { devnetContracts } from '../chains/deployments';
import { isUnlimited } from '../approvals/danger';
import { DEVNET_CHAIN_ID } from '../chains/registry';
import { knownFunction, type FunctionCategory } from '../permissions/known-functions';
import type { TokenInfo } from '../permissions/kinds';
import { shortAddress } from './format';

interface Known {
  name: string;
  abi: Abi;
}

function known(chainId: number, to: Address): Known | undefined {
  if (chainId !== DEVNET_CHAIN_ID) return undefined;
  if (isAddressEqual(to, devnetContracts.DemoGame)) return { name: 'DemoGame', abi: demoGameAbi as Abi };
  if (isAddressEqual(to, devnetContracts.DemoToken)) return { name: 'DemoToken (DEMO)', abi: demoTokenAbi as Abi };
  return undefined;
}

/** A contract's name when the wallet knows it (its own devnet contracts). */
export const knownContractName = (chainId: number, address: Address): string | undefined => known(chainId, address)?.name;

/** A token's name, symbol and decimals, from the wallet's own table (the devnet DemoToken has 18). */
export function knownToken(chainId: number, address: Address): TokenInfo | undefined {
  if (chainId === DEVNET_CHAIN_ID && isAddressEqual(address, devnetContracts.DemoToken)) return { name: 'DemoToken', symbol: 'DEMO', decimals: 18 };
  return undefined;
}

const erc20Abi = demoTokenAbi as Abi;

export interface CallDescription {
  target: string;
  /** null: the call deploys a new contract (it has no target yet). */
  targetAddress: Address | null;
  action: string;
  /** The call's 4-byte selector, always shown beside the name (null for a plain transfer). */
  selector: Hex | null;
  /** From the wallet's trusted table: token-moving and account-control calls are shown in red. */
  category: FunctionCategory | 'unknown' | null;
  value: string | null;
}

const formatArg = (a: unknown) => (typeof a === 'string' && a.startsWith('0x') && a.length === 42 ? shortAddress(a) : String(a));

export function describeCall(chainId: number, call: { to?: Address | undefined; value: string | bigint; data: Hex }, symbol = 'ETH'): CallDescription {
  const value = BigInt(call.value);
  if (call.to === undefined) {
    // A deployment: the data is creation code, not a function call; its size is what can be said.
    return {
      target: 'New contract',
      targetAddress: null,
      action: `Deploy a contract (${Math.floor((call.data.length - 2) / 2).toLocaleString('en-US')} bytes)`,
      selector: null,
      category: null,
      value: value > 0n ? `${formatEther(value)} ${symbol}` : null,
    };
  }
  const k = known(chainId, call.to);
  let action: string;
  let selector: Hex | null = null;
  let category: CallDescription['category'] = null;
  if (call.data === '0x' || call.data.length < 10) action = value > 0n ? 'Transfer' : 'Empty call';
  else {
    selector = call.data.slice(0, 10).toLowerCase() as Hex;
    // Names come only from ABIs the wallet ships and its table of well-known selectors, never from
    // the site: a selector is 4 bytes, and anyone can invent a name that shares one.
    const trusted = knownFunction(selector);
    category = trusted?.category ?? 'unknown';
    action = trusted ? `${trusted.signature} (arguments not decoded)` : `Unknown function ${selector}`;
    const abis = [k?.abi, erc20Abi, trusted?.signature.includes('(') ? ([parseAbiItem(`function ${trusted.signature}`)] as Abi) : undefined];
    for (const abi of abis.filter(Boolean) as Abi[]) {
      try {
        const decoded = decodeFunctionData({ abi, data: call.data });
        // An allowance past any token supply reads "Unlimited": the 78-digit number said nothing and widened the window.
        const allowance = decoded.functionName === 'approve' || decoded.functionName === 'increaseAllowance';
        action = `${decoded.functionName}(${(decoded.args ?? []).map((a) => (allowance && typeof a === 'bigint' && isUnlimited(a) ? 'Unlimited' : formatArg(a))).join(', ')})`;
        break;
      } catch {
        // not this ABI
      }
    }
  }
  return {
    target: k ? k.name : shortAddress(call.to),
    targetAddress: call.to,
    action,
    selector,
    category,
    value: value > 0n ? `${formatEther(value)} ${symbol}` : null,
  };
}
