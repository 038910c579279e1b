import type { Collection } from 'dexie';
import {
  assert,
  billDateOf,
  billTotalsAfter,
  billWindowOf,
  buildBill,
  canonicalBytes,
  counterReceiptNo,
  dateStartMs,
  dayMs,
  fromStored,
  matchDay,
  mobileChannel,
  negate,
  sha256Hex,
  nextDate,
  toStored,
  worldDateOf,
  zero,
  type BankLine,
  type Bill,
  type BillRow,
  type BillTotals,
  type Charge,
  type JournalEntry,
  type MatchResult,
  type PlatformRecord,
} from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import type { OrderRow } from '../../domain/index.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import { mobileTables, type MobilePaymentRow } from '../../storage/mobile-tables.ts';
import { reconTables, type ChannelTradeRow } from '../../storage/recon-tables.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { blockOf, blockStart, rowEntries } from '../../storage/journal-store.ts';

// What the match of one day reads (the platform's charges, the channels' trades, the counter
// payments' records and the ledger entries the trades moved), read a page at a time. The same code
// runs inside a command's transaction (desk.ts), on the page without a worker, and inside a
// reconciliation worker that opened the world's database itself (src/app/recon-worker): so it
// imports only the domain and the storage layout, never the command pipeline, and keeps a 100,000-
// order day's reads out of the page's main thread.

/** How far back a day's refunds may reach their charge: the longest refund window, and more. */
export const chargeLookbackDays = 90;
/** Charges read for one day at most (the bench day is 100,000 orders). */
export const dayChargesMax = 250_000;
export const dayTradesMax = 500_000;
/** Rows per read: one page decodes in a few milliseconds, and progress is told after each. */
export const dayReadPageRows = 5_000;
/** Trades of one merchant number at most (a payment, its duplicates and refunds). */
const tradesPerNumberMax = 64;
/** Journal positions one read spans at most when looking up the trades' entries. */
const journalSpanMax = 8_192;

/** 'platform', or a seller's party id. */
export type ReconScope = string;

export type DayInputs = {
  readonly platform: PlatformRecord[];
  readonly bill: BillRow[];
  readonly bank: BankLine[];
  readonly trades: ChannelTradeRow[];
};

/** The run's reading: rows read so far are told after each page; a run cancelled stops between pages. */
export type DayReadIo = {
  readonly onRows?: (rows: number) => void;
  readonly cancelled?: () => boolean;
};

/** Thrown between two pages when the run was cancelled: nothing was written. */
export class ReconRunCancelled extends Error {
  override name = 'ReconRunCancelled';
}

/** The institution whose bill a charge's trades are in. */
export function institutionOfCharge(charge: Charge): string {
  if (charge.channel === 'cash_on_delivery') return charge.source.logisticsId ?? charge.payee.bankId;
  return charge.payee.bankId;
}

/** A bill row of a stored trade (the trade row without the desk's own fields). */
export function billRowOf(t: ChannelTradeRow): BillRow {
  return { channelTradeNo: t.channelTradeNo, merchantOrderNo: t.merchantOrderNo, merchantRefundNo: t.merchantRefundNo, institutionId: t.institutionId, channel: t.channel, type: t.type, gross: t.gross, fee: t.fee, net: t.net, status: t.status, at: t.at };
}

function platformStatusOf(charge: Charge): PlatformRecord['status'] {
  return charge.status === 'refunded' ? 'refunded' : 'success';
}

/** The platform's records of one charge: its payment (once captured) and each refund. */
function recordsOfCharge(charge: Charge): PlatformRecord[] {
  if (charge.paidAt === null || charge.status === 'pending' || charge.status === 'failed') return [];
  const base = { merchantOrderNo: charge.id, orderId: charge.orderId, institutionId: institutionOfCharge(charge), channel: charge.channel, expectedFee: toStored(fromStored({ amount: '0', currency: charge.currency })) };
  const out: PlatformRecord[] = [{ ...base, merchantRefundNo: '', type: 'payment', amount: charge.captured, status: platformStatusOf(charge), at: charge.paidAt }];
  for (const r of charge.refunds) out.push({ ...base, merchantRefundNo: r.id, type: 'refund', amount: toStored(negate(fromStored(r.amount))), status: 'success', at: r.at });
  return out;
}

