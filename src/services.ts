// What the background's services are, as the rooms that use them see them: the RPC methods and the
// wallet API get one of these with every request. `src/background/services.ts` builds it; this file
// only names it, so that `rpc/` depends on the services and never on `background/`.
import type { Approvals } from './approvals/service';
import type { Backends } from './backends/choice';
import type { Bundles } from './calls/bundles';
import type { Networks } from './chains/network';
import type { Connections } from './connections/connections';
import type { ProviderEventName } from './provider/protocol';
import type { Sessions } from './sessions/service';
import type { Vault } from './vault/vault';

/** Provider events (chainChanged, accountsChanged) to the pages that use the wallet. */
export interface ProviderEvents {
  /** Sends `event` to every page whose origin passes `to` (all by default); `data` may depend on the origin. */
  broadcast(event: ProviderEventName, data: unknown | ((origin: string) => unknown), to?: (origin: string) => boolean | Promise<boolean>): Promise<void>;
}

export interface Services {
  vault: Vault;
  networks: Networks;
  approvals: Approvals;
  connections: Connections;
  bundles: Bundles;
  sessions: Sessions;
  backends: Backends;
  events: ProviderEvents;
}
