import Dexie from 'dexie';
import { assert, moneyHolder, type JournalEntry, type MoneyHoldings, type OrderRow } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { journalEntriesAt } from '../../storage/journal-store.ts';
import { marketTables } from '../../storage/market-tables.ts';

// An order's money trail (资金流水): every journal entry its commands wrote, in journal order, read
// through the order → entry index the same transactions wrote, and who holds the money now.

/** An order writes about six entries; a trail longer than this is a bug. */
export const trailEntriesMax = 64;

export type OrderTrail = {
  readonly entries: readonly JournalEntry[];
  readonly holdings: MoneyHoldings;
};

export async function orderTrail(db: WorldDb, order: OrderRow): Promise<OrderTrail> {
  const { journal } = ledgerTables(db);
  return db.transaction('r', [marketTables(db).orderEntries, journal], async () => {
    const index = await marketTables(db)
      .orderEntries.where('[orderId+seq]')
      .between([order.id, Dexie.minKey], [order.id, Dexie.maxKey])
      .limit(trailEntriesMax)
      .toArray();
    const entries = await journalEntriesAt(journal, index.map((r) => r.seq));
    assert(entries.every((e, i) => i === 0 || e.seq > entries[i - 1]!.seq), 'the trail is in journal order');
    return { entries, holdings: moneyHolder(order) };
  });
}
