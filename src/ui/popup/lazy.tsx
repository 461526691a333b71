// Parts of the popup that its first screen does not need (onboarding, the other tabs) load on first
// use: the account view's script is then small, so the popup's first call to the worker leaves
// sooner (issue 15 item 4). Each part is one chunk of the build, fetched from the extension itself.
import { h, type ComponentType, type FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface LazyComponent<P> extends FunctionComponent<P> {
  /** Starts loading it ahead of use (an idle moment after the first screen). */
  preload(): Promise<unknown>;
}

export function lazyComponent<P>(load: () => Promise<ComponentType<P>>): LazyComponent<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const preload = () => (pending ??= load().then((c) => (loaded = c)));
  const Lazy = (props: P) => {
    const [failed, setFailed] = useState<string | null>(null);
    const [, setReady] = useState(false);
    useEffect(() => {
      if (!loaded) preload().then(() => setReady(true), (e: Error) => setFailed(e.message));
    }, []);
    if (loaded) return h(loaded as ComponentType<object>, props as object);
    return failed ? (
      <p class="error-text" role="alert">
        This part of the wallet could not load: {failed}
      </p>
    ) : (
      <p class="muted" aria-busy="true">
        Loading…
      </p>
    );
  };
  return Object.assign(Lazy, { preload });
}
