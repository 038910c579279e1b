// Reviews (评价): after a trade is finished the buyer rates it once, 1-5 stars with a text.
//
// One review per ORDER, not per line: the seed's flow has one "review" step per purchase, and an
// order is one seller's parcel, which is what the buyer experienced (goods, shipping, service). The
// review row lists the order's product ids, and a product's rating summary counts every review of an
// order that contained it, once per order however many units it had.
//
// Field rules: rating is a whole number 1..5; text is 1..500 characters after trimming (line breaks
// kept). Codes: rating_invalid, review_text_required, review_text_too_long,
// review_text_invalid_characters.

import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import { cleanBlock, codePointLength, hasControlCharacters, textInputLengthMax } from './text.ts';

export const ratingMin = 1;
export const ratingMax = 5;
export const reviewTextLengthMax = 500;
/** A summary is computed over at most this many reviews (one product's page). */
export const reviewsSummarizedMax = 100_000;

export type ReviewRow = {
  /** Derived from the order: one review per order. */
  readonly id: string;
  readonly orderId: string;
  readonly buyerId: string;
  readonly sellerId: string;
  readonly productIds: readonly string[];
  readonly rating: number;
  readonly text: string;
  readonly at: number;
};

export type ReviewError = 'rating_invalid' | 'review_text_required' | 'review_text_too_long' | 'review_text_invalid_characters';

export function reviewIdOf(orderId: string): string {
  return `${orderId}:review`;
}

/** Checks a review form; returns the clean rating and text. */
export function validateReview(rating: number, text: string): Result<{ rating: number; text: string }, ReviewError> {
  if (!Number.isInteger(rating) || rating < ratingMin || rating > ratingMax) return err('rating_invalid', { min: ratingMin, max: ratingMax });
  assert(typeof text === 'string', 'review text must be text');
  if (text.length > textInputLengthMax) return err('review_text_too_long', { lengthMax: reviewTextLengthMax });
  const clean = cleanBlock(text);
  if (clean === '') return err('review_text_required');
  if (codePointLength(clean) > reviewTextLengthMax) return err('review_text_too_long', { lengthMax: reviewTextLengthMax });
  if (hasControlCharacters(clean, true)) return err('review_text_invalid_characters');
  return ok({ rating, text: clean });
}

export type RatingSummary = {
  readonly productId: string;
  readonly count: number;
  /** Average as a decimal string with one digit ("4.5"), half-up; null with no reviews. */
  readonly average: string | null;
  /** Reviews per star, index 0 is 1 star. */
  readonly histogram: readonly [number, number, number, number, number];
};

/**
 * A product's rating summary from the reviews of orders containing it. The average is computed in
 * integers (sum × 10 / count, rounded half-up to one decimal), so it never shows float noise.
 */
export function productRatingSummary(productId: string, reviews: readonly ReviewRow[]): RatingSummary {
  assert(reviews.length <= reviewsSummarizedMax, `too many reviews to summarize: ${reviews.length}`);
  const histogram: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  let count = 0;
  let sum = 0;
  const seenOrders = new Set<string>();
  for (const review of reviews) {
    if (!review.productIds.includes(productId)) continue;
    assert(Number.isInteger(review.rating) && review.rating >= ratingMin && review.rating <= ratingMax, 'stored ratings are 1..5');
    assert(!seenOrders.has(review.orderId), 'one review per order');
    seenOrders.add(review.orderId);
    histogram[review.rating - 1] = (histogram[review.rating - 1] ?? 0) + 1;
    count += 1;
    sum += review.rating;
  }
  let average: string | null = null;
  if (count > 0) {
    // Tenths, rounded half-up: floor((sum*10*2 + count) / (2*count)).
    const tenths = Math.floor((sum * 20 + count) / (2 * count));
    average = `${Math.floor(tenths / 10)}.${tenths % 10}`;
  }
  assert(histogram.reduce((a, b) => a + b, 0) === count, 'histogram counts every review');
  return { productId, count, average, histogram };
}
