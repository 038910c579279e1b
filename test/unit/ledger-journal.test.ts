import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
  AssertionError,
  JournalVerifier,
  MemoryLedger,
  canonicalEntryJson,
  chainEntries,
  entryHash,
  entryHashMatches,
  genesisHash,
  genesisHead,
  headAfter,
  verifierFeedEntriesMax,
  verifyJournal,
  type Account,
  type AccountInput,
  type JournalEntry,
  type JournalEntryDraft,
  type JournalHead,
  type TransferRequest,
} from '../../src/domain/index.ts';

const t0 = Date.UTC(2025, 0, 1);

/** The spec's hash, computed independently of the module: canonicalize + SHA-256 + hex. */
function specHash(entry: JournalEntry | Omit<JournalEntry, 'hash'>): string {
  const rest: Record<string, unknown> = { ...entry };
  delete rest.hash;
  return bytesToHex(sha256(utf8ToBytes(canonicalize(rest) as string)));
}

function account(id: string, patch: Partial<AccountInput> = {}): AccountInput {
  return { id, partyId: `party-${id}`, bookId: 'bank', code: 'bank.deposit', name: id, currency: 'CNY', normal: 'credit', flags: { debitsMustNotExceedCredits: true }, ...patch };
}

/** A journal with every entry kind, multi-key refs, and a Chinese ref value. */
function journal(): MemoryLedger {
  const ledger = new MemoryLedger();
  for (const input of [account('cash', { normal: 'debit', flags: {} }), account('buyer'), account('escrow'), account('seller')]) {
    const added = ledger.addAccount(input, t0);
    if (!added.ok) throw new Error(added.code);
  }
  const batches: [TransferRequest[], number][] = [
    [[{ id: 'fund', kind: 'single', debitAccountId: 'cash', creditAccountId: 'buyer', amount: '1000', currency: 'CNY', code: 'bank.deposit', refs: { slip: '存款-1', branch: 'b7' } }], t0 + 1],
    [[
      { id: 'h1', kind: 'pending', debitAccountId: 'buyer', creditAccountId: 'escrow', amount: '300', currency: 'CNY', code: 'escrow.hold', refs: { order: 'o-1' }, timeoutAt: t0 + 100 },
      { id: 'h2', kind: 'pending', debitAccountId: 'buyer', creditAccountId: 'escrow', amount: '200', currency: 'CNY', code: 'escrow.hold', refs: {}, timeoutAt: t0 + 100 },
      { id: 'h3', kind: 'pending', debitAccountId: 'buyer', creditAccountId: 'escrow', amount: '100', currency: 'CNY', code: 'escrow.hold', timeoutAt: t0 + 50 },
    ], t0 + 2],
    [[{ id: 'p1', kind: 'post', pendingId: 'h1', amount: '250.5', code: 'escrow.release' }, { id: 'v2', kind: 'void', pendingId: 'h2' }], t0 + 3],
    [[{ id: 'e3', kind: 'expire', pendingId: 'h3' }], t0 + 60],
    [[{ id: 'pay', kind: 'single', debitAccountId: 'escrow', creditAccountId: 'seller', amount: '250.50', currency: 'CNY', code: 'escrow.payout', refs: { order: 'o-1' } }], t0 + 61],
  ];
  for (const [requests, now] of batches) {
    const applied = ledger.apply(requests, now);
    if (!applied.ok || applied.value.results.some((r) => r.status !== 'created')) throw new Error(JSON.stringify(applied));
  }
  return ledger;
}

function verify(head: JournalHead, entries: readonly JournalEntry[], accounts: Iterable<Account>) {
  return verifyJournal(head, entries, accounts);
}

