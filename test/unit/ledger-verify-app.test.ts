import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chainEntries, entryHash, verifyJournal, type JournalEntry, type JournalVerifyReport, type TransferRequest } from '../../src/domain/index.ts';
import { labTamperEntry, openAccount, rangeRunnerInThread, submitTransfers, verifyEngineFor, verifyLedger, verifyPlan, type RangeRunner, type VerifyOptions } from '../../src/app/ledger.ts';
import { closeVerifyWorkers, VerifyWorkerUnavailable, verifyWorkersIdleMax } from '../../src/app/verify-worker/client.ts';
import { digestEntries, digestEntriesNoble } from '../../src/app/verify-worker/digest.ts';
import { serveVerifyWorker, type WorkerScope } from '../../src/app/verify-worker/serve.ts';
import type { FromWorker, ToWorker } from '../../src/app/verify-worker/protocol.ts';
import { journalHeadKey, ledgerTables } from '../../src/storage/ledger-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { freshWorld, meta, teacherOf } from '../helpers/world.ts';
import { deleteEntriesFrom, deleteEntry, entryAt, journalEntryCount, overwriteEntries, storedEntries } from '../helpers/journal.ts';

// verifyLedger in ranges (Web Workers in the browser; here the same range code in this thread, or
// behind a stand-in Worker that runs the real worker side) gives exactly the in-thread report.

afterEach(() => {
  closeVerifyWorkers();
  vi.unstubAllGlobals();
});

/** A world with ~`n` journal entries: deposits, holds and their posts and voids far apart. */
async function busyWorld(n: number): Promise<WorldDb> {
  const { db } = await freshWorld();
  for (const id of ['dep-a', 'dep-b']) {
    const r = await openAccount(db, meta('bank-a'), { id, partyId: 'buyer-1', bookId: 'bank-a', code: 'bank.deposit', name: id, currency: 'CNY', normal: 'credit', flags: { debitsMustNotExceedCredits: true } });
    expect(r.ok).toBe(true);
  }
  await submitTransfers(db, [{ id: 'fund', kind: 'single', debitAccountId: 'bank-a:vault', creditAccountId: 'dep-a', amount: '100000.00', currency: 'CNY', code: 'fund' }]);
  const requests: TransferRequest[] = [];
  for (let i = 0; requests.length < n; i++) {
    requests.push({ id: `s-${i}`, kind: 'single', debitAccountId: 'dep-a', creditAccountId: 'dep-b', amount: '1.00', currency: 'CNY', code: 'pay', refs: { order: `o-${i}`, 备注: '测试' } });
    if (i % 7 === 0) requests.push({ id: `h-${i}`, kind: 'pending', debitAccountId: 'dep-a', creditAccountId: 'dep-b', amount: '3.00', currency: 'CNY', code: 'hold' });
    if (i % 7 === 0 && i >= 35) requests.push({ id: `p-${i}`, kind: i % 2 === 0 ? 'void' : 'post', pendingId: `h-${i - 35}` } as TransferRequest);
  }
  for (let i = 0; i < requests.length; i += 100) {
    const results = await submitTransfers(db, requests.slice(i, i + 100));
    expect(results.every((r) => r.status === 'created')).toBe(true);
  }
  return db;
}

/** What the sequential verifier says about every stored entry up to the stored head. */
async function reference(db: WorldDb): Promise<JournalVerifyReport> {
  const head = ((await db.meta.get(journalHeadKey))?.value ?? { seq: 0, hash: '0'.repeat(64) }) as { seq: number; hash: string };
  const entries = (await storedEntries(ledgerTables(db).journal)).filter((e) => e.seq <= head.seq);
  return verifyJournal(head, entries, await ledgerTables(db).accounts.toArray());
}

const ways = (db: WorldDb): VerifyOptions[] => [
  { ranges: 1, engine: 'noble' },
  { ranges: 1, engine: 'webcrypto', chunkEntries: 64 },
  { ranges: 2, runRange: rangeRunnerInThread(db), engine: 'noble', chunkEntries: 50 },
  { ranges: 3, runRange: rangeRunnerInThread(db), engine: 'webcrypto' },
  { ranges: 7, runRange: rangeRunnerInThread(db), engine: 'webcrypto', chunkEntries: 13 },
];

async function expectEveryWay(db: WorldDb): Promise<JournalVerifyReport> {
  const expected = await reference(db);
  for (const options of ways(db)) expect(await verifyLedger(db, undefined, options), JSON.stringify({ ...options, runRange: undefined })).toEqual(expected);
  return expected;
}

