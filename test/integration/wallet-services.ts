// The wallet's own background services over fakeBrowser, on the devnet (not a test file itself):
// a real Vault with a fresh owner holding 10 ETH, connected to one site, and an owner who rejects
// every window (4001) while the test reads what each window was asked to show.
import { parseEther, type Address } from 'viem';
import { generatePrivateKey } from 'viem/accounts';
import { vi } from 'vitest';
import { Approvals } from '../../src/approvals/service';
import type { ApprovalRequest } from '../../src/approvals/types';
import { Backends } from '../../src/backends/choice';
import type { Services } from '../../src/background/services';
import { Bundles } from '../../src/calls/bundles';
import { Networks } from '../../src/chains/network';
import { Connections } from '../../src/connections/connections';
import { UserRejectedError } from '../../src/errors';
import { memoryDeviceKeyStore, SessionKeyVault } from '../../src/sessions/key-store';
import { Sessions } from '../../src/sessions/service';
import { parsePrivateKey } from '../../src/vault/owner-secret';
import { Vault } from '../../src/vault/vault';

export const PASSWORD = 'Correct-Horse-9';

export interface Wallet {
  s: Services;
  owner: Address;
  /** What the owner's window was asked to show (the test rejects it: 4001). */
  windows: ApprovalRequest[];
}

export async function walletRejectingWindows(testClient: { setBalance(a: { address: Address; value: bigint }): Promise<unknown> }, site: string): Promise<Wallet> {
  const vault = new Vault({ kdfIterations: 1000 });
  const bundles = new Bundles();
  const backends = new Backends();
  const sessions = new Sessions({ vault, bundles, backends, keys: new SessionKeyVault(memoryDeviceKeyStore()) });
  const s: Services = { vault, bundles, backends, sessions, networks: new Networks(), approvals: new Approvals(), connections: new Connections(), events: { broadcast: async () => undefined } };
  const owner = await vault.create(parsePrivateKey(generatePrivateKey()), PASSWORD, PASSWORD);
  await testClient.setBalance({ address: owner, value: parseEther('10') });
  await s.connections.connect(site, owner);
  const windows: ApprovalRequest[] = [];
  vi.spyOn(s.approvals, 'ask').mockImplementation(async (request) => {
    windows.push(request);
    throw new UserRejectedError();
  });
  return { s, owner, windows };
}
