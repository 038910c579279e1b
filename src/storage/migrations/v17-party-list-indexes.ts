import type { Migration } from './migration.ts';

// More lists that page (issue #18), as v15 did: a page shows a party's or a card's newest rows,
// read newest first through an index that holds the owner and the time together, instead of
// reading every row and sorting them. IndexedDB builds the new indexes over the rows already stored.
//   cheques: the cheques a party wrote (its chequebook page) and those made out to it (its inbox).
//   storedValueTxns: a stored-value card's statement (一卡通 card page).
export const v17PartyListIndexes: Migration = {
  version: 17,
  stores: {
    cheques: 'id, drawerPartyId, payeePartyId, status, [drawerPartyId+writtenAt], [payeePartyId+writtenAt]',
    storedValueTxns: 'id, cardId, merchantId, [cardId+at]',
  },
};
