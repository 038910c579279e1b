import { describe, expect, it } from 'vitest';
import { chainEntries, genesisHead, type JournalEntryDraft } from '../../src/domain/index.ts';
import { decodeJournalColumns, decodeJournalColumnsAt, encodeJournalColumns, positionsNaming } from '../../src/storage/journal-codec.ts';

// Issue #18 item 5: a rare account's statement decodes only its own entries of a journal row
// (positionsNaming finds them in the columns, decodeJournalColumnsAt decodes them alone). Each must
// be exactly what decoding the whole row gives at that position, tampered and odd entries included.

function draft(i: number): JournalEntryDraft {
  return { transferId: `t-${i}`, kind: 'single', debitAccountId: 'vault', creditAccountId: i % 5 === 0 ? 'rare' : 'busy', amount: `${(i % 7) + 1}.00`, currency: 'CNY', code: 'pay', refs: { n: String(i) }, at: 1_000 + i };
}

describe('decoding one account\'s entries of a row', () => {
  it('gives exactly the whole row\'s entries at those positions, odd entries included', () => {
    const entries: unknown[] = chainEntries(genesisHead, Array.from({ length: 40 }, (_, i) => draft(i + 1)));
    // Tampered the ways the lab tool and hand edits do: an amount and hash, a non-object, an extra key,
    // a wrong seq, and a rare entry whose prevHash no longer follows its neighbour.
    entries[4] = { ...(entries[4] as object), amount: '999.00', hash: 'not a hash' };
    entries[7] = null;
    entries[12] = { ...(entries[12] as object), extra: 'x' };
    entries[20] = { ...(entries[20] as object), seq: 99 };
    entries[24] = { ...(entries[24] as object), prevHash: 'f'.repeat(64) };
    const row = encodeJournalColumns(1, entries);
    const whole = decodeJournalColumns(row);
    const all = whole.map((_, i) => i);
    expect(decodeJournalColumnsAt(row, all)).toStrictEqual(whole);
    for (const account of ['rare', 'busy', 'vault', 'nobody']) {
      const expected = all.filter((i) => typeof whole[i] === 'object' && whole[i] !== null && (whole[i]!.debitAccountId === account || whole[i]!.creditAccountId === account));
      expect(positionsNaming(row, account)).toEqual(expected);
      expect(decodeJournalColumnsAt(row, [...expected].reverse())).toStrictEqual(expected.map((i) => whole[i]).reverse());
    }
    expect(positionsNaming(row, 'rare').length).toBeGreaterThan(5);
  });
});
