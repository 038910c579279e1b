import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MemoryLedger,
  RangeVerifier,
  emptyVerifierState,
  entryHash,
  genesisHash,
  isJournalHead,
  mergePartials,
  minorToAmount,
  verifyJournal,
  type Account,
  type AccountInput,
  type CurrencyCode,
  type JournalEntry,
  type JournalHead,
  type JournalVerifyReport,
  type RangePartial,
  type TransferRequest,
} from '../../src/domain/index.ts';

// The parallel verifier (ranges verified apart, then merged) must give the sequential verifier's
// report for EVERY input: valid journals, tampered ones whose chain breaks, and rewritten ones whose
// chain is intact but whose entries break the ledger's rules across range boundaries (a post in one
// range of a hold opened in another, resolving twice, wrong released amounts, currency conflicts).

const t0 = Date.UTC(2025, 0, 1);

const accountInputs: AccountInput[] = [
  { id: 'src', partyId: 'bank', bookId: 'bank', code: 'bank.cash', name: 'cash', currency: 'CNY', normal: 'debit' },
  { id: 'a', partyId: 'pa', bookId: 'bank', code: 'bank.deposit', name: 'a', currency: 'CNY', normal: 'credit' },
  { id: 'b', partyId: 'pb', bookId: 'bank', code: 'bank.deposit', name: 'b', currency: 'CNY', normal: 'credit' },
  { id: 'c', partyId: 'pc', bookId: 'escrow', code: 'escrow.wallet', name: 'c', currency: 'CNY', normal: 'credit' },
  { id: 'usd-src', partyId: 'bank', bookId: 'bank', code: 'bank.cash', name: 'usd cash', currency: 'USD', normal: 'debit' },
  { id: 'usd', partyId: 'pa', bookId: 'bank', code: 'bank.deposit', name: 'usd', currency: 'USD', normal: 'credit' },
  { id: 'jpy-src', partyId: 'bank', bookId: 'bank', code: 'bank.cash', name: 'jpy cash', currency: 'JPY', normal: 'debit' },
  { id: 'jpy', partyId: 'pa', bookId: 'bank', code: 'bank.deposit', name: 'jpy', currency: 'JPY', normal: 'credit' },
];
const accountIds = accountInputs.map((a) => a.id);
const currencyOf = new Map(accountInputs.map((a) => [a.id, a.currency]));

type Action =
  | { t: 'single' | 'pending'; debit: number; credit: number; minor: number; timeout: boolean }
  | { t: 'post'; pick: number; partialMinor: number | null }
  | { t: 'void' | 'expire'; pick: number }
  | { t: 'tick'; ms: number };

const accountArb = fc.integer({ min: 0, max: accountIds.length - 1 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constantFrom('single' as const, 'pending' as const), debit: accountArb, credit: accountArb, minor: fc.integer({ min: 1, max: 5000 }), timeout: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('post' as const), pick: fc.nat(), partialMinor: fc.option(fc.integer({ min: 1, max: 5000 })) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constantFrom('void' as const, 'expire' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 100 }) }) },
);

/** A valid journal: MemoryLedger applies every action (refusals write nothing). */
function buildLedger(actions: readonly Action[]): MemoryLedger {
  const ledger = new MemoryLedger();
  for (const input of accountInputs) {
    const added = ledger.addAccount(input, t0);
    if (!added.ok) throw new Error(added.code);
  }
  let now = t0;
  let n = 0;
  for (const action of actions) {
    n += 1;
    if (action.t === 'tick') {
      now += action.ms;
      continue;
    }
    let request: TransferRequest;
    if ('pick' in action) {
      const open = [...ledger.transfers.values()].filter((t) => t.kind === 'pending' && t.state === 'open');
      const pending = open[action.pick % Math.max(1, open.length)];
      if (pending === undefined) continue;
      if (action.t === 'post') {
        const scale = pending.currency === 'JPY' ? 0 : 2;
        request = { id: `t${n}`, kind: 'post', pendingId: pending.id, ...(action.partialMinor === null ? {} : { amount: minorToAmount(BigInt(action.partialMinor), scale) }) };
      } else {
        request = { id: `t${n}`, kind: action.t, pendingId: pending.id };
      }
    } else {
      const debit = accountIds[action.debit] as string;
      const currency = currencyOf.get(debit) as CurrencyCode;
      const amount = minorToAmount(BigInt(action.minor), currency === 'JPY' ? 0 : 2);
      request = {
        id: `t${n}`, kind: action.t, debitAccountId: debit, creditAccountId: accountIds[action.credit] as string, amount, currency, code: 'c',
        refs: { n: String(n) }, ...(action.t === 'pending' && action.timeout ? { timeoutAt: now + 50 } : {}),
      };
    }
    const applied = ledger.apply([request], now);
    if (!applied.ok) throw new Error(applied.code);
  }
  return ledger;
}

type Edit =
  | { t: 'set'; pick: number; field: string; value: number }
  | { t: 'delete'; pick: number }
  | { t: 'move'; pick: number; to: number }
  | { t: 'duplicate'; pick: number; to: number };

