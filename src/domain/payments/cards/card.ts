// A card kept by the card company (信用卡公司): a credit card (贷记卡: spend within a credit limit,
// repay later, revolving credit with interest) or a charge card (签账卡: spend within a spending
// limit, the whole statement due in full, no revolving credit).
//
// The row is the card company's own view, enough to decide an authorization without the ledger:
//   balance   posted amount the holder owes now (purchases + interest + fees - refunds - payments);
//             negative is a credit balance (a refund after paying, 溢缴款)
//   holds     open authorizations: used credit line, not yet owed
//   entries   everything posted since the cycle started; the next statement lists them
// Available credit = limit - balance - holds. An authorization above it is refused; so is any on a
// suspended card (a charge card unpaid past its due date, until it is paid).
//
// Ledger (gateway/effects.ts roles): an authorization is a pending transfer card_account →
// card_settlement in the issuer's book; capture posts it and passes the sale on to the merchant's
// acquirer (card_settlement → merchant_unsettled); a refund credits the card (merchant_unsettled →
// card_account). Transfer ids derive from the charge and refund ids.

import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { add, compare, fromStored, isCurrencyCode, isPositive, subtract, toStored, zero, type CurrencyCode, type Money, type StoredMoney } from '../../money/index.ts';
import { channelLedger, channelLedgerCodes, type ChannelAccountRef, type ChannelEffect } from '../gateway/effects.ts';
import type { ChargePayee } from '../gateway/charge.ts';
import { isBillingDay, nextBillingAt, worldDateLabel } from './billing.ts';
import { assertCardConfig, type CardConfig } from './config.ts';

export const cardKinds = ['credit', 'charge'] as const;
export type CardKind = (typeof cardKinds)[number];
export type CardStatus = 'active' | 'suspended';

/** purchase, interest, late_fee add to what is owed; refund and payment take from it. */
export const cardEntryKinds = ['purchase', 'refund', 'payment', 'interest', 'late_fee'] as const;
export type CardEntryKind = (typeof cardEntryKinds)[number];

export type CardEntry = {
  /** The ledger transfer id of the movement, so the statement line and the journal agree. */
  readonly id: string;
  readonly kind: CardEntryKind;
  /** Always above zero; the kind gives the direction. */
  readonly amount: StoredMoney;
  readonly postedAt: number;
  /** What it is for: the charge, the repayment, the statement. */
  readonly ref: string;
};

export type CardHold = { readonly chargeId: string; readonly amount: StoredMoney; readonly at: number };

/** What the card keeps of its latest statement (the full row is CardStatementRow). */
export type CardStatementSummary = {
  readonly id: string;
  readonly closingAt: number;
  /** Payments count towards the statement when posted before this instant (end of the due day). */
  readonly payByAt: number;
  readonly newBalance: StoredMoney;
  readonly minimumPayment: StoredMoney;
  /** Whether the due-date check (late fee, suspension) ran. */
  readonly dueAssessed: boolean;
};

export type CardRow = {
  readonly id: string;
  readonly kind: CardKind;
  readonly issuerId: string;
  readonly holderId: string;
  readonly currency: CurrencyCode;
  /** Credit limit (credit card) or spending limit (charge card). */
  readonly limit: StoredMoney;
  readonly billingDay: number;
  readonly status: CardStatus;
  readonly openedAt: number;
  readonly balance: StoredMoney;
  readonly holds: readonly CardHold[];
  readonly cycleStartAt: number;
  readonly nextStatementAt: number;
  readonly entries: readonly CardEntry[];
  readonly lastStatement: CardStatementSummary | null;
};

/** Open authorizations on one card: far more than a shopper leaves unshipped. */
export const cardHoldsMax = 100;
/** Postings in one cycle: a busy month of a demo, bounded so a statement renders at once. */
export const cardCycleEntriesMax = 1000;
const cardIdPattern = /^[A-Za-z0-9_-]{1,40}$/;

export const cardJobKinds = {
  statement: 'card.statement', // closeCardCycle at the billing-day cut-off
  due: 'card.due', // assessCardDue at the end of the due day
} as const;

export function cardStatementJobId(cardId: string, closingAt: number): string {
  return `${cardId}:statement:${worldDateLabel(closingAt)}`;
}

export function isDebitEntry(kind: CardEntryKind): boolean {
  return kind === 'purchase' || kind === 'interest' || kind === 'late_fee';
}

/** The entry's effect on the balance: + owed, - paid or refunded. */
export function signedEntryAmount(entry: CardEntry): Money {
  const amount = fromStored(entry.amount);
  return isDebitEntry(entry.kind) ? amount : { amount: amount.amount.negated(), currency: amount.currency };
}

export function sumHolds(card: CardRow): Money {
  return card.holds.reduce((sum, h) => add(sum, fromStored(h.amount)), zero(card.currency));
}

