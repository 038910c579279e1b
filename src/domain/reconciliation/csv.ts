import Papa from 'papaparse';
import { err, ok, type Result } from '../result.ts';
import { assert } from '../assert.ts';
import { compare, fromStored, isCurrencyCode, isNegative, isPositive, isZero, money, toStored, type CurrencyCode, type StoredMoney } from '../money/index.ts';
import { hourMs } from '../world/clock.ts';
import { billDateOf, billRowStatuses, billRowTypes, billRowsMax, billTotals, isBillDate, rowAddsUp, type Bill, type BillRow, type BillRowStatus, type BillRowType } from './bill.ts';

// The bill as a CSV file (docs/bill-format.md). Modelled on the wallets' downloadable T+1 bills:
// '#' lines before the header name the bill (institution, date, currency), '#' lines after the rows
// carry the totals, and the file ends with '#end'. The desk reads the same file it lets users
// download, so a teacher may edit a fee or a status and import it: the file is accepted only if it
// still adds up (every net = gross − fee, the totals match the rows, every time is inside the bill's
// day, no trade number twice). Anything else is refused with the line and the reason, and nothing
// changes.
//
// No cell can start like a spreadsheet formula: numbers and trade numbers are checked against
// strict patterns (ids start with a letter or digit), and a negative amount is a number to a
// spreadsheet, not a formula.

export const billCsvMagic = '#SettleLab channel bill';
export const billCsvVersion = 'v1';
export const billCsvHeader = ['channel_trade_no', 'merchant_order_no', 'merchant_refund_no', 'channel', 'type', 'gross', 'fee', 'net', 'status', 'time'] as const;

/** A file larger than this is refused before parsing: the largest bill's rows at ~120 bytes each. */
export const billCsvBytesMax = billRowsMax * 160;

export const billCsvRefusals = [
  'file_too_large',
  'not_a_bill', // the first line is not the bill's magic line
  'version_unknown',
  'meta_missing', // institution, bill date or currency missing or invalid
  'header_differs',
  'column_count',
  'id_invalid',
  'type_unknown',
  'status_unknown',
  'amount_invalid',
  'sign_invalid', // a payment's gross not above zero, a refund's not below, a fee row's not zero
  'time_invalid',
  'outside_bill_date', // the row's time is not inside the bill's day (cut-off 23:59)
  'net_not_gross_less_fee',
  'trade_no_repeated',
  'totals_missing',
  'totals_differ',
  'end_missing',
  'too_many_rows',
] as const;
export type BillCsvRefusal = (typeof billCsvRefusals)[number];

/** A refused file: the line (1-based) and the named reason. */
export type BillCsvError = { readonly line: number; readonly reason: BillCsvRefusal };

const idPattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;
const amountPattern = /^-?\d{1,12}\.\d{2}$/;
const timePattern = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const beijingOffsetMs = 8 * hourMs;

