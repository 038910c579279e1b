import type { PrecomputedMatch } from '../reconciliation/day-inputs.ts';

// Messages between the reconciliation desk and a reconciliation worker. The worker opens the
// world's database itself, reads the day a page at a time, matches it (the domain's matchDay) and
// posts the match back; the desk's command then saves it (reconcileDay with `matched`). One run
// per worker; every message names its run.
//   main -> worker: run {runId, dbName, scope, date}; cancel {runId} (stop between two pages).
//   worker -> main: progress {runId, done, total} as pages are read, then done {runId, matched},
//                   cancelled {runId} or failed {runId, name, message}.

export type ToReconWorker =
  | { readonly type: 'run'; readonly runId: number; readonly dbName: string; readonly scope: string; readonly date: string }
  | { readonly type: 'cancel'; readonly runId: number };

export type FromReconWorker =
  | { readonly type: 'progress'; readonly runId: number; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly runId: number; readonly matched: PrecomputedMatch }
  | { readonly type: 'cancelled'; readonly runId: number }
  | { readonly type: 'failed'; readonly runId: number; readonly name: string; readonly message: string };
