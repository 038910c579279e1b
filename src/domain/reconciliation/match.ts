import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import { compare, fromMinorUnits, fromStored, storedMinorUnits, toStored, type CurrencyCode, type StoredMoney } from '../money/index.ts';
import { dayMs } from '../world/clock.ts';
import { mobileChannel } from '../payments/mobile/wallet.ts';
import { billDateOf, billRowsMax, billWindowOf, dateStartMs, nextDate, type BillRow, type BillRowStatus } from './bill.ts';

// Three-way matching (三方对账) of one day: the platform's own payment records (its charges and
// their refunds, booked when the channel's callback arrived) ↔ the channels' bill rows ↔ the bank
// lines that settled each channel's day. Rows are paired by the merchant's numbers (order number,
// and refund number for refunds), which the platform chose and the channel echoes.
//
// Days: the platform books on its calendar day, the channels on their bill day (cut-off 23:59). A
// bill row is compared with its platform record on the BILL's day; a platform record whose bill
// row comes in tomorrow's bill is a timing difference today and matches tomorrow; a platform
// record whose bill row was in an earlier bill (a callback that arrived late, or was restored from
// the bill) is matched already.

export const differenceKinds = [
  'long', // 长款: in the bill, no platform record (a lost callback)
  'short', // 短款: the platform recorded it, no bill has it
  'amount_mismatch',
  'fee_mismatch',
  'status_mismatch', // e.g. refunded at the platform, still paid at the channel
  'duplicate_payment', // the channel has more than one trade for one merchant number
  'timing', // the platform's day, the next day's bill (cut-off)
  'settlement_mismatch', // the bill's net for the day ≠ what the bank credited for it
] as const;
export type DifferenceKind = (typeof differenceKinds)[number];

/** The platform's record of a payment or refund (what its callback handler booked). */
export type PlatformRecord = {
  /** The merchant order number the platform gave the channel: the charge id. */
  readonly merchantOrderNo: string;
  /** The refund's number; '' for a payment. */
  readonly merchantRefundNo: string;
  readonly orderId: string;
  readonly institutionId: string;
  readonly channel: string;
  readonly type: 'payment' | 'refund';
  /** Signed like the bill: a payment above zero, a refund below. */
  readonly amount: StoredMoney;
  /** The fee the platform expects the channel to charge (its contract rate). */
  readonly expectedFee: StoredMoney;
  readonly status: BillRowStatus;
  readonly at: number;
  /**
   * A counter payment's record (手机支付 at a shop counter) keeps the channel's bill date it was
   * paid on, and is reconciled on that day: the cashier's books close at the wallet's cut-off, so a
   * payment at 23:59:30 is the next day's on both sides (no timing difference). Absent for the
   * platform's own charges, which book on the calendar day of `at`.
   */
  readonly billDate?: string;
};

/**
 * Channels paid at a shop counter, without a platform order: their records are the seller's own
 * (src/app/mobile), so an order cannot be marked paid (补单) from their bill.
 */
export const counterChannels: readonly string[] = [mobileChannel];

/** A credit (or debit) on the platform's settlement account for one channel's bill day. */
export type BankLine = { readonly id: string; readonly institutionId: string; readonly billDate: string; readonly amount: StoredMoney };

export type Difference = {
  /** Stable across runs of the same day: the resolutions refer to it. */
  readonly id: string;
  readonly kind: DifferenceKind;
  readonly date: string;
  readonly institutionId: string;
  readonly channel: string;
  readonly orderId: string | null;
  readonly merchantOrderNo: string;
  readonly merchantRefundNo: string;
  readonly channelTradeNo: string | null;
  /** What the channel says (bill gross, bill fee, bill net...), null when it has nothing. */
  readonly billAmount: StoredMoney | null;
  /** What the platform (or, for settlement, the bank) says, null when it has nothing. */
  readonly otherAmount: StoredMoney | null;
};

