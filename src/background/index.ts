// The wallet's background: the dApp provider router, the wallet API for the wallet's own pages, and
// the alarms. Built into wallet.js (entrypoints/wallet.ts), which the small worker script
// (bootstrap.ts, entrypoints/background.ts) loads when an event needs it; the bootstrap owns the
// listeners, registered synchronously at the worker's top level as MV3 requires.
import { browser } from 'wxt/browser';
import { connectEarly } from '../chains/clients';
import { httpChainRpc } from '../rpc/chain-rpc';
import { eth_accounts, eth_requestAccounts, wallet_getPermissions, wallet_requestPermissions } from '../rpc/methods/accounts';
import { eth_chainId, net_version, wallet_addEthereumChain, wallet_switchEthereumChain } from '../rpc/methods/chain';
import { eth_signTypedData_v4, personal_ecRecover, personal_sign } from '../rpc/methods/sign';
import { eth_sendTransaction, wallet_getCallsStatus, wallet_getCapabilities, wallet_sendCalls, wallet_showCallsStatus } from '../rpc/methods/calls';
import {
  wallet_getGrantedExecutionPermissions,
  wallet_getSupportedExecutionPermissions,
  wallet_grantPermissions,
  wallet_requestExecutionPermissions,
  wallet_revokeExecutionPermission,
  wallet_revokePermissions,
} from '../rpc/methods/permissions';
import { wallet_watchAsset } from '../rpc/methods/assets';
import { SESSION_SWEEP_ALARM } from '../sessions/service';
import { syncMetaMaskCompat } from '../provider/metamask-compat';
import { createRouter } from '../rpc/router';
import { rememberTab } from './events';
import { handleProviderMessage, isBackgroundRequestMessage } from './provider-handler';
import { createServices } from './services';
import { handleWalletApiMessage, isWalletApiMessage } from './wallet-api';
import type { WalletHandlers } from './wallet-script';

export const providerRouter = createRouter([
  eth_chainId,
  net_version,
  eth_requestAccounts,
  eth_accounts,
  wallet_requestPermissions,
  wallet_getPermissions,
  wallet_switchEthereumChain,
  wallet_addEthereumChain,
  personal_sign,
  personal_ecRecover,
  eth_signTypedData_v4,
  wallet_getCapabilities,
  wallet_sendCalls,
  wallet_getCallsStatus,
  wallet_showCallsStatus,
  eth_sendTransaction,
  wallet_grantPermissions,
  wallet_requestExecutionPermissions,
  wallet_revokePermissions,
  wallet_getGrantedExecutionPermissions,
  wallet_getSupportedExecutionPermissions,
  wallet_revokeExecutionPermission,
  wallet_watchAsset,
]);

/**
 * Starts the wallet and returns what handles each event the worker listens to. The listeners
 * themselves are the bootstrap's (bootstrap.ts), registered at the worker's top level; the wallet
 * is started on the first event the bootstrap cannot answer alone (and at install).
 */
export function startWallet(): WalletHandlers {
  const services = createServices();
  const extensionId = browser.runtime.id;
  const extensionOrigin = browser.runtime.getURL('/');

  // The current chain is read now, while the waking request is still on its way, not after it has
  // arrived (the first message then finds it cached; Networks drops the cache when it changes), and
  // its node connection opened (a WebSocket is ready a round trip or two later: clients.ts).
  services.networks
    .current()
    .then(connectEarly)
    .catch(() => undefined);
  // Likewise what nearly every dApp request reads, into the caches those services keep anyway
  // (dropped when the key changes): the connections, the chains' backends, the session records.
  // Read together now rather than one after another inside the request (issue 15: a cold send).
  void services.connections.all().catch(() => undefined);
  void services.backends.setting(0).catch(() => undefined);
  void services.sessions.all().catch(() => undefined);

  const chainContext = async () => {
    const chain = await services.networks.current();
    return { chain, chainRpc: httpChainRpc(chain.rpcUrl) };
  };

  // Registered scripts survive worker restarts but not every update: make them match the setting.
  // A second after start, not during it: the request that woke the worker goes first (issue 15),
  // and a woken worker lives at least 30 s, so this still runs on every start of the wallet (every
  // install and update included: the bootstrap starts the wallet then).
  setTimeout(() => void syncMetaMaskCompat().catch((e) => console.error('[wallet] could not register the MetaMask-compatibility script', e)), 1_000);

  return {
    onMessage(message, sender) {
      if (isBackgroundRequestMessage(message)) {
        return handleProviderMessage(message, sender, { router: providerRouter, extensionId, services, chainContext, onOrigin: (origin) => rememberTab(sender.tab?.id, origin, sender.frameId, (sender as { documentId?: string }).documentId) });
      }
      if (isWalletApiMessage(message)) return handleWalletApiMessage(message, sender, extensionOrigin, services);
      return undefined;
    },
    onAlarm(alarm) {
      void services.vault.onAlarm(alarm.name);
      if (alarm.name === SESSION_SWEEP_ALARM) {
        const byId = (id: number) => services.networks.byId(id);
        void services.sessions.sweepExpired(byId).then(() => services.sessions.retrySweeps(byId));
      }
    },
    onWindowRemoved(windowId) {
      void services.approvals.onWindowRemoved(windowId);
    },
  };
}
