import './jsdom-bytes.ts';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import AccountsPage from '../../src/ui/ledger/AccountsPage.svelte';
import { openAccount } from '../../src/app/ledger.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';
import type { Party } from '../../src/domain/index.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';
import { freshWorld, meta } from '../helpers/world.ts';

// Issue #18: a bank's Accounts page listed every account of its book (one per customer, thousands
// in a big world). It shows a page of 50 at a time, with the next and previous pages.

const pageSize = 50;
const customers = 120;

describe('AccountsPage', () => {
  it("pages through the accounts a bank keeps for others", async () => {
    const { db } = await freshWorld();
    for (let i = 0; i < customers; i += 1) {
      const id = `cust-${String(i).padStart(3, '0')}`;
      expect((await openAccount(db, meta('bank-a'), { id, partyId: id, bookId: 'bank-a', code: 'bank.deposit', name: id, currency: 'CNY', normal: 'credit', flags: {} })).ok).toBe(true);
    }
    const keptTotal = await ledgerTables(db).accounts.where('bookId').equals('bank-a').filter((a) => a.partyId !== 'bank-a').count();
    const parties = await db.parties.toArray();
    const bank = parties.find((p) => p.id === 'bank-a') as Party;
    const world = { session: { db }, parties: { current: parties } } as unknown as WorldModel;
    render(AccountsPage, { world, party: bank, page: [] });

    const keptRows = () => [...(screen.getAllByTestId('accounts-table')[1]?.querySelectorAll('[data-testid="account-row"]') ?? [])].map((r) => r.getAttribute('data-account')!);
    const seen = new Set<string>();
    let shown = 0;
    for (let page = 0; ; page += 1) {
      const expected = Math.min(pageSize, keptTotal - page * pageSize);
      // The next page's rows, none of them shown before.
      await waitFor(() => {
        expect(screen.getByTestId('kept-page').textContent).toBe(`Page ${page + 1}`);
        const rows = keptRows();
        expect(rows.length).toBe(expected);
        expect(rows.some((id) => seen.has(id))).toBe(false);
      });
      const ids = keptRows();
      for (const id of ids) seen.add(id);
      shown += ids.length;
      const next = screen.getByTestId('kept-next') as HTMLButtonElement;
      if (next.disabled) break;
      await fireEvent.click(next);
    }
    expect(shown).toBe(keptTotal);
    expect(seen.size).toBe(keptTotal);
    await fireEvent.click(screen.getByTestId('kept-prev'));
    await waitFor(() => expect(screen.getByTestId('kept-page').textContent).toBe(`Page ${Math.ceil(keptTotal / pageSize) - 1}`));
    db.close();
  });
});