describe('verifyLedger in ranges', () => {
  it('gives the sequential report for a clean journal and after every kind of tampering', async () => {
    const db = await busyWorld(300);
    const { journal, accounts } = ledgerTables(db);
    const total = await journalEntryCount(journal);
    expect(total).toBeGreaterThan(300);
    expect(await expectEveryWay(db)).toEqual({ ok: true, entriesChecked: total, balanceMismatches: [], balanceMismatchCount: 0 });

    // A stored account that disagrees with its entries.
    const dep = (await accounts.get('dep-b'))!;
    await accounts.put({ ...dep, creditsPosted: '1.00' });
    expect(await expectEveryWay(db)).toMatchObject({ ok: false, balanceMismatchCount: 1 });
    await accounts.put(dep);

    // A field changed with the lab tool: hash_mismatch there, whichever range it falls in.
    const original151 = await entryAt(journal, 151);
    expect((await labTamperEntry(db, await teacherOf(db), meta('platform'), { seq: 151, field: 'amount', value: '2.00' })).ok).toBe(true);
    expect(await expectEveryWay(db)).toMatchObject({ ok: false, firstBrokenSeq: 151, firstBrokenReason: 'hash_mismatch' });

    // Rewritten with a fresh hash: the next entry's prevHash breaks.
    const e151 = await entryAt(journal, 151);
    await overwriteEntries(journal, [{ ...e151, hash: entryHash(e151) }]);
    expect(await expectEveryWay(db)).toMatchObject({ firstBrokenSeq: 152, firstBrokenReason: 'prev_hash_mismatch' });

    // A writer bug: the whole tail rechained over an entry that resolves a hold nobody opened.
    const tail = (await storedEntries(journal)).filter((e) => e.seq >= 200);
    const before = await entryAt(journal, 199);
    const drafts = tail.map(({ seq: _s, prevHash: _p, hash: _h, ...draft }, i) => (i === 0 ? { ...draft, kind: 'void' as const, pendingId: 'nobody', releasedAmount: draft.amount } : draft));
    const rechained = chainEntries({ seq: 199, hash: before.hash }, drafts);
    await overwriteEntries(journal, rechained);
    const last = rechained[rechained.length - 1] as JournalEntry;
    await db.meta.put({ key: journalHeadKey, value: { seq: last.seq, hash: last.hash } });
    expect(await expectEveryWay(db)).toMatchObject({ firstBrokenSeq: 152, firstBrokenReason: 'prev_hash_mismatch' });
    await overwriteEntries(journal, [original151]);
    expect(await expectEveryWay(db)).toMatchObject({ firstBrokenSeq: 200, firstBrokenReason: 'entry_invalid' });

    // A deleted entry (all later ones still read and counted), then a cut-off tail.
    await deleteEntry(journal, 120);
    expect(await expectEveryWay(db)).toMatchObject({ firstBrokenSeq: 120, firstBrokenReason: 'seq_gap', entriesChecked: total - 1 });
    await deleteEntriesFrom(journal, 100);
    expect(await expectEveryWay(db)).toMatchObject({ firstBrokenSeq: 100, firstBrokenReason: 'head_mismatch', entriesChecked: 99 });
  });

  it('reports progress from every range, up to the total', async () => {
    const db = await busyWorld(200);
    const total = await journalEntryCount(ledgerTables(db).journal);
    const calls: [number, number][] = [];
    const report = await verifyLedger(db, (checked, all) => calls.push([checked, all]), { ranges: 3, runRange: rangeRunnerInThread(db), chunkEntries: 20 });
    expect(report.ok).toBe(true);
    expect(calls.length).toBeGreaterThanOrEqual(Math.ceil(total / 20));
    expect(calls.every(([, all]) => all === total)).toBe(true);
    expect(calls.every(([checked], i) => i === 0 || checked >= (calls[i - 1] as [number, number])[0])).toBe(true);
    expect(calls[calls.length - 1]).toEqual([total, total]);
  });

  it('an empty journal and one shorter than the ranges verify too', async () => {
    const db = await busyWorld(3);
    await expectEveryWay(db);
    await ledgerTables(db).journal.clear();
    await db.meta.put({ key: journalHeadKey, value: { seq: 0, hash: '0'.repeat(64) } });
    await db.transaction('rw', ledgerTables(db).accounts, async () => {
      for (const a of await ledgerTables(db).accounts.toArray()) {
        await ledgerTables(db).accounts.put({ ...a, debitsPosted: '0.00', creditsPosted: '0.00', debitsPending: '0.00', creditsPending: '0.00' });
      }
    });
    expect(await expectEveryWay(db)).toEqual({ ok: true, entriesChecked: 0, balanceMismatches: [], balanceMismatchCount: 0 });
  });

  it('falls back to this thread when a worker cannot start, and passes any other failure on', async () => {
    const db = await busyWorld(100);
    const expected = await reference(db);
    const unavailable: RangeRunner = () => Promise.reject(new VerifyWorkerUnavailable('no module workers here'));
    expect(await verifyLedger(db, undefined, { ranges: 2, runRange: unavailable })).toEqual(expected);
    const broken: RangeRunner = (job, io, stop) => (job.from === 1 ? Promise.reject(new Error('disk on fire')) : rangeRunnerInThread(db)(job, io, stop));
    await expect(verifyLedger(db, undefined, { ranges: 2, runRange: broken })).rejects.toThrow('disk on fire');
  });
});

