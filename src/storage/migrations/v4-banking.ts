import type { Migration } from './migration.ts';

// Banks and clearing (issue 6, items 1 and 9). Never edit once shipped: add a new version instead.
//   bankApplications: account-opening applications; a bank's counter lists its queue by
//     [bankId+status]; a customer sees its own by partyId.
//   bankAccounts: one row per deposit account (id = the ledger account id <bank>:deposit:<party>),
//     with its debit card number, unique in the world (&cardNumber: the payee lookup).
//   bankTransfers: every customer transfer; interbank ones wait for the day's clearing batch in
//     [clearing+at] ('open' until settled), and name their batch once settled.
//   clearingBatches: one per settled world day, by id ('batch:<day>') and cutoff time.
export const v4Banking: Migration = {
  version: 4,
  stores: {
    bankApplications: 'id, [bankId+status], partyId',
    bankAccounts: 'id, bankId, partyId, &cardNumber',
    bankTransfers: 'id, [clearing+at], payerPartyId, payeePartyId, batchId',
    clearingBatches: 'id, cutoffAt',
  },
};
