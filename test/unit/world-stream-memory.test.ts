import { afterEach, describe, expect, it, vi } from 'vitest';
import Dexie, { type DBCore } from 'dexie';
import { exportWorld, importWorld } from '../../src/app/world-file.ts';
import { firstReadRowsMax, pageRowsMax, readCharsTarget, writeWorldStream } from '../../src/app/world-stream.ts';
import { getWorld } from '../../src/app/worlds.ts';
import { allAccounts, submitTransfers, verifyRangeEntriesMin } from '../../src/app/ledger.ts';
import { VerifyWorkerUnavailable } from '../../src/app/verify-worker/client.ts';
import type { TransferRequest } from '../../src/domain/index.ts';
import { freshWorld } from '../helpers/world.ts';

// What a world's export and import hold in memory at once (issue #18 item 4: a million-entry world
// within 300 MB): the exporter reads a table of large rows about a page line at a time, not
// pageRowsMax rows of any size; the import verifies the ledger in its own thread (in the browser
// the import worker) instead of starting verify workers in the same process.

/** Rows each read of the database returned, in order (a DBCore middleware). */
function countReads(db: Dexie): number[] {
  const reads: number[] = [];
  db.use({
    stack: 'dbcore',
    name: 'countReads',
    create: (down: DBCore): DBCore => ({
      ...down,
      table: (name) => {
        const t = down.table(name);
        return { ...t, query: async (req) => { const r = await t.query(req); reads.push(r.result.length); return r; } };
      },
    }),
  });
  return reads;
}

let dbSeq = 0;
/** A database with one table of `rows` rows, each about `chars` characters of JSON. */
async function tableOf(rows: number, chars: number): Promise<{ db: Dexie; reads: number[] }> {
  dbSeq += 1;
  const db = new Dexie(`stream-memory-${dbSeq}`);
  db.version(1).stores({ rows: 'id' });
  const reads = countReads(db);
  await db.table('rows').bulkAdd(Array.from({ length: rows }, (_, i) => ({ id: i, text: 'x'.repeat(chars) })));
  reads.length = 0;
  return { db, reads };
}

async function exportedRows(db: Dexie): Promise<number> {
  const r = await writeWorldStream(db, 'memory', () => Promise.resolve());
  if (!r.ok) throw new Error(r.code);
  return r.value.tables.rows!;
}

afterEach(() => vi.unstubAllGlobals());

describe('world export and import memory', () => {
  it('reads a table of large rows about a page line at a time', async () => {
    const rowChars = 20_000;
    const { db, reads } = await tableOf(300, rowChars);
    expect(await exportedRows(db)).toBe(300);
    // Before: one read of all 300 rows (~6 MB), as any table's up to pageRowsMax.
    expect(reads[0]).toBe(firstReadRowsMax);
    expect(Math.max(...reads)).toBeLessThanOrEqual(Math.max(firstReadRowsMax, Math.ceil(readCharsTarget / rowChars)));
    expect(reads.reduce((a, b) => a + b, 0)).toBe(300);
    db.close();
  });

  it('still reads small rows pageRowsMax at a time', async () => {
    const { db, reads } = await tableOf(2 * pageRowsMax + 10, 50);
    expect(await exportedRows(db)).toBe(2 * pageRowsMax + 10);
    expect(reads).toEqual([firstReadRowsMax, pageRowsMax, 2 * pageRowsMax + 10 - firstReadRowsMax - pageRowsMax]);
    db.close();
  });

  it('an import verifies the ledger in its own thread: no verify range is started', async () => {
    // Enough entries, and cores, that a verify would otherwise split into ranges run elsewhere.
    vi.stubGlobal('navigator', { hardwareConcurrency: 4 });
    const { db, id } = await freshWorld('Import memory');
    const [a, b] = (await allAccounts(db)).filter((x) => Object.keys(x.flags).length === 0 && x.currency === 'CNY');
    const entries = 2 * verifyRangeEntriesMin + 100;
    const requests: TransferRequest[] = Array.from({ length: entries }, (_, i) => ({ id: `im-${i}`, kind: 'single', debitAccountId: a!.id, creditAccountId: b!.id, amount: '1.00', currency: 'CNY', code: 'lab.move', refs: {} }));
    expect((await submitTransfers(db, requests)).every((r) => r.status === 'created')).toBe(true);
    db.close();
    const file = await exportWorld((await getWorld(id))!);
    let rangesStarted = 0;
    const runRange = () => {
      rangesStarted += 1;
      throw new VerifyWorkerUnavailable('counted');
    };
    const r = await importWorld(file, { id: `${id}-copy`, createdAtMs: 1 }, { runRange });
    expect(r.ok).toBe(true);
    expect(rangesStarted).toBe(0);
  }, 60_000);
});
