import { expect, providerRequest, test } from './fixtures';
import { connectedOwner, countApprovalWindows, publicClient } from './helpers';

// Codes a wallet may answer a malformed request with (EIP-1193, EIP-1474, EIP-5792). -32603
// (internal error) is deliberately absent: a malformed request reaching it means a missing check.
const SPEC_CODES = new Set([-32700, -32600, -32601, -32602, -32000, -32002, -32005, 4001, 4100, 4200, 4900, 4901, 4902, 5700, 5710, 5720, 5730, 5740, 5760]);

test('bad input: 1,000+ malformed requests each get a spec error code, and the wallet still answers afterwards', async ({ context, dappUrl }) => {
  test.setTimeout(180_000);
  const page = await context.newPage();
  await page.goto(dappUrl);
  const results = await page.evaluate(async () => {
    // A seeded PRNG so a failure can be replayed.
    let seed = 0x5eed;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    // Methods the wallet answers itself, and read-only ones it forwards to the node. Forwarded
    // methods get only params the wallet itself must refuse (not an array): what a node accepts
    // in an array is the node's business.
    const walletMethods = [
      'eth_requestAccounts', 'eth_accounts', 'eth_chainId', 'net_version', 'wallet_switchEthereumChain', 'wallet_addEthereumChain',
      'wallet_getCapabilities', 'wallet_sendCalls', 'wallet_getCallsStatus', 'wallet_showCallsStatus', 'eth_sendTransaction',
      'wallet_grantPermissions', 'wallet_requestExecutionPermissions', 'wallet_revokePermissions', 'personal_sign', 'eth_signTypedData_v4',
      'wallet_requestPermissions', 'wallet_getPermissions',
      'wallet_getSupportedExecutionPermissions', 'wallet_getGrantedExecutionPermissions', 'wallet_revokeExecutionPermission',
      'personal_ecRecover', 'wallet_watchAsset',
    ];
    const forwarded = ['eth_getBalance', 'eth_call', 'eth_getCode', 'eth_getTransactionReceipt', 'eth_blockNumber'];
    const refused = ['wallet_unknownThing', 'eth_sign', 'eth_signTransaction', 'anvil_mine', 'evm_snapshot', 'debug_traceCall', 'foo', 'personal_unlockAccount', 'eth_sendUnsignedTransaction', 'eth_sendTransactionSync', 'anvil_impersonateAccount', 'anvil_setBalance', 'personal_sendTransaction', 'txpool_content'];
    const badNames = ['x'.repeat(200), 'eth chainId', '', 'eth_chainId\n', '../eth_call', 'ETH_CHAINID!'];
    // Not an array or object: refused as params by every method.
    const notParams: unknown[] = ['hello', 12345, true, 'x'.repeat(5000), -1, 1e308];
    // Invalid for every method that takes params, and non-empty for those that take none.
    const badArrays: unknown[] = [
      [1, 2, 3], [null, null], ['0x123', 'not-an-address'], ['0x' + 'a'.repeat(70001), '0x1'], [{ chainId: 'x' }, 7],
      [{ chainId: '0x' + 'f'.repeat(100) }], [{ chainId: '0x01' }], [true, false], [[[]], 'x'], ['0xzz', '0xzz'],
    ];
    const specific: Record<string, unknown[]> = {
      wallet_sendCalls: [
        [{ version: '2.0.0', chainId: '0x7a69', calls: 'nope' }],
        [{ version: '2.0.0', chainId: '0x7a69', calls: [{ to: 'x' }] }],
        [{ version: '2.0.0', chainId: '0x7a69', calls: [{ to: '0x' + '1'.repeat(40), value: '0x' + 'f'.repeat(80) }] }],
        [{ version: '2.0.0', chainId: '0x' + 'f'.repeat(100), calls: [] }],
        [{ version: '2.0.0', chainId: '0x7a69', calls: [{ to: '0x' + '1'.repeat(40), data: '0xabc' + 'g' }] }],
      ],
      wallet_grantPermissions: [[{ expiry: 'soon', permissions: 5 }], [{ expiry: 1, permissions: [] }], [{ permissions: [{ type: 'root' }] }]],
      wallet_revokePermissions: [[{ permissionsContext: 'zz' }], [{}], [{ permissionsContext: 42 }]],
      wallet_requestExecutionPermissions: [
        [{ chainId: '0x7a69', to: 'nope', permission: { type: 'native-token-allowance', isAdjustmentAllowed: false, data: { allowanceAmount: '0x1' } }, rules: [{ type: 'expiry', data: { timestamp: 4e9 } }] }],
        [{ chainId: '0x7a69', permission: { type: 'native-token-stream', isAdjustmentAllowed: false, data: {} }, rules: [{ type: 'expiry', data: { timestamp: 4e9 } }] }],
        [{ chainId: '0x7a69', permission: { type: 'native-token-allowance', isAdjustmentAllowed: 'yes', data: { allowanceAmount: '0x1' } }, rules: 'soon' }],
      ],
      wallet_revokeExecutionPermission: [[{ permissionContext: 'zz' }], [{}], [{ permissionContext: '0x1234' }], [{ permissionContext: '0x' + 'ab'.repeat(32) }]],
      wallet_getGrantedExecutionPermissions: [[{ origin: 'https://other.example' }]],
      personal_sign: [
        ['0x123', 'not-an-address'], ['hello', '0x' + '1'.repeat(40)], ['0x' + 'aa'.repeat(70000), '0x' + '1'.repeat(40)],
        ['hello'], ['hello', 'world', 'password'], ['0x123', '0x' + '1'.repeat(40), 'password'], ['hello', '0x' + '1'.repeat(40), '', ''], [42, '0x' + '1'.repeat(40)], [42, '0x' + '1'.repeat(40), 'password'],
      ],
      personal_ecRecover: [['hello', '0x1234'], ['hello'], [42, '0x' + 'ab'.repeat(65)], ['0x123', '0x' + 'ab'.repeat(65)], ['hello', '0x' + '00'.repeat(65)], ['hello', '0x' + 'ab'.repeat(65), 'x']],
      wallet_watchAsset: [
        { type: 'ERC721', options: { address: '0x' + '1'.repeat(40), tokenId: '1' } },
        { type: 'ERC1155', options: { address: '0x' + '1'.repeat(40), tokenId: '1' } },
        { type: 'ERC20', options: { address: 'nope' } },
        { type: 'ERC20' },
        { type: 'ERC20', options: { address: '0x' + '1'.repeat(40), symbol: 'X'.repeat(20) } },
        { type: 'ERC20', options: { address: '0x' + '1'.repeat(40), decimals: 99 } },
        [{ type: 'ERC20', options: { address: '0x' + '1'.repeat(40) } }],
        { options: { address: '0x' + '1'.repeat(40) } },
        { type: 'ERC20', options: { address: '0x' + '1'.repeat(40), decimals: -1 } },
        { type: 'ERC20', options: { address: '0x' + '1'.repeat(40), image: 42 } },
      ],
      eth_signTypedData_v4: [['0x' + '1'.repeat(40), '{not json'], ['0x' + '1'.repeat(40), '{"types":{}}'], ['0x12', '{}']],
      wallet_getCallsStatus: [['0x' + '0'.repeat(64)], [42], ['x'.repeat(300)]],
      eth_sendTransaction: [
        [{ to: 'nope' }], [{ to: '0x' + '1'.repeat(40), value: '-1' }], [{ to: '0x' + '1'.repeat(40), value: '0x' + 'f'.repeat(70) }], [{ to: null, data: '0xzz' }], [{ data: 42 }],
        [{}], [{ value: '0x1' }], [{ to: null, data: '0x' }], [{ data: '0x600' }], [{ to: '', data: '0x6001' }], [{ to: '0x' + '1'.repeat(40), chainId: '0x' + 'f'.repeat(20) }],
      ],
      wallet_addEthereumChain: [
        [{ chainId: '0x1', chainName: '', rpcUrls: [] }], [{ chainId: '0xzz', chainName: 'x', rpcUrls: ['ftp://x'] }],
        [{ chainId: '0x' + 'f'.repeat(20), chainName: 'x', rpcUrls: ['http://127.0.0.1:1'] }], [{ chainId: '0x0', chainName: 'x', rpcUrls: ['http://127.0.0.1:1'] }],
        [{ chainId: '0x10f2c', chainName: 'x', rpcUrls: ['javascript:alert(1)'] }], [{ chainId: '0x10f2c', chainName: 'x' }],
        [{ chainId: '0x10f2c', chainName: 'x', rpcUrls: ['http://127.0.0.1:1'], nativeCurrency: { name: 'E', symbol: 'E', decimals: 6 } }],
        [{ chainId: '0x10f2c', chainName: 'x', rpcUrls: ['http://127.0.0.1:1'], blockExplorerUrls: ['javascript:alert(1)'] }],
      ],
      wallet_switchEthereumChain: [[{ chainId: '0x' + 'f'.repeat(20) }], [{ chainId: '0x0' }], [{ chainId: 1 }], [{}]],
    };
    const requests: unknown[] = [];
    for (let i = 0; i < 1000; i++) {
      const shape = Math.floor(rnd() * 7);
      if (shape === 0) requests.push({ method: pick(walletMethods), params: pick(notParams) });
      else if (shape === 1) {
        const m = pick(walletMethods);
        requests.push({ method: m, params: specific[m] ? pick(specific[m]!) : pick(badArrays) });
      } else if (shape === 2) requests.push({ method: pick(forwarded), params: pick(notParams) });
      else if (shape === 3) requests.push({ method: pick(refused), params: pick([...badArrays, ...notParams, []]) });
      else if (shape === 4) requests.push({ method: pick(badNames), params: [] });
      else if (shape === 5) requests.push({ method: pick([42, null, {}, [], true, undefined]), params: pick(badArrays) });
      else requests.push(pick([null, 'eth_chainId', 42, [], true, undefined]));
    }
    const eth = (window as unknown as { ethereum: { request(a: unknown): Promise<unknown> } }).ethereum;
    const out: { i: number; code?: number; resolved?: boolean; timedOut?: boolean; message?: string; method?: string }[] = [];
    const timeout = (ms: number) => new Promise((r) => setTimeout(() => r('timeout'), ms));
    // In waves of 25 so the worker sees concurrent load too.
    for (let i = 0; i < requests.length; i += 25) {
      const wave = requests.slice(i, i + 25).map(async (req, j) => {
        const method = typeof (req as { method?: unknown })?.method === 'string' ? ((req as { method: string }).method).slice(0, 40) : String(req).slice(0, 40);
        const r = await Promise.race([
          eth.request(req as never).then(
            () => ({ i: i + j, resolved: true, method }),
            (e: { code?: number; message?: string }) => ({ i: i + j, code: e.code, message: e.message, method }),
          ),
          timeout(15000).then(() => ({ i: i + j, timedOut: true, method })),
        ]);
        out.push(r as (typeof out)[number]);
      });
      await Promise.all(wave);
    }
    // Non-JSON straight to the bridge (bypassing the provider's own check): a BigInt param.
    const bridgeAnswers = await new Promise<number[]>((resolve) => {
      const codes: number[] = [];
      const onMessage = (e: MessageEvent) => {
        if (e.data?.channel === 'session-key-wallet' && e.data.kind === 'response' && String(e.data.id).startsWith('raw-')) {
          codes.push(e.data.error?.code);
          if (codes.length === 20) resolve(codes);
        }
      };
      window.addEventListener('message', onMessage);
      for (let k = 0; k < 20; k++) {
        window.postMessage({ channel: 'session-key-wallet', kind: 'request', id: `raw-${k}`, request: { method: 'eth_chainId', params: [BigInt(k)] } }, location.origin);
      }
      setTimeout(() => resolve(codes), 10000);
    });
    return { out, bridgeAnswers };
  });

  const { out, bridgeAnswers } = results;
  expect(out).toHaveLength(1000);
  const timedOut = out.filter((r) => r.timedOut);
  expect(timedOut, JSON.stringify(timedOut.slice(0, 5))).toHaveLength(0);
  // Every one is refused: none of them is a valid request.
  const resolved = out.filter((r) => r.resolved);
  expect(resolved, JSON.stringify(resolved.slice(0, 5))).toHaveLength(0);
  const offSpec = out.filter((r) => r.code === undefined || !SPEC_CODES.has(r.code));
  expect(offSpec, JSON.stringify(offSpec.slice(0, 5))).toHaveLength(0);
  expect(bridgeAnswers).toEqual(Array(20).fill(-32700));

  const histogram: Record<string, number> = {};
  for (const r of out) histogram[String(r.code)] = (histogram[String(r.code)] ?? 0) + 1;
  console.log(`malformed requests: ${out.length + bridgeAnswers.length}, codes ${JSON.stringify(histogram)}, bridge -32700 x${bridgeAnswers.length}`);

  // Still answering, and no approval window was opened by any of it.
  expect(await providerRequest(page, 'eth_chainId')).toEqual({ result: '0x7a69' });
  expect(context.pages().filter((p) => p.url().includes('/approval.html'))).toHaveLength(0);
});

