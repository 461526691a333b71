import { encodeFunctionData, erc20Abi, parseAbi, type Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { DEVNET_CHAIN_ID } from '@/src/chains/registry';
import { devnetContracts } from '@/src/chains/deployments';
import { describeCall } from '@/src/ui/describe-call';

const stranger: Address = '0x1111111111111111111111111111111111111111';
const spender: Address = '0x2222222222222222222222222222222222222222';

describe('describeCall: names come from the wallet, never from the site', () => {
  it('behavior: approve on an unknown contract is named from the trusted table, with its selector, as token-moving', () => {
    const data = encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [spender, 2n ** 256n - 1n] });
    const d = describeCall(1, { to: stranger, value: 0n, data });
    expect(d.action).toBe('approve(0x2222…2222, Unlimited)');
    expect(d.selector).toBe('0x095ea7b3');
    expect(d.category).toBe('token-moving');
  });

  it('behavior: a well-known selector outside the ERC-20 ABI (setApprovalForAll) is decoded from the table', () => {
    const data = encodeFunctionData({ abi: parseAbi(['function setApprovalForAll(address,bool)']), functionName: 'setApprovalForAll', args: [spender, true] });
    const d = describeCall(1, { to: stranger, value: 0n, data });
    expect(d.action).toBe('setApprovalForAll(0x2222…2222, true)');
    expect(d.category).toBe('token-moving');
  });

  it('behavior: an unknown selector is shown as unknown, with the selector and no invented name', () => {
    const d = describeCall(1, { to: stranger, value: 5n, data: '0xdeadbeef0000' });
    expect(d.action).toBe('Unknown function 0xdeadbeef');
    expect(d.category).toBe('unknown');
    expect(d.value).toBe('0.000000000000000005 ETH');
  });

  it('behavior: the devnet demo contracts are decoded from their ABIs and named', () => {
    const data = encodeFunctionData({ abi: parseAbi(['function move(uint8 direction)']), functionName: 'move', args: [2] });
    const d = describeCall(DEVNET_CHAIN_ID, { to: devnetContracts.DemoGame, value: 0n, data });
    expect(d).toMatchObject({ target: 'DemoGame', action: 'move(2)', selector: data.slice(0, 10) });
  });

  it('behavior: a plain transfer has no selector', () => {
    expect(describeCall(1, { to: stranger, value: 10n ** 18n, data: '0x' })).toMatchObject({ action: 'Transfer', selector: null, category: null, value: '1 ETH' });
  });
});
