import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import { Decimal } from './decimal.ts';
import { currencies, isCurrencyCode, type CurrencyCode } from './currency.ts';
import { money, scaleOf, toStored, type Money } from './money.ts';

// parseMoney turns what a person types into Money, or into a named error the UI translates.
//
// Accepted: "1234.5", "1,234.50", "¥1,234.50", "￥1,234.50", "CN¥1,234.50", "CNY 1234.50",
// "RMB 12", "12元", "-¥12.00" and "¥-12.00" (when negatives are allowed), ".5", "12.",
// full-width digits and punctuation ("１２３４．５０", "１，２３４"), surrounding spaces.
// formatMoney's output always parses back to the same Money.
//
// Error codes, checked in this order (the first that applies wins):
//   money_empty              nothing but spaces, signs or a currency mark
//   money_exponent           "1e5", "1.5E-3": exponent notation is how a float leaks in, not a price
//   money_not_a_number       anything else that is not a plain decimal number, including NaN,
//                            Infinity, "0x10", spaces inside the digits, and misplaced thousands
//                            separators ("1,23,4"). NaN/Infinity share this code on purpose: to
//                            the person typing they are simply not amounts, and one message fits.
//   money_too_many_decimals  more decimal digits typed than the currency has; detail {scale}.
//                            Counted as typed, so "1.500" is rejected for CNY: in much of Europe
//                            that means one thousand five hundred, and guessing would move money.
//   money_zero               zero when options.allowZero is not set
//   money_negative           below zero when options.allowNegative is not set
//   money_above_maximum      |amount| above options.max; detail {max} (stored string, e.g.
//                            "10000000000.00"); the maximum itself is allowed

export type ParseMoneyError =
  | 'money_empty'
  | 'money_not_a_number'
  | 'money_exponent'
  | 'money_too_many_decimals'
  | 'money_zero'
  | 'money_negative'
  | 'money_above_maximum';

export type ParseMoneyOptions = {
  /** Default false: most fields (prices, payments, transfers) are never negative. */
  readonly allowNegative?: boolean;
  /** Default false: a zero payment or price is almost always a slip. */
  readonly allowZero?: boolean;
  /** Largest accepted absolute amount, same currency; default moneyInputMax(currency). */
  readonly max?: Money;
};

/**
 * Default input ceiling, in major units, for every currency: ¥10,000,000,000.00 (壹佰亿) for CNY.
 * Far above anything a classroom simulation trades (a whole platform's yearly volume), yet low
 * enough that amounts stay well inside the Decimal clone's 40 digits and toChineseCapital's range,
 * and that a mistyped extra run of zeros is caught.
 */
export const moneyInputMaxMajorUnits = '10000000000';

export function moneyInputMax(currency: CurrencyCode): Money {
  return money(moneyInputMaxMajorUnits, currency);
}

/** Longer input is not an amount anyone types; the bound keeps the parser's work small. */
export const moneyTextLengthMax = 64;

// Marks a person may type before the number: the currency's bare symbol, its display prefixes (so
// formatMoney output parses back), its ISO code, and for CNY "RMB". After the number: the ISO code
// and, for CNY, "元" and "RMB". Matched case-insensitively, longest first ("CN¥" before "¥").
const extraPrefixes: Readonly<Record<CurrencyCode, readonly string[]>> = {
  CNY: ['RMB'],
  USD: [],
  EUR: [],
  JPY: [],
};
const extraSuffixes: Readonly<Record<CurrencyCode, readonly string[]>> = {
  CNY: ['元', 'RMB'],
  USD: [],
  EUR: [],
  JPY: [],
};

function prefixesOf(currency: CurrencyCode): string[] {
  const c = currencies[currency];
  const marks = [c.symbol, c.display['zh-CN'], c.display.en, c.code, ...extraPrefixes[currency]];
  return [...new Set(marks)].sort((a, b) => b.length - a.length);
}

function suffixesOf(currency: CurrencyCode): string[] {
  const marks = [currencies[currency].code, ...extraSuffixes[currency]];
  return [...new Set(marks)].sort((a, b) => b.length - a.length);
}

