import type { OrderRow } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { identityLabCheckTables, identityLabChecks, identityLabQueries } from './checks-identity.ts';
import { bankingLabCheckTables, bankingLabChecks, bankingLabQueries } from './checks-banking.ts';
import { disputeLabCheckTables, disputeLabChecks, disputeLabQueries } from './checks-disputes.ts';
import { reconLabCheckTables, reconLabChecks, reconLabQueries } from './checks-recon.ts';
import { echequeLabCheckTables, echequeLabChecks, echequeLabQueries } from './checks-echeque.ts';
import { codLabCheckTables, codLabChecks, codLabQueries } from './checks-cod.ts';
import { remittanceLabCheckTables, remittanceLabChecks, remittanceLabQueries } from './checks-remittance.ts';
import { auditorLabCheckTables, auditorLabChecks, auditorLabQueries } from './checks-auditor.ts';
import { cardsLabCheckTables, cardsLabChecks, cardsLabQueries } from './checks-cards.ts';
import { ecashLabCheckTables, ecashLabChecks, ecashLabQueries } from './checks-ecash.ts';

// The named checks a lab step refers to, and the named queries a lab question refers to. Each
// reads the world (its rows and its event log), never what a page or button did: a step ticks
// because the order is paid, not because "Pay" was pressed. Lab files name them (docs/labs.md).

/** Who plays each role of the lab in this world: role id → party id. */
export type LabParties = Readonly<Record<string, string>>;

/** Done, and when in world time (null: not done). */
export type CheckResult = { readonly done: boolean; readonly at: number | null };

export type LabCheck = (db: WorldDb, parties: LabParties) => Promise<CheckResult>;
/** The answer the world gives (an amount as a stored decimal, a text), or null while it has none. */
export type LabQuery = (db: WorldDb, parties: LabParties) => Promise<string | null>;

/** A buyer's orders looked at per lab order search: a lab's trade is one of the first few. */
export const labOrdersScannedMax = 200;

/**
 * The lab's trade: the buyer's first order from the lab's seller paid through escrow (担保交易).
 * Convention of the trade checks: the roles are called 'buyer' and 'seller'.
 */
export async function labOrder(db: WorldDb, parties: LabParties): Promise<OrderRow | undefined> {
  const buyer = parties.buyer;
  const seller = parties.seller;
  if (buyer === undefined || seller === undefined) return undefined;
  const orders = await marketTables(db)
    .orders.where('[buyerId+createdAt]')
    .between([buyer, -Infinity], [buyer, Infinity])
    .limit(labOrdersScannedMax)
    .toArray();
  return orders.find((o) => o.sellerId === seller && o.paymentMethod === 'escrow' && o.paidAt !== null) ?? orders.find((o) => o.sellerId === seller && o.paymentMethod === 'escrow');
}

const notDone: CheckResult = { done: false, at: null };
const doneAt = (at: number | null | undefined): CheckResult => (at === null || at === undefined ? notDone : { done: true, at });

function orderCheck(read: (order: OrderRow, db: WorldDb) => Promise<number | null | undefined>): LabCheck {
  return async (db, parties) => {
    const order = await labOrder(db, parties);
    return order === undefined ? notDone : doneAt(await read(order, db));
  };
}

export const labChecks: Readonly<Record<string, LabCheck>> = {
  /** The buyer paid the trade: the money is held by the escrow agent. */
  'order.paid': orderCheck(async (o) => o.paidAt),
  /** The seller booked the courier for it. */
  'order.shipment_booked': orderCheck(async (o, db) => {
    const s = await marketTables(db).shipments.where('orderId').equals(o.id).first();
    return s !== undefined && s.status !== 'cancelled' ? s.bookedAt : null;
  }),
  /** The courier picked the parcel up: the order shipped with its tracking number. */
  'order.shipped': orderCheck(async (o) => o.shipment?.at),
  /** The courier delivered it. */
  'order.delivered': orderCheck(async (o, db) => (await marketTables(db).shipments.where('orderId').equals(o.id).first())?.deliveredAt),
  /** The buyer signed the receipt confirmation (not the automatic one after 10 days). */
  'order.receipt_signed': orderCheck(async (o) => (o.receipt !== null && !o.receipt.auto ? o.receipt.at : null)),
  /** The buyer reviewed the trade. */
  'order.reviewed': orderCheck(async (o) => o.reviewedAt),
  /** The released money became withdrawable in the seller's wallet (T+N): the event says when. */
  'seller.funds_available': orderCheck(async (o, db) => {
    const events = await db.events.where('type').equals('market.funds_available').limit(labOrdersScannedMax).toArray();
    return events.find((e) => (e.payload as { orderId?: unknown }).orderId === o.id)?.at;
  }),
  ...identityLabChecks,
  ...bankingLabChecks,
  ...disputeLabChecks,
  ...reconLabChecks,
  ...echequeLabChecks,
  ...codLabChecks,
  ...remittanceLabChecks,
  ...auditorLabChecks,
  ...cardsLabChecks,
  ...ecashLabChecks,
};

/**
 * The tables each check reads. A lab panel re-reads its progress when one of them changes: it
 * watches them in a flat live query rather than running the checks inside one (a chain of nested
 * awaits that deep loses Dexie's live-query zone, and reads after that point are not watched).
 */
export const labCheckTables: Readonly<Record<string, readonly string[]>> = {
  'order.paid': ['orders'],
  'order.shipment_booked': ['orders', 'shipments'],
  'order.shipped': ['orders'],
  'order.delivered': ['orders', 'shipments'],
  'order.receipt_signed': ['orders'],
  'order.reviewed': ['orders'],
  'seller.funds_available': ['orders', 'events'],
  ...identityLabCheckTables,
  ...bankingLabCheckTables,
  ...disputeLabCheckTables,
  ...reconLabCheckTables,
  ...echequeLabCheckTables,
  ...codLabCheckTables,
  ...remittanceLabCheckTables,
  ...auditorLabCheckTables,
  ...cardsLabCheckTables,
  ...ecashLabCheckTables,
};

export const labQueries: Readonly<Record<string, LabQuery>> = {
  /** The platform's commission on the trade, from its settlement. */
  'order.commission': async (db, parties) => (await labOrder(db, parties))?.settlement?.commission.amount ?? null,
  /** What the escrow agent paid the seller for the trade. */
  'order.seller_net': async (db, parties) => (await labOrder(db, parties))?.settlement?.sellerNet.amount ?? null,
  /** The tracking number the courier gave the parcel. */
  'order.tracking_number': async (db, parties) => (await labOrder(db, parties))?.shipment?.trackingNumber ?? null,
  ...identityLabQueries,
  ...bankingLabQueries,
  ...disputeLabQueries,
  ...reconLabQueries,
  ...echequeLabQueries,
  ...codLabQueries,
  ...remittanceLabQueries,
  ...auditorLabQueries,
  ...cardsLabQueries,
  ...ecashLabQueries,
};
