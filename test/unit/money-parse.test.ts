import { describe, expect, it } from 'vitest';
import { money, moneyInputMax, moneyTextLengthMax, parseMoney, toStored, type CurrencyCode, type ParseMoneyOptions } from '../../src/domain/index.ts';

function parsed(text: string, currency: CurrencyCode = 'CNY', options?: ParseMoneyOptions): string {
  const r = parseMoney(text, currency, options);
  if (!r.ok) throw new Error(`expected ${text} to parse, got ${r.code}`);
  expect(r.value.currency).toBe(currency);
  return toStored(r.value).amount;
}

function code(text: string, currency: CurrencyCode = 'CNY', options?: ParseMoneyOptions): string {
  const r = parseMoney(text, currency, options);
  if (r.ok) throw new Error(`expected ${text} to fail, got ${toStored(r.value).amount}`);
  return r.code;
}

describe('parseMoney accepts what people type', () => {
  it.each([
    ['1234.5', '1234.50'],
    ['1234.50', '1234.50'],
    ['1234', '1234.00'],
    ['1,234.50', '1234.50'],
    ['1,234,567.89', '1234567.89'],
    ['¥1,234.50', '1234.50'],
    ['￥1,234.50', '1234.50'],
    ['¥ 1,234.50', '1234.50'],
    ['CN¥1,234.50', '1234.50'],
    ['CNY 1234.50', '1234.50'],
    ['cny1234.50', '1234.50'],
    ['RMB 12', '12.00'],
    ['12元', '12.00'],
    ['12 元', '12.00'],
    ['¥12元', '12.00'],
    ['1234.50 CNY', '1234.50'],
    ['１２３４．５０', '1234.50'],
    ['１，２３４．５', '1234.50'],
    ['￥１，２３４．５０', '1234.50'],
    ['  1234.5  ', '1234.50'],
    ['\u3000１２\u3000', '12.00'],
    ['\t12.3\n', '12.30'],
    ['.5', '0.50'],
    ['12.', '12.00'],
    ['007', '7.00'],
    ['0.01', '0.01'],
    ['+12', '12.00'],
  ])('%j → %s', (text, stored) => {
    expect(parsed(text)).toBe(stored);
  });

  it('uses the currency scale: JPY has no decimals, USD two', () => {
    expect(parsed('¥1,000', 'JPY')).toBe('1000');
    expect(parsed('JP¥1,000', 'JPY')).toBe('1000');
    expect(parsed('US$3.5', 'USD')).toBe('3.50');
    expect(parsed('$3.5', 'USD')).toBe('3.50');
    expect(parsed('€3', 'EUR')).toBe('3.00');
  });

  it('accepts negatives only when allowed, sign before or after the mark', () => {
    const options = { allowNegative: true };
    expect(parsed('-12', 'CNY', options)).toBe('-12.00');
    expect(parsed('-¥12.00', 'CNY', options)).toBe('-12.00');
    expect(parsed('¥-12.00', 'CNY', options)).toBe('-12.00');
    expect(parsed('- ¥ 1,234.5', 'CNY', options)).toBe('-1234.50');
    expect(parsed('－１２', 'CNY', options)).toBe('-12.00'); // full-width minus
    expect(parsed('\u221212', 'CNY', options)).toBe('-12.00'); // typographic minus
    expect(code('-12')).toBe('money_negative');
    expect(code('-¥12.00')).toBe('money_negative');
    expect(code('-¥-12.00', 'CNY', options)).toBe('money_not_a_number'); // two signs
  });

  it('accepts zero only when allowed, and never returns a negative zero', () => {
    expect(code('0')).toBe('money_zero');
    expect(code('0.00')).toBe('money_zero');
    expect(code('-0', 'CNY', { allowNegative: true })).toBe('money_zero');
    const r = parseMoney('-0.00', 'CNY', { allowZero: true, allowNegative: true });
    expect(r.ok && r.value.amount.isNegative()).toBe(false);
    expect(parsed('¥0', 'CNY', { allowZero: true })).toBe('0.00');
  });
});

describe('parseMoney rejects with named codes', () => {
  it.each(['', '   ', '\u3000', '¥', '-', ' ¥ ', '元', 'CNY'])('empty: %j', (text) => {
    expect(code(text)).toBe('money_empty');
  });

  it.each(['abc', '12abc', '1 234', '1,23,4', '1,234,5', '1234,567', ',123', '1,234.567,8', '.', '1..2',
    '1.2.3', '0x10', '١٢', '12$', '$12', '¥¥12', '12 USD', 'NaN', 'Infinity', '-Infinity', '∞', 'nan',
    '--12', '1,2345', '²', '½'])('not a number: %j', (text) => {
    expect(code(text, 'CNY', { allowNegative: true })).toBe('money_not_a_number');
  });

  it('rejects over-long text as not a number', () => {
    expect(code('1'.repeat(moneyTextLengthMax + 1))).toBe('money_not_a_number');
  });

  it.each(['1e5', '1E5', '1.5e-3', '1,000e2', '.5e1', '¥1e3', '1e+2'])('exponent: %j', (text) => {
    expect(code(text)).toBe('money_exponent');
  });

  it('rejects more decimals than the currency has, counted as typed, with the scale', () => {
    const r = parseMoney('1.234', 'CNY');
    expect(r).toEqual({ ok: false, code: 'money_too_many_decimals', detail: { scale: 2 } });
    expect(code('1.500')).toBe('money_too_many_decimals');
    expect(parseMoney('1.5', 'JPY')).toEqual({ ok: false, code: 'money_too_many_decimals', detail: { scale: 0 } });
    expect(parsed('100.', 'JPY')).toBe('100');
  });

  it('rejects amounts above the default maximum ¥10,000,000,000.00, allowing the maximum itself', () => {
    expect(toStored(moneyInputMax('CNY')).amount).toBe('10000000000.00');
    expect(parsed('10,000,000,000.00')).toBe('10000000000.00');
    expect(parseMoney('10,000,000,000.01', 'CNY')).toEqual({
      ok: false, code: 'money_above_maximum', detail: { max: '10000000000.00' },
    });
    expect(code('-10000000000.01', 'CNY', { allowNegative: true })).toBe('money_above_maximum');
    expect(code('99999999999999999999999999999999')).toBe('money_above_maximum');
  });

  it('honours a configured maximum', () => {
    const max = money('500', 'CNY');
    expect(parsed('500', 'CNY', { max })).toBe('500.00');
    expect(parseMoney('500.01', 'CNY', { max })).toEqual({ ok: false, code: 'money_above_maximum', detail: { max: '500.00' } });
  });

  it('asserts on programmer errors: wrong currency for max, unknown currency', () => {
    expect(() => parseMoney('1', 'CNY', { max: money('5', 'USD') })).toThrow(/max is USD/);
    expect(() => parseMoney('1', 'XXX' as CurrencyCode)).toThrow(/unknown currency/);
    expect(() => parseMoney('1', 'CNY', { max: money('0', 'CNY') })).toThrow(/above zero/);
  });
});