/** Appends `rows` one by one: a spread of a whole bill day (100,000 rows) overflows the call stack. */
function append<T>(out: T[], rows: readonly T[]): void {
  for (const row of rows) out.push(row);
}

class Reader {
  rows = 0;
  constructor(private readonly io: DayReadIo) {}

  step(rows: number): void {
    if (this.io.cancelled?.() === true) throw new ReconRunCancelled('the reconciliation run was cancelled');
    this.rows += rows;
    this.io.onRows?.(this.rows);
  }

  /**
   * Every row of `range(lower, inclusive)` (an index range from `lower` up), a page at a time: each
   * page is one getAll from where the last ended (no cursor walking row by row, no offset). Rows
   * at the page's last index value are read again by the next page and skipped by primary key; a
   * page all of one value reads that value whole.
   */
  async pagesFrom<T>(range: (lower: number, inclusive: boolean) => Collection<T>, value: (row: T) => number, keyOf: (row: T) => string, start: number, max: number): Promise<T[]> {
    const out: T[] = [];
    let lower = start;
    let inclusive = true;
    let seen = new Set<string>();
    const pagesMax = Math.ceil(max / dayReadPageRows) * 2 + 2;
    for (let page = 0; page < pagesMax && out.length < max; page++) {
      this.step(0);
      const rows = await range(lower, inclusive).limit(dayReadPageRows).toArray();
      const last = rows.length === 0 ? undefined : value(rows[rows.length - 1]!);
      if (last !== undefined && rows.length === dayReadPageRows && value(rows[0]!) === last) {
        // One index value fills the page: read that value whole, then go on after it.
        const all = await range(last, true).and((r) => value(r) === last).limit(max).toArray();
        const fresh = all.filter((r) => !seen.has(keyOf(r)));
        append(out, fresh);
        this.step(fresh.length);
        lower = last;
        inclusive = false;
        seen = new Set();
        continue;
      }
      const fresh = rows.filter((r) => !seen.has(keyOf(r)));
      append(out, fresh);
      this.step(fresh.length);
      if (rows.length < dayReadPageRows || last === undefined) break;
      seen = new Set(rows.filter((r) => value(r) === last).map(keyOf));
      lower = last;
      inclusive = true;
    }
    assert(out.length <= max, 'rows within the bound');
    return out;
  }

  /** `get(keys)` for every key, `pageKeys` keys at a time; progress counts the rows read. */
  async byKeys<T>(keys: readonly string[], get: (page: string[]) => Promise<T[]>, pageKeys = dayReadPageRows): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < keys.length; i += pageKeys) {
      this.step(0);
      const rows = await get(keys.slice(i, i + pageKeys));
      append(out, rows);
      this.step(pageKeys === dayReadPageRows ? Math.min(dayReadPageRows, keys.length - i) : rows.length);
    }
    return out;
  }
}

/**
 * The journal entries of `transferIds` (their first leg each), read by spans of stored rows
 * rather than one read per entry: a day's trades are thousands of entries close together.
 */
async function entriesOf(db: WorldDb, reader: Reader, transferIds: readonly string[]): Promise<JournalEntry[]> {
  const { transfers, journal } = ledgerTables(db);
  const rows = await reader.byKeys(transferIds, async (page) => (await transfers.bulkGet(page)).filter((t) => t !== undefined));
  const seqs = [...new Set(rows.map((t) => t.entrySeq).filter((s): s is number => s !== undefined))].sort((a, b) => a - b);
  const wanted = new Set(seqs);
  const out: JournalEntry[] = [];
  for (let i = 0; i < seqs.length; ) {
    // One span: the rows from the block of seqs[i] up to the last wanted seq within journalSpanMax.
    const from = blockStart(blockOf(seqs[i]!));
    let j = i;
    while (j + 1 < seqs.length && seqs[j + 1]! - from < journalSpanMax) j += 1;
    reader.step(0);
    const stored = await journal.where('first').between(from, seqs[j]! + 1, true, false).toArray();
    for (const row of stored) {
      let decoded: JournalEntry[] | undefined;
      for (let k = 0; k < row.count; k++) {
        if (!wanted.has(row.first + k)) continue;
        decoded ??= rowEntries(row); // only the rows holding a wanted entry are decoded
        out.push(decoded[k]!);
      }
    }
    reader.step(j + 1 - i);
    i = j + 1;
  }
  return out;
}

