// The monthly statement (信用卡对账单 / 收费清单): at the billing-day cut-off the card company closes
// the cycle and sends the holder the bill (a notice to their mailbox):
//
//   previous balance  the last statement's new balance
//   - payments, - refunds, + purchases, + fees       posted during the cycle (the transactions)
//   + interest        charged now on the previous statement if it was not paid in full
//                     (interest.ts: the rule, day by day, and the basis printed on the statement)
//   = new balance
//   minimum payment   credit card: 10% of the new balance, but at least the floor (¥50), or the
//                     whole balance when that is smaller; both configurable. Charge card: the
//                     whole new balance (no revolving credit). Nothing when the balance is zero or
//                     a credit.
//   due date          the billing day + 20 days (configurable); payments count when posted before
//                     the end of that day (payByAt), when assessCardDue runs.
//
// The statement is produced once per cut-off (the job id carries the date); the card starts the next
// cycle and schedules the next statement and the due-date check.

import { assert } from '../../assert.ts';
import { add, compare, fromStored, isPositive, money, percentageOf, subtract, toStored, zero, type CurrencyCode, type Money, type StoredMoney } from '../../money/index.ts';
import { dayMs, startOfWorldDay } from '../../world/clock.ts';
import { channelLedger, channelLedgerCodes, channelNotice, type ChannelEffect } from '../gateway/effects.ts';
import { worldDateLabel, nextBillingAt } from './billing.ts';
import { assertCardRow, cardAccountRef, cardJobKinds, statementJob, type CardEntry, type CardKind, type CardRow } from './card.ts';
import { assertCardConfig, type CardConfig } from './config.ts';
import { interestOnStatement, type InterestBasis } from './interest.ts';

export type CardStatementRow = {
  /** `<cardId>:<YYYY-MM-DD of the billing day>`. */
  readonly id: string;
  readonly cardId: string;
  readonly kind: CardKind;
  readonly holderId: string;
  readonly issuerId: string;
  readonly currency: CurrencyCode;
  readonly cycleStartAt: number;
  /** The cut-off: 00:00 of the billing day; the cycle is [cycleStartAt, closingAt). */
  readonly closingAt: number;
  /** 00:00 of the due date (billing day + dueAfterDays). */
  readonly dueAt: number;
  /** End of the due date: payments posted before this count towards the statement. */
  readonly payByAt: number;
  readonly previousBalance: StoredMoney;
  readonly purchases: StoredMoney;
  readonly refunds: StoredMoney;
  readonly payments: StoredMoney;
  readonly fees: StoredMoney;
  readonly interest: StoredMoney;
  readonly newBalance: StoredMoney;
  readonly minimumPayment: StoredMoney;
  /** The cycle's postings, then the interest charged at the cut-off (if any). */
  readonly entries: readonly CardEntry[];
  readonly interestBasis: InterestBasis | null;
};

export function cardStatementId(cardId: string, closingAt: number): string {
  return `${cardId}:${worldDateLabel(closingAt)}`;
}

export function cardDueJobId(statementId: string): string {
  return `${statementId}:due`;
}

/** The minimum payment of a new balance (rule at the top). */
export function minimumPaymentOf(newBalance: Money, kind: CardKind, config: CardConfig): Money {
  if (!isPositive(newBalance)) return zero(newBalance.currency);
  if (kind === 'charge') return newBalance;
  const share = percentageOf(newBalance, config.minimumPaymentRate);
  const floor = money(config.minimumPaymentFloor, newBalance.currency);
  const minimum = compare(share, floor) >= 0 ? share : floor;
  const result = compare(minimum, newBalance) <= 0 ? minimum : newBalance;
  assert(isPositive(result) || isPositive(newBalance) === false, 'something is due on a positive balance');
  return result;
}

function sumOf(entries: readonly CardEntry[], kinds: readonly CardEntry['kind'][], currency: CurrencyCode): Money {
  return entries.filter((e) => kinds.includes(e.kind)).reduce((sum, e) => add(sum, fromStored(e.amount)), zero(currency));
}

export type CardCycleStep = { readonly card: CardRow; readonly statement: CardStatementRow; readonly effects: readonly ChannelEffect[] };

/**
 * Closes the card's cycle at its cut-off `closingAt` (the statement job's due time). `previous` is
 * the card's last statement row (null before the first), needed for its interest.
 */
