import { assert, err, isDeliveryMethod, ok, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketMetaKeys, marketTables, shipmentStatuses, type ShipmentRow, type ShipmentStatus, type TrackingEvent } from '../../storage/market-tables.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { chargeCaptureStores, orderStepStores } from '../command-stores.ts';
import { shipmentIdOf, stepOrder } from './orders.ts';

// Shipping through the logistics company (物流公司). The seller books a courier for a paid order;
// the logistics company's tab sees the booking live and picks the parcel up, which gives the
// waybill its tracking number and ships the order (starting the buyer's auto-confirm timer); the
// courier then posts tracking events until delivery, which buyer and seller watch live.

export const carrierId = 'logistics';
export const trackingPlaceLengthMax = 60;
export const trackingNoteLengthMax = 200;
/** A waybill carries at most this many tracking events. */
export const trackingEventsMax = 50;
/** The logistics company's queue shows at most this many waybills. */
export const shipmentsListMax = 500;

/** Where each status stands in a parcel's journey; tracking only moves forward. */
const statusRank: Record<ShipmentStatus, number> = { booked: 0, picked_up: 1, in_transit: 2, out_for_delivery: 3, delivered: 4, cancelled: 5 };

/** Tracking numbers of Swift Logistics (速达): SD and ten digits, from the company's own counter. */
async function nextTrackingNumber(db: WorldDb): Promise<string> {
  const row = await db.meta.get(marketMetaKeys.nextWaybill);
  const n = typeof row?.value === 'number' ? row.value : 1;
  await db.meta.put({ key: marketMetaKeys.nextWaybill, value: n + 1 });
  return `SD${String(n).padStart(10, '0')}`;
}

/** The seller books the courier for a paid order (寄件). */
export const bookShipmentCommand = defineCommand({
  name: 'bookShipment',
  stores: [...orderStepStores, 'shipments'],
  apply: async (tx, input: { readonly orderId: string; readonly method?: string }) => {
    const t = marketTables(tx.db);
    const order = await t.orders.get(input.orderId);
    if (order === undefined) return err('order_not_found', { orderId: input.orderId });
    if (order.sellerId !== tx.meta.actor) return err('not_authorized', { event: 'SHIP', role: 'seller' });
    if (order.state !== 'WAIT_SELLER_SEND_GOODS') return err('illegal_transition', { state: order.state, phase: order.state, event: 'SHIP' });
    const method = input.method ?? order.deliveryMethod;
    if (!isDeliveryMethod(method)) return err('delivery_method_invalid');
    const existing = await t.shipments.get(shipmentIdOf(order.id));
    if (existing !== undefined && existing.status !== 'cancelled') return err('shipment_already_booked');
    const row: ShipmentRow = {
      id: shipmentIdOf(order.id),
      orderId: order.id,
      sellerId: order.sellerId,
      buyerId: order.buyerId,
      carrierId,
      method,
      status: 'booked',
      trackingNumber: null,
      bookedAt: tx.now,
      pickedUpAt: null,
      deliveredAt: null,
      events: [{ at: tx.now, status: 'booked', place: '', note: '' }],
    };
    await t.shipments.put(row);
    await tx.appendEvent({ type: 'market.shipment_booked', actor: tx.meta.actor, parties: [carrierId, order.buyerId], payload: { orderId: order.id, method } });
    tx.notify({ to: [carrierId], kind: 'market.shipment_booked', ref: row.id });
    return ok(row);
  },
});

export async function bookShipment(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly orderId: string; readonly method?: string },
  env: CommandEnv = {},
): Promise<Result<ShipmentRow, string>> {
  return execute(db, bookShipmentCommand, meta, { orderId: input.orderId, method: input.method }, env);
}

async function requireCarrier(db: WorldDb, partyId: string) {
  const party = await db.parties.get(partyId);
  return party?.kind === 'logistics' ? ok(null) : err('not_the_carrier');
}

/**
 * The courier picks the parcel up: the waybill gets its tracking number and the order is shipped
 * (the seller's SHIP, which the seller asked for by booking), in one transaction.
 */
export const pickUpShipmentCommand = defineCommand({
  name: 'pickUpShipment',
  stores: [...orderStepStores, ...chargeCaptureStores, 'shipments'],
  apply: async (tx, input: { readonly shipmentId: string; readonly place: string }) => {
    const carrier = await requireCarrier(tx.db, tx.meta.actor);
    if (!carrier.ok) return carrier;
    const t = marketTables(tx.db);
    const shipment = await t.shipments.get(input.shipmentId);
    if (shipment === undefined) return err('shipment_not_found');
    if (shipment.status !== 'booked') return err('shipment_not_booked', { status: shipment.status });
    const trackingNumber = await nextTrackingNumber(tx.db);
    const shipped = await stepOrder(tx, shipment.orderId, { type: 'SHIP', trackingNumber, method: shipment.method }, { role: 'seller', partyId: shipment.sellerId });
    if (!shipped.ok) return shipped;
    const row: ShipmentRow = {
      ...shipment,
      status: 'picked_up',
      trackingNumber,
      pickedUpAt: tx.now,
      events: [...shipment.events, { at: tx.now, status: 'picked_up', place: input.place, note: '' }],
    };
    await t.shipments.put(row);
    tx.notify({ to: [shipment.sellerId], kind: 'market.shipment_picked_up', ref: shipment.orderId });
    return ok(row);
  },
});

