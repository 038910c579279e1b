// The double-entry, hash-chained ledger (pure): accounts, two-phase transfers, the journal, its
// verifier and reports. Storage and UI build on these synchronous functions. One write, as the
// storage layer does it inside ONE IndexedDB transaction (MemoryLedger.apply is the reference):
//   1. ids = idsNeeded(requests); load ids.transferIds;
//      ids = idsNeeded(requests, lookupOverLoadedTransfers); load ids.accountIds;
//   2. write = applyTransfers(ledgerViewOf(accounts, transfers), requests, worldNow);
//   3. entries = chainEntries(storedHead, write.entries); newHead = headAfter(storedHead, entries);
//   4. put write.accounts, write.transfers, add entries, store newHead; return write.results.
// Expiry: the scheduler applies expiryRequestsFor(dueOpenPendings, worldNow) the same way.
// Audit: new JournalVerifier(storedHead), feed(page) per page in seq order, finish(allAccounts).
export * from './types.ts';
export * from './amount.ts';
export * from './account.ts';
export * from './request.ts';
export * from './transfer.ts';
export * from './journal.ts';
export * from './verify.ts';
export * from './reports.ts';
export * from './memory.ts';
export * from './verify-merge.ts';
