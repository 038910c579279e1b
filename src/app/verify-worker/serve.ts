import Dexie from 'dexie';
import '../../storage/dexie-mode.ts';
import { journalTable } from '../../storage/journal-store.ts';
import type { VerifierState } from '../../domain/ledger/verify.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { isRangeJob, verifyStoredRange } from './range.ts';

// The worker side of the protocol (verify.worker.ts runs it on the worker's global scope; tests run
// it on a stand-in). It opens the world's database itself, so reading and structured-clone decoding
// the rows happens here, not on the page's main thread, verifies the run's seq range and posts the
// partial back. One run at a time; the page reuses an idle worker.

/** What a worker needs of its global scope. */
export type WorkerScope = {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
};

type Run = { readonly runId: number; readonly settle: (state: VerifierState) => void };

export function serveVerifyWorker(scope: WorkerScope): void {
  let current: Run | undefined;
  scope.onmessage = (event) => {
    const message = event.data;
    if (message.type === 'settle' && current !== undefined && message.runId === current.runId) {
      current.settle(message.state);
      return;
    }
    if (message.type !== 'run' || current !== undefined || !Number.isSafeInteger(message.runId) || !isRangeJob(message.job) || typeof message.dbName !== 'string') {
      const runId = Number.isSafeInteger(message.runId) ? message.runId : -1;
      scope.postMessage({ type: 'failed', runId, name: 'ProtocolError', message: `unexpected ${String(message.type)} message` });
      return;
    }
    let settle: (state: VerifierState) => void = () => undefined;
    const later = new Promise<VerifierState>((resolve) => {
      settle = resolve;
    });
    const run: Run = { runId: message.runId, settle };
    current = run;
    void verifyRun(scope, message, later).finally(() => {
      if (current === run) current = undefined;
    });
  };
}

// The connection of the last run, kept while it stays open: opening a database costs a few
// milliseconds of every verification otherwise. Dexie closes it when another connection asks for a
// new version or a deletion (its default versionchange handling), so an idle worker never blocks a
// schema upgrade or a world's deletion; the page terminates idle workers after a while anyway.
let kept: { readonly dbName: string; readonly db: Dexie } | undefined;

async function openWorld(dbName: string): Promise<Dexie> {
  if (kept !== undefined && kept.dbName === dbName && kept.db.isOpen()) return kept.db;
  kept?.db.close();
  kept = undefined;
  // No version(): Dexie opens the existing database at its current version and reads the schema
  // from it, so the worker needs no copy of the migrations (and never upgrades anything).
  const db = new Dexie(dbName);
  await db.open();
  kept = { dbName, db };
  return db;
}

async function verifyRun(scope: WorkerScope, message: Extract<ToWorker, { type: 'run' }>, later: Promise<VerifierState>): Promise<void> {
  const { runId } = message;
  try {
    const db = await openWorld(message.dbName);
    const partial = await verifyStoredRange(journalTable(db), message.job, {
      ...(message.start === undefined ? { later } : { start: message.start }),
      onProgress: (done) => scope.postMessage({ type: 'progress', runId, done }),
    });
    scope.postMessage({ type: 'done', runId, partial });
  } catch (e) {
    // Reported to the page, which rejects verifyLedger with it: not swallowed here. The connection
    // may be what failed: the next run opens a fresh one.
    kept?.db.close();
    kept = undefined;
    const error = e instanceof Error ? e : new Error(String(e));
    scope.postMessage({ type: 'failed', runId, name: error.name, message: error.message });
  }
}
