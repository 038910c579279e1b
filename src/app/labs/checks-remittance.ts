import type { Charge, OrderRow, RemittanceExceptionRow, RemittanceMatchRow } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import type { CheckResult, LabCheck, LabParties, LabQuery } from './checks.ts';
import { labOrdersScannedMax } from './checks.ts';

// The checks and queries of the remittance lab (汇款与异常队列). Convention: the roles are 'buyer'
// and 'seller'. The lab's first order is the buyer's first remittance order from the seller (its
// transfer goes without the reference, lands in the seller's exceptions queue and is matched by
// hand); the second is the next one (its transfer names the order and is matched automatically).
// Each reads the orders, the remittance charges, the queue and the match rows.

/** Rows of a seller's queue or a charge's matches looked at per check: a lab makes a handful. */
export const remittanceRowsScannedMax = 500;

const notDone: CheckResult = { done: false, at: null };
const doneAt = (at: number | null | undefined): CheckResult => (at === null || at === undefined ? notDone : { done: true, at });

/** The buyer's remittance orders from the seller, oldest first. */
async function remittanceOrders(db: WorldDb, parties: LabParties): Promise<OrderRow[]> {
  const { buyer, seller } = parties;
  if (buyer === undefined || seller === undefined) return [];
  const orders = await marketTables(db).orders.where('[buyerId+createdAt]').between([buyer, -Infinity], [buyer, Infinity]).limit(labOrdersScannedMax).toArray();
  return orders.filter((o) => o.sellerId === seller && o.paymentMethod === 'remittance').sort((a, b) => a.createdAt - b.createdAt);
}

/** The order's remittance charge (the first one: the lab pays each order once). */
async function chargeOf(db: WorldDb, order: OrderRow | undefined): Promise<Charge | undefined> {
  if (order === undefined) return undefined;
  const charges = await paymentsTables(db).charges.where('orderId').equals(order.id).limit(remittanceRowsScannedMax).toArray();
  return charges.filter((c) => c.channel === 'remittance').sort((a, b) => a.createdAt - b.createdAt)[0];
}

async function matchOf(db: WorldDb, order: OrderRow | undefined): Promise<RemittanceMatchRow | undefined> {
  const charge = await chargeOf(db, order);
  if (charge === undefined) return undefined;
  return paymentsTables(db).remittanceMatches.where('chargeId').equals(charge.id).first();
}

/** The first transfer from the buyer the seller's queue took (whatever its reason). */
async function queuedFromBuyer(db: WorldDb, parties: LabParties): Promise<RemittanceExceptionRow | undefined> {
  const { buyer, seller } = parties;
  if (buyer === undefined || seller === undefined) return undefined;
  const rows = await paymentsTables(db).remittanceExceptions.where('transfer.payeeId').equals(seller).limit(remittanceRowsScannedMax).toArray();
  return rows.filter((r) => r.transfer.fromPartyId === buyer).sort((a, b) => a.openedAt - b.openedAt)[0];
}

const first = async (db: WorldDb, p: LabParties) => (await remittanceOrders(db, p))[0];
const second = async (db: WorldDb, p: LabParties) => (await remittanceOrders(db, p))[1];

export const remittanceLabChecks: Readonly<Record<string, LabCheck>> = {
  /** The buyer chose remittance and got the instruction: the first order's charge waits for money. */
  'remit.instructed': async (db, p) => doneAt((await chargeOf(db, await first(db, p)))?.createdAt),
  /** A transfer from the buyer could not be placed by reference: it is in the seller's queue. */
  'remit.exception_queued': async (db, p) => doneAt((await queuedFromBuyer(db, p))?.openedAt),
  /** The seller placed a queued transfer on the first order by hand: the order is paid. */
  'remit.matched_by_hand': async (db, p) => {
    const match = await matchOf(db, await first(db, p));
    return doneAt(match !== undefined && match.by !== 'auto' ? match.matchedAt : null);
  },
  /** The second order's transfer named the order: the matcher placed it by itself. */
  'remit.matched_auto': async (db, p) => {
    const match = await matchOf(db, await second(db, p));
    return doneAt(match?.by === 'auto' ? match.matchedAt : null);
  },
};

export const remittanceLabCheckTables: Readonly<Record<string, readonly string[]>> = {
  'remit.instructed': ['orders', 'charges'],
  'remit.exception_queued': ['remittanceExceptions'],
  'remit.matched_by_hand': ['orders', 'charges', 'remittanceMatches'],
  'remit.matched_auto': ['orders', 'charges', 'remittanceMatches'],
};

export const remittanceLabQueries: Readonly<Record<string, LabQuery>> = {
  /** The amount of the transfer the seller matched by hand (the first order's total). */
  'remit.hand_amount': async (db, p) => {
    const match = await matchOf(db, await first(db, p));
    return match !== undefined && match.by !== 'auto' ? match.amount.amount : null;
  },
  /** The reference the matcher read on the second transfer: the second order's number. */
  'remit.auto_reference': async (db, p) => {
    const order = await second(db, p);
    const match = await matchOf(db, order);
    return match?.by === 'auto' && order !== undefined ? order.id : null;
  },
};
