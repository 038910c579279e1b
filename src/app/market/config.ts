import {
  categoryIds,
  err,
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
import { runCommand, type CommandEnv, type CommandMeta } from '../command.ts';

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
 * The operator changes commission rates (fractions, "0.025" = 2.5%). Orders already placed keep the
 * rate they snapshotted; only new orders use the new one.
 */
export async function setCommissionRates(
  db: WorldDb,
  meta: CommandMeta,
  rates: Readonly<Partial<Record<string, string>>>,
  env: CommandEnv = {},
): Promise<Result<Record<CategoryId, string>, string>> {
  const changes: Partial<Record<CategoryId, string>> = {};
  const entries = Object.entries(rates);
  if (entries.length === 0 || entries.length > categoryIds.length) return err('commission_rates_empty');
  for (const [category, rate] of entries) {
    if (!isCategoryId(category)) return err('category_invalid', { category });
    const text = (rate ?? '').trim();
    if (!isCommissionRate(text)) return err('commission_rate_invalid', { category });
    changes[category] = text;
  }
  return runCommand(db, 'setCommissionRates', meta, async (tx) => {
    const operator = await tx.db.parties.get(meta.actor);
    if (operator?.kind !== 'operator') return err('not_the_operator');
    const current = await readMarketOverrides(tx.db);
    const config = await writeMarketOverrides(tx.db, { commissionRates: { ...current.commissionRates, ...changes } });
    await tx.appendEvent({ type: 'market.commission_rates_changed', actor: meta.actor, payload: { categories: Object.keys(changes).join(', ') } });
    return ok({ ...config.commissionRates });
  }, env);
}
