import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
  AssertionError,
  JournalVerifier,
  RangeVerifier,
  canonicalEntryJson,
  chainEntries,
  digestMatchesHash,
  emptyVerifierState,
  genesisHead,
  headAfter,
  mergePartials,
  verifyJournal,
  verifyRange,
  type Account,
  type JournalEntry,
  type JournalEntryDraft,
  type JournalHead,
  type RangePartial,
} from '../../src/domain/index.ts';

// Verifying a journal in ranges: the cases where one range depends on another, one by one. (The
// property test in test/property/ledger-verify-merge.test.ts covers random journals and splits.)

const base = { debitAccountId: 'x', creditAccountId: 'y', currency: 'CNY' as const, code: 'c', refs: {}, at: 1 };
const pending = (id: string, amount = '5.00'): JournalEntryDraft => ({ ...base, transferId: id, kind: 'pending', amount });
const post = (id: string, pendingId: string, amount = '5.00', releasedAmount = '5.00'): JournalEntryDraft => ({ ...base, transferId: id, kind: 'post', amount, releasedAmount, pendingId });
const single = (id: string, amount = '1.00', patch: Partial<JournalEntryDraft> = {}): JournalEntryDraft => ({ ...base, transferId: id, kind: 'single', amount, ...patch });

function accountsFor(entries: readonly JournalEntry[]): Account[] {
  const report = verifyJournal(headAfter(genesisHead, entries), entries, []);
  // The recomputed balances as stored accounts, so a consistent journal verifies ok.
  const byId = new Map<string, Account>();
  for (const m of report.balanceMismatches) {
    if (m.field !== 'account') continue;
    byId.set(m.accountId, { id: m.accountId, partyId: 'p', bookId: 'b', code: 'c', name: m.accountId, currency: m.recomputed as Account['currency'], normal: 'credit', flags: {}, debitsPosted: '0.00', creditsPosted: '0.00', debitsPending: '0.00', creditsPending: '0.00', createdAt: 0 });
  }
  const fixed = verifyJournal(headAfter(genesisHead, entries), entries, byId.values());
  for (const m of fixed.balanceMismatches) {
    const a = byId.get(m.accountId) as Account;
    if (m.field !== 'account' && m.field !== 'currency') byId.set(m.accountId, { ...a, [m.field]: m.recomputed });
  }
  return [...byId.values()];
}

/** Ranges cut at `cuts`, the later ones deferred (their start state arrives after their entries). */
function merged(head: JournalHead, entries: readonly JournalEntry[], accounts: readonly Account[], cuts: readonly number[]) {
  const bounds = [0, ...cuts, entries.length];
  const partials: RangePartial[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const previous = partials[k - 1];
    const range = verifyRange(entries.slice(bounds[k], bounds[k + 1]), previous === undefined ? emptyVerifierState() : undefined);
    if (previous !== undefined) range.settle(structuredClone(previous.state));
    partials.push(range.finish());
  }
  return mergePartials(head, partials, accounts);
}

function both(head: JournalHead, entries: readonly JournalEntry[], accounts: readonly Account[], cuts: readonly number[]) {
  const sequential = verifyJournal(head, entries, accounts);
  expect(merged(head, entries, accounts, cuts)).toEqual(sequential);
  return sequential;
}

describe('ranges that depend on each other', () => {
  it('a hold opened in one range and posted in the next verifies ok, and balances add up across ranges', () => {
    const entries = chainEntries(genesisHead, [single('s1'), pending('h'), single('s2'), post('p', 'h', '3.00'), single('s3')]);
    const accounts = accountsFor(entries);
    expect(accounts.find((a) => a.id === 'x')).toMatchObject({ debitsPosted: '6.00', debitsPending: '0.00' });
    for (const cuts of [[1], [2], [3], [2, 3], [1, 2, 3, 4], [0, 5]]) {
      expect(both(headAfter(genesisHead, entries), entries, accounts, cuts)).toEqual({ ok: true, entriesChecked: 5, balanceMismatches: [], balanceMismatchCount: 0 });
    }
  });

  it('a hold resolved twice, in two later ranges, is entry_invalid at the second resolution', () => {
    const entries = chainEntries(genesisHead, [pending('h'), single('s1'), post('p', 'h'), single('s2'), post('p2', 'h')]);
    for (const cuts of [[1], [2], [3], [4], [1, 3], [2, 4]]) {
      expect(both(headAfter(genesisHead, entries), entries, [], cuts)).toMatchObject({ ok: false, firstBrokenSeq: 5, firstBrokenReason: 'entry_invalid' });
    }
  });

  it('a post of another released amount than the hold, in a later range, is entry_invalid there', () => {
    const entries = chainEntries(genesisHead, [pending('h', '5.00'), single('s1'), post('p', 'h', '1.00', '4.00'), single('s2')]);
    for (const cuts of [[1], [2], [1, 2]]) {
      expect(both(headAfter(genesisHead, entries), entries, [], cuts)).toMatchObject({ ok: false, firstBrokenSeq: 3, firstBrokenReason: 'entry_invalid' });
    }
  });

  it('a post in an earlier range than its hold, and a hold opened twice across ranges, are entry_invalid', () => {
    const early = chainEntries(genesisHead, [single('s1'), post('p', 'h'), pending('h')]);
    expect(both(headAfter(genesisHead, early), early, [], [2])).toMatchObject({ firstBrokenSeq: 2, firstBrokenReason: 'entry_invalid' });
    const twice = chainEntries(genesisHead, [pending('h'), single('s1'), pending('h')]);
    expect(both(headAfter(genesisHead, twice), twice, [], [1])).toMatchObject({ firstBrokenSeq: 3, firstBrokenReason: 'entry_invalid' });
  });

  it('an account used in another currency in a later range is entry_invalid there, and a currency mismatch in the report', () => {
    const entries = chainEntries(genesisHead, [single('s1'), single('s2'), single('s3', '1', { currency: 'JPY' })]);
    const report = both(headAfter(genesisHead, entries), entries, accountsFor(entries.slice(0, 2)), [2]);
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: 3, firstBrokenReason: 'entry_invalid' });
    expect(report.balanceMismatchCount).toBe(0);
  });

  it('an entry deleted at a range boundary is a seq_gap at the first missing seq; a truncated tail is head_mismatch', () => {
    const entries = chainEntries(genesisHead, [single('s1'), single('s2'), single('s3'), single('s4')]);
    const head = headAfter(genesisHead, entries);
    const gap = [...entries.slice(0, 2), ...entries.slice(3)];
    expect(both(head, gap, [], [2])).toMatchObject({ firstBrokenSeq: 3, firstBrokenReason: 'seq_gap' });
    expect(both(head, entries.slice(0, 3), [], [2])).toMatchObject({ firstBrokenSeq: 4, firstBrokenReason: 'head_mismatch' });
    const rewritten = entries.map((e, i) => (i === 2 ? { ...e, amount: '9.00' } : e));
    expect(both(head, rewritten, [], [2])).toMatchObject({ firstBrokenSeq: 3, firstBrokenReason: 'hash_mismatch' });
    const relinked = entries.map((e, i) => (i === 2 ? { ...e, prevHash: entries[0]?.hash as string } : e));
    expect(both(head, relinked, [], [2])).toMatchObject({ firstBrokenSeq: 3, firstBrokenReason: 'prev_hash_mismatch' });
  });

  it('a range whose first entry passes the chain checks but breaks a rule reports entry_invalid at that entry', () => {
    const entries = chainEntries(genesisHead, [single('s1'), post('p', 'nope'), single('s3')]);
    expect(both(headAfter(genesisHead, entries), entries, [], [1])).toMatchObject({ firstBrokenSeq: 2, firstBrokenReason: 'entry_invalid' });
  });
});

