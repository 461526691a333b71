// The red banner's words for sends that give tokens away, and typed data as a labelled view.
import { describe, expect, it } from 'vitest';
import { encodeFunctionData, erc20Abi, maxUint256, parseAbi, parseEther, type Address } from 'viem';
import { amountText, callsDanger } from '@/src/approvals/danger';
import { parseTypedData } from '@/src/signing/typed-data';
import { labelOf, typedDataView, type ViewNode } from '@/src/signing/typed-data-view';

const TOKEN: Address = '0x1111111111111111111111111111111111111111';
const SPENDER: Address = '0x2222222222222222222222222222222222222222';
const OWNER: Address = '0x3333333333333333333333333333333333333333';
const PERMIT2: Address = '0x000000000022D473030F116dDEE9F6B43aC78BA3';
const demo = (a: Address) => (a.toLowerCase() === TOKEN ? { symbol: 'DEMO', decimals: 18 } : undefined);
const approve = (amount: bigint) => ({ to: TOKEN, data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [SPENDER, amount] }) });

describe('callsDanger', () => {
  it('behavior: an unlimited approve names the spender and the token, and the button says "Approve unlimited DEMO"', () => {
    const danger = callsDanger([approve(maxUint256)], demo)!;
    expect(danger.title).toBe('Unlimited token approval');
    expect(danger.lines[0]).toBe(`${SPENDER} may take all your DEMO, now or any time later, without asking you again, until you revoke the approval.`);
    expect(danger.approveLabel).toBe('Approve unlimited DEMO');
  });

  it('behavior: a limited approve, a transfer, or setApprovalForAll(…, false) is no danger', () => {
    expect(callsDanger([approve(parseEther('5'))], demo)).toBeUndefined();
    expect(callsDanger([{ to: TOKEN, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [SPENDER, maxUint256] }) }], demo)).toBeUndefined();
    const revoke = encodeFunctionData({ abi: parseAbi(['function setApprovalForAll(address,bool)']), functionName: 'setApprovalForAll', args: [SPENDER, false] });
    expect(callsDanger([{ to: TOKEN, data: revoke }], demo)).toBeUndefined();
  });

  it('behavior: increaseAllowance to a huge amount and setApprovalForAll(…, true) are dangers; an unknown token is named by its address', () => {
    const increase = encodeFunctionData({ abi: parseAbi(['function increaseAllowance(address,uint256)']), functionName: 'increaseAllowance', args: [SPENDER, 2n ** 200n] });
    const operator = encodeFunctionData({ abi: parseAbi(['function setApprovalForAll(address,bool)']), functionName: 'setApprovalForAll', args: [SPENDER, true] });
    const unknown: Address = '0x4444444444444444444444444444444444444444';
    const danger = callsDanger([{ to: unknown, data: increase }, { to: TOKEN, data: operator }], demo)!;
    expect(danger.lines[0]).toContain('may take all your tokens of 0x4444…4444');
    expect(danger.lines[1]).toContain('may move every token you hold of 0x1111…1111');
    expect(danger.approveLabel).toBe('Approve 2 token approvals');
  });

  it('param: amounts past any supply read "Unlimited"; others use the token decimals', () => {
    expect(amountText(maxUint256, { symbol: 'DEMO', decimals: 18 })).toBe('Unlimited');
    expect(amountText(parseEther('1.5'), { symbol: 'DEMO', decimals: 18 })).toBe('1.5 DEMO');
    expect(amountText(7n, undefined)).toBe('7 base units');
  });
});

const flat = (nodes: ViewNode[]): Record<string, string | undefined> =>
  Object.fromEntries(nodes.flatMap((n) => (n.children ? Object.entries(flat(n.children)).map(([k, v]) => [`${n.name}.${k}`, v]) : [[n.name, n.text]])));

describe('typedDataView', () => {
  const ctx = { token: demo, contractName: (a: Address) => (a === PERMIT2 ? 'Permit2' : undefined), account: OWNER, date: (s: number) => `date(${s})` };

  it('behavior: an ERC-2612 Permit: domain rows, labelled fields, the amount in the verifying token, the deadline as a date, addresses in full', () => {
    const payload = parseTypedData(
      JSON.stringify({
        domain: { name: 'DemoToken', version: '1', chainId: 31337, verifyingContract: TOKEN },
        types: { Permit: [{ name: 'owner', type: 'address' }, { name: 'spender', type: 'address' }, { name: 'value', type: 'uint256' }, { name: 'nonce', type: 'uint256' }, { name: 'deadline', type: 'uint256' }] },
        primaryType: 'Permit',
        message: { owner: OWNER, spender: SPENDER, value: parseEther('2.5').toString(), nonce: '0', deadline: '1893456000' },
      }),
    );
    const view = typedDataView(payload, ctx, (id) => (id === 31337 ? 'Local devnet' : undefined));
    expect(view.domain).toEqual([
      { label: 'Name', text: 'DemoToken' },
      { label: 'Version', text: '1' },
      { label: 'Network', text: 'Local devnet (chain 31337)' },
      { label: 'Contract', text: `${TOKEN} (DEMO)`, mono: true },
    ]);
    expect(view.primaryType).toBe('Permit');
    expect(flat(view.fields)).toEqual({ owner: `${OWNER} (your account)`, spender: SPENDER, value: '2.5 DEMO', nonce: '0', deadline: 'date(1893456000)' });
    expect(view.fields.map((f) => f.label)).toEqual(['Owner', 'Spender', 'Value', 'Nonce', 'Deadline']);
  });

  it('behavior: Permit2 details: the amount in the token its own struct names, the uint160 maximum as "Unlimited DEMO"', () => {
    const payload = parseTypedData(
      JSON.stringify({
        domain: { name: 'Permit2', chainId: 31337, verifyingContract: PERMIT2 },
        types: {
          PermitSingle: [{ name: 'details', type: 'PermitDetails' }, { name: 'spender', type: 'address' }, { name: 'sigDeadline', type: 'uint256' }],
          PermitDetails: [{ name: 'token', type: 'address' }, { name: 'amount', type: 'uint160' }, { name: 'expiration', type: 'uint48' }, { name: 'nonce', type: 'uint48' }],
        },
        primaryType: 'PermitSingle',
        message: { details: { token: TOKEN, amount: ((1n << 160n) - 1n).toString(), expiration: 0, nonce: 0 }, spender: SPENDER, sigDeadline: '1893456000' },
      }),
    );
    const view = typedDataView(payload, ctx);
    expect(view.domain.find((r) => r.label === 'Contract')!.text).toBe(`${PERMIT2} (Permit2)`);
    expect(flat(view.fields)).toMatchObject({ 'details.token': `${TOKEN} (DEMO)`, 'details.amount': 'Unlimited DEMO', 'details.expiration': 'Never (0)', sigDeadline: 'date(1893456000)' });
    expect(labelOf('sigDeadline')).toBe('Sig deadline');
  });

  it('param: an amount of a token the chain did not answer for stays in base units, said so', () => {
    const payload = parseTypedData(
      JSON.stringify({
        domain: { name: 'X', verifyingContract: SPENDER },
        types: { Permit: [{ name: 'spender', type: 'address' }, { name: 'value', type: 'uint256' }] },
        primaryType: 'Permit',
        message: { spender: SPENDER, value: '1000' },
      }),
    );
    expect(flat(typedDataView(payload, ctx).fields).value).toBe('1000 (base units; token unknown)');
  });
});