/** Rows the match of `date` reads, roughly: the total a run's progress counts towards. */
export async function dayRowsEstimate(db: WorldDb, date: string, scope: ReconScope = 'platform'): Promise<number> {
  const window = billWindowOf(date);
  const start = dateStartMs(date);
  // One key range per count: IndexedDB counts a range natively, while Dexie counts anyOf() by
  // walking a cursor over every row in the page's thread (a 100,000-order day's desk then opened
  // in seconds of long tasks).
  const days = [date, nextDate(date)];
  const [charges, ...perDay] = await Promise.all([
    paymentsTables(db).charges.where('createdAt').between(start - chargeLookbackDays * dayMs, window.to + 2 * dayMs, true, false).count(),
    ...days.map((d) => reconTables(db).channelTrades.where('billDate').equals(d).count()),
    ...days.map((d) => mobileTables(db).mobilePayments.where('billDate').equals(d).count()),
  ]);
  const trades = perDay[0]! + perDay[1]!;
  const counter = perDay[2]! + perDay[3]!;
  // Charges (and their orders for a seller's run: readDayInputs); trades, their transfers and
  // entries; the counter payments. The earlier bills' look-up is of the few charges made on an
  // earlier day, left out.
  return charges * (scope === 'platform' ? 1 : 2) + trades * 3 + counter;
}

/** The teacher's bill imports read to find imported rows older than their charge, at most. */
const importedBillsMax = 10_000;
/** The lab's import event (src/app/reconciliation/lab.ts): one teacher-edited bill of an institution and date. */
const billImportEvent = 'recon.lab_import';

/**
 * The bills (institution and date) the teacher imported that are dated before `date`. Only an
 * imported row can be older than its charge (a channel takes a charge's money after the charge is
 * made; a teacher's file may say otherwise), and every import leaves its event, so these few
 * bills are where a today's charge can have a row on an earlier bill.
 */
async function importedBillsBefore(db: WorldDb, date: string): Promise<{ readonly institutionId: string; readonly date: string }[]> {
  // By name: a worker opens the database without its schema class (see worldStamp).
  const events = await db.table<{ readonly type: string; readonly payload: Record<string, unknown> }, number>('events').where('type').equals(billImportEvent).limit(importedBillsMax).toArray();
  const bills = new Map<string, { institutionId: string; date: string }>();
  for (const e of events) {
    const { institutionId, date: billDate } = e.payload;
    if (typeof institutionId === 'string' && typeof billDate === 'string' && billDate < date) bills.set(`${institutionId}|${billDate}`, { institutionId, date: billDate });
  }
  return [...bills.values()];
}

/**
 * What a match reads, wherever it came from: the whole day's (readDayInputs) or a few merchant
 * numbers' (readNumberInputs). `trades`: the trades on the bills of the day and the next;
 * `earlier(numbers)`: the other trades of the numbers that have a platform record on the day;
 * `counter`: the counter payments' records kept on the bills of the day and the next.
 */
type DaySources = {
  readonly charges: readonly Charge[];
  readonly sellerByOrder: ReadonlyMap<string, string>;
  readonly trades: readonly ChannelTradeRow[];
  readonly earlier: (numbers: readonly string[]) => Promise<ChannelTradeRow[]>;
  readonly counter: MobilePaymentRow[];
};

