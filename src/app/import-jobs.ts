import Dexie from 'dexie';
import type { Result } from '../domain/index.ts';
import { worldDbPrefix } from '../storage/schema.ts';
import type { ImportedWorld, ImportInput, ImportOptions } from './world-import.ts';
import type { ImportWorkerCommand, ImportWorkerMessage } from './world-import.worker.ts';

// Runs a world file's import (world-import.ts importWorldFile) in its own Worker
// (world-import.worker.ts), so the page's only work is showing progress: reading, parsing, hashing,
// writing and checking a million-entry file never holds the page's thread. A cancel is passed to
// the worker, which deletes its build database before it answers `file_import_cancelled`.

/**
 * The import of `file` in a worker. `ranges` is the verifier's (VerifyOptions.ranges; its other
 * options are functions and stay in the thread that made them). A worker that fails outside the
 * import (its script, a crash) rejects, its half-written database removed.
 */
export async function runImportJob(file: Blob, input: ImportInput, ranges: number | undefined, options: ImportOptions): Promise<Result<ImportedWorld, string>> {
  const worker = new Worker(new URL('./world-import.worker.ts', import.meta.url), { type: 'module', name: 'settlelab-import' });
  const onAbort = () => worker.postMessage({ type: 'cancel' } satisfies ImportWorkerCommand);
  try {
    return await new Promise<Result<ImportedWorld, string>>((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(e.message));
      worker.onmessage = (e: MessageEvent<ImportWorkerMessage>) => {
        const m = e.data;
        if (m.type === 'progress') options.onProgress?.(m.progress);
        else if (m.type === 'done') resolve(m.result);
        else reject(new Error(m.message));
      };
      worker.postMessage({ type: 'start', file, input, ...(ranges === undefined ? {} : { ranges }) } satisfies ImportWorkerCommand);
      // After start: a cancel already signalled reaches the worker as its next message.
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  } catch (e) {
    worker.terminate();
    // Ended part way: nothing of the build may stay (the start-up sweep would remove it later).
    await Dexie.delete(worldDbPrefix + input.id).catch(() => undefined);
    throw e;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    worker.terminate();
  }
}