/** A stand-in Worker: messages are structured-cloned and delivered asynchronously, and the
 * worker side is the real one (serveVerifyWorker), opening the database by name itself. */
class FakeWorker {
  static created: FakeWorker[] = [];
  static mode: 'real' | 'load-error' | 'crash' = 'real';
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  terminated = false;
  readonly received: ToWorker['type'][] = [];
  private readonly scope: WorkerScope = {
    onmessage: null,
    postMessage: (message) => setTimeout(() => {
      if (!this.terminated) this.onmessage?.({ data: structuredClone(message) } as MessageEvent<FromWorker>);
    }),
  };

  constructor(readonly url: URL, readonly options: WorkerOptions) {
    FakeWorker.created.push(this);
    if (FakeWorker.mode === 'load-error') {
      setTimeout(() => this.onerror?.({ message: 'Failed to fetch a worker script', preventDefault: () => undefined } as ErrorEvent));
    } else if (FakeWorker.mode === 'real') {
      serveVerifyWorker(this.scope);
    }
  }

  postMessage(message: ToWorker): void {
    this.received.push(message.type);
    if (FakeWorker.mode === 'crash') {
      setTimeout(() => this.scope.postMessage({ type: 'failed', runId: message.runId, name: 'AssertionError', message: 'boom' }));
      return;
    }
    setTimeout(() => this.scope.onmessage?.({ data: structuredClone(message) } as MessageEvent<ToWorker>));
  }

  terminate(): void {
    this.terminated = true;
  }
}

