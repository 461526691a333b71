// Starts what the e2e tests talk to: a fresh devnet with the framework deployed, and the demo dApp
// served on two origins (with the test pages under /test-pages/). Returns the teardown Playwright runs at the end.
import { startDevnet } from '../../devnet/index';
import { buildDapp, serveDapp } from '../../scripts/dapp';
import { buildTestPages } from './pages/build';
import { E2E_DAPP_PORT, E2E_DAPP_PORT_2, E2E_DEVNET_PORT } from '../../scripts/lib/test-env';

export default async function globalSetup() {
  const devnet = await startDevnet({ port: E2E_DEVNET_PORT, quiet: true });
  await buildDapp();
  await buildTestPages(); // served under the dApp's origin: /test-pages/<name>/
  const dapp = await serveDapp({ port: E2E_DAPP_PORT });
  const dapp2 = await serveDapp({ port: E2E_DAPP_PORT_2 });
  process.env.E2E_RPC_URL = devnet.rpcUrl;
  return async () => {
    await Promise.allSettled([dapp.close(), dapp2.close()]);
    await devnet.stop();
  };
}
