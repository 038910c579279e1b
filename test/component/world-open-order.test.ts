import './jsdom-bytes.ts';
import { describe, expect, it, vi } from 'vitest';
import { render, waitFor } from '@testing-library/svelte';
import { openRegistry } from '../../src/storage/registry.ts';

// Issue #18 item 2: a cold open of a world's page loaded the world shell's chunks only after the
// registry and the world's database had opened and its health had been checked, one after the other
// (about 1 s of the 2-3.3 s cold open measured by the bench's open rows). The shell's chunks are now
// asked for while that check runs, and the party page's chunk while the world's database opens.

const seen = vi.hoisted(() => ({ shellLoaded: false, healthAsked: false, pageLoaded: false }));

// The world's health check never answers here: whatever loads meanwhile is loaded in parallel with it.
vi.mock('../../src/app/world-build.ts', async (original) => ({
  ...(await original<typeof import('../../src/app/world-build.ts')>()),
  openCheckedWorld: () => {
    seen.healthAsked = true;
    return new Promise(() => undefined);
  },
}));
vi.mock('../../src/ui/ledger/AuditorPage.svelte', async (original) => {
  const m = await original<typeof import('../../src/ui/ledger/AuditorPage.svelte')>();
  seen.pageLoaded = true;
  return m;
});
vi.mock('../../src/ui/world/WorldView.svelte', async (original) => {
  const m = await original<typeof import('../../src/ui/world/WorldView.svelte')>();
  seen.shellLoaded = true;
  return m;
});

describe('opening a world page', () => {
  it('loads the world shell while the world is still being checked', { timeout: 60_000 }, async () => {
    await openRegistry().worlds.put({ id: 'w-order', name: 'Order', dbName: 'settlelab-world-w-order', createdAtMs: 0 });
    location.hash = '#/w/w-order/p/platform/auditor';
    const { default: App } = await import('../../src/ui/App.svelte');
    const view = render(App);
    await waitFor(() => expect(seen.healthAsked).toBe(true));
    await waitFor(() => expect(seen.shellLoaded).toBe(true), { timeout: 40_000 });
    // The party page the tab opens on loads too, while the check still has not answered.
    await waitFor(() => expect(seen.pageLoaded).toBe(true), { timeout: 40_000 });
    view.unmount();
  });

  it('asks for the party page a tab opens on before the page is shown', async () => {
    const { partyPages, preloadPartyPage } = await import('../../src/ui/world/pages.ts');
    const auditor = partyPages.find((p) => p.id === 'auditor')!.component as unknown as { preload(): Promise<unknown> };
    const preload = vi.spyOn(auditor, 'preload');
    preloadPartyPage('auditor');
    preloadPartyPage('no-such-page');
    expect(preload).toHaveBeenCalledTimes(1);
    await preload.mock.results[0]!.value;
  });
});