describe('chain hashing', () => {
  it('every entry hash is hex SHA-256 of the canonical JSON of its other fields, chained from 64 zeros', () => {
    const ledger = journal();
    expect(ledger.entries.map((e) => e.kind)).toEqual(['single', 'pending', 'pending', 'pending', 'post', 'void', 'expire', 'single']);
    let prev = genesisHash;
    ledger.entries.forEach((entry, i) => {
      expect(entry.seq).toBe(i + 1);
      expect(entry.prevHash).toBe(prev);
      expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(entry.hash).toBe(specHash(entry));
      expect(entryHash(entry)).toBe(entry.hash);
      expect(canonicalEntryJson(entry)).toBe(canonicalize({ ...entry, hash: undefined }));
      prev = entry.hash;
    });
    expect(genesisHash).toBe('0'.repeat(64));
    expect(ledger.head).toEqual({ seq: 8, hash: prev });
  });

  it('the canonical form is fixed: a known entry has a known hash', () => {
    const entry = chainEntries(genesisHead, [{
      transferId: 't-1', kind: 'post', debitAccountId: 'a', creditAccountId: 'b', amount: '12.30', releasedAmount: '20.00',
      currency: 'CNY', code: 'escrow.release', refs: { z: '最后', a: 'first' }, at: 1735689600000, pendingId: 'h-1',
    }])[0];
    expect(canonicalEntryJson(entry as JournalEntry)).toBe(
      '{"amount":"12.30","at":1735689600000,"code":"escrow.release","creditAccountId":"b","currency":"CNY","debitAccountId":"a",' +
      '"kind":"post","pendingId":"h-1","prevHash":"' + '0'.repeat(64) + '","refs":{"a":"first","z":"最后"},"releasedAmount":"20.00",' +
      '"seq":1,"transferId":"t-1"}');
    expect(entry?.hash).toBe(specHash(entry as JournalEntry));
    // Pinned from Python's hashlib over the string above, independent of this code.
    expect(entry?.hash).toBe('7807dd715cc6d0b7cc11fc0a76615fb773d0707af06b6a5b8cb4883157078905');
  });

  it('chainEntries continues from any head and headAfter tracks it', () => {
    const drafts: JournalEntryDraft[] = [
      { transferId: 'a', kind: 'single', debitAccountId: 'x', creditAccountId: 'y', amount: '1.00', currency: 'CNY', code: 'c', refs: {}, at: 5 },
      { transferId: 'b', kind: 'pending', debitAccountId: 'x', creditAccountId: 'y', amount: '2', currency: 'JPY', code: 'c', refs: {}, at: 6 },
    ];
    const first = chainEntries(genesisHead, drafts.slice(0, 1));
    const head = headAfter(genesisHead, first);
    const second = chainEntries(head, drafts.slice(1));
    expect(second[0]).toMatchObject({ seq: 2, prevHash: first[0]?.hash });
    expect(chainEntries(genesisHead, drafts)).toEqual([...first, ...second]);
    expect(headAfter(head, [])).toBe(head);
    expect(() => chainEntries({ seq: 1, hash: 'nope' }, drafts)).toThrow(AssertionError);
    expect(() => chainEntries(genesisHead, [{ ...drafts[0] as JournalEntryDraft, amount: '1.5' }])).toThrow(AssertionError);
  });

  it('entries of any key order or shape hash the same as canonicalize says', () => {
    const ledger = journal();
    const entry = ledger.entries[4] as JournalEntry;
    const reordered = Object.fromEntries(Object.entries(entry).reverse()) as JournalEntry;
    expect(entryHash(reordered)).toBe(entry.hash);
    const digitRefs = { ...entry, refs: { '10': 'a', '9': 'b', x: 'c' } };
    expect(entryHash(digitRefs)).toBe(specHash(digitRefs));
    const protoRef = { ...entry, refs: JSON.parse('{"__proto__":"p","b":"q"}') as Record<string, string> };
    expect(entryHash(protoRef)).toBe(specHash(protoRef));
    const extra = { ...entry, note: 'added' } as JournalEntry;
    expect(entryHash(extra)).toBe(specHash(extra));
    expect(entryHash(extra)).not.toBe(entry.hash);
  });
});

type Mutation = { name: string; apply: (e: Record<string, unknown>) => void };

/** Every way to change one field of an entry: each existing field changed (and the optional ones
 * removed), each absent optional field added, one extra field added. */
function mutationsOf(entry: JournalEntry): Mutation[] {
  const mutations: Mutation[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value === 'string') {
      const changed = key === 'hash' || key === 'prevHash' ? (value[0] === 'a' ? 'b' : 'a') + value.slice(1) : `${value}0`;
      mutations.push({ name: `${key} changed`, apply: (e) => { e[key] = changed; } });
      mutations.push({ name: `${key} emptied`, apply: (e) => { e[key] = ''; } });
    } else if (typeof value === 'number') {
      mutations.push({ name: `${key} + 1`, apply: (e) => { e[key] = value + 1; } });
      mutations.push({ name: `${key} as string`, apply: (e) => { e[key] = String(value); } });
      mutations.push({ name: `${key} NaN`, apply: (e) => { e[key] = Number.NaN; } });
    } else {
      const refs = value as Record<string, string>;
      mutations.push({ name: 'refs key added', apply: (e) => { e.refs = { ...refs, extra: 'x' }; } });
      for (const refKey of Object.keys(refs)) {
        mutations.push({ name: `refs.${refKey} changed`, apply: (e) => { e.refs = { ...refs, [refKey]: `${refs[refKey]}!` }; } });
        mutations.push({ name: `refs.${refKey} removed`, apply: (e) => { const r = { ...refs }; delete r[refKey]; e.refs = r; } });
      }
    }
    if (key === 'pendingId' || key === 'releasedAmount') mutations.push({ name: `${key} removed`, apply: (e) => { delete e[key]; } });
  }
  for (const key of ['pendingId', 'releasedAmount']) {
    if (!(key in entry)) mutations.push({ name: `${key} added`, apply: (e) => { e[key] = '1.00'; } });
  }
  mutations.push({ name: 'extra field', apply: (e) => { e.note = 'x'; } });
  return mutations;
}

