// A dApp asking the owner's own account to run its account-control functions. `execute(mode,
// calldata)` on the upgraded account makes the account itself send whatever the calldata says, so
// the transaction's own `value` is 0 while 40 ETH leave inside it: an approval of "Function
// 0xe9ae5c53" with no amount hid that. The wallet refuses such calls outright: no dApp needs to
// drive the owner's account-control functions (the wallet builds its own execute() batches).
import { encodeFunctionData, encodePacked, parseEther, type Address } from 'viem';
import { EXECUTION_MODE } from '../../src/backends/delegation/framework';
import { EIP7702StatelessDeleGator as EIP7702StatelessDeleGatorAbi } from '@metamask/delegation-abis';
import { expect, providerRequest, test } from './fixtures';
import { connectedOwner, publicClient } from './helpers';

const ATTACKER: Address = '0x00000000000000000000000000000000000a77ac';

test.describe('calls into the owner account', () => {
  test('attack: a connected dApp sends eth_sendTransaction to the account with execute() moving 40 ETH; refused with 4100, no window, nothing moves', async ({ context, fresh, rpcUrl }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    await popup.getByTestId('upgrade').click();
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'framework', { timeout: 15_000 });

    const client = publicClient(rpcUrl);
    const before = { owner: await client.getBalance({ address: owner.address }), attacker: await client.getBalance({ address: ATTACKER }) };
    const execute = encodeFunctionData({
      abi: EIP7702StatelessDeleGatorAbi,
      functionName: 'execute',
      args: [EXECUTION_MODE.SingleDefault, encodePacked(['address', 'uint256', 'bytes'], [ATTACKER, parseEther('40'), '0x'])],
    });
    expect(execute.slice(0, 10)).toBe('0xe9ae5c53');

    const sendAndWatch = async (method: string, params: unknown[]) => {
      const windows = context.pages().length;
      const answer = providerRequest(dapp, method, params);
      // On a wallet without the check this opens an approval window; record what it shows and
      // approve it, as an owner reading "Function 0xe9ae5c53" and no amount would.
      const shown = await Promise.race([
        answer.then(() => null),
        context.waitForEvent('page', (p) => p.url().includes('/approval.html')).then(async (w) => {
          await w.waitForLoadState();
          const text = (await w.getByTestId('approval-card').textContent()) ?? '';
          await w.getByTestId('approval-approve').click().catch(() => undefined);
          return text;
        }),
      ]);
      return { answer: await answer, shown, windows: context.pages().length - windows };
    };

    const single = await sendAndWatch('eth_sendTransaction', [{ from: owner.address, to: owner.address, data: execute }]);
    expect(single.shown, `an approval window opened showing: ${single.shown}`).toBeNull();
    expect(single.answer).toMatchObject({ error: { code: 4100 } });
    expect(single.answer.error?.message).toMatch(/your own account.*execute\(bytes32,bytes\)/);

    // The same inside an EIP-5792 batch, next to an innocent call, and with the address in lower case.
    const batch = await sendAndWatch('wallet_sendCalls', [
      {
        version: '2.0.0',
        chainId: '0x7a69',
        from: owner.address,
        calls: [{ to: ATTACKER, value: '0x1' }, { to: owner.address.toLowerCase(), data: execute }],
      },
    ]);
    expect(batch.shown, `an approval window opened showing: ${batch.shown}`).toBeNull();
    expect(batch.answer).toMatchObject({ error: { code: 4100 } });
    expect(batch.answer.error?.message).toMatch(/call 2/);

    expect(await client.getBalance({ address: ATTACKER })).toBe(before.attacker);
    expect(await client.getBalance({ address: owner.address })).toBe(before.owner);
  });
});
