import {
  assert,
  categoryIds,
  marketplaceFeeMax,
  marketplaceRuleBounds,
  err,
  parseMoney,
  toStored,
  isCategoryId,
  isCommissionRate,
  makeMarketplaceConfig,
  ok,
  type CategoryId,
  type MarketplaceConfig,
  type MarketplaceConfigOverrides,
  type Result,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketMetaKeys } from '../../storage/market-tables.ts';
import { type CommandEnv, type CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { requireTeacher, type TeacherToken } from '../teacher.ts';

// The world's marketplace parameters: the domain's defaults with the platform operator's overrides,
// stored in the world's meta table. Every command reads them inside its own transaction, so a rate
// change and an order placed at the same moment see one consistent config.

function isOverrides(value: unknown): value is MarketplaceConfigOverrides {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function readMarketOverrides(db: WorldDb): Promise<MarketplaceConfigOverrides> {
  const row = await db.meta.get(marketMetaKeys.config);
  return row !== undefined && isOverrides(row.value) ? row.value : {};
}

export async function readMarketConfig(db: WorldDb): Promise<MarketplaceConfig> {
  return makeMarketplaceConfig(await readMarketOverrides(db));
}

/** Replaces part of the overrides (tests set deadlines; the operator sets commission rates). */
export async function writeMarketOverrides(db: WorldDb, overrides: MarketplaceConfigOverrides): Promise<MarketplaceConfig> {
  const merged = { ...(await readMarketOverrides(db)), ...overrides };
  const config = makeMarketplaceConfig(merged); // asserts every value
  await db.meta.put({ key: marketMetaKeys.config, value: merged });
  return config;
}

/**
 * The operator changes commission rates (fractions, "0.025" = 2.5%), in a tab where the teacher signed
 * in (`teacher`, a lab setting: issue 13). Orders already placed keep the
 * rate they snapshotted; only new orders use the new one.
 */
export async function setCommissionRates(
  db: WorldDb,
  teacher: TeacherToken | null,
  meta: CommandMeta,
  rates: Readonly<Partial<Record<string, string>>>,
  env: CommandEnv = {},
): Promise<Result<Record<CategoryId, string>, string>> {
  const allowed = requireTeacher(db, teacher);
  if (!allowed.ok) return allowed;
  const changes: Partial<Record<CategoryId, string>> = {};
  const entries = Object.entries(rates);
  if (entries.length === 0 || entries.length > categoryIds.length) return err('commission_rates_empty');
  for (const [category, rate] of entries) {
    if (!isCategoryId(category)) return err('category_invalid', { category });
    const text = (rate ?? '').trim();
    if (!isCommissionRate(text)) return err('commission_rate_invalid', { category });
    changes[category] = text;
  }
  // The teacher's sign-in was checked above, in the tab: the log records that it was.
  return execute(db, setCommissionRatesCommand, meta, { teacher: true, changes }, env);
}

export const setCommissionRatesCommand = defineCommand({
  name: 'setCommissionRates',
  apply: async (tx, input: { readonly teacher: true; readonly changes: Partial<Record<CategoryId, string>> }) => {
    const operator = await tx.db.parties.get(tx.meta.actor);
    if (operator?.kind !== 'operator') return err('not_the_operator');
    const current = await readMarketOverrides(tx.db);
    const config = await writeMarketOverrides(tx.db, { commissionRates: { ...current.commissionRates, ...input.changes } });
    await tx.appendEvent({ type: 'market.commission_rates_changed', actor: tx.meta.actor, payload: { categories: Object.keys(input.changes).join(', ') } });
    return ok({ ...config.commissionRates });
  },
});

/** The form's fields for the marketplace's rules (text as typed; empty = leave as it is). */
export type MarketRulesInput = {
  readonly payTimeoutHours?: string;
  readonly autoConfirmExpressDays?: string;
  readonly autoConfirmPostDays?: string;
  readonly sellerResponseDays?: string;
  readonly availableAfterDays?: string;
  readonly refundRequestsMax?: string;
  readonly deliveryFeeExpress?: string;
  readonly deliveryFeePost?: string;
  /** 'none' (or 无): shipping is never free. */
  readonly freeShippingThreshold?: string;
};

export type MarketRuleField = keyof MarketRulesInput;

/** Each whole-number field and the domain's bounds it must be within. */
const wholeRules: Readonly<Record<Exclude<MarketRuleField, 'deliveryFeeExpress' | 'deliveryFeePost' | 'freeShippingThreshold'>, readonly [number, number]>> = {
  payTimeoutHours: marketplaceRuleBounds.payTimeoutHours,
  autoConfirmExpressDays: marketplaceRuleBounds.autoConfirmDays,
  autoConfirmPostDays: marketplaceRuleBounds.autoConfirmDays,
  sellerResponseDays: marketplaceRuleBounds.sellerResponseDays,
  availableAfterDays: marketplaceRuleBounds.availableAfterDays,
  refundRequestsMax: marketplaceRuleBounds.refundRequestsMax,
};

const wholeNumber = /^\d{1,6}$/;

/** The overrides the form asks for, or the first field that is not acceptable. */
export function marketRulesOverrides(input: MarketRulesInput): Result<MarketplaceConfigOverrides, string> {
  const overrides: { -readonly [K in keyof MarketplaceConfigOverrides]: MarketplaceConfigOverrides[K] } = {};
  const autoConfirm: Partial<Record<'express' | 'post', number>> = {};
  const fees: Partial<Record<'express' | 'post', string>> = {};
  let fields = 0;
  for (const [field, [min, max]] of Object.entries(wholeRules) as [keyof typeof wholeRules, readonly [number, number]][]) {
    const text = input[field]?.trim() ?? '';
    if (text === '') continue;
    fields += 1;
    const value = wholeNumber.test(text) ? Number(text) : Number.NaN;
    if (!(value >= min && value <= max)) return err('market_rule_invalid', { field, min: String(min), max: String(max) });
    if (field === 'autoConfirmExpressDays') autoConfirm.express = value;
    else if (field === 'autoConfirmPostDays') autoConfirm.post = value;
    else overrides[field] = value;
  }
  const feeMax = parseMoney(marketplaceFeeMax, 'CNY');
  assert(feeMax.ok, 'the fee bound parses');
  const fee = (field: MarketRuleField, text: string): Result<string, string> => {
    const parsed = parseMoney(text, 'CNY', { allowZero: true, max: feeMax.value });
    return parsed.ok ? ok(toStored(parsed.value).amount) : err('market_fee_invalid', { field, max: marketplaceFeeMax });
  };
  for (const [field, method] of [['deliveryFeeExpress', 'express'], ['deliveryFeePost', 'post']] as const) {
    const text = input[field]?.trim() ?? '';
    if (text === '') continue;
    fields += 1;
    const amount = fee(field, text);
    if (!amount.ok) return amount;
    fees[method] = amount.value;
  }
  const threshold = input.freeShippingThreshold?.trim() ?? '';
  if (threshold !== '') {
    fields += 1;
    if (threshold.toLowerCase() === 'none' || threshold === '无') overrides.freeShippingThreshold = null;
    else {
      const amount = fee('freeShippingThreshold', threshold);
      if (!amount.ok) return amount;
      overrides.freeShippingThreshold = amount.value;
    }
  }
  if (fields === 0) return err('market_rules_empty');
  if (Object.keys(autoConfirm).length > 0) overrides.autoConfirmDays = autoConfirm;
  if (Object.keys(fees).length > 0) overrides.deliveryFees = fees;
  return ok(overrides);
}

/**
 * The operator changes the marketplace's rules (in a tab where the teacher signed in): the pay deadline, the days before receipt is
 * confirmed automatically, the seller's days to answer a refund request, T+N, how many refund
 * requests an order allows, the parcel fees and the free-shipping threshold. Like commission rates,
 * a change applies from now on: an order keeps the deadlines already scheduled for it (its pay
 * deadline from when it was placed, its auto-confirmation from when it shipped) and the fee it was
 * charged.
 */
export async function setMarketRules(db: WorldDb, teacher: TeacherToken | null, meta: CommandMeta, input: MarketRulesInput, env: CommandEnv = {}): Promise<Result<MarketplaceConfig, string>> {
  const allowed = requireTeacher(db, teacher);
  if (!allowed.ok) return allowed;
  const overrides = marketRulesOverrides(input);
  if (!overrides.ok) return overrides;
  const changed = Object.keys(input).filter((k) => (input[k as MarketRuleField]?.trim() ?? '') !== '');
  // The teacher's sign-in was checked above, in the tab: the log records that it was.
  return execute(db, setMarketRulesCommand, meta, { teacher: true, overrides: overrides.value, changedFields: changed.length }, env);
}

export const setMarketRulesCommand = defineCommand({
  name: 'setMarketRules',
  apply: async (tx, input: { readonly teacher: true; readonly overrides: MarketplaceConfigOverrides; readonly changedFields: number }) => {
    const operator = await tx.db.parties.get(tx.meta.actor);
    if (operator?.kind !== 'operator') return err('not_the_operator');
    const current = await readMarketOverrides(tx.db);
    const next = input.overrides;
    const config = await writeMarketOverrides(tx.db, {
      ...next,
      ...(next.autoConfirmDays ? { autoConfirmDays: { ...current.autoConfirmDays, ...next.autoConfirmDays } } : {}),
      ...(next.deliveryFees ? { deliveryFees: { ...current.deliveryFees, ...next.deliveryFees } } : {}),
    });
    await tx.appendEvent({ type: 'market.rules_changed', actor: tx.meta.actor, payload: { count: input.changedFields } });
    return ok(config);
  },
});
