import './jsdom-bytes.ts';
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import AuditorPage from '../../src/ui/ledger/AuditorPage.svelte';
import { allAccounts, openAccount, submitTransfers } from '../../src/app/ledger.ts';
import { ledgerSummary } from '../../src/app/ledger-summary.ts';
import { balanceSheet, trialBalance, type Party } from '../../src/domain/index.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';
import { freshWorld, meta } from '../helpers/world.ts';

// Issue #18 item 5: the auditor's page held every account row in a live query
// (accounts.toArray(), re-run on every write) to show the trial balance and the balance sheets.
// They are now summed from pages of accounts (ledgerSummary); the page never reads the whole table.

const customers = 40;

async function worldWithCustomers() {
  const { db } = await freshWorld();
  for (let i = 0; i < customers; i += 1) {
    const id = `cust-${String(i).padStart(3, '0')}`;
    expect((await openAccount(db, meta('bank-a'), { id, partyId: id, bookId: 'bank-a', code: 'bank.deposit', name: id, currency: 'CNY', normal: 'credit', flags: {} })).ok).toBe(true);
  }
  const [a, b] = (await allAccounts(db)).filter((x) => Object.keys(x.flags).length === 0 && x.currency === 'CNY');
  const moved = await submitTransfers(db, Array.from({ length: 5 }, (_, i) => ({ id: `t-${i}`, kind: 'single' as const, debitAccountId: a!.id, creditAccountId: b!.id, amount: `${i + 1}.25`, currency: 'CNY' as const, code: 'lab.move', refs: {} })));
  expect(moved.every((r) => r.status === 'created')).toBe(true);
  return db;
}

describe('ledgerSummary', () => {
  it('sums pages of accounts to the same trial balance and balance sheets as the whole table', async () => {
    const db = await worldWithCustomers();
    const all = await allAccounts(db);
    const summary = await ledgerSummary(db, 7);
    expect(summary.accountsRead).toBe(all.length);
    expect(summary.trial).toEqual(trialBalance(all));
    const books = [...new Set(all.map((x) => x.bookId))].sort();
    expect(summary.sheets.map((s) => s.bookId).sort()).toEqual(books);
    for (const sheet of summary.sheets) expect(sheet).toEqual(balanceSheet(all, sheet.bookId));
    db.close();
  });
});

describe('AuditorPage', () => {
  it('shows the trial balance and balance sheets without reading the whole accounts table', async () => {
    const db = await worldWithCustomers();
    const accounts = ledgerTables(db).accounts;
    const wholeTable = vi.spyOn(accounts, 'toArray');
    const parties = await db.parties.toArray();
    const platform = parties.find((p) => p.id === 'platform') as Party;
    const world = { session: { db, env: {} }, parties: { current: parties }, entry: { id: 'test' } } as unknown as WorldModel;
    render(AuditorPage, { world, party: platform, page: [] });
    await waitFor(() => expect(screen.getByTestId('trial-result').getAttribute('data-pass')).toBe('true'));
    await waitFor(() => expect(screen.getAllByTestId('journal-row').length).toBeGreaterThan(0));
    expect(screen.getByTestId('balance-sheets').querySelectorAll('[data-testid="balance-sheet"]').length).toBeGreaterThan(1);
    expect(wholeTable).not.toHaveBeenCalled();
    db.close();
  });
});
