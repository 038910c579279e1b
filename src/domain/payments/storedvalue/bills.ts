// Small recurring bills (phone top-ups, broadband) paid from a stored-value card: a bill row says
// who is paid, how much and how often; when it falls due the scheduler runs payRecurringBill. A
// refused payment (card blocked, balance too low, payee left the scheme) leaves the bill due and
// counts the failure, so the holder sees it and the next run tries again.
import { assert } from '../../assert.ts';
import { isPositive, toStored } from '../../money/index.ts';
import { paymentAmountOf } from '../wallet/amount.ts';
import { err, ok, type Result } from '../../result.ts';
import { dayMs } from '../../world/clock.ts';
import type { JobDraft } from '../../world/scheduler.ts';
import type { PaymentLedgerEffect } from '../wallet/ledger-effects.ts';
import { storedValueSpend, type StoredValueSpendProblem, type StoredValueCard, type StoredValueIssuer, type StoredValueTxn } from './card.ts';

export const recurringBillKinds = ['phone', 'internet'] as const;
export type RecurringBillKind = (typeof recurringBillKinds)[number];
export const recurringBillIntervalDaysMax = 366;
/** Bills one due-scan looks at. */
export const storedValueBillJobKind = 'storedvalue.bill_due';

export type RecurringBill = {
  readonly billId: string;
  readonly cardId: string;
  /** The phone company or broadband provider: must take part in the card's scheme. */
  readonly payeeId: string;
  readonly kind: RecurringBillKind;
  /** The subscriber's number or account at the payee. */
  readonly account: string;
  readonly amount: string;
  readonly intervalDays: number;
  readonly nextDueAt: number;
  readonly status: 'active' | 'cancelled';
  readonly lastPaidAt: number | null;
  readonly failures: number;
  readonly lastFailure: StoredValueSpendProblem | null;
};

export type RecurringBillInput = Pick<RecurringBill, 'billId' | 'cardId' | 'payeeId' | 'kind' | 'account' | 'amount' | 'intervalDays'> & {
  readonly firstDueAt: number;
};

export function createRecurringBill(input: RecurringBillInput, card: StoredValueCard): Result<RecurringBill, 'amount_invalid' | 'amount_not_positive' | 'interval_invalid'> {
  assert(input.cardId === card.cardId, 'bill for another card');
  assert(input.billId.length > 0 && input.payeeId.length > 0 && input.account.length > 0, 'bill, payee and account required');
  assert((recurringBillKinds as readonly string[]).includes(input.kind), `unknown bill kind ${String(input.kind)}`);
  assert(Number.isSafeInteger(input.firstDueAt), 'firstDueAt must be world time in ms');
  const amount = paymentAmountOf(input.amount, card.currency);
  if (amount === null) return err('amount_invalid');
  if (!isPositive(amount)) return err('amount_not_positive');
  if (!Number.isSafeInteger(input.intervalDays) || input.intervalDays < 1 || input.intervalDays > recurringBillIntervalDaysMax) {
    return err('interval_invalid', { max: recurringBillIntervalDaysMax });
  }
  return ok({
    billId: input.billId,
    cardId: input.cardId,
    payeeId: input.payeeId,
    kind: input.kind,
    account: input.account,
    amount: toStored(amount).amount,
    intervalDays: input.intervalDays,
    nextDueAt: input.firstDueAt,
    status: 'active',
    lastPaidAt: null,
    failures: 0,
    lastFailure: null,
  });
}

/** The scheduler job that pays the bill when due; the id names the due date, so it is scheduled once. */
export function recurringBillJob(bill: RecurringBill): JobDraft {
  return {
    id: `${storedValueBillJobKind}:${bill.billId}:${bill.nextDueAt}`,
    kind: storedValueBillJobKind,
    dueAt: bill.nextDueAt,
    payload: { billId: bill.billId },
  };
}

export type RecurringBillPaymentOutcome =
  | { readonly paid: true; readonly bill: RecurringBill; readonly card: StoredValueCard; readonly txn: StoredValueTxn; readonly effects: PaymentLedgerEffect[] }
  | { readonly paid: false; readonly bill: RecurringBill; readonly problem: StoredValueSpendProblem };

/**
 * Pays one due bill. Paid: the next due date moves one interval on. Refused: the bill stays due and
 * counts the failure (the outcome is a value either way, so the scheduler's run always commits the
 * bill row: a refused bill is news for the holder, not an error of the job).
 */
export function payRecurringBill(bill: RecurringBill, card: StoredValueCard, issuer: StoredValueIssuer, now: number): RecurringBillPaymentOutcome {
  assert(bill.cardId === card.cardId, 'bill for another card');
  assert(bill.status === 'active' && bill.nextDueAt <= now, 'only an active, due bill is paid');
  const paymentId = `${bill.billId}:${bill.nextDueAt}`;
  const spent = storedValueSpend(card, issuer, {
    paymentId,
    merchantId: bill.payeeId,
    amount: bill.amount,
    reference: `${bill.kind}:${bill.account}`,
    now,
    kind: 'bill',
  });
  if (!spent.ok) {
    return { paid: false, bill: { ...bill, failures: bill.failures + 1, lastFailure: spent.code }, problem: spent.code };
  }
  const next: RecurringBill = { ...bill, nextDueAt: bill.nextDueAt + bill.intervalDays * dayMs, lastPaidAt: now, failures: 0, lastFailure: null };
  return { paid: true, bill: next, card: spent.value.card, txn: spent.value.txn, effects: spent.value.effects };
}

