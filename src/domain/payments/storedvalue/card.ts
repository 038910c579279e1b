// Stored-value cards (储值卡, 一卡通): a prepaid card issued by a merchant or a campus operator. Unlike
// a Mondex chip, the balance is kept by the issuer (this row is the issuer's record), so a blocked
// card can be stopped at once and a lost card's balance survives. The holder tops it up from a bank
// account, spends it at the merchants that take part in the scheme (the campus canteen, shop and
// print room), and small recurring bills can be paid from it (bills.ts).
//
// Money: the issuer owes its cardholders the sum of card balances (`<issuer>:storedvalue:float`).
// A top-up moves money from the holder's bank account to the issuer's account at that bank (two
// books, two legs). A purchase moves value from the float to what the issuer owes that merchant
// (`<issuer>:storedvalue:payable:<merchant>`); settlement pays the merchant's bank account later.
import { assert } from '../../assert.ts';
import { add, compare, isCurrencyCode, isPositive, money, subtract, toStored, type CurrencyCode } from '../../money/index.ts';
import { err, ok, type Result } from '../../result.ts';
import { paymentAmountOf } from '../wallet/amount.ts';
import {
  bankToInstitution,
  institutionToBank,
  paymentLedgerCodes,
  paymentTransfer,
  type PaymentLedgerEffect,
} from '../wallet/ledger-effects.ts';

export const storedValueIssuerKinds = ['merchant', 'campus'] as const;
export type StoredValueIssuerKind = (typeof storedValueIssuerKinds)[number];
/** Merchants one scheme may list. */
export const storedValueParticipantsMax = 1000;

export type StoredValueIssuer = {
  readonly issuerId: string;
  readonly name: string;
  readonly kind: StoredValueIssuerKind;
  readonly currency: CurrencyCode;
  /** The most one card may hold (prepaid-card rules cap anonymous balances). */
  readonly balanceMax: string;
  /** Merchant party ids where the cards are accepted (a merchant issuer usually lists itself). */
  readonly participants: readonly string[];
};

export function createStoredValueIssuer(input: StoredValueIssuer): StoredValueIssuer {
  assert(input.issuerId.length > 0 && input.name.trim().length > 0, 'issuer id and name required');
  assert((storedValueIssuerKinds as readonly string[]).includes(input.kind), `unknown issuer kind ${String(input.kind)}`);
  assert(isCurrencyCode(input.currency), 'known currency');
  assert(input.participants.length <= storedValueParticipantsMax, `at most ${storedValueParticipantsMax} participants`);
  assert(new Set(input.participants).size === input.participants.length, 'each participant once');
  return { ...input, balanceMax: toStored(money(input.balanceMax, input.currency)).amount, participants: [...input.participants] };
}

export function setStoredValueParticipant(issuer: StoredValueIssuer, merchantId: string, participating: boolean): StoredValueIssuer {
  assert(merchantId.length > 0, 'merchant id required');
  const others = issuer.participants.filter((m) => m !== merchantId);
  const participants = participating ? [...others, merchantId] : others;
  assert(participants.length <= storedValueParticipantsMax, `at most ${storedValueParticipantsMax} participants`);
  return { ...issuer, participants };
}

export type StoredValueCardStatus = 'active' | 'blocked';

export type StoredValueCard = {
  readonly cardId: string;
  readonly issuerId: string;
  readonly holderId: string;
  readonly currency: CurrencyCode;
  readonly balance: string;
  readonly status: StoredValueCardStatus;
  /** Why it was blocked ('lost', 'holder_request', 'graduated'...), null while active. */
  readonly blockedReason: string | null;
  readonly issuedAt: number;
  readonly updatedAt: number;
};

export type StoredValueTxnKind = 'top_up' | 'spend' | 'bill';

/** One line of the card's statement (the app stores it; the holder sees it). */
export type StoredValueTxn = {
  readonly id: string;
  readonly cardId: string;
  readonly issuerId: string;
  readonly kind: StoredValueTxnKind;
  readonly amount: string;
  /** The merchant paid (spend, bill); null for a top-up. */
  readonly merchantId: string | null;
  /** An order number or a bill id. */
  readonly reference: string;
  readonly balanceAfter: string;
  readonly at: number;
};

export function issueStoredValueCard(
  issuer: StoredValueIssuer,
  input: { readonly cardId: string; readonly holderId: string; readonly now: number },
): StoredValueCard {
  assert(input.cardId.length > 0 && input.holderId.length > 0, 'card and holder ids required');
  assert(Number.isSafeInteger(input.now) && input.now >= 0, 'now must be world time in ms');
  return {
    cardId: input.cardId,
    issuerId: issuer.issuerId,
    holderId: input.holderId,
    currency: issuer.currency,
    balance: toStored(money('0', issuer.currency)).amount,
    status: 'active',
    blockedReason: null,
    issuedAt: input.now,
    updatedAt: input.now,
  };
}

function assertCardOf(card: StoredValueCard, issuer: StoredValueIssuer, now: number): void {
  assert(card.issuerId === issuer.issuerId, 'card of another issuer');
  assert(Number.isSafeInteger(now) && now >= card.updatedAt, 'now must not go back before the last change');
}

export type StoredValueTopUpProblem = 'card_blocked' | 'amount_invalid' | 'amount_not_positive' | 'balance_limit_exceeded';