export type MatchInput = {
  readonly date: string;
  readonly currency: CurrencyCode;
  /** The platform's records: at least those of `date`, and any the day's bill rows name. */
  readonly platform: readonly PlatformRecord[];
  /** The channels' rows: at least the bills of `date` and the next day, and any today's records name. */
  readonly bill: readonly BillRow[];
  readonly bank: readonly BankLine[];
};

export type MatchResult = {
  readonly date: string;
  /** Bill rows of the day paired with a platform record (compared, whatever the outcome). */
  readonly matched: number;
  readonly differences: readonly Difference[];
  /** Per institution: the day's bill net and what the bank credited for it. */
  readonly settlements: readonly { readonly institutionId: string; readonly billNet: StoredMoney; readonly bankCredit: StoredMoney }[];
};

const keyOf = (orderNo: string, refundNo: string) => (refundNo === '' ? orderNo : `${orderNo}|${refundNo}`);

function byTime(a: BillRow, b: BillRow): number {
  return a.at - b.at || (a.channelTradeNo < b.channelTradeNo ? -1 : a.channelTradeNo > b.channelTradeNo ? 1 : 0);
}

/** Equal amounts: stored amounts at the currency's scale compare as text; anything else as money. */
function sameMoney(a: StoredMoney, b: StoredMoney): boolean {
  return (a.amount === b.amount && a.currency === b.currency) || compare(fromStored(a), fromStored(b)) === 0;
}

/**
 * Matches one day. Pure: the same input gives the same differences in the same order. Rows are
 * compared by their world time against the day's windows (no date text per row), and sums are
 * kept in minor units: a 100,000-order day runs in a fraction of a second.
 */
