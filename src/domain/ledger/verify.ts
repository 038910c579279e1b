// The journal verifier: reads the journal in chunks (the storage layer pages through IndexedDB),
// re-derives the hash chain, and recomputes every account's four balances from the entries alone.
// Hash chaining means editing any field of any entry shows: its own hash no longer matches, and
// rewriting that hash breaks the next entry's prevHash, and rewriting the last entry's hash breaks
// the separately stored head.
//
// The rules are split in two halves so a journal can also be verified in ranges, in parallel
// (verify-merge.ts): what one entry proves on its own or with its predecessor's hash (the chain
// checks, the stateless entry rules and the entry's effect: all the expensive work), and what needs
// the entries before it (open holds, each account's currency, pending balances that must not go
// negative: a few map lookups per entry). JournalVerifier runs both halves per entry, in order.

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

/** The reasons one entry and its predecessor's hash show on their own. */
export type ChainBreakReason = 'seq_gap' | 'prev_hash_mismatch' | 'hash_mismatch';

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

/** One account's four balances recomputed from the entries, in minor units. */
export type RecomputedBalances = {
  readonly currency: CurrencyCode;
  readonly scale: number;
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
};

/** A pending transfer that no post, void or expire has resolved yet. */
export type OpenPending = {
  readonly amount: string;
  readonly currency: string;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
};

/**
 * What the entries so far leave for the next one: recomputed balances, open holds, and how many
 * entries were applied (valid or not). Plain Maps, bigints and strings only, so it survives
 * structured clone: a verifying worker hands it to the one verifying the next range. Memory follows
 * accounts and open holds, not journal length.
 */
export type VerifierState = {
  entriesApplied: number;
  readonly balances: Map<string, RecomputedBalances>;
  readonly openPendings: Map<string, OpenPending>;
};

export function emptyVerifierState(): VerifierState {
  return { entriesApplied: 0, balances: new Map(), openPendings: new Map() };
}

/** The fields of an entry that the stateful rules read (a journal entry is one). */
export type EntryOp = Pick<JournalEntry, 'kind' | 'transferId' | 'pendingId' | 'amount' | 'releasedAmount' | 'currency' | 'debitAccountId' | 'creditAccountId'>;

/** What an entry does to its debit and credit account, in minor units (see entryEffect). */
export type EntryEffect = { readonly posted: bigint; readonly pending: bigint };

const kinds = new Set(['single', 'pending', 'post', 'void', 'expire']);

/**
 * SHA-256 digests the caller computed for a page of entries (e.g. with WebCrypto, which hashes on
 * another thread in native code): index i is the digest of the UTF-8 bytes of
 * canonicalEntryJson(entries[i]), null when that is undefined (the entry cannot be hashed). The
 * verifier compares each with the entry's stored hash instead of hashing it again.
 */
export type EntryDigests = readonly (Uint8Array | null)[];

/** Bytes of a SHA-256 digest. */
export const entryDigestLength = 32;

const hexCodes = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));

/** Is `hash` the lowercase hex of `digest`? Compared in place: no hex string per entry. */
export function digestMatchesHash(digest: Uint8Array | null, hash: unknown): boolean {
  if (digest === null || typeof hash !== 'string') return false;
  assert(digest.length === entryDigestLength, 'a SHA-256 digest is 32 bytes');
  if (hash.length !== 2 * entryDigestLength) return false;
  for (let i = 0; i < entryDigestLength; i += 1) {
    const byte = digest[i] as number;
    if (hash.charCodeAt(2 * i) !== hexCodes[byte >> 4] || hash.charCodeAt(2 * i + 1) !== hexCodes[byte & 15]) return false;
  }
  return true;
}

/**
 * The chain checks of the entry at position `expectedSeq` whose predecessor's hash is `prevHash`,
 * in the order the verifier reports them: undefined when all three hold. The hash check is the
 * expensive one (canonical JSON and SHA-256), so it runs last; `digest` is the caller's digest of
 * the entry (see EntryDigests), undefined to hash it here.
 */
export function chainBreakOf(entry: JournalEntry, expectedSeq: number, prevHash: unknown, digest?: Uint8Array | null): ChainBreakReason | undefined {
  if (entry.seq !== expectedSeq) return 'seq_gap';
  if (entry.prevHash !== prevHash) return 'prev_hash_mismatch';
  if (!hashMatches(entry, digest)) return 'hash_mismatch';
  return undefined;
}

