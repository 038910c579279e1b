// The journal verifier: reads the journal in chunks (the storage layer pages through IndexedDB),
// re-derives the hash chain, and recomputes every account's four balances from the entries alone.
// Hash chaining means editing any field of any entry shows: its own hash no longer matches, and
// rewriting that hash breaks the next entry's prevHash, and rewriting the last entry's hash breaks
// the separately stored head.

import { assert } from '../assert.ts';
import { isCurrencyCode, scaleOf, type CurrencyCode } from '../money/index.ts';
import { minorToAmount, storedToMinor } from './amount.ts';
import { balanceFields, type BalanceField } from './account.ts';
import { entryEffect, entryHashMatches, genesisHash, isJournalHead } from './journal.ts';
import type { Account, JournalEntry, JournalHead } from './types.ts';

/** One feed() call takes at most this many entries (a storage page, not the whole journal). */
export const verifierFeedEntriesMax = 100_000;
/** The report lists at most this many balance mismatches (balanceMismatchCount has them all). */
export const balanceMismatchesMax = 1_000;

/**
 * - seq_gap: an entry's seq is not the previous seq + 1 (a deleted, inserted or renumbered entry).
 * - prev_hash_mismatch: an entry's prevHash is not the previous entry's hash.
 * - hash_mismatch: an entry's hash is not the hash of its fields.
 * - entry_invalid: the hashes match but the entry breaks the ledger's rules (unknown kind or
 *   currency, malformed amount, a resolution of a pending transfer that is not open or of another
 *   amount): the writer was wrong, not the storage.
 * - head_mismatch: the last entry is not the stored head {seq, hash} (entries cut off the end, or
 *   the last entry rewritten with a fresh hash).
 */
export type JournalBrokenReason = 'seq_gap' | 'prev_hash_mismatch' | 'hash_mismatch' | 'entry_invalid' | 'head_mismatch';

export type BalanceMismatch = {
  readonly accountId: string;
  /** A balance field, 'currency' (entries in another currency), or 'account' (entries name an
   * account that is not stored: stored 'missing'). */
  readonly field: BalanceField | 'currency' | 'account';
  readonly stored: string;
  readonly recomputed: string;
};

export type JournalVerifyReport = {
  readonly ok: boolean;
  readonly entriesChecked: number;
  readonly firstBrokenSeq?: number;
  readonly firstBrokenReason?: JournalBrokenReason;
  readonly balanceMismatches: readonly BalanceMismatch[];
  readonly balanceMismatchCount: number;
};

type Recomputed = {
  readonly currency: CurrencyCode;
  readonly scale: number;
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
};

type OpenPending = {
  readonly amount: string;
  readonly currency: string;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
};

const kinds = new Set(['single', 'pending', 'post', 'void', 'expire']);

/**
 * Usage: `const v = new JournalVerifier(headFromMeta); for each page: v.feed(page); v.finish(accounts)`.
 * Entries must come in seq order from seq 1.
 */
export class JournalVerifier {
  private nextSeq = 1;
  private prevHash = genesisHash;
  private checked = 0;
  private brokenSeq: number | undefined;
  private brokenReason: JournalBrokenReason | undefined;
  private finished = false;
  private readonly balances = new Map<string, Recomputed>();
  private readonly openPendings = new Map<string, OpenPending>();

  constructor(private readonly head: JournalHead) {
    assert(isJournalHead(head), 'head is {seq >= 0, 64-hex hash}');
  }

  feed(entries: readonly JournalEntry[]): void {
    assert(!this.finished, 'feed before finish');
    assert(entries.length <= verifierFeedEntriesMax, `at most ${verifierFeedEntriesMax} entries per feed`);
    for (const entry of entries) this.check(entry);
  }

  private breakAt(seq: number, reason: JournalBrokenReason): void {
    if (this.brokenReason !== undefined) return;
    this.brokenSeq = seq;
    this.brokenReason = reason;
  }

  private check(entry: JournalEntry): void {
    this.checked += 1;
    const expectedSeq = this.nextSeq;
    this.nextSeq += 1;
    if (this.brokenReason === undefined) {
      // Once broken, later hashes prove nothing more; balances are still recomputed (best effort)
      // so the report shows which accounts disagree.
      if (entry.seq !== expectedSeq) this.breakAt(expectedSeq, 'seq_gap');
      else if (entry.prevHash !== this.prevHash) this.breakAt(expectedSeq, 'prev_hash_mismatch');
      else if (!entryHashMatches(entry)) this.breakAt(expectedSeq, 'hash_mismatch');
    }
    this.prevHash = entry.hash;
    if (!this.applyEntry(entry)) this.breakAt(expectedSeq, 'entry_invalid');
  }