export function matchDay(input: MatchInput): MatchResult {
  const { date, currency } = input;
  assert(input.bill.length <= billRowsMax * 4 && input.platform.length <= billRowsMax * 4, 'a day and its neighbours');
  // The bill of `date` covers [billFrom, billTo); the next day's bill [billTo, billTo + 1 day).
  const { from: billFrom, to: billTo } = billWindowOf(date);
  const nextBillTo = billTo + dayMs;
  const dayFrom = dateStartMs(date);
  const dayTo = dayFrom + dayMs;
  assert(billDateOf(billFrom) === date && nextDate(date) === billDateOf(billTo), 'the bill windows');

  // 1. The bill rows. Every row by merchant number (any day): the first in a map of its own, and
  // all the rows of a number that has more than one (rare) in another, so single rows make no
  // arrays. Today's rows (the first of each number) in bill order; each institution's net for the
  // day (fee rows too) in minor units.
  const firstByKey = new Map<string, BillRow>();
  const moreByKey = new Map<string, BillRow[]>();
  const todayRows: BillRow[] = [];
  // feeGap: what the day's fee mismatches say the channel took beyond the platform's expected fees.
  const nets = new Map<string, { billNet: bigint; bankCredit: bigint; feeGap: bigint; channel: string }>();
  const netOf = (institutionId: string, channel: string) => {
    let e = nets.get(institutionId);
    if (e === undefined) {
      e = { billNet: 0n, bankCredit: 0n, feeGap: 0n, channel };
      nets.set(institutionId, e);
    }
    return e;
  };
  for (const row of input.bill) {
    const today = row.at >= billFrom && row.at < billTo;
    if (today) {
      assert(row.net.currency === currency, 'one currency');
      netOf(row.institutionId, row.channel).billNet += storedMinorUnits(row.net);
    }
    if (row.type === 'fee') continue;
    const key = keyOf(row.merchantOrderNo, row.merchantRefundNo);
    const first = firstByKey.get(key);
    if (first === undefined) {
      firstByKey.set(key, row);
      if (today) todayRows.push(row);
      continue;
    }
    let more = moreByKey.get(key);
    if (more === undefined) {
      more = [first];
      moreByKey.set(key, more);
    }
    const hadToday = more.some((r) => r.at >= billFrom && r.at < billTo);
    more.push(row);
    if (today && !hadToday) todayRows.push(row);
  }
  const rowsOf = (key: string, first: BillRow): readonly BillRow[] => (moreByKey.size === 0 ? [first] : (moreByKey.get(key) ?? [first]));

  const differences: Difference[] = [];
  const diff = (kind: DifferenceKind, row: BillRow | null, p: PlatformRecord | null, billAmount: StoredMoney | null, otherAmount: StoredMoney | null): void => {
    const source = (row ?? p)!;
    const ref = row?.channelTradeNo ?? keyOf(source.merchantOrderNo, source.merchantRefundNo);
    differences.push({
      id: `${kind}:${source.institutionId}:${ref}`,
      kind,
      date,
      institutionId: source.institutionId,
      channel: source.channel,
      orderId: p?.orderId ?? null,
      merchantOrderNo: source.merchantOrderNo,
      merchantRefundNo: source.merchantRefundNo,
      channelTradeNo: row?.channelTradeNo ?? null,
      billAmount,
      otherAmount,
    });
  };

  // 2. The platform's records by merchant number; today's records whose number no bill of today
  // or earlier has: a timing difference when tomorrow's bill has it, else a short.
  const platform = new Map<string, PlatformRecord>();
  const late: PlatformRecord[] = [];
  for (const p of input.platform) {
    const key = keyOf(p.merchantOrderNo, p.merchantRefundNo);
    const size = platform.size;
    platform.set(key, p);
    if (platform.size === size) assert(false, `one platform record per merchant number: ${key}`);
    if (p.billDate === undefined ? p.at < dayFrom || p.at >= dayTo : p.billDate !== date) continue;
    const first = firstByKey.get(key);
    if (first === undefined) {
      diff('short', null, p, null, p.amount);
      continue;
    }
    // The earliest bill row of the number decides (compared on its bill's day, today or earlier).
    let earliest = first.at;
    if (moreByKey.size > 0) for (const r of moreByKey.get(key) ?? []) earliest = Math.min(earliest, r.at);
    if (earliest < billTo) continue;
    if (earliest < nextBillTo) late.push(p);
    else diff('short', null, p, null, p.amount);
  }
  for (const p of late) diff('timing', null, p, null, p.amount);

  // 3. Today's bill rows against the platform's records.
  let matched = 0;
  const compareRow = (row: BillRow, p: PlatformRecord | undefined): void => {
    if (p === undefined) return diff('long', row, null, row.gross, null);
    matched += 1;
    if (!sameMoney(row.gross, p.amount)) diff('amount_mismatch', row, p, row.gross, p.amount);
    if (!sameMoney(row.fee, p.expectedFee)) {
      diff('fee_mismatch', row, p, row.fee, p.expectedFee);
      netOf(row.institutionId, row.channel).feeGap += storedMinorUnits(row.fee) - storedMinorUnits(p.expectedFee);
    }
    if (row.status !== p.status) diff('status_mismatch', row, p, row.gross, p.amount);
  };
  for (const first of todayRows) {
    const key = keyOf(first.merchantOrderNo, first.merchantRefundNo);
    const p = platform.get(key);
    const all = rowsOf(key, first);
    if (all.length === 1) {
      compareRow(first, p);
      continue;
    }
    const sorted = [...all].sort(byTime);
    for (const row of sorted) {
      if (row.at < billFrom || row.at >= billTo) continue;
      // The first trade for a merchant number is the payment; any later one took the money twice.
      if (sorted[0] !== row) diff('duplicate_payment', row, p ?? null, row.gross, p?.amount ?? null);
      else compareRow(row, p);
    }
  }

  // 4. Settlement: each institution's bill net for the day against the bank's credits for it. The
  // channels take their fees in their own batches, so a trade's money moves at the platform's
  // expected fee: a fee the bill changed is a gap the fee mismatch already names (and its fee
  // adjustment books), so it is counted back here; one fault, one difference.
  for (const line of input.bank) {
    if (line.billDate !== date) continue;
    assert(line.amount.currency === currency, 'one currency');
    netOf(line.institutionId, '').bankCredit += storedMinorUnits(line.amount);
  }
  const settlements = [...nets.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([institutionId, e]) => ({ institutionId, billNet: toStored(fromMinorUnits(e.billNet, currency)), bankCredit: toStored(fromMinorUnits(e.bankCredit, currency)), channel: e.channel, same: e.billNet + e.feeGap === e.bankCredit }));
  for (const s of settlements) {
    if (s.same) continue;
    differences.push({ id: `settlement_mismatch:${s.institutionId}:${date}`, kind: 'settlement_mismatch', date, institutionId: s.institutionId, channel: s.channel, orderId: null, merchantOrderNo: '', merchantRefundNo: '', channelTradeNo: null, billAmount: s.billNet, otherAmount: s.bankCredit });
  }
  return { date, matched, differences, settlements: settlements.map(({ institutionId, billNet, bankCredit }) => ({ institutionId, billNet, bankCredit })) };
}

