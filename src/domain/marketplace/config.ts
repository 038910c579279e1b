// Per-world marketplace parameters. Everything a teacher may want to change for a lesson (commission
// rates, shipping fees, how long the buyer has to pay or confirm, how long the seller has to answer a
// refund, when released money becomes withdrawable) is here, with the defaults documented.
//
// Times are whole units (hours or days) because that is how the platform's rules are written
// ("10 days after shipping"); the functions convert them with clock.ts's hourMs/dayMs. A deadline is
// an exact offset from the moment it starts (shipped at 14:05 day 3 + 10 days = 14:05 day 13), not
// rounded to midnight: that is how Taobao/Alipay count down their timers.

import { assert } from '../assert.ts';
import { isCurrencyCode, money, type CurrencyCode } from '../money/index.ts';
import { categoryIds, defaultCommissionRates, isCommissionRate, type CategoryId } from './category.ts';

export const deliveryMethods = [
  'express', // 快递: fast, tracked
  'post', // 普通邮政 (平邮): cheap, slow
] as const;
export type DeliveryMethod = (typeof deliveryMethods)[number];

export function isDeliveryMethod(value: unknown): value is DeliveryMethod {
  return typeof value === 'string' && (deliveryMethods as readonly string[]).includes(value);
}

export type MarketplaceConfig = {
  readonly currency: CurrencyCode;
  /** Commission per category, fractions ("0.02" = 2%). Default: category.ts's table. */
  readonly commissionRates: Readonly<Record<CategoryId, string>>;
  /** Shipping fee per delivery method, amounts at the currency scale. Default ¥12.00 / ¥6.00. */
  readonly deliveryFees: Readonly<Record<DeliveryMethod, string>>;
  /**
   * An order whose goods total is at least this ships free (满99包邮), whatever the method; null
   * means never free. Default ¥99.00.
   */
  readonly freeShippingThreshold: string | null;
  /** WAIT_BUYER_PAY closes this many hours after the order was placed. Default 24. */
  readonly payTimeoutHours: number;
  /** Receipt is confirmed automatically this many days after shipping. Default 10 express, 30 post. */
  readonly autoConfirmDays: Readonly<Record<DeliveryMethod, number>>;
  /** A refund request the seller leaves unanswered this many days is agreed. Default 5. */
  readonly sellerResponseDays: number;
  /** Money released to the seller becomes withdrawable T+N world days later. Default 1. */
  readonly availableAfterDays: number;
  /** How many refund requests a buyer may open on one order (Taobao limits re-requests). Default 3. */
  readonly refundRequestsMax: number;
};

/** No deadline is set further out than a year: a longer one is a typo that would freeze an order. */
export const configDaysMax = 365;
/** Fees and the threshold above this are a typo, not a parcel price (the settings form quotes it). */
export const marketplaceFeeMax = '10000.00';

/** The range [min, max] of every whole-number rule (autoConfirmDays: each delivery method's). The
 * settings form checks these before it writes; assertMarketplaceConfig asserts them. */
export const marketplaceRuleBounds = {
  payTimeoutHours: [1, configDaysMax * 24],
  autoConfirmDays: [1, configDaysMax],
  sellerResponseDays: [1, configDaysMax],
  availableAfterDays: [0, configDaysMax],
  refundRequestsMax: [1, 10],
} as const satisfies Record<string, readonly [number, number]>;

function withinBounds(value: number, [min, max]: readonly [number, number]): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

export const defaultMarketplaceConfig: MarketplaceConfig = {
  currency: 'CNY',
  commissionRates: defaultCommissionRates(),
  deliveryFees: { express: '12.00', post: '6.00' },
  freeShippingThreshold: '99.00',
  payTimeoutHours: 24,
  autoConfirmDays: { express: 10, post: 30 },
  sellerResponseDays: 5,
  availableAfterDays: 1,
  refundRequestsMax: 3,
};

export type MarketplaceConfigOverrides = Partial<Omit<MarketplaceConfig, 'commissionRates' | 'deliveryFees' | 'autoConfirmDays'>> & {
  readonly commissionRates?: Partial<Record<CategoryId, string>>;
  readonly deliveryFees?: Partial<Record<DeliveryMethod, string>>;
  readonly autoConfirmDays?: Partial<Record<DeliveryMethod, number>>;
};

function assertFee(amount: string, currency: CurrencyCode, name: string): void {
  const m = money(amount, currency); // asserts the scale
  assert(!m.amount.isNegative() && m.amount.lessThanOrEqualTo(marketplaceFeeMax), `${name} must be in [0, ${marketplaceFeeMax}]: ${amount}`);
}

/**
 * A world's configuration: the defaults with the platform operator's overrides. Bad values are
 * programmer errors (the settings form validates before calling), so they are assertions.
 */
export function makeMarketplaceConfig(overrides: MarketplaceConfigOverrides = {}): MarketplaceConfig {
  const base = defaultMarketplaceConfig;
  const config: MarketplaceConfig = {
    ...base,
    ...overrides,
    commissionRates: { ...base.commissionRates, ...overrides.commissionRates },
    deliveryFees: { ...base.deliveryFees, ...overrides.deliveryFees },
    autoConfirmDays: { ...base.autoConfirmDays, ...overrides.autoConfirmDays },
  };
  assertMarketplaceConfig(config);
  return config;
}

export function assertMarketplaceConfig(config: MarketplaceConfig): void {
  assert(isCurrencyCode(config.currency), 'config currency must be known');
  for (const id of categoryIds) {
    assert(isCommissionRate(config.commissionRates[id]), `commission rate for ${id} must be a fraction in [0, 1]`);
  }
  for (const method of deliveryMethods) {
    assertFee(config.deliveryFees[method], config.currency, `delivery fee ${method}`);
    assert(withinBounds(config.autoConfirmDays[method], marketplaceRuleBounds.autoConfirmDays), `autoConfirmDays.${method} out of range: ${config.autoConfirmDays[method]}`);
  }
  if (config.freeShippingThreshold !== null) assertFee(config.freeShippingThreshold, config.currency, 'free shipping threshold');
  for (const rule of ['payTimeoutHours', 'sellerResponseDays', 'availableAfterDays', 'refundRequestsMax'] as const) {
    assert(withinBounds(config[rule], marketplaceRuleBounds[rule]), `${rule} out of range: ${config[rule]}`);
  }
}