/** limit - balance - holds: what an authorization may still take (may exceed the limit after a refund). */
export function availableCredit(card: CardRow): Money {
  return subtract(subtract(fromStored(card.limit), fromStored(card.balance)), sumHolds(card));
}

export function cardAccountRef(card: CardRow): ChannelAccountRef {
  return { role: 'card_account', issuerId: card.issuerId, cardId: card.id };
}

export function cardHoldTransferId(chargeId: string): string {
  return `${chargeId}:card-hold`;
}

export function assertCardRow(card: CardRow): void {
  assert(cardIdPattern.test(card.id), 'card id');
  assert((cardKinds as readonly string[]).includes(card.kind), 'card kind');
  assert(card.limit.currency === card.currency && card.balance.currency === card.currency, 'one currency');
  assert(isPositive(fromStored(card.limit)), 'a limit above zero');
  assert(isBillingDay(card.billingDay), 'billing day');
  assert(card.holds.length <= cardHoldsMax && card.entries.length <= cardCycleEntriesMax, 'bounded lists');
  assert(card.holds.every((h) => isPositive(fromStored(h.amount))), 'holds above zero');
  assert(card.entries.every((e) => isPositive(fromStored(e.amount)) && e.postedAt >= card.cycleStartAt && e.postedAt < card.nextStatementAt), 'entries inside the cycle');
  assert(card.nextStatementAt === nextBillingAt(card.cycleStartAt, card.billingDay), 'the next cut-off follows the cycle start');
  assert(card.status === 'active' || card.kind === 'charge', 'only a charge card is suspended');
}

export type OpenCardInput = {
  readonly id: string;
  readonly kind: CardKind;
  readonly holderId: string;
  readonly limit: StoredMoney;
  readonly billingDay: number;
};

/** A new card (the card company approved the application); schedules its first statement. */
export function openCard(input: OpenCardInput, now: number, config: CardConfig): { card: CardRow; effects: ChannelEffect[] } {
  assertCardConfig(config);
  assert(cardIdPattern.test(input.id), `card id: ${input.id}`);
  assert(input.limit.currency === config.currency && isCurrencyCode(input.limit.currency), 'limit in the card currency');
  const nextStatementAt = nextBillingAt(now, input.billingDay);
  const card: CardRow = {
    id: input.id,
    kind: input.kind,
    issuerId: config.issuerId,
    holderId: input.holderId,
    currency: config.currency,
    limit: toStored(fromStored(input.limit)),
    billingDay: input.billingDay,
    status: 'active',
    openedAt: now,
    balance: toStored(zero(config.currency)),
    holds: [],
    cycleStartAt: now,
    nextStatementAt,
    entries: [],
    lastStatement: null,
  };
  assertCardRow(card);
  return { card, effects: [statementJob(card)] };
}

export function statementJob(card: CardRow): ChannelEffect {
  return {
    kind: 'job.schedule',
    job: { id: cardStatementJobId(card.id, card.nextStatementAt), kind: cardJobKinds.statement, dueAt: card.nextStatementAt, payload: { cardId: card.id, closingAt: card.nextStatementAt } },
  };
}

export type CardStep = { readonly card: CardRow; readonly effects: readonly ChannelEffect[] };
export type CardAuthorizationError = 'card_suspended' | 'credit_limit_exceeded' | 'spending_limit_exceeded';

function post(card: CardRow, entry: CardEntry): CardRow {
  assert(card.entries.length < cardCycleEntriesMax, 'cycle entries bounded');
  assert(entry.postedAt >= card.cycleStartAt && entry.postedAt < card.nextStatementAt, 'an entry posts inside the open cycle (the statement job runs at the cut-off)');
  assert(!card.entries.some((e) => e.id === entry.id), `entry ids are unique: ${entry.id}`);
  return { ...card, balance: toStored(add(fromStored(card.balance), signedEntryAmount(entry))), entries: [...card.entries, entry] };
}

/** Authorization: a pending hold on the credit line. */
export function holdOnCard(card: CardRow, chargeId: string, amount: Money, refs: Readonly<Record<string, string>>, now: number): Result<CardStep, CardAuthorizationError> {
  assertCardRow(card);
  assert(amount.currency === card.currency && isPositive(amount), 'an authorization above zero in the card currency');
  assert(!card.holds.some((h) => h.chargeId === chargeId), 'one hold per charge');
  if (card.status === 'suspended') return err('card_suspended');
  const available = availableCredit(card);
  if (compare(amount, available) > 0) {
    return err(card.kind === 'credit' ? 'credit_limit_exceeded' : 'spending_limit_exceeded', { available: toStored(available).amount });
  }
  assert(card.holds.length < cardHoldsMax, 'holds bounded');
  const next: CardRow = { ...card, holds: [...card.holds, { chargeId, amount: toStored(amount), at: now }] };
  const effect = channelLedger('hold', cardHoldTransferId(chargeId), cardAccountRef(card), { role: 'card_settlement', issuerId: card.issuerId }, toStored(amount), channelLedgerCodes.cardHold, refs);
  assertCardRow(next);
  assert(!availableCredit(next).amount.isNegative(), 'a hold never takes the card past its limit');
  return ok({ card: next, effects: [effect] });
}

