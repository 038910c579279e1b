// The card company's terms (信用卡章程) and the acquirers' merchant discount, per world. Everything a
// teacher may change for a lesson is here, with its default. Rates are FRACTIONS ("0.0005" is
// 0.05%), as percentageOf takes them; amounts are stored strings at the currency scale.

import { assert } from '../../assert.ts';
import { Decimal, isCurrencyCode, money, type CurrencyCode } from '../../money/index.ts';

export type CardConfig = {
  readonly currency: CurrencyCode;
  /** The card company's party id: its book keeps the card accounts. Default 'card'. */
  readonly issuerId: string;
  /** Daily interest on a statement not paid in full (日利率万分之五). Default "0.0005". */
  readonly dailyInterestRate: string;
  /** Minimum payment as a fraction of the new balance. Default "0.10". */
  readonly minimumPaymentRate: string;
  /** ...but at least this much (or the whole balance when that is smaller). Default "50.00". */
  readonly minimumPaymentFloor: string;
  /** Late fee (违约金) as a fraction of the unpaid part of the minimum payment. Default "0.05". */
  readonly lateFeeRate: string;
  /** Due date = billing day + this many days (到期还款日). Default 20. */
  readonly dueAfterDays: number;
};

export type AcquiringConfig = {
  readonly currency: CurrencyCode;
  /** Merchant discount rate (商户扣率) the acquirer keeps from every card sale. Default "0.006". */
  readonly merchantDiscountRate: string;
  /** Card sales of world day D reach the merchant's account in the batch of day D + this. Default 1. */
  readonly settleAfterDays: number;
};

export const defaultCardConfig: CardConfig = {
  currency: 'CNY',
  issuerId: 'card',
  dailyInterestRate: '0.0005',
  minimumPaymentRate: '0.10',
  minimumPaymentFloor: '50.00',
  lateFeeRate: '0.05',
  dueAfterDays: 20,
};

export const defaultAcquiringConfig: AcquiringConfig = { currency: 'CNY', merchantDiscountRate: '0.006', settleAfterDays: 1 };

/**
 * A due date must fall before the next billing day, or two statements would be open at once: a
 * cycle is at least 28 days (billing days are 1-28), so the due date is at most 27 days out.
 */
export const dueAfterDaysMax = 27;
/** No settlement delay above a month: a longer one is a typo that would freeze merchants' money. */
export const settleAfterDaysMax = 30;
const floorMajorUnitsMax = 10_000;

/** A rate is a plain decimal fraction in [0, 1]. */
export function isRateFraction(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d+(\.\d+)?$/.test(value) || value.length > 24) return false;
  const d = new Decimal(value);
  return d.greaterThanOrEqualTo(0) && d.lessThanOrEqualTo(1);
}

export function assertCardConfig(config: CardConfig): void {
  assert(isCurrencyCode(config.currency), 'card currency');
  assert(/^[A-Za-z0-9_-]{1,32}$/.test(config.issuerId), 'issuer id');
  for (const name of ['dailyInterestRate', 'minimumPaymentRate', 'lateFeeRate'] as const) {
    assert(isRateFraction(config[name]), `${name} must be a fraction in [0, 1]: ${config[name]}`);
  }
  const floor = money(config.minimumPaymentFloor, config.currency); // asserts the scale
  assert(!floor.amount.isNegative() && floor.amount.lessThanOrEqualTo(floorMajorUnitsMax), 'minimum payment floor range');
  assert(Number.isInteger(config.dueAfterDays) && config.dueAfterDays >= 1 && config.dueAfterDays <= dueAfterDaysMax, `dueAfterDays in [1, ${dueAfterDaysMax}]`);
}

export function makeCardConfig(overrides: Partial<CardConfig> = {}): CardConfig {
  const config = { ...defaultCardConfig, ...overrides };
  assertCardConfig(config);
  return config;
}

export function assertAcquiringConfig(config: AcquiringConfig): void {
  assert(isCurrencyCode(config.currency), 'acquiring currency');
  assert(isRateFraction(config.merchantDiscountRate), `merchantDiscountRate must be a fraction: ${config.merchantDiscountRate}`);
  assert(Number.isInteger(config.settleAfterDays) && config.settleAfterDays >= 0 && config.settleAfterDays <= settleAfterDaysMax, 'settleAfterDays range');
}

export function makeAcquiringConfig(overrides: Partial<AcquiringConfig> = {}): AcquiringConfig {
  const config = { ...defaultAcquiringConfig, ...overrides };
  assertAcquiringConfig(config);
  return config;
}