const editFields = ['amount', 'releasedAmount', 'kind', 'currency', 'pendingId', 'transferId', 'debitAccountId', 'creditAccountId', 'seq', 'prevHash', 'hash', 'at', 'refs'];
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('set' as const), pick: fc.nat(), field: fc.constantFrom(...editFields), value: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constantFrom('move' as const, 'duplicate' as const), pick: fc.nat(), to: fc.nat() }) },
);

function valueFor(field: string, value: number, entries: readonly JournalEntry[]): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[value % xs.length] as T;
  const other = entries[value % entries.length] as JournalEntry;
  switch (field) {
    case 'amount':
    case 'releasedAmount':
      return pick([undefined, '1.00', '5.00', '0.01', '17', '0', '-1.00', '12.3', other.amount, other.releasedAmount]);
    case 'kind':
      return pick(['single', 'pending', 'post', 'void', 'expire', 'bogus']);
    case 'currency':
      return pick(['CNY', 'USD', 'JPY', 'XXX']);
    case 'pendingId':
      return pick([undefined, 'nope', other.transferId, other.pendingId]);
    case 'transferId':
      return pick([other.transferId, other.pendingId ?? 'fresh']);
    case 'debitAccountId':
    case 'creditAccountId':
      return pick([...accountIds, 'ghost']);
    case 'seq':
      return pick([other.seq, other.seq + 1, 0, -3, '7']);
    case 'prevHash':
    case 'hash':
      return pick([genesisHash, other.hash, other.prevHash, 'f'.repeat(64)]);
    case 'at':
      return other.at + 1;
    default:
      return pick([{}, { x: 'y' }, { ...other.refs }]);
  }
}

function applyEdit(entries: JournalEntry[], edit: Edit): void {
  if (entries.length === 0) return;
  const i = edit.pick % entries.length;
  if (edit.t === 'set') {
    const entry = { ...entries[i] } as Record<string, unknown>;
    const value = valueFor(edit.field, edit.value, entries);
    if (value === undefined) delete entry[edit.field];
    else entry[edit.field] = value;
    entries[i] = entry as JournalEntry;
  } else if (edit.t === 'delete') {
    entries.splice(i, 1);
  } else {
    const entry = entries[i] as JournalEntry;
    if (edit.t === 'move') entries.splice(i, 1);
    entries.splice(edit.to % (entries.length + 1), 0, structuredClone(entry));
  }
}

/** A writer bug rather than a storage fault: the edited entries renumbered and rehashed into an
 * intact chain, so only the ledger's rules (and the balances) can show what is wrong. */
function rechain(entries: JournalEntry[]): void {
  let prevHash = genesisHash;
  entries.forEach((entry, i) => {
    const unhashed: Record<string, unknown> = { ...entry, seq: i + 1, prevHash };
    delete unhashed.hash;
    const hash = entryHash(unhashed as Omit<JournalEntry, 'hash'>);
    entries[i] = { ...unhashed, hash } as JournalEntry;
    prevHash = hash;
  });
}

/** Each entry's hash recomputed over its (edited) fields: an edit shows in the next prevHash. */
function rehash(entries: JournalEntry[]): void {
  entries.forEach((entry, i) => {
    entries[i] = { ...entry, hash: entryHash(entry) };
  });
}

type Split = { cuts: number[]; deferred: boolean[]; clone: boolean[]; chunk: number };

/** The entries cut into ranges at `cuts`, each verified on its own (deferred: its start state
 * arrives after all its entries, as in a worker), settled in order, merged. */
function verifySplit(head: JournalHead, entries: readonly JournalEntry[], accounts: readonly Account[], split: Split): JournalVerifyReport {
  const bounds = [0, ...split.cuts.map((c) => c % (entries.length + 1)).sort((x, y) => x - y), entries.length];
  const partials: RangePartial[] = [];
  for (let k = 0; k + 1 < bounds.length; k += 1) {
    const range = entries.slice(bounds[k], bounds[k + 1]);
    const previous = partials[k - 1];
    // Across a worker boundary the state is structured-cloned; in one thread it is handed on.
    const start = previous === undefined ? emptyVerifierState() : split.clone[k % split.clone.length] ? structuredClone(previous.state) : previous.state;
    const deferred = split.deferred[k % split.deferred.length] ?? false;
    const verifier = new RangeVerifier(deferred ? undefined : start);
    for (let i = 0; i < range.length; i += split.chunk) verifier.feed(range.slice(i, i + split.chunk));
    if (deferred) verifier.settle(start);
    partials.push(structuredClone(verifier.finish()));
  }
  return mergePartials(head, partials, accounts);
}

const splitArb: fc.Arbitrary<Split> = fc.record({
  cuts: fc.array(fc.nat(), { minLength: 0, maxLength: 5 }),
  deferred: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
  clone: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
  chunk: fc.integer({ min: 1, max: 9 }),
});

const accountEditArb = fc.option(fc.record({ pick: fc.nat(), field: fc.constantFrom('debitsPosted', 'creditsPending', 'currency', 'drop') }), { freq: 4 });

