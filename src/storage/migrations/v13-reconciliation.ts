import type { Migration } from './migration.ts';

// Reconciliation (对账), issue #16:
//   channelTrades: the channel institutions' own records, one row per payment, refund and fee they
//     processed (the rows of their daily bills), keyed by the channel's trade number.
//   reconDays: the desk's day per scope (the platform, or one seller): the differences found at the
//     first run (the report's opening), the clerk's resolutions, and when the day closed.
//   reconLab: the lab's armed faults (lose the next callback of a channel, deliver it twice).
export const v13Reconciliation: Migration = {
  version: 13,
  stores: {
    channelTrades: '&channelTradeNo, institutionId, merchantOrderNo, billDate, sellerId, orderId',
    reconDays: '&id, scope, date',
    reconLab: '&id',
  },
};
