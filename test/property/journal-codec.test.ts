import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainEntries, genesisHead, type JournalEntry, type JournalEntryDraft } from '../../src/domain/index.ts';
import { decodeJournalColumns, encodeJournalColumns } from '../../src/storage/journal-codec.ts';

// The journal's columns (storage/journal-codec.ts) must give back EXACTLY what was stored, for the
// entries the ledger writes and for anything an attacker or a broken disk leaves in a row: verify
// checks what the rows hold, so the codec may not repair, drop or normalize anything.

const text = fc.string({ unit: 'binary', maxLength: 10 });
const anyValue = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.nat(), { maxLength: 2 }), fc.dictionary(text, text, { maxKeys: 2, noNullPrototype: true }));
const keys = ['amount', 'at', 'code', 'creditAccountId', 'currency', 'debitAccountId', 'kind', 'pendingId', 'prevHash', 'refs', 'releasedAmount', 'seq', 'transferId', 'hash'] as const;

const draftArb: fc.Arbitrary<JournalEntryDraft> = fc.record({
  transferId: text,
  kind: fc.constantFrom('single', 'pending'),
  debitAccountId: fc.constantFrom('a', 'b', 'c', '银行', ''),
  creditAccountId: fc.constantFrom('a', 'b', 'd'),
  amount: fc.integer({ min: 1, max: 10_000_000 }).map((m) => (m / 100).toFixed(2)),
  currency: fc.constantFrom('CNY', 'USD'),
  code: text,
  refs: fc.dictionary(fc.oneof(text, fc.constantFrom('__proto__', '0', 'order')), text, { maxKeys: 3, noNullPrototype: true }),
  at: fc.oneof(fc.nat(), fc.constant(1_767_574_800_000)),
}) as fc.Arbitrary<JournalEntryDraft>;

const resolutionArb: fc.Arbitrary<JournalEntryDraft> = fc.record({
  transferId: text,
  kind: fc.constantFrom('post', 'void', 'expire'),
  debitAccountId: fc.constant('a'),
  creditAccountId: fc.constant('b'),
  amount: fc.constant('1.00'),
  releasedAmount: fc.constant('1.00'),
  pendingId: text,
  currency: fc.constant('CNY'),
  code: text,
  refs: fc.constant({}),
  at: fc.nat(),
}) as fc.Arbitrary<JournalEntryDraft>;

/** A mutation of one stored entry: any key set to any value, removed, or added. */
const mutationArb = fc.record({
  index: fc.nat(),
  op: fc.constantFrom('set', 'delete', 'add', 'hash', 'seq'),
  key: fc.constantFrom(...keys),
  value: anyValue,
});

function roundTrip(first: number, entries: readonly unknown[]): unknown[] {
  // structuredClone: what IndexedDB does to the row between writing and reading.
  return decodeJournalColumns(structuredClone(encodeJournalColumns(first, entries)));
}

describe('journal columns', () => {
  it('give back every chained entry exactly, in compact form', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(draftArb, resolutionArb), { minLength: 1, maxLength: 40 }), fc.nat({ max: 1000 }), (drafts, before) => {
        const chained = chainEntries({ seq: before, hash: before === 0 ? genesisHead.hash : 'ab'.repeat(32) }, drafts);
        const columns = encodeJournalColumns(before + 1, chained);
        expect(Object.keys(columns.odd)).toEqual([]);
        expect(roundTrip(before + 1, chained)).toStrictEqual(chained);
      }),
      { numRuns: 300 },
    );
  });

  it('give back tampered entries exactly, whatever was changed', () => {
    fc.assert(
      fc.property(fc.array(draftArb, { minLength: 1, maxLength: 12 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (drafts, mutations) => {
        const entries: Record<string, unknown>[] = chainEntries(genesisHead, drafts).map((e) => ({ ...e }));
        for (const m of mutations) {
          const e = entries[m.index % entries.length]!;
          if (m.op === 'set') e[m.key] = m.value;
          else if (m.op === 'delete') delete e[m.key];
          else if (m.op === 'add') e[`extra-${m.key}`] = m.value;
          else if (m.op === 'hash') e.hash = typeof m.value === 'string' ? m.value : 'F'.repeat(64);
          else e.seq = typeof m.value === 'number' ? m.value : 0;
        }
        expect(roundTrip(1, entries)).toStrictEqual(entries);
      }),
      { numRuns: 500 },
    );
  });

  it('keep entries of any shape (not even objects) and entries out of position verbatim', () => {
    const [a, b] = chainEntries(genesisHead, [
      { transferId: 't1', kind: 'single', debitAccountId: 'a', creditAccountId: 'b', amount: '1.00', currency: 'CNY', code: 'x', refs: {}, at: 0 },
      { transferId: 't2', kind: 'single', debitAccountId: 'a', creditAccountId: 'b', amount: '2.00', currency: 'CNY', code: 'x', refs: {}, at: 0 },
    ]) as [JournalEntry, JournalEntry];
    const rows: unknown[][] = [[a, null, b], [a, 'text', 7], [b, a], [{ ...a, prevHash: 'zz' }, b], [{ ...a, at: -0 }]];
    for (const row of rows) expect(roundTrip(1, row)).toStrictEqual(row);
    // b after a at positions 1, 2 is compact; b at position 1 is not where its seq says: verbatim.
    expect(Object.keys(encodeJournalColumns(1, [a, b]).odd)).toEqual([]);
    expect(Object.keys(encodeJournalColumns(1, [b]).odd)).toEqual(['0']);
  });

  it('are about a third of the bytes of the entry objects', () => {
    const drafts = Array.from({ length: 128 }, (_, i) => ({ transferId: `t-abc123-${i}`, kind: 'single' as const, debitAccountId: 'bench-a', creditAccountId: 'bench-b', amount: '1.00', currency: 'CNY' as const, code: 'bench', refs: { order: `o-${i}` }, at: 1_767_574_800_000 }));
    const entries = chainEntries(genesisHead, drafts);
    const size = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array || x instanceof Uint16Array || x instanceof Float64Array ? `${'.'.repeat(x.byteLength)}` : x)).length;
    expect(size(encodeJournalColumns(1, entries))).toBeLessThan(size(entries) / 2);
  });
});
