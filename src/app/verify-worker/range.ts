import { assert } from '../../domain/assert.ts';
import { RangeVerifier, rangeEntriesMax, type RangePartial } from '../../domain/ledger/verify-merge.ts';
import type { EntryDigests, VerifierState } from '../../domain/ledger/verify.ts';
import type { JournalEntry } from '../../domain/ledger/types.ts';
import { readJournalRange, type JournalTable } from '../../storage/journal-store.ts';
import { digestsFor, type HashEngine } from './digest.ts';

// Verifying one seq range of a stored journal: the same code runs inside a verify worker (which
// opened the world's database itself) and in this thread (tests, or no Worker). Imports stay in
// src/domain's ledger modules, the journal's storage layout and Dexie, so the worker's bundle stays
// small and starts fast.

/** One range of the journal: entries with from <= seq < to, read `chunkEntries` at a time,
 * hashed with `engine`. */
export type RangeJob = { readonly from: number; readonly to: number; readonly chunkEntries: number; readonly engine: HashEngine };

export type RangeIo = {
  /** The state the ranges before left, when already known (the first range: the empty state). */
  readonly start?: VerifierState;
  /** Otherwise it arrives here once the range before is done. */
  readonly later?: Promise<VerifierState>;
  /** After each chunk: how many seqs of the range are done. */
  readonly onProgress?: (done: number) => void;
};

export function isRangeJob(job: unknown): job is RangeJob {
  if (typeof job !== 'object' || job === null) return false;
  const j = job as Record<string, unknown>;
  return Number.isSafeInteger(j.from) && Number.isSafeInteger(j.to) && Number.isSafeInteger(j.chunkEntries) &&
    (j.from as number) >= 1 && (j.from as number) <= (j.to as number) && (j.to as number) - (j.from as number) <= rangeEntriesMax &&
    (j.chunkEntries as number) >= 1 && (j.engine === 'webcrypto' || j.engine === 'noble');
}

/** Chunk reads kept in flight: IndexedDB serves one connection's reads one after another, so a
 * second queued read keeps it busy while this thread decodes and hashes the first. */
export const rangeReadsAhead = 2;

/**
 * Reads entries from <= seq < to chunk by chunk and hands each chunk with its digests to `feed`, in
 * order, overlapping three things: the next chunks' reads (rangeReadsAhead of them in flight), this
 * chunk's hashing (on WebCrypto's thread, started as soon as the chunk arrives) and the previous
 * chunk's checks. Every stored entry in the range is read, missing ones do not stop it.
 */
export async function readAndFeed(
  journal: JournalTable,
  read: { readonly from: number; readonly to: number; readonly chunkEntries: number; readonly engine: HashEngine },
  feed: (entries: JournalEntry[], digests: EntryDigests) => void,
  onProgress?: (done: number) => void,
): Promise<void> {
  assert(Number.isSafeInteger(read.from) && Number.isSafeInteger(read.to) && read.from <= read.to && read.chunkEntries >= 1, 'a read range is {from <= to, chunkEntries >= 1}');
  const reads: Promise<JournalEntry[]>[] = [];
  let nextRead = read.from;
  const readMore = () => {
    while (reads.length < rangeReadsAhead && nextRead < read.to) {
      const to = Math.min(nextRead + read.chunkEntries, read.to);
      reads.push(readJournalRange(journal, nextRead, to));
      nextRead = to;
    }
  };
  readMore();
  const chunksMax = Math.ceil((read.to - read.from) / read.chunkEntries);
  let previous: { entries: JournalEntry[]; digests: Promise<EntryDigests>; done: number } | undefined;
  const feedPrevious = async () => {
    if (previous === undefined) return;
    feed(previous.entries, await previous.digests);
    onProgress?.(previous.done);
  };
  for (let chunk = 0; chunk < chunksMax; chunk++) {
    const next = reads.shift();
    assert(next !== undefined, 'a read is in flight for every chunk');
    const entries = await next;
    readMore();
    const done = Math.min((chunk + 1) * read.chunkEntries, read.to - read.from);
    const digests = digestsFor(read.engine, entries);
    digests.catch(() => undefined); // awaited in feedPrevious; a failure surfaces there
    await feedPrevious();
    previous = { entries, digests, done };
  }
  await feedPrevious();
  assert(reads.length === 0 && nextRead === read.to, 'every chunk of the range is read');
}

/** Verifies a range of the stored journal (see readAndFeed), then settles it with the state the
 * ranges before left if it did not start with one. */
export async function verifyStoredRange(journal: JournalTable, job: RangeJob, io: RangeIo): Promise<RangePartial> {
  assert(isRangeJob(job), 'a range job is {1 <= from <= to, to - from <= rangeEntriesMax, chunkEntries >= 1}');
  assert((io.start === undefined) !== (io.later === undefined), 'a range gets its start state now or later, not both');
  const range = new RangeVerifier(io.start);
  await readAndFeed(journal, job, (entries, digests) => range.feed(entries, digests), io.onProgress);
  if (!range.settled) range.settle(await (io.later as Promise<VerifierState>));
  return range.finish();
}
