import Papa from 'papaparse';
import { err, ok, type JournalEntry, type JournalHead, type Result } from '../domain/index.ts';
import { assert } from '../domain/assert.ts';
import type { WorldDb } from '../storage/schema.ts';
import { isHeadRow, journalHeadKey, ledgerTables } from '../storage/ledger-tables.ts';
import { journalBlockEntries, readJournalRange } from '../storage/journal-store.ts';
import type { StreamProgress } from './world-stream.ts';

// The journal as CSV, streamed (issue #18): read a page of entries, serialise it, hand its bytes to
// the writer, next page. The page is the unit of memory and of work: a million-entry journal never
// sits in memory (as objects or as text), and serialising one page is a short task, whether it runs
// in the export worker (the app) or in this thread (tests, browsers without module workers).

/** Entries one page (one read, one serialising step, one chunk of about half a MB) holds: whole
 * journal blocks, so no block is read twice. */
export const csvPageEntriesMax = journalBlockEntries * 16;

/** The columns, in file order (the first line of the file names them). */
export const journalCsvColumns = ['seq', 'at', 'transferId', 'kind', 'debitAccountId', 'creditAccountId', 'amount', 'releasedAmount', 'currency', 'code', 'pendingId', 'refs', 'prevHash', 'hash'] as const;

export const journalCsvMime = 'text/csv;charset=utf-8';

/** What a finished CSV export wrote. */
export type CsvSummary = { readonly entries: number; readonly bytes: number };

export type CsvOptions = { readonly onProgress?: (p: StreamProgress) => void; readonly signal?: AbortSignal };

const encoder = new TextEncoder();

function cell(e: JournalEntry, c: (typeof journalCsvColumns)[number]): string {
  if (c === 'refs') return JSON.stringify(e.refs);
  if (c === 'at') return new Date(e.at).toISOString();
  return String((e as Record<string, unknown>)[c] ?? '');
}

/** One page of entries as CSV lines (papaparse quotes and escapes; a formula-looking cell is prefixed). */
export function csvLines(entries: readonly JournalEntry[]): string {
  const data = entries.map((e) => journalCsvColumns.map((c) => cell(e, c)));
  return Papa.unparse({ fields: [...journalCsvColumns], data }, { header: false, escapeFormulae: true }) + '\r\n';
}

async function readHead(db: WorldDb): Promise<JournalHead | undefined> {
  const row = await db.meta.get(journalHeadKey);
  if (row === undefined) return undefined;
  assert(isHeadRow(row.value), 'stored journal head has the head shape');
  return row.value;
}

/**
 * Writes the header line and every entry up to the head as it is now, page by page, through `emit`
 * (which may wait: the writer's pace sets the export's). Cancelled (the signal), returns
 * `file_export_cancelled` after the page under way (some chunks may have been emitted: discard them).
 */
export async function writeJournalCsv(db: WorldDb, emit: (chunk: Uint8Array) => Promise<void>, options: CsvOptions = {}): Promise<Result<CsvSummary, 'file_export_cancelled'>> {
  const total = (await readHead(db))?.seq ?? 0;
  const { journal } = ledgerTables(db);
  let bytes = 0;
  const put = async (text: string): Promise<void> => {
    const chunk = encoder.encode(text);
    bytes += chunk.length;
    await emit(chunk);
  };
  await put(Papa.unparse({ fields: [...journalCsvColumns], data: [] }) + '\r\n');
  let done = 0;
  // Bounded: each turn writes up to csvPageEntriesMax entries of the `total` fixed above.
  for (let from = 1; from <= total; from += csvPageEntriesMax) {
    if (options.signal?.aborted) return err('file_export_cancelled');
    const entries = await readJournalRange(journal, from, Math.min(from + csvPageEntriesMax, total + 1));
    if (entries.length > 0) await put(csvLines(entries));
    done += entries.length;
    options.onProgress?.({ rowsDone: done, rowsTotal: total, bytesDone: bytes, bytesTotal: 0 });
  }
  if (options.signal?.aborted) return err('file_export_cancelled');
  return ok({ entries: done, bytes });
}
