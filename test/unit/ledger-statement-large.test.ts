import { describe, expect, it } from 'vitest';
import type { TransferRequest } from '../../src/domain/index.ts';
import { openAccount, statementPage, submitTransfers, verifyLedger, type StatementCursor } from '../../src/app/ledger.ts';
import { rowEntries } from '../../src/storage/journal-store.ts';
import { WorldDb } from '../../src/storage/schema.ts';
import { freshWorld, meta } from '../helpers/world.ts';

// Issue 3: "An account statement over 100,000 entries pages without loading them all." The
// statement reads through the journal rows' account index; a counting middleware on the database
// shows how many entries each page decodes.

const entriesTotal = 100_000;
const batch = 5_000;

describe('a statement over 100,000 entries', () => {
  it('pages newest first, each page reading a few rows, not the journal', { timeout: 300_000 }, async () => {
    const { db: setup } = await freshWorld();
    expect((await openAccount(setup, meta('bank-a'), { id: 'big', partyId: 'big', bookId: 'bank-a', code: 'bank.deposit', name: 'big', currency: 'CNY', normal: 'credit', flags: {} })).ok).toBe(true);
    for (let i = 0; i < entriesTotal; i += batch) {
      const requests: TransferRequest[] = Array.from({ length: batch }, (_, k) => ({ id: `in-${i + k}`, kind: 'single', debitAccountId: 'bank-a:vault', creditAccountId: 'big', amount: '1.00', currency: 'CNY', code: 'deposit' }));
      const results = await submitTransfers(setup, requests);
      expect(results.every((r) => r.status === 'created')).toBe(true);
    }
    setup.close();

    // The same world through a connection that counts the journal entries its reads return.
    let entriesRead = 0;
    const db = new WorldDb(setup.name);
    db.use({
      stack: 'dbcore',
      name: 'count-journal-reads',
      create: (down) => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          if (name !== 'journalBlocks') return table;
          return {
            ...table,
            get: async (req) => {
              const row = await table.get(req);
              entriesRead += row?.count ?? 0;
              return row;
            },
            getMany: async (req) => {
              const rows = await table.getMany(req);
              for (const row of rows) entriesRead += row?.count ?? 0;
              return rows;
            },
            query: async (req) => {
              const res = await table.query(req);
              if (req.values) for (const row of res.result) entriesRead += row.count ?? 0;
              return res;
            },
            openCursor: async (req) => {
              const cursor = await table.openCursor(req);
              if (cursor && req.values) entriesRead += rowEntries(cursor.value).length;
              return cursor;
            },
          };
        },
      }),
    });
    await db.open();

    let cursor: StatementCursor | null = null;
    let seen = 0;
    let newest = Number.MAX_SAFE_INTEGER;
    const pages = 5;
    for (let p = 0; p < pages; p++) {
      const page = await statementPage(db, 'big', cursor, 50);
      if (!page.ok) throw new Error(page.code);
      expect(page.value.rows).toHaveLength(50);
      // Newest first, consecutive, running balance = what was deposited up to that entry.
      for (const row of page.value.rows) {
        expect(row.seq).toBeLessThan(newest);
        newest = row.seq;
        expect(row.balance).toBe(`${entriesTotal - seen}.00`);
        seen += 1;
      }
      cursor = page.value.next;
    }
    // Five pages of 50 read at most two blocks each, not 100,000 entries.
    expect(entriesRead).toBeLessThanOrEqual(pages * 2 * 128);
    expect(entriesRead).toBeGreaterThan(0);
    expect((await verifyLedger(db)).ok).toBe(true);
    db.close();
  });
});