function holdOf(card: CardRow, chargeId: string): CardHold {
  const hold = card.holds.find((h) => h.chargeId === chargeId);
  assert(hold !== undefined, `the charge ${chargeId} holds on card ${card.id}`);
  return hold;
}

/**
 * Capture `amount` (at most the hold) when the order ships or completes: the purchase is posted on
 * the card, the rest of the hold returns to the credit line, the sale goes on to the acquirer.
 */
export function captureOnCard(card: CardRow, chargeId: string, amount: Money, merchant: ChargePayee, refs: Readonly<Record<string, string>>, now: number): CardStep {
  assertCardRow(card);
  const hold = holdOf(card, chargeId);
  assert(isPositive(amount) && compare(amount, fromStored(hold.amount)) <= 0, 'capture within the hold');
  const released: CardRow = { ...card, holds: card.holds.filter((h) => h.chargeId !== chargeId) };
  const next = post(released, { id: `${chargeId}:card-capture`, kind: 'purchase', amount: toStored(amount), postedAt: now, ref: chargeId });
  const settlement: ChannelAccountRef = { role: 'card_settlement', issuerId: card.issuerId };
  const effects = [
    channelLedger('post', `${chargeId}:card-capture`, cardAccountRef(card), settlement, toStored(amount), channelLedgerCodes.cardCapture, refs, cardHoldTransferId(chargeId)),
    channelLedger('transfer', `${chargeId}:to-acquirer`, settlement, { role: 'merchant_unsettled', bankId: merchant.bankId, merchantId: merchant.partyId }, toStored(amount), channelLedgerCodes.cardToAcquirer, refs),
  ];
  assertCardRow(next);
  return { card: next, effects };
}

/** Void on cancel: the whole hold returns to the credit line. */
export function voidOnCard(card: CardRow, chargeId: string, refs: Readonly<Record<string, string>>): CardStep {
  assertCardRow(card);
  const hold = holdOf(card, chargeId);
  const next: CardRow = { ...card, holds: card.holds.filter((h) => h.chargeId !== chargeId) };
  const effect = channelLedger('void', `${chargeId}:card-void`, cardAccountRef(card), { role: 'card_settlement', issuerId: card.issuerId }, hold.amount, channelLedgerCodes.cardVoid, refs, cardHoldTransferId(chargeId));
  return { card: next, effects: [effect] };
}

/** A refund credits the card (and, if it covers what a suspended card owed, reinstates it). */
export function refundOnCard(card: CardRow, chargeId: string, refundId: string, amount: Money, merchant: ChargePayee, refs: Readonly<Record<string, string>>, now: number): CardStep {
  assertCardRow(card);
  assert(isPositive(amount) && amount.currency === card.currency, 'a refund above zero');
  const transferId = `${chargeId}:refund:${refundId}`;
  const next = reinstateIfPaid(post(card, { id: transferId, kind: 'refund', amount: toStored(amount), postedAt: now, ref: chargeId }));
  const effect = channelLedger('transfer', transferId, { role: 'merchant_unsettled', bankId: merchant.bankId, merchantId: merchant.partyId }, cardAccountRef(card), toStored(amount), channelLedgerCodes.cardRefund, refs);
  assertCardRow(next);
  return { card: next, effects: [effect] };
}

/** Credits (payments, refunds) posted since the last statement's cut-off: the current cycle's. */
export function creditsSinceStatement(card: CardRow, before: number = Number.MAX_SAFE_INTEGER): Money {
  return card.entries.filter((e) => !isDebitEntry(e.kind) && e.postedAt < before).reduce((sum, e) => add(sum, fromStored(e.amount)), zero(card.currency));
}

/** What is still unpaid of the last statement's new balance (zero or less: paid). */
export function unpaidOfStatement(card: CardRow): Money {
  if (card.lastStatement === null) return zero(card.currency);
  return subtract(fromStored(card.lastStatement.newBalance), creditsSinceStatement(card));
}

/** A suspended charge card is reinstated as soon as its last statement is paid in full. */
export function reinstateIfPaid(card: CardRow): CardRow {
  if (card.status !== 'suspended') return card;
  return unpaidOfStatement(card).amount.greaterThan(0) ? card : { ...card, status: 'active' };
}

export { post as postCardEntry };
