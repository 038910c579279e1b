import type { Migration } from './migration.ts';

// Mobile payment (手机支付), issue #17:
//   mobileWallets: each buyer's or seller's phone wallet at the escrow agent: the shared TOTP secret,
//     the PIN's hash, the small-amount limit, the codes already paid with; keyed by party, found by
//     the 6-digit wallet number a payment code or a merchant's static code carries.
//   mobilePayments: the counter payments (payment code scanned by the cashier, or the merchant's code
//     scanned by the buyer), one row each, with the ledger transfer that moved the money and the
//     institution's bill date, so a channel's daily bill can list them.
export const v14Mobile: Migration = {
  version: 14,
  stores: {
    mobileWallets: '&partyId, &walletNo',
    mobilePayments: '&id, payerId, payeeId, at, billDate, status',
  },
};
