// Amounts inside the ledger are summed as BigInt minor units (fen, cents, yen), converted from and to
// the stored strings by string manipulation. Why not Decimal: the verifier and applyTransfers add
// up every amount of a batch or of a whole journal, and a Decimal allocation per addition costs more
// than the SHA-256 the verifier must stay close to; BigInt integer arithmetic is exact and cheap.
// Why not floats: 0.1 + 0.2. Stored strings are always exactly at the currency's scale.

import { assert } from '../assert.ts';

/** Amounts in requests may have at most this many integer digits (10^15 yuan is far past any
 * simulated economy, and keeps every sum well inside Decimal's 40 digits for Money conversions). */
export const amountIntegerDigitsMax = 15;
/** The largest scale a currency may have; the per-scale pattern caches are bounded by it. */
export const amountScaleMax = 8;

const requestPattern = /^(-?)(\d+)(?:\.(\d+))?$/;
const storedPatterns: RegExp[] = [];

function storedPattern(scale: number): RegExp {
  assert(Number.isInteger(scale) && scale >= 0 && scale <= amountScaleMax, `scale out of range: ${scale}`);
  let pattern = storedPatterns[scale];
  if (pattern === undefined) {
    // Canonical, non-negative, exactly `scale` decimals, no leading zeros: one string per value,
    // so comparing stored strings compares values.
    pattern = scale === 0 ? /^(0|[1-9]\d*)$/ : new RegExp(`^(0|[1-9]\\d*)\\.\\d{${scale}}$`);
    storedPatterns[scale] = pattern;
  }
  return pattern;
}

/**
 * Parses a request amount ("12.3", "12.30", "-5") into minor units at `scale`. Undefined when it is
 * not a plain decimal, has more decimals than the scale, or more than amountIntegerDigitsMax
 * integer digits.
 */
export function amountToMinor(amount: string, scale: number): bigint | undefined {
  assert(Number.isInteger(scale) && scale >= 0 && scale <= amountScaleMax, `scale out of range: ${scale}`);
  if (typeof amount !== 'string') return undefined;
  const match = requestPattern.exec(amount);
  if (match === null) return undefined;
  const sign = match[1] ?? '';
  const whole = (match[2] ?? '').replace(/^0+(?=\d)/, '');
  const fraction = match[3] ?? '';
  if (fraction.length > scale || whole.length > amountIntegerDigitsMax) return undefined;
  return BigInt(sign + whole + fraction.padEnd(scale, '0'));
}

/** Parses a stored amount: canonical, non-negative, exactly at scale. Undefined otherwise. */
export function storedToMinor(amount: string, scale: number): bigint | undefined {
  if (typeof amount !== 'string' || !storedPattern(scale).test(amount)) return undefined;
  return BigInt(scale === 0 ? amount : amount.replace('.', ''));
}

/** Formats minor units as the stored string at `scale` (1230n, 2 -> "12.30"; -5n, 2 -> "-0.05"). */
export function minorToAmount(minor: bigint, scale: number): string {
  assert(typeof minor === 'bigint', 'minor units must be a bigint');
  assert(Number.isInteger(scale) && scale >= 0 && scale <= amountScaleMax, `scale out of range: ${scale}`);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString();
  const sign = negative ? '-' : '';
  if (scale === 0) return sign + digits;
  const padded = digits.padStart(scale + 1, '0');
  return `${sign}${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
}
