import { assert } from '../../domain/assert.ts';
import { JournalVerifier, emptyVerifierState, type JournalVerifyReport } from '../../domain/ledger/verify.ts';
import { mergePartials, rangePartialsMax, type RangePartial } from '../../domain/ledger/verify-merge.ts';
import type { Account, JournalHead } from '../../domain/ledger/types.ts';
import { journalBlockEntries, type JournalTable } from '../../storage/journal-store.ts';
import { readAndFeed, verifyStoredRange, type RangeIo, type RangeJob } from './range.ts';

// The two ways verifyLedger runs (src/app/ledger.ts): the sequential verifier in this thread, or
// the journal cut into seq ranges run at once (in workers) and merged.

/** Runs one range (in a worker by default); `stop` settles when the verification ends early. */
export type RangeRunner = (job: RangeJob, io: RangeIo, stop: Promise<unknown>) => Promise<RangePartial>;

export type ReadOptions = Pick<RangeJob, 'engine' | 'chunkEntries'>;

/** The sequential verifier over every stored entry up to the head, read chunk by chunk (reads,
 * hashing and checks overlap, see readAndFeed). A chunk with entries missing does not stop the
 * reading: the verifier reports the first gap either way, and the balances are recomputed from
 * every stored entry, as in the parallel path. */
export async function verifyInThread(
  journal: JournalTable, head: JournalHead, accounts: readonly Account[], read: ReadOptions,
  onProgress?: (checked: number, total: number) => void,
): Promise<JournalVerifyReport> {
  const verifier = new JournalVerifier(head);
  await readAndFeed(journal, { from: 1, to: head.seq + 1, ...read }, (entries, digests) => verifier.feed(entries, digests), (done) => onProgress?.(done, head.seq));
  return verifier.finish(accounts);
}

/**
 * Cuts seq 1..head into `ranges` equal ranges of whole journal blocks (each stored row is read by
 * one range only) and runs them at once. Range k gets the state range k - 1 ends with as soon as
 * that one is done (the first starts from the empty state); the partials are merged in order. When one range fails the others are stopped.
 */
export async function verifyInRanges(
  head: JournalHead, accounts: readonly Account[], ranges: number, read: ReadOptions, runRange: RangeRunner,
  onProgress?: (checked: number, total: number) => void,
): Promise<JournalVerifyReport> {
  assert(Number.isSafeInteger(ranges) && ranges >= 1 && ranges <= rangePartialsMax, 'ranges within bounds');
  const size = Math.ceil(Math.ceil(head.seq / ranges) / journalBlockEntries) * journalBlockEntries;
  const done = new Array<number>(ranges).fill(0);
  let stopNow: () => void = () => undefined;
  const stop = new Promise<void>((resolve) => {
    stopNow = resolve;
  });
  const partials: Promise<RangePartial>[] = [];
  for (let k = 0; k < ranges; k++) {
    const job: RangeJob = { from: Math.min(1 + k * size, head.seq + 1), to: Math.min(1 + (k + 1) * size, head.seq + 1), ...read };
    const onRangeProgress = (n: number) => {
      done[k] = n;
      onProgress?.(done.reduce((a, b) => a + b, 0), head.seq);
    };
    const later = partials[k - 1]?.then((p) => p.state);
    later?.catch(() => undefined); // the failure is reported once, by Promise.all below
    const io: RangeIo = later === undefined ? { start: emptyVerifierState(), onProgress: onRangeProgress } : { later, onProgress: onRangeProgress };
    partials.push(runRange(job, io, stop));
  }
  try {
    return mergePartials(head, await Promise.all(partials), accounts);
  } finally {
    stopNow();
  }
}

/** Runs ranges in this thread over `journal` (tests; a worker runs the same verifyStoredRange). */
export function rangeRunnerInThread(journal: JournalTable): RangeRunner {
  return (job, io) => verifyStoredRange(journal, job, io);
}
