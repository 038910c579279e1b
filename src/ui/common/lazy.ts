import type { Component } from 'svelte';
import LazyComponent from './LazyComponent.svelte';

// Code that only some tabs need (a party's pages, the world shell, the verifier, the diagram...)
// is split into chunks that load when first shown, so the start page parses only its own script.
// The service worker precaches every chunk (vite.config.ts globPatterns), so they load offline too.

/** A module whose default export is the component, as `import('./X.svelte')` gives it. */
export type ComponentLoader<P extends Record<string, unknown>> = () => Promise<{ default: Component<P> }>;

/** A lazily loaded component; `preload()` asks for its chunk before it is shown (once, as showing does). */
export type LazyLoaded<P extends Record<string, unknown>> = Component<P> & { readonly preload: () => Promise<Component<P>> };

/**
 * A component that stands in for the one `load` brings: it shows a short loading line until the
 * chunk has arrived, then renders it with the same (live) props. Each chunk is asked for once;
 * a failed load (offline before the service worker cached it, or an old version's chunk gone
 * after an update) is asked for again when the component is next shown.
 */
export function lazy<P extends Record<string, unknown>>(load: ComponentLoader<P>): LazyLoaded<P> {
  let loading: Promise<Component<P>> | undefined;
  const once = (): Promise<Component<P>> =>
    (loading ??= load().then(
      (m) => m.default,
      (e: unknown) => {
        loading = undefined;
        throw e;
      },
    ));
  // A Svelte 5 component is a function of (internals, props); the props object is passed on
  // itself (not copied), so its getters keep the parent's values live.
  const wrapper = (internals: Parameters<Component<P>>[0], props: P) =>
    LazyComponent(internals, {
      load: once as () => Promise<Component<Record<string, unknown>>>,
      get props() {
        return props;
      },
    });
  return Object.assign(wrapper as unknown as Component<P>, { preload: once });
}
