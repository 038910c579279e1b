import Decimal from 'decimal.js';
import type { OrderRow } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import type { CheckResult, LabCheck, LabParties, LabQuery } from './checks.ts';
import { labOrdersScannedMax } from './checks.ts';

// The checks and queries of the refund and dispute lab (退款与纠纷仲裁). Convention: the roles are
// 'buyer' and 'seller'; the lab's two orders are told apart by their product (the textbook's order
// gets the partial refund, the earphones' order the dispute). Each reads the order rows only.

const notDone: CheckResult = { done: false, at: null };
const doneAt = (at: number | null | undefined): CheckResult => (at === null || at === undefined ? notDone : { done: true, at });

/** The buyer's first order from the seller holding `productSuffix` (`demo-01`...). */
async function orderOf(db: WorldDb, parties: LabParties, productSuffix: string): Promise<OrderRow | undefined> {
  const { buyer, seller } = parties;
  if (buyer === undefined || seller === undefined) return undefined;
  const orders = await marketTables(db).orders.where('[buyerId+createdAt]').between([buyer, -Infinity], [buyer, Infinity]).limit(labOrdersScannedMax).toArray();
  return orders.find((o) => o.sellerId === seller && o.lines.some((l) => l.productId === `${seller}-${productSuffix}`));
}
const partialOrder = (db: WorldDb, parties: LabParties) => orderOf(db, parties, 'demo-01');
const disputedOrder = (db: WorldDb, parties: LabParties) => orderOf(db, parties, 'demo-03');

/** Whether the order's refund case asks back less than its total. */
const isPartial = (o: OrderRow) => o.refund !== null && new Decimal(o.refund.amount.amount).lt(o.total.amount);

export const disputeLabChecks: Readonly<Record<string, LabCheck>> = {
  /** The buyer asked back part of the textbook order's total. */
  'refund.partial_requested': async (db, p) => {
    const o = await partialOrder(db, p);
    return doneAt(o !== undefined && isPartial(o) ? o.refund!.requestedAt : null);
  },
  /** The seller agreed: the order settled with that refund to the buyer. */
  'refund.partial_agreed': async (db, p) => {
    const o = await partialOrder(db, p);
    // The seller's own agreement (not a silent seller's timeout), and the money split by it.
    return doneAt(o?.settlement !== null && o?.history.some((h) => h.event === 'REFUND_AGREE') ? o.settlement.at : null);
  },
  /** The buyer asked for a refund on the earphones' order. */
  'refund.dispute_requested': async (db, p) => doneAt((await disputedOrder(db, p))?.refund?.requestedAt),
  /** The seller refused it with a reason: the case goes to the platform. */
  'refund.refused': async (db, p) => {
    const o = await disputedOrder(db, p);
    const refusedAt = o?.history.find((h) => h.event === 'REFUND_REFUSE')?.at;
    return doneAt(refusedAt);
  },
  /** The platform operator arbitrated the dispute. */
  'refund.arbitrated': async (db, p) => doneAt((await disputedOrder(db, p))?.arbitration?.at),
};

export const disputeLabCheckTables: Readonly<Record<string, readonly string[]>> = {
  'refund.partial_requested': ['orders'],
  'refund.partial_agreed': ['orders'],
  'refund.dispute_requested': ['orders'],
  'refund.refused': ['orders'],
  'refund.arbitrated': ['orders'],
};

export const disputeLabQueries: Readonly<Record<string, LabQuery>> = {
  /** The platform's commission on the partly refunded order: charged on the released part only. */
  'refund.partial_commission': async (db, p) => (await partialOrder(db, p))?.settlement?.commission.amount ?? null,
  /** What the arbitration gave back to the buyer. */
  'refund.arbitrated_refund': async (db, p) => (await disputedOrder(db, p))?.arbitration?.refund.amount ?? null,
  /** What the seller received for the disputed order after the arbitration. */
  'refund.disputed_seller_net': async (db, p) => (await disputedOrder(db, p))?.settlement?.sellerNet.amount ?? null,
};