/** "2026-01-05 09:00:00" in Beijing time. */
export function billTimeText(at: number): string {
  const iso = new Date(at + beijingOffsetMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

function parseTime(text: string): number | null {
  const m = timePattern.exec(text);
  if (m === null || !isBillDate(m[1])) return null;
  const [h, mi, s] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (h > 23 || mi > 59 || s > 59) return null;
  return Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`) - beijingOffsetMs;
}

export function billCsv(bill: Bill): string {
  assert(idPattern.test(bill.institutionId), 'institution id');
  const lines: string[][] = [
    [billCsvMagic, billCsvVersion],
    ['#institution', bill.institutionId],
    ['#bill_date', bill.date],
    ['#currency', bill.currency],
    [...billCsvHeader],
  ];
  for (const r of bill.rows) {
    assert(idPattern.test(r.channelTradeNo) && idPattern.test(r.merchantOrderNo) && (r.merchantRefundNo === '' || idPattern.test(r.merchantRefundNo)), `row ids ${r.channelTradeNo}`);
    lines.push([r.channelTradeNo, r.merchantOrderNo, r.merchantRefundNo, r.channel, r.type, r.gross.amount, r.fee.amount, r.net.amount, r.status, billTimeText(r.at)]);
  }
  const t = bill.totals;
  lines.push(['#total_rows', String(t.rows)], ['#total_gross', t.gross.amount], ['#total_fee', t.fee.amount], ['#total_net', t.net.amount], ['#end']);
  return Papa.unparse(lines, { newline: '\r\n' }) + '\r\n';
}

function refuse(line: number, reason: BillCsvRefusal): Result<never, 'bill_refused'> {
  return err('bill_refused', { line, reason });
}

function parseAmount(text: string | undefined, currency: CurrencyCode): StoredMoney | null {
  if (text === undefined || !amountPattern.test(text)) return null;
  return toStored(money(text, currency));
}

function signOk(type: BillRowType, gross: StoredMoney, fee: StoredMoney): boolean {
  const g = fromStored(gross);
  const f = fromStored(fee);
  switch (type) {
    case 'payment':
      return isPositive(g) && !isNegative(f);
    case 'refund':
      return isNegative(g) && !isPositive(f);
    case 'fee':
      return isZero(g) && isPositive(f);
  }
}

/**
 * Reads a bill file. A refusal is err('bill_refused', { line, reason }) with the first offending
 * line (1-based) and its named reason; nothing is returned from a refused file.
 */
export function parseBillCsv(text: string): Result<Bill, 'bill_refused'> {
  if (text.length > billCsvBytesMax) return refuse(1, 'file_too_large');
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: false });
  const lines = parsed.data;
  // Papaparse reports a trailing newline as one empty row: a blank line carries no data.
  const blank = (cells: readonly string[]) => cells.length === 1 && cells[0]!.trim() === '';
  const first = lines[0] ?? [];
  if (first[0] !== billCsvMagic) return refuse(1, 'not_a_bill');
  if (first[1] !== billCsvVersion) return refuse(1, 'version_unknown');
  const meta = (i: number, key: string): string | null => {
    const cells = lines[i] ?? [];
    return cells[0] === key && cells.length === 2 ? (cells[1] ?? null) : null;
  };
  const institutionId = meta(1, '#institution');
  if (institutionId === null || !idPattern.test(institutionId)) return refuse(2, 'meta_missing');
  const date = meta(2, '#bill_date');
  if (date === null || !isBillDate(date)) return refuse(3, 'meta_missing');
  const currency = meta(3, '#currency');
  if (currency === null || !isCurrencyCode(currency)) return refuse(4, 'meta_missing');
  const header = lines[4] ?? [];
  if (header.length !== billCsvHeader.length || header.some((h, i) => h !== billCsvHeader[i])) return refuse(5, 'header_differs');
  const rows: BillRow[] = [];
  const seen = new Set<string>();
  let i = 5;
  for (; i < lines.length; i += 1) {
    const cells = lines[i]!;
    const line = i + 1;
    if ((cells[0] ?? '').startsWith('#')) break;
    if (blank(cells)) continue;
    if (rows.length >= billRowsMax) return refuse(line, 'too_many_rows');
    if (cells.length !== billCsvHeader.length) return refuse(line, 'column_count');
    const [tradeNo, orderNo, refundNo, channel, type, grossText, feeText, netText, status, time] = cells as [string, string, string, string, string, string, string, string, string, string];
    if (!idPattern.test(tradeNo) || !idPattern.test(orderNo) || (refundNo !== '' && !idPattern.test(refundNo)) || !idPattern.test(channel)) return refuse(line, 'id_invalid');
    if (!(billRowTypes as readonly string[]).includes(type)) return refuse(line, 'type_unknown');
    if (!(billRowStatuses as readonly string[]).includes(status)) return refuse(line, 'status_unknown');
    const gross = parseAmount(grossText, currency);
    const fee = parseAmount(feeText, currency);
    const net = parseAmount(netText, currency);
    if (gross === null || fee === null || net === null) return refuse(line, 'amount_invalid');
    if (!signOk(type as BillRowType, gross, fee)) return refuse(line, 'sign_invalid');
    const at = parseTime(time);
    if (at === null) return refuse(line, 'time_invalid');
    if (billDateOf(at) !== date) return refuse(line, 'outside_bill_date');
    const row: BillRow = { channelTradeNo: tradeNo, merchantOrderNo: orderNo, merchantRefundNo: refundNo, institutionId, channel, type: type as BillRowType, gross, fee, net, status: status as BillRowStatus, at };
    if (!rowAddsUp(row)) return refuse(line, 'net_not_gross_less_fee');
    if (seen.has(tradeNo)) return refuse(line, 'trade_no_repeated');
    seen.add(tradeNo);
    rows.push(row);
  }
  const totals = billTotals(rows, currency);
  const expect: [string, string][] = [
    ['#total_rows', String(totals.rows)],
    ['#total_gross', totals.gross.amount],
    ['#total_fee', totals.fee.amount],
    ['#total_net', totals.net.amount],
  ];
  for (const [key, value] of expect) {
    const cells = lines[i] ?? [];
    if (cells[0] !== key || cells.length !== 2) return refuse(i + 1, 'totals_missing');
    const stated = cells[1]!;
    const same = key === '#total_rows' ? stated === value : amountPattern.test(stated) && compare(money(stated, currency), money(value, currency)) === 0;
    if (!same) return refuse(i + 1, 'totals_differ');
    i += 1;
  }
  if ((lines[i] ?? [])[0] !== '#end') return refuse(i + 1, 'end_missing');
  for (let j = i + 1; j < lines.length; j += 1) if (!blank(lines[j]!)) return refuse(j + 1, 'end_missing');
  return ok({ institutionId, date, currency, rows, totals });
}
