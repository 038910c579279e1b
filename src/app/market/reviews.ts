import { productRatingSummary, type RatingSummary, type ReviewRow } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';

// Reviews are written by the REVIEW step of an order (its 'review' effect); the product page reads
// them through the multi-entry product index.

/** A product page shows at most this many reviews, newest first. */
export const reviewsShownMax = 200;

export async function productReviews(db: WorldDb, productId: string): Promise<{ reviews: ReviewRow[]; summary: RatingSummary }> {
  const all = await marketTables(db).reviews.where('productIds').equals(productId).toArray();
  const summary = productRatingSummary(productId, all);
  const reviews = all.sort((a, b) => b.at - a.at).slice(0, reviewsShownMax);
  return { reviews, summary };
}
