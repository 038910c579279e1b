import { WorldDb } from '../storage/schema.ts';
import { buildKey } from './world-build.ts';
import { writeWorldStream, type StreamDigest, type StreamProgress } from './world-stream.ts';
import { writeJournalCsv, type CsvSummary } from './journal-csv.ts';
import type { Result } from '../domain/index.ts';

// The streamed exports' reading, serialising and hashing, off the page's thread (issue #18: no task
// on the page over 100 ms while a million-entry world or journal is written): a world file or the
// journal as CSV. The page writes the chunks this sends to the file and acknowledges each, so the
// worker never runs more than a few chunks ahead.

/** What the worker exports: a whole world file, or one world's journal as CSV. */
export type ExportJob =
  | { readonly kind: 'world'; readonly dbName: string; readonly worldName: string }
  | { readonly kind: 'journalCsv'; readonly dbName: string };

export type ExportWorkerCommand =
  | { readonly type: 'start'; readonly job: ExportJob; readonly chunksAheadMax: number }
  | { readonly type: 'ack' };

export type ExportWorkerMessage =
  | { readonly type: 'chunk'; readonly chunk: Uint8Array }
  | { readonly type: 'progress'; readonly progress: StreamProgress }
  | { readonly type: 'done'; readonly result: Result<StreamDigest | CsvSummary, string> }
  | { readonly type: 'failed'; readonly message: string };

// Only run as a worker (the page imports this module for its types only).
const scope = globalThis as unknown as { postMessage(m: ExportWorkerMessage, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ExportWorkerCommand>) => void) | null };

let ahead = 0;
let wake: (() => void) | null = null;

async function run(job: ExportJob, chunksAheadMax: number): Promise<void> {
  const db = new WorldDb(job.dbName);
  const emit = async (chunk: Uint8Array): Promise<void> => {
    scope.postMessage({ type: 'chunk', chunk }, [chunk.buffer]);
    ahead += 1;
    // Bounded by the page's acks: each wait ends when one chunk is written.
    while (ahead > chunksAheadMax) await new Promise<void>((resolve) => (wake = resolve));
  };
  const onProgress = (progress: StreamProgress) => scope.postMessage({ type: 'progress', progress });
  try {
    await db.open();
    const result = job.kind === 'world'
      ? await writeWorldStream(db, job.worldName, emit, {
        onProgress,
        skip: (table, row) => table === 'meta' && (row as { key?: unknown }).key === buildKey,
      })
      : await writeJournalCsv(db, emit, { onProgress });
    scope.postMessage({ type: 'done', result });
  } catch (e) {
    scope.postMessage({ type: 'failed', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  } finally {
    db.close();
  }
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'start') void run(m.job, m.chunksAheadMax);
  else {
    ahead -= 1;
    const w = wake;
    wake = null;
    w?.();
  }
};
