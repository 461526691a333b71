// Wires the background service worker: the dApp provider router, the wallet API for the wallet's
// own pages, and the alarms. Listeners are registered synchronously at startup, as MV3 requires
// for a worker that the browser wakes up on an event.
import { browser } from 'wxt/browser';
import { httpChainRpc } from '../rpc/chain-rpc';
import { eth_accounts, eth_requestAccounts, wallet_getPermissions, wallet_requestPermissions } from '../rpc/methods/accounts';
import { eth_chainId, net_version, wallet_addEthereumChain, wallet_switchEthereumChain } from '../rpc/methods/chain';
import { eth_signTypedData_v4, personal_sign } from '../rpc/methods/sign';
import { createRouter } from '../rpc/router';
import { rememberTab } from './events';
import { handleProviderMessage, isBackgroundRequestMessage } from './provider-handler';
import { createServices } from './services';
import { handleWalletApiMessage, isWalletApiMessage } from './wallet-api';

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
  eth_signTypedData_v4,
]);

export function startBackground(): void {
  const services = createServices();
  const extensionId = browser.runtime.id;
  const extensionOrigin = browser.runtime.getURL('/');

  const chainContext = async () => {
    const chain = await services.networks.current();
    return { chain, chainRpc: httpChainRpc(chain.rpcUrl) };
  };

  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    if (isBackgroundRequestMessage(message)) {
      return handleProviderMessage(message, sender, { router: providerRouter, extensionId, services, chainContext, onOrigin: (origin) => rememberTab(sender.tab?.id, origin) });
    }
    if (isWalletApiMessage(message)) return handleWalletApiMessage(message, sender, extensionOrigin, services);
    return undefined;
  });

  browser.alarms.onAlarm.addListener((alarm) => void services.vault.onAlarm(alarm.name));
  browser.windows.onRemoved.addListener((windowId) => void services.approvals.onWindowRemoved(windowId));
}