export function closeCardCycle(card: CardRow, previous: CardStatementRow | null, closingAt: number, config: CardConfig): CardCycleStep {
  assertCardConfig(config);
  assertCardRow(card);
  assert(closingAt === card.nextStatementAt, 'the statement closes at the card\'s next cut-off');
  assert((previous?.id ?? null) === (card.lastStatement?.id ?? null), 'the previous statement is the card\'s last one');
  const currency = card.currency;
  const id = cardStatementId(card.id, closingAt);

  // Interest on the previous statement, credit cards only; posted at the cut-off (an item of THIS
  // statement).
  const basis = previous !== null && card.kind === 'credit' ? interestOnStatement(previous, card.entries, closingAt, config.dailyInterestRate) : null;
  const effects: ChannelEffect[] = [];
  let closed = card;
  if (basis !== null && isPositive(fromStored(basis.interest))) {
    const transferId = `${id}:interest`;
    // Posted AT the cut-off, so not through postCardEntry (which takes the open cycle only).
    const entry: CardEntry = { id: transferId, kind: 'interest', amount: basis.interest, postedAt: closingAt, ref: basis.onStatementId };
    closed = { ...card, balance: toStored(add(fromStored(card.balance), fromStored(basis.interest))), entries: [...card.entries, entry] };
    effects.push(channelLedger('transfer', transferId, cardAccountRef(card), { role: 'card_income', issuerId: card.issuerId }, basis.interest, channelLedgerCodes.cardInterest, { cardId: card.id, statementId: id, onStatementId: basis.onStatementId }));
  }

  const previousBalance = previous === null ? zero(currency) : fromStored(previous.newBalance);
  const purchases = sumOf(closed.entries, ['purchase'], currency);
  const refunds = sumOf(closed.entries, ['refund'], currency);
  const payments = sumOf(closed.entries, ['payment'], currency);
  const fees = sumOf(closed.entries, ['late_fee'], currency);
  const interest = basis === null ? zero(currency) : fromStored(basis.interest);
  const newBalance = add(subtract(subtract(add(previousBalance, purchases), refunds), payments), add(fees, interest));
  assert(compare(newBalance, fromStored(closed.balance)) === 0, 'the statement\'s new balance is the card\'s posted balance');
  const minimumPayment = minimumPaymentOf(newBalance, card.kind, config);
  const dueAt = startOfWorldDay(closingAt) + config.dueAfterDays * dayMs;
  const payByAt = dueAt + dayMs;
  const nextStatementAt = nextBillingAt(closingAt, card.billingDay);
  assert(payByAt < nextStatementAt, 'the due date falls inside the next cycle');

  const statement: CardStatementRow = {
    id,
    cardId: card.id,
    kind: card.kind,
    holderId: card.holderId,
    issuerId: card.issuerId,
    currency,
    cycleStartAt: card.cycleStartAt,
    closingAt,
    dueAt,
    payByAt,
    previousBalance: toStored(previousBalance),
    purchases: toStored(purchases),
    refunds: toStored(refunds),
    payments: toStored(payments),
    fees: toStored(fees),
    interest: toStored(interest),
    newBalance: toStored(newBalance),
    minimumPayment: toStored(minimumPayment),
    entries: closed.entries,
    interestBasis: basis,
  };
  const owes = isPositive(newBalance);
  const next: CardRow = {
    ...closed,
    entries: [],
    cycleStartAt: closingAt,
    nextStatementAt,
    lastStatement: { id, closingAt, payByAt, newBalance: statement.newBalance, minimumPayment: statement.minimumPayment, dueAssessed: !owes },
  };
  assertCardRow(next);

  effects.push(
    channelNotice(card.holderId, 'card_statement', {
      cardId: card.id,
      statementId: id,
      newBalance: statement.newBalance.amount,
      minimumPayment: statement.minimumPayment.amount,
      dueDate: worldDateLabel(dueAt),
    }),
    { kind: 'event', event: { type: 'card.statement_issued', actor: card.issuerId, parties: [card.holderId], payload: { cardId: card.id, statementId: id, newBalance: statement.newBalance.amount, currency } } },
    statementJob(next),
  );
  if (owes) effects.push({ kind: 'job.schedule', job: { id: cardDueJobId(id), kind: cardJobKinds.due, dueAt: payByAt, payload: { cardId: card.id, statementId: id } } });
  return { card: next, statement, effects };
}
