// Fixed facts about the local devnet. Browser-safe (no node imports): the extension and the demo
// dApp may import this next to devnet/deployment.json.
import { createPublicClient, createTestClient, createWalletClient, defineChain, http, type Address, type Hex } from 'viem';

/** Anvil's default chain id; the devnet always runs with `--chain-id 31337`. */
export const DEVNET_CHAIN_ID = 31337;

/** Port `npm run devnet` uses unless `--port N` or `DEVNET_PORT` says otherwise. */
export const DEVNET_DEFAULT_PORT = 8545;

/** The devnet only ever listens on loopback: its dev accounts are unlocked and their keys public. */
export const DEVNET_HOST = '127.0.0.1';

/**
 * Arachnid's deterministic deployment proxy, which anvil predeploys. Sending it `salt ‖ initCode`
 * runs CREATE2, so every contract lands at an address that depends only on (proxy, salt, initCode)
 * — the same on every fresh devnet, whoever sends the transaction.
 */
export const CREATE2_DEPLOYER: Address = '0x4e59b44847b379578588920ca78fbf26c0b4956c';

/**
 * CREATE2 salt for everything the devnet deploys: the ASCII bytes of "session-key-wallet.devnet.v1",
 * right-padded to 32 bytes. Not the framework's own salt ("GATOR"): the bytecode shipped in
 * @metamask/delegation-abis does not reproduce the canonical v1.3.0 addresses, so reusing that salt
 * would only produce look-alike addresses. Changing this moves every devnet address.
 */
export const DEVNET_SALT: Hex = '0x73657373696f6e2d6b65792d77616c6c65742e6465766e65742e763100000000';

/**
 * Anvil's well-known dev accounts (mnemonic "test test test test test test test test test test test
 * junk"). These keys are PUBLIC — printed by every anvil and in the Foundry docs — so they are fine
 * for a local devnet and must never hold anything real. Anvil keeps them unlocked, which is why the
 * deploy and faucet code can send from them with plain `eth_sendTransaction`.
 */
export const ANVIL_DEV_ACCOUNTS = [
  {
    address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    privateKey: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  },
  {
    address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    privateKey: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  },
  {
    address: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    privateKey: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  },
  {
    address: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
    privateKey: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  },
  {
    address: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65',
    privateKey: '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  },
] as const satisfies readonly { address: Address; privateKey: Hex }[];

/** Dev account #0 sends the deploy transactions and the faucet's DEMO mints. */
export const DEVNET_DEPLOYER = ANVIL_DEV_ACCOUNTS[0];

/**
 * Dev account #1 is the demo owner: the account a demo user imports into the wallet. Its key is
 * anvil's public dev key #1 (see ANVIL_DEV_ACCOUNTS), so anyone can take it over — devnet only.
 */
export const DEMO_OWNER = ANVIL_DEV_ACCOUNTS[1];

/** What the devnet guarantees the demo owner holds after start (topped up, never reduced). */
export const DEMO_OWNER_FUNDS = { eth: 10_000n * 10n ** 18n, demo: 1_000n * 10n ** 18n } as const;

/** The devnet as a viem chain, pointed at `rpcUrl`. */
export function devnetChain(rpcUrl: string) {
  return defineChain({
    id: DEVNET_CHAIN_ID,
    name: 'Local devnet',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
    testnet: true,
  });
}

/**
 * Clients for the devnet scripts. The wallet client is a JSON-RPC account: anvil signs for its
 * unlocked dev account #0 and assigns the nonce itself, so concurrent deploys and faucet calls
 * (button clicks, scripts, tests) cannot collide on nonces.
 */
export function devnetClients(rpcUrl: string) {
  const chain = devnetChain(rpcUrl);
  const transport = http(rpcUrl);
  return {
    publicClient: createPublicClient({ chain, transport, pollingInterval: 20 }),
    walletClient: createWalletClient({ chain, transport, account: DEVNET_DEPLOYER.address }),
    testClient: createTestClient({ chain, transport, mode: 'anvil' }),
  };
}
