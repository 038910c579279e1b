// CSV export of the transaction recorder: rows of plain strings (the app joins them with
// papaparse's unparse, which quotes commas, quotes and newlines). Two things are decided here:
// - Time is written as Beijing wall time "YYYY-MM-DD HH:mm:ss", the world's display zone, so the
//   file reads like the screen (and sorts as text).
// - Cells a spreadsheet would run as a formula (starting with = + - @, tab or carriage return) get
//   a leading apostrophe: a payee named "=HYPERLINK(...)" must stay text (CSV injection, OWASP).
import { assert } from '../../assert.ts';
import { hourMs } from '../../world/clock.ts';
import { walletTransactionsScanMax, type WalletTransaction } from './recorder.ts';

export const walletCsvHeader = ['time', 'payee', 'amount', 'currency', 'channel', 'status', 'reference', 'note', 'id'] as const;

const beijingOffsetMs = 8 * hourMs;

/** "2026-01-05 09:00:00" for a world time, in Beijing time (UTC+8, no daylight saving). */
export function walletCsvTimestamp(at: number): string {
  assert(Number.isSafeInteger(at), 'at must be world time in ms');
  // new Date(ms) with an argument is a pure conversion, not a clock read.
  const iso = new Date(at + beijingOffsetMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

const formulaStart = /^[=+\-@\t\r]/;

/** A cell a spreadsheet will show as text, never evaluate. */
export function walletCsvCell(value: string): string {
  return formulaStart.test(value) ? `'${value}` : value;
}

/** Header plus one row per transaction, in the order given. */
export function walletTransactionsCsvRows(rows: readonly WalletTransaction[]): string[][] {
  assert(rows.length <= walletTransactionsScanMax, `at most ${walletTransactionsScanMax} rows per export`);
  const out: string[][] = [[...walletCsvHeader]];
  for (const r of rows) {
    out.push(
      [walletCsvTimestamp(r.at), r.payee, r.amount, r.currency, r.channel, r.status, r.reference, r.note, r.id].map(walletCsvCell),
    );
  }
  return out;
}
