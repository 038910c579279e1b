import { describe, expect, it } from 'vitest';
import { fromMinorUnits, money, negate, toMinorUnits, toStored, zero } from '../../src/domain/index.ts';

describe('toMinorUnits / fromMinorUnits', () => {
  it('converts to exact integer minor units', () => {
    expect(toMinorUnits(money('1234.5', 'CNY'))).toBe(123450n);
    expect(toMinorUnits(money('-0.01', 'CNY'))).toBe(-1n);
    expect(toMinorUnits(negate(zero('CNY')))).toBe(0n);
    expect(toMinorUnits(money('1000', 'JPY'))).toBe(1000n);
    expect(toMinorUnits(money('90071992547409.93', 'CNY'))).toBe(9007199254740993n);
  });

  it('converts back at the currency scale', () => {
    expect(toStored(fromMinorUnits(5n, 'CNY')).amount).toBe('0.05');
    expect(toStored(fromMinorUnits(-5n, 'CNY')).amount).toBe('-0.05');
    expect(toStored(fromMinorUnits(123450n, 'CNY')).amount).toBe('1234.50');
    expect(toStored(fromMinorUnits(0n, 'CNY')).amount).toBe('0.00');
    expect(toStored(fromMinorUnits(-1000n, 'JPY')).amount).toBe('-1000');
    expect(toStored(fromMinorUnits(9007199254740993n, 'CNY')).amount).toBe('90071992547409.93');
  });
});
