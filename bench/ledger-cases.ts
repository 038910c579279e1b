import Dexie, { type Table } from 'dexie';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalEntryJson, type JournalEntry, type TransferRequest } from '../src/domain/index.ts';
import { createWorld, openWorldDb } from '../src/app/worlds.ts';
import { openAccount, submitTransfers, verifyLedger, verifyPlan } from '../src/app/ledger.ts';
import { ledgerTables } from '../src/storage/ledger-tables.ts';
import { journalEntryCount, readJournalRange } from '../src/storage/journal-store.ts';
import type { WorldDb } from '../src/storage/schema.ts';
import { v2Ledger } from '../src/storage/migrations/v2-ledger.ts';
import '../src/app/features.ts';
import { paired, ratePerSecond, type BenchCase } from './cases.ts';

// Ledger figures against what bare Dexie / bare SHA-256 do with the same amount of work.

let world: WorldDb | undefined;
let seq = 0;
const runId = Math.random().toString(36).slice(2, 8);

async function benchWorld(): Promise<WorldDb> {
  if (world) return world;
  const id = `bench-${runId}-world`;
  const created = await createWorld({ id, name: 'bench', createdAtMs: 0 });
  if (!created.ok) throw new Error(created.code);
  world = openWorldDb(created.value.entry);
  for (const acc of ['bench-a', 'bench-b']) {
    const r = await openAccount(world, { id: `open-${acc}`, actor: 'bank-a' }, { id: acc, partyId: 'bench', bookId: 'bank-a', code: 'bank.deposit', name: acc, currency: 'CNY', normal: 'credit', flags: { debitsMustNotExceedCredits: true } });
    if (!r.ok) throw new Error(r.code);
  }
  await submitTransfers(world, [{ id: 'fund', kind: 'single', debitAccountId: 'bank-a:vault', creditAccountId: 'bench-a', amount: '50000000.00', currency: 'CNY', code: 'fund' }]);
  return world;
}

function transferRequest(): TransferRequest {
  seq += 1;
  return { id: `t-${runId}-${seq}`, kind: 'single', debitAccountId: 'bench-a', creditAccountId: 'bench-b', amount: '1.00', currency: 'CNY', code: 'bench', refs: { order: `o-${seq}` } };
}

/** The baseline database: an accounts table and a table with the journal's indexes. */
let baseline: Dexie | undefined;
let baseSeq = 0;
async function baselineDb(): Promise<Dexie> {
  if (baseline) return baseline;
  baseline = new Dexie(`bench-${runId}-baseline`);
  baseline.version(1).stores({ accounts: 'id', rows: v2Ledger.stores.journal! });
  await baseline.table('accounts').bulkPut([
    { id: 'bench-a', debitsPosted: '0.00', creditsPosted: '50000000.00', debitsPending: '0.00', creditsPending: '0.00' },
    { id: 'bench-b', debitsPosted: '0.00', creditsPosted: '0.00', debitsPending: '0.00', creditsPending: '0.00' },
  ]);
  return baseline;
}
interface BaselineAccount { id: string; debitsPosted: string; creditsPosted: string; debitsPending: string; creditsPending: string }
interface BaselineRow { seq: number; transferId: string; kind: string; debitAccountId: string; creditAccountId: string; amount: string; currency: string; code: string; refs: { order: string }; at: number; prevHash: string; hash: string }
function baselineRow(): BaselineRow {
  baseSeq += 1;
  return { seq: baseSeq, transferId: `t-${baseSeq}`, kind: 'single', debitAccountId: 'bench-a', creditAccountId: 'bench-b', amount: '1.00', currency: 'CNY', code: 'bench', refs: { order: `o-${baseSeq}` }, at: 0, prevHash: '0'.repeat(64), hash: '0'.repeat(64) };
}

/** The bench world's journal, grown to verifyEntries, and the canonical bytes of every entry. */
let verifyData: { entries: number; bytes: Uint8Array[] } | undefined;
async function verifyJournal(): Promise<{ entries: number; bytes: Uint8Array[] }> {
  if (verifyData) return verifyData;
  const db = await benchWorld();
  const { journal } = ledgerTables(db);
  let have = await journalEntryCount(journal);
  for (; have < verifyEntries; have = await journalEntryCount(journal)) {
    await submitTransfers(db, Array.from({ length: Math.min(batchSize, verifyEntries - have) }, transferRequest));
  }
  const entries: JournalEntry[] = await readJournalRange(journal, 1, have + 1);
  const bytes = entries.map((e) => {
    const { hash: _hash, ...rest } = e;
    return new TextEncoder().encode(canonicalEntryJson(rest)!);
  });
  verifyData = { entries: entries.length, bytes };
  return verifyData;
}

