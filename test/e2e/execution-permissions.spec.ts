// ERC-7715's current dialect from a real page: discovery (wallet_getSupportedExecutionPermissions),
// a dApp-held grant (`to` = the dApp's own account) of a native-token-allowance, which the owner
// approves in the window; the dApp redeems the returned context itself with viem (ERC-7710
// DelegationManager.redeemDelegations from its own account, its own gas): within the allowance it
// pays, beyond it the chain refuses. The listing (wallet_getGrantedExecutionPermissions) and the
// popup show the grant as held by the site's account; revoking by context ends it on chain.
import { createTestClient, createWalletClient, encodeFunctionData, http, numberToHex, parseEther, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { devnetChain } from '../../devnet/constants';
import { encodeExecutionCalldata, EXECUTION_MODE } from '../../src/backends/delegation/framework';
import { DelegationManager as DelegationManagerAbi } from '@metamask/delegation-abis';
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, connectedOwner, decide, publicClient } from './helpers';

interface Granted {
  chainId: Hex;
  from: Address;
  to: Address;
  permission: { type: string; data: Record<string, unknown> };
  rules: { type: string; data: Record<string, unknown> }[];
  context: Hex;
  delegationManager: Address;
  dependencies: unknown[];
}

test.describe('wallet_requestExecutionPermissions: a key the dApp holds', () => {
  test('behavior: discovery, the owner approves a grant to the site account, the site redeems it with viem within the allowance (and is refused beyond), lists it, revokes it by context', async ({
    context,
    fresh,
    rpcUrl,
    shoot,
  }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const chain = devnetChain(rpcUrl);
    const client = publicClient(rpcUrl);

    // Discovery: what this network's backend enforces.
    const supported = await providerRequest<Record<string, { chainIds: Hex[]; ruleTypes: string[] }>>(dapp, 'wallet_getSupportedExecutionPermissions', []);
    expect(supported.result?.['native-token-allowance']).toEqual({ chainIds: ['0x7a69'], ruleTypes: ['expiry', 'redeemer'] });
    expect(supported.result?.['native-token-stream']).toEqual({ chainIds: ['0x7a69'], ruleTypes: ['expiry', 'redeemer'] }); // enforced on chain now (NativeTokenStreamingEnforcer)
    expect(supported.result?.['erc20-token-revocation']).toBeUndefined(); // MetaMask's, no kind here

    // The dApp's own account (its gas is its own).
    const site = privateKeyToAccount(generatePrivateKey());
    await createTestClient({ chain, transport: http(rpcUrl), mode: 'anvil' }).setBalance({ address: site.address, value: parseEther('1') });
    const expiry = Number((await client.getBlock()).timestamp) + 3600;
    const request = [
      {
        chainId: '0x7a69',
        from: owner.address,
        to: site.address,
        permission: { type: 'native-token-allowance', isAdjustmentAllowed: false, data: { allowanceAmount: numberToHex(parseEther('0.5')), justification: 'Tips to players' } },
        rules: [{ type: 'expiry', data: { timestamp: expiry } }],
      },
    ];
    let answered: Promise<{ result?: Granted[]; error?: { code?: number; message?: string } }> | undefined;
    const w = await approvalWindow(context, async () => {
      answered = providerRequest<Granted[]>(dapp, 'wallet_requestExecutionPermissions', request);
    });
    await expect(w.getByTestId('grant-holder')).toHaveAttribute('data-holder', 'dapp');
    await expect(w.getByTestId('grant-holder')).toContainText("The site's own account will hold this permission");
    await expect(w.getByTestId('grant-holder-address')).toHaveText(site.address);
    await expect(w.getByTestId('grant-details')).toContainText('0.5 ETH');
    await expect(w.getByTestId('approval-approve')).toBeEnabled();
    await shoot(w, 'grant-dapp-held');
    await decide(w, 'approve');
    const answer = await answered!;
    expect(answer.error).toBeUndefined();
    const [granted] = answer.result!;
    expect(granted).toMatchObject({
      chainId: '0x7a69',
      from: owner.address,
      to: site.address,
      permission: { type: 'native-token-allowance', data: { allowanceAmount: numberToHex(parseEther('0.5')) } },
      rules: [{ type: 'expiry', data: { timestamp: expiry } }],
      dependencies: [],
    });

    // The site redeems the context itself, with viem, against the devnet.
    const siteWallet = createWalletClient({ chain, transport: http(rpcUrl), account: site });
    const recipient = privateKeyToAccount(generatePrivateKey()).address;
    const redeem = async (value: bigint) => {
      const hash = await siteWallet.writeContract({
        address: granted!.delegationManager,
        abi: DelegationManagerAbi,
        functionName: 'redeemDelegations',
        args: [[granted!.context], [EXECUTION_MODE.SingleDefault], [encodeExecutionCalldata([{ target: recipient, value, callData: '0x' }], EXECUTION_MODE.SingleDefault)]],
        gas: 900_000n, // fixed: a refused redemption goes on chain and reverts there
      });
      return (await client.waitForTransactionReceipt({ hash })).status;
    };
    expect(await redeem(parseEther('0.2'))).toBe('success');
    expect(await client.getBalance({ address: recipient })).toBe(parseEther('0.2'));
    expect(await redeem(parseEther('0.4'))).toBe('reverted'); // 0.3 left of the 0.5 allowance
    expect(await client.getBalance({ address: recipient })).toBe(parseEther('0.2'));

    // The listing: the same shape as the answer, this site's only.
    const listed = await providerRequest<Granted[]>(dapp, 'wallet_getGrantedExecutionPermissions', []);
    expect(listed.result?.map((g) => g.context)).toEqual([granted!.context]);

    // The popup says who holds the key, with what is left.
    await popup.getByTestId('tab-sessions').click();
    const item = popup.getByTestId('session-item').first();
    await expect(item.getByTestId('session-holder')).toContainText(`Held by the site's own account ${site.address}`);
    await expect(item.getByTestId('session-gauges')).toContainText('0.3 ETH left');
    await shoot(popup, 'sessions-dapp-held');

    // Revoke by context: disabled on chain (the owner pays); the next redemption reverts.
    const revoked = await providerRequest<{ revokeTx: Hex }>(dapp, 'wallet_revokeExecutionPermission', [{ permissionContext: granted!.context }]);
    expect(revoked.result?.revokeTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await redeem(parseEther('0.1'))).toBe('reverted');
    expect((await providerRequest<Granted[]>(dapp, 'wallet_getGrantedExecutionPermissions', [])).result).toEqual([]);
    await expect(item).toHaveAttribute('data-status', 'revoked');
  });

  test('behavior: a redeemer rule is shown in the window ("Only this address can use this permission") and repeated in the answer', async ({ context, fresh, rpcUrl, shoot }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const site = privateKeyToAccount(generatePrivateKey()).address;
    const relayer = privateKeyToAccount(generatePrivateKey()).address;
    const expiry = Number((await publicClient(rpcUrl).getBlock()).timestamp) + 3600;
    const request = [
      {
        chainId: '0x7a69',
        from: owner.address,
        to: site,
        permission: { type: 'native-token-periodic', isAdjustmentAllowed: false, data: { periodAmount: numberToHex(parseEther('0.001')), periodDuration: 86400 } },
        rules: [
          { type: 'expiry', data: { timestamp: expiry } },
          { type: 'redeemer', data: { addresses: [relayer] } },
        ],
      },
    ];
    let answered: Promise<{ result?: Granted[]; error?: { code?: number; message?: string } }> | undefined;
    const w = await approvalWindow(context, async () => {
      answered = providerRequest<Granted[]>(dapp, 'wallet_requestExecutionPermissions', request);
    });
    await expect(w.getByTestId('grant-redeemers')).toContainText('Only this address can use this permission');
    await expect(w.getByTestId('grant-redeemer')).toHaveText(relayer);
    await expect(w.getByTestId('grant-holder-address')).toHaveText(site);
    await shoot(w, 'grant-redeemer');
    await decide(w, 'approve');
    const answer = await answered!;
    expect(answer.error).toBeUndefined();
    expect(answer.result?.[0]?.rules).toEqual([
      { type: 'expiry', data: { timestamp: expiry } },
      { type: 'redeemer', data: { addresses: [relayer] } },
    ]);
  });
});
