import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalEntryJson, chainEntries, entryHash, genesisHead, verifyJournal, type JournalEntry, type JournalEntryDraft } from '../../src/domain/index.ts';

// Any text, lone surrogates and control characters included.
const text = fc.string({ unit: 'binary', maxLength: 12 });
const refKey = fc.oneof(text, fc.constantFrom('__proto__', 'constructor', 'toJSON', '0', '7', '10', '01', 'a', 'B', 'é', '😀'), fc.nat().map(String));
const entryArb = fc.record(
  {
    amount: text,
    at: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, 1e21, 0.5)),
    code: text,
    creditAccountId: text,
    currency: text,
    debitAccountId: text,
    kind: text,
    pendingId: text,
    prevHash: text,
    refs: fc.dictionary(refKey, text, { maxKeys: 5 }),
    releasedAmount: text,
    seq: fc.oneof(fc.nat(), fc.constantFrom(-0, 2 ** 53)),
    transferId: text,
    hash: text,
  },
  { requiredKeys: ['amount', 'at', 'code', 'creditAccountId', 'currency', 'debitAccountId', 'kind', 'prevHash', 'refs', 'seq', 'transferId'] },
);

function canonicalWithoutHash(entry: Record<string, unknown>): string | undefined {
  const rest = { ...entry };
  delete rest.hash;
  return canonicalize(rest);
}

describe('canonical entry JSON', () => {
  it('is byte-identical to canonicalize() of the entry without its hash, for any entry in any key order', () => {
    fc.assert(
      fc.property(entryArb, fc.array(fc.nat(), { maxLength: 20 }), (entry, order) => {
        // Reinsert the keys in a random order: stored rows need not come back sorted.
        const keys = Object.keys(entry);
        for (let i = 0; i < order.length && keys.length > 1; i += 1) {
          const a = (order[i] as number) % keys.length;
          [keys[0], keys[a]] = [keys[a] as string, keys[0] as string];
        }
        const shuffled: Record<string, unknown> = {};
        for (const key of keys) shuffled[key] = (entry as Record<string, unknown>)[key];
        expect(canonicalEntryJson(shuffled as unknown as JournalEntry)).toBe(canonicalWithoutHash(shuffled));
      }),
      { numRuns: 1000 },
    );
  });

  it('chained drafts with arbitrary refs and codes verify and hash as the spec says', () => {
    const draftArb = fc.record({
      code: fc.string({ minLength: 1, maxLength: 8 }),
      refs: fc.dictionary(refKey, text, { maxKeys: 4 }),
      at: fc.nat(),
      amount: fc.integer({ min: 1, max: 99999 }),
    });
    fc.assert(
      fc.property(fc.array(draftArb, { minLength: 1, maxLength: 10 }), (drafts) => {
        const entries = chainEntries(genesisHead, drafts.map((d, i): JournalEntryDraft => ({
          transferId: `t${i}`, kind: 'single', debitAccountId: 'x', creditAccountId: 'y', amount: String(d.amount), currency: 'JPY', code: d.code, refs: d.refs, at: d.at,
        })));
        entries.forEach((entry, i) => {
          expect(entryHash(structuredClone(entry))).toBe(entry.hash);
          expect(Object.entries(entry.refs).sort()).toEqual(Object.entries(drafts[i]?.refs ?? {}).sort());
        });
        const last = entries.at(-1) as JournalEntry;
        const report = verifyJournal({ seq: last.seq, hash: last.hash }, structuredClone(entries), []);
        expect(report.firstBrokenReason).toBeUndefined();
        expect(report.entriesChecked).toBe(entries.length);
      }),
      { numRuns: 200 },
    );
  });
});