async function verifyRate(entries: number): Promise<number> {
  const db = await benchWorld();
  return ratePerSecond(entries, async () => {
    const report = await verifyLedger(db);
    if (!report.ok) throw new Error('the bench journal does not verify');
  }, 1000, 2);
}

/** noble at its fastest, as the verifier uses it: one hasher reset from a fresh one per message. */
function nobleRate(bytes: readonly Uint8Array[]): Promise<number> {
  const fresh = sha256.create();
  const hasher = sha256.create();
  const out = new Uint8Array(32);
  return ratePerSecond(bytes.length, async () => {
    for (const b of bytes) {
      fresh._cloneInto(hasher);
      hasher.update(b);
      hasher.digestInto(out);
    }
  }, 1000, 2);
}

function webCryptoRate(bytes: readonly Uint8Array[]): Promise<number> {
  const batch = 2500;
  return ratePerSecond(bytes.length, async () => {
    for (let i = 0; i < bytes.length; i += batch) {
      await Promise.all(bytes.slice(i, i + batch).map((b) => crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>)));
    }
  }, 1000, 2);
}

const singleOps = 200;
const batchSize = 1000;
const verifyEntries = 20_000;

export const ledgerCases: BenchCase[] = [
  {
    name: 'transfer.single',
    unit: 'transfers/s',
    target: 0.6,
    run: async () => {
      const db = await benchWorld();
      const base = await baselineDb();
      return paired(
        () => ratePerSecond(singleOps, async () => {
          for (let i = 0; i < singleOps; i++) {
            const [r] = await submitTransfers(db, [transferRequest()]);
            if (r?.status !== 'created') throw new Error(`transfer failed: ${JSON.stringify(r)}`);
          }
        }),
        () => ratePerSecond(singleOps, async () => {
          for (let i = 0; i < singleOps; i++) {
            const accounts: Table<BaselineAccount, string> = base.table('accounts');
            const rows: Table<BaselineRow, number> = base.table('rows');
            await base.transaction('rw', [accounts, rows], async (): Promise<void> => {
              const [a, b] = await accounts.bulkGet(['bench-a', 'bench-b']);
              await accounts.bulkPut([{ ...a!, debitsPosted: '1.00' }, { ...b!, creditsPosted: '1.00' }]);
              await rows.add(baselineRow());
            });
          }
        }),
      );
    },
  },
  {
    name: 'transfer.batch',
    unit: 'transfers/s',
    target: 0.5,
    run: async () => {
      const db = await benchWorld();
      const base = await baselineDb();
      return paired(
        () => ratePerSecond(batchSize, async () => {
          const results = await submitTransfers(db, Array.from({ length: batchSize }, transferRequest));
          if (results.some((r) => r.status !== 'created')) throw new Error('a batched transfer failed');
        }),
        () => ratePerSecond(batchSize, async () => {
          await base.table('rows').bulkAdd(Array.from({ length: batchSize }, baselineRow));
        }),
      );
    },
  },
  {
    name: 'journal.verify',
    unit: 'entries/s',
    target: 0.5,
    // Baseline: bare SHA-256 of the same canonical bytes with the engine the verifier uses for this
    // journal here (verifyPlan: noble in each worker when it verifies in ranges, WebCrypto in one
    // thread), the bytes already in memory.
    run: async () => {
      const { entries, bytes } = await verifyJournal();
      const { engine } = verifyPlan(entries);
      return paired(() => verifyRate(entries), () => (engine === 'noble' ? nobleRate(bytes) : webCryptoRate(bytes)));
    },
  },
  {
    name: 'journal.verify.vs-webcrypto',
    unit: 'entries/s',
    // The same verification against WebCrypto's native digest of the same bytes, 2,500 at a time
    // (its hashing runs on the browser's crypto thread while the page creates the next calls): the
    // fastest bare SHA-256 this browser has, shown for comparison (no target).
    run: async () => {
      const { entries, bytes } = await verifyJournal();
      return paired(() => verifyRate(entries), () => webCryptoRate(bytes));
    },
  },
];
