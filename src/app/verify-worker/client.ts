import type { RangePartial } from '../../domain/ledger/verify-merge.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import type { RangeIo, RangeJob } from './range.ts';

// Runs ranges in module workers. `new Worker(new URL(..., import.meta.url))` in this exact form is
// what Vite bundles as a separate chunk, addressed relative to this module (so it works under any
// base path, and the service worker precaches it like every other *.js).
//
// Idle workers are kept for a while and reused: starting one (a thread, a 150 kB script, a cold
// JIT) costs about as much as verifying a few thousand entries, and an auditor verifies again right
// after a change. Nothing of a verification survives in a worker (each run reads and hashes every
// entry of its range again); only the thread, its compiled code and its database connection.

/** Idle workers are terminated after this long without a verification. */
export const verifyWorkerIdleMs = 30_000;
/** At most this many idle workers are kept. */
export const verifyWorkersIdleMax = 4;

/** The worker could not be started or crashed outside the verifier (script missing, no module
 * workers): verifyLedger then verifies in this thread instead. */
export class VerifyWorkerUnavailable extends Error {
  override name = 'VerifyWorkerUnavailable';
}

/** A range failed inside the worker (IndexedDB error, assertion): verifyLedger rejects with it. */
export class VerifyWorkerFailed extends Error {
  override name = 'VerifyWorkerFailed';
  constructor(readonly errorName: string, message: string) {
    super(`${errorName}: ${message}`);
  }
}

export function workersAvailable(): boolean {
  return typeof Worker !== 'undefined';
}

const idle: Worker[] = [];
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let runs = 0;

function takeWorker(): Worker {
  const reused = idle.pop();
  if (reused !== undefined) return reused;
  return new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module', name: 'settlelab-verify' });
}

function putWorkerBack(worker: Worker): void {
  worker.onmessage = null;
  worker.onerror = null;
  worker.onmessageerror = null;
  if (idle.length >= verifyWorkersIdleMax) {
    worker.terminate();
    return;
  }
  idle.push(worker);
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = setTimeout(closeVerifyWorkers, verifyWorkerIdleMs);
}

/** Terminates the idle workers now (tests; the idle timer does it otherwise). */
export function closeVerifyWorkers(): void {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = undefined;
  for (let worker = idle.pop(); worker !== undefined; worker = idle.pop()) worker.terminate();
}

/** Runs `job` of database `dbName` in a worker; `stop` ends it early (another range failed). */
export function runRangeInWorker(dbName: string, job: RangeJob, io: RangeIo, stop: Promise<unknown>): Promise<RangePartial> {
  return new Promise<RangePartial>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = takeWorker();
    } catch (e) {
      reject(new VerifyWorkerUnavailable(e instanceof Error ? e.message : String(e)));
      return;
    }
    runs += 1;
    const runId = runs;
    let ended = false;
    // A worker that finished its run cleanly is reused; any other ending terminates it.
    const end = (reusable: boolean, settle: () => void) => {
      if (ended) return;
      ended = true;
      if (reusable) putWorkerBack(worker);
      else worker.terminate();
      settle();
    };
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.runId !== runId) return end(false, () => reject(new VerifyWorkerFailed('ProtocolError', `message of run ${message.runId} in run ${runId}`)));
      if (message.type === 'progress') io.onProgress?.(message.done);
      else if (message.type === 'done') end(true, () => resolve(message.partial));
      else end(false, () => reject(new VerifyWorkerFailed(message.name, message.message)));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      end(false, () => reject(new VerifyWorkerUnavailable(event.message || 'the verify worker failed to start')));
    };
    worker.onmessageerror = () => end(false, () => reject(new VerifyWorkerUnavailable('a verify worker message could not be decoded')));
    const stopped = () => end(false, () => reject(new VerifyWorkerUnavailable('stopped: another range failed')));
    void stop.then(stopped, stopped);
    const run: ToWorker = { type: 'run', runId, dbName, job, ...(io.start === undefined ? {} : { start: io.start }) };
    worker.postMessage(run);
    io.later?.then((state) => {
      if (!ended) worker.postMessage({ type: 'settle', runId, state } satisfies ToWorker);
    }, () => undefined);
  });
}