describe('digests from the caller', () => {
  const entries = chainEntries(genesisHead, [single('s1', '1.00', { refs: { note: '收款' } }), pending('h'), post('p', 'h')]);
  const digestOf = (e: JournalEntry) => sha256(utf8ToBytes(canonicalEntryJson(e) as string));

  it('are compared with the stored hashes instead of hashing again', () => {
    const digests = entries.map(digestOf);
    expect(digests.every((d, i) => digestMatchesHash(d, entries[i]?.hash))).toBe(true);
    const head = headAfter(genesisHead, entries);
    const v = new JournalVerifier(head);
    v.feed(entries, digests);
    expect(v.finish(accountsFor(entries))).toEqual(verifyJournal(head, entries, accountsFor(entries)));
    // A wrong digest (or none: the entry cannot be hashed) is a hash mismatch at that entry.
    for (const wrong of [digestOf(entries[0] as JournalEntry), null]) {
      const w = new JournalVerifier(head);
      w.feed(entries, [digests[0] as Uint8Array, wrong, digests[2] as Uint8Array]);
      expect(w.finish([])).toMatchObject({ firstBrokenSeq: 2, firstBrokenReason: 'hash_mismatch' });
      const r = new RangeVerifier();
      r.feed(entries.slice(1), [wrong, digests[2] as Uint8Array]);
      r.settle(emptyVerifierState());
      expect(r.finish().firstHashMatches).toBe(false);
    }
    expect(digestMatchesHash(digests[0] as Uint8Array, 5)).toBe(false);
    expect(digestMatchesHash(digests[0] as Uint8Array, 'ab')).toBe(false);
    expect(() => digestMatchesHash(new Uint8Array(31), entries[0]?.hash)).toThrow(AssertionError);
    expect(() => new JournalVerifier(head).feed(entries, digests.slice(1))).toThrow(AssertionError);
  });
});

describe('guards', () => {
  const entries = chainEntries(genesisHead, [single('s1'), single('s2')]);
  const head = headAfter(genesisHead, entries);

  it('a range settles once, before finish, only when started without a state', () => {
    const started = new RangeVerifier(emptyVerifierState());
    expect(() => started.settle(emptyVerifierState())).toThrow(AssertionError);
    const waiting = new RangeVerifier();
    waiting.feed(entries);
    expect(waiting.settled).toBe(false);
    expect(() => waiting.finish()).toThrow(AssertionError);
    waiting.settle(emptyVerifierState());
    expect(() => waiting.settle(emptyVerifierState())).toThrow(AssertionError);
    waiting.finish();
    expect(() => waiting.finish()).toThrow(AssertionError);
    expect(() => waiting.feed([])).toThrow(AssertionError);
  });

  it('merge refuses partials that were not settled in order', () => {
    const first = verifyRange(entries.slice(0, 1), emptyVerifierState()).finish();
    const wrong = verifyRange(entries.slice(1), emptyVerifierState()).finish(); // should have had first.state
    expect(() => mergePartials(head, [first, wrong], [])).toThrow(AssertionError);
    const right = verifyRange(entries.slice(1), first.state).finish();
    expect(mergePartials(head, [first, right], [])).toEqual(verifyJournal(head, entries, []));
    expect(mergePartials(genesisHead, [], [])).toEqual(verifyJournal(genesisHead, [], []));
    expect(() => mergePartials({ seq: 1, hash: 'nope' }, [], [])).toThrow(AssertionError);
  });
});
