// The background's long-lived services. Created once per worker start; their state lives in
// browser storage, so a restarted worker picks up where the last one stopped.
import { Approvals } from '../approvals/service';
import { Networks } from '../chains/network';
import { Connections } from '../connections/connections';
import { Vault } from '../vault/vault';
import { Bundles } from '../calls/bundles';
import { Sessions } from '../sessions/service';
import { Backends } from '../backends/choice';
import type { Services } from '../services';
import { broadcast } from './events';

export type { Services } from '../services';

export function createServices(): Services {
  const bundles = new Bundles();
  const backends = new Backends();
  // After each unlock: what an older version sealed under the IndexedDB device key (whose raw bytes
  // Chromium writes to disk) is sealed again under the vault's sealing key; then the device key goes.
  const vault = new Vault({
    onUnlock: async () => {
      const left = (await sessions.resealLegacyKeys()) + (await backends.apiKeys.resealLegacy());
      if (left === 0) await sessions.keys.retireDeviceKey();
    },
  });
  const sessions = new Sessions({ vault, bundles, backends });
  return { vault, networks: new Networks(), approvals: new Approvals(), connections: new Connections(), bundles, backends, sessions, events: { broadcast } };
}
