import type { WorldDb } from '../../storage/schema.ts';
import { ReconRunCancelled, type PrecomputedMatch } from '../reconciliation/day-inputs.ts';
import type { FromReconWorker, ToReconWorker } from './protocol.ts';
import { runDayMatch } from './run.ts';

// Runs a day's match in a module worker (one per run), as src/app/verify-worker/client.ts does:
// `new Worker(new URL(..., import.meta.url))` in this exact form is what Vite bundles as a separate
// chunk, addressed relative to this module (any base path; the service worker precaches it). Where
// no worker can run (Node, jsdom, a browser without module workers) the same run happens in this
// thread, a page at a time.

/** The worker could not be started or crashed outside the match: the run happens in this thread. */
export class ReconWorkerUnavailable extends Error {
  override name = 'ReconWorkerUnavailable';
}

/** The match failed inside the worker (IndexedDB error, assertion): the run rejects with it. */
export class ReconWorkerFailed extends Error {
  override name = 'ReconWorkerFailed';
  constructor(readonly errorName: string, message: string) {
    super(`${errorName}: ${message}`);
  }
}

export type DayMatchIo = {
  readonly onProgress?: (done: number, total: number) => void;
  /** Aborting cancels the run: it rejects with ReconRunCancelled, and nothing is written. */
  readonly signal?: AbortSignal;
};

export function reconWorkersAvailable(): boolean {
  return typeof Worker !== 'undefined';
}

let runs = 0;

/** The match of `date` for `scope`, computed in a worker that opens database `dbName` itself. */
export function matchDayInWorker(dbName: string, scope: string, date: string, io: DayMatchIo = {}): Promise<PrecomputedMatch> {
  return new Promise<PrecomputedMatch>((resolve, reject) => {
    if (io.signal?.aborted === true) return reject(new ReconRunCancelled('the reconciliation run was cancelled'));
    let worker: Worker;
    try {
      worker = new Worker(new URL('./recon.worker.ts', import.meta.url), { type: 'module', name: 'settlelab-recon' });
    } catch (e) {
      reject(new ReconWorkerUnavailable(e instanceof Error ? e.message : String(e)));
      return;
    }
    runs += 1;
    const runId = runs;
    let ended = false;
    const end = (settle: () => void) => {
      if (ended) return;
      ended = true;
      io.signal?.removeEventListener('abort', onAbort);
      worker.terminate();
      settle();
    };
    // Cancel: the worker is told (it stops between pages) and ended at once; it only read.
    const onAbort = () => {
      if (!ended) worker.postMessage({ type: 'cancel', runId } satisfies ToReconWorker);
      end(() => reject(new ReconRunCancelled('the reconciliation run was cancelled')));
    };
    io.signal?.addEventListener('abort', onAbort);
    worker.onmessage = (event: MessageEvent<FromReconWorker>) => {
      const message = event.data;
      if (message.runId !== runId) return end(() => reject(new ReconWorkerFailed('ProtocolError', `message of run ${message.runId} in run ${runId}`)));
      if (message.type === 'progress') io.onProgress?.(message.done, message.total);
      else if (message.type === 'done') end(() => resolve(message.matched));
      else if (message.type === 'cancelled') end(() => reject(new ReconRunCancelled('the reconciliation run was cancelled')));
      else end(() => reject(new ReconWorkerFailed(message.name, message.message)));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      end(() => reject(new ReconWorkerUnavailable(event.message || 'the reconciliation worker failed to start')));
    };
    worker.onmessageerror = () => end(() => reject(new ReconWorkerUnavailable('a reconciliation worker message could not be decoded')));
    worker.postMessage({ type: 'run', runId, dbName, scope, date } satisfies ToReconWorker);
  });
}

/** The same run in this thread (no worker): the reads yield between pages, the match is one step. */
export function matchDayInThread(db: WorldDb, scope: string, date: string, io: DayMatchIo = {}): Promise<PrecomputedMatch> {
  return runDayMatch(db, scope, date, { ...(io.onProgress === undefined ? {} : { onProgress: io.onProgress }), cancelled: () => io.signal?.aborted === true });
}

/** In a worker where one can run, else (or when it cannot start) in this thread. */
export async function matchDayOffThread(db: WorldDb, scope: string, date: string, io: DayMatchIo = {}): Promise<PrecomputedMatch> {
  if (!reconWorkersAvailable()) return matchDayInThread(db, scope, date, io);
  try {
    return await matchDayInWorker(db.name, scope, date, io);
  } catch (e) {
    if (e instanceof ReconWorkerUnavailable) return matchDayInThread(db, scope, date, io);
    throw e;
  }
}
