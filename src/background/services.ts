// The background's long-lived services. Created once per worker start; all of their state lives in
// browser storage, so a restarted worker picks up where the last one stopped.
import { Networks } from '../chains/network';
import { Vault } from '../vault/vault';

export interface Services {
  vault: Vault;
  networks: Networks;
}

export function createServices(): Services {
  return { vault: new Vault(), networks: new Networks() };
}
