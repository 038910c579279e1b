import './jsdom-bytes.ts';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import Statement from '../../src/ui/ledger/Statement.svelte';
import type { TransferRequest } from '../../src/domain/index.ts';
import { openAccount, submitTransfers } from '../../src/app/ledger.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';
import { freshWorld, meta } from '../helpers/world.ts';

// Issue #18: "Older entries" never showed older rows. The statement's page was a live query that
// read its cursor inside the querier, whose first run is in a setTimeout, so a new cursor was never
// seen. Four pages of 50: older three times reaches the first entries, newer three times comes back.

const pageSize = 50;
const entriesTotal = 170;

/** The sequence numbers the statement shows, once they stop being `previous`. */
async function shownSeqsAfter(previous: readonly number[]): Promise<number[]> {
  let seqs: number[] = [];
  await waitFor(() => {
    seqs = screen.getAllByTestId('statement-row').map((r) => Number(r.querySelector('td')?.textContent));
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs).not.toEqual(previous);
  }, { timeout: 10_000 });
  return seqs;
}

describe('Statement paging', () => {
  it('pages back three pages and forward again', async () => {
    const { db } = await freshWorld();
    expect((await openAccount(db, meta('bank-a'), { id: 'paged', partyId: 'paged', bookId: 'bank-a', code: 'bank.deposit', name: 'paged', currency: 'CNY', normal: 'credit', flags: {} })).ok).toBe(true);
    const requests: TransferRequest[] = Array.from({ length: entriesTotal }, (_, k) => ({ id: `in-${k}`, kind: 'single', debitAccountId: 'bank-a:vault', creditAccountId: 'paged', amount: '1.00', currency: 'CNY', code: 'deposit' }));
    expect((await submitTransfers(db, requests)).every((r) => r.status === 'created')).toBe(true);
    const account = (await ledgerTables(db).accounts.get('paged'))!;
    const world = { session: { db }, parties: { current: [] } } as unknown as WorldModel;
    render(Statement, { world, account });

    const pages: number[][] = [await shownSeqsAfter([])];
    expect(pages[0]).toHaveLength(pageSize);
    for (let i = 1; i <= 3; i += 1) {
      await fireEvent.click(screen.getByTestId('statement-older'));
      pages.push(await shownSeqsAfter(pages[i - 1]!));
      // Each page holds only entries older than the page before it.
      expect(Math.max(...pages[i]!)).toBeLessThan(Math.min(...pages[i - 1]!));
    }
    expect(pages[3]).toHaveLength(entriesTotal - 3 * pageSize);
    expect((screen.getByTestId('statement-older') as HTMLButtonElement).disabled).toBe(true);

    for (let i = 2; i >= 0; i -= 1) {
      await fireEvent.click(screen.getByTestId('statement-newer'));
      expect(await shownSeqsAfter(pages[i + 1]!)).toEqual(pages[i]);
    }
    expect((screen.getByTestId('statement-newer') as HTMLButtonElement).disabled).toBe(true);
    db.close();
  });
});
