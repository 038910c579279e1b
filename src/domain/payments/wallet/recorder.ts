// The e-wallet's transaction recorder (交易记录器): one row per payment made from the wallet, with
// time, payee, amount, channel and status, searchable and exportable (csv.ts). Rows are written by
// the app when a wallet payment is made and updated only by a status change, so the recorder is a
// faithful diary the user can check against bank statements.
import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { paymentChannelIds, type PaymentChannelId } from '../gateway/charge.ts';
import { compare, fromStored, isCurrencyCode, isPositive, money, toStored, type CurrencyCode } from '../../money/index.ts';

/** A wallet payment's channel is a gateway channel, so recorder rows and charges use the same words. */
export const walletChannels = paymentChannelIds;
export type WalletChannel = PaymentChannelId;

export const walletTransactionStatuses = ['pending', 'completed', 'failed', 'refunded'] as const;
export type WalletTransactionStatus = (typeof walletTransactionStatuses)[number];

export const walletPayeeLengthMax = 100;
export const walletReferenceLengthMax = 128;
export const walletNoteLengthMax = 200;
/** Rows one search or export looks at: a wallet's diary, not a bank's journal. */
export const walletTransactionsScanMax = 100_000;
export const walletSearchResultsMax = 1000;

export type WalletTransaction = {
  readonly id: string;
  /** The wallet owner's party id. */
  readonly walletId: string;
  /** World time (ms) of the payment. */
  readonly at: number;
  /** Who was paid, as shown (a shop name); `payeeId` is the party id when known. */
  readonly payee: string;
  readonly payeeId: string | null;
  /** Decimal string at the currency's scale. */
  readonly amount: string;
  readonly currency: CurrencyCode;
  readonly channel: WalletChannel;
  readonly status: WalletTransactionStatus;
  /** An order number, a bill id: what the payment was for. */
  readonly reference: string;
  readonly note: string;
  readonly updatedAt: number;
};

export type WalletTransactionInput = Omit<WalletTransaction, 'status' | 'updatedAt' | 'amount'> & {
  readonly amount: string;
  readonly status?: WalletTransactionStatus;
};

export type WalletRecordProblem =
  | 'field_required'
  | 'field_too_long'
  | 'amount_invalid'
  | 'amount_not_positive'
  | 'currency_unknown'
  | 'channel_unknown'
  | 'status_unknown';

const controlCharacters = /\p{Cc}/u;

function textProblem(value: unknown, field: string, max: number, required: boolean): Result<string, WalletRecordProblem> {
  if (typeof value !== 'string') return err('field_required', { field });
  if (required && value.trim().length === 0) return err('field_required', { field });
  if ([...value].length > max) return err('field_too_long', { field, max });
  // Control characters would make the row read differently on screen, in search and in the CSV.
  if (controlCharacters.test(value)) return err('field_required', { field });
  return ok(value);
}

/** A new recorder row; the amount is normalised to the currency's scale. */
export function recordWalletTransaction(input: WalletTransactionInput, now: number): Result<WalletTransaction, WalletRecordProblem> {
  assert(Number.isSafeInteger(now) && now >= 0, 'now must be world time in ms');
  assert(Number.isSafeInteger(input.at) && input.at >= 0, 'at must be world time in ms');
  for (const [field, value, max, required] of [
    ['id', input.id, walletReferenceLengthMax, true],
    ['walletId', input.walletId, walletReferenceLengthMax, true],
    ['payee', input.payee, walletPayeeLengthMax, true],
    ['reference', input.reference, walletReferenceLengthMax, false],
    ['note', input.note, walletNoteLengthMax, false],
  ] as const) {
    const checked = textProblem(value, field, max, required);
    if (!checked.ok) return checked;
  }
  if (!isCurrencyCode(input.currency)) return err('currency_unknown');
  if (!(walletChannels as readonly string[]).includes(input.channel)) return err('channel_unknown');
  const status = input.status ?? 'pending';
  if (!(walletTransactionStatuses as readonly string[]).includes(status)) return err('status_unknown');
  if (typeof input.amount !== 'string' || !/^\d+(\.\d+)?$/.test(input.amount)) return err('amount_invalid');
  let amount: string;
  try {
    const m = money(input.amount, input.currency);
    if (!isPositive(m)) return err('amount_not_positive');
    amount = toStored(m).amount;
  } catch {
    // money() asserts on more decimals than the currency has: for user-shaped input that is a refusal.
    return err('amount_invalid');
  }
  return ok({
    id: input.id,
    walletId: input.walletId,
    at: input.at,
    payee: input.payee,
    payeeId: input.payeeId,
    amount,
    currency: input.currency,
    channel: input.channel,
    status,
    reference: input.reference,
    note: input.note,
    updatedAt: now,
  });
}

