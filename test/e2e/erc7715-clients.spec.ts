// ERC-7715 dApp-held grants with the clients dApps really use, in a test page (test/e2e/pages/kit/)
// on the dApp's origin: MetaMask's `@metamask/smart-accounts-kit` (erc7715ProviderActions, then its
// ERC-7710 sendTransactionWithDelegation) and viem's experimental grantPermissions (then a plain
// viem writeContract to the DelegationManager). The page keeps its own session account, which pays
// its own gas; every outcome is read from the devnet. The extension never bundles the kit.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createTestClient, createWalletClient, encodeFunctionData, http, parseAbi, parseEther, parseUnits, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { devnetChain } from '../../devnet/constants';
import deployment from '../../devnet/deployment.json' with { type: 'json' };
import { E2E_EXTENSION_DIR } from '../../scripts/lib/test-env';
import { expect, providerRequest, test } from './fixtures';
import { approvalWindow, connectedOwner, decide, gameScore, publicClient } from './helpers';
import { TEST_PAGES_OUT_DIR } from './pages/build';

const TOKEN = deployment.contracts.DemoToken as Address;
const GAME = deployment.contracts.DemoGame as Address;
const TOKEN_ABI = parseAbi(['function mint(address to, uint256 amount)', 'function transfer(address to, uint256 amount) returns (bool)', 'function balanceOf(address) view returns (uint256)']);
const GAME_ABI = parseAbi(['function move(uint8 direction)', 'function buyItem(uint256 itemId) payable']);

type Answer<T> = { result: T; error?: undefined } | { result?: undefined; error: { code?: number; message?: string } };

/** Calls `window.kitPage[name](arg)` in the test page; { result } or { error: { code, message } }. */
function kitPage<T>(page: Page, name: string, arg?: unknown): Promise<Answer<T>> {
  return page.evaluate(
    async ([n, a]) => {
      try {
        const api = (window as unknown as { kitPage: Record<string, (x: unknown) => Promise<unknown>> }).kitPage;
        return { result: await api[n]!(a) };
      } catch (e) {
        const err = e as { code?: number; message?: string; cause?: { code?: number } };
        return { error: { code: err.code ?? err.cause?.code, message: err.message } };
      }
    },
    [name, arg] as const,
  ) as Promise<Answer<T>>;
}

/** Opens the test page on the connected dApp origin; returns the page's session account. */
async function openKitPage(dapp: Page, dappUrl: string, rpcUrl: string): Promise<Address> {
  await dapp.goto(`${dappUrl}test-pages/kit/?rpc=${encodeURIComponent(rpcUrl)}`);
  await expect(dapp.locator('body')).toHaveAttribute('data-ready', 'true');
  return (await dapp.evaluate(() => (window as unknown as { kitPage: { session: string } }).kitPage.session)) as Address;
}

/** Records (and refuses) every request that would leave this machine: the kit must post no analytics. */
async function recordOutsideRequests(page: Page): Promise<string[]> {
  const outside: string[] = [];
  await page.context().route(
    (url) => url.protocol.startsWith('http') && url.hostname !== '127.0.0.1' && url.hostname !== 'localhost',
    async (route) => {
      outside.push(route.request().url());
      await route.abort();
    },
  );
  return outside;
}

interface KitGranted {
  chainId: number;
  from: Address;
  to: Address;
  permission: { type: string; isAdjustmentAllowed: boolean; data: Record<string, unknown> };
  rules: { type: string; data: Record<string, unknown> }[];
  context: Hex;
  delegationManager: Address;
  dependencies: unknown[];
}

