import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { chainEntries, genesisHead, type JournalEntry, type JournalEntryDraft } from '../../src/domain/index.ts';
import {
  accountEntriesBefore, appendJournalEntries, journalBlockEntries, journalEntriesAt, journalEntryAt, journalEntryCount, journalTable,
  overwriteJournalEntry, readJournalRange, rowEntries, type JournalTable,
} from '../../src/storage/journal-store.ts';
import { migrations } from '../../src/storage/migrations/index.ts';
import { WorldDb } from '../../src/storage/schema.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';

// The journal's block layout (storage/journal-store.ts): appends of any size land in rows that never
// cross a block boundary, a block's segments are gathered into one row when it fills, and every
// reader sees exactly the entries in seq order.

const B = journalBlockEntries;
let dbCount = 0;

function draft(i: number, account = i % 50 === 0 ? 'rare' : 'busy'): JournalEntryDraft {
  return { transferId: `t-${i}`, kind: 'single', debitAccountId: 'vault', creditAccountId: account, amount: `${(i % 7) + 1}.00`, currency: 'CNY', code: i % 3 === 0 ? 'fee' : 'pay', refs: { order: `o-${i}` }, at: 1_000 + i };
}

/** A database with only the journal's table, and the chain of `n` entries. */
async function blocksDb(): Promise<{ db: Dexie; journal: JournalTable }> {
  dbCount += 1;
  const db = new Dexie(`journal-store-${dbCount}-${Date.now()}`);
  db.version(1).stores({ journalBlocks: 'first, *accountKeys' });
  await db.open();
  return { db, journal: journalTable(db) };
}

async function append(db: Dexie, journal: JournalTable, entries: readonly JournalEntry[]): Promise<void> {
  await db.transaction('rw', journal, () => appendJournalEntries(journal, entries));
}

const chain = (n: number) => chainEntries(genesisHead, Array.from({ length: n }, (_, i) => draft(i + 1)));

