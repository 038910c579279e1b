import Dexie from 'dexie';
import {
  add, assert, compare, fromStored, isZero, ledgerCodes, moneyHolder, subtract, toStored, zero,
  type JournalEntry, type LedgerHoldings, type MoneyHoldings, type OrderRow, type StoredMoney,
} from '../../domain/index.ts';
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
  /** The entries as movements of the money, each once, with who holds what after each. */
  readonly rows: readonly TrailRow[];
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
    return { entries, rows: trailRows(order, entries), holdings: moneyHolder(order) };
  });
}

// ---- the trail as a student reads it ------------------------------------------------------------
// Each movement of the order's money once, from whom to whom, and who holds the money after it. The
// ledger writes some movements as two entries (the commission is booked in the escrow agent's book
// and, mirrored, in the platform's own book) and some as none (posting part of a hold returns the
// rest to the buyer inside the same entry): the rows follow the money, not the entries.

/** Who holds an order's money in the trail (the settlement box's four columns). */
export type TrailSide = 'buyer' | 'escrow' | 'seller' | 'platform';

export type TrailStep = 'hold' | 'partial_refund' | 'release' | 'refund' | 'payout' | 'commission' | 'available' | 'other';

export type TrailRow = {
  readonly seq: number;
  readonly at: number;
  readonly step: TrailStep;
  /** The ledger code of the entry the row comes from (data-code in the page). */
  readonly code: string;
  readonly from: TrailSide | null;
  readonly to: TrailSide | null;
  readonly fromAccountId: string;
  readonly toAccountId: string;
  readonly amount: StoredMoney;
  /** Who holds what after this row. */
  readonly holdings: LedgerHoldings;
};

/** The commission of one line, on its share of the released money (the fee explanation). */
export type TrailFee = {
  readonly productId: string;
  readonly name: string;
  readonly subtotal: StoredMoney;
  /** The line's share of what was released: its subtotal unless a refund pro-rated it. */
  readonly share: StoredMoney;
  readonly rate: string;
  readonly commission: StoredMoney;
  readonly prorated: boolean;
};

/** The commission mirrored in the platform's own book: the same movement, not a second one. */
function isMirror(e: JournalEntry): boolean {
  return e.code === ledgerCodes.commission && e.transferId.endsWith(':platform');
}

function moved(h: LedgerHoldings, from: TrailSide, to: TrailSide, amount: StoredMoney): LedgerHoldings {
  const m = fromStored(amount);
  const next = { ...h };
  next[from] = toStored(subtract(fromStored(h[from]), m));
  next[to] = toStored(add(fromStored(next[to]), m));
  return next;
}

/**
 * The order's trail rows from its journal entries (in journal order). Before the payment the buyer
 * holds the total; each row moves money between the four sides; after the last row the holdings
 * equal the settlement box (moneyHolder), which the unit tests check for every ending.
 */
export function trailRows(order: OrderRow, entries: readonly JournalEntry[]): TrailRow[] {
  const none = toStored(zero(order.currency));
  let h: LedgerHoldings = { buyer: order.total, escrow: none, seller: none, platform: none };
  const rows: TrailRow[] = [];
  const push = (e: JournalEntry, step: TrailStep, from: TrailSide | null, to: TrailSide | null, amount: StoredMoney, fromAccountId = e.debitAccountId, toAccountId = e.creditAccountId) => {
    if (from !== null && to !== null && from !== to) h = moved(h, from, to, amount);
    rows.push({ seq: e.seq, at: e.at, step, code: e.code, from, to, fromAccountId, toAccountId, amount, holdings: h });
  };
  for (const e of entries) {
    if (isMirror(e)) continue;
    const amount = { amount: e.amount, currency: e.currency };
    switch (e.code) {
      case ledgerCodes.hold:
        push(e, 'hold', 'buyer', 'escrow', amount);
        break;
      case ledgerCodes.release: {
        // Posting part of the hold: the rest of the pending amount (releasedAmount is all of it)
        // goes back to the buyer in the same entry.
        const held = fromStored({ amount: e.releasedAmount ?? e.amount, currency: e.currency });
        const refund = subtract(held, fromStored(amount));
        if (!isZero(refund)) push(e, 'partial_refund', 'escrow', 'buyer', toStored(refund), e.creditAccountId, e.debitAccountId);
        push(e, 'release', 'escrow', 'escrow', amount);
        break;
      }
      case ledgerCodes.refund:
        push(e, 'refund', 'escrow', 'buyer', { amount: e.releasedAmount ?? e.amount, currency: e.currency }, e.creditAccountId, e.debitAccountId);
        break;
      case ledgerCodes.payout:
        push(e, 'payout', 'escrow', 'seller', amount);
        break;
      case ledgerCodes.commission:
        push(e, 'commission', 'escrow', 'platform', amount);
        break;
      case 'escrow.available':
        push(e, 'available', 'seller', 'seller', amount);
        break;
      default:
        // A channel's own movements (a bank transfer into escrow, a card capture): shown, but the
        // money's holder in the escrow trade does not change with them.
        push(e, 'other', null, null, amount);
    }
  }
  return rows;
}

/** Each line's commission: its share of the released money × its rate (pro-rated after a refund). */
export function trailFees(order: OrderRow, locale: 'en' | 'zh-CN'): TrailFee[] {
  const s = order.settlement;
  if (s === null) return [];
  return s.lines.map((l) => {
    const line = order.lines.find((x) => x.productId === l.productId);
    assert(line !== undefined, 'a settlement line is an order line');
    return {
      productId: l.productId,
      name: locale === 'en' && line.nameEn !== null ? line.nameEn : line.name,
      subtotal: line.subtotal,
      share: l.released,
      rate: l.rate,
      commission: l.commission,
      prorated: compare(fromStored(l.released), fromStored(line.subtotal)) !== 0,
    };
  });
}
