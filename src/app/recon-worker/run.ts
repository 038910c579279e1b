import type { WorldDb } from '../../storage/schema.ts';
import { billSummariesOf, dayRowsEstimate, matchDigest, matchInputs, readDayInputs, ReconRunCancelled, worldStamp, type PrecomputedMatch } from '../reconciliation/day-inputs.ts';

// One run of a day's match, the same inside a reconciliation worker and in this thread (no
// Worker: the unit tests in Node, an old browser): the world's stamp first, then the day's rows a
// page at a time (progress after each page, a cancelled run stops between pages), then the pure
// match. Nothing is written: the desk's command saves the match if the stamp still holds.

export type ReconRunIo = {
  /** Rows read so far of about `total` (the estimate may be passed: done never exceeds total). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly cancelled?: () => boolean;
};

export async function runDayMatch(db: WorldDb, scope: string, date: string, io: ReconRunIo = {}): Promise<PrecomputedMatch> {
  const stamp = await worldStamp(db);
  const total = Math.max(1, await dayRowsEstimate(db, date, scope));
  io.onProgress?.(0, total);
  const inputs = await readDayInputs(db, scope, date, {
    onRows: (rows) => io.onProgress?.(Math.min(rows, total - 1), total),
    ...(io.cancelled === undefined ? {} : { cancelled: io.cancelled }),
  });
  if (io.cancelled?.() === true) throw new ReconRunCancelled('the reconciliation run was cancelled');
  const result = matchInputs(date, inputs);
  const bills = billSummariesOf(date, inputs);
  // Digested here, off the page's thread in a worker: the desk's command logs the digest, not the match.
  const digest = matchDigest(result, bills);
  io.onProgress?.(total, total);
  return { result, bills, stamp, digest };
}
