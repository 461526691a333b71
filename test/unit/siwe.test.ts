import { describe, expect, it } from 'vitest';
import { createSiweMessage } from 'viem/siwe';
import type { Address } from 'viem';
import { parseSiweMessage, siweWarnings } from '@/src/signing/siwe';

const ACCOUNT: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const OTHER: Address = '0x1111111111111111111111111111111111111111';

const message = (over: Partial<Parameters<typeof createSiweMessage>[0]> = {}) =>
  createSiweMessage({ address: ACCOUNT, chainId: 31337, domain: '127.0.0.1:5173', nonce: 'abcdefgh12', uri: 'http://127.0.0.1:5173/login', version: '1', statement: 'Sign in to the game.', ...over });

describe('parseSiweMessage', () => {
  it('behavior: reads domain, address, URI and chain id of a message viem builds', () => {
    expect(parseSiweMessage(message())).toEqual({ domain: '127.0.0.1:5173', address: ACCOUNT, uri: 'http://127.0.0.1:5173/login', chainId: 31337 });
  });

  it('behavior: reads the optional scheme', () => {
    expect(parseSiweMessage(message({ scheme: 'https', domain: 'app.example' }))).toMatchObject({ scheme: 'https', domain: 'app.example' });
  });

  it('behavior: finds the header below other lines', () => {
    expect(parseSiweMessage(`Welcome!\n${message({ domain: 'bank.example' })}`)).toMatchObject({ domain: 'bank.example' });
  });

  it.each(['Hello from Session Game', 'sign in with your Ethereum account', ' wants you to sign in with your Ethereum account:'])('behavior: %j is not a sign-in message', (text) => {
    expect(parseSiweMessage(text)).toBeUndefined();
  });
});

describe('siweWarnings', () => {
  const origin = 'http://127.0.0.1:5173';

  it('behavior: no warning when domain, URI and account match the requesting site and the owner', () => {
    expect(siweWarnings(parseSiweMessage(message())!, { origin, account: ACCOUNT })).toEqual([]);
  });

  it('error: another domain is called a possible phishing attempt', () => {
    expect(siweWarnings(parseSiweMessage(message({ domain: 'app.uniswap.org', uri: 'https://app.uniswap.org' }))!, { origin, account: ACCOUNT })).toEqual([
      'This sign-in request is for app.uniswap.org, but it comes from http://127.0.0.1:5173: it may be a phishing attempt.',
    ]);
  });

  it('error: the same host on another port, or another scheme, is another site', () => {
    expect(siweWarnings(parseSiweMessage(message({ domain: '127.0.0.1:5174' }))!, { origin, account: ACCOUNT })).toHaveLength(1);
    expect(siweWarnings(parseSiweMessage(message({ scheme: 'https' }))!, { origin, account: ACCOUNT })).toHaveLength(1);
  });

  it('error: a URI on another host is warned about', () => {
    expect(siweWarnings(parseSiweMessage(message({ uri: 'https://evil.example/login' }))!, { origin, account: ACCOUNT })).toEqual([
      'This sign-in request is for https://evil.example/login, but it comes from http://127.0.0.1:5173: it may be a phishing attempt.',
    ]);
  });

  it('error: an address that is not the account is warned about', () => {
    expect(siweWarnings(parseSiweMessage(message({ address: OTHER }))!, { origin, account: ACCOUNT })).toEqual([
      `This sign-in request is for the account ${OTHER}, which is not yours (${ACCOUNT}).`,
    ]);
  });

  it('param: host comparison ignores case and default ports', () => {
    expect(siweWarnings(parseSiweMessage(message({ domain: 'App.Example', uri: 'https://app.example:443/' }))!, { origin: 'https://app.example', account: ACCOUNT })).toEqual([]);
  });
});
