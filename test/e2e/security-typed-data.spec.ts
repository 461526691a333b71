// Typed data that would hand the account over. A dApp asking the owner to sign a `Delegation` for
// the DelegationManager (root authority, no caveats) gets, with one "Approve", everything the account
// holds: the delegate redeems it and moves the ETH. The wallet refuses such requests without opening
// a window; approvals it cannot refuse (Permit, Permit2) are shown with a red warning instead.
import type { BrowserContext, Page } from '@playwright/test';
import { DELEGATOR_CONTRACTS } from '@metamask/delegation-deployments';
import { createWalletClient, getTypesForEIP712Domain, http, maxUint256, parseEther, serializeTypedData, toHex, type Address, type Hex, type TypedDataDefinition } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { createDelegation, delegationTypedData, DELEGATION_TYPES, encodeRedeemDelegations, ROOT_AUTHORITY } from '../../src/backends/delegation/framework';
import type { PageAnswer } from '../../scripts/lib/page';
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, connectedOwner, countApprovalWindows, decide, publicClient } from './helpers';

const DELEGATION_MANAGER = deployment.contracts.DelegationManager as Address;
const DELEGATOR_IMPL = deployment.contracts.EIP7702StatelessDeleGatorImpl as Address;
const DEMO_TOKEN = deployment.contracts.DemoToken as Address;
const PERMIT2: Address = '0x000000000022D473030F116dDEE9F6B43aC78BA3';
const SEPOLIA_DELEGATION_MANAGER = DELEGATOR_CONTRACTS['1.3.0']![11155111]!.DelegationManager as Address;

/** What viem's signTypedData action puts on the wire (EIP712Domain added to the types, then serialized). */
const asSent = (t: TypedDataDefinition) =>
  serializeTypedData({ ...t, types: { EIP712Domain: getTypesForEIP712Domain({ domain: t.domain }), ...t.types } } as unknown as TypedDataDefinition);

/**
 * Sends a request and, if an approval window opens, answers it (`approve`: the way a hurried owner
 * would). Whichever comes first decides: the answer (the wallet refused at once) or a window (the
 * answer cannot arrive before the owner decides), so nothing here waits on a clock.
 */
async function askAnsweringAnyWindow(
  context: BrowserContext,
  ask: () => Promise<PageAnswer>,
  choice: 'approve' | 'reject' = 'approve',
): Promise<{ answer: PageAnswer; windowOpened: boolean }> {
  let onPage: (p: Page) => void = () => {};
  const opened = new Promise<Page>((resolve) => {
    onPage = (p) => {
      if (p.url().includes('/approval.html')) resolve(p);
    };
    context.on('page', onPage);
  });
  const pending = ask();
  const first = await Promise.race([pending.then(() => null), opened]);
  context.off('page', onPage);
  if (first) {
    await first.waitForLoadState();
    await expect(first.getByTestId('approval-card')).toBeVisible();
    await decide(first, choice);
  }
  return { answer: await pending, windowOpened: first !== null };
}

