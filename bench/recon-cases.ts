import { dateStartMs, nextDate, type Charge } from '../src/domain/index.ts';
import { WorldDb } from '../src/storage/schema.ts';
import { rowEntries, type JournalRow } from '../src/storage/journal-store.ts';
import type { ChannelTradeRow } from '../src/storage/recon-tables.ts';
import { seedReconDay } from './recon-day-seed.ts';
import { matchDayInWorker } from '../src/app/recon-worker/client.ts';
import { paired, ratePerSecond, type BenchCase } from './cases.ts';

// Reconciliation figure: orders per second through the desk's run of one day as the page runs it
// (src/app/recon-worker: a worker opens the world's database, reads the day's charges, orders,
// channel trades, transfers and journal entries a page at a time with progress, and matches them
// three ways with the domain's matchDay, money compared as money), over a stored 100,000-order day
// through four institutions; against a bare hash join of the same stored rows: one readonly
// IndexedDB transaction, getAll on each store, a Map by merchant number, the three fields compared
// as strings and each institution's net summed in integer fen.

const ordersCount = 100_000;
const date = '2026-01-07';

let fixture: Promise<string> | undefined;

/** A world database holding the day: every order paid once, its trade on the day's bill, its money in the journal. */
async function seed(): Promise<string> {
  const dbName = `bench-recon-${Math.random().toString(36).slice(2, 8)}`;
  const db = new WorldDb(dbName);
  await db.open();
  await seedReconDay(db, { date, ordersCount, prefix: 'T', firstSeq: 1, lostEvery: 0 });
  db.close();
  return dbName;
}

function getAll<T>(source: IDBObjectStore | IDBIndex, range?: IDBKeyRange): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const req = source.getAll(range);
    req.onsuccess = () => resolve(req.result as T[]);
    req.onerror = () => reject(req.error);
  });
}

let raw: Promise<IDBDatabase> | undefined;
function openRaw(dbName: string): Promise<IDBDatabase> {
  raw ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return raw;
}

/** The baseline: the same rows read bare and hash-joined; returns the differences found. */
async function hashJoin(dbName: string): Promise<number> {
  const db = await openRaw(dbName);
  const tx = db.transaction(['charges', 'orders', 'channelTrades', 'transfers', 'journalBlocks'], 'readonly');
  const start = dateStartMs(date);
  const [charges, orders, today, tomorrow, transfers, blocks] = await Promise.all([
    getAll<Charge>(tx.objectStore('charges').index('createdAt'), IDBKeyRange.bound(start - 90 * 86_400_000, start + 3 * 86_400_000)),
    getAll<{ id: string; sellerId: string }>(tx.objectStore('orders')),
    getAll<ChannelTradeRow>(tx.objectStore('channelTrades').index('billDate'), IDBKeyRange.only(date)),
    getAll<ChannelTradeRow>(tx.objectStore('channelTrades').index('billDate'), IDBKeyRange.only(nextDate(date))),
    getAll<{ id: string; entrySeq: number }>(tx.objectStore('transfers')),
    getAll<JournalRow>(tx.objectStore('journalBlocks')),
  ]);
  const sellers = new Map(orders.map((o) => [o.id, o.sellerId]));
  const byNo = new Map<string, Charge>();
  for (const c of charges) if (sellers.has(c.orderId)) byNo.set(c.id, c);
  const seqOf = new Map(transfers.map((t) => [t.id, t.entrySeq]));
  const amounts = new Map<number, string>();
  for (const block of blocks) for (const e of rowEntries(block)) amounts.set(e.seq, e.amount);
  const fen = (amount: string) => BigInt(amount.replace('.', ''));
  let differences = 0;
  const billNets = new Map<string, bigint>();
  const moved = new Map<string, bigint>();
  for (const r of [...today, ...tomorrow]) {
    if (r.billDate !== date) continue;
    const c = byNo.get(r.merchantOrderNo);
    if (c === undefined || c.captured.amount !== r.gross.amount || r.fee.amount !== '0.00' || r.status !== 'success') differences++;
    billNets.set(r.institutionId, (billNets.get(r.institutionId) ?? 0n) + fen(r.net.amount));
    moved.set(r.institutionId, (moved.get(r.institutionId) ?? 0n) + fen(amounts.get(seqOf.get(r.ledgerIds[0]!)!)!));
  }
  for (const [id, net] of billNets) if (moved.get(id) !== net) differences++;
  return differences;
}

/**
 * The page's longest main-thread task (Chromium's longtask entries, 50 ms and up) while the worker
 * reads and matches the stored day and posts its progress: the desk's page stays responsive.
 */
async function longestTaskDuringRun(): Promise<number> {
  fixture ??= seed();
  const dbName = await fixture;
  let longestMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestMs = Math.max(longestMs, entry.duration);
  });
  observer.observe({ type: 'longtask' });
  let reported = 0;
  const { result } = await matchDayInWorker(dbName, 'platform', date, { onProgress: (done) => (reported = done) });
  // Entries are delivered after the task ends: one turn of the event loop for the last ones.
  await new Promise((resolve) => setTimeout(resolve, 0));
  observer.disconnect();
  if (result.matched !== ordersCount || reported === 0) throw new Error('a clean day: every order matched, progress told');
  return longestMs;
}

export const reconCases: readonly BenchCase[] = [
  {
    name: 'reconcile.day',
    unit: 'orders/s',
    target: 0.5,
    run: async () => {
      fixture ??= seed();
      const dbName = await fixture;
      return paired(
        () => ratePerSecond(ordersCount, async () => {
          let reported = 0;
          const { result } = await matchDayInWorker(dbName, 'platform', date, { onProgress: (done) => (reported = done) });
          if (result.differences.length !== 0 || result.matched !== ordersCount || reported === 0) throw new Error('a clean day: every order matched, progress told');
        }, 1, 1),
        () => ratePerSecond(ordersCount, async () => {
          if ((await hashJoin(dbName)) !== 0) throw new Error('a clean day has no differences');
        }, 1, 1),
      );
    },
  },
  { name: 'reconcile.day.longtask', unit: 'ms', limit: 100, run: async () => ({ value: await longestTaskDuringRun(), baseline: 100 }) },
];
