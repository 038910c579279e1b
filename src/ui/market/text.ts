import { categoryOf, Decimal, fromStored, formatMoney, type CategoryId, type OrderLine, type OrderRow, type ProductRow, type StoredMoney } from '../../domain/index.ts';
import { i18n, t } from '../i18n/i18n.svelte.ts';
import { formatWorldTime } from '../format.ts';
import { errorText } from '../identity/text.ts';

// How marketplace values read on screen, in the reader's language.

export function money(m: StoredMoney): string {
  return formatMoney(fromStored(m), i18n.locale);
}

export function categoryName(id: CategoryId): string {
  const c = categoryOf(id);
  return i18n.locale === 'zh-CN' ? c.name.zh : c.name.en;
}

/** A product's name in the reader's language (Chinese shops name goods in Chinese first). */
export function productName(p: Pick<ProductRow, 'name' | 'nameEn'> | Pick<OrderLine, 'name' | 'nameEn'>): string {
  return i18n.locale === 'zh-CN' || p.nameEn === null ? p.name : p.nameEn;
}

export function stateText(order: Pick<OrderRow, 'state'>): string {
  return t(`market.state.${order.state}`);
}

export function time(at: number | null | undefined): string {
  return at === null || at === undefined ? '—' : formatWorldTime(at, i18n.locale);
}

/** A rate fraction ("0.025") as a percentage ("2.5%"), exactly. */
export function percent(rate: string): string {
  return `${new Decimal(rate).times(100).toString()}%`;
}

/** A result code in plain words (times in its detail shown as dates, amounts as money: errorText). */
export function problem(code: string, detail?: Readonly<Record<string, string | number>>): string {
  // The domain names a length limit `lengthMax`; shared messages (reason_too_long) quote `max`.
  const withMax = detail?.lengthMax !== undefined && detail.max === undefined ? { ...detail, max: detail.lengthMax } : detail;
  return errorText(code, withMax);
}

/** A world duration in days and hours ("6 d 23 h"). */
export function duration(ms: number): string {
  const hours = Math.round(ms / 3_600_000);
  return t('market.duration', { days: Math.floor(hours / 24), hours: hours % 24 });
}
