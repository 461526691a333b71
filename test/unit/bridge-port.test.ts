// The bridge's channel to the background (src/provider/bridge.ts overPort, issue 15): one port,
// answers matched by requestId, and a port that closes leaves nothing waiting forever: its
// requests fail with the words relay() retries on, and the next request opens a new port.
import { describe, expect, it } from 'vitest';
import { overPort, type BridgePort } from '@/src/provider/bridge';
import { PROVIDER_PORT, type BackgroundRequestMessage } from '@/src/provider/protocol';

function fakeConnect(opts: { throwOnPost?: boolean } = {}) {
  const ports: { name: string; posted: BackgroundRequestMessage[]; answer(requestId: string, response: unknown): void; close(): void }[] = [];
  const connect = ({ name }: { name: string }): BridgePort => {
    const onMessage: ((m: unknown) => void)[] = [];
    const onDisconnect: (() => void)[] = [];
    const posted: BackgroundRequestMessage[] = [];
    ports.push({
      name,
      posted,
      answer: (requestId, response) => onMessage.forEach((l) => l({ requestId, response })),
      close: () => onDisconnect.forEach((l) => l()),
    });
    return {
      postMessage: (m) => {
        if (opts.throwOnPost) throw new Error('Attempting to use a disconnected port object');
        posted.push(m);
      },
      onMessage: { addListener: (l) => onMessage.push(l) },
      onDisconnect: { addListener: (l) => onDisconnect.push(l) },
    };
  };
  return { connect, ports };
}

const req = (requestId: string): BackgroundRequestMessage => ({ type: 'provider/request', requestId, request: { method: 'eth_chainId' } });

describe('bridge: the provider port', () => {
  it('behavior: requests share one port, named PROVIDER_PORT, and each gets the answer with its requestId, in whatever order they come', async () => {
    const bg = fakeConnect();
    const send = overPort(bg.connect);
    const a = send(req('a'));
    const b = send(req('b'));
    expect(bg.ports.map((p) => p.name)).toEqual([PROVIDER_PORT]);
    expect(bg.ports[0]!.posted.map((m) => m.requestId)).toEqual(['a', 'b']);
    bg.ports[0]!.answer('zzz', { result: 'nobody asked' }); // ignored
    bg.ports[0]!.answer('b', { result: 'B' });
    bg.ports[0]!.answer('a', { result: 'A' });
    expect(await Promise.all([a, b])).toEqual([{ result: 'A' }, { result: 'B' }]);
  });

  it('error: the port closes with a request waiting (the worker stopped): it fails as a closed sendMessage does, and the retry goes over a new port', async () => {
    const bg = fakeConnect();
    const send = overPort(bg.connect);
    const waiting = send(req('a'));
    bg.ports[0]!.close();
    await expect(waiting).rejects.toThrow(/message port closed before a response was received/);
    const again = send(req('a'));
    expect(bg.ports).toHaveLength(2);
    bg.ports[1]!.answer('a', { result: 'A' });
    expect(await again).toEqual({ result: 'A' });
  });

  it('error: posting on a port that closed without saying so fails the same way, and the next request opens a new port', async () => {
    const bg = fakeConnect({ throwOnPost: true });
    const send = overPort(bg.connect);
    await expect(send(req('a'))).rejects.toThrow(/message port closed before a response was received/);
    await expect(send(req('a'))).rejects.toThrow(/message port closed/);
    expect(bg.ports).toHaveLength(2);
  });
});
