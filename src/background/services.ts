// The background's long-lived services. Created once per worker start; their state lives in
// browser storage, so a restarted worker picks up where the last one stopped.
import { Approvals } from '../approvals/service';
import { Networks } from '../chains/network';
import { Connections } from '../connections/connections';
import { Vault } from '../vault/vault';

export interface Services {
  vault: Vault;
  networks: Networks;
  approvals: Approvals;
  connections: Connections;
}

export function createServices(): Services {
  return { vault: new Vault(), networks: new Networks(), approvals: new Approvals(), connections: new Connections() };
}
