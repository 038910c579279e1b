import type { Table } from 'dexie';
import type { CartRow, DeliveryMethod, OrderRow, ProductRow, ReviewRow, SignedDocument } from '../domain/index.ts';
import type { WorldDb } from './schema.ts';

// Typed access to the marketplace's tables (declared in migrations/v5-market.ts). Products, carts,
// orders and reviews are the domain's own row types (src/domain/marketplace); the rows below are
// what only the app keeps: pictures, the order → journal index, waybills and signed receipts.

/** One uploaded picture of a product: the resized image and a thumbnail, both as Blobs. */
export type PictureRow = {
  /** `${productId}-p<n>`: the id product.pictureIds lists. */
  readonly id: string;
  readonly productId: string;
  readonly sellerId: string;
  readonly image: Blob;
  readonly thumbnail: Blob;
  readonly width: number;
  readonly height: number;
  readonly createdAt: number;
};

/** One journal entry of an order's money trail (the entry itself stays in the journal). */
export type OrderEntryRow = {
  readonly orderId: string;
  readonly seq: number;
  readonly transferId: string;
};

export const shipmentStatuses = ['booked', 'picked_up', 'in_transit', 'out_for_delivery', 'delivered', 'cancelled'] as const;
export type ShipmentStatus = (typeof shipmentStatuses)[number];

/** One line of a waybill's tracking (物流跟踪). */
export type TrackingEvent = {
  readonly at: number;
  readonly status: ShipmentStatus;
  /** Where it happened, as the courier typed it ("杭州转运中心"); may be empty. */
  readonly place: string;
  readonly note: string;
};

/**
 * A waybill (运单) of the logistics company. The seller books it; the courier picks the parcel up,
 * which gives it its tracking number and ships the order; tracking events follow until delivery.
 */
export type ShipmentRow = {
  /** `ship-${orderId}`: an order ships once. */
  readonly id: string;
  readonly orderId: string;
  readonly sellerId: string;
  readonly buyerId: string;
  readonly carrierId: string;
  readonly method: DeliveryMethod;
  readonly status: ShipmentStatus;
  /** Assigned at pickup; null while booked. */
  readonly trackingNumber: string | null;
  readonly bookedAt: number;
  readonly pickedUpAt: number | null;
  readonly deliveredAt: number | null;
  readonly events: readonly TrackingEvent[];
};

/** The buyer's signed receipt confirmation (确认收货), verified before the escrow released the money. */
export type ReceiptRow = {
  /** `${orderId}:receipt`: the order's confirmationId. */
  readonly id: string;
  readonly orderId: string;
  readonly buyerId: string;
  readonly doc: SignedDocument;
  /** Serial of the certificate that signed it. */
  readonly serial: number;
  readonly at: number;
};

export type MarketTables = {
  products: Table<ProductRow, string>;
  pictures: Table<PictureRow, string>;
  carts: Table<CartRow, string>;
  orders: Table<OrderRow, string>;
  orderEntries: Table<OrderEntryRow, [string, number]>;
  reviews: Table<ReviewRow, string>;
  shipments: Table<ShipmentRow, string>;
  receipts: Table<ReceiptRow, string>;
};

export function marketTables(db: WorldDb): MarketTables {
  return {
    products: db.table('products'),
    pictures: db.table('pictures'),
    carts: db.table('carts'),
    orders: db.table('orders'),
    orderEntries: db.table('orderEntries'),
    reviews: db.table('reviews'),
    shipments: db.table('shipments'),
    receipts: db.table('receipts'),
  };
}

// Marketplace settings and counters, in the world's meta table.
export const marketMetaKeys = {
  /** The platform operator's overrides of the marketplace config (commission rates...). */
  config: 'market.config',
  /** Next product number in the world (product ids). */
  nextProduct: 'market.nextProduct',
  /** Next checkout number (order ids are `<checkout>-<n>`). */
  nextCheckout: 'market.nextCheckout',
  /** Next waybill number of the logistics company (tracking numbers). */
  nextWaybill: 'market.nextWaybill',
} as const;
