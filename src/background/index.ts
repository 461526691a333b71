// Wires the background service worker: the provider router and the popup's messages.
import { browser } from 'wxt/browser';
import { builtInChains, DEFAULT_CHAIN_ID, type ChainConfig } from '../chains/registry';
import { httpChainRpc } from '../rpc/chain-rpc';
import { eth_chainId, net_version } from '../rpc/methods/chain';
import { createRouter } from '../rpc/router';
import { handlePopupMessage, isPopupRequest } from './popup-api';
import { handleProviderMessage, isBackgroundRequestMessage } from './provider-handler';
import { readWalletStatus } from './status';

export const providerRouter = createRouter([eth_chainId, net_version]);

async function currentChain(): Promise<ChainConfig> {
  // Issue-3 territory: the owner picks the network in the popup. Until then, the devnet.
  return builtInChains.find((c) => c.id === DEFAULT_CHAIN_ID)!;
}

export function startBackground(): void {
  const extensionId = browser.runtime.id;
  const extensionOrigin = browser.runtime.getURL('/');
  const chainContext = async () => {
    const chain = await currentChain();
    return { chain, chainRpc: httpChainRpc(chain.rpcUrl) };
  };
  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    if (isBackgroundRequestMessage(message)) {
      return handleProviderMessage(message, sender, { router: providerRouter, extensionId, chainContext });
    }
    if (isPopupRequest(message)) {
      return handlePopupMessage(message, sender, extensionOrigin, {
        async status() {
          const { chain, chainRpc } = await chainContext();
          return readWalletStatus(chain, chainRpc);
        },
      });
    }
    return undefined;
  });
}
