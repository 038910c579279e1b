import './jsdom-bytes.ts';
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import { getWorld } from '../../src/app/world-list.ts';
import { freshWorld } from '../helpers/world.ts';

// Issue #18 item 2: a cold open of a world's page opened the world's database twice, once for the
// health check (App) and again for the tab's session (WorldView), each open of a 1M-entry world's
// database a large part of the cold start. The check's open is now handed to the session.

describe('opening a world page', () => {
  it("opens the world's database once, from the health check to the shown page", { timeout: 60_000 }, async () => {
    const { id, db } = await freshWorld('Opened once');
    db.close();
    const entry = (await getWorld(id))!;
    const opens = vi.spyOn(indexedDB, 'open');
    location.hash = `#/w/${id}/p/platform/auditor`;
    const { default: App } = await import('../../src/ui/App.svelte');
    const view = render(App);
    // The acting party's name comes from the session's live query on the world's parties.
    await waitFor(() => expect(screen.getByTestId('acting-as').textContent).toContain('Platform'), { timeout: 40_000 });
    await waitFor(() => expect(screen.getByTestId('world-name').textContent).toBe('Opened once'));
    expect(opens.mock.calls.filter(([name]) => name === entry.dbName)).toHaveLength(1);
    view.unmount();
  });
});
