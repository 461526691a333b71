// Events go to each frame's own document with that frame's own view; the MetaMask-compatibility flag
// script is registered exactly while the owner's setting is on.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { broadcast, rememberTab } from '@/src/background/events';
import { METAMASK_COMPAT_SCRIPT_ID, metaMaskCompatEnabled, setMetaMaskCompat, syncMetaMaskCompat } from '@/src/provider/metamask-compat';

describe('provider events: per frame', () => {
  beforeEach(() => fakeBrowser.reset());

  it('behavior: a parent and its cross-origin iframe each get their own accountsChanged, sent to their own document', async () => {
    const sent: { tabId: number; message: { data: unknown }; options: unknown }[] = [];
    vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockImplementation((async (tabId: number, message: { data: unknown }, options: unknown) => {
      sent.push({ tabId, message, options });
    }) as never);
    await rememberTab(3, 'http://parent.example', 0, 'DOC-PARENT');
    await rememberTab(3, 'http://child.example', 5, 'DOC-CHILD');
    await broadcast('accountsChanged', (origin: string) => (origin === 'http://parent.example' ? ['0xowner'] : []));
    expect(sent).toHaveLength(2);
    expect(sent.find((s) => (s.options as { documentId: string }).documentId === 'DOC-PARENT')!.message.data).toEqual(['0xowner']);
    expect(sent.find((s) => (s.options as { documentId: string }).documentId === 'DOC-CHILD')!.message.data).toEqual([]);
  });

  it('behavior: only origins that pass the filter get the event; without document ids the frame id is used', async () => {
    const sent: unknown[] = [];
    vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockImplementation((async (_t: number, _m: unknown, options: unknown) => {
      sent.push(options);
    }) as never);
    await rememberTab(4, 'http://parent.example', 0);
    await rememberTab(4, 'http://child.example', 9);
    await broadcast('accountsChanged', [], (o) => o === 'http://child.example');
    expect(sent).toEqual([{ frameId: 9 }]);
  });

  it('behavior: a frame that loaded a new document replaces its earlier one (nothing is sent to the old)', async () => {
    const sent: unknown[] = [];
    vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockImplementation((async (_t: number, _m: unknown, options: unknown) => {
      sent.push(options);
    }) as never);
    await rememberTab(5, 'http://a.example', 0, 'DOC-1');
    await rememberTab(5, 'http://b.example', 0, 'DOC-2');
    await broadcast('chainChanged', '0x1');
    expect(sent).toEqual([{ documentId: 'DOC-2' }]);
  });
});

describe('MetaMask compatibility setting', () => {
  beforeEach(() => fakeBrowser.reset());

  function fakeScripting() {
    const registered = new Map<string, Record<string, unknown>>();
    const api = {
      getRegisteredContentScripts: async (f?: { ids?: string[] }) => [...registered.values()].filter((s) => !f?.ids || f.ids.includes(s.id as string)) as { id: string }[],
      registerContentScripts: async (scripts: Record<string, unknown>[]) => {
        for (const s of scripts) registered.set(s.id as string, s);
      },
      unregisterContentScripts: async (f?: { ids?: string[] }) => {
        for (const id of f?.ids ?? [...registered.keys()]) registered.delete(id);
      },
    };
    (fakeBrowser as unknown as { scripting: typeof api }).scripting = api;
    return registered;
  }

  it('behavior: off by default; on registers a MAIN-world document_start script in all frames, off removes it', async () => {
    const registered = fakeScripting();
    expect(await metaMaskCompatEnabled()).toBe(false);
    await syncMetaMaskCompat();
    expect(registered.size).toBe(0);
    await setMetaMaskCompat(true);
    expect(registered.get(METAMASK_COMPAT_SCRIPT_ID)).toMatchObject({ world: 'MAIN', runAt: 'document_start', allFrames: true });
    await setMetaMaskCompat(false);
    expect(registered.size).toBe(0);
  });

  it('behavior: a worker start re-registers the script when the setting is on but the registration was lost', async () => {
    const registered = fakeScripting();
    await setMetaMaskCompat(true);
    registered.clear(); // e.g. after an extension update
    await syncMetaMaskCompat();
    expect(registered.has(METAMASK_COMPAT_SCRIPT_ID)).toBe(true);
  });
});