async function inputsFrom(db: WorldDb, reader: Reader, scope: ReconScope, date: string, sources: DaySources): Promise<DayInputs> {
  const { charges, sellerByOrder, trades, counter } = sources;
  const inScope = (orderId: string, sellerId?: string) => scope === 'platform' || (sellerId ?? sellerByOrder.get(orderId)) === scope;
  const platform: PlatformRecord[] = [];
  for (const charge of charges) if (inScope(charge.orderId)) platform.push(...recordsOfCharge(charge));
  // Earlier bills' rows of today's records (a callback that came late, or was restored by 补单).
  const today = [...new Set(platform.filter((p) => worldDateOf(p.at) === date).map((p) => p.merchantOrderNo))];
  const known = new Set(trades.map((t) => t.channelTradeNo));
  const earlier = await sources.earlier(today);
  const all = [...trades, ...earlier.filter((t) => !known.has(t.channelTradeNo) && (known.add(t.channelTradeNo), true))].filter((t) => inScope(t.orderId, t.sellerId));
  // A refund the desk asked for itself (a duplicate returned) is the platform's record as well.
  for (const t of all) if (t.platformAt !== null) platform.push({ merchantOrderNo: t.merchantOrderNo, merchantRefundNo: t.merchantRefundNo, orderId: t.orderId, institutionId: t.institutionId, channel: t.channel, type: t.type === 'refund' ? 'refund' : 'payment', amount: t.gross, expectedFee: t.fee, status: 'success', at: t.platformAt });
  // Counter payments (手机支付): no order and no charge; the seller's own record of each payment,
  // kept on the escrow agent's bill date, is the platform side of its bill row. A trade of the
  // day whose record is of another bill date (the channel moved it across the cut-off) brings
  // its record too, so tomorrow's bill still finds it.
  const counterIds = new Set(counter.map((m) => m.id));
  const strays = all.filter((t) => t.channel === mobileChannel && t.type === 'payment' && t.origin !== 'duplicate' && !counterIds.has(t.channelTradeNo)).map((t) => t.channelTradeNo);
  if (strays.length > 0) append(counter, await reader.byKeys(strays, async (page) => (await mobileTables(db).mobilePayments.bulkGet(page)).filter((m): m is MobilePaymentRow => m !== undefined)));
  for (const m of counter) {
    if (m.status !== 'paid' || m.paidAt === null || !inScope('', m.payeeId)) continue;
    platform.push({ merchantOrderNo: counterReceiptNo(m.id), merchantRefundNo: '', orderId: '', institutionId: m.institutionId, channel: mobileChannel, type: 'payment', amount: m.amount, expectedFee: toStored(zero(m.amount.currency)), status: 'success', at: m.paidAt, billDate: m.billDate });
  }
  // The bank side: the money each of the day's trades moved, as the ledger recorded it.
  const todays = all.filter((t) => t.billDate === date);
  const entries = await entriesOf(db, reader, todays.flatMap((t) => t.ledgerIds.slice(0, 1)));
  const amountOf = new Map(entries.map((e) => [e.transferId, e.amount]));
  const bank: BankLine[] = todays.map((t) => {
    const moved = t.ledgerIds[0] === undefined ? undefined : amountOf.get(t.ledgerIds[0]);
    const amount = fromStored({ amount: moved ?? '0', currency: t.gross.currency });
    return { id: t.channelTradeNo, institutionId: t.institutionId, billDate: date, amount: toStored(t.type === 'payment' ? amount : negate(amount)) };
  });
  assert(platform.length <= dayChargesMax * 4, 'a day of records within bounds');
  return { platform, bill: all.map(billRowOf), bank, trades: all };
}

/** The charges a match of `date` considers were made in [from, to) (refunds reach back to their charge). */
function chargesWindowOf(date: string): { readonly from: number; readonly to: number } {
  return { from: dateStartMs(date) - chargeLookbackDays * dayMs, to: billWindowOf(date).to + 2 * dayMs };
}

/** The sellers of the charges' orders: only a seller's run needs them (the platform's takes every charge). */
async function sellersOf(db: WorldDb, reader: Reader, scope: ReconScope, charges: readonly Charge[]): Promise<Map<string, string>> {
  const orderIds = scope === 'platform' ? [] : [...new Set(charges.map((c) => c.orderId))];
  const orders = await reader.byKeys(orderIds, async (page) => (await marketTables(db).orders.bulkGet(page)).filter((o): o is OrderRow => o !== undefined));
  return new Map(orders.map((o) => [o.id, o.sellerId] as const));
}

