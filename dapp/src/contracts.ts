// Devnet addresses (read at build time from devnet/deployment.json) and the minimal ABIs the demo
// needs. Nothing here comes from the extension's source: the dApp is an ordinary wallet client.
import { defineChain, getAddress, parseAbi, zeroAddress, type Address } from 'viem';
import deploymentJson from '../../devnet/deployment.json';

export interface Deployment {
  chainId: number;
  contracts: {
    DelegationManager: Address;
    EIP7702StatelessDeleGatorImpl: Address;
    EntryPoint: Address;
    caveatEnforcers: Record<string, Address>;
    DemoToken: Address;
    DemoGame: Address;
  };
}

export const deployment = deploymentJson as unknown as Deployment;

export const DEMO_GAME: Address = getAddress(deployment.contracts.DemoGame);
export const DEMO_TOKEN: Address = getAddress(deployment.contracts.DemoToken);

/** True while devnet/deployment.json is still the all-zero placeholder. */
export const contractsMissing = DEMO_GAME === zeroAddress || DEMO_TOKEN === zeroAddress;

/** The local devnet (anvil). The RPC URL is informational: every request goes through the wallet. */
export const devnet = defineChain({
  id: deployment.chainId,
  name: deployment.chainId === 31337 ? 'Anvil devnet' : `Devnet ${deployment.chainId}`,
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: ['http://127.0.0.1:8545'] } },
  testnet: true,
});

export const demoGameAbi = parseAbi([
  'function move(uint8 direction)',
  'function score(address player) view returns (uint256)',
  'function position(address player) view returns (int64 x, int64 y)',
  'function buyItem(uint256 itemId) payable',
  'error InvalidDirection(uint8 direction)',
  'error WrongPayment(uint256 sent, uint256 price)',
]);

/** DemoGame.ITEM_PRICE: buyItem reverts unless exactly this much is sent. */
export const ITEM_PRICE = 1_000_000_000_000_000n; // 0.001 ether

export const demoTokenAbi = parseAbi([
  'function mint(address to, uint256 amount)',
  'function transfer(address to, uint256 amount) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'error ZeroAddress()',
  'error InsufficientBalance(address account, uint256 balance, uint256 needed)',
]);

/** Function signatures as ERC-7715 `contract-call` permissions list them. */
export const GAME_CALLS = ['move(uint8)', 'buyItem(uint256)'] as const;

/** The DelegationManager the wallet's grants are redeemed through (ERC-7710). */
export const delegationManagerAbi = [
  {
    type: 'function',
    name: 'redeemDelegations',
    stateMutability: 'nonpayable',
    inputs: [
      { name: '_permissionContexts', type: 'bytes[]' },
      { name: '_modes', type: 'bytes32[]' },
      { name: '_executionCallDatas', type: 'bytes[]' },
    ],
    outputs: [],
  },
  {
    type: 'function',
    name: 'getDelegationHash',
    stateMutability: 'pure',
    inputs: [
      {
        name: '_input',
        type: 'tuple',
        components: [
          { name: 'delegate', type: 'address' },
          { name: 'delegator', type: 'address' },
          { name: 'authority', type: 'bytes32' },
          { name: 'caveats', type: 'tuple[]', components: [{ name: 'enforcer', type: 'address' }, { name: 'terms', type: 'bytes' }, { name: 'args', type: 'bytes' }] },
          { name: 'salt', type: 'uint256' },
          { name: 'signature', type: 'bytes' },
        ],
      },
    ],
    outputs: [{ name: '', type: 'bytes32' }],
  },
  { type: 'error', name: 'CannotUseADisabledDelegation', inputs: [] },
] as const;

/** The enforcer of a periodic ETH allowance: what is left in the current period, by its own reckoning. */
export const nativeTokenPeriodTransferEnforcerAbi = parseAbi([
  'function getAvailableAmount(bytes32 _delegationHash, address _delegationManager, bytes _terms) view returns (uint256 availableAmount_, bool isNewPeriod_, uint256 currentPeriod_)',
]);

export const NATIVE_PERIOD_ENFORCER: Address = getAddress(deployment.contracts.caveatEnforcers.NativeTokenPeriodTransferEnforcer ?? zeroAddress);