interface ViemGranted {
  expiry: number;
  grantedPermissions: { type: string; data: Record<string, unknown> }[];
  permissionsContext: Hex;
  signerData: { submitToAddress: Address };
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Strings only the kit carries (its analytics endpoint and event names); none is in delegation-core or viem. */
const KIT_MARKERS = ['mm-sdk-analytics', 'smart_accounts_kit_function_called', 'metamask/smart-accounts-kit'];

test.describe('ERC-7715 from the clients dApps use: a dApp-held session account', () => {
  test('behavior: the extension build holds no smart-accounts-kit code; the test page that uses the kit does', () => {
    const markersIn = (dir: string) => filesUnder(dir).flatMap((f) => KIT_MARKERS.filter((m) => fs.readFileSync(f, 'latin1').includes(m)).map((m) => `${path.relative(dir, f)}: ${m}`));
    // The markers are real: the page built with the kit has every one of them.
    expect(new Set(markersIn(path.join(TEST_PAGES_OUT_DIR, 'kit')).map((s) => s.split(': ')[1]))).toEqual(new Set(KIT_MARKERS));
    expect(fs.existsSync(path.join(E2E_EXTENSION_DIR, 'manifest.json'))).toBe(true);
    expect(markersIn(E2E_EXTENSION_DIR)).toEqual([]);
  });

  test("behavior: smart-accounts-kit requests native-token-periodic and erc20-token-periodic for its own account; the page redeems each with the kit's sendTransactionWithDelegation within the period (paid), beyond it (reverts), again after the period (paid), and not after revoking by permissionContext; another origin lists none of them", async ({
    context,
    fresh,
    dappUrl,
    dappUrl2,
    rpcUrl,
    shoot,
  }) => {
    test.setTimeout(180_000);
    const { key, owner, popup, dapp } = fresh;
    const outside = await recordOutsideRequests(dapp);
    await connectedOwner(context, popup, dapp, key);
    const chain = devnetChain(rpcUrl);
    const client = publicClient(rpcUrl);
    const testClient = createTestClient({ chain, transport: http(rpcUrl), mode: 'anvil' });
    // This test moves the devnet's clock by hours; the specs after it grant with wall-clock expiries
    // (the demo dApp's), so the chain (clock included) is put back as it was at the end.
    const snapshot = await testClient.snapshot();
    try {
      const session = await openKitPage(dapp, dappUrl, rpcUrl);
      await testClient.setBalance({ address: session, value: parseEther('1') }); // the dApp's own gas money
      // DEMO for the owner (the devnet's faucet is public).
      const minter = createWalletClient({ chain, transport: http(rpcUrl), account: privateKeyToAccount(generatePrivateKey()) });
      await testClient.setBalance({ address: minter.account.address, value: parseEther('1') });
      await client.waitForTransactionReceipt({ hash: await minter.writeContract({ address: TOKEN, abi: TOKEN_ABI, functionName: 'mint', args: [owner.address, parseUnits('100', 18)] }) });

      const supported = await kitPage<Record<string, { chainIds: number[]; ruleTypes: string[] }>>(dapp, 'getSupported');
      expect(supported.result?.['native-token-periodic']).toEqual({ chainIds: [31337], ruleTypes: ['expiry', 'redeemer'] });
      expect(supported.result?.['erc20-token-periodic']).toEqual({ chainIds: [31337], ruleTypes: ['expiry', 'redeemer'] });

      const PERIOD = 3600;
      const expiry = Number((await client.getBlock()).timestamp) + 3 * PERIOD;
      let answered: Promise<Answer<KitGranted[]>> | undefined;
      const w = await approvalWindow(context, async () => {
        answered = kitPage<KitGranted[]>(dapp, 'requestPeriodic', {
          expiry,
          periodDuration: PERIOD,
          native: parseEther('0.1').toString(),
          token: TOKEN,
          tokenAmount: parseUnits('10', 18).toString(),
          justification: 'Weekly subscription',
        });
      });
      await expect(w.getByTestId('grant-holder')).toHaveAttribute('data-holder', 'dapp');
      await expect(w.getByTestId('grant-holder-address')).toHaveText(session);
      await expect(w.getByTestId('grant-details')).toContainText('0.1 ETH');
      await expect(w.getByTestId('grant-details')).toContainText('10 DEMO');
      await expect(w.getByTestId('grant-details')).toContainText('hour');
      await shoot(w, 'grant-kit-periodic');
      await decide(w, 'approve');
      const answer = await answered!;
      expect(answer.error).toBeUndefined();
      const granted = answer.result!;
      // What the kit's own types promise: the request repeated, with context, delegationManager, dependencies.
      expect(granted).toHaveLength(2);
      const [native, token] = granted as [KitGranted, KitGranted];
      expect(native).toMatchObject({
        chainId: 31337,
        from: owner.address,
        to: session,
        permission: { type: 'native-token-periodic', data: { periodAmount: parseEther('0.1').toString(), periodDuration: PERIOD } },
        rules: [{ type: 'expiry', data: { timestamp: expiry } }],
        delegationManager: deployment.contracts.DelegationManager,
        dependencies: [],
      });
      expect(token).toMatchObject({
        to: session,
        permission: { type: 'erc20-token-periodic', data: { tokenAddress: TOKEN, periodAmount: parseUnits('10', 18).toString(), periodDuration: PERIOD } },
        delegationManager: deployment.contracts.DelegationManager,
      });

      const recipient = privateKeyToAccount(generatePrivateKey()).address;
      const sendEth = (entry: KitGranted, eth: string) =>
        kitPage<string>(dapp, 'redeemWithKit', { permissionContext: entry.context, delegationManager: entry.delegationManager, to: recipient, value: parseEther(eth).toString() });
      const sendDemo = (entry: KitGranted, demo: string) =>
        kitPage<string>(dapp, 'redeemWithKit', {
          permissionContext: entry.context,
          delegationManager: entry.delegationManager,
          to: TOKEN,
          data: encodeFunctionData({ abi: TOKEN_ABI, functionName: 'transfer', args: [recipient, parseUnits(demo, 18)] }),
        });
      const demoOf = (a: Address) => client.readContract({ address: TOKEN, abi: TOKEN_ABI, functionName: 'balanceOf', args: [a] });

      // Within this period's amount: paid. Over what is left of it: reverted on chain.
      expect(await sendEth(native, '0.06')).toEqual({ result: 'success' });
      expect(await sendEth(native, '0.06')).toEqual({ result: 'reverted' }); // 0.04 left this hour
      expect(await client.getBalance({ address: recipient })).toBe(parseEther('0.06'));
      expect(await sendDemo(token, '6')).toEqual({ result: 'success' });
      expect(await sendDemo(token, '6')).toEqual({ result: 'reverted' }); // 4 DEMO left this hour
      expect(await demoOf(recipient)).toBe(parseUnits('6', 18));

      // The next period: the amount is back.
      await testClient.increaseTime({ seconds: PERIOD });
      await testClient.mine({ blocks: 1 });
      expect(await sendEth(native, '0.06')).toEqual({ result: 'success' });
      expect(await sendDemo(token, '6')).toEqual({ result: 'success' });
      expect(await client.getBalance({ address: recipient })).toBe(parseEther('0.12'));
      expect(await demoOf(recipient)).toBe(parseUnits('12', 18));

      // The kit lists what this site holds.
      const listed = await kitPage<KitGranted[]>(dapp, 'getGranted');
      expect(listed.result?.map((g) => [g.permission.type, g.context])).toEqual([
        ['native-token-periodic', native.context],
        ['erc20-token-periodic', token.context],
      ]);

      // Another origin, connected to the same owner, sees none of these grants and cannot revoke them.
      const other = await context.newPage();
      await other.goto(dappUrl2);
      await decide(await approvalWindow(context, () => other.click('#connect')), 'approve');
      expect(await providerRequest(other, 'wallet_getGrantedExecutionPermissions', [])).toEqual({ result: [] });
      const foreign = await providerRequest(other, 'wallet_revokeExecutionPermission', [{ permissionContext: native.context }]);
      expect(foreign.error?.code).toBe(-32602);
      expect((await kitPage<KitGranted[]>(dapp, 'getGranted')).result).toHaveLength(2);

      // Revoked by the context the kit returned: disabled on chain, both redemptions revert.
      const revoked = await providerRequest<{ revokeTx: Hex }>(dapp, 'wallet_revokeExecutionPermission', [{ permissionContext: token.context }]);
      expect(revoked.result?.revokeTx).toMatch(/^0x[0-9a-f]{64}$/);
      await testClient.increaseTime({ seconds: PERIOD });
      await testClient.mine({ blocks: 1 });
      expect(await sendEth(native, '0.01')).toEqual({ result: 'reverted' });
      expect(await sendDemo(token, '1')).toEqual({ result: 'reverted' });
      expect(await client.getBalance({ address: recipient })).toBe(parseEther('0.12'));
      expect(await demoOf(recipient)).toBe(parseUnits('12', 18));
      expect((await kitPage<KitGranted[]>(dapp, 'getGranted')).result).toEqual([]);

      expect(outside).toEqual([]); // the kit's analytics never left the page
    } finally {
      await testClient.revert({ id: snapshot });
    }
  });
  test("behavior: viem's grantPermissions with a contract-call for the page's own account (signer account); the page redeems DemoGame.move with viem writeContract to signerData.submitToAddress (paid, score on chain), a function outside it reverts, revoking by permissionsContext makes the next one revert", async ({
    context,
    fresh,
    dappUrl,
    rpcUrl,
    shoot,
  }) => {
    test.setTimeout(120_000);
    const { key, owner, popup, dapp } = fresh;
    const outside = await recordOutsideRequests(dapp);
    await connectedOwner(context, popup, dapp, key);
    const chain = devnetChain(rpcUrl);
    const client = publicClient(rpcUrl);
    const session = await openKitPage(dapp, dappUrl, rpcUrl);
    await createTestClient({ chain, transport: http(rpcUrl), mode: 'anvil' }).setBalance({ address: session, value: parseEther('1') });

    const expiry = Number((await client.getBlock()).timestamp) + 3600;
    let answered: Promise<Answer<ViemGranted>> | undefined;
    const w = await approvalWindow(context, async () => {
      answered = kitPage<ViemGranted>(dapp, 'grantWithViem', { expiry, address: GAME, calls: ['move(uint8)'] });
    });
    await expect(w.getByTestId('grant-holder')).toHaveAttribute('data-holder', 'dapp');
    await expect(w.getByTestId('grant-holder-address')).toHaveText(session);
    await expect(w.getByTestId('grant-details')).toContainText('move');
    await shoot(w, 'grant-viem-contract-call');
    await decide(w, 'approve');
    const answer = await answered!;
    expect(answer.error).toBeUndefined();
    const granted = answer.result!;
    expect(granted).toMatchObject({
      expiry,
      grantedPermissions: [{ type: 'contract-call', data: { address: GAME, calls: ['move(uint8)'] } }],
      // viem keeps signerData (not signerMeta): where a key the dApp holds submits its redemption.
      signerData: { submitToAddress: deployment.contracts.DelegationManager },
    });
    const dm = granted.signerData.submitToAddress;
    const call = (data: Hex, to: Address = GAME) => kitPage<string>(dapp, 'redeemWithViem', { delegationManager: dm, permissionsContext: granted.permissionsContext, to, data });
    const move = encodeFunctionData({ abi: GAME_ABI, functionName: 'move', args: [1] });

    // Allowed: the owner's account moves (DemoGame counts msg.sender, the delegator).
    expect(await call(move)).toEqual({ result: 'success' });
    expect(await call(move)).toEqual({ result: 'success' });
    expect(await gameScore(rpcUrl, GAME, owner.address)).toBe(2n);
    // Outside the permission: another function of the game, and another contract.
    expect(await call(encodeFunctionData({ abi: GAME_ABI, functionName: 'buyItem', args: [1n] }))).toEqual({ result: 'reverted' });
    expect(await call(encodeFunctionData({ abi: TOKEN_ABI, functionName: 'transfer', args: [session, 1n] }), TOKEN)).toEqual({ result: 'reverted' });
    expect(await gameScore(rpcUrl, GAME, owner.address)).toBe(2n);

    // Revoked by the permissionsContext viem returned: the next allowed call reverts too.
    const revoked = await providerRequest<{ revokeTx: Hex }>(dapp, 'wallet_revokeExecutionPermission', [{ permissionContext: granted.permissionsContext }]);
    expect(revoked.result?.revokeTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await call(move)).toEqual({ result: 'reverted' });
    expect(await gameScore(rpcUrl, GAME, owner.address)).toBe(2n);
    expect(outside).toEqual([]);
  });
});