/** The entry's own hash check, with the caller's digest when there is one. */
export function hashMatches(entry: JournalEntry, digest: Uint8Array | null | undefined): boolean {
  return digest === undefined ? entryHashMatches(entry) : digestMatchesHash(digest, entry.hash);
}

/** Checks the optional digests of a feed against its entries. */
export function assertDigestsFit(entries: readonly JournalEntry[], digests: EntryDigests | undefined): void {
  assert(digests === undefined || digests.length === entries.length, 'one digest per entry');
}

/**
 * The rules an entry must meet whatever came before it (known kind and currency, two different
 * account ids, amounts well-formed for its kind): its effect, or undefined when it breaks one.
 */
export function staticEffectOf(entry: EntryOp): EntryEffect | undefined {
  if (!kinds.has(entry.kind) || !isCurrencyCode(entry.currency)) return undefined;
  if (typeof entry.debitAccountId !== 'string' || typeof entry.creditAccountId !== 'string') return undefined;
  if (entry.debitAccountId === entry.creditAccountId) return undefined;
  return entryEffect(entry.kind, entry.amount, entry.releasedAmount, scaleOf(entry.currency));
}

/**
 * Applies the next entry (its op and the effect staticEffectOf gave, undefined when it broke a
 * stateless rule) to `state`; false when the entry is invalid. An invalid entry still counts, and
 * whatever part of it the rules got to stays applied, exactly as the entries are read one by one.
 */
export function applyEntryTo(state: VerifierState, op: EntryOp, effect: EntryEffect | undefined): boolean {
  state.entriesApplied += 1;
  if (effect === undefined) return false;
  if (!trackPending(state.openPendings, op)) return false;
  const scale = scaleOf(op.currency);
  const debit = recomputed(state.balances, op.debitAccountId, op.currency, scale);
  const credit = recomputed(state.balances, op.creditAccountId, op.currency, scale);
  if (debit === undefined || credit === undefined) return false;
  debit.debitsPosted += effect.posted;
  debit.debitsPending += effect.pending;
  credit.creditsPosted += effect.posted;
  credit.creditsPending += effect.pending;
  return debit.debitsPending >= 0n && credit.creditsPending >= 0n;
}

/** A pending opens once; exactly one post/void/expire of the same amount, accounts and currency
 * closes it. Only open holds are kept, so memory follows open holds, not journal length. */
function trackPending(openPendings: Map<string, OpenPending>, op: EntryOp): boolean {
  if (op.kind === 'single') return op.pendingId === undefined;
  if (op.kind === 'pending') {
    if (op.pendingId !== undefined || openPendings.has(op.transferId)) return false;
    openPendings.set(op.transferId, {
      amount: op.amount,
      currency: op.currency,
      debitAccountId: op.debitAccountId,
      creditAccountId: op.creditAccountId,
    });
    return true;
  }
  if (op.pendingId === undefined) return false;
  const open = openPendings.get(op.pendingId);
  if (open === undefined) return false;
  openPendings.delete(op.pendingId);
  return open.amount === op.releasedAmount && open.currency === op.currency &&
    open.debitAccountId === op.debitAccountId && open.creditAccountId === op.creditAccountId;
}

/** The account's recomputed balances; its first entry fixes its currency (undefined for another). */
function recomputed(balances: Map<string, RecomputedBalances>, accountId: string, currency: CurrencyCode, scale: number): RecomputedBalances | undefined {
  let r = balances.get(accountId);
  if (r === undefined) {
    r = { currency, scale, debitsPosted: 0n, creditsPosted: 0n, debitsPending: 0n, creditsPending: 0n };
    balances.set(accountId, r);
  }
  return r.currency === currency ? r : undefined;
}

/** Where the first problem is; the first one found wins. */
export type JournalBreak = { readonly seq: number; readonly reason: JournalBrokenReason };

/**
 * The report once every entry is applied: checks the stored head against the last entry (position
 * `entriesChecked`, hash `lastHash`), then compares every stored account with its recomputed
 * balances. `broken` is the first problem the entries showed, if any.
 */
