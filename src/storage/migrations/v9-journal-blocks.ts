import type { Transaction } from 'dexie';
import type { JournalEntry } from '../../domain/index.ts';
import { blockOf, journalBlockEntries, journalRow, type JournalRow } from '../journal-store.ts';
import type { Migration } from './migration.ts';

// The journal in blocks (issue 3's verify and batch figures; why and how: storage/journal-store.ts).
// Never edit once shipped: add a new version instead.
//   journalBlocks: the journal's entries, one row per full block of journalBlockEntries entries
//     (or per appended part of the last block), keyed by the row's first seq; `*accountKeys`
//     ([accountId, first] per account named) pages one account's rows for its statement.
//   journal: the one-row-per-entry table of v2, copied into journalBlocks and dropped.
// Transfers gain `entrySeq`, the seq of the entry each wrote: an order's money trail finds the entries
// of its transfers through their rows (the v2 journal's transferId index is gone with the table).

/** Entries copied per read while upgrading (a bound on memory, not on the journal's length); whole
 * blocks, so a read never splits one. */
const upgradeReadEntries = journalBlockEntries * 80;

/** Rows for entries in seq order: a new row at each block boundary and at any gap, so every
 * stored entry keeps its position (a gap stays a gap for verify to report). */
export function rowsForStoredEntries(entries: readonly JournalEntry[]): JournalRow[] {
  const rows: JournalRow[] = [];
  let run: JournalEntry[] = [];
  const flush = () => {
    if (run.length > 0) rows.push(journalRow(run[0]!.seq, run));
    run = [];
  };
  for (const e of entries) {
    const last = run[run.length - 1];
    if (last !== undefined && (e.seq !== last.seq + 1 || blockOf(e.seq) !== blockOf(last.seq))) flush();
    run.push(e);
  }
  flush();
  return rows;
}

async function upgrade(tx: Transaction): Promise<void> {
  const journal = tx.table<JournalEntry, number>('journal');
  const blocks = tx.table<JournalRow, number>('journalBlocks');
  const entrySeqs = new Map<string, number>();
  let after = 0;
  // Reads stop when the table is exhausted; journals are far shorter than this many reads.
  const readsMax = 1_000_000;
  for (let read = 0; read < readsMax; read++) {
    const entries = await journal.where('seq').above(after).limit(upgradeReadEntries).toArray();
    if (entries.length === 0) break;
    await blocks.bulkAdd(rowsForStoredEntries(entries));
    for (const e of entries) if (!entrySeqs.has(e.transferId)) entrySeqs.set(e.transferId, e.seq);
    after = entries[entries.length - 1]!.seq;
  }
  await tx.table<{ id: string; entrySeq?: number }, string>('transfers').toCollection().modify((t) => {
    const seq = entrySeqs.get(t.id);
    if (seq !== undefined) t.entrySeq = seq;
  });
}

export const v9JournalBlocks: Migration = {
  version: 9,
  stores: {
    journalBlocks: 'first, *accountKeys',
    journal: null,
  },
  upgrade,
};
