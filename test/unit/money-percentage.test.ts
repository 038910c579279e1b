import { describe, expect, it } from 'vitest';
import { Decimal, money, percentageOf, toStored } from '../../src/domain/index.ts';

const fee = (amount: string, rate: string | Decimal): string => toStored(percentageOf(money(amount, 'CNY'), rate)).amount;

describe('percentageOf (rate is a fraction: "0.006" is 0.6%)', () => {
  it('computes exact fees', () => {
    expect(fee('1000', '0.006')).toBe('6.00');
    expect(fee('100', '0.05')).toBe('5.00');
    expect(fee('100', '1')).toBe('100.00');
    expect(fee('100', '0')).toBe('0.00');
  });

  it('rounds half-up to the fen', () => {
    expect(fee('2.50', '0.006')).toBe('0.02'); // 0.015: the tie goes up
    expect(fee('1234.50', '0.006')).toBe('7.41'); // 7.407
    expect(fee('0.75', '0.006')).toBe('0.00'); // 0.0045
    expect(fee('0.83', '0.006')).toBe('0.00'); // 0.00498
    expect(fee('0.84', '0.006')).toBe('0.01'); // 0.00504
    expect(fee('1.25', '0.1')).toBe('0.13'); // 0.125
    expect(fee('1.24', '0.1')).toBe('0.12'); // 0.124
    expect(fee('33.33', new Decimal('0.0055'))).toBe('0.18'); // 0.183315
  });

  it('mirrors the fee on a negative amount (ties away from zero) and never returns negative zero', () => {
    expect(fee('-2.50', '0.006')).toBe('-0.02');
    expect(fee('-1234.50', '0.006')).toBe('-7.41');
    expect(percentageOf(money('-0.75', 'CNY'), '0.006').amount.isNegative()).toBe(false);
  });

  it('rounds at the currency scale (JPY: whole yen)', () => {
    expect(toStored(percentageOf(money('250', 'JPY'), '0.006')).amount).toBe('2'); // 1.5
    expect(toStored(percentageOf(money('249', 'JPY'), '0.006')).amount).toBe('1'); // 1.494
  });

  it('asserts on rates outside [0, 1] or not written as plain decimals', () => {
    expect(() => percentageOf(money('1', 'CNY'), '1.01')).toThrow(/\[0, 1\]/);
    expect(() => percentageOf(money('1', 'CNY'), new Decimal('-0.1'))).toThrow(/\[0, 1\]/);
    expect(() => percentageOf(money('1', 'CNY'), '0.6%')).toThrow(/plain decimal/);
    expect(() => percentageOf(money('1', 'CNY'), '6e-3')).toThrow(/plain decimal/);
    expect(() => percentageOf(money('1', 'CNY'), '0.' + '1'.repeat(21))).toThrow(/significant digits/);
  });
});
