import { assert } from '../assert.ts';
import { Decimal } from './decimal.ts';
import { currencies, isCurrencyCode, type CurrencyCode } from './currency.ts';

/**
 * An amount of one currency, always at exactly that currency's scale (dinero.js style: amount,
 * currency and scale kept together). Arithmetic never mixes currencies: that is an assertion.
 */
export type Money = { readonly amount: Decimal; readonly currency: CurrencyCode };

/** How money is stored (IndexedDB rows, files, signed documents): a plain string at scale. */
export type StoredMoney = { readonly amount: string; readonly currency: CurrencyCode };

export function scaleOf(currency: CurrencyCode): number {
  return currencies[currency].scale;
}

/** Builds Money from a trusted value (code, stored rows). User input goes through parseMoney. */
export function money(amount: string | Decimal, currency: CurrencyCode): Money {
  assert(isCurrencyCode(currency), `unknown currency ${String(currency)}`);
  const value = new Decimal(amount);
  assert(value.isFinite(), 'money amount must be finite');
  assert(value.decimalPlaces() <= scaleOf(currency), `more decimals than ${currency} has: ${value.toString()}`);
  return { amount: value, currency };
}

export function zero(currency: CurrencyCode): Money {
  return money('0', currency);
}

export function toStored(m: Money): StoredMoney {
  return { amount: m.amount.toFixed(scaleOf(m.currency)), currency: m.currency };
}

export function fromStored(s: StoredMoney): Money {
  return money(s.amount, s.currency);
}

function sameCurrency(a: Money, b: Money): void {
  assert(a.currency === b.currency, `currency mismatch: ${a.currency} vs ${b.currency}`);
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount.plus(b.amount), currency: a.currency };
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount.minus(b.amount), currency: a.currency };
}

export function negate(a: Money): Money {
  return { amount: a.amount.negated(), currency: a.currency };
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.amount.comparedTo(b.amount) as -1 | 0 | 1;
}

export function isZero(a: Money): boolean {
  return a.amount.isZero();
}

export function isNegative(a: Money): boolean {
  return a.amount.isNegative() && !a.amount.isZero();
}

export function isPositive(a: Money): boolean {
  return a.amount.isPositive() && !a.amount.isZero();
}

export function equals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.amount.equals(b.amount);
}

/**
 * The amount as a count of minor units (fen for CNY). BigInt, not a float: exact at any size, so
 * integer work such as allocate() never rounds.
 */
export function toMinorUnits(m: Money): bigint {
  const scale = scaleOf(m.currency);
  assert(m.amount.decimalPlaces() <= scale, `more decimals than ${m.currency} has: ${m.amount.toString()}`);
  // toFixed never switches to exponent notation, so the digits are all there.
  return BigInt(m.amount.toFixed(scale).replace('.', ''));
}

const storedPattern = /^-?\d+\.\d+$/;

/**
 * A stored amount in minor units without going through Decimal (hot loops: a day's bill sums). A
 * stored amount written at the currency's scale ("-12.30") is read directly; any other text takes
 * the exact way through Decimal.
 */
export function storedMinorUnits(s: StoredMoney): bigint {
  const scale = scaleOf(s.currency);
  const dot = s.amount.indexOf('.');
  if (scale > 0 && dot > 0 && s.amount.length - dot - 1 === scale && storedPattern.test(s.amount)) return BigInt(s.amount.replace('.', ''));
  return toMinorUnits(fromStored(s));
}

/** The inverse of toMinorUnits: 12345n fen is ¥123.45. */
export function fromMinorUnits(minor: bigint, currency: CurrencyCode): Money {
  assert(typeof minor === 'bigint', 'minor units must be a bigint');
  const scale = scaleOf(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString();
  let text = digits;
  if (scale > 0) {
    const padded = digits.padStart(scale + 1, '0');
    text = `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
  }
  return money(negative ? `-${text}` : text, currency);
}
