// The platform's fixed table of product categories (商品类目). Each has a Chinese and an English name
// and a default commission rate (佣金比例 / 技术服务费), the fraction of the released goods price the
// platform keeps when escrow pays the seller. Rates are decimal-string FRACTIONS ("0.02" is 2%), the
// form percentageOf takes, so no ×100 can be forgotten.
//
// Why a fixed table: orders snapshot the category and its rate per line, commission reports group by
// it, and the UI translates it; free-text categories would break all three. A world can override the
// RATES (config.ts), never the set of categories.

import { assert } from '../assert.ts';
import { Decimal } from '../money/index.ts';

export const categoryIds = [
  'books', // 图书教材
  'digital', // 数码电子
  'appliances', // 家用电器
  'clothing', // 服装鞋帽
  'food', // 食品生鲜
  'beauty', // 美妆个护
  'home', // 家居日用
  'sports', // 运动户外
  'content', // 数字内容: single articles, music tracks (micro-payments)
] as const;
export type CategoryId = (typeof categoryIds)[number];

export type Category = {
  readonly id: CategoryId;
  readonly name: { readonly zh: string; readonly en: string };
  /** Default commission, a fraction in [0, 1] written as a plain decimal string. */
  readonly commissionRate: string;
};

// Default rates are in the range Chinese platforms publish for these categories (2%-5%); digital
// content takes 0.6% so that a ¥0.10 article shows the fee rounding to ¥0.00 (README example).
export const categories: readonly Category[] = [
  { id: 'books', name: { zh: '图书教材', en: 'Books' }, commissionRate: '0.02' },
  { id: 'digital', name: { zh: '数码电子', en: 'Digital & electronics' }, commissionRate: '0.03' },
  { id: 'appliances', name: { zh: '家用电器', en: 'Home appliances' }, commissionRate: '0.02' },
  { id: 'clothing', name: { zh: '服装鞋帽', en: 'Clothing & shoes' }, commissionRate: '0.05' },
  { id: 'food', name: { zh: '食品生鲜', en: 'Food & fresh produce' }, commissionRate: '0.02' },
  { id: 'beauty', name: { zh: '美妆个护', en: 'Beauty & personal care' }, commissionRate: '0.04' },
  { id: 'home', name: { zh: '家居日用', en: 'Home & living' }, commissionRate: '0.03' },
  { id: 'sports', name: { zh: '运动户外', en: 'Sports & outdoors' }, commissionRate: '0.03' },
  { id: 'content', name: { zh: '数字内容', en: 'Digital content' }, commissionRate: '0.006' },
];

export function isCategoryId(value: unknown): value is CategoryId {
  return typeof value === 'string' && (categoryIds as readonly string[]).includes(value);
}

export function categoryOf(id: CategoryId): Category {
  const found = categories.find((c) => c.id === id);
  assert(found !== undefined, `unknown category ${String(id)}`);
  return found;
}

/** A commission rate as the money module takes it: a plain decimal fraction from 0 to 1. */
export function isCommissionRate(rate: unknown): rate is string {
  if (typeof rate !== 'string' || !/^\d+(\.\d{1,6})?$/.test(rate)) return false;
  return new Decimal(rate).lessThanOrEqualTo(1);
}

/** The default rates, keyed by category. */
export function defaultCommissionRates(): Record<CategoryId, string> {
  const rates = {} as Record<CategoryId, string>;
  for (const c of categories) rates[c.id] = c.commissionRate;
  return rates;
}

assert(categories.length === categoryIds.length, 'every category id has one row');
assert(categories.every((c) => isCommissionRate(c.commissionRate)), 'default rates are valid fractions');
