// The logistics company's cash-on-delivery terms (代收货款服务费), per world.

import { assert } from '../../assert.ts';
import { compare, isCurrencyCode, money, percentageOf, type CurrencyCode, type Money } from '../../money/index.ts';
import { isRateFraction } from '../cards/config.ts';

export type CodConfig = {
  readonly currency: CurrencyCode;
  /** The COD fee as a fraction of each parcel's collected amount. Default "0.01" (1%). */
  readonly feeRate: string;
  /** ...but at least this per parcel (or the whole amount when that is smaller). Default "2.00". */
  readonly feeMinimum: string;
};

export const defaultCodConfig: CodConfig = { currency: 'CNY', feeRate: '0.01', feeMinimum: '2.00' };
const feeMinimumMajorUnitsMax = 1000;

export function assertCodConfig(config: CodConfig): void {
  assert(isCurrencyCode(config.currency), 'COD currency');
  assert(isRateFraction(config.feeRate), `feeRate must be a fraction: ${config.feeRate}`);
  const minimum = money(config.feeMinimum, config.currency); // asserts the scale
  assert(!minimum.amount.isNegative() && minimum.amount.lessThanOrEqualTo(feeMinimumMajorUnitsMax), 'feeMinimum range');
}

export function makeCodConfig(overrides: Partial<CodConfig> = {}): CodConfig {
  const config = { ...defaultCodConfig, ...overrides };
  assertCodConfig(config);
  return config;
}

/**
 * The fee on one parcel: feeRate of the amount rounded half-up to the fen, at least feeMinimum,
 * never more than the amount itself (a ¥1.50 parcel costs ¥1.50, not ¥2.00, and the seller gets 0).
 * Examples at 1%, minimum ¥2: ¥150.00 → ¥2.00 (1.50 is below the minimum); ¥1,234.50 → ¥12.35
 * (12.345 rounds up); ¥1.50 → ¥1.50.
 */
export function codFeeOf(amount: Money, config: CodConfig): Money {
  assert(amount.currency === config.currency && !amount.amount.isNegative(), 'a COD amount in the config currency');
  const share = percentageOf(amount, config.feeRate);
  const minimum = money(config.feeMinimum, config.currency);
  const fee = compare(share, minimum) >= 0 ? share : minimum;
  return compare(fee, amount) <= 0 ? fee : amount;
}
