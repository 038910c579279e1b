import type { Table } from 'dexie';
import type { Account, JournalHead, Transfer } from '../domain/index.ts';
import { journalTable, type JournalTable } from './journal-store.ts';
import type { WorldDb } from './schema.ts';

// Typed access to the ledger's tables (declared in migrations/v2-ledger.ts; the journal's blocks in
// v9-journal-blocks.ts, read and written through journal-store.ts). Rows are the domain's own row
// types: amounts are strings at the currency's scale, so nothing needs mapping.

/** A stored transfer: the domain's Transfer and the seq of the journal entry it wrote. */
export type TransferRow = Transfer & { readonly entrySeq?: number };

export type LedgerTables = {
  accounts: Table<Account, string>;
  transfers: Table<TransferRow, string>;
  journal: JournalTable;
};

export function ledgerTables(db: WorldDb): LedgerTables {
  return {
    accounts: db.table('accounts'),
    transfers: db.table('transfers'),
    journal: journalTable(db),
  };
}

/** The journal's head lives in the world's meta table, apart from the entries, so a cut-off or
 * rewritten last entry shows in verify. */
export const journalHeadKey = 'ledger.head';

export function isHeadRow(value: unknown): value is JournalHead {
  return typeof value === 'object' && value !== null && typeof (value as JournalHead).seq === 'number' && typeof (value as JournalHead).hash === 'string';
}
