import type { CodShipmentRow, OrderRow } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import type { CheckResult, LabCheck, LabParties, LabQuery } from './checks.ts';
import { labOrdersScannedMax } from './checks.ts';

// The checks and queries of the cash-on-delivery lab (货到付款). Convention: the roles are 'buyer',
// 'seller' and 'courier' (the logistics company). The lab's trade is the buyer's first order from
// the seller paid cash on delivery; its parcel is the logistics company's COD shipment row, which
// says when the cash was collected at the door and when (and with what fee) it was remitted.

const notDone: CheckResult = { done: false, at: null };
const doneAt = (at: number | null | undefined): CheckResult => (at === null || at === undefined ? notDone : { done: true, at });

/** The buyer's first cash-on-delivery order from the seller. */
async function codOrder(db: WorldDb, parties: LabParties): Promise<OrderRow | undefined> {
  const { buyer, seller } = parties;
  if (buyer === undefined || seller === undefined) return undefined;
  const orders = await marketTables(db).orders.where('[buyerId+createdAt]').between([buyer, -Infinity], [buyer, Infinity]).limit(labOrdersScannedMax).toArray();
  return orders.find((o) => o.sellerId === seller && o.paymentMethod === 'cash_on_delivery' && o.paidAt !== null) ?? orders.find((o) => o.sellerId === seller && o.paymentMethod === 'cash_on_delivery');
}

/** The order's COD parcel (created when the buyer chose to pay at the door). */
async function codParcel(db: WorldDb, parties: LabParties): Promise<CodShipmentRow | undefined> {
  const order = await codOrder(db, parties);
  if (order === undefined) return undefined;
  // An order paid again after a refusal has a parcel per charge: the newest one is the trade's.
  const parcels = await paymentsTables(db).codShipments.where('orderId').equals(order.id).limit(labOrdersScannedMax).toArray();
  return parcels.sort((a, b) => b.createdAt - a.createdAt)[0];
}

export const codLabChecks: Readonly<Record<string, LabCheck>> = {
  /** The buyer chose to pay at the door: the order is payable on delivery, nothing moved yet. */
  'cod.ordered': async (db, p) => doneAt((await codOrder(db, p))?.paidAt),
  /** The seller booked the courier for the COD order. */
  'cod.shipment_booked': async (db, p) => {
    const order = await codOrder(db, p);
    if (order === undefined) return notDone;
    const s = await marketTables(db).shipments.where('orderId').equals(order.id).first();
    return doneAt(s !== undefined && s.status !== 'cancelled' ? s.bookedAt : null);
  },
  /** The courier picked the parcel up from the seller. */
  'cod.picked_up': async (db, p) => doneAt((await codOrder(db, p))?.shipment?.at),
  /** The courier collected the buyer's cash at the door. */
  'cod.collected': async (db, p) => doneAt((await codParcel(db, p))?.collectedAt),
  /** The logistics company's day-end batch remitted the collection to the seller's bank account. */
  'cod.remitted': async (db, p) => doneAt((await codParcel(db, p))?.remittedAt),
};

export const codLabCheckTables: Readonly<Record<string, readonly string[]>> = {
  'cod.ordered': ['orders'],
  'cod.shipment_booked': ['orders', 'shipments'],
  'cod.picked_up': ['orders'],
  'cod.collected': ['orders', 'codShipments'],
  'cod.remitted': ['orders', 'codShipments'],
};

export const codLabQueries: Readonly<Record<string, LabQuery>> = {
  /** The cash the courier collected at the door: the order's total. */
  'cod.collected_amount': async (db, p) => {
    const parcel = await codParcel(db, p);
    return parcel?.collectedAt === null || parcel === undefined ? null : parcel.amount.amount;
  },
  /** The COD fee the logistics company kept on the parcel when it remitted. */
  'cod.fee': async (db, p) => (await codParcel(db, p))?.fee?.amount ?? null,
  /** What reached the seller's bank account: the parcel's amount less its COD fee. */
  'cod.remitted_amount': async (db, p) => {
    const parcel = await codParcel(db, p);
    if (parcel === undefined || parcel.batchId === null) return null;
    const batch = await paymentsTables(db).codBatches.get(parcel.batchId);
    // The batch's line for this seller: the net the bank account was credited with.
    return batch?.sellers.find((s) => s.shipmentIds.includes(parcel.id))?.net.amount ?? null;
  },
};