/** Everything the match of `date` needs, for one scope. Reads only; callable inside a command. */
export async function readDayInputs(db: WorldDb, scope: ReconScope, date: string, io: DayReadIo = {}): Promise<DayInputs> {
  const reader = new Reader(io);
  const window = chargesWindowOf(date);
  const charges = await reader.pagesFrom((lower, inclusive) => paymentsTables(db).charges.where('createdAt').between(lower, window.to, inclusive, false), (c) => c.createdAt, (c) => c.id, window.from, dayChargesMax);
  const sellerByOrder = await sellersOf(db, reader, scope, charges);
  // A bill day's trades in one read each (one getAll: reading them row by row costs several times more).
  const trades = await reader.byKeys([date, nextDate(date)], (days) => reconTables(db).channelTrades.where('billDate').anyOf(days).limit(dayTradesMax).toArray(), 1);
  const counter = await reader.byKeys([date, nextDate(date)], (days) => mobileTables(db).mobilePayments.where('billDate').anyOf(days).limit(dayTradesMax).toArray(), 1);
  const madeBefore = new Set(charges.filter((c) => billDateOf(c.createdAt) < date).map((c) => c.id));
  const earlier = async (numbers: readonly string[]): Promise<ChannelTradeRow[]> => {
    // A channel takes a charge's money only after the charge was made, so its own trades are on
    // bills dated no earlier than the charge's creation: only the records of charges made before
    // this bill day are looked up one by one (a day's own charges, 100,000 in the bench, would
    // cost one read each). One equality read per number, all of a page at once in one transaction
    // (IndexedDB runs them back to back; anyOf walks a cursor from key to key, one round trip each).
    const before = numbers.filter((no) => madeBefore.has(no));
    const looked = await reader.byKeys(before, (page) => db.transaction('r', reconTables(db).channelTrades, async () => (await Promise.all(page.map((no) => reconTables(db).channelTrades.where('merchantOrderNo').equals(no).limit(tradesPerNumberMax).toArray()))).flat()));
    // A teacher's imported bill may date a row before its charge: the imported bills before the
    // day are read whole (a lab's few), keeping the rows of today's numbers.
    const wanted = new Set(numbers);
    const bills = await importedBillsBefore(db, date);
    const imported = await reader.byKeys(bills.map((b) => b.date), (days) => reconTables(db).channelTrades.where('billDate').anyOf(days).limit(dayTradesMax).toArray(), 1);
    const institutionsOn = new Set(bills.map((b) => `${b.institutionId}|${b.date}`));
    return [...looked, ...imported.filter((t) => wanted.has(t.merchantOrderNo) && institutionsOn.has(`${t.institutionId}|${t.billDate}`))];
  };
  return inputsFrom(db, reader, scope, date, { charges, sellerByOrder, trades, earlier, counter });
}

/** Trades of the merchant numbers a resolution touches, at most (each a handful). */
const numbersMax = 64;

/**
 * What the match of `date` reads of a few merchant numbers only (their charges, trades, counter
 * records and the ledger entries of their trades): the same rows the day's read holds for those
 * numbers, so their match is the day's match of them (rematchNumbers). Reads only.
 */
export async function readNumberInputs(db: WorldDb, scope: ReconScope, date: string, numbers: readonly string[]): Promise<DayInputs> {
  assert(numbers.length <= numbersMax, 'a few merchant numbers');
  const reader = new Reader({});
  const window = chargesWindowOf(date);
  const charges = (await paymentsTables(db).charges.bulkGet([...numbers])).filter((c): c is Charge => c !== undefined && c.createdAt >= window.from && c.createdAt < window.to);
  const sellerByOrder = await sellersOf(db, reader, scope, charges);
  const rows = (await Promise.all(numbers.map((no) => reconTables(db).channelTrades.where('merchantOrderNo').equals(no).limit(tradesPerNumberMax).toArray()))).flat();
  const days = new Set([date, nextDate(date)]);
  const counterIds = numbers.filter((no) => no.startsWith(counterReceiptNo(''))).map((no) => no.slice(counterReceiptNo('').length));
  const counter = (await mobileTables(db).mobilePayments.bulkGet(counterIds)).filter((m): m is MobilePaymentRow => m !== undefined && days.has(m.billDate));
  return inputsFrom(db, reader, scope, date, {
    charges,
    sellerByOrder,
    trades: rows.filter((t) => days.has(t.billDate)),
    earlier: async (today) => rows.filter((t) => !days.has(t.billDate) && today.includes(t.merchantOrderNo)),
    counter,
  });
}