test.describe('typed data that gives the account away', () => {
  test('error: a root Delegation to an attacker for the DelegationManager is refused with 4100, no window opens, and the account keeps its ETH', async ({
    context,
    fresh,
    rpcUrl,
  }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    await popup.getByTestId('upgrade').click();
    await expect(popup.getByTestId('delegation-state')).toHaveAttribute('data-kind', 'framework', { timeout: 15_000 });

    // The attacker has a little ETH for gas and nothing else from the owner.
    const attacker = privateKeyToAccount(generatePrivateKey());
    const chain = publicClient(rpcUrl);
    await chain.request({ method: 'anvil_setBalance' as never, params: [attacker.address, toHex(parseEther('1'))] as never });
    const before = await chain.getBalance({ address: owner.address });
    expect(before).toBeGreaterThan(parseEther('50'));

    // The attack exactly: delegate = attacker, delegator = the owner, authority = ROOT, no caveats.
    const delegation = createDelegation({ delegator: owner.address, delegate: attacker.address, authority: ROOT_AUTHORITY, caveats: [] });
    const typedData = delegationTypedData(delegation, { chainId: foundry.id, delegationManager: DELEGATION_MANAGER });
    const { answer, windowOpened } = await askAnsweringAnyWindow(context, () => providerRequest(dapp, 'eth_signTypedData_v4', [owner.address, asSent(typedData)]));

    // With a signature the attacker redeems it and takes 50 ETH from the owner's account.
    if (typeof answer.result === 'string') {
      const wallet = createWalletClient({ account: attacker, chain: { ...foundry, rpcUrls: { default: { http: [rpcUrl] } } }, transport: http(rpcUrl) });
      const hash = await wallet.sendTransaction({
        to: DELEGATION_MANAGER,
        data: encodeRedeemDelegations([{ delegations: [{ ...delegation, signature: answer.result as Hex }], executions: [{ target: attacker.address, value: parseEther('50'), callData: '0x' }] }]),
      });
      await chain.waitForTransactionReceipt({ hash });
    }

    expect(await chain.getBalance({ address: owner.address }), 'the owner account lost ETH to the delegate').toBe(before);
    expect(answer).toMatchObject({ error: { code: 4100 } });
    expect(answer.error?.message).toMatch(/delegation/i);
    expect(windowOpened, 'an approval window opened for the delegation').toBe(false);
  });

  test('error: every variant of typed data for the DelegationManager, the account or a delegation-shaped type is refused without a window', async ({ context, fresh }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const windows = countApprovalWindows(dapp);
    const attacker = privateKeyToAccount(generatePrivateKey()).address;
    const delegation = createDelegation({ delegator: owner.address, delegate: attacker, caveats: [] });
    const canonical = delegationTypedData(delegation, { chainId: foundry.id, delegationManager: DELEGATION_MANAGER });
    const message = canonical.message;

    const corpus: { name: string; json: string }[] = [
      { name: 'canonical domain', json: asSent(canonical) },
      { name: 'domain renamed to look harmless', json: asSent({ ...canonical, domain: { ...canonical.domain, name: 'Session Game Login', version: '2' } }) },
      { name: 'domain without a name, only the verifying contract', json: asSent({ ...canonical, domain: { verifyingContract: DELEGATION_MANAGER } }) },
      { name: 'domain without a chainId', json: asSent({ ...canonical, domain: { name: 'DelegationManager', version: '1', verifyingContract: DELEGATION_MANAGER } }) },
      { name: 'chainId as a hex string, address lower-case', json: JSON.stringify({ ...JSON.parse(asSent(canonical)), domain: { name: 'DelegationManager', version: '1', chainId: '0x7a69', verifyingContract: DELEGATION_MANAGER.toLowerCase() } }) },
      { name: 'the Sepolia DelegationManager', json: asSent({ ...canonical, domain: { ...canonical.domain, verifyingContract: SEPOLIA_DELEGATION_MANAGER } }) },
      { name: 'the Sepolia DelegationManager on the Sepolia chain id', json: asSent({ ...canonical, domain: { ...canonical.domain, chainId: 11155111, verifyingContract: SEPOLIA_DELEGATION_MANAGER } }) },
      { name: 'a Delegation for another contract under a harmless domain', json: asSent({ ...canonical, domain: { name: 'Session Game', version: '1', chainId: foundry.id, verifyingContract: '0x0000000000000000000000000000000000000001' } }) },
      {
        name: 'the Delegation type renamed',
        json: asSent({
          domain: { name: 'Session Game', version: '1', chainId: foundry.id, verifyingContract: '0x0000000000000000000000000000000000000001' },
          types: { Login: DELEGATION_TYPES.Delegation, Caveat: DELEGATION_TYPES.Caveat },
          primaryType: 'Login',
          message,
        } as unknown as TypedDataDefinition),
      },
      {
        name: 'a Delegation nested inside another primary type',
        json: asSent({
          domain: { name: 'Session Game', version: '1', chainId: foundry.id, verifyingContract: '0x0000000000000000000000000000000000000001' },
          types: { Order: [{ name: 'note', type: 'string' }, { name: 'grant', type: 'Delegation' }], ...DELEGATION_TYPES },
          primaryType: 'Order',
          message: { note: 'Claim your reward', grant: message },
        } as unknown as TypedDataDefinition),
      },
      {
        name: "the account's own domain (its 7702 code as the verifying contract)",
        json: asSent({
          domain: { name: 'EIP7702StatelessDeleGator', version: '1', chainId: foundry.id, verifyingContract: owner.address },
          types: { Mail: [{ name: 'contents', type: 'string' }] },
          primaryType: 'Mail',
          message: { contents: 'hello' },
        } as unknown as TypedDataDefinition),
      },
      {
        name: 'the DeleGator implementation as the verifying contract',
        json: asSent({
          domain: { name: 'Anything', version: '1', chainId: foundry.id, verifyingContract: DELEGATOR_IMPL },
          types: { Mail: [{ name: 'contents', type: 'string' }] },
          primaryType: 'Mail',
          message: { contents: 'hello' },
        } as unknown as TypedDataDefinition),
      },
    ];

    for (const item of corpus) {
      const { answer, windowOpened } = await askAnsweringAnyWindow(context, () => providerRequest(dapp, 'eth_signTypedData_v4', [owner.address, item.json]), 'reject');
      expect(windowOpened, `${item.name}: an approval window opened`).toBe(false);
      expect(answer.error?.code, `${item.name}: ${JSON.stringify(answer)}`).toBe(4100);
      expect(answer.error?.message, item.name).toMatch(/delegation|account/i);
    }
    expect(windows(), 'an approval window opened for a refused request').toBe(0);
  });

  test('behavior: an ERC-2612 Permit for unlimited DEMO opens the window with a red warning naming the spender, the token, "unlimited" and the deadline', async ({
    context,
    fresh,
    shoot,
  }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const spender = privateKeyToAccount(generatePrivateKey()).address;
    const permit = {
      domain: { name: 'DemoToken', version: '1', chainId: foundry.id, verifyingContract: DEMO_TOKEN },
      types: {
        Permit: [
          { name: 'owner', type: 'address' },
          { name: 'spender', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
        ],
      },
      primaryType: 'Permit' as const,
      message: { owner: owner.address, spender, value: maxUint256, nonce: 0n, deadline: 1893456000n },
    };
    let answer: Promise<PageAnswer> = Promise.resolve({ result: null });
    const window = await approvalWindow(context, async () => {
      answer = providerRequest(dapp, 'eth_signTypedData_v4', [owner.address, asSent(permit as unknown as TypedDataDefinition)]);
    });
    const warning = window.getByTestId('typed-data-warning');
    await expect(warning).toBeVisible();
    await expect(warning).toContainText(spender);
    await expect(warning).toContainText('unlimited');
    await expect(warning).toContainText('DEMO');
    await expect(warning).toContainText('2030-01-01 00:00 UTC');
    await shoot(window, 'approval-typed-data-permit');
    await decide(window, 'reject');
    expect(await answer).toMatchObject({ error: { code: 4001 } });
  });

  test('behavior: a Permit2 PermitSingle with the uint160 maximum is shown as unlimited for its spender', async ({ context, fresh, shoot }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const spender = privateKeyToAccount(generatePrivateKey()).address;
    const permitSingle = {
      domain: { name: 'Permit2', chainId: foundry.id, verifyingContract: PERMIT2 },
      types: {
        PermitSingle: [
          { name: 'details', type: 'PermitDetails' },
          { name: 'spender', type: 'address' },
          { name: 'sigDeadline', type: 'uint256' },
        ],
        PermitDetails: [
          { name: 'token', type: 'address' },
          { name: 'amount', type: 'uint160' },
          { name: 'expiration', type: 'uint48' },
          { name: 'nonce', type: 'uint48' },
        ],
      },
      primaryType: 'PermitSingle' as const,
      message: { details: { token: DEMO_TOKEN, amount: (1n << 160n) - 1n, expiration: 1893456000, nonce: 0 }, spender, sigDeadline: 1893456000n },
    };
    let answer: Promise<PageAnswer> = Promise.resolve({ result: null });
    const window = await approvalWindow(context, async () => {
      answer = providerRequest(dapp, 'eth_signTypedData_v4', [owner.address, asSent(permitSingle as unknown as TypedDataDefinition)]);
    });
    const warning = window.getByTestId('typed-data-warning');
    await expect(warning).toContainText(spender);
    await expect(warning).toContainText('unlimited');
    await expect(warning).toContainText('Permit2');
    await shoot(window, 'approval-typed-data-permit2');
    await decide(window, 'reject');
    expect(await answer).toMatchObject({ error: { code: 4001 } });
  });
});
