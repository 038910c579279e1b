// Verifying a journal in ranges (one per worker) and merging the results into the report the
// sequential JournalVerifier gives for the same entries, field for field.
//
// A range does the expensive, order-free half of every entry on its own: the chain checks inside
// the range (each entry against its predecessor there), the hash of every entry, and each entry's
// stateless rules and effect. The half that needs the entries before (open holds, account
// currencies, pending balances: verify.ts applyEntryTo) runs against the state the previous range
// left: a range that starts before that state is known keeps one small op per entry and applies
// them in order once it arrives (settle). That sequential part is a few map lookups and bigint
// additions per entry, and exact by construction: it is the very code the sequential verifier runs.
// mergePartials then checks what no range can see alone: each range's first entry against the
// position and last hash of the ranges before it, and the stored head.

import { assert } from '../assert.ts';
import { genesisHash, isJournalHead } from './journal.ts';
import type { Account, JournalEntry, JournalHead } from './types.ts';
import {
  applyEntryTo,
  assertDigestsFit,
  chainBreakOf,
  hashMatches,
  emptyVerifierState,
  staticEffectOf,
  verifierFeedEntriesMax,
  verifyReportOf,
  type ChainBreakReason,
  type EntryDigests,
  type EntryEffect,
  type EntryOp,
  type JournalBreak,
  type JournalVerifyReport,
  type VerifierState,
} from './verify.ts';

/** One range holds at most this many entries: a range waiting for its start state keeps one op
 * (~100 bytes) per entry, so this bounds a worker's memory (~100 MB). */
export const rangeEntriesMax = 1_000_000;
/** mergePartials takes at most this many ranges (one per worker, a few per core at most). */
export const rangePartialsMax = 256;

/** What verifying one range shows, for mergePartials. Structured-clone safe. */
export type RangePartial = {
  /** Entries in the range. */
  readonly count: number;
  /** state.entriesApplied before this range: the ranges before it held this many entries. */
  readonly startApplied: number;
  /** The first entry's seq and prevHash, and whether its own hash matches: merge checks them
   * against the position and the last hash of the ranges before (undefined when count is 0). */
  readonly firstSeq: unknown;
  readonly firstPrevHash: unknown;
  readonly firstHashMatches: boolean;
  readonly lastHash: unknown;
  /** The first chain failure at index >= 1, seq counted from the first entry's seq. */
  readonly chainBreak?: { readonly index: number; readonly reason: ChainBreakReason };
  /** The first entry (index >= 0) that breaks the ledger's rules. */
  readonly invalidIndex?: number;
  /** The state after the range: the next range settles with it (and owns it from then on). */
  readonly state: VerifierState;
};

type Deferred = { readonly op: EntryOp; readonly effect: EntryEffect } | undefined;

/**
 * Usage: `const r = new RangeVerifier(startOrUndefined); r.feed(page)...; r.settle(start)` (when
 * the start state was not known) `; r.finish()`. Entries come in seq order; the first one fed is
 * the range's first entry.
 */
export class RangeVerifier {
  private count = 0;
  private firstSeq: unknown;
  private firstPrevHash: unknown;
  private firstHashMatches = false;
  private lastHash: unknown;
  private chainBreak: { index: number; reason: ChainBreakReason } | undefined;
  private invalidIndex: number | undefined;
  private state: VerifierState | undefined;
  private startApplied = 0;
  /** Ops of the entries fed before the start state was known, in order (undefined: invalid). */
  private deferred: Deferred[] = [];
  private finished = false;

  constructor(start?: VerifierState) {
    if (start !== undefined) this.begin(start);
  }

  get settled(): boolean {
    return this.state !== undefined;
  }

  private begin(start: VerifierState): void {
    assert(Number.isSafeInteger(start.entriesApplied) && start.entriesApplied >= 0, 'a start state counts its entries');
    this.state = start;
    this.startApplied = start.entriesApplied;
  }

  /** Entries in seq order; `digests` (optional) are the caller's SHA-256 of each (EntryDigests). */
  feed(entries: readonly JournalEntry[], digests?: EntryDigests): void {
    assert(!this.finished, 'feed before finish');
    assert(entries.length <= verifierFeedEntriesMax, `at most ${verifierFeedEntriesMax} entries per feed`);
    assert(this.count + entries.length <= rangeEntriesMax, `at most ${rangeEntriesMax} entries per range`);
    assertDigestsFit(entries, digests);
    for (let i = 0; i < entries.length; i += 1) this.check(entries[i] as JournalEntry, digests?.[i]);
  }

  private check(entry: JournalEntry, digest: Uint8Array | null | undefined): void {
    const index = this.count;
    this.count += 1;
    if (index === 0) {
      this.firstSeq = entry.seq;
      this.firstPrevHash = entry.prevHash;
      this.firstHashMatches = hashMatches(entry, digest);
    } else if (this.chainBreak === undefined) {
      // Relative to the first entry's seq: merge accepts that one only when it is the right
      // position, and then these checks are exactly the sequential ones. After the first break
      // later ones cannot come first, so (as sequentially) they are skipped.
      const reason = chainBreakOf(entry, (this.firstSeq as number) + index, this.lastHash, digest);
      if (reason !== undefined) this.chainBreak = { index, reason };
    }
    this.lastHash = entry.hash;
    const effect = staticEffectOf(entry);
    if (this.state === undefined) {
      this.deferred.push(effect === undefined ? undefined : { op: opOf(entry), effect });
      return;
    }
    if (!applyEntryTo(this.state, entry, effect)) this.invalidOnce(index);
  }

