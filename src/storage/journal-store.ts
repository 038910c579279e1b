import Dexie, { type Table } from 'dexie';
import { assert } from '../domain/assert.ts';
import type { JournalEntry } from '../domain/index.ts';
import { decodeJournalColumns, decodeJournalColumnsAt, encodeJournalColumns, positionsNaming, type JournalColumns } from './journal-codec.ts';

// How the journal's entries are kept in IndexedDB: in blocks of consecutive entries, not one row
// per entry.
//
// Why: in Chromium every IndexedDB row read or written costs about 10 µs to read and 70-100 µs to
// write whatever its size (measured with bench/: 20,000 one-entry rows take ~200 ms to read, the
// same entries in 157 rows of 128 take ~5 ms; 1,000 rows take ~90 ms to add, one row of 1,000
// entries ~7 ms). Verifying the chain reads every entry, so with a row per entry reading alone cost
// more than the SHA-256 it checks; and a batch of transfers paid a row per entry on top of its
// transfer rows.
//
// Layout (v9-journal-blocks): block k holds seq k·B+1 … (k+1)·B (B = journalBlockEntries). A
// block's entries are stored in one row keyed by its first seq once the block is full; until then
// each append writes its part as its own row (a segment: key = its first seq), so appending never
// rewrites earlier entries, and the append that fills the block gathers its segments into the one
// block row (deleting the segments) in the same transaction. No row crosses a block boundary, so
// a seq's row is found by key range within its block. Entries themselves are never changed: moving
// them from segments into their block copies them as they are (a tampered entry stays tampered).
//
// A row stores its entries in columns (journal-codec.ts: about a third of the bytes of entry
// objects, and reading is proportional to bytes). Each row carries `accountKeys`, one [accountId, first] pair per account its entries debit or
// credit, under a multiEntry index: an account's statement pages through the rows that hold its
// entries, newest first, without reading the rest. The index is derived data (like any database
// index): the entries in the rows are what statements show and what verify checks.

/** Entries per block. Big enough that a verify reads few rows (per-row cost dominates), small
 * enough that gathering a block's segments and a statement page's rows stay cheap. */
export const journalBlockEntries = 128;

/** A stored row: its entries in columns (`first`, the seq of the first entry, is the key). */
export type JournalRow = JournalColumns & {
  /** [accountId, first] for each account the entries name (multiEntry index). */
  readonly accountKeys: readonly (readonly [string, number])[];
};

/** The entries of a stored row, decoded. Something that is not even an object (a row edited by
 * hand) reads as an empty entry, which verify reports as broken at that position. */
export function rowEntries(row: JournalRow): JournalEntry[] {
  const entries = decodeJournalColumns(row);
  for (let i = 0; i < entries.length; i++) {
    const e: unknown = entries[i];
    if (typeof e !== 'object' || e === null) entries[i] = {} as JournalEntry;
  }
  return entries;
}

export type JournalTable = Table<JournalRow, number>;

export function journalTable(db: Dexie): JournalTable {
  return db.table('journalBlocks');
}

/** The index of the block holding `seq`. */
export function blockOf(seq: number): number {
  assert(Number.isSafeInteger(seq) && seq >= 1, 'a seq is an integer >= 1');
  return Math.floor((seq - 1) / journalBlockEntries);
}

/** The first seq of block `block`. */
export function blockStart(block: number): number {
  return block * journalBlockEntries + 1;
}

/** A row of `entries` (consecutive, all in one block) starting at `first`. */
export function journalRow(first: number, entries: readonly JournalEntry[]): JournalRow {
  assert(entries.length >= 1 && entries.length <= journalBlockEntries, 'a row holds 1..journalBlockEntries entries');
  const accounts = new Set<string>();
  for (const e of entries) {
    // A tampered entry may hold anything: only string ids are index keys.
    if (typeof e?.debitAccountId === 'string') accounts.add(e.debitAccountId);
    if (typeof e?.creditAccountId === 'string') accounts.add(e.creditAccountId);
  }
  return { ...encodeJournalColumns(first, entries), accountKeys: [...accounts].map((a) => [a, first] as const) };
}

/**
 * Appends `entries` (seq head+1 …, consecutive, as chainEntries made them) inside the caller's
 * readwrite transaction: one row per block part, and a block that this append fills is gathered
 * into one row with the segments written before it.
 */
export async function appendJournalEntries(table: JournalTable, entries: readonly JournalEntry[]): Promise<void> {
  assert(Dexie.currentTransaction !== null, 'journal appends happen inside a transaction');
  if (entries.length === 0) return;
  const first = entries[0]!.seq;
  assert(entries.every((e, i) => e.seq === first + i), 'appended entries are consecutive');
  const rows: JournalRow[] = [];
  // Key ranges of gathered segments, deleted in one request each (not one per segment).
  const gathered: { readonly from: number; readonly to: number }[] = [];
  // One part per block touched; the loop ends after ceil(n / B) + 1 parts at most.
  const partsMax = Math.ceil(entries.length / journalBlockEntries) + 1;
  let offset = 0;
  for (let part = 0; part < partsMax && offset < entries.length; part++) {
    const seq = first + offset;
    const block = blockOf(seq);
    const end = Math.min(entries.length, offset + (blockStart(block + 1) - seq));
    const partEntries = entries.slice(offset, end);
    const fillsBlock = seq + partEntries.length === blockStart(block + 1);
    const segments = fillsBlock && seq !== blockStart(block) ? await table.where('first').between(blockStart(block), seq, true, false).toArray() : [];
    // Gather the block's earlier segments (written by earlier appends) with this part, when they
    // hold every position before it (rows edited outside the ledger may not: then nothing moves,
    // so every entry stays at its position).
    const contiguous = segments.length > 0 && segments.every((r, i) => r.first === (i === 0 ? blockStart(block) : segments[i - 1]!.first + segments[i - 1]!.count)) &&
      segments[segments.length - 1]!.first + segments[segments.length - 1]!.count === seq;
    if (contiguous) {
      rows.push(journalRow(blockStart(block), [...segments.flatMap(rowEntries), ...partEntries]));
      if (segments.length > 1) gathered.push({ from: blockStart(block) + 1, to: seq });
    } else {
      rows.push(journalRow(seq, partEntries));
    }
    offset = end;
  }
  assert(offset === entries.length, 'every entry is in a row');
  await Promise.all([
    table.bulkPut(rows),
    ...gathered.map((g) => table.where('first').between(g.from, g.to, true, false).delete()),
  ]);
}