// ---- the exceptions workflow ---------------------------------------------------------------------

export const resolutionActions = [
  'mark_paid', // 补单: the order is marked paid from the bill row
  'refund_duplicate', // the second payment goes back to the payer
  'book_fee_adjustment', // the fee difference is booked against the channel
  'carry_forward', // a timing difference: tomorrow's bill will match it
  'write_off', // accepted as it is, with the clerk's reason
] as const;
export type ResolutionAction = (typeof resolutionActions)[number];

/** What a clerk may do about each kind; write-off (with a reason) always. */
export const actionsFor: Readonly<Record<DifferenceKind, readonly ResolutionAction[]>> = {
  long: ['mark_paid', 'write_off'],
  short: ['write_off'],
  amount_mismatch: ['write_off'],
  fee_mismatch: ['book_fee_adjustment', 'write_off'],
  status_mismatch: ['write_off'],
  duplicate_payment: ['refund_duplicate', 'write_off'],
  timing: ['carry_forward', 'write_off'],
  settlement_mismatch: ['write_off'],
};

/** What a clerk may do about one difference: a counter payment has no order to mark paid. */
export function actionsOf(d: Pick<Difference, 'kind' | 'channel'>): readonly ResolutionAction[] {
  const all = actionsFor[d.kind];
  return counterChannels.includes(d.channel) ? all.filter((a) => a !== 'mark_paid') : all;
}

export type Resolution = {
  readonly differenceId: string;
  readonly action: ResolutionAction;
  readonly reason: string;
  readonly at: number;
  readonly actorId: string;
};

export const resolutionReasonLengthMax = 200;

export type ResolutionRefusal = 'difference_not_found' | 'action_not_allowed' | 'reason_required' | 'reason_too_long' | 'already_resolved';

/** Whether `action` may resolve `difference` (before the app books its money). */
export function checkResolution(difference: Difference | undefined, resolved: ReadonlySet<string>, action: ResolutionAction, reason: string): Result<null, ResolutionRefusal> {
  if (difference === undefined) return err('difference_not_found');
  if (resolved.has(difference.id)) return err('already_resolved');
  if (!actionsOf(difference).includes(action)) return err('action_not_allowed');
  const text = reason.trim();
  if (action === 'write_off' && text.length === 0) return err('reason_required');
  if (text.length > resolutionReasonLengthMax) return err('reason_too_long', { max: resolutionReasonLengthMax });
  return ok(null);
}

export type DayStatus = { readonly open: readonly Difference[]; readonly resolved: readonly Difference[]; readonly balanced: boolean };

/** A day is balanced only when every difference found is resolved. */
export function dayStatus(differences: readonly Difference[], resolutions: readonly Resolution[]): DayStatus {
  const done = new Set(resolutions.map((r) => r.differenceId));
  const open = differences.filter((d) => !done.has(d.id));
  return { open, resolved: differences.filter((d) => done.has(d.id)), balanced: open.length === 0 };
}

// ---- a saved match kept up to date -----------------------------------------------------------

/**
 * The saved match of a day after a change to the rows of a few merchant numbers (a clerk's action
 * on one difference): `before` and `after` are matchDay of only those numbers' records, bill rows
 * and bank lines, taken before and after the change. A match's count, its per-number differences
 * and each institution's sums add up over merchant numbers, so the day's are the saved ones less
 * `before`'s plus `after`'s, with no read of the day's other rows; the settlement differences
 * follow from the new sums. A difference gone with the change stays listed when `keep` names it
 * (a resolved one: the report shows what it was).
 */
