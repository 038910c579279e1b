import type { Migration } from './migration.ts';

// Accounts lose their `code` index (never edited once shipped: add a new version instead). Nothing
// looks accounts up by code, and IndexedDB rewrites every index entry of a row on each put: every
// transfer rewrites its two accounts, so an index nobody reads costs every transfer.
export const v10AccountIndex: Migration = {
  version: 10,
  stores: {
    accounts: 'id, partyId, bookId',
  },
};
