import { importWorldFile, type ImportedWorld, type ImportInput } from './world-import.ts';
import type { StreamProgress } from './world-stream.ts';
import type { Result } from '../domain/index.ts';

// A world file's import off the page's thread (issue #18: no task on the page over 100 ms while a
// million-entry world is imported): the file is read in chunks (its stream), every line parsed and
// hashed, rows written into the build database a page (at most pageRowsMax rows) per transaction,
// and the world checked whole (world-check.ts: the chain, the balances) all here. The page only
// shows the progress this sends and the result.

export type ImportWorkerCommand =
  | { readonly type: 'start'; readonly file: Blob; readonly input: ImportInput; readonly ranges?: number }
  | { readonly type: 'cancel' };

export type ImportWorkerMessage =
  | { readonly type: 'progress'; readonly progress: StreamProgress }
  | { readonly type: 'done'; readonly result: Result<ImportedWorld, string> }
  | { readonly type: 'failed'; readonly message: string };

// Only run as a worker (the page imports this module for its types only).
const scope = globalThis as unknown as { postMessage(m: ImportWorkerMessage): void; onmessage: ((e: MessageEvent<ImportWorkerCommand>) => void) | null };

const cancel = new AbortController();

async function run(file: Blob, input: ImportInput, ranges: number | undefined): Promise<void> {
  try {
    const result = await importWorldFile(file, input, ranges === undefined ? {} : { ranges }, {
      signal: cancel.signal,
      onProgress: (progress) => scope.postMessage({ type: 'progress', progress }),
    });
    scope.postMessage({ type: 'done', result });
  } catch (e) {
    scope.postMessage({ type: 'failed', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'start') void run(m.file, m.input, m.ranges);
  else cancel.abort();
};
