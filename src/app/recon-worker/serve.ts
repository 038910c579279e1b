import Dexie from 'dexie';
import '../../storage/dexie-mode.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ReconRunCancelled } from '../reconciliation/day-inputs.ts';
import type { FromReconWorker, ToReconWorker } from './protocol.ts';
import { runDayMatch } from './run.ts';

// The worker side of the protocol (recon.worker.ts runs it on the worker's global scope; tests run
// it on a stand-in). It opens the world's database itself, so reading and structured-clone decoding
// a 100,000-order day happens here, not on the page's main thread.

/** What a worker needs of its global scope. */
export type ReconWorkerScope = {
  onmessage: ((event: MessageEvent<ToReconWorker>) => void) | null;
  postMessage(message: FromReconWorker): void;
};

/** Progress is posted when it moved by at least this share of the total (about 100 messages a run). */
const progressStep = 0.01;

export function serveReconWorker(scope: ReconWorkerScope, open: (dbName: string) => Promise<WorldDb> = openWorld): void {
  let current: { readonly runId: number; cancelled: boolean } | undefined;
  scope.onmessage = (event) => {
    const message = event.data;
    if (message.type === 'cancel') {
      if (current !== undefined && current.runId === message.runId) current.cancelled = true;
      return;
    }
    if (message.type !== 'run' || current !== undefined || !Number.isSafeInteger(message.runId) || typeof message.dbName !== 'string' || typeof message.scope !== 'string' || typeof message.date !== 'string') {
      const runId = Number.isSafeInteger(message.runId) ? message.runId : -1;
      scope.postMessage({ type: 'failed', runId, name: 'ProtocolError', message: `unexpected ${String(message.type)} message` });
      return;
    }
    const run = { runId: message.runId, cancelled: false };
    current = run;
    void matchRun(scope, message, run, open).finally(() => {
      if (current === run) current = undefined;
    });
  };
}

async function openWorld(dbName: string): Promise<WorldDb> {
  // No version(): Dexie opens the existing database at its current version and reads the schema
  // from it, so the worker needs no copy of the migrations (and never upgrades anything). The
  // storage modules reach tables by name (db.table), which a schema read this way serves.
  const db = new Dexie(dbName);
  await db.open();
  return db as unknown as WorldDb;
}

async function matchRun(scope: ReconWorkerScope, message: Extract<ToReconWorker, { type: 'run' }>, run: { readonly runId: number; cancelled: boolean }, open: (dbName: string) => Promise<WorldDb>): Promise<void> {
  const { runId } = message;
  let db: WorldDb | undefined;
  try {
    db = await open(message.dbName);
    let posted = -1;
    const matched = await runDayMatch(db, message.scope, message.date, {
      onProgress: (done, total) => {
        if (done !== total && posted >= 0 && done - posted < total * progressStep) return;
        posted = done;
        scope.postMessage({ type: 'progress', runId, done, total });
      },
      cancelled: () => run.cancelled,
    });
    scope.postMessage({ type: 'done', runId, matched });
  } catch (e) {
    if (e instanceof ReconRunCancelled) {
      scope.postMessage({ type: 'cancelled', runId });
      return;
    }
    // Reported to the page, which rejects the run with it: not swallowed here.
    const error = e instanceof Error ? e : new Error(String(e));
    scope.postMessage({ type: 'failed', runId, name: error.name, message: error.message });
  } finally {
    // One run per worker: its connection never holds up a schema upgrade or a world's deletion.
    if (db !== undefined && open === openWorld) db.close();
  }
}