/** Tops the card up from the holder's account at `bankId` (where the issuer also banks). */
export function storedValueTopUp(
  card: StoredValueCard,
  issuer: StoredValueIssuer,
  input: { readonly topUpId: string; readonly amount: string; readonly bankId: string; readonly now: number },
): Result<{ card: StoredValueCard; txn: StoredValueTxn; effects: PaymentLedgerEffect[] }, StoredValueTopUpProblem> {
  assertCardOf(card, issuer, input.now);
  assert(input.topUpId.length > 0 && input.bankId.length > 0, 'topUpId and bankId required');
  if (card.status === 'blocked') return err('card_blocked', { reason: card.blockedReason ?? '' });
  const amount = paymentAmountOf(input.amount, card.currency);
  if (amount === null) return err('amount_invalid');
  if (!isPositive(amount)) return err('amount_not_positive');
  const balance = add(money(card.balance, card.currency), amount);
  if (compare(balance, money(issuer.balanceMax, card.currency)) > 0) return err('balance_limit_exceeded', { max: issuer.balanceMax });
  const stored = toStored(amount);
  const next: StoredValueCard = { ...card, balance: toStored(balance).amount, updatedAt: input.now };
  const txn: StoredValueTxn = {
    id: input.topUpId,
    cardId: card.cardId,
    issuerId: issuer.issuerId,
    kind: 'top_up',
    amount: stored.amount,
    merchantId: null,
    reference: input.topUpId,
    balanceAfter: next.balance,
    at: input.now,
  };
  const effects = bankToInstitution(
    `storedvalue:top_up:${input.topUpId}`,
    input.bankId,
    card.holderId,
    issuer.issuerId,
    { role: 'stored_value_float', issuerId: issuer.issuerId },
    stored,
    paymentLedgerCodes.storedValueTopUp,
    { cardId: card.cardId, topUpId: input.topUpId },
  );
  return ok({ card: next, txn, effects });
}

export type StoredValueSpendProblem = 'card_blocked' | 'merchant_not_participating' | 'amount_invalid' | 'amount_not_positive' | 'insufficient_balance';

export type StoredValueSpendInput = {
  readonly paymentId: string;
  readonly merchantId: string;
  readonly amount: string;
  readonly reference: string;
  readonly now: number;
  /** 'bill' for a recurring bill (bills.ts); a purchase otherwise. */
  readonly kind?: 'spend' | 'bill';
};

/** Pays a participating merchant from the card. */
export function storedValueSpend(
  card: StoredValueCard,
  issuer: StoredValueIssuer,
  input: StoredValueSpendInput,
): Result<{ card: StoredValueCard; txn: StoredValueTxn; effects: PaymentLedgerEffect[] }, StoredValueSpendProblem> {
  assertCardOf(card, issuer, input.now);
  assert(input.paymentId.length > 0 && input.merchantId.length > 0, 'paymentId and merchantId required');
  const kind = input.kind ?? 'spend';
  if (card.status === 'blocked') return err('card_blocked', { reason: card.blockedReason ?? '' });
  if (!issuer.participants.includes(input.merchantId)) return err('merchant_not_participating', { merchantId: input.merchantId });
  const amount = paymentAmountOf(input.amount, card.currency);
  if (amount === null) return err('amount_invalid');
  if (!isPositive(amount)) return err('amount_not_positive');
  const balance = money(card.balance, card.currency);
  if (compare(balance, amount) < 0) return err('insufficient_balance', { balance: card.balance, amount: toStored(amount).amount });
  const stored = toStored(amount);
  const next: StoredValueCard = { ...card, balance: toStored(subtract(balance, amount)).amount, updatedAt: input.now };
  const txn: StoredValueTxn = {
    id: input.paymentId,
    cardId: card.cardId,
    issuerId: issuer.issuerId,
    kind,
    amount: stored.amount,
    merchantId: input.merchantId,
    reference: input.reference,
    balanceAfter: next.balance,
    at: input.now,
  };
  const effects = [
    paymentTransfer(
      `storedvalue:${kind}:${input.paymentId}`,
      { role: 'stored_value_float', issuerId: issuer.issuerId },
      { role: 'stored_value_payable', issuerId: issuer.issuerId, merchantId: input.merchantId },
      stored,
      kind === 'bill' ? paymentLedgerCodes.storedValueBill : paymentLedgerCodes.storedValueSpend,
      { cardId: card.cardId, paymentId: input.paymentId, reference: input.reference },
    ),
  ];
  return ok({ card: next, txn, effects });
}

/**
 * Pays a merchant what the issuer owes it for card sales (`amount`, read from its payable account)
 * into the merchant's account at `bankId`, where the issuer also banks.
 */
export function storedValueSettleMerchant(
  issuer: StoredValueIssuer,
  input: { readonly settlementId: string; readonly merchantId: string; readonly bankId: string; readonly amount: string },
): Result<PaymentLedgerEffect[], 'amount_invalid' | 'amount_not_positive'> {
  assert(input.settlementId.length > 0 && input.merchantId.length > 0 && input.bankId.length > 0, 'ids required');
  const amount = paymentAmountOf(input.amount, issuer.currency);
  if (amount === null) return err('amount_invalid');
  if (!isPositive(amount)) return err('amount_not_positive');
  return ok(
    institutionToBank(
      `storedvalue:settle:${input.settlementId}`,
      issuer.issuerId,
      { role: 'stored_value_payable', issuerId: issuer.issuerId, merchantId: input.merchantId },
      input.bankId,
      input.merchantId,
      toStored(amount),
      paymentLedgerCodes.storedValueSettle,
      { settlementId: input.settlementId, merchantId: input.merchantId },
    ),
  );
}