describe('journal blocks', () => {
  it('one entry per append: a row each until the block fills, then one row for the block', async () => {
    const { db, journal } = await blocksDb();
    const entries = chain(2 * B + 5);
    for (const e of entries) await append(db, journal, [e]);
    const rows = await journal.toArray();
    expect(rows.map((r) => [r.first, r.count])).toEqual([[1, B], [B + 1, B], ...Array.from({ length: 5 }, (_, i) => [2 * B + 1 + i, 1])]);
    expect(await readJournalRange(journal, 1, entries.length + 1)).toStrictEqual(entries);
    expect(await journalEntryCount(journal)).toBe(entries.length);
  });

  it('appends of any size, straddling blocks: rows stay within blocks, reads see every entry in order', async () => {
    const { db, journal } = await blocksDb();
    const entries = chain(5 * B + 17);
    const sizes = [3, 1, B - 10, 2 * B + 7, 1, 40, 5 * B];
    let at = 0;
    for (let k = 0; at < entries.length; k++) {
      const size = Math.min(sizes[k % sizes.length]!, entries.length - at);
      await append(db, journal, entries.slice(at, at + size));
      at += size;
    }
    const rows = await journal.toArray();
    for (const r of rows) expect(Math.floor((r.first - 1) / B)).toBe(Math.floor((r.first + r.count - 2) / B));
    // Every full block is one row.
    const full = Math.floor(entries.length / B);
    for (let k = 0; k < full; k++) expect(rows.find((r) => r.first === k * B + 1)?.count).toBe(B);
    expect(rows.flatMap(rowEntries)).toStrictEqual(entries);
    // Any window reads exactly its entries.
    for (const [from, to] of [[1, 2], [B, B + 2], [B - 3, 3 * B + 9], [5 * B + 1, 5 * B + 18], [7, 7]]) {
      expect(await readJournalRange(journal, from!, to!)).toStrictEqual(entries.slice(from! - 1, to! - 1));
    }
    expect((await journalEntryAt(journal, 2 * B + 1))?.transferId).toBe(`t-${2 * B + 1}`);
    expect(await journalEntryAt(journal, entries.length + 1)).toBeUndefined();
    expect((await journalEntriesAt(journal, [300, 2, B + 1, 2])).map((e) => e.seq)).toEqual([2, B + 1, 300]);
  });

  it('a block whose segments were edited outside the ledger (one deleted) is not gathered: every entry keeps its position', async () => {
    const { db, journal } = await blocksDb();
    const entries = chain(B + 2);
    for (const e of entries.slice(0, 10)) await append(db, journal, [e]);
    await journal.delete(5);
    await append(db, journal, entries.slice(10));
    const expected = entries.filter((e) => e.seq !== 5);
    expect(await readJournalRange(journal, 1, B + 3)).toStrictEqual(expected);
    expect(await journalEntryAt(journal, 5)).toBeUndefined();
    expect((await journal.toArray()).map((r) => r.first).slice(0, 5)).toEqual([1, 2, 3, 4, 6]);
  });

  it('a row edited by hand to hold a non-entry reads it as an empty entry: statements skip it, verify reports it', async () => {
    const { db, journal } = await blocksDb();
    const entries = chain(5);
    await append(db, journal, entries);
    const row = (await journal.get(1))!;
    await journal.put({ ...row, odd: { 2: null } as Record<number, unknown>, transferId: row.transferId.map((t, i) => (i === 2 ? null : t)) });
    const read = await readJournalRange(journal, 1, 6);
    expect(read[2]).toEqual({});
    // The next entry's prevHash is implied by the entry before it in the row (journal-codec.ts), so
    // a hand edit there shows in both.
    expect(read[3]).toStrictEqual({ ...entries[3]!, prevHash: '' });
    expect([read[0], read[1], read[4]]).toStrictEqual([entries[0], entries[1], entries[4]]);
    expect((await accountEntriesBefore(journal, 'vault', 99, 10)).map((e) => e.seq)).toEqual([5, 4, 2, 1]);
    const { verifyJournal } = await import('../../src/domain/index.ts');
    expect(verifyJournal({ seq: 5, hash: entries[4]!.hash }, read, [])).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it("an account's entries page newest first through the account index, sparse or dense", async () => {
    const { db, journal } = await blocksDb();
    const entries = chain(6 * B);
    await append(db, journal, entries.slice(0, 100));
    for (const e of entries.slice(100, 140)) await append(db, journal, [e]);
    await append(db, journal, entries.slice(140));
    const rare = entries.filter((e) => e.creditAccountId === 'rare').reverse();
    expect(rare.length).toBeGreaterThan(10);
    const pages: JournalEntry[][] = [];
    let before = Number.MAX_SAFE_INTEGER;
    for (let guard = 0; guard < 20; guard++) {
      const page = await accountEntriesBefore(journal, 'rare', before, 4);
      if (page.length === 0) break;
      pages.push(page);
      before = page[page.length - 1]!.seq;
    }
    expect(pages.flat()).toStrictEqual(rare);
    expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);
    const busy = await accountEntriesBefore(journal, 'vault', 500, 300);
    expect(busy).toStrictEqual(entries.slice(0, 499).reverse().slice(0, 300));
    expect(await accountEntriesBefore(journal, 'nobody', Number.MAX_SAFE_INTEGER, 5)).toEqual([]);
  });

  it("a rare account's page of n reads about n rows, and rowsMax bounds the rows read (issue #18 item 5)", async () => {
    const { db, journal } = await blocksDb();
    // One rare entry per row of 128, in 60 rows.
    const entries = chainEntries(genesisHead, Array.from({ length: 60 * B }, (_, i) => draft(i + 1, (i + 1) % B === 0 ? 'rare' : 'busy')));
    await append(db, journal, entries);
    let rowsRead = 0;
    journal.hook('reading', (row) => {
      rowsRead += 1;
      return row;
    });
    const rare = entries.filter((e) => e.creditAccountId === 'rare').reverse();
    const page = await accountEntriesBefore(journal, 'rare', Number.MAX_SAFE_INTEGER, 50);
    expect(page).toStrictEqual(rare.slice(0, 50));
    // 50 rows for 50 entries; before, the rounds read 2 + 8 + 32 + 51 = 93 rows.
    expect(rowsRead).toBe(50);
    rowsRead = 0;
    const look = await accountEntriesBefore(journal, 'rare', Number.MAX_SAFE_INTEGER, 200, 4);
    expect(rowsRead).toBe(4);
    expect(look).toStrictEqual(rare.slice(0, look.length));
    expect(look.length).toBe(4);
  });

  it('an overwritten entry (the lab tool) reads back as written; nothing else changes', async () => {
    const { db, journal } = await blocksDb();
    const entries = chain(B + 3);
    await append(db, journal, entries);
    const tampered = { ...entries[9]!, amount: '999.00', hash: 'not a hash' };
    await db.transaction('rw', journal, () => overwriteJournalEntry(journal, 10, tampered));
    const expected = [...entries];
    expected[9] = tampered;
    expect(await readJournalRange(journal, 1, B + 4)).toStrictEqual(expected);
  });
});

describe('v9 migration', () => {
  it('copies a v8 journal into blocks, keeping every entry at its seq (a gap stays a gap), and gives transfers their entry seq', async () => {
    const name = `settlelab-world-migration-${Date.now()}`;
    const old = new Dexie(name);
    for (const m of migrations.filter((x) => x.version <= 8)) old.version(m.version).stores({ ...m.stores });
    await old.open();
    const entries = chain(3 * B + 10);
    const stored = entries.filter((e) => e.seq !== 200);
    await old.table('journal').bulkAdd(stored);
    await old.table('transfers').bulkAdd(entries.map((e) => ({ id: e.transferId, kind: 'single', amount: e.amount })));
    old.close();

    const db = new WorldDb(name);
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(9);
    expect(db.tables.map((t) => t.name)).not.toContain('journal');
    const { journal, transfers } = ledgerTables(db);
    expect(await readJournalRange(journal, 1, entries.length + 1)).toStrictEqual(stored);
    expect(await journalEntryAt(journal, 200)).toBeUndefined();
    expect((await journalEntryAt(journal, 201))?.seq).toBe(201);
    const rows = await journal.toArray();
    for (const r of rows) expect(Math.floor((r.first - 1) / B)).toBe(Math.floor((r.first + r.count - 2) / B));
    expect((await transfers.get('t-77'))?.entrySeq).toBe(77);
    expect((await transfers.get('t-200'))?.entrySeq).toBeUndefined();
    db.close();
  });
});
