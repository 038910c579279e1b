import { createWorld, deleteWorld, getWorld, openWorldDb } from '../src/app/worlds.ts';
import { allAccounts, submitTransfers } from '../src/app/ledger.ts';
import { exportWorldTo, importWorld } from '../src/app/world-file.ts';
import { BlobSink, type ByteSink } from '../src/app/byte-sink.ts';
import type { Account, TransferRequest } from '../src/domain/index.ts';
import type { WorldDb } from '../src/storage/schema.ts';
import type { WorldEntry } from '../src/storage/registry.ts';
import '../src/app/features.ts';
import type { BenchCase } from './cases.ts';

// The streamed world export (issue #18 item 4) of a world of a million journal entries: its time,
// the page's memory and the longest task the page ran meanwhile (the export reads, serialises and
// hashes in a Worker; the page only writes chunks and shows progress); then the import of that file.
// ?exportEntries=N (BENCH_EXPORT_ENTRIES) measures another size; the rows are named by it.

declare global {
  interface Window {
    /** The case running now: bench/run.mjs samples the renderer's memory per phase. */
    __benchPhase?: string;
    /** The phase whose starting reading bench/run.mjs has taken (the page waits for it before starting). */
    __benchRssTaken?: string;
  }
}

const params = new URLSearchParams(location.search);
/** ?exportTo=<path>: the exported file is posted there once measured (bench/run.mjs keeps it on disk). */
const exportTo = params.get('exportTo');
/** ?exportSink=discard: the chunks are counted and dropped (the export's memory without the file's Blob). */
const discardSink = params.get('exportSink') === 'discard';
/** ?importFrom=<path>: the file to import is fetched from there (run in a fresh browser, not after the export). */
const importFrom = params.get('importFrom');
/** ?importRanges=N: the imported ledger verified in N ranges (1: in the import's own worker; else as importWorld chooses). */
const importRanges = params.get('importRanges');
/** How long the page waits for run.mjs' starting reading (a page opened by hand runs on without it). */
const rssTakenWaitMs = 5000;
const rssTakenPollMs = 50;

/**
 * Names the phase and waits until bench/run.mjs has read the renderer's memory (the phase's
 * baseline), after collecting the page's garbage, so the reading is taken before any of its work.
 */
async function startPhase(name: string): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  window.__benchPhase = name;
  for (let waited = 0; waited < rssTakenWaitMs && window.__benchRssTaken !== name; waited += rssTakenPollMs) {
    await new Promise((resolve) => setTimeout(resolve, rssTakenPollMs));
  }
}

export const exportEntries = Number(params.get('exportEntries') ?? 1_000_000);
/** Requests per fill batch (one transaction each), under transferRequestsMax. */
const fillBatchMax = 8000;
/** How often the page's heap is sampled while exporting. */
const heapSampleMs = 100;
const bytesPerMb = 1024 * 1024;

export const exportSizeName = exportEntries % 1_000_000 === 0 ? `${exportEntries / 1_000_000}m` : `${Math.round(exportEntries / 1000)}k`;

/** The two unconstrained CNY accounts a fill moves money between (no limits to refuse a transfer). */
export async function fillPair(db: WorldDb): Promise<[Account, Account]> {
  const [a, b] = (await allAccounts(db)).filter((x) => Object.keys(x.flags).length === 0 && x.currency === 'CNY');
  if (!a || !b) throw new Error('no unconstrained CNY accounts');
  return [a, b];
}

/**
 * The rare pair: the next two unconstrained CNY accounts after fillPair's. A fill moves money between
 * them rareEntriesTotal times, evenly spread, so the big world holds an account with few entries
 * spread over the whole journal, each in its own journal block (the statement.rare row's account):
 * a statement's first page and its filter's codes read as many blocks at 100k as at 1M.
 */
