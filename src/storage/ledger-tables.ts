import type { Table } from 'dexie';
import type { Account, JournalEntry, JournalHead, Transfer } from '../domain/index.ts';
import type { WorldDb } from './schema.ts';

// Typed access to the ledger's tables (declared in migrations/v2-ledger.ts). Rows are the domain's
// own row types: amounts are strings at the currency's scale, so nothing needs mapping.

export type LedgerTables = {
  accounts: Table<Account, string>;
  transfers: Table<Transfer, string>;
  journal: Table<JournalEntry, number>;
};

export function ledgerTables(db: WorldDb): LedgerTables {
  return {
    accounts: db.table('accounts'),
    transfers: db.table('transfers'),
    journal: db.table('journal'),
  };
}

/** The journal's head lives in the world's meta table, apart from the entries, so a cut-off or
 * rewritten last entry shows in verify. */
export const journalHeadKey = 'ledger.head';

export function isHeadRow(value: unknown): value is JournalHead {
  return typeof value === 'object' && value !== null && typeof (value as JournalHead).seq === 'number' && typeof (value as JournalHead).hash === 'string';
}
