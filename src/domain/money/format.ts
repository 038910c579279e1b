import { assert } from '../assert.ts';
import { currencies, type MoneyLocale } from './currency.ts';
import { scaleOf, type Money } from './money.ts';

export type FormatMoneyOptions = {
  /** Default true. False leaves out the currency prefix, for table columns headed by the currency. */
  readonly symbol?: boolean;
};

/** Digit groups of three; an amount's integer part never has more groups than this. */
const digitGroupsMax = 20;

/**
 * Writes money for people: always the currency's full scale, thousands grouped with ",", "." as the
 * decimal point (both locales write numbers this way), the locale's currency prefix from
 * currency.ts, and a leading "-" for negatives:
 *   zh-CN  ¥1,234.50   -¥12.00   US$3.00   JP¥1,000
 *   en     CN¥1,234.50 -CN¥12.00 $3.00     ¥1,000
 * Built from the Decimal's own digits, never through a float (Intl.NumberFormat takes a number, and
 * a float cannot hold every amount exactly). Zero is never written "-¥0.00".
 */
export function formatMoney(m: Money, locale: MoneyLocale, options: FormatMoneyOptions = {}): string {
  assert(locale === 'zh-CN' || locale === 'en', `unknown locale ${String(locale)}`);
  const scale = scaleOf(m.currency);
  assert(m.amount.isFinite(), 'money amount must be finite');
  assert(m.amount.decimalPlaces() <= scale, `more decimals than ${m.currency} has: ${m.amount.toString()}`);

  const negative = m.amount.isNegative() && !m.amount.isZero();
  // abs() first: toFixed keeps the sign of a negative zero.
  const [integerDigits = '', fractionDigits = ''] = m.amount.abs().toFixed(scale).split('.');
  assert(/^\d+$/.test(integerDigits), 'toFixed writes plain digits');

  const groups: string[] = [];
  let end = integerDigits.length;
  while (end > 0) {
    assert(groups.length < digitGroupsMax, 'amount too large to format');
    groups.unshift(integerDigits.slice(Math.max(0, end - 3), end));
    end -= 3;
  }
  const prefix = options.symbol === false ? '' : currencies[m.currency].display[locale];
  const fraction = scale > 0 ? `.${fractionDigits}` : '';
  assert(fractionDigits.length === scale, 'always the currency scale');
  return `${negative ? '-' : ''}${prefix}${groups.join(',')}${fraction}`;
}