/** Status changes a payment can make: pending settles once; a completed payment may be refunded. */
const statusMoves: Readonly<Record<WalletTransactionStatus, readonly WalletTransactionStatus[]>> = {
  pending: ['completed', 'failed'],
  completed: ['refunded'],
  failed: [],
  refunded: [],
};

export function setWalletTransactionStatus(
  row: WalletTransaction,
  status: WalletTransactionStatus,
  now: number,
): Result<WalletTransaction, 'status_change_not_allowed'> {
  assert(Number.isSafeInteger(now) && now >= row.updatedAt, 'now must not go back before the last update');
  if (!statusMoves[row.status].includes(status)) return err('status_change_not_allowed', { from: row.status, to: status });
  return ok({ ...row, status, updatedAt: now });
}

export type WalletTransactionQuery = {
  /** Matched case-insensitively (NFKC) against payee, payee id, reference, note and id. */
  readonly text?: string;
  readonly channels?: readonly WalletChannel[];
  readonly statuses?: readonly WalletTransactionStatus[];
  /** World time range, from inclusive, to exclusive. */
  readonly from?: number;
  readonly to?: number;
  /** Amount range (same currency as the rows compared), inclusive. */
  readonly minAmount?: string;
  readonly maxAmount?: string;
  readonly currency?: CurrencyCode;
  readonly limit?: number;
};

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Whether one row passes every filter of the query (the text filter included). */
export function walletTransactionMatches(row: WalletTransaction, query: WalletTransactionQuery): boolean {
  if (query.channels !== undefined && query.channels.length > 0 && !query.channels.includes(row.channel)) return false;
  if (query.statuses !== undefined && query.statuses.length > 0 && !query.statuses.includes(row.status)) return false;
  if (query.from !== undefined && row.at < query.from) return false;
  if (query.to !== undefined && row.at >= query.to) return false;
  if (query.currency !== undefined && row.currency !== query.currency) return false;
  const amount = fromStored({ amount: row.amount, currency: row.currency });
  if (query.minAmount !== undefined && compare(amount, money(query.minAmount, row.currency)) < 0) return false;
  if (query.maxAmount !== undefined && compare(amount, money(query.maxAmount, row.currency)) > 0) return false;
  const needle = query.text === undefined ? '' : fold(query.text.trim());
  if (needle === '') return true;
  return [row.payee, row.payeeId ?? '', row.reference, row.note, row.id].some((field) => fold(field).includes(needle));
}

/** Newest first; id breaks ties so the order is the same in every tab. */
export function compareWalletTransactions(a: WalletTransaction, b: WalletTransaction): number {
  if (a.at !== b.at) return b.at - a.at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The rows matching the query, newest first, at most `limit` (default walletSearchResultsMax). */
export function searchWalletTransactions(rows: readonly WalletTransaction[], query: WalletTransactionQuery = {}): WalletTransaction[] {
  assert(rows.length <= walletTransactionsScanMax, `at most ${walletTransactionsScanMax} rows per search`);
  const limit = query.limit ?? walletSearchResultsMax;
  assert(Number.isSafeInteger(limit) && limit >= 0 && limit <= walletSearchResultsMax, `limit is 0..${walletSearchResultsMax}`);
  return rows.filter((r) => walletTransactionMatches(r, query)).sort(compareWalletTransactions).slice(0, limit);
}