describe('JournalVerifier', () => {
  it('a clean journal verifies, whole or fed in chunks of any size', () => {
    const ledger = journal();
    const accounts = [...ledger.accounts.values()];
    const whole = verify(ledger.head, ledger.entries, accounts);
    expect(whole).toEqual({ ok: true, entriesChecked: 8, balanceMismatches: [], balanceMismatchCount: 0 });
    for (const chunk of [1, 2, 3, 7]) {
      const v = new JournalVerifier(ledger.head);
      for (let i = 0; i < ledger.entries.length; i += chunk) v.feed(ledger.entries.slice(i, i + chunk));
      expect(v.finish(accounts)).toEqual(whole);
    }
    expect(verify(genesisHead, [], [])).toEqual(whole.ok ? { ...whole, entriesChecked: 0 } : whole);
  });

  it('detects a change to ANY single field of ANY entry, at that entry', () => {
    const ledger = journal();
    const accounts = [...ledger.accounts.values()];
    let checked = 0;
    ledger.entries.forEach((entry, index) => {
      for (const mutation of mutationsOf(entry)) {
        const entries = structuredClone(ledger.entries);
        mutation.apply(entries[index] as unknown as Record<string, unknown>);
        const report = verify(ledger.head, entries, accounts);
        const label = `entry ${entry.seq}: ${mutation.name}`;
        expect(report.ok, label).toBe(false);
        expect(report.firstBrokenSeq, label).toBe(entry.seq);
        const expected = mutation.name.startsWith('seq') ? 'seq_gap' : mutation.name.startsWith('prevHash') ? 'prev_hash_mismatch' : 'hash_mismatch';
        expect(report.firstBrokenReason, label).toBe(expected);
        checked += 1;
      }
    });
    expect(checked).toBeGreaterThan(8 * 25);
  });

  it('a rewritten entry with a fresh hash breaks the next prevHash, or the stored head for the last', () => {
    const ledger = journal();
    const accounts = [...ledger.accounts.values()];
    for (const index of [0, 3, 7]) {
      const entries = structuredClone(ledger.entries);
      const forged = { ...entries[index] as JournalEntry, amount: '999.00' };
      entries[index] = { ...forged, hash: entryHash(forged) };
      const report = verify(ledger.head, entries, accounts);
      expect(report.ok).toBe(false);
      if (index === 7) expect(report).toMatchObject({ firstBrokenSeq: 8, firstBrokenReason: 'head_mismatch' });
      else expect(report).toMatchObject({ firstBrokenSeq: index + 2, firstBrokenReason: 'prev_hash_mismatch' });
    }
  });

  it('detects truncation, deletion, reordering and unrecorded appends', () => {
    const ledger = journal();
    const accounts = [...ledger.accounts.values()];
    const e = ledger.entries;
    expect(verify(ledger.head, e.slice(0, 7), accounts)).toMatchObject({ ok: false, firstBrokenSeq: 8, firstBrokenReason: 'head_mismatch' });
    expect(verify(ledger.head, [], accounts)).toMatchObject({ ok: false, firstBrokenSeq: 1, firstBrokenReason: 'head_mismatch' });
    expect(verify(ledger.head, [...e.slice(0, 3), ...e.slice(4)], accounts)).toMatchObject({ firstBrokenSeq: 4, firstBrokenReason: 'seq_gap' });
    expect(verify(ledger.head, [e[1], e[0], ...e.slice(2)] as JournalEntry[], accounts)).toMatchObject({ firstBrokenSeq: 1, firstBrokenReason: 'seq_gap' });
    const appended = chainEntries(ledger.head, [{ transferId: 'x', kind: 'single', debitAccountId: 'cash', creditAccountId: 'seller', amount: '1.00', currency: 'CNY', code: 'c', refs: {}, at: t0 + 99 }]);
    expect(verify(ledger.head, [...e, ...appended], accounts)).toMatchObject({ ok: false, firstBrokenSeq: 9, firstBrokenReason: 'head_mismatch' });
    expect(verify({ seq: 8, hash: 'f'.repeat(64) }, e, accounts)).toMatchObject({ firstBrokenSeq: 8, firstBrokenReason: 'head_mismatch' });
  });

  it('recomputes every account balance from the entries and reports each stored one that differs', () => {
    const ledger = journal();
    const accounts = [...ledger.accounts.values()];
    const buyer = accounts.find((a) => a.id === 'buyer') as Account;
    expect(buyer).toMatchObject({ debitsPosted: '250.50', creditsPosted: '1000.00', debitsPending: '0.00', creditsPending: '0.00' });
    const tampered = accounts.map((a) => (a.id === 'buyer' ? { ...a, debitsPosted: '250.49', creditsPending: '1.00' } : a));
    const report = verify(ledger.head, ledger.entries, tampered);
    expect(report.ok).toBe(false);
    expect(report.firstBrokenReason).toBeUndefined();
    expect(report.balanceMismatches).toEqual([
      { accountId: 'buyer', field: 'debitsPosted', stored: '250.49', recomputed: '250.50' },
      { accountId: 'buyer', field: 'creditsPending', stored: '1.00', recomputed: '0.00' },
    ]);
    const missing = verify(ledger.head, ledger.entries, accounts.filter((a) => a.id !== 'seller'));
    expect(missing.balanceMismatches).toEqual([{ accountId: 'seller', field: 'account', stored: 'missing', recomputed: 'CNY' }]);
    const otherCurrency = verify(ledger.head, ledger.entries, accounts.map((a) => (a.id === 'seller' ? { ...a, currency: 'USD' as const } : a)));
    expect(otherCurrency.balanceMismatches).toEqual([{ accountId: 'seller', field: 'currency', stored: 'USD', recomputed: 'CNY' }]);
    const idle = { ...buyer, id: 'idle', debitsPosted: '0.00', creditsPosted: '5.00' };
    expect(verify(ledger.head, ledger.entries, [...accounts, idle]).balanceMismatches).toEqual([
      { accountId: 'idle', field: 'creditsPosted', stored: '5.00', recomputed: '0.00' },
    ]);
  });

  it('an entry with valid hashes that breaks the ledger rules is entry_invalid (a writer bug)', () => {
    const base = { debitAccountId: 'x', creditAccountId: 'y', currency: 'CNY' as const, code: 'c', refs: {}, at: 1 };
    const twice = chainEntries(genesisHead, [
      { ...base, transferId: 'h', kind: 'pending', amount: '5.00' },
      { ...base, transferId: 'v', kind: 'void', amount: '5.00', releasedAmount: '5.00', pendingId: 'h' },
      { ...base, transferId: 'v2', kind: 'void', amount: '5.00', releasedAmount: '5.00', pendingId: 'h' },
    ]);
    expect(verify(headAfter(genesisHead, twice), twice, [])).toMatchObject({ firstBrokenSeq: 3, firstBrokenReason: 'entry_invalid' });
    const wrongAmount = chainEntries(genesisHead, [
      { ...base, transferId: 'h', kind: 'pending', amount: '5.00' },
      { ...base, transferId: 'p', kind: 'post', amount: '1.00', releasedAmount: '4.00', pendingId: 'h' },
    ]);
    expect(verify(headAfter(genesisHead, wrongAmount), wrongAmount, [])).toMatchObject({ firstBrokenSeq: 2, firstBrokenReason: 'entry_invalid' });
    const otherAccounts = chainEntries(genesisHead, [
      { ...base, transferId: 'h', kind: 'pending', amount: '5.00' },
      { ...base, transferId: 'p', kind: 'post', amount: '1.00', releasedAmount: '5.00', pendingId: 'h', creditAccountId: 'z' },
    ]);
    expect(verify(headAfter(genesisHead, otherAccounts), otherAccounts, [])).toMatchObject({ firstBrokenSeq: 2, firstBrokenReason: 'entry_invalid' });
    const noPending = chainEntries(genesisHead, [{ ...base, transferId: 'e', kind: 'expire', amount: '5.00', releasedAmount: '5.00', pendingId: 'nope' }]);
    expect(verify(headAfter(genesisHead, noPending), noPending, [])).toMatchObject({ firstBrokenSeq: 1, firstBrokenReason: 'entry_invalid' });
  });

  it('entryHashMatches is false for hashless or unhashable entries instead of throwing', () => {
    const ledger = journal();
    const entry = ledger.entries[0] as JournalEntry;
    expect(entryHashMatches(entry)).toBe(true);
    expect(entryHashMatches({ ...entry, hash: 5 as never })).toBe(false);
    expect(entryHashMatches({ ...entry, at: Number.POSITIVE_INFINITY })).toBe(false);
    expect(() => entryHash({ ...entry, at: Number.NaN })).toThrow(AssertionError);
  });

  it('guards its own use', () => {
    const v = new JournalVerifier(genesisHead);
    expect(() => v.feed(new Array(verifierFeedEntriesMax + 1).fill(undefined))).toThrow(AssertionError);
    v.finish([]);
    expect(() => v.finish([])).toThrow(AssertionError);
    expect(() => v.feed([])).toThrow(AssertionError);
    expect(() => new JournalVerifier({ seq: 0, hash: 'f'.repeat(64) })).toThrow(AssertionError);
  });
});
