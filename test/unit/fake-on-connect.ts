// fakeBrowser has no runtime.onConnect (its addListener throws "not implemented"): a minimal one for
// tests that start the worker's bootstrap, which listens for the bridge's provider port.
import { fakeBrowser } from 'wxt/testing/fake-browser';

type PortListener = (port: unknown) => void;

/** Installs the event on fakeBrowser (again after each fakeBrowser.reset()); `connect` hands it a port. */
export function fakeOnConnect(): { connect(port: unknown): void } {
  const listeners: PortListener[] = [];
  (fakeBrowser.runtime as unknown as { onConnect: unknown }).onConnect = { addListener: (l: PortListener) => listeners.push(l) };
  return { connect: (port) => listeners.forEach((l) => l(port)) };
}
