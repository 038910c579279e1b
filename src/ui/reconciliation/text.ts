import Papa from 'papaparse';
import { counterChannels, type Difference, type DifferenceKind, type Party, type ResolutionAction, type StoredMoney } from '../../domain/index.ts';
import type { DeskDay } from '../../app/reconciliation/desk.ts';
import { isMessageKey, translate, type Locale } from '../i18n/i18n.svelte.ts';
import { fromStored, isNegative, negate, subtract, toStored, type Resolution } from '../../domain/index.ts';
import { partyNameOf } from '../names.ts';
import { formatWorldTime } from '../format.ts';
import { showMoney } from '../ledger/money.ts';

// Words for the desk: each difference's name and a sentence saying what happened, the actions, and
// the daily report as CSV, all in the reader's language.

export function kindText(kind: DifferenceKind, locale: Locale): string {
  return translate(locale, `recon.kind.${kind}`);
}

export function actionText(action: ResolutionAction, locale: Locale): string {
  return translate(locale, `recon.action.${action}`);
}

function amount(m: StoredMoney | null, locale: Locale): string {
  return m === null ? '—' : showMoney(m.amount, m.currency, locale);
}

/** A counter payment's record is the seller's own, not a platform order's: its own words. */
function explainKey(d: Difference) {
  if (counterChannels.includes(d.channel) && (d.kind === 'long' || d.kind === 'short')) return `recon.explain.${d.kind}_counter` as const;
  return `recon.explain.${d.kind}` as const;
}

export function explainText(d: Difference, parties: readonly Party[], locale: Locale): string {
  return translate(locale, explainKey(d), {
    institution: partyNameOf(parties, d.institutionId, locale),
    merchantNo: d.merchantRefundNo === '' ? d.merchantOrderNo : `${d.merchantOrderNo} / ${d.merchantRefundNo}`,
    trade: d.channelTradeNo ?? '—',
    bill: amount(d.billAmount, locale),
    other: amount(d.otherAmount, locale),
  });
}

/**
 * What an action moved, in words ('' when it moved nothing to tell): a fee adjustment names who
 * paid whom the difference between the bill's fee and the expected one.
 */
export function actionDetailText(r: Pick<Resolution, 'action' | 'differenceId' | 'actorId'>, differences: readonly Difference[], parties: readonly Party[], locale: Locale): string {
  if (r.action !== 'book_fee_adjustment') return '';
  const d = differences.find((x) => x.id === r.differenceId);
  if (d === undefined || d.billAmount === null || d.otherAmount === null) return '';
  const gap = subtract(fromStored(d.billAmount), fromStored(d.otherAmount));
  const back = isNegative(gap);
  return translate(locale, back ? 'recon.report.feeAdjustment.repaid' : 'recon.report.feeAdjustment.paid', {
    payer: partyNameOf(parties, r.actorId, locale),
    institution: partyNameOf(parties, d.institutionId, locale),
    amount: amount(toStored(back ? negate(gap) : gap), locale),
  });
}

export function csvReasonText(reason: string, locale: Locale): string {
  const key = `recon.csv.${reason}`;
  return isMessageKey(key) ? translate(locale, key) : translate(locale, 'names.eventOther');
}

const formulaStart = /^[=+\-@\t\r]/;
/** A text cell a spreadsheet shows as text (a name starting with "=" is not run). */
const cell = (text: string) => (formulaStart.test(text) && !/^-\d+(\.\d+)?$/.test(text) ? `'${text}` : text);

/** The daily report: opening differences, the actions taken, and the differences still open. */
export function reportCsv(day: DeskDay, parties: readonly Party[], locale: Locale): string {
  const tr = (key: Parameters<typeof translate>[1]) => translate(locale, key);
  const rows: string[][] = [[tr('recon.report.section'), tr('recon.diff.kind'), tr('recon.diff.what'), tr('recon.diff.state')]];
  const done = new Map((day.row?.resolutions ?? []).map((r) => [r.differenceId, r]));
  const state = (d: Difference) => {
    const r = done.get(d.id);
    return r === undefined ? tr('recon.diff.open') : translate(locale, 'recon.diff.resolved', { action: actionText(r.action, locale) });
  };
  for (const d of day.row?.opening ?? []) rows.push([tr('recon.report.opening'), kindText(d.kind, locale), explainText(d, parties, locale), state(d)]);
  for (const r of day.row?.resolutions ?? []) {
    const d = [...(day.row?.opening ?? []), ...day.result.differences].find((x) => x.id === r.differenceId);
    const detail = actionDetailText(r, d === undefined ? [] : [d], parties, locale);
    const by = translate(locale, 'recon.report.by', { action: actionText(r.action, locale), actor: partyNameOf(parties, r.actorId, locale), time: formatWorldTime(r.at, locale) });
    rows.push([tr('recon.report.actions'), d === undefined ? '' : kindText(d.kind, locale), detail === '' ? by : `${by}: ${detail}`, r.reason]);
  }
  for (const d of day.open) rows.push([tr('recon.report.closing'), kindText(d.kind, locale), explainText(d, parties, locale), tr('recon.diff.open')]);
  return Papa.unparse(rows.map((r) => r.map(cell)), { newline: '\r\n' });
}
