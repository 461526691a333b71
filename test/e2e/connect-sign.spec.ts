import { getTypesForEIP712Domain, serializeTypedData, type Hex, type TypedDataDefinition } from 'viem';

/** What viem's signTypedData action puts on the wire. */
const asSent = (t: TypedDataDefinition) => serializeTypedData({ ...t, types: { EIP712Domain: getTypesForEIP712Domain({ domain: t.domain }), ...t.types } } as unknown as TypedDataDefinition);
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, decide, importOwner, publicClient } from './helpers';

test.describe('dApp connect and owner signatures', () => {
  test('connect in an approval window; personal_sign verified by viem before and after the 7702 upgrade; reject and close are 4001', async ({
    context,
    openPopup,
    dappUrl,
    dappUrl2,
    rpcUrl,
    shoot,
  }) => {
    const key = generatePrivateKey();
    const owner = privateKeyToAccount(key);
    const popup = await openPopup();
    await importOwner(popup, key);

    const dapp = await context.newPage();
    await dapp.goto(dappUrl);
    expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [] });
    expect(await providerRequest(dapp, 'personal_sign', ['0x68656c6c6f', owner.address])).toMatchObject({ error: { code: 4100 } });

    // Connect: the window names the origin; approving answers the dApp with the owner's address.
    const connectWindow = await approvalWindow(context, () => dapp.click('#connect'));
    await expect(connectWindow.getByTestId('approval-origin')).toHaveText(new URL(dappUrl).origin);
    await expect(connectWindow.getByTestId('approval-card')).toHaveAttribute('data-kind', 'connect');
    await shoot(connectWindow, 'approval-connect');
    await decide(connectWindow, 'approve');
    await expect(dapp.locator('#account')).toContainText(owner.address);
    expect(await providerRequest(dapp, 'eth_accounts')).toEqual({ result: [owner.address] });

    // Sign: the message is shown as text; viem's verifyMessage accepts the signature (EOA).
    const signWindow = await approvalWindow(context, () => dapp.click('#sign'));
    await expect(signWindow.getByTestId('approval-message')).toHaveText('Hello from Session Game');
    await shoot(signWindow, 'approval-sign-message');
    await decide(signWindow, 'approve');
    await expect(dapp.locator('#sign-result')).toHaveAttribute('data-tone', 'ok');
    await expect(dapp.locator('#sign-result')).toContainText('Signature valid');

    // Reject -> 4001.
    const rejectWindow = await approvalWindow(context, () => dapp.click('#sign'));
    await decide(rejectWindow, 'reject');
    await expect(dapp.locator('#sign-result')).toHaveAttribute('data-code', '4001');

    // Closing the window -> 4001 as well.
    const closeWindow = await approvalWindow(context, () => dapp.click('#sign'));
    await closeWindow.close();
    await expect(dapp.locator('#sign-result')).toHaveAttribute('data-code', '4001');

    // After the 7702 upgrade the same signature verifies through ERC-1271 on the account's code.
    await popup.getByTestId('fund-devnet').click();
    await popup.getByTestId('upgrade').click();
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'framework', { timeout: 15_000 });
    const signAgain = await approvalWindow(context, () => dapp.click('#sign'));
    await decide(signAgain, 'approve');
    await expect(dapp.locator('#sign-result')).toContainText('Signature valid');
    await shoot(dapp, 'dapp-connected-signed');

    // Typed data as viem's signTypedData action sends it (EIP712Domain added to the types, then
    // serialized): the owner approves; the signature verifies on the upgraded account (ERC-1271).
    const typedData = {
      domain: { name: 'Session Game', version: '1', chainId: 31337, verifyingContract: '0x0000000000000000000000000000000000000001' as const },
      types: { Move: [{ name: 'player', type: 'address' }, { name: 'direction', type: 'uint8' }, { name: 'nonce', type: 'uint256' }] },
      primaryType: 'Move' as const,
      message: { player: owner.address, direction: 2, nonce: 7n },
    };
    let typedAnswer: Promise<unknown> = Promise.resolve();
    const typedWindow = await approvalWindow(context, async () => {
      typedAnswer = providerRequest(dapp, 'eth_signTypedData_v4', [owner.address, asSent(typedData)]);
    });
    await expect(typedWindow.getByTestId('approval-card')).toHaveAttribute('data-kind', 'signTypedData');
    await decide(typedWindow, 'approve');
    const { result: typedSignature } = (await typedAnswer) as { result: Hex };
    expect(await publicClient(rpcUrl).verifyTypedData({ address: owner.address, signature: typedSignature, ...typedData })).toBe(true);
    // Typed data for another chain is refused before the owner is bothered.
    expect(await providerRequest(dapp, 'eth_signTypedData_v4', [owner.address, asSent({ ...typedData, domain: { ...typedData.domain, chainId: 1 } })])).toMatchObject({ error: { code: -32602 } });

    // Another origin is not connected and cannot sign.
    const other = await context.newPage();
    await other.goto(dappUrl2);
    expect(await providerRequest(other, 'eth_accounts')).toEqual({ result: [] });
    expect(await providerRequest(other, 'personal_sign', ['0x68656c6c6f', owner.address])).toMatchObject({ error: { code: 4100 } });
  });
});