describe('verifyLedger with workers', () => {
  it('runs each range in a module worker, hands each the state before it, and reuses the idle workers', async () => {
    const db = await busyWorld(250);
    const expected = await reference(db);
    FakeWorker.created = [];
    FakeWorker.mode = 'real';
    vi.stubGlobal('Worker', FakeWorker);
    const calls: number[] = [];
    expect(await verifyLedger(db, (checked) => calls.push(checked), { ranges: 3, chunkEntries: 40 })).toEqual(expected);
    expect(FakeWorker.created).toHaveLength(3);
    expect(FakeWorker.created.every((w) => !w.terminated && w.options.type === 'module' && w.url.pathname.endsWith('/verify.worker.ts'))).toBe(true);
    expect(FakeWorker.created.map((w) => w.received)).toEqual([['run'], ['run', 'settle'], ['run', 'settle']]);
    expect(calls[calls.length - 1]).toBe(expected.entriesChecked);

    // Tampered: the worker that holds the entry finds it; the same three workers verify again.
    expect((await labTamperEntry(db, await teacherOf(db), meta('platform'), { seq: 200, field: 'code', value: 'x' })).ok).toBe(true);
    expect(await verifyLedger(db, undefined, { ranges: 3 })).toEqual(await reference(db));
    expect(await verifyLedger(db, undefined, { ranges: 3 })).toMatchObject({ firstBrokenSeq: 200, firstBrokenReason: 'hash_mismatch' });
    expect(FakeWorker.created).toHaveLength(3);
    // Three verifications, each three runs and two settles, over the same three workers.
    expect(FakeWorker.created.flatMap((w) => w.received).sort()).toEqual([...Array(9).fill('run'), ...Array(6).fill('settle')]);
    // More ranges than idle workers may be kept: the extra ones end with their run.
    expect(await verifyLedger(db, undefined, { ranges: verifyWorkersIdleMax + 2 })).toEqual(await reference(db));
    expect(FakeWorker.created.filter((w) => !w.terminated)).toHaveLength(verifyWorkersIdleMax);
    closeVerifyWorkers();
    expect(FakeWorker.created.every((w) => w.terminated)).toBe(true);
  });

  it('verifies in this thread when the worker script cannot load; rejects when the verifier fails inside', async () => {
    const db = await busyWorld(100);
    const expected = await reference(db);
    vi.stubGlobal('Worker', FakeWorker);
    FakeWorker.created = [];
    FakeWorker.mode = 'load-error';
    expect(await verifyLedger(db, undefined, { ranges: 2 })).toEqual(expected);
    expect(FakeWorker.created.every((w) => w.terminated)).toBe(true);
    FakeWorker.created = [];
    FakeWorker.mode = 'crash';
    await expect(verifyLedger(db, undefined, { ranges: 2 })).rejects.toThrow('AssertionError: boom');
    expect(FakeWorker.created.every((w) => w.terminated)).toBe(true);
  });

  it('hashes with noble inside each worker when it verifies in ranges, with WebCrypto in one thread', async () => {
    expect(verifyEngineFor(1)).toBe('webcrypto');
    expect(verifyEngineFor(2)).toBe('webcrypto'); // no Worker in Node: it verifies in this thread
    expect(verifyPlan(100)).toEqual({ ranges: 1, engine: 'webcrypto' });
    vi.stubGlobal('Worker', FakeWorker);
    vi.stubGlobal('navigator', { hardwareConcurrency: 2 });
    expect(verifyEngineFor(2)).toBe('noble');
    expect(verifyPlan(20_000)).toEqual({ ranges: 2, engine: 'noble' });
    expect(verifyPlan(3_000)).toEqual({ ranges: 1, engine: 'webcrypto' });
  });

  it('a worker refuses messages out of protocol', async () => {
    const posted: FromWorker[] = [];
    const scope: WorkerScope = { onmessage: null, postMessage: (m) => posted.push(m) };
    serveVerifyWorker(scope);
    scope.onmessage?.({ data: { type: 'settle', runId: 1, state: { entriesApplied: 0, balances: new Map(), openPendings: new Map() } } } as MessageEvent<ToWorker>);
    scope.onmessage?.({ data: { type: 'run', runId: 2, dbName: 'x', job: { from: 5, to: 1, chunkEntries: 1, engine: 'noble' } } } as MessageEvent<ToWorker>);
    expect(posted).toMatchObject([{ type: 'failed', runId: 1, name: 'ProtocolError' }, { type: 'failed', runId: 2, name: 'ProtocolError' }]);
  });
});

describe('digests for the verifier', () => {
  it('WebCrypto and the reused noble hasher both give the entries\' hashes, for entries of any content', async () => {
    const subtle = globalThis.crypto.subtle;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ memo: fc.string({ unit: 'binary' }), code: fc.string({ minLength: 1 }), at: fc.integer({ min: 0 }) }), { minLength: 1, maxLength: 20 }), async (rows) => {
        const entries = chainEntries({ seq: 0, hash: '0'.repeat(64) }, rows.map((r, i) => ({
          transferId: `t-${i}`, kind: 'single' as const, debitAccountId: 'a', creditAccountId: 'b', amount: '1.00', currency: 'CNY' as const, code: r.code, refs: { memo: r.memo }, at: r.at,
        })));
        const hex = (digests: readonly (Uint8Array | null)[]) => digests.map((d) => (d === null ? null : Buffer.from(d).toString('hex')));
        expect(hex(await digestEntries(subtle, entries))).toEqual(entries.map((e) => e.hash));
        // Twice: the reused hasher starts from a fresh state for every entry.
        expect(hex(digestEntriesNoble(entries))).toEqual(entries.map((e) => e.hash));
        expect(hex(digestEntriesNoble([...entries].reverse()))).toEqual(entries.map((e) => e.hash).reverse());
      }),
      { numRuns: 100 },
    );
    const unhashable = { ...(chainEntries({ seq: 0, hash: '0'.repeat(64) }, [{ transferId: 't', kind: 'single', debitAccountId: 'a', creditAccountId: 'b', amount: '1.00', currency: 'CNY', code: 'c', refs: {}, at: 1 }])[0] as JournalEntry), at: Number.NaN };
    expect(await digestEntries(subtle, [unhashable])).toEqual([null]);
    expect(digestEntriesNoble([unhashable])).toEqual([null]);
  });
});
