// What a page may ask the chain's node through the wallet. A devnet node (anvil) holds its
// development accounts unlocked and sends for any `from` it is given, so a method that sends or signs
// must never reach it: the page would spend the owner's money without the wallet being asked.
import { parseEther, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { expect, providerRequest, test } from './fixtures';
import { importOwner, publicClient } from './helpers';

// Anvil's development account #1 (the demo owner): anvil holds this key and signs for it.
const ANVIL_KEY_1 = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const ATTACKER: Address = '0x000000000000000000000000000000000000dEaD';

test.describe('forwarding to the node', () => {
  test('attack: an unconnected page cannot make the node send as the owner (eth_sendUnsignedTransaction, eth_sendTransactionSync)', async ({ context, openPopup, dappUrl, rpcUrl }) => {
    const owner = privateKeyToAccount(ANVIL_KEY_1);
    await importOwner(await openPopup(), ANVIL_KEY_1);
    const page = await context.newPage();
    await page.goto(dappUrl); // never connected
    expect(await providerRequest(page, 'eth_accounts')).toEqual({ result: [] });

    const client = publicClient(rpcUrl);
    const before = { owner: await client.getBalance({ address: owner.address }), attacker: await client.getBalance({ address: ATTACKER }) };
    const tx = { from: owner.address, to: ATTACKER, value: `0x${parseEther('60').toString(16)}` };

    for (const method of ['eth_sendUnsignedTransaction', 'eth_sendTransactionSync']) {
      const answer = await providerRequest(page, method, [tx]);
      expect(answer, method).toMatchObject({ error: { code: 4200 } });
      expect(answer.error?.message, method).toContain(method);
    }

    // Nothing moved on chain: not the 60 ETH, not even gas.
    expect(await client.getBalance({ address: owner.address })).toBe(before.owner);
    expect(await client.getBalance({ address: ATTACKER })).toBe(before.attacker);
    // Reads still work for the same page.
    expect(await providerRequest(page, 'eth_getBalance', [owner.address, 'latest'])).toEqual({ result: `0x${before.owner.toString(16)}` });
  });
});
