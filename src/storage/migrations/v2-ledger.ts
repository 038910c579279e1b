import type { Migration } from './migration.ts';

// The ledger (issue 3). Never edit once shipped: add a new version instead.
//   accounts: balances live in the row (one lookup per balance); listed by owner and by book.
//   transfers: every transfer by id (the idempotency key); pending ones by the transfer that
//     resolved them.
//   journal: the hash-chained entries by seq; the two compound indexes page one account's entries
//     (statements) without reading the rest of the journal.
export const v2Ledger: Migration = {
  version: 2,
  stores: {
    accounts: 'id, partyId, bookId, code',
    transfers: 'id, pendingId',
    journal: 'seq, transferId, [debitAccountId+seq], [creditAccountId+seq]',
  },
};
