import { chainIdHex } from '../../chains/registry';
import { defineMethod } from '../method';
import { noParams } from '../schema';

export const eth_chainId = defineMethod({
  method: 'eth_chainId',
  params: noParams,
  handler: (_params, { chain }) => chainIdHex(chain.id),
});

export const net_version = defineMethod({
  method: 'net_version',
  params: noParams,
  handler: (_params, { chain }) => String(chain.id),
});