// Every method a node (anvil, geth, hardhat, reth) exposes that sends, signs, unlocks, impersonates
// or rewrites state. None reaches the node from a page: anvil signs for its unlocked accounts and
// sends for any `from`, so one forwarded call spends the owner's money. Methods the wallet answers
// itself (eth_sendTransaction, personal_sign, eth_signTypedData_v4) need a connection first (4100).
const DEV_0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const DEV_1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const SINK = '0x000000000000000000000000000000000000dEaD';
const SEND_TX = { from: DEV_1, to: SINK, value: '0xde0b6b3a7640000', gas: '0x5208' };
const SENDING_METHODS: [string, unknown[]][] = [
  ['eth_sendTransaction', [SEND_TX]],
  ['eth_sendUnsignedTransaction', [SEND_TX]],
  ['eth_sendTransactionSync', [SEND_TX]],
  ['eth_signTransaction', [SEND_TX]],
  ['eth_sign', [DEV_1, '0xdeadbeef']],
  ['eth_signTypedData', [DEV_1, '{}']],
  ['eth_signTypedData_v1', [[{ type: 'string', name: 'a', value: 'b' }], DEV_1]],
  ['eth_signTypedData_v3', [DEV_1, '{}']],
  ['eth_signTypedData_v4', [DEV_1, '{}']],
  ['eth_signAuthorization', [{ address: SINK, chainId: '0x7a69', nonce: '0x0' }]],
  ['eth_sendBundle', [{ txs: [], blockNumber: '0x1' }]],
  ['eth_sendPrivateTransaction', [{ tx: '0x00' }]],
  ['eth_coinbase', []],
  ['eth_mining', []],
  ['eth_submitWork', ['0x0000000000000001', '0x' + '0'.repeat(64), '0x' + '0'.repeat(64)]],
  ['eth_submitHashrate', ['0x1', '0x' + '0'.repeat(64)]],
  ['eth_subscribe', ['newHeads']],
  ['personal_sign', ['0xdeadbeef', DEV_1]],
  ['personal_sendTransaction', [SEND_TX, '']],
  ['personal_signTransaction', [SEND_TX, '']],
  ['personal_unlockAccount', [DEV_1, '', 0]],
  ['personal_importRawKey', ['59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d', '']],
  ['personal_newAccount', ['']],
  ['personal_listAccounts', []],
  ['anvil_impersonateAccount', [DEV_1]],
  ['anvil_autoImpersonateAccount', [true]],
  ['anvil_stopImpersonatingAccount', [DEV_1]],
  ['anvil_setBalance', [SINK, '0xde0b6b3a7640000']],
  ['anvil_addBalance', [SINK, '0xde0b6b3a7640000']],
  ['anvil_setCode', [DEV_1, '0x00']],
  ['anvil_setNonce', [DEV_1, '0x1000']],
  ['anvil_setStorageAt', [DEV_1, '0x0', '0x' + '0'.repeat(64)]],
  ['anvil_dealERC20', [DEV_1, SINK, '0x1']],
  ['anvil_setERC20Allowance', [DEV_1, SINK, SINK, '0x1']],
  ['anvil_mine', ['0x1']],
  ['anvil_dropTransaction', ['0x' + '0'.repeat(64)]],
  ['anvil_removePoolTransactions', [DEV_1]],
  ['anvil_reset', []],
  ['anvil_setChainId', [1]],
  ['anvil_setAutomine', [false]],
  ['anvil_setIntervalMining', [1]],
  ['anvil_setCoinbase', [SINK]],
  ['anvil_setRpcUrl', ['http://127.0.0.1:1']],
  ['anvil_dumpState', []],
  ['anvil_loadState', ['0x00']],
  ['anvil_nodeInfo', []],
  ['evm_mine', []],
  ['evm_snapshot', []],
  ['evm_revert', ['0x1']],
  ['evm_increaseTime', [1000]],
  ['evm_setNextBlockTimestamp', [4_000_000_000]],
  ['evm_setTime', [4_000_000_000]],
  ['evm_setBlockGasLimit', ['0x1']],
  ['evm_setAutomine', [false]],
  ['hardhat_impersonateAccount', [DEV_1]],
  ['hardhat_setBalance', [SINK, '0x1']],
  ['hardhat_mine', ['0x1']],
  ['hardhat_reset', []],
  ['debug_setHead', ['0x1']],
  ['debug_traceCall', [SEND_TX, 'latest']],
  ['trace_call', [SEND_TX, ['trace'], 'latest']],
  ['ots_getApiLevel', []],
  ['txpool_content', []],
  ['txpool_inspect', []],
  ['admin_nodeInfo', []],
  ['admin_addPeer', ['enode://x']],
  ['miner_start', []],
  ['miner_stop', []],
  ['miner_setEtherbase', [SINK]],
  ['engine_forkchoiceUpdatedV3', []],
];

