import './jsdom-bytes.ts';
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import AuditorPage from '../../src/ui/ledger/AuditorPage.svelte';
import { allAccounts, submitTransfers } from '../../src/app/ledger.ts';
import type { Party } from '../../src/domain/index.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';
import { freshWorld } from '../helpers/world.ts';

// Issue #18 item 2: the auditor's page read its first journal page three times as it mounted (once
// from its head-following effect's first run, once from onMount, once more when the head's live
// query delivered its first value), each read costing a page of a 1M-entry journal on a cold open.
// It reads it once now; a later append still reads it again.

const reads = vi.hoisted(() => ({ journalPages: 0 }));
vi.mock('../../src/app/ledger.ts', async (original) => {
  const m = await original<typeof import('../../src/app/ledger.ts')>();
  return {
    ...m,
    journalPage: (...args: Parameters<typeof m.journalPage>) => {
      reads.journalPages += 1;
      return m.journalPage(...args);
    },
  };
});

/** Long enough for every live query's first run (each waits a setTimeout) and the reads they start. */
const settleMs = 300;

describe('AuditorPage on mount', () => {
  it('reads the first journal page once, and once more after an append', async () => {
    const { db } = await freshWorld();
    const [a, b] = (await allAccounts(db)).filter((x) => Object.keys(x.flags).length === 0 && x.currency === 'CNY');
    const move = (id: string) => submitTransfers(db, [{ id, kind: 'single', debitAccountId: a!.id, creditAccountId: b!.id, amount: '1.25', currency: 'CNY', code: 'lab.move', refs: {} }]);
    expect((await move('t-1'))[0]!.status).toBe('created');
    const parties = await db.parties.toArray();
    const platform = parties.find((p) => p.id === 'platform') as Party;
    const world = { session: { db, env: {} }, parties: { current: parties }, entry: { id: 'test' } } as unknown as WorldModel;
    reads.journalPages = 0;
    render(AuditorPage, { world, party: platform, page: [] });
    await waitFor(() => expect(screen.getAllByTestId('journal-row').length).toBeGreaterThan(0));
    await new Promise((r) => setTimeout(r, settleMs));
    expect(reads.journalPages).toBe(1);
    const rows = screen.getAllByTestId('journal-row').length;
    expect((await move('t-2'))[0]!.status).toBe('created');
    await waitFor(() => expect(screen.getAllByTestId('journal-row').length).toBeGreaterThan(rows));
    await new Promise((r) => setTimeout(r, settleMs));
    expect(reads.journalPages).toBe(2);
    db.close();
  });
});
