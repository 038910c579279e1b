import type { Migration } from './migration.ts';

// The B2C marketplace (issue 5). Never edit once shipped: add a new version instead.
//   products: by id; a seller's own by sellerId; `&number` keeps the SKU unique on the platform
//     (two sellers saving the same number at once cannot both win); browsing by category.
//   pictures: uploaded product pictures (Blobs: the resized image and its thumbnail), by product.
//   carts: one cart per buyer, so every tab of that buyer sees the same cart live.
//   orders: by id; a buyer's and a seller's own newest first; the operator's dispute queue by
//     `refund.status`; the escrow agent's view by `state`.
//   orderEntries: the money trail, one row per journal entry of an order ([orderId+seq]), written in
//     the same transaction as the entry, so an order page reads its entries without scanning the
//     journal.
//   reviews: by product (multi-entry: an order's review counts for each of its products).
//   shipments: the logistics company's waybills, by order and by status (its work queue), and by
//     tracking number (what buyer and seller quote).
//   receipts: the buyers' signed receipt confirmations, kept for the auditor.
export const v5Market: Migration = {
  version: 5,
  stores: {
    products: 'id, sellerId, &number, category',
    pictures: 'id, productId',
    carts: 'buyerId',
    orders: 'id, [buyerId+createdAt], [sellerId+createdAt], state, refund.status',
    orderEntries: '[orderId+seq], transferId',
    reviews: 'id, orderId, *productIds, sellerId',
    shipments: 'id, orderId, status, trackingNumber',
    receipts: 'id, orderId',
  },
};