/**
 * The stored entries at positions from <= seq < to, in order, read in one request (rows of the
 * blocks that range covers). A row's entry i is at position first + i; what an entry's own seq
 * field says is the verifier's business, so a tampered seq still shows there.
 */
export async function readJournalRange(table: JournalTable, from: number, to: number): Promise<JournalEntry[]> {
  assert(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 1 && from <= to, 'a range is 1 <= from <= to');
  if (from === to) return [];
  const rows = await table.where('first').between(blockStart(blockOf(from)), to, true, false).toArray();
  const entries: JournalEntry[] = [];
  for (const row of rows) {
    const lo = Math.max(0, from - row.first);
    const hi = Math.min(row.count, to - row.first);
    if (lo >= hi) continue;
    const decoded = rowEntries(row);
    for (let i = lo; i < hi; i++) entries.push(decoded[i]!);
  }
  return entries;
}

/** The stored row holding position `seq`, or undefined. */
export async function journalRowOf(table: JournalTable, seq: number): Promise<JournalRow | undefined> {
  const row = await table.where('first').between(blockStart(blockOf(seq)), seq, true, true).last();
  return row !== undefined && seq - row.first < row.count ? row : undefined;
}

/** The entry at position `seq`, or undefined. */
export async function journalEntryAt(table: JournalTable, seq: number): Promise<JournalEntry | undefined> {
  const row = await journalRowOf(table, seq);
  return row === undefined ? undefined : rowEntries(row)[seq - row.first];
}

/** The entries at the given positions (any order; missing ones left out), in seq order. A few
 * dozen seqs at most in practice (an order's money trail): one read each, all at once. */
export async function journalEntriesAt(table: JournalTable, seqs: readonly number[]): Promise<JournalEntry[]> {
  const wanted = [...new Set(seqs)].sort((a, b) => a - b);
  const entries = await Promise.all(wanted.map((seq) => journalEntryAt(table, seq)));
  return entries.filter((e): e is JournalEntry => e !== undefined);
}

/**
 * Overwrites the entry at position `seq` in its stored row as given (the lab's tampering tool,
 * which bypasses the ledger on purpose): nothing else changes, and verify then points at it.
 */
export async function overwriteJournalEntry(table: JournalTable, seq: number, entry: JournalEntry): Promise<boolean> {
  const row = await journalRowOf(table, seq);
  if (row === undefined) return false;
  const entries = rowEntries(row);
  entries[seq - row.first] = entry;
  await table.put(journalRow(row.first, entries));
  return true;
}

/** How many entries are stored (tests, and a check that nothing was appended). */
export async function journalEntryCount(table: JournalTable): Promise<number> {
  let count = 0;
  await table.each((row) => {
    count += row.count;
  });
  return count;
}

/**
 * The newest entries naming `accountId` with seq < beforeSeq, newest first, at most `limit`: the
 * account's rows through the accountKeys index, newest first, a page at a time. `rowsMax` bounds
 * the journal rows read (a look at the account's recent entries that need not be complete).
 */
export async function accountEntriesBefore(table: JournalTable, accountId: string, beforeSeq: number, limit: number, rowsMax = Number.MAX_SAFE_INTEGER): Promise<JournalEntry[]> {
  assert(Number.isSafeInteger(limit) && limit >= 1, 'a limit is an integer >= 1');
  assert(Number.isSafeInteger(rowsMax) && rowsMax >= 1, 'rowsMax is an integer >= 1');
  let rowsLeft = rowsMax;
  const out: JournalEntry[] = [];
  let upper = beforeSeq;
  // Rows are read newest first, two at first (a busy account fills a page from one or two rows),
  // then four times as many each round (a rare account has one entry in many rows), never more than
  // the entries still missing: each row holds at least one of the account's entries (the index says
  // so), so a rare account's page of n reads about n rows, not a round's worth past them. A bounded
  // number of rounds covers a stale index too.
  let rowsToRead = 2;
  const roundsMax = 64;
  for (let round = 0; round < roundsMax && out.length < limit; round++) {
    const rows = await table
      .where('accountKeys')
      .between([accountId, Dexie.minKey], [accountId, upper], true, false)
      .reverse()
      .limit(Math.min(rowsToRead, rowsLeft))
      .toArray();
    rowsLeft -= rows.length;
    for (const row of rows) {
      // Only the account's entries are decoded (a rare account has one in a row of 128), newest first.
      const wanted = positionsNaming(row, accountId).filter((i) => row.first + i < beforeSeq).reverse().slice(0, limit - out.length);
      out.push(...decodeJournalColumnsAt(row, wanted));
    }
    if (rows.length < rowsToRead || rowsLeft === 0) break;
    upper = rows[rows.length - 1]!.first;
    rowsToRead = Math.min(rowsToRead * 4, limit - out.length);
  }
  return out;
}
