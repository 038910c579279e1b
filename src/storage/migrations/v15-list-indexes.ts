import type { Migration } from './migration.ts';

// Lists that page (issue #18): a page shows a party's newest rows, read newest first through an
// index that holds the party and the time together, instead of reading every row of the party and
// sorting them. IndexedDB builds the new indexes over the rows already stored; nothing to copy.
//   bankTransfers: a customer's transfers sent and received (My bank, remittances).
//   codShipments: the courier's cash-on-delivery parcels.
//   remittanceExceptions: the payee's unmatched incoming transfers.
export const v15ListIndexes: Migration = {
  version: 15,
  stores: {
    bankTransfers: 'id, [clearing+at], payerPartyId, payeePartyId, batchId, [payerPartyId+at], [payeePartyId+at]',
    codShipments: 'id, orderId, chargeId, [logisticsId+status], [logisticsId+createdAt]',
    remittanceExceptions: 'id, transfer.payeeId, status, [transfer.payeeId+openedAt]',
  },
};
