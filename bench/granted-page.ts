// What the provider bench and the cold-send scripts set up first: an owner imported through the
// popup, the bench dApp connected through window.ethereum and granted the bench's session through
// the approval window (session-node.ts's grant request: the same scope the Node floor redeems).
import type { BrowserContext } from '@playwright/test';
import { numberToHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { SessionCall } from '../src/permissions/types';
import { approve, importOwner, providerRequest, resultOf } from './extension';
import { check } from './lib';
import { grantRequest, type BenchEnv } from './session-node';

export async function grantedPage(context: BrowserContext, extensionId: string, env: BenchEnv, dappUrl: string) {
  const ownerKey = generatePrivateKey();
  const owner = privateKeyToAccount(ownerKey).address;
  await env.setBalance(owner, 10n ** 21n); // 1000 ETH: the grant pays the upgrade and the stipend
  await importOwner(context, extensionId, ownerKey);
  const page = await context.newPage();
  await page.goto(dappUrl);
  await page.waitForFunction(() => 'ethereum' in window);
  // tsx (esbuild, keepNames) wraps named functions in __name(...), also inside the functions
  // given to page.evaluate, which then run in the page where no __name exists.
  await page.evaluate('globalThis.__name = (f) => f');
  const accounts = resultOf(await approve(context, () => providerRequest<Address[]>(page, 'eth_requestAccounts')), 'eth_requestAccounts');
  check(accounts[0]?.toLowerCase() === owner.toLowerCase(), `connected ${accounts[0]}, expected the owner ${owner}`);
  const request = grantRequest(env.game, (await env.now()) + 3600);
  const granted = resultOf(
    await approve(context, () => providerRequest<{ permissionsContext: Hex }>(page, 'wallet_grantPermissions', [request])),
    'wallet_grantPermissions',
  );
  /** wallet_sendCalls's params for these calls through the session. */
  const sendParams = (calls: SessionCall[]) => ({
    version: '2.0.0',
    chainId: numberToHex(env.chain.id),
    from: owner,
    atomicRequired: true,
    calls: calls.map((c) => ({ to: c.to, data: c.data, value: numberToHex(c.value) })),
    capabilities: { permissions: { context: granted.permissionsContext } },
  });
  return { page, owner, request, sendParams };
}
