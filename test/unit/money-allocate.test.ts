import { describe, expect, it } from 'vitest';
import { allocate, Decimal, money, toStored, zero, type Money } from '../../src/domain/index.ts';

const cny = (amount: string): Money => money(amount, 'CNY');
const amounts = (shares: Money[]): string[] => shares.map((s) => toStored(s).amount);

describe('allocate', () => {
  it('splits evenly when it can', () => {
    expect(amounts(allocate(cny('100'), [1, 1, 1, 1]))).toEqual(['25.00', '25.00', '25.00', '25.00']);
  });

  it('hands leftover fen to the earlier share on a tie', () => {
    expect(amounts(allocate(cny('100'), [1, 1, 1]))).toEqual(['33.34', '33.33', '33.33']);
    expect(amounts(allocate(cny('0.05'), [70, 30]))).toEqual(['0.04', '0.01']);
    expect(amounts(allocate(cny('0.02'), [1, 1, 1]))).toEqual(['0.01', '0.01', '0.00']);
  });

  it('hands leftover fen to the largest remainder, so every share is within one fen of exact', () => {
    // exact 0.333… and 0.666…: in-order would give 0.34 + 0.66 (0.0067 off); largest remainder is closer.
    expect(amounts(allocate(cny('1'), [1, 2]))).toEqual(['0.33', '0.67']);
    // exact 3.3333, 3.3333, 3.3334 (ratios 1:1:1.0002)
    expect(amounts(allocate(cny('0.10'), ['1', '1', '1.0002']))).toEqual(['0.03', '0.03', '0.04']);
  });

  it('accepts number, string and Decimal ratios, including fractions and percentages', () => {
    expect(amounts(allocate(cny('1000'), [0.7, '0.2', new Decimal('0.1')]))).toEqual(['700.00', '200.00', '100.00']);
    expect(amounts(allocate(cny('99.99'), ['99.4', '0.6']))).toEqual(['99.39', '0.60']);
  });

  it('gives zero ratios exactly zero', () => {
    expect(amounts(allocate(cny('0.03'), [0, 1, 0, 1, 0]))).toEqual(['0.00', '0.02', '0.00', '0.01', '0.00']);
  });

  it('splits negative totals as the mirror of positive ones', () => {
    expect(amounts(allocate(cny('-100'), [1, 1, 1]))).toEqual(['-33.34', '-33.33', '-33.33']);
    expect(amounts(allocate(cny('-1'), [1, 2]))).toEqual(['-0.33', '-0.67']);
  });

  it('splits a zero total into zeros and a single ratio into the total', () => {
    expect(amounts(allocate(zero('CNY'), [1, 2]))).toEqual(['0.00', '0.00']);
    expect(amounts(allocate(cny('12.34'), [5]))).toEqual(['12.34']);
  });

  it('works at scale 0 (JPY)', () => {
    expect(allocate(money('100', 'JPY'), [1, 1, 1]).map((m) => toStored(m).amount)).toEqual(['34', '33', '33']);
  });

  it('keeps the currency', () => {
    expect(allocate(money('1', 'USD'), [1, 1]).every((m) => m.currency === 'USD')).toBe(true);
  });

  it('asserts on bad ratios', () => {
    expect(() => allocate(cny('1'), [])).toThrow(/at least one/);
    expect(() => allocate(cny('1'), [0, 0])).toThrow(/positive sum/);
    expect(() => allocate(cny('1'), [1, -1])).toThrow(/not negative/);
    expect(() => allocate(cny('1'), ['-1'])).toThrow(/plain decimal/);
    expect(() => allocate(cny('1'), [Number.NaN])).toThrow(/finite/);
    expect(() => allocate(cny('1'), [Number.POSITIVE_INFINITY])).toThrow(/finite/);
    expect(() => allocate(cny('1'), ['1e3'])).toThrow(/plain decimal/);
    expect(() => allocate(cny('1'), new Array<number>(10_001).fill(1))).toThrow(/too many shares/);
  });
});
