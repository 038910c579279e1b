import { err, type Result } from '../domain/index.ts';
import type { ExportJob, ExportWorkerCommand, ExportWorkerMessage } from './world-export.worker.ts';
import type { StreamProgress } from './world-stream.ts';
import type { ByteSink } from './byte-sink.ts';
import { writeJournalCsv, type CsvSummary } from './journal-csv.ts';
import type { WorldDb } from '../storage/schema.ts';
import { storageFaultOf } from '../storage/faults.ts';

// Runs a streamed export (world-export.worker.ts) in a Worker, writing the chunks it sends in order
// through `emit` and acknowledging each, so the page's only work is writing chunks and showing
// progress. Without Worker (tests, old browsers) the caller's in-thread run is used instead.

/** How many chunks the export worker may send ahead of the writer (bounds memory when the disk is slow). */
export const chunksAheadMax = 4;

export type ExportJobOptions = { readonly onProgress?: (p: StreamProgress) => void; readonly signal?: AbortSignal };

/**
 * Runs `job` in a worker, or `inThread` where there is no Worker. A cancel (the signal) ends the
 * worker at once and returns `file_export_cancelled`; chunks already emitted are the caller's to
 * discard.
 */
export async function runExportJob<T>(
  job: ExportJob,
  emit: (chunk: Uint8Array) => Promise<void>,
  options: ExportJobOptions,
  inThread: () => Promise<Result<T, string>>,
): Promise<Result<T, string>> {
  if (typeof Worker === 'undefined') return inThread();
  if (options.signal?.aborted) return err('file_export_cancelled');
  const worker = new Worker(new URL('./world-export.worker.ts', import.meta.url), { type: 'module' });
  let onAbort = () => {};
  try {
    return await new Promise<Result<T, string>>((resolve, reject) => {
      let writing = Promise.resolve();
      onAbort = () => resolve(err('file_export_cancelled'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      worker.onerror = (e) => reject(new Error(e.message));
      worker.onmessage = (e: MessageEvent<ExportWorkerMessage>) => {
        const m = e.data;
        if (m.type === 'chunk') {
          // Written in order; the worker waits for this ack before running more than chunksAheadMax ahead.
          writing = writing.then(() => emit(m.chunk)).then(() => worker.postMessage({ type: 'ack' } satisfies ExportWorkerCommand), (x: unknown) => reject(x));
        } else if (m.type === 'progress') options.onProgress?.(m.progress);
        else if (m.type === 'done') void writing.then(() => resolve(m.result as Result<T, string>));
        else reject(new Error(m.message));
      };
      worker.postMessage({ type: 'start', job, chunksAheadMax } satisfies ExportWorkerCommand);
    });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    worker.terminate();
  }
}

/**
 * The journal of `db` as CSV into `sink`, page by page (journal-csv.ts), serialised in the export
 * worker. Cancelled (the signal) or failed, the sink is aborted: no partial file is kept.
 */
export async function exportJournalCsvTo(db: WorldDb, sink: ByteSink, options: ExportJobOptions = {}): Promise<Result<CsvSummary, string>> {
  const emit = (chunk: Uint8Array) => sink.write(chunk);
  const r = await writeOrAbort(sink, options.signal, () => runExportJob<CsvSummary>({ kind: 'journalCsv', dbName: db.name }, emit, options, () => writeJournalCsv(db, emit, options)));
  if (!r.ok) return r;
  await sink.close();
  return r;
}

/**
 * Runs `write` into `sink`. A throw, a refusal or a cancel (the signal) aborts the sink, so no
 * partial file is kept; on success the sink stays open for the caller to finish.
 */
export async function writeOrAbort<T>(sink: ByteSink, signal: AbortSignal | undefined, write: () => Promise<Result<T, string>>): Promise<Result<T, string>> {
  let r: Result<T, string>;
  try {
    r = await write();
  } catch (e) {
    await sink.abort();
    const fault = storageFaultOf(e);
    if (fault) return err(fault);
    throw e;
  }
  if (!r.ok || signal?.aborted) {
    await sink.abort();
    return r.ok ? err('file_export_cancelled') : r;
  }
  return r;
}