export async function rarePair(db: WorldDb): Promise<[Account, Account]> {
  const [, , c, d] = (await allAccounts(db)).filter((x) => Object.keys(x.flags).length === 0 && x.currency === 'CNY');
  if (!c || !d) throw new Error('no second pair of unconstrained CNY accounts');
  return [c, d];
}
/** The rare pair's transfers in a fill (more than the statement's page of 50 and its 200 recent codes' entries). */
export const rareEntriesTotal = 250;

/** Fills a world with `entries` transfers through the ledger's batch API, fillBatchMax a transaction. */
export async function fillWorld(entry: WorldEntry, entries: number, idPrefix = 'x'): Promise<void> {
  const db = openWorldDb(entry);
  const [a, b] = await fillPair(db);
  const [c, d] = await rarePair(db);
  const rareEvery = Math.max(1, Math.floor(entries / rareEntriesTotal));
  const started = performance.now();
  for (let done = 0; done < entries; done += fillBatchMax) {
    const n = Math.min(fillBatchMax, entries - done);
    const requests: TransferRequest[] = Array.from({ length: n }, (_, i) => {
      const rare = (done + i) % rareEvery === Math.floor(rareEvery / 2);
      return { id: `${idPrefix}-${done + i}`, kind: 'single', debitAccountId: rare ? c.id : a.id, creditAccountId: rare ? d.id : b.id, amount: '1.00', currency: 'CNY', code: 'lab.move', refs: { n: String(done + i) } };
    });
    const results = await submitTransfers(db, requests);
    if (results.some((r) => r.status === 'failed')) throw new Error('a fill transfer failed');
    if ((done / fillBatchMax) % 25 === 0) console.log(`export bench: ${done + n} entries after ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  db.close();
}

let built: Promise<WorldEntry> | undefined;
/**
 * A world filled with `exportEntries` transfers through the ledger's batch API (done once per run;
 * shared with bench/open-cases.ts). ?bigWorld=<id> names a world an earlier run filled in this
 * profile (BENCH_PROFILE in run.mjs): it is used as it is.
 */
export function bigWorld(): Promise<WorldEntry> {
  built ??= (async () => {
    const kept = params.get('bigWorld');
    if (kept !== null) {
      const entry = await getWorld(kept);
      if (entry === undefined) throw new Error(`the kept world ${kept} is not in this profile`);
      return entry;
    }
    const created = await createWorld({ id: `bench-export-${Math.random().toString(36).slice(2, 8)}`, name: 'export bench', createdAtMs: 0 });
    if (!created.ok) throw new Error(created.code);
    await fillWorld(created.value.entry, exportEntries);
    return created.value.entry;
  })();
  return built;
}

type Watch = { stop(): { heapPeakMb: number; heapStartMb: number; longestTaskMs: number } };

/** Samples the page's JS heap (Chromium's performance.memory) and observes long tasks (≥ 50 ms). */
function watch(): Watch {
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  const heap = () => (memory?.usedJSHeapSize ?? 0) / bytesPerMb;
  const heapStartMb = heap();
  let heapPeakMb = heapStartMb;
  let longestTaskMs = 0;
  const timer = setInterval(() => (heapPeakMb = Math.max(heapPeakMb, heap())), heapSampleMs);
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longestTaskMs = Math.max(longestTaskMs, e.duration);
  });
  observer.observe({ type: 'longtask' });
  return {
    stop() {
      clearInterval(timer);
      for (const e of observer.takeRecords()) longestTaskMs = Math.max(longestTaskMs, e.duration);
      observer.disconnect();
      return { heapPeakMb: Math.max(heapPeakMb, heap()), heapStartMb, longestTaskMs };
    },
  };
}

type Measured = { seconds: number; heapPeakMb: number; heapStartMb: number; longestTaskMs: number; fileMb: number };
/** A sink that keeps only the size of what it was given. */
class DiscardSink implements ByteSink {
  bytes = 0;
  write(chunk: Uint8Array): Promise<void> {
    this.bytes += chunk.length;
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  abort(): Promise<void> {
    return Promise.resolve();
  }
}

let exported: Promise<Measured & { file: Blob | undefined }> | undefined;
let imported: Promise<Measured> | undefined;

function measureExport(): Promise<Measured & { file: Blob | undefined }> {
  exported ??= (async () => {
    const entry = await bigWorld();
    await startPhase(`export.${exportSizeName}`);
    const w = watch();
    const sink = discardSink ? new DiscardSink() : new BlobSink('application/json');
    const started = performance.now();
    const r = await exportWorldTo(entry, sink);
    const seconds = (performance.now() - started) / 1000;
    const m = w.stop();
    window.__benchPhase = undefined;
    if (!r.ok) throw new Error(r.code);
    // No file when discarded (an import then has nothing to read).
    const file = sink instanceof BlobSink ? sink.blob() : undefined;
    if (file !== undefined && exportTo !== null) {
      const posted = await fetch(exportTo, { method: 'POST', body: file });
      if (!posted.ok) throw new Error(`the exported file was not kept: ${posted.status}`);
    }
    return { seconds, ...m, fileMb: (file?.size ?? (sink as DiscardSink).bytes) / bytesPerMb, file };
  })();
  return exported;
}

/** A file kept by an earlier run (Chromium keeps a large response's body out of the page, as a picked file's). */
async function fetchFile(url: string): Promise<Blob> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`no exported file to import: ${r.status}`);
  return r.blob();
}

function measureImport(): Promise<Measured> {
  imported ??= (async () => {
    const file = importFrom !== null ? await fetchFile(importFrom) : (await measureExport()).file;
    if (file === undefined) throw new Error('the export was discarded (exportSink=discard): nothing to import');
    await startPhase(`import.${exportSizeName}`);
    const w = watch();
    const started = performance.now();
    const r = await importWorld(file, { id: `bench-import-${Math.random().toString(36).slice(2, 8)}`, createdAtMs: 0 }, importRanges === null ? {} : { ranges: Number(importRanges) });
    const seconds = (performance.now() - started) / 1000;
    const m = w.stop();
    window.__benchPhase = undefined;
    if (!r.ok) throw new Error(`import refused: ${r.code}`);
    // The imported copy is not kept: a kept profile stays the filled one (a second run measures the same).
    const deleted = await deleteWorld(r.value.id);
    if (!deleted.ok) throw new Error(`the imported world was not deleted: ${deleted.code}`);
    return { seconds, ...m, fileMb: file.size / bytesPerMb };
  })();
  return imported;
}

// Baselines: for times, the file's size over the time; for the heap, the heap before the run; for
// the longest task, the 100 ms the issue allows (a limit, the row's goal).
export const exportCases: BenchCase[] = [
  { name: `export.${exportSizeName}`, unit: 's', run: async () => { const m = await measureExport(); return { value: m.seconds, baseline: m.fileMb }; } },
  { name: `export.${exportSizeName}.heap`, unit: 'MB', limit: 300, run: async () => { const m = await measureExport(); return { value: m.heapPeakMb, baseline: m.heapStartMb }; } },
  { name: `export.${exportSizeName}.longtask`, unit: 'ms', limit: 100, run: async () => { const m = await measureExport(); return { value: m.longestTaskMs, baseline: 100 }; } },
  { name: `import.${exportSizeName}`, unit: 's', run: async () => { const m = await measureImport(); return { value: m.seconds, baseline: m.fileMb }; } },
  { name: `import.${exportSizeName}.heap`, unit: 'MB', limit: 300, run: async () => { const m = await measureImport(); return { value: m.heapPeakMb, baseline: m.heapStartMb }; } },
  { name: `import.${exportSizeName}.longtask`, unit: 'ms', limit: 100, run: async () => { const m = await measureImport(); return { value: m.longestTaskMs, baseline: 100 }; } },
];
