import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate, Decimal, fromMinorUnits, scaleOf, toMinorUnits, type CurrencyCode } from '../../src/domain/index.ts';

// A ratio is a number, a string or a Decimal, with up to 4 decimals; some are zero.
const ratioArb = fc.oneof(
  fc.integer({ min: 0, max: 1000 }),
  fc.constant(0),
  fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 9999 }))
    .map(([i, f]) => `${i}.${String(f).padStart(4, '0')}`),
  fc.integer({ min: 0, max: 1_000_000 }).map((n) => new Decimal(n).dividedBy(1000)),
);
const ratiosArb = fc.array(ratioArb, { minLength: 1, maxLength: 20 })
  .filter((rs) => rs.some((r) => !new Decimal(r).isZero()));
const currencyArb = fc.constantFrom<CurrencyCode>('CNY', 'JPY', 'USD');
const minorArb = fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n });

describe('allocate properties', () => {
  it('shares sum to the total, sit at the currency scale, are within one minor unit of exact, zero ratios get zero', () => {
    fc.assert(
      fc.property(currencyArb, minorArb, ratiosArb, (currency, totalMinor, ratios) => {
        const total = fromMinorUnits(totalMinor, currency);
        const shares = allocate(total, ratios);
        expect(shares).toHaveLength(ratios.length);

        const sum = shares.reduce((acc, s) => acc + toMinorUnits(s), 0n);
        expect(sum).toBe(totalMinor);

        const ratioSum = ratios.reduce<Decimal>((acc, r) => acc.plus(new Decimal(r)), new Decimal(0));
        const totalD = new Decimal(totalMinor.toString());
        shares.forEach((share, i) => {
          expect(share.currency).toBe(currency);
          expect(share.amount.decimalPlaces()).toBeLessThanOrEqual(scaleOf(currency));
          const r = new Decimal(ratios[i] ?? Number.NaN);
          const shareMinor = new Decimal(toMinorUnits(share).toString());
          // |share - total·r/sum| < 1 unit, cross-multiplied so nothing is divided or rounded.
          const diff = shareMinor.times(ratioSum).minus(totalD.times(r)).abs();
          expect(diff.lessThan(ratioSum)).toBe(true);
          if (r.isZero()) expect(share.amount.isZero()).toBe(true);
          // Shares never have the opposite sign of the total.
          if (totalMinor > 0n) expect(share.amount.isNegative() && !share.amount.isZero()).toBe(false);
          if (totalMinor < 0n) expect(share.amount.isPositive() && !share.amount.isZero()).toBe(false);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('a negative total splits as the exact mirror of the positive one', () => {
    fc.assert(
      fc.property(minorArb, ratiosArb, (totalMinor, ratios) => {
        const plus = allocate(fromMinorUnits(totalMinor, 'CNY'), ratios).map(toMinorUnits);
        const minus = allocate(fromMinorUnits(-totalMinor, 'CNY'), ratios).map(toMinorUnits);
        expect(minus).toEqual(plus.map((m) => -m));
      }),
      { numRuns: 200 },
    );
  });
});
