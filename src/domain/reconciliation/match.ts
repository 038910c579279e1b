import { assert } from '../assert.ts';
import { err, ok, type Result } from '../result.ts';
import { add, compare, fromStored, toStored, zero, type CurrencyCode, type Money, type StoredMoney } from '../money/index.ts';
import { billDateOf, billRowsMax, nextDate, worldDateOf, type BillRow, type BillRowStatus } from './bill.ts';

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
};

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

const keyOf = (orderNo: string, refundNo: string) => `${orderNo}|${refundNo}`;

function byTime(a: BillRow, b: BillRow): number {
  return a.at - b.at || (a.channelTradeNo < b.channelTradeNo ? -1 : a.channelTradeNo > b.channelTradeNo ? 1 : 0);
}

function sameMoney(a: StoredMoney, b: StoredMoney): boolean {
  return compare(fromStored(a), fromStored(b)) === 0;
}

/** Matches one day. Pure: the same input gives the same differences in the same order. */
export function matchDay(input: MatchInput): MatchResult {
  const { date, currency } = input;
  assert(input.bill.length <= billRowsMax * 4 && input.platform.length <= billRowsMax * 4, 'a day and its neighbours');
  const tomorrow = nextDate(date);
  const platform = new Map<string, PlatformRecord>();
  for (const p of input.platform) {
    const key = keyOf(p.merchantOrderNo, p.merchantRefundNo);
    assert(!platform.has(key), `one platform record per merchant number: ${key}`);
    platform.set(key, p);
  }
  // Every bill row by key (any day), and today's rows in bill order.
  const billByKey = new Map<string, BillRow[]>();
  for (const row of input.bill) {
    if (row.type === 'fee') continue;
    const key = keyOf(row.merchantOrderNo, row.merchantRefundNo);
    const list = billByKey.get(key);
    if (list === undefined) billByKey.set(key, [row]);
    else list.push(row);
  }
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
  let matched = 0;
  const todayKeys = [...billByKey.entries()]
    .map(([key, rows]) => [key, rows.filter((r) => billDateOf(r.at) === date).sort(byTime)] as const)
    .filter(([, rows]) => rows.length > 0)
    .sort(([, a], [, b]) => byTime(a[0]!, b[0]!));
  for (const [key, rows] of todayKeys) {
    const all = billByKey.get(key)!.slice().sort(byTime);
    const p = platform.get(key) ?? null;
    for (const row of rows) {
      // The first trade for a merchant number is the payment; any later one took the money twice.
      if (all[0] !== row) {
        diff('duplicate_payment', row, p, row.gross, p?.amount ?? null);
        continue;
      }
      if (p === null) {
        diff('long', row, null, row.gross, null);
        continue;
      }
      matched += 1;
      if (!sameMoney(row.gross, p.amount)) diff('amount_mismatch', row, p, row.gross, p.amount);
      if (!sameMoney(row.fee, p.expectedFee)) diff('fee_mismatch', row, p, row.fee, p.expectedFee);
      if (row.status !== p.status) diff('status_mismatch', row, p, row.gross, p.amount);
    }
  }
  const todays = input.platform.filter((p) => worldDateOf(p.at) === date).sort((a, b) => a.at - b.at || (keyOf(a.merchantOrderNo, a.merchantRefundNo) < keyOf(b.merchantOrderNo, b.merchantRefundNo) ? -1 : 1));
  for (const p of todays) {
    const rows = billByKey.get(keyOf(p.merchantOrderNo, p.merchantRefundNo)) ?? [];
    if (rows.some((r) => billDateOf(r.at) <= date)) continue; // compared on its bill's day
    if (rows.some((r) => billDateOf(r.at) === tomorrow)) diff('timing', null, p, null, p.amount);
    else diff('short', null, p, null, p.amount);
  }
  // Settlement: each institution's bill net for the day against the bank's credits for it.
  const nets = new Map<string, { billNet: Money; bankCredit: Money; channel: string }>();
  const entry = (institutionId: string, channel: string) => {
    let e = nets.get(institutionId);
    if (e === undefined) {
      e = { billNet: zero(currency), bankCredit: zero(currency), channel };
      nets.set(institutionId, e);
    }
    return e;
  };
  for (const row of input.bill) if (billDateOf(row.at) === date) entry(row.institutionId, row.channel).billNet = add(entry(row.institutionId, row.channel).billNet, fromStored(row.net));
  for (const line of input.bank) if (line.billDate === date) entry(line.institutionId, '').bankCredit = add(entry(line.institutionId, '').bankCredit, fromStored(line.amount));
  const settlements = [...nets.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([institutionId, e]) => ({ institutionId, billNet: toStored(e.billNet), bankCredit: toStored(e.bankCredit), channel: e.channel }));
  for (const s of settlements) {
    if (sameMoney(s.billNet, s.bankCredit)) continue;
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
  fee_mismatch: ['write_off'],
  status_mismatch: ['write_off'],
  duplicate_payment: ['refund_duplicate', 'write_off'],
  timing: ['carry_forward', 'write_off'],
  settlement_mismatch: ['write_off'],
};

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
  if (!actionsFor[difference.kind].includes(action)) return err('action_not_allowed');
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
