import { describe, expect, it } from 'vitest';
import type { CardStatementRow } from '../../src/domain/index.ts';
import { freshWorld } from '../helpers/world.ts';
import { statementsOf, statementsPageOf } from '../../src/app/payments/cards.ts';
import { paymentsTables } from '../../src/storage/payments-tables.ts';

// The Cards page lists statements a page at a time ("Older statements") instead of reading every
// statement of every card, or stopping silently at a count. Statements of two cards closed at the
// same instant are split across a page boundary without one being skipped or shown twice.

/** Only the fields the page reads; the rest of a statement does not matter to paging. */
function row(cardId: string, closingAt: number): CardStatementRow {
  return { id: `${cardId}:${closingAt}`, cardId, closingAt } as unknown as CardStatementRow;
}

describe('card statements page', () => {
  it('pages every statement of the holder\'s cards, newest first, none skipped or repeated', async () => {
    const { db } = await freshWorld();
    const statementCount = 30;
    const rows: CardStatementRow[] = [];
    for (let i = 0; i < statementCount; i += 1) rows.push(row('CC000001', i * 1000), row('CC000002', i * 1000));
    rows.push(row('CC000009', 5500)); // another holder's card: never listed
    await paymentsTables(db).cardStatements.bulkAdd(rows);

    const seen: string[] = [];
    let cursor = null as Parameters<typeof statementsPageOf>[2];
    const pagesMax = 100;
    for (let page = 0; page < pagesMax; page += 1) {
      const p = await statementsPageOf(db, ['CC000001', 'CC000002'], cursor, 7);
      expect(p.rows.length).toBeLessThanOrEqual(7);
      seen.push(...p.rows.map((r) => r.id));
      if (p.older === null) break;
      cursor = p.older;
    }
    expect(seen).toHaveLength(2 * statementCount);
    expect(new Set(seen).size).toBe(2 * statementCount);
    expect(seen.every((id) => !id.startsWith('CC000009'))).toBe(true);
    const closings = seen.map((id) => Number(id.split(':')[1]));
    expect(closings).toEqual([...closings].sort((a, b) => b - a));
    // More than 16 per card: all of them, not a silent cap.
    expect((await statementsOf(db, 'CC000001')).length).toBe(statementCount);
  });

  it('has no older page when everything fits', async () => {
    const { db } = await freshWorld();
    await paymentsTables(db).cardStatements.bulkAdd([row('CC000001', 1), row('CC000001', 2)]);
    expect(await statementsPageOf(db, ['CC000001'], null)).toMatchObject({ older: null, rows: [{ closingAt: 2 }, { closingAt: 1 }] });
    expect(await statementsPageOf(db, [], null)).toEqual({ rows: [], older: null });
  });
});
