import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  equals, formatMoney, fromMinorUnits, moneyInputMax, parseMoney, toMinorUnits, toStored,
  type CurrencyCode, type MoneyLocale,
} from '../../src/domain/index.ts';

const currencyArb = fc.constantFrom<CurrencyCode>('CNY', 'USD', 'EUR', 'JPY');
const localeArb = fc.constantFrom<MoneyLocale>('zh-CN', 'en');

// Full-width forms as a Chinese input method types them.
function toFullWidth(text: string): string {
  return [...text].map((ch) => (ch >= '!' && ch <= '~' ? String.fromCodePoint(ch.codePointAt(0)! + 0xfee0) : ch)).join('');
}

describe('parseMoney ∘ formatMoney', () => {
  it('every amount up to the maximum, in every locale, parses back to itself', () => {
    fc.assert(
      fc.property(currencyArb, localeArb, fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.boolean(), (currency, locale, minor, symbol) => {
        const maxMinor = toMinorUnits(moneyInputMax(currency));
        const clamped = minor > maxMinor ? maxMinor : minor < -maxMinor ? -maxMinor : minor;
        const m = fromMinorUnits(clamped, currency);
        const text = formatMoney(m, locale, { symbol });
        const r = parseMoney(text, currency, { allowNegative: true, allowZero: true });
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(equals(r.value, m)).toBe(true);
          expect(toStored(r.value)).toEqual(toStored(m));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('full-width input parses the same as half-width', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), (minor) => {
        const m = fromMinorUnits(minor, 'CNY');
        const text = formatMoney(m, 'zh-CN', { symbol: false });
        const r = parseMoney(`￥${toFullWidth(text)}`, 'CNY');
        expect(r.ok && equals(r.value, m)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text: it is Money or a named code', () => {
    const codes = new Set(['money_empty', 'money_not_a_number', 'money_exponent', 'money_too_many_decimals',
      'money_zero', 'money_negative', 'money_above_maximum']);
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: fc.constantFrom(...'0123456789.,-+eE ¥￥１２．，元CNYnaf\u3000'.split('')) }), (text) => {
        const r = parseMoney(text, 'CNY', { allowNegative: true });
        if (!r.ok) expect(codes.has(r.code)).toBe(true);
        else expect(r.value.amount.decimalPlaces()).toBeLessThanOrEqual(2);
      }),
      { numRuns: 1000 },
    );
  });
});
