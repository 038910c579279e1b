import { assert } from '../assert.ts';
import { add, compare, fromStored, subtract, toStored, zero, type CurrencyCode, type Money, type StoredMoney } from '../money/index.ts';
import { dayMs, hourMs, minuteMs } from '../world/clock.ts';

// A channel's daily bill (渠道对账单), modelled on the T+1 bills the big wallets publish (Alipay's
// 业务明细, WeChat Pay's 交易账单): one row per payment, refund and fee the channel processed, with
// the channel's own trade number, the merchant's order number, gross, fee, net and status.
//
// The cut-off is 23:59 world time (Beijing): a channel closes its books one minute before midnight,
// so a payment at 23:59:30 on the 7th is in the bill dated the 8th while the platform, which
// counts calendar days, books it on the 7th. That gap is the "timing" difference.

export const billRowTypes = ['payment', 'refund', 'fee'] as const;
export type BillRowType = (typeof billRowTypes)[number];

/** The channel's status of the trade when the bill was cut. */
export const billRowStatuses = ['success', 'refunded', 'closed'] as const;
export type BillRowStatus = (typeof billRowStatuses)[number];

export type BillRow = {
  /** The channel's own number for the trade (支付宝交易号). Unique within the channel institution. */
  readonly channelTradeNo: string;
  /** The merchant's number the payment was asked for (商户订单号): the platform's charge id. */
  readonly merchantOrderNo: string;
  /** A refund's merchant refund number (退款批次号); '' for payments and fees. */
  readonly merchantRefundNo: string;
  /** The institution that issued the bill (escrow agent, a bank, the card company...). */
  readonly institutionId: string;
  /** The payment channel (online_banking, debit_card...). */
  readonly channel: string;
  readonly type: BillRowType;
  /** Payments positive; refunds and fees are negative money for the merchant. */
  readonly gross: StoredMoney;
  readonly fee: StoredMoney;
  /** gross − fee. */
  readonly net: StoredMoney;
  readonly status: BillRowStatus;
  /** World time of the trade (ms). */
  readonly at: number;
};

/** The channels' cut-off: one minute before midnight, world time. */
export const billCutoffBeforeMidnightMs = minuteMs;
const worldOffsetMs = 8 * hourMs;

/** "YYYY-MM-DD" of the world (Beijing) calendar day containing `at`: the platform's own day. */
export function worldDateOf(at: number): string {
  assert(Number.isSafeInteger(at), 'world time is an integer');
  const start = Math.floor((at + worldOffsetMs) / dayMs) * dayMs;
  return new Date(start).toISOString().slice(0, 10);
}

/** The date of the bill a trade at `at` lands in: the channel's day ends at 23:59. */
export function billDateOf(at: number): string {
  return worldDateOf(at + billCutoffBeforeMidnightMs);
}

/** The world time the bill of `date` starts at (23:59 of the day before) and ends before. */
export function billWindowOf(date: string): { readonly from: number; readonly to: number } {
  const start = dateStartMs(date);
  return { from: start - billCutoffBeforeMidnightMs, to: start + dayMs - billCutoffBeforeMidnightMs };
}

/** World time of Beijing midnight starting `date` ("YYYY-MM-DD"). */
export function dateStartMs(date: string): number {
  assert(isBillDate(date), `a date: ${date}`);
  return Date.parse(`${date}T00:00:00Z`) - worldOffsetMs;
}

export function isBillDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === value;
}

/** The next calendar date. */
export function nextDate(date: string): string {
  return worldDateOf(dateStartMs(date) + dayMs);
}

export function previousDate(date: string): string {
  return worldDateOf(dateStartMs(date) - dayMs);
}

export type Bill = {
  readonly institutionId: string;
  readonly date: string;
  readonly currency: CurrencyCode;
  readonly rows: readonly BillRow[];
  readonly totals: BillTotals;
};

export type BillTotals = { readonly rows: number; readonly gross: StoredMoney; readonly fee: StoredMoney; readonly net: StoredMoney };

/** Rows in one bill at most: a channel's day in the bench is 100,000 trades, plus refunds and fees. */
export const billRowsMax = 250_000;

export function billTotals(rows: readonly BillRow[], currency: CurrencyCode): BillTotals {
  let gross: Money = zero(currency);
  let fee: Money = zero(currency);
  let net: Money = zero(currency);
  for (const row of rows) {
    gross = add(gross, fromStored(row.gross));
    fee = add(fee, fromStored(row.fee));
    net = add(net, fromStored(row.net));
  }
  return { rows: rows.length, gross: toStored(gross), fee: toStored(fee), net: toStored(net) };
}

/** Whether a row's net is its gross less its fee (a bill that says otherwise was altered). */
export function rowAddsUp(row: BillRow): boolean {
  return compare(subtract(fromStored(row.gross), fromStored(row.fee)), fromStored(row.net)) === 0;
}

/**
 * The bill of one institution for `date`, built from the channel's own records (whatever day they
 * were kept on): the rows inside the bill's window, in time order, then by trade number.
 */
export function buildBill(institutionId: string, date: string, currency: CurrencyCode, records: readonly BillRow[]): Bill {
  assert(records.length <= billRowsMax * 3, 'records of a few days at most');
  const rows = records
    .filter((r) => r.institutionId === institutionId && billDateOf(r.at) === date)
    .sort((a, b) => a.at - b.at || (a.channelTradeNo < b.channelTradeNo ? -1 : a.channelTradeNo > b.channelTradeNo ? 1 : 0));
  assert(rows.length <= billRowsMax, `a bill of ${rows.length} rows`);
  for (const row of rows) assert(row.gross.currency === currency && rowAddsUp(row), `row ${row.channelTradeNo}: one currency, net = gross − fee`);
  return { institutionId, date, currency, rows, totals: billTotals(rows, currency) };
}

/** A bill's totals less the rows `minus` sums and plus those `plus` sums (a few rows changed). */
export function billTotalsAfter(totals: BillTotals, minus: BillTotals, plus: BillTotals): BillTotals {
  const step = (a: StoredMoney, b: StoredMoney, c: StoredMoney) => toStored(add(subtract(fromStored(a), fromStored(b)), fromStored(c)));
  const rows = totals.rows - minus.rows + plus.rows;
  assert(rows >= 0, 'rows left in a bill');
  return { rows, gross: step(totals.gross, minus.gross, plus.gross), fee: step(totals.fee, minus.fee, plus.fee), net: step(totals.net, minus.net, plus.net) };
}