test('bad input: every method that sends, signs or rewrites node state is refused before the node, and the chain is unchanged', async ({ context, dappUrl, rpcUrl }) => {
  const page = await context.newPage();
  await page.goto(dappUrl); // not connected
  const client = publicClient(rpcUrl);
  const state = async () => ({
    block: await client.getBlockNumber(),
    dev0: await client.getBalance({ address: DEV_0 }),
    dev1: await client.getBalance({ address: DEV_1 }),
    sink: await client.getBalance({ address: SINK }),
    dev1Nonce: await client.getTransactionCount({ address: DEV_1 }),
    dev1Code: await client.getCode({ address: DEV_1 }),
  });
  const before = await state();
  const answers: { method: string; code?: number; resolved?: unknown }[] = [];
  for (const [method, params] of SENDING_METHODS) {
    const answer = await providerRequest(page, method, params);
    answers.push(answer.error ? { method, code: answer.error.code } : { method, resolved: answer.result });
  }
  const wrong = answers.filter((a) => a.code !== 4200 && a.code !== 4100);
  expect(wrong, JSON.stringify(wrong.slice(0, 5))).toEqual([]);
  expect(await state()).toEqual(before);
  expect(context.pages().filter((p) => p.url().includes('/approval.html'))).toHaveLength(0);
});

