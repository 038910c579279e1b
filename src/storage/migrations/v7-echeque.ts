import type { Migration } from './migration.ts';

// Signed e-cheques (issue 7). Never edit once shipped: add a new version instead.
//   chequeAccounts: deposit accounts a bank enabled for cheques (支票存款账户), by ledger account id;
//     the presentment looks one up by bank and account number (the card number).
//   chequebooks: the banks' chequebook rows (domain ChequebookRow): paid and stopped numbers.
//   cheques: each cheque's record (the payee's copy, its endorsement, status history), by drawer
//     and by payee (their lists) and by status.
//   chequeNotices: the drawers' signed payment notices, as their banks keep them, by cheque id.
//   chequePresentments: one row per deposit of a cheque: the collecting bank's queue and then the
//     paying bank's, with the decision (trace, reason, fee).
//   chequeStops: the drawers' signed stop-payment orders, kept by the bank.
export const v7Echeque: Migration = {
  version: 7,
  stores: {
    chequeAccounts: 'id, [bankId+accountNumber], partyId',
    chequebooks: 'id, [bankId+accountNumber], holderPartyId',
    cheques: 'id, drawerPartyId, payeePartyId, status',
    chequeNotices: 'chequeId, bankId',
    chequePresentments: 'id, chequeId, [collectingBankId+status], [payingBankId+status], depositorPartyId',
    chequeStops: 'id, bankId, chequeId',
  },
};