  /** Adds the entry's effect to the recomputed balances; false when it breaks the ledger's rules. */
  private applyEntry(entry: JournalEntry): boolean {
    if (!kinds.has(entry.kind) || !isCurrencyCode(entry.currency)) return false;
    if (typeof entry.debitAccountId !== 'string' || typeof entry.creditAccountId !== 'string') return false;
    if (entry.debitAccountId === entry.creditAccountId) return false;
    const scale = scaleOf(entry.currency);
    const effect = entryEffect(entry.kind, entry.amount, entry.releasedAmount, scale);
    if (effect === undefined) return false;
    if (!this.trackPending(entry)) return false;
    const debit = this.recomputed(entry.debitAccountId, entry.currency, scale);
    const credit = this.recomputed(entry.creditAccountId, entry.currency, scale);
    if (debit === undefined || credit === undefined) return false;
    debit.debitsPosted += effect.posted;
    debit.debitsPending += effect.pending;
    credit.creditsPosted += effect.posted;
    credit.creditsPending += effect.pending;
    return debit.debitsPending >= 0n && credit.creditsPending >= 0n;
  }

  /** A pending opens once; exactly one post/void/expire of the same amount, accounts and currency
   * closes it. Only open holds are kept, so memory follows open holds, not journal length. */
  private trackPending(entry: JournalEntry): boolean {
    if (entry.kind === 'single') return entry.pendingId === undefined;
    if (entry.kind === 'pending') {
      if (entry.pendingId !== undefined || this.openPendings.has(entry.transferId)) return false;
      this.openPendings.set(entry.transferId, {
        amount: entry.amount,
        currency: entry.currency,
        debitAccountId: entry.debitAccountId,
        creditAccountId: entry.creditAccountId,
      });
      return true;
    }
    if (entry.pendingId === undefined) return false;
    const open = this.openPendings.get(entry.pendingId);
    if (open === undefined) return false;
    this.openPendings.delete(entry.pendingId);
    return open.amount === entry.releasedAmount && open.currency === entry.currency &&
      open.debitAccountId === entry.debitAccountId && open.creditAccountId === entry.creditAccountId;
  }

  private recomputed(accountId: string, currency: CurrencyCode, scale: number): Recomputed | undefined {
    let r = this.balances.get(accountId);
    if (r === undefined) {
      r = { currency, scale, debitsPosted: 0n, creditsPosted: 0n, debitsPending: 0n, creditsPending: 0n };
      this.balances.set(accountId, r);
    }
    return r.currency === currency ? r : undefined;
  }

  /** Checks the stored head and compares every stored account with its recomputed balances. */
  finish(accounts: Iterable<Account>): JournalVerifyReport {
    assert(!this.finished, 'finish once');
    this.finished = true;
    const lastSeq = this.nextSeq - 1;
    if (this.head.seq !== lastSeq || this.head.hash !== this.prevHash) {
      // The first seq that is wrong: the first missing one, the first extra one, or the head's own.
      const seq = lastSeq < this.head.seq ? lastSeq + 1 : lastSeq > this.head.seq ? this.head.seq + 1 : this.head.seq;
      this.breakAt(seq, 'head_mismatch');
    }

    const mismatches: BalanceMismatch[] = [];
    let mismatchCount = 0;
    const report = (m: BalanceMismatch) => {
      mismatchCount += 1;
      if (mismatches.length < balanceMismatchesMax) mismatches.push(m);
    };
    const seen = new Set<string>();
    for (const account of accounts) {
      if (seen.has(account.id)) continue;
      seen.add(account.id);
      const r = this.balances.get(account.id);
      if (r !== undefined && r.currency !== account.currency) {
        report({ accountId: account.id, field: 'currency', stored: String(account.currency), recomputed: r.currency });
        continue;
      }
      const scale = isCurrencyCode(account.currency) ? scaleOf(account.currency) : 0;
      for (const field of balanceFields) {
        const recomputed = r === undefined ? 0n : r[field];
        const stored = account[field];
        if (storedToMinor(stored, scale) !== recomputed) {
          report({ accountId: account.id, field, stored: String(stored), recomputed: minorToAmount(recomputed, scale) });
        }
      }
    }
    for (const [accountId, r] of this.balances) {
      if (!seen.has(accountId)) report({ accountId, field: 'account', stored: 'missing', recomputed: r.currency });
    }

    const broken = this.brokenReason === undefined ? {} : { firstBrokenSeq: this.brokenSeq, firstBrokenReason: this.brokenReason };
    return {
      ok: this.brokenReason === undefined && mismatchCount === 0,
      entriesChecked: this.checked,
      ...broken,
      balanceMismatches: mismatches,
      balanceMismatchCount: mismatchCount,
    };
  }
}

/** Verifies a whole in-memory journal at once (tests, small worlds). */
export function verifyJournal(head: JournalHead, entries: readonly JournalEntry[], accounts: Iterable<Account>): JournalVerifyReport {
  const verifier = new JournalVerifier(head);
  for (let i = 0; i < entries.length; i += verifierFeedEntriesMax) verifier.feed(entries.slice(i, i + verifierFeedEntriesMax));
  return verifier.finish(accounts);
}
