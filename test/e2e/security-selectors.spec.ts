// Security: what a dApp calls a function must not decide what the owner reads. Four bytes of a
// keccak hash collide easily, so an invented name can carry ERC-20 approve's selector; and a
// session-wide limit must not vanish when the owner leaves out the optional item that carried it.
import type { BrowserContext, Page } from '@playwright/test';
import { createWalletClient, encodeFunctionData, http, maxUint256, numberToHex, parseEther, parseUnits, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import type { PageAnswer } from '../../scripts/lib/page';
import { expect, providerRequest, test } from './fixtures';
import { connectedOwner, decide, gameScore, publicClient } from './helpers';

const TOKEN = deployment.contracts.DemoToken as Address;
const GAME = deployment.contracts.DemoGame as Address;
const CHAIN = numberToHex(31337);

const TOKEN_ABI = [
  { type: 'function', name: 'approve', stateMutability: 'nonpayable', inputs: [{ type: 'address' }, { type: 'uint256' }], outputs: [{ type: 'bool' }] },
  { type: 'function', name: 'transfer', stateMutability: 'nonpayable', inputs: [{ type: 'address' }, { type: 'uint256' }], outputs: [{ type: 'bool' }] },
  { type: 'function', name: 'transferFrom', stateMutability: 'nonpayable', inputs: [{ type: 'address' }, { type: 'address' }, { type: 'uint256' }], outputs: [{ type: 'bool' }] },
  { type: 'function', name: 'mint', stateMutability: 'nonpayable', inputs: [{ type: 'address' }, { type: 'uint256' }], outputs: [] },
  { type: 'function', name: 'balanceOf', stateMutability: 'view', inputs: [{ type: 'address' }], outputs: [{ type: 'uint256' }] },
] as const;
const MOVE_ABI = [{ type: 'function', name: 'move', stateMutability: 'nonpayable', inputs: [{ type: 'uint8' }], outputs: [] }] as const;

const DEMO = parseUnits('1000', 18);

/** An attacker with gas money on the devnet, and DEMO minted to the owner (the faucet is public). */
async function attackerAndTokens(rpcUrl: string, owner: Address) {
  const attacker = privateKeyToAccount(generatePrivateKey());
  const client = publicClient(rpcUrl);
  await client.request({ method: 'anvil_setBalance' as 'eth_chainId', params: [attacker.address, numberToHex(parseEther('1'))] as never });
  const wallet = createWalletClient({ account: attacker, transport: http(rpcUrl), chain: { id: 31337, name: 'devnet', nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } } });
  await client.waitForTransactionReceipt({ hash: await wallet.writeContract({ address: TOKEN, abi: TOKEN_ABI, functionName: 'mint', args: [owner, DEMO] }) });
  const balance = (who: Address) => client.readContract({ address: TOKEN, abi: TOKEN_ABI, functionName: 'balanceOf', args: [who] });
  /** The attacker pulls whatever the owner's allowance lets it; a revert (no allowance) is the good outcome. */
  const steal = async () => {
    try {
      const hash = await wallet.writeContract({ address: TOKEN, abi: TOKEN_ABI, functionName: 'transferFrom', args: [owner, attacker.address, await balance(owner)], gas: 200_000n });
      await client.waitForTransactionReceipt({ hash });
    } catch {
      // refused: nothing to take
    }
  };
  return { attacker: attacker.address, balance, steal };
}

/**
 * Sends a request that may or may not open an approval window. If a window opens, `onWindow`
 * decides it (after a screenshot); either way the dApp's answer is returned.
 */
async function answerOf<T>(context: BrowserContext, dapp: Page, method: string, params: unknown, onWindow: (w: Page) => Promise<void>): Promise<{ answer: PageAnswer<T>; window: boolean }> {
  let opened: Page | undefined;
  const listener = (p: Page) => {
    if (p.url().includes('/approval.html')) opened = p;
  };
  context.on('page', listener);
  const pending = providerRequest<T>(dapp, method, params);
  // Poll for either outcome: the answer, or a window the owner must decide.
  let answer: PageAnswer<T> | undefined;
  void pending.then((a) => (answer = a));
  await expect.poll(() => answer !== undefined || opened !== undefined, { timeout: 30_000 }).toBe(true);
  context.off('page', listener);
  if (opened && answer === undefined) {
    await opened.waitForLoadState();
    await opened.setViewportSize({ width: 400, height: 660 });
    await expect(opened.getByTestId('approval-card')).toBeVisible();
    await onWindow(opened);
  }
  return { answer: await pending, window: opened !== undefined };
}

