import { describe, expect, it } from 'vitest';
import { formatMoney, money, negate, zero, type MoneyLocale } from '../../src/domain/index.ts';

describe('formatMoney', () => {
  it.each([
    ['1234.5', 'zh-CN', '¥1,234.50'],
    ['1234.5', 'en', 'CN¥1,234.50'],
    ['-12', 'zh-CN', '-¥12.00'],
    ['-12', 'en', '-CN¥12.00'],
    ['0', 'zh-CN', '¥0.00'],
    ['0.05', 'zh-CN', '¥0.05'],
    ['999', 'zh-CN', '¥999.00'],
    ['1000', 'zh-CN', '¥1,000.00'],
    ['100000', 'zh-CN', '¥100,000.00'],
    ['1234567.89', 'zh-CN', '¥1,234,567.89'],
    ['-1234567.8', 'en', '-CN¥1,234,567.80'],
    ['10000000000', 'zh-CN', '¥10,000,000,000.00'],
  ] as const)('CNY %s in %s → %s', (amount, locale: MoneyLocale, text) => {
    expect(formatMoney(money(amount, 'CNY'), locale)).toBe(text);
  });

  it('writes every currency at its own scale with the locale prefix', () => {
    expect(formatMoney(money('1000', 'JPY'), 'en')).toBe('¥1,000');
    expect(formatMoney(money('1000', 'JPY'), 'zh-CN')).toBe('JP¥1,000');
    expect(formatMoney(money('3.5', 'USD'), 'en')).toBe('$3.50');
    expect(formatMoney(money('3.5', 'USD'), 'zh-CN')).toBe('US$3.50');
    expect(formatMoney(money('-3', 'EUR'), 'en')).toBe('-€3.00');
  });

  it('keeps digits a float would lose', () => {
    // 9007199254740993 is 2^53 + 1: as a JS number it prints ...992.
    expect(formatMoney(money('9007199254740993.01', 'CNY'), 'zh-CN')).toBe('¥9,007,199,254,740,993.01');
  });

  it('never writes a negative zero', () => {
    const negativeZero = negate(zero('CNY'));
    expect(negativeZero.amount.isNegative()).toBe(true); // decimal.js keeps the sign of zero
    expect(formatMoney(negativeZero, 'zh-CN')).toBe('¥0.00');
  });

  it('can leave out the symbol', () => {
    expect(formatMoney(money('-1234.5', 'CNY'), 'zh-CN', { symbol: false })).toBe('-1,234.50');
  });

  it('asserts on an unknown locale', () => {
    expect(() => formatMoney(zero('CNY'), 'fr' as MoneyLocale)).toThrow(/unknown locale/);
  });
});