  private invalidOnce(index: number): void {
    if (this.invalidIndex === undefined) this.invalidIndex = index;
  }

  /** Applies the entries fed so far to the state the ranges before left (their last partial's);
   * the range owns `start` from then on and changes it. */
  settle(start: VerifierState): void {
    assert(!this.finished && this.state === undefined, 'settle once, before finish, when started without a state');
    this.begin(start);
    const state = start;
    const deferred = this.deferred;
    this.deferred = [];
    for (let index = 0; index < deferred.length; index += 1) {
      const d = deferred[index];
      const valid = d === undefined ? applyEntryTo(state, invalidOp, undefined) : applyEntryTo(state, d.op, d.effect);
      if (!valid) this.invalidOnce(index);
    }
  }

  finish(): RangePartial {
    assert(!this.finished, 'finish once');
    assert(this.state !== undefined, 'settle before finish');
    this.finished = true;
    assert(this.state.entriesApplied === this.startApplied + this.count, 'every entry of the range is applied');
    return {
      count: this.count,
      startApplied: this.startApplied,
      firstSeq: this.firstSeq,
      firstPrevHash: this.firstPrevHash,
      firstHashMatches: this.firstHashMatches,
      lastHash: this.lastHash,
      ...(this.chainBreak === undefined ? {} : { chainBreak: this.chainBreak }),
      ...(this.invalidIndex === undefined ? {} : { invalidIndex: this.invalidIndex }),
      state: this.state,
    };
  }
}

/** Only the fields the stateful rules read: the rest of the row (hashes, refs) can be freed. */
function opOf(entry: JournalEntry): EntryOp {
  return {
    kind: entry.kind,
    transferId: entry.transferId,
    pendingId: entry.pendingId,
    amount: entry.amount,
    releasedAmount: entry.releasedAmount,
    currency: entry.currency,
    debitAccountId: entry.debitAccountId,
    creditAccountId: entry.creditAccountId,
  };
}

/** Stands in for an entry that broke a stateless rule: applyEntryTo only counts it. */
const invalidOp: EntryOp = { kind: 'single', transferId: '', amount: '', currency: 'CNY', debitAccountId: '', creditAccountId: '' };

/** Verifies one in-memory range (tests, small journals): feed in pages, settle, finish. */
export function verifyRange(entries: readonly JournalEntry[], start?: VerifierState): RangeVerifier {
  const range = new RangeVerifier(start);
  for (let i = 0; i < entries.length; i += verifierFeedEntriesMax) range.feed(entries.slice(i, i + verifierFeedEntriesMax));
  return range;
}

/**
 * The report of the whole journal from its ranges' partials, in order: identical to what
 * JournalVerifier gives for the ranges' entries fed one after another. partials[k] must be settled
 * with partials[k - 1].state (the first with emptyVerifierState()): asserted through the counts.
 */
export function mergePartials(head: JournalHead, partials: readonly RangePartial[], accounts: Iterable<Account>): JournalVerifyReport {
  assert(isJournalHead(head), 'head is {seq >= 0, 64-hex hash}');
  assert(partials.length <= rangePartialsMax, `at most ${rangePartialsMax} ranges`);
  let position = 1; // the seq the next range's first entry must have
  let prevHash: unknown = genesisHash;
  let broken: JournalBreak | undefined;
  let state = emptyVerifierState();
  for (const p of partials) {
    assert(Number.isSafeInteger(p.count) && p.count >= 0 && p.count <= rangeEntriesMax, 'a range counts its entries');
    // The state itself is handed on (the next range may have mutated this object since); its count
    // at the start is not, so this catches a range settled with another range's state.
    assert(p.startApplied === position - 1, 'each range is settled with the state the ranges before it left');
    state = p.state;
    if (p.count === 0) continue;
    if (broken === undefined) broken = firstBreakOf(p, position, prevHash);
    prevHash = p.lastHash;
    position += p.count;
  }
  return verifyReportOf({ head, entriesChecked: position - 1, lastHash: prevHash, broken, state, accounts });
}

/** The range's first problem, its first entry being at `position` after an entry hashed `prevHash`.
 * At one entry the chain checks come before its rules, as in the sequential verifier. */
function firstBreakOf(p: RangePartial, position: number, prevHash: unknown): JournalBreak | undefined {
  if (p.firstSeq !== position) return { seq: position, reason: 'seq_gap' };
  if (p.firstPrevHash !== prevHash) return { seq: position, reason: 'prev_hash_mismatch' };
  if (!p.firstHashMatches) return { seq: position, reason: 'hash_mismatch' };
  const chain = p.chainBreak;
  const invalid = p.invalidIndex;
  if (chain !== undefined && (invalid === undefined || chain.index <= invalid)) return { seq: position + chain.index, reason: chain.reason };
  if (invalid !== undefined) return { seq: position + invalid, reason: 'entry_invalid' };
  return undefined;
}
