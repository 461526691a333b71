// A session granted by an older version under rules this one refuses (here: a dApp's impostor name
// for ERC-20 approve's selector, the attack of the security issue) must cover nothing, yet stay
// listed so the owner can see and revoke it: the strict grant-time parse must not break the list.
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Services } from '@/src/background/services';
import { devnet } from '@/src/chains/registry';
import type { SessionRecord } from '@/src/sessions/service';
import { parsePrivateKey } from '@/src/vault/owner-secret';
import { callWalletApi, testServices as services } from './wallet-services';

const PW = 'Correct-Horse-9';
const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'; // anvil dev key #1
const ACCOUNT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const SITE = 'https://game.example';
const TOKEN = '0x1111111111111111111111111111111111111111';


async function legacySession(s: Services, chainId: number): Promise<SessionRecord> {
  await s.vault.create(parsePrivateKey(KEY), PW, PW);
  const session: SessionRecord = {
    id: `0x${'11'.repeat(32)}`,
    origin: SITE,
    chainId,
    account: ACCOUNT,
    sessionAddress: ACCOUNT,
    sealedKey: await s.sessions.keys.seal(`0x${'22'.repeat(32)}`),
    scope: {
      version: 1,
      account: ACCOUNT,
      chainId,
      expiry: 4_000_000_000,
      permissions: [{ type: 'functions-on-all-contracts', data: { functions: [{ selector: '0x095ea7b3', signature: 'sign_szabo_bytecode(bytes16,uint128)' }] } }],
    } as unknown as SessionRecord['scope'],
    stipend: '0',
    createdAt: 1,
    status: 'active',
  };
  await fakeBrowser.storage.local.set({ sessions: [session] });
  return session;
}

describe('a session granted under rules this version refuses', () => {
  beforeEach(() => fakeBrowser.reset());

  it('behavior: it covers nothing (the approve it was granted for goes to the owner), and nothing is signed', async () => {
    const s = services();
    const chain = devnet;
    await legacySession(s, chain.id);
    const approve = `0x095ea7b3${'0'.repeat(24)}${'22'.repeat(20)}${'f'.repeat(64)}` as const;
    const outcome = await s.sessions.trySend({ origin: SITE, chain }, ACCOUNT, [{ to: TOKEN, value: '0', data: approve }], undefined, async () => {
      throw new Error('no bundle may be made');
    });
    expect(outcome).toMatchObject({ covered: false, reason: expect.stringContaining('rules this wallet now refuses') });
  });

  it('behavior: it is still listed in the popup, so the owner can revoke it', async () => {
    const s = services();
    await legacySession(s, devnet.id);
    const listed = await callWalletApi(s, 'sessions.list');
    expect(listed).toMatchObject({ ok: true, value: [{ id: `0x${'11'.repeat(32)}`, origin: SITE }] });
  });
});
