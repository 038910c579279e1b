import { assert } from '../assert.ts';
import { Decimal } from './decimal.ts';
import { fromMinorUnits, toMinorUnits, type Money } from './money.ts';

/** A split into more shares than this is a bug (an order has far fewer parties or lines). */
export const allocateSharesMax = 10_000;
/** Ratios are scaled to integers; more decimal places than this is a bug, not a ratio. */
export const allocateRatioDecimalPlacesMax = 40;

export type Ratio = number | string | Decimal;

function ratioOf(ratio: Ratio): Decimal {
  if (typeof ratio === 'number') assert(Number.isFinite(ratio), `ratio must be finite: ${ratio}`);
  if (typeof ratio === 'string') assert(/^\d+(\.\d+)?$/.test(ratio), `ratio must be a plain decimal: ${ratio}`);
  const value = new Decimal(ratio);
  assert(value.isFinite() && !value.isNegative(), `ratio must be finite and not negative: ${value.toString()}`);
  assert(value.decimalPlaces() <= allocateRatioDecimalPlacesMax, 'ratio has too many decimal places');
  return value;
}

/**
 * Splits `total` in proportion to `ratios` without losing or creating a minor unit: the shares
 * always add up to `total` exactly, each is at the currency scale, each is within one minor unit of
 * its exact proportional value, and a zero ratio gets exactly zero.
 *
 * How (largest remainder): in integer minor units, every share first gets the floor of its exact
 * value; the few units left over (fewer than the number of non-zero ratios) go one at a time to the
 * shares with the largest remainders, ties going to the earlier share, so the order of ratios is the
 * tie-break (as in dinero.js, which hands them out in order). Giving by largest remainder keeps every
 * share strictly within one unit of exact: ¥1.00 split 1:2 is ¥0.33 + ¥0.67, not ¥0.34 + ¥0.66.
 * Arithmetic is BigInt on integers, so no division ever rounds. A negative total is split as its
 * absolute value and the shares negated, so a refund splits exactly like the charge it undoes.
 */
export function allocate(total: Money, ratios: readonly Ratio[]): Money[] {
  assert(ratios.length >= 1, 'allocate needs at least one ratio');
  assert(ratios.length <= allocateSharesMax, `too many shares: ${ratios.length}`);
  const values = ratios.map(ratioOf);

  // Scale all ratios by the same power of ten so they become integers with the same proportions.
  const places = Math.max(...values.map((v) => v.decimalPlaces()));
  const weights = values.map((v) => BigInt(v.toFixed(places).replace('.', '')));
  const weightSum = weights.reduce((sum, w) => sum + w, 0n);
  assert(weightSum > 0n, 'ratios must have a positive sum');

  const totalMinor = toMinorUnits(total);
  const negative = totalMinor < 0n;
  const magnitude = negative ? -totalMinor : totalMinor;

  const shares = weights.map((w) => (magnitude * w) / weightSum); // BigInt division floors.
  const remainders = weights.map((w) => (magnitude * w) % weightSum);
  const given = shares.reduce((sum, s) => sum + s, 0n);
  let leftover = magnitude - given;
  const nonZeroRatios = weights.filter((w) => w > 0n).length;
  // Each share's fraction is below one and the fractions add up to leftover, so leftover is smaller
  // than the number of non-zero fractions: every unit lands on a share with a non-zero remainder.
  assert(leftover >= 0n && leftover < BigInt(nonZeroRatios), 'leftover is fewer units than shares');

  const order = weights.map((_, i) => i);
  order.sort((a, b) => {
    const ra = remainders[a] ?? 0n;
    const rb = remainders[b] ?? 0n;
    if (ra !== rb) return ra > rb ? -1 : 1;
    return a - b;
  });
  for (const i of order) {
    if (leftover === 0n) break;
    assert((remainders[i] ?? 0n) > 0n, 'leftover units go only to shares with a remainder');
    shares[i] = (shares[i] ?? 0n) + 1n;
    leftover -= 1n;
  }
  assert(leftover === 0n, 'every unit handed out');

  const result = shares.map((s) => fromMinorUnits(negative ? -s : s, total.currency));
  const check = result.reduce((sum, m) => sum + toMinorUnits(m), 0n);
  assert(check === totalMinor, 'shares add up to the total');
  return result;
}