// The methods issue 12 added or widened, from a connected page (so the answer is the params check,
// not 4100): each malformed shape is -32602 and says what is wrong, and no window opens.
test('error: malformed params for a send with no to, 3-param personal_sign, personal_ecRecover, wallet_watchAsset and wallet_addEthereumChain are -32602 with the reason, and open no window', async ({
  context,
  fresh,
}) => {
  const { key, owner, popup, dapp } = fresh;
  await connectedOwner(context, popup, dapp, key);
  const windows = countApprovalWindows(dapp);
  const A = '0x' + '1'.repeat(40);
  const SIG = '0x' + 'ab'.repeat(65);
  const HUGE_CHAIN = '0x' + 'f'.repeat(20);
  const cases: [string, unknown, RegExp][] = [
    ['eth_sendTransaction', [{}], /deployment \(no "to"\) needs the contract's creation code in "data"/],
    ['eth_sendTransaction', [{ value: '0x1' }], /needs the contract's creation code in "data"/],
    ['eth_sendTransaction', [{ to: null, data: '0x' }], /needs the contract's creation code in "data"/],
    ['eth_sendTransaction', [{ to: null, data: '0xzz' }], /params\[0\]\[data\]: expected a 0x-prefixed hex string/],
    ['eth_sendTransaction', [{ data: '0x600' }], /creation code must be whole bytes/],
    ['eth_sendTransaction', [{ data: '0x' + '00'.repeat(49153) }], /49153 bytes; a deployment can carry at most 49152 \(EIP-3860\)/],
    ['eth_sendTransaction', [{ to: '', data: '0x6001' }], /params\[0\]\[to\]: expected a 20-byte hex address/],
    ['eth_sendTransaction', [{ data: '0x6001', chainId: HUGE_CHAIN }], /params\[0\]\[chainId\]: expected a chain id/],
    ['personal_sign', ['hello', 'world', 'password'], /params\[1\] must be the 20-byte hex address/],
    ['personal_sign', ['0x123', owner.address, 'password'], /whole bytes of hex/],
    ['personal_sign', [42, owner.address, 'password'], /params\[0\]: Invalid input: expected string/],
    ['personal_sign', ['hello', owner.address, '', ''], /expected array to have <=3 items/],
    ['personal_sign', ['hello'], /expected array to have >=2 items/],
    ['personal_ecRecover', ['hello', '0x1234'], /params\[1\]: expected a 65-byte signature/],
    ['personal_ecRecover', ['hello'], /expected array to have >=2 items/],
    ['personal_ecRecover', ['0x123', SIG], /whole bytes of hex/],
    ['personal_ecRecover', ['hello', '0x' + '00'.repeat(65)], /does not recover to any address/],
    ['personal_ecRecover', ['hello', SIG, 'x'], /expected array to have <=2 items/],
    ['wallet_watchAsset', { type: 'ERC721', options: { address: A, tokenId: '1' } }, /ERC20 tokens only/],
    ['wallet_watchAsset', { type: 'ERC20', options: { address: 'nope' } }, /params\[options\]\[address\]: expected a 20-byte hex address/],
    ['wallet_watchAsset', { type: 'ERC20' }, /params\[options\]: Invalid input: expected object/],
    ['wallet_watchAsset', { options: { address: A } }, /params\[type\]: Invalid input: expected string/],
    ['wallet_watchAsset', { type: 'ERC20', options: { address: A, symbol: 'X'.repeat(20) } }, /symbol of at most 11 characters/],
    ['wallet_watchAsset', { type: 'ERC20', options: { address: A, decimals: 99 } }, /params\[options\]\[decimals\]: Too big/],
    ['wallet_watchAsset', { type: 'ERC20', options: { address: A, decimals: -1 } }, /params\[options\]\[decimals\]: Too small/],
    ['wallet_watchAsset', [{ type: 'ERC20', options: { address: A } }], /params: Invalid input: expected object, received array/],
    ['wallet_addEthereumChain', [{ chainId: '0x1', chainName: '', rpcUrls: [] }], /params\[0\]\[chainName\]: Too small.*params\[0\]\[rpcUrls\]: Too small/],
    ['wallet_addEthereumChain', [{ chainId: '0xzz', chainName: 'x', rpcUrls: ['http://127.0.0.1:1'] }], /params\[0\]\[chainId\]: expected a chain id/],
    ['wallet_addEthereumChain', [{ chainId: HUGE_CHAIN, chainName: 'x', rpcUrls: ['http://127.0.0.1:1'] }], /params\[0\]\[chainId\]: expected a chain id: a hex quantity from 0x1 to 0xFFFFFFFFFFFEC/],
    ['wallet_addEthereumChain', [{ chainId: '0x0', chainName: 'x', rpcUrls: ['http://127.0.0.1:1'] }], /params\[0\]\[chainId\]: expected a chain id/],
    ['wallet_addEthereumChain', [{ chainId: '0x10f2c', chainName: 'x', rpcUrls: ['javascript:alert(1)'] }], /RPC URL must be an http\(s\) URL/],
    ['wallet_addEthereumChain', [{ chainId: '0x10f2c', chainName: 'x' }], /params\[0\]\[rpcUrls\]: Invalid input: expected array/],
    ['wallet_addEthereumChain', [{ chainId: '0x10f2c', chainName: 'x'.repeat(100), rpcUrls: ['http://127.0.0.1:1'] }], /params\[0\]\[chainName\]: Too big/],
    ['wallet_addEthereumChain', [{ chainId: '0x10f2c', chainName: 'x', rpcUrls: ['http://127.0.0.1:1'], nativeCurrency: { name: 'E', symbol: 'E', decimals: 6 } }], /Only 18-decimal native currencies/],
    ['wallet_addEthereumChain', [{ chainId: '0x10f2c', chainName: 'x', rpcUrls: ['http://127.0.0.1:1'], blockExplorerUrls: ['javascript:alert(1)'] }], /block explorer URL must be an http\(s\) URL/],
    ['wallet_addEthereumChain', [{ chainId: '0x10f2c', chainName: 'x', rpcUrls: ['http://127.0.0.1:1'] }], /did not answer eth_chainId: it could not be reached/],
    ['wallet_switchEthereumChain', [{ chainId: HUGE_CHAIN }], /params\[0\]\[chainId\]: expected a chain id/],
  ];
  for (const [method, params, reason] of cases) {
    const answer = await providerRequest(dapp, method, params);
    expect(answer.error, `${method} ${JSON.stringify(params).slice(0, 120)}`).toMatchObject({ code: -32602, message: expect.stringMatching(reason) });
  }
  expect(windows()).toBe(0);
  expect(await providerRequest(dapp, 'eth_chainId')).toEqual({ result: '0x7a69' });
});