async function chainNow(rpcUrl: string): Promise<number> {
  return Number((await publicClient(rpcUrl).getBlock()).timestamp);
}

const grantAllContracts = (expiry: number, functions: string[]) => [
  { expiry, signer: { type: 'wallet' }, permissions: [{ type: 'functions-on-all-contracts', data: { functions }, policies: [], required: true }] },
];

test.describe('security: function names and session-wide limits', () => {
  for (const { impostor, real, call } of [
    { impostor: 'sign_szabo_bytecode(bytes16,uint128)', real: 'approve(address,uint256)', call: 'approve' as const },
    { impostor: 'many_msg_babbage(bytes1)', real: 'transfer(address,uint256)', call: 'transfer' as const },
  ]) {
    test(`error: a grant naming ${impostor} (the selector of ${real}) is refused, and the owner's DEMO stays put`, async ({ context, fresh, rpcUrl, shoot }) => {
      const { key, owner, popup, dapp } = fresh;
      await connectedOwner(context, popup, dapp, key);
      const { attacker, balance, steal } = await attackerAndTokens(rpcUrl, owner.address);
      expect(await balance(owner.address)).toBe(DEMO);

      // The attack as reported: the owner approves whatever window appears (it shows the invented name).
      const grant = await answerOf<{ permissionsContext: Hex }>(context, dapp, 'wallet_grantPermissions', grantAllContracts((await chainNow(rpcUrl)) + 3600, [impostor]), async (w) => {
        await shoot(w, `security-impostor-${call}`);
        await decide(w, 'approve');
      });

      // Then the dApp sends the real token call through the session; any window for it is refused.
      const data =
        call === 'approve'
          ? encodeFunctionData({ abi: TOKEN_ABI, functionName: 'approve', args: [attacker, maxUint256] })
          : encodeFunctionData({ abi: TOKEN_ABI, functionName: 'transfer', args: [attacker, DEMO] });
      const capabilities = grant.answer.result ? { permissions: { context: grant.answer.result.permissionsContext } } : {};
      const send = await answerOf<{ id: Hex }>(
        context,
        dapp,
        'wallet_sendCalls',
        [{ version: '2.0.0', chainId: CHAIN, from: owner.address, atomicRequired: true, calls: [{ to: TOKEN, data }], capabilities }],
        (w) => decide(w, 'reject'),
      );
      if (send.answer.result) {
        await expect
          .poll(async () => ((await providerRequest<{ status: number }>(dapp, 'wallet_getCallsStatus', [send.answer.result!.id])).result?.status ?? 0), { timeout: 30_000 })
          .toBeGreaterThanOrEqual(200);
      }
      await steal();

      expect(await balance(owner.address), 'the owner keeps every DEMO').toBe(DEMO);
      expect(grant.window, 'no window shows the invented name').toBe(false);
      expect(grant.answer.error?.code).toBe(-32602);
      expect(grant.answer.error?.message).toContain(real);
    });
  }

  test('error: impostor names for token-moving functions are refused by both ERC-7715 methods, before any window', async ({ context, fresh, rpcUrl }) => {
    const { key, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const expiry = (await chainNow(rpcUrl)) + 3600;
    // Public 4-byte collisions (4byte.directory): invented names whose selector is a real function's.
    const corpus = [
      ['sign_szabo_bytecode(bytes16,uint128)', 'approve(address,uint256)'],
      ['watch_tg_invmru_2f69f1b(address,address)', 'approve(address,uint256)'],
      ['many_msg_babbage(bytes1)', 'transfer(address,uint256)'],
      ['join_tg_invmru_haha_fd06787(address,bool)', 'transfer(address,uint256)'],
      ['workMyDirefulOwner(uint256,uint256)', 'transfer(address,uint256)'],
      ['func_2093253501(bytes)', 'transfer(address,uint256)'],
      ['gasprice_bit_ether(int128)', 'transferFrom(address,address,uint256)'],
      ['niceFunctionHerePlzClick943230089(address,bool)', 'setApprovalForAll(address,bool)'],
    ] as const;
    for (const [impostor, real] of corpus) {
      for (const [method, params] of [
        ['wallet_grantPermissions', grantAllContracts(expiry, [impostor])],
        ['wallet_grantPermissions', [{ expiry, signer: { type: 'wallet' }, permissions: [{ type: 'contract-call', data: { address: TOKEN, calls: [impostor] }, policies: [], required: true }] }]],
        ['wallet_requestExecutionPermissions', [{ chainId: CHAIN, expiry, permission: { type: 'functions-on-all-contracts', data: { functions: [impostor] }, isAdjustmentAllowed: false } }]],
      ] as const) {
        const { answer, window } = await answerOf(context, dapp, method, params, (w) => decide(w, 'reject'));
        expect(window, `${method} ${impostor}: no window`).toBe(false);
        expect(answer.error, `${method} ${impostor}`).toMatchObject({ code: -32602 });
        expect(answer.error?.message, `${method} ${impostor}`).toContain(real);
      }
    }
  });

  test('behavior: approve on every contract, asked for by its real name, needs the red warning ticked', async ({ context, fresh, rpcUrl, shoot }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const { attacker, balance, steal } = await attackerAndTokens(rpcUrl, owner.address);
    const request = grantAllContracts((await chainNow(rpcUrl)) + 3600, ['approve(address,uint256)']);

    // Approve without the tick: refused as the owner's rejection, nothing granted.
    const unticked = await answerOf<{ permissionsContext: Hex }>(context, dapp, 'wallet_grantPermissions', request, async (w) => {
      const warning = w.getByTestId('grant-token-warning');
      await expect(warning).toContainText('This site could move or approve away any of your tokens, on every token contract');
      await expect(w.getByTestId('grant-details')).toContainText('0x095ea7b3');
      await shoot(w, 'security-token-warning');
      // Approve stays disabled until the tick, even once the window's pause is over.
      await expect(w.getByTestId('approval-reject')).toBeEnabled();
      await expect(w.getByTestId('approval-approve')).toBeDisabled();
      await decide(w, 'reject');
    });
    expect(unticked.window).toBe(true);
    expect(unticked.answer.error).toMatchObject({ code: 4001 });
    await steal();
    expect(await balance(owner.address)).toBe(DEMO);

    // With the tick, the owner knowingly grants it.
    const ticked = await answerOf<{ permissionsContext: Hex }>(context, dapp, 'wallet_grantPermissions', request, async (w) => {
      await w.getByTestId('grant-token-confirm').check();
      await shoot(w, 'security-token-warning-ticked');
      await decide(w, 'approve');
    });
    expect(ticked.answer.result?.permissionsContext).toMatch(/^0x[0-9a-f]{64}$/);
  });

  test('behavior: the call limit of an optional item the owner leaves out still applies', async ({ context, fresh, rpcUrl, shoot }) => {
    const { key, owner, popup, dapp } = fresh;
    await connectedOwner(context, popup, dapp, key);
    const request = [
      {
        expiry: (await chainNow(rpcUrl)) + 3600,
        signer: { type: 'wallet' },
        permissions: [
          { type: 'contract-call', data: { address: GAME, calls: ['move(uint8)'] }, policies: [], required: true },
          {
            type: 'native-token-transfer',
            data: { ticker: 'ETH' },
            policies: [
              { type: 'token-allowance', data: { allowance: numberToHex(parseEther('0.01')) } },
              { type: 'call-limit', data: { count: 2 } },
            ],
            required: false,
          },
        ],
      },
    ];
    const grant = await answerOf<{ permissionsContext: Hex; grantedPermissions: { policies: { type: string; data: { count?: number } }[] }[] }>(
      context,
      dapp,
      'wallet_grantPermissions',
      request,
      async (w) => {
        await w.getByTestId('grant-item-1').uncheck();
        await expect(w.getByTestId('grant-details')).toContainText('At most 2 calls');
        await shoot(w, 'security-call-limit-unticked');
        await decide(w, 'approve');
      },
    );
    const policies = grant.answer.result!.grantedPermissions.flatMap((p) => p.policies);
    expect(policies).toContainEqual({ type: 'call-limit', data: { count: 2 } });
    expect(grant.answer.result!.grantedPermissions.map((p) => (p as unknown as { type: string }).type)).not.toContain('native-token-transfer');

    // Three moves are more than the session allows: the owner is asked, and refusing moves nothing.
    const before = await gameScore(rpcUrl, GAME, owner.address);
    const move = (d: number) => ({ to: GAME, data: encodeFunctionData({ abi: MOVE_ABI, functionName: 'move', args: [d] }) });
    const send = await answerOf(
      context,
      dapp,
      'wallet_sendCalls',
      [{ version: '2.0.0', chainId: CHAIN, from: owner.address, atomicRequired: true, calls: [move(0), move(1), move(2)], capabilities: { permissions: { context: grant.answer.result!.permissionsContext } } }],
      (w) => decide(w, 'reject'),
    );
    expect(send.window, 'a third call goes to the owner').toBe(true);
    expect(send.answer.error).toMatchObject({ code: 4001 });
    expect(await gameScore(rpcUrl, GAME, owner.address)).toBe(before);
  });
});
