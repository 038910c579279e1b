import type { RangePartial } from '../../domain/ledger/verify-merge.ts';
import type { VerifierState } from '../../domain/ledger/verify.ts';
import type { RangeJob } from './range.ts';

// Messages between verifyLedger and a verify worker. A worker verifies one range at a time and is
// reused for the next verification (see client.ts); every message names its run.
//   main -> worker: run {runId, dbName, job, start?}; then settle {runId, state} when start was not
//                   known yet (the range before it had not finished).
//   worker -> main: progress {runId, done} after each chunk, then done {runId, partial} or
//                   failed {runId, name, message}.

export type ToWorker =
  | { readonly type: 'run'; readonly runId: number; readonly dbName: string; readonly job: RangeJob; readonly start?: VerifierState }
  | { readonly type: 'settle'; readonly runId: number; readonly state: VerifierState };

export type FromWorker =
  | { readonly type: 'progress'; readonly runId: number; readonly done: number }
  | { readonly type: 'done'; readonly runId: number; readonly partial: RangePartial }
  | { readonly type: 'failed'; readonly runId: number; readonly name: string; readonly message: string };