export async function pickUpShipment(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly shipmentId: string; readonly place?: string },
  env: CommandEnv = {},
): Promise<Result<ShipmentRow, string>> {
  const place = (input.place ?? '').trim();
  if ([...place].length > trackingPlaceLengthMax) return err('tracking_place_too_long', { max: trackingPlaceLengthMax });
  return execute(db, pickUpShipmentCommand, meta, { shipmentId: input.shipmentId, place }, env);
}

export type TrackingStatus = Exclude<ShipmentStatus, 'booked' | 'picked_up' | 'cancelled'>;
export const trackingStatuses: readonly TrackingStatus[] = ['in_transit', 'out_for_delivery', 'delivered'];

/** The courier posts a tracking event; a parcel only moves forward, and only in_transit repeats. */
export const postTrackingCommand = defineCommand({
  name: 'postTracking',
  stores: [...orderStepStores, ...chargeCaptureStores, 'shipments'],
  apply: async (tx, input: { readonly shipmentId: string; readonly status: TrackingStatus; readonly place: string; readonly note: string }) => {
    const carrier = await requireCarrier(tx.db, tx.meta.actor);
    if (!carrier.ok) return carrier;
    const t = marketTables(tx.db);
    const shipment = await t.shipments.get(input.shipmentId);
    if (shipment === undefined) return err('shipment_not_found');
    const from = statusRank[shipment.status];
    const to = statusRank[input.status];
    const forward = shipment.status !== 'booked' && shipment.status !== 'cancelled' && shipment.status !== 'delivered' && (to > from || (to === from && input.status === 'in_transit'));
    if (!forward) return err('tracking_out_of_order', { status: shipment.status });
    if (shipment.events.length >= trackingEventsMax) return err('tracking_events_full', { max: trackingEventsMax });
    const event: TrackingEvent = { at: tx.now, status: input.status, place: input.place, note: input.note };
    const row: ShipmentRow = { ...shipment, status: input.status, deliveredAt: input.status === 'delivered' ? tx.now : shipment.deliveredAt, events: [...shipment.events, event] };
    await t.shipments.put(row);
    await tx.appendEvent({ type: 'market.tracking', actor: tx.meta.actor, parties: [shipment.buyerId, shipment.sellerId], payload: { orderId: shipment.orderId, trackingNumber: shipment.trackingNumber ?? '', status: input.status, place: input.place } });
    tx.notify({ to: [shipment.buyerId, shipment.sellerId], kind: `market.tracking.${input.status}`, ref: shipment.orderId });
    return ok(row);
  },
});

export async function postTracking(
  db: WorldDb,
  meta: CommandMeta,
  input: { readonly shipmentId: string; readonly status: TrackingStatus; readonly place?: string; readonly note?: string },
  env: CommandEnv = {},
): Promise<Result<ShipmentRow, string>> {
  if (!(trackingStatuses as readonly string[]).includes(input.status)) return err('tracking_status_invalid');
  const place = (input.place ?? '').trim();
  const note = (input.note ?? '').trim();
  if ([...place].length > trackingPlaceLengthMax) return err('tracking_place_too_long', { max: trackingPlaceLengthMax });
  if ([...note].length > trackingNoteLengthMax) return err('tracking_note_too_long', { max: trackingNoteLengthMax });
  return execute(db, postTrackingCommand, meta, { shipmentId: input.shipmentId, status: input.status, place, note }, env);
}

// ---- queries ------------------------------------------------------------------------------------

export async function shipmentOf(db: WorldDb, orderId: string): Promise<ShipmentRow | undefined> {
  return marketTables(db).shipments.get(shipmentIdOf(orderId));
}

/** The logistics company's waybills: open ones first (booked, then on the way), then delivered. */
export async function shipmentsForCarrier(db: WorldDb): Promise<ShipmentRow[]> {
  const rows = await marketTables(db).shipments.orderBy('id').limit(shipmentsListMax).toArray();
  assert(rows.length <= shipmentsListMax, 'bounded');
  const rank = (s: ShipmentRow) => (s.status === 'booked' ? 0 : s.status === 'delivered' || s.status === 'cancelled' ? 2 : 1);
  return rows.sort((a, b) => rank(a) - rank(b) || b.bookedAt - a.bookedAt);
}

export function isShipmentStatus(value: unknown): value is ShipmentStatus {
  return typeof value === 'string' && (shipmentStatuses as readonly string[]).includes(value);
}