export function verifyReportOf(input: {
  readonly head: JournalHead;
  readonly entriesChecked: number;
  readonly lastHash: unknown;
  readonly broken: JournalBreak | undefined;
  readonly state: VerifierState;
  readonly accounts: Iterable<Account>;
}): JournalVerifyReport {
  const { head, entriesChecked: lastSeq, state } = input;
  assert(isJournalHead(head), 'head is {seq >= 0, 64-hex hash}');
  assert(Number.isSafeInteger(lastSeq) && lastSeq >= 0 && state.entriesApplied === lastSeq, 'the state has every checked entry applied');
  let broken = input.broken;
  if (broken === undefined && (head.seq !== lastSeq || head.hash !== input.lastHash)) {
    // The first seq that is wrong: the first missing one, the first extra one, or the head's own.
    const seq = lastSeq < head.seq ? lastSeq + 1 : lastSeq > head.seq ? head.seq + 1 : head.seq;
    broken = { seq, reason: 'head_mismatch' };
  }

  const mismatches: BalanceMismatch[] = [];
  let mismatchCount = 0;
  const report = (m: BalanceMismatch) => {
    mismatchCount += 1;
    if (mismatches.length < balanceMismatchesMax) mismatches.push(m);
  };
  const seen = new Set<string>();
  for (const account of input.accounts) {
    if (seen.has(account.id)) continue;
    seen.add(account.id);
    const r = state.balances.get(account.id);
    if (r !== undefined && r.currency !== account.currency) {
      report({ accountId: account.id, field: 'currency', stored: String(account.currency), recomputed: r.currency });
      continue;
    }
    const scale = isCurrencyCode(account.currency) ? scaleOf(account.currency) : 0;
    for (const field of balanceFields) {
      const recomputedMinor = r === undefined ? 0n : r[field];
      const stored = account[field];
      if (storedToMinor(stored, scale) !== recomputedMinor) {
        report({ accountId: account.id, field, stored: String(stored), recomputed: minorToAmount(recomputedMinor, scale) });
      }
    }
  }
  for (const [accountId, r] of state.balances) {
    if (!seen.has(accountId)) report({ accountId, field: 'account', stored: 'missing', recomputed: r.currency });
  }

  const brokenFields = broken === undefined ? {} : { firstBrokenSeq: broken.seq, firstBrokenReason: broken.reason };
  return {
    ok: broken === undefined && mismatchCount === 0,
    entriesChecked: lastSeq,
    ...brokenFields,
    balanceMismatches: mismatches,
    balanceMismatchCount: mismatchCount,
  };
}

/**
 * Usage: `const v = new JournalVerifier(headFromMeta); for each page: v.feed(page); v.finish(accounts)`.
 * Entries must come in seq order from seq 1.
 */
export class JournalVerifier {
  private prevHash: unknown = genesisHash;
  private checked = 0;
  private broken: JournalBreak | undefined;
  private finished = false;
  private readonly state = emptyVerifierState();

  constructor(private readonly head: JournalHead) {
    assert(isJournalHead(head), 'head is {seq >= 0, 64-hex hash}');
  }

  /** Entries in seq order; `digests` (optional) are the caller's SHA-256 of each (EntryDigests). */
  feed(entries: readonly JournalEntry[], digests?: EntryDigests): void {
    assert(!this.finished, 'feed before finish');
    assert(entries.length <= verifierFeedEntriesMax, `at most ${verifierFeedEntriesMax} entries per feed`);
    assertDigestsFit(entries, digests);
    for (let i = 0; i < entries.length; i += 1) this.check(entries[i] as JournalEntry, digests?.[i]);
  }

  private check(entry: JournalEntry, digest: Uint8Array | null | undefined): void {
    this.checked += 1;
    const expectedSeq = this.checked;
    if (this.broken === undefined) {
      // Once broken, later hashes prove nothing more; balances are still recomputed (best effort)
      // so the report shows which accounts disagree.
      const reason = chainBreakOf(entry, expectedSeq, this.prevHash, digest);
      if (reason !== undefined) this.broken = { seq: expectedSeq, reason };
    }
    this.prevHash = entry.hash;
    const valid = applyEntryTo(this.state, entry, staticEffectOf(entry));
    if (!valid && this.broken === undefined) this.broken = { seq: expectedSeq, reason: 'entry_invalid' };
  }

  /** Checks the stored head and compares every stored account with its recomputed balances. */
  finish(accounts: Iterable<Account>): JournalVerifyReport {
    assert(!this.finished, 'finish once');
    this.finished = true;
    return verifyReportOf({ head: this.head, entriesChecked: this.checked, lastHash: this.prevHash, broken: this.broken, state: this.state, accounts });
  }
}

/** Verifies a whole in-memory journal at once (tests, small worlds). */
export function verifyJournal(head: JournalHead, entries: readonly JournalEntry[], accounts: Iterable<Account>): JournalVerifyReport {
  const verifier = new JournalVerifier(head);
  for (let i = 0; i < entries.length; i += verifierFeedEntriesMax) verifier.feed(entries.slice(i, i + verifierFeedEntriesMax));
  return verifier.finish(accounts);
}