// Full-width forms come from Chinese input methods: U+FF01..U+FF5E are the ASCII characters
// shifted by 0xFEE0 ("１" → "1", "．" → ".", "，" → ","). "￥" (U+FFE5) is the full-width yen/yuan
// sign, U+3000 the ideographic space, U+2212 the typographic minus that pasting from documents
// brings in. Mapped one by one instead of NFKC, which would also turn "²" or "①" into digits.
function normalizeCharacters(text: string): string {
  assert(text.length <= moneyTextLengthMax, 'normalize is called on bounded text');
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCodePoint(code - 0xfee0);
    else if (code === 0xffe5) out += '¥';
    else if (code === 0x3000) out += ' ';
    else if (code === 0x2212) out += '-';
    else out += ch;
  }
  return out;
}

// Compares slices of the mark's own length, so letters whose upper case is longer ("ß") cannot
// shift the cut.
function stripPrefix(text: string, marks: readonly string[]): string {
  for (const mark of marks) {
    if (text.slice(0, mark.length).toUpperCase() === mark.toUpperCase()) return text.slice(mark.length).trimStart();
  }
  return text;
}

function stripSuffix(text: string, marks: readonly string[]): string {
  for (const mark of marks) {
    const cut = text.length - mark.length;
    if (cut >= 0 && text.slice(cut).toUpperCase() === mark.toUpperCase()) return text.slice(0, cut).trimEnd();
  }
  return text;
}

// Digits with an optional decimal point. Thousands separators, if used at all, must be used
// correctly: 1 to 3 leading digits, then groups of exactly three.
const plainNumber = /^(?:(\d{1,3}(?:,\d{3})+)|(\d+))?(?:\.(\d*))?$/;
const exponentNumber = /^(?:\d[\d,]*(?:\.\d*)?|\.\d+)[eE][+-]?\d+$/;

export function parseMoney(
  text: string,
  currency: CurrencyCode,
  options: ParseMoneyOptions = {},
): Result<Money, ParseMoneyError> {
  assert(typeof text === 'string', 'parseMoney takes text');
  assert(isCurrencyCode(currency), `unknown currency ${String(currency)}`);
  const max = options.max ?? moneyInputMax(currency);
  assert(max.currency === currency, `max is ${max.currency}, parsing ${currency}`);
  assert(max.amount.isPositive() && !max.amount.isZero(), 'max must be above zero');

  const trimmed = text.trim();
  if (trimmed === '') return err('money_empty');
  if (trimmed.length > moneyTextLengthMax) return err('money_not_a_number');

  let rest = normalizeCharacters(trimmed).trim();
  let sign = '';
  const takeSign = (): void => {
    if (sign === '' && (rest.startsWith('-') || rest.startsWith('+'))) {
      sign = rest.charAt(0);
      rest = rest.slice(1).trimStart();
    }
  };
  // The sign may stand before or after the currency mark: "-¥12.00" (how formatMoney writes it)
  // and "¥-12.00" (how people type it). At most one sign.
  takeSign();
  rest = stripPrefix(rest, prefixesOf(currency));
  takeSign();
  rest = stripSuffix(rest, suffixesOf(currency));
  if (rest === '') return err('money_empty');

  if (exponentNumber.test(rest)) return err('money_exponent');
  const match = plainNumber.exec(rest);
  if (match === null) return err('money_not_a_number');
  const integerDigits = (match[1] ?? match[2] ?? '').replaceAll(',', '');
  const fractionDigits = match[3] ?? '';
  if (integerDigits === '' && fractionDigits === '') return err('money_not_a_number');

  const scale = scaleOf(currency);
  if (fractionDigits.length > scale) return err('money_too_many_decimals', { scale });

  const magnitude = new Decimal(`${integerDigits || '0'}.${fractionDigits || '0'}`);
  assert(magnitude.isFinite() && !magnitude.isNegative(), 'the pattern only admits plain digits');
  if (magnitude.isZero()) {
    // "-0" is zero: no negative zero ever leaves the parser.
    if (options.allowZero !== true) return err('money_zero');
    return ok(money('0', currency));
  }
  if (sign === '-' && options.allowNegative !== true) return err('money_negative');
  if (magnitude.greaterThan(max.amount)) return err('money_above_maximum', { max: toStored(max).amount });

  const result = money(sign === '-' ? magnitude.negated() : magnitude, currency);
  assert(result.amount.decimalPlaces() <= scale, 'parsed money is at the currency scale');
  return ok(result);
}
