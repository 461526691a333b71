// A dApp as MetaMask's ERC-7715 docs write one: it keeps its own session account (a viem local
// account; the test funds it, it pays its own gas), asks the wallet for execution permissions with
// `@metamask/smart-accounts-kit`'s erc7715ProviderActions (or viem's experimental grantPermissions)
// over window.ethereum, and redeems them itself on the devnet with ERC-7710 redeemDelegations
// (the kit's sendTransactionWithDelegation, or a plain viem writeContract). The e2e spec drives it
// through `window.kitPage`. Test page only: the extension never bundles the kit.
//
// The kit posts usage analytics to MetaMask unless Do-Not-Track is set (its isAnalyticsDisabled
// reads navigator.doNotTrack). It is set before the kit's first call, and the spec fails on any
// request that leaves 127.0.0.1.
Object.defineProperty(navigator, 'doNotTrack', { value: '1', configurable: true });

import { erc7710WalletActions, erc7715ProviderActions } from '@metamask/smart-accounts-kit/actions';
import { overrideDeployedEnvironment } from '@metamask/smart-accounts-kit/utils';
import { DelegationManager } from '@metamask/delegation-abis';
import { createClient, createPublicClient, createWalletClient, custom, defineChain, encodePacked, http, type Address, type EIP1193Provider, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { erc7715Actions } from 'viem/experimental';
import deployment from '../../../../devnet/deployment.json';

const rpcUrl = new URLSearchParams(location.search).get('rpc') ?? 'http://127.0.0.1:8545';
const devnet = defineChain({
  id: deployment.chainId,
  name: 'Anvil devnet',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [rpcUrl] } },
});

// The kit checks the DelegationManager it is given against its table of deployments, which has no
// entry for a local devnet: the devnet's deployment is registered the way the kit's docs say.
const c = deployment.contracts;
overrideDeployedEnvironment(devnet.id, '1.3.0', {
  DelegationManager: c.DelegationManager as Address,
  EntryPoint: c.EntryPoint as Address,
  SimpleFactory: '0x0000000000000000000000000000000000000000',
  implementations: { EIP7702StatelessDeleGatorImpl: c.EIP7702StatelessDeleGatorImpl as Address },
  caveatEnforcers: c.caveatEnforcers as Record<string, Address>,
});

const ethereum = (window as unknown as { ethereum: EIP1193Provider }).ethereum;
const session = privateKeyToAccount(generatePrivateKey());
document.getElementById('session-account')!.textContent = session.address;

// The wallet, through the kit and through viem.
const kit = createClient({ chain: devnet, transport: custom(ethereum) }).extend(erc7715ProviderActions());
const viemWallet = createWalletClient({ chain: devnet, transport: custom(ethereum) }).extend(erc7715Actions());
// The session account on the chain: it sends (and pays for) its own redemptions.
const chain = createPublicClient({ chain: devnet, transport: http(rpcUrl) });
const sessionWallet = createWalletClient({ account: session, chain: devnet, transport: http(rpcUrl) }).extend(erc7710WalletActions());

// A refused redemption must reach the chain and revert there (that is what the spec checks), so the
// gas is fixed instead of estimated (an estimate of a reverting call throws before sending).
const GAS = 900_000n;

/** bigint -> decimal string, so answers cross page.evaluate as JSON. */
const plain = <T>(v: T): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)));

async function statusOf(hash: Hex): Promise<'success' | 'reverted'> {
  return (await chain.waitForTransactionReceipt({ hash })).status;
}

const api = {
  session: session.address,

  /** The kit's requestExecutionPermissions: an ETH and a token allowance per period, held by the session account. */
  async requestPeriodic(a: { expiry: number; periodDuration: number; native: string; token: Address; tokenAmount: string; justification: string }) {
    const granted = await kit.requestExecutionPermissions([
      {
        chainId: devnet.id,
        expiry: a.expiry,
        to: session.address,
        permission: { type: 'native-token-periodic', isAdjustmentAllowed: false, data: { periodAmount: BigInt(a.native), periodDuration: a.periodDuration, justification: a.justification } },
      },
      {
        chainId: devnet.id,
        expiry: a.expiry,
        to: session.address,
        permission: {
          type: 'erc20-token-periodic',
          isAdjustmentAllowed: false,
          data: { tokenAddress: a.token, periodAmount: BigInt(a.tokenAmount), periodDuration: a.periodDuration, justification: a.justification },
        },
      },
    ]);
    return plain(granted);
  },

  async getSupported() {
    return plain(await kit.getSupportedExecutionPermissions());
  },

  async getGranted() {
    return plain(await kit.getGrantedExecutionPermissions());
  },

  /** The kit's ERC-7710 redemption: one call through the DelegationManager, sent by the session account. */
  async redeemWithKit(a: { permissionContext: Hex; delegationManager: Address; to: Address; value?: string; data?: Hex }) {
    const hash = await sessionWallet.sendTransactionWithDelegation({
      chain: devnet,
      account: session,
      permissionContext: a.permissionContext,
      delegationManager: a.delegationManager,
      to: a.to,
      value: BigInt(a.value ?? '0'),
      data: a.data ?? '0x',
      gas: GAS,
    });
    return statusOf(hash);
  },

  /** viem's experimental grantPermissions with the session account as signer (a local account: `signer: { type: 'account' }`). */
  async grantWithViem(a: { expiry: number; address: Address; calls: string[] }) {
    const granted = await viemWallet.grantPermissions({
      account: session,
      expiry: a.expiry,
      permissions: [{ type: 'contract-call', data: { address: a.address, calls: a.calls }, policies: [], required: true }],
    });
    return plain(granted);
  },

  /** A plain viem redemption: redeemDelegations([context], [single default], [target ++ value ++ calldata]). */
  async redeemWithViem(a: { delegationManager: Address; permissionsContext: Hex; to: Address; data: Hex }) {
    const executionCalldata = encodePacked(['address', 'uint256', 'bytes'], [a.to, 0n, a.data]);
    const hash = await sessionWallet.writeContract({
      address: a.delegationManager,
      abi: DelegationManager,
      functionName: 'redeemDelegations',
      args: [[a.permissionsContext], ['0x0000000000000000000000000000000000000000000000000000000000000000'], [executionCalldata]],
      gas: GAS,
    });
    return statusOf(hash);
  },
};

(window as unknown as { kitPage: typeof api }).kitPage = api;
document.body.dataset.ready = 'true';
