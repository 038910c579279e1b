import { describe, expect, it } from 'vitest';
import { productRatingSummary, validateReview, type ReviewRow } from '../../src/domain/index.ts';

const review = (orderId: string, rating: number, productIds: string[]): ReviewRow => ({
  id: `${orderId}:review`,
  orderId,
  buyerId: 'b',
  sellerId: 's',
  productIds,
  rating,
  text: '好',
  at: 0,
});

describe('reviews', () => {
  it('validates rating 1..5 (whole) and text 1..500 characters', () => {
    expect(validateReview(5, ' 很好 ')).toEqual({ ok: true, value: { rating: 5, text: '很好' } });
    expect(validateReview(1, '差'.repeat(500)).ok).toBe(true);
    expect(validateReview(1, '差'.repeat(501))).toMatchObject({ code: 'review_text_too_long' });
    expect(validateReview(0, 'x')).toMatchObject({ code: 'rating_invalid' });
    expect(validateReview(Number.NaN, 'x')).toMatchObject({ code: 'rating_invalid' });
    expect(validateReview(3, '')).toMatchObject({ code: 'review_text_required' });
    expect(validateReview(3, 'a\u0000')).toMatchObject({ code: 'review_text_invalid_characters' });
  });

  it('summarizes a product over the reviews of orders that contain it', () => {
    const reviews = [review('o1', 5, ['p1', 'p2']), review('o2', 4, ['p1']), review('o3', 4, ['p1']), review('o4', 1, ['p2'])];
    expect(productRatingSummary('p1', reviews)).toEqual({ productId: 'p1', count: 3, average: '4.3', histogram: [0, 0, 0, 2, 1] });
    expect(productRatingSummary('p2', reviews)).toEqual({ productId: 'p2', count: 2, average: '3.0', histogram: [1, 0, 0, 0, 1] });
    expect(productRatingSummary('p3', reviews)).toEqual({ productId: 'p3', count: 0, average: null, histogram: [0, 0, 0, 0, 0] });
    // 4.25 → 4.3 (half-up), 4.45 → 4.5
    expect(productRatingSummary('p', [5, 4, 4, 4].map((r, i) => review(`a${i}`, r, ['p']))).average).toBe('4.3');
    expect(productRatingSummary('p', [5, 5, 5, 5, 5, 5, 4, 4, 4, 2, 5, 5, 5, 4, 4, 4, 4, 4, 5, 5].map((r, i) => review(`b${i}`, r, ['p']))).average).toBe('4.5');
  });

  it('asserts one review per order', () => {
    expect(() => productRatingSummary('p', [review('o1', 5, ['p']), review('o1', 3, ['p'])])).toThrow(/one review per order/);
  });
});
