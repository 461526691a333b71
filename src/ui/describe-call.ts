// Calls in plain words: which contract (by name when the wallet knows it), which function with which
// arguments, and how much ETH.
import { decodeFunctionData, formatEther, isAddressEqual, type Abi, type Address, type Hex } from 'viem';
import { DemoGameAbi as demoGameAbi, DemoTokenAbi as demoTokenAbi } from '../../devnet/contracts/abis';
import { devnetContracts } from '../chains/deployments';
import { DEVNET_CHAIN_ID } from '../chains/registry';
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

const erc20Abi = demoTokenAbi as Abi;

export interface CallDescription {
  target: string;
  targetAddress: Address;
  action: string;
  value: string | null;
}

export function describeCall(chainId: number, call: { to: Address; value: string | bigint; data: Hex }, symbol = 'ETH'): CallDescription {
  const k = known(chainId, call.to);
  const value = BigInt(call.value);
  let action: string;
  if (call.data === '0x' || call.data.length < 10) action = value > 0n ? 'Transfer' : 'Empty call';
  else {
    action = `Function ${call.data.slice(0, 10)}`;
    for (const abi of [k?.abi, erc20Abi].filter(Boolean) as Abi[]) {
      try {
        const decoded = decodeFunctionData({ abi, data: call.data });
        const args = (decoded.args ?? []).map((a) => (typeof a === 'string' && a.startsWith('0x') && a.length === 42 ? shortAddress(a) : String(a)));
        action = `${decoded.functionName}(${args.join(', ')})`;
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
    value: value > 0n ? `${formatEther(value)} ${symbol}` : null,
  };
}
