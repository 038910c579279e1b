import type { JournalEntry } from '../../src/domain/index.ts';
import {
  blockOf, blockStart, journalEntryAt, journalEntryCount, journalRow, journalRowOf, overwriteJournalEntry, rowEntries, type JournalTable,
} from '../../src/storage/journal-store.ts';

// Direct edits of the stored journal (an attacker's or a broken disk's), for the verifier's tests.

export { journalEntryCount };

export async function entryAt(journal: JournalTable, seq: number): Promise<JournalEntry> {
  const entry = await journalEntryAt(journal, seq);
  if (entry === undefined) throw new Error(`no stored entry at ${seq}`);
  return entry;
}

/** Every stored entry, in row order. */
export async function storedEntries(journal: JournalTable): Promise<JournalEntry[]> {
  return (await journal.toArray()).flatMap(rowEntries);
}

/** Overwrites the entries at their own seq positions. */
export async function overwriteEntries(journal: JournalTable, entries: readonly JournalEntry[]): Promise<void> {
  for (const e of entries) {
    if (!(await overwriteJournalEntry(journal, e.seq, e))) throw new Error(`no stored entry at ${e.seq}`);
  }
}

/** Removes the entry at `seq`, keeping every other entry at its position. */
export async function deleteEntry(journal: JournalTable, seq: number): Promise<void> {
  const row = await journalRowOf(journal, seq);
  if (row === undefined) throw new Error(`no stored entry at ${seq}`);
  const i = seq - row.first;
  const entries = rowEntries(row);
  await journal.delete(row.first);
  if (i > 0) await journal.put(journalRow(row.first, entries.slice(0, i)));
  if (i + 1 < entries.length) await journal.put(journalRow(seq + 1, entries.slice(i + 1)));
}

/** Removes every entry at seq and after. */
export async function deleteEntriesFrom(journal: JournalTable, seq: number): Promise<void> {
  const rows = await journal.where('first').aboveOrEqual(blockStart(blockOf(seq))).toArray();
  for (const row of rows) {
    await journal.delete(row.first);
    if (row.first < seq) await journal.put(journalRow(row.first, rowEntries(row).slice(0, seq - row.first)));
  }
}