/** How often each outcome came up, so the test proves it exercised the interesting cases. */
const seen = new Map<string, number>();
const count = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);

describe('verifying in ranges and merging', () => {
  it('gives the sequential report for every journal, tampered or not, however it is split', () => {
    fc.assert(
      fc.property(
        fc.array(actionArb, { minLength: 0, maxLength: 40 }),
        fc.array(editArb, { minLength: 0, maxLength: 4 }),
        fc.constantFrom('raw', 'rehash', 'rechain', 'rechain'),
        fc.constantFrom('stored', 'stored', 'last', 'random'),
        accountEditArb,
        splitArb,
        (actions, edits, mode, headMode, accountEdit, split) => {
          const ledger = buildLedger(actions);
          const entries = structuredClone(ledger.entries);
          for (const edit of edits) applyEdit(entries, edit);
          if (mode === 'rechain') rechain(entries);
          if (mode === 'rehash') rehash(entries);
          const last = entries[entries.length - 1];
          const candidate = headMode === 'stored' || last === undefined ? ledger.head
            : headMode === 'last' ? { seq: last.seq, hash: last.hash } : { seq: ledger.head.seq, hash: 'e'.repeat(64) };
          const head: JournalHead = isJournalHead(candidate) ? candidate : ledger.head;
          const accounts = [...ledger.accounts.values()];
          if (accountEdit !== null) {
            const i = accountEdit.pick % accounts.length;
            const a = accounts[i] as Account;
            if (accountEdit.field === 'drop') accounts.splice(i, 1);
            else accounts[i] = { ...a, [accountEdit.field]: accountEdit.field === 'currency' ? 'EUR' : '9.99' } as Account;
          }

          const sequential = verifyJournal(head, entries, accounts);
          const merged = verifySplit(head, entries, accounts, split);
          expect(merged).toEqual(sequential);

          count(sequential.firstBrokenReason ?? (sequential.ok ? 'ok' : 'balances'));
          const firstCut = Math.min(...split.cuts.map((c) => c % (entries.length + 1)), entries.length);
          if (sequential.firstBrokenReason === 'entry_invalid' && (sequential.firstBrokenSeq ?? 0) > firstCut + 1) count('entry_invalid past a cut');
          if (sequential.balanceMismatchCount > 0) count('balance mismatch');
        },
      ),
      { numRuns: 2000 },
    );
    // Every outcome came up, entry_invalid after a range boundary too.
    for (const key of ['ok', 'balances', 'seq_gap', 'prev_hash_mismatch', 'hash_mismatch', 'entry_invalid', 'head_mismatch', 'entry_invalid past a cut', 'balance mismatch']) {
      expect(seen.get(key) ?? 0, key).toBeGreaterThan(10);
    }
  });

  it('a rewritten journal (intact chain, entries breaking the rules) gives the sequential report, split anywhere', () => {
    const ruleFields = ['amount', 'releasedAmount', 'kind', 'currency', 'pendingId', 'transferId', 'debitAccountId', 'creditAccountId'];
    const ruleEditArb: fc.Arbitrary<Edit> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ t: fc.constant('set' as const), pick: fc.nat(), field: fc.constantFrom(...ruleFields), value: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ t: fc.constantFrom('move' as const, 'duplicate' as const), pick: fc.nat(), to: fc.nat() }) },
    );
    let invalidPastCut = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.array(actionArb, { minLength: 5, maxLength: 50 }), fc.array(ruleEditArb, { minLength: 1, maxLength: 3 }), splitArb, (actions, edits, split) => {
        const ledger = buildLedger(actions);
        const entries = structuredClone(ledger.entries);
        for (const edit of edits) applyEdit(entries, edit);
        rechain(entries);
        const last = entries[entries.length - 1];
        const head: JournalHead = last === undefined ? ledger.head : { seq: last.seq, hash: last.hash };
        const accounts = [...ledger.accounts.values()];
        const sequential = verifyJournal(head, entries, accounts);
        expect(verifySplit(head, entries, accounts, { ...split, cuts: [...split.cuts, entries.length >> 1] })).toEqual(sequential);
        runs += 1;
        if (sequential.firstBrokenReason === 'entry_invalid' && (sequential.firstBrokenSeq ?? 0) > (entries.length >> 1) + 1) invalidPastCut += 1;
      }),
      { numRuns: 1000 },
    );
    expect(invalidPastCut).toBeGreaterThan(runs / 25);
  });

  it('untampered journals verify ok, split anywhere', () => {
    fc.assert(
      fc.property(fc.array(actionArb, { minLength: 1, maxLength: 60 }), splitArb, (actions, split) => {
        const ledger = buildLedger(actions);
        const accounts = [...ledger.accounts.values()];
        const report = verifySplit(ledger.head, ledger.entries, accounts, split);
        expect(report).toEqual({ ok: true, entriesChecked: ledger.entries.length, balanceMismatches: [], balanceMismatchCount: 0 });
      }),
      { numRuns: 200 },
    );
  });
});
