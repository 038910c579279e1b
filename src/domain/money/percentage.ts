import { assert } from '../assert.ts';
import { Decimal } from './decimal.ts';
import { scaleOf, money, type Money } from './money.ts';

/** Rates are short decimals ("0.006"); more significant digits than this is a bug. */
export const rateSignificantDigitsMax = 20;

// The fee rounding rule, written once here and quoted by the README:
//   "Percentage fees round half-up to the fen."
// (For other currencies: to their minor unit.) Half-up is how Chinese banks and accountants round
// (四舍五入). decimal.js's ROUND_HALF_UP sends ties away from zero, so the fee on a refund (a
// negative amount) is exactly the negative of the fee on the charge.
const feeRounding = Decimal.ROUND_HALF_UP;

/**
 * `rate` is a FRACTION, not a percent: "0.006" is 0.6% (a typical card acquiring fee), "0.05" is
 * 5%, "1" is 100%. Fractions are what the ledger multiplies by, so no ×100 can be forgotten.
 * Assertion: 0 <= rate <= 1 (no fee is above the amount it is charged on).
 * Examples at 0.6%: ¥1,234.50 → 7.407 → ¥7.41; ¥2.50 → 0.015 → ¥0.02 (the tie goes up);
 * ¥0.75 → 0.0045 → ¥0.00.
 */
export function percentageOf(amount: Money, rate: string | Decimal): Money {
  if (typeof rate === 'string') assert(/^\d+(\.\d+)?$/.test(rate), `rate must be a plain decimal fraction: ${rate}`);
  const r = new Decimal(rate);
  assert(r.isFinite() && r.greaterThanOrEqualTo(0) && r.lessThanOrEqualTo(1), `rate must be in [0, 1]: ${r.toString()}`);
  assert(r.precision() <= rateSignificantDigitsMax, 'rate has too many significant digits');
  const scale = scaleOf(amount.currency);
  // Both factors together fit the clone's 40 digits, so the product is exact before the one rounding.
  assert(amount.amount.precision() + r.precision() <= Decimal.precision, 'amount × rate must be exact before rounding');
  const fee = amount.amount.times(r).toDecimalPlaces(scale, feeRounding);
  return money(fee.isZero() ? new Decimal(0) : fee, amount.currency);
}
