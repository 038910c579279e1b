import { billDateOf, dateStartMs, type Charge, type JournalEntry } from '../src/domain/index.ts';
import { journalBlockEntries, journalRow, type JournalRow } from '../src/storage/journal-store.ts';
import type { ChannelTradeRow } from '../src/storage/recon-tables.ts';
import type { WorldDb } from '../src/storage/schema.ts';

// One stored day for the reconciliation benches (bench/recon-cases.ts, bench/recon-desk-cases.ts):
// every order paid through one of four institutions, its trade on the day's bill and its money in
// the journal, written straight into the world's tables (the match reads rows; how they got there
// is not what is measured). One order in `lostEvery` lost its payment callback: its charge is still
// pending and its order unpaid, so the desk has that many long differences (长款).

export const reconInstitutions = ['escrow', 'bank-a', 'bank-b', 'card'] as const;
/** Rows per bulkAdd while seeding (one transaction each). */
const seedChunkRows = 10_000;

export type ReconDay = {
  readonly date: string;
  readonly ordersCount: number;
  /** Order ids are `${prefix}${i}`, transfer ids `${prefix}-tr-${i}`. */
  readonly prefix: string;
  /** The journal seq of the day's first entry (the first of a block). */
  readonly firstSeq: number;
  /** One order in this many lost its callback; 0: none did. */
  readonly lostEvery: number;
};

function cny(minor: number) {
  return { amount: (minor / 100).toFixed(2), currency: 'CNY' as const };
}

export async function seedReconDay(db: WorldDb, day: ReconDay): Promise<void> {
  const start = dateStartMs(day.date);
  const charges: Charge[] = [];
  const orders: { id: string; buyerId: string; sellerId: string; state: string; createdAt: number }[] = [];
  const trades: ChannelTradeRow[] = [];
  const transfers: { id: string; entrySeq: number }[] = [];
  const entries: JournalEntry[] = [];
  for (let i = 0; i < day.ordersCount; i++) {
    const institutionId = reconInstitutions[i % reconInstitutions.length]!;
    const money = cny(100 + ((i * 7919) % 500_000));
    const at = start + 60_000 + Math.floor((i / day.ordersCount) * 86_000_000);
    const orderId = `${day.prefix}${i}`;
    const id = `${orderId}:c1`;
    const sellerId = `seller-${i % 50}`;
    const lost = day.lostEvery > 0 && i % day.lostEvery === 0;
    charges.push({ id, orderId, amount: money, currency: 'CNY', channel: 'online_banking', payerId: 'buyer', payee: { partyId: sellerId, bankId: institutionId }, source: {}, status: lost ? 'pending' : 'succeeded', failureReason: null, authorized: null, captured: lost ? cny(0) : money, refunded: cny(0), refunds: [], createdAt: at - 1000, paidAt: lost ? null : at, failedAt: null, history: [] } as unknown as Charge);
    orders.push({ id: orderId, buyerId: 'buyer', sellerId, state: lost ? 'WAIT_BUYER_PAY' : 'WAIT_SELLER_SEND_GOODS', createdAt: at - 2000 });
    const transferId = `${day.prefix}-tr-${i}`;
    const seq = day.firstSeq + i;
    trades.push({ channelTradeNo: `${institutionId.toUpperCase()}-${i}`, merchantOrderNo: id, merchantRefundNo: '', institutionId, channel: 'online_banking', type: 'payment', gross: money, fee: cny(0), net: money, status: 'success', at, billDate: billDateOf(at), sellerId, orderId, ledgerIds: [transferId], platformAt: null, origin: 'gateway' });
    transfers.push({ id: transferId, entrySeq: seq });
    entries.push({ seq, transferId, kind: 'single', debitAccountId: 'buyer', creditAccountId: institutionId, amount: money.amount, currency: 'CNY', code: 'bench', refs: {}, at, prevHash: '0'.repeat(64), hash: '0'.repeat(64) });
  }
  const rows: JournalRow[] = [];
  for (let i = 0; i < entries.length; i += journalBlockEntries) rows.push(journalRow(day.firstSeq + i, entries.slice(i, i + journalBlockEntries)));
  const write = async (table: string, all: readonly unknown[]) => {
    for (let i = 0; i < all.length; i += seedChunkRows) await db.table(table).bulkAdd(all.slice(i, i + seedChunkRows));
  };
  await write('charges', charges);
  await write('orders', orders);
  await write('channelTrades', trades);
  await write('transfers', transfers);
  await write('journalBlocks', rows);
}