export function rematchNumbers(saved: MatchResult, before: MatchResult, after: MatchResult, keep: ReadonlySet<string>): MatchResult {
  assert(saved.date === before.date && saved.date === after.date, 'one day');
  const isSettlement = (d: Difference) => d.kind === 'settlement_mismatch';
  const gone = new Set(before.differences.filter((d) => !isSettlement(d)).map((d) => d.id));
  const fresh = new Map(after.differences.filter((d) => !isSettlement(d)).map((d) => [d.id, d] as const));
  // live: the differences a run of the day would now find (besides the settlements'); kept: gone, listed for the report.
  const live: Difference[] = [];
  const listed: Difference[] = [];
  for (const d of saved.differences) {
    if (isSettlement(d)) continue;
    const now = fresh.get(d.id);
    if (now !== undefined) {
      fresh.delete(d.id);
      live.push(now);
      listed.push(now);
    } else if (!gone.has(d.id)) {
      live.push(d);
      listed.push(d);
    } else if (keep.has(d.id)) listed.push(d);
  }
  for (const d of fresh.values()) {
    live.push(d);
    listed.push(d);
  }
  // Each institution's sums in minor units: saved − before + after.
  const sums = new Map<string, { billNet: bigint; bankCredit: bigint; feeGap: bigint; currency: CurrencyCode }>();
  const add = (list: MatchResult['settlements'], sign: bigint) => {
    for (const s of list) {
      const e = sums.get(s.institutionId) ?? { billNet: 0n, bankCredit: 0n, feeGap: 0n, currency: s.billNet.currency };
      e.billNet += sign * storedMinorUnits(s.billNet);
      e.bankCredit += sign * storedMinorUnits(s.bankCredit);
      sums.set(s.institutionId, e);
    }
  };
  add(saved.settlements, 1n);
  add(before.settlements, -1n);
  add(after.settlements, 1n);
  // The fee mismatches a run would find say what the channel took beyond the expected fees (matchDay step 4).
  for (const d of live) {
    if (d.kind !== 'fee_mismatch' || d.billAmount === null || d.otherAmount === null) continue;
    const e = sums.get(d.institutionId);
    if (e !== undefined) e.feeGap += storedMinorUnits(d.billAmount) - storedMinorUnits(d.otherAmount);
  }
  const settlements = [...sums.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([institutionId, e]) => ({ institutionId, billNet: toStored(fromMinorUnits(e.billNet, e.currency)), bankCredit: toStored(fromMinorUnits(e.bankCredit, e.currency)), same: e.billNet + e.feeGap === e.bankCredit }));
  const savedSettlement = new Map(saved.differences.filter(isSettlement).map((d) => [d.id, d] as const));
  // The channel a settlement difference names (matchDay: the institution's first bill row's; a
  // wording hint only, the money is the institution's): the saved one's, else one of the
  // institution's differences, else none.
  const channelOf = (institutionId: string) => [...live, ...before.differences].find((d) => d.institutionId === institutionId && !isSettlement(d))?.channel ?? '';
  for (const s of settlements) {
    const id = `settlement_mismatch:${s.institutionId}:${saved.date}`;
    const was = savedSettlement.get(id);
    if (!s.same) listed.push({ id, kind: 'settlement_mismatch', date: saved.date, institutionId: s.institutionId, channel: was?.channel ?? channelOf(s.institutionId), orderId: null, merchantOrderNo: '', merchantRefundNo: '', channelTradeNo: null, billAmount: s.billNet, otherAmount: s.bankCredit });
    else if (was !== undefined && keep.has(id)) listed.push(was);
  }
  return { date: saved.date, matched: saved.matched - before.matched + after.matched, differences: listed, settlements: settlements.map(({ institutionId, billNet, bankCredit }) => ({ institutionId, billNet, bankCredit })) };
}