export function matchInputs(date: string, inputs: DayInputs): MatchResult {
  return matchDay({ date, currency: 'CNY', platform: inputs.platform, bill: inputs.bill, bank: inputs.bank });
}

/** The bills of `date`, one per institution with rows, for the scope. */
export function billsOf(date: string, inputs: DayInputs): Bill[] {
  const institutions = [...new Set(inputs.bill.map((r) => r.institutionId))].sort();
  return institutions.map((id) => buildBill(id, date, 'CNY', inputs.bill)).filter((b) => b.rows.length > 0);
}

/** One institution's bill of a day without its rows: what the desk shows and saves with a run. */
export type BillSummary = { readonly institutionId: string; readonly date: string; readonly totals: BillTotals };

export function billSummariesOf(date: string, inputs: DayInputs): BillSummary[] {
  return billsOf(date, inputs).map((b) => ({ institutionId: b.institutionId, date: b.date, totals: b.totals }));
}

/**
 * The saved bills' totals after a change to a few numbers' rows: each institution's totals less
 * the rows `before` summed and plus those `after` sums (bill summaries of the numbers' reads); a
 * bill left with no rows is gone, as billsOf leaves it out.
 */
export function billSummariesAfter(date: string, saved: readonly BillSummary[], before: readonly BillSummary[], after: readonly BillSummary[]): BillSummary[] {
  const empty = (currency: BillTotals['gross']['currency']): BillTotals => ({ rows: 0, gross: toStored(zero(currency)), fee: toStored(zero(currency)), net: toStored(zero(currency)) });
  const institutions = [...new Set([...saved, ...before, ...after].map((b) => b.institutionId))].sort();
  const find = (list: readonly BillSummary[], id: string) => list.find((b) => b.institutionId === id)?.totals;
  return institutions
    .map((institutionId) => {
      const any = (find(saved, institutionId) ?? find(before, institutionId) ?? find(after, institutionId))!;
      const none = empty(any.gross.currency);
      return { institutionId, date, totals: billTotalsAfter(find(saved, institutionId) ?? none, find(before, institutionId) ?? none, find(after, institutionId) ?? none) };
    })
    .filter((b) => b.totals.rows > 0);
}

/**
 * A match computed outside the desk's command (by a reconciliation worker, src/app/recon-worker),
 * with the world's stamp taken before its reads began.
 */
export type PrecomputedMatch = {
  readonly result: MatchResult;
  readonly bills: readonly BillSummary[];
  readonly stamp: number;
  /** matchDigest of result and bills, computed where the match was made (the worker's thread). */
  readonly digest: string;
};

/**
 * The digest of a day's match and its bills' totals (sha256 of its canonical JSON): what
 * the desk's command logs of a match made outside it. A 100,000-order day's match has a thousand
 * differences or more; logging and digesting the match itself on the page's thread held it for
 * 100 ms and more after each run (the reconcile.desk.longtask bench row).
 */
export function matchDigest(result: MatchResult, bills: readonly BillSummary[]): string {
  return sha256Hex(canonicalBytes({ result, bills }));
}

/**
 * A stamp of everything a match reads: every command that changes the world appends its row to
 * the world's command log (execute, pipeline.ts), so the same last log seq before a match was read
 * and when its result is saved means nothing changed in between. The log is world state (a
 * replay rebuilds the same seqs), so the desk's command checks the stamp the same way when its
 * logged input is replayed; the device's own record of command ids (`commands`, refusals
 * included) would not be.
 */
export async function worldStamp(db: WorldDb): Promise<number> {
  // By name: a worker opens the database without its schema class (serve.ts), so it has no
  // table members, only db.table().
  const last = await db.table<{ readonly seq: number }, number>('commandLog').orderBy('seq').last();
  return last?.seq ?? 0;
}
