// What the payment channels' pure functions ask the app layer to do, in the style of
// src/domain/marketplace/effects.ts: a function returns new rows plus a list of effects; the app
// carries out all of them in the same transaction as the row writes, in list order, or none (a
// ledger refusal aborts the command). Effects are plain data, so a test can read them and a replay
// can compare them.
//
// Every transfer id is derived from the charge, card, statement, batch or transfer id it belongs to
// plus a fixed suffix, never random: replaying a command yields the same ids, which the ledger treats
// as the same request.
//
// Accounts are named by ROLE (as in the marketplace): the domain of payments does not depend on how
// the ledger keys accounts. channelAccountId maps each role to the money-model id
// (docs/money-model.md) and channelAccountBook to the institution whose book keeps it.
// A movement whose two accounts are in ONE book is one ledger transfer. A movement between two books
// (a buyer's bank to the acquirer, a bank deposit to the card company) is booked by the app as
// linked transfers, one per book, through the institutions' mirror accounts: between two banks via
// clearing (payer bank: debit `from`, credit `<bank>:clearing:out`; payee bank: debit
// `<bank>:clearing:in`, credit `to`: the banking module's transferRequests pattern), between a bank
// and an institution via the institution's `<inst>:at:<bank>` mirror, between banknotes and an
// institution via `clearing:notes:<inst>` and `<inst>:vault`. crossesBooks() tells which.

import { assert } from '../../assert.ts';
import type { StoredMoney } from '../../money/index.ts';
import type { CancelJobEffect, EventEffect, NoticeEffect, ScheduleJobEffect, StockEffect } from '../../marketplace/effects.ts';

/**
 * An account named by the role it plays in a payment.
 * - deposit {bankId, partyId}: a party's deposit account at a bank (`<bank>:deposit:<party>`,
 *   bank's book, credit-normal, no overdraft): a debit card's account, a payer's or payee's account.
 * - card_account {issuerId, cardId}: what a credit/charge card's holder owes the card company
 *   (`<issuer>:card:<cardId>`, issuer's book, debit-normal, limited by the card's limit).
 *   Authorizations are PENDING debits on it, so they use up the credit line without being owed.
 * - card_settlement {issuerId}: what an issuer owes acquirers for captured card sales
 *   (`<issuer>:card:settlement`, issuer's book, credit-normal). Zero between captures: a capture
 *   passes the sale straight on to the acquirer (merchant_unsettled).
 * - card_income {issuerId}: the issuer's interest and fee income (`<issuer>:card:income`).
 * - merchant_unsettled {bankId, merchantId}: card sales an acquiring bank owes a merchant and has
 *   not yet settled (`<bank>:acquiring:unsettled:<merchant>`, acquirer's book, credit-normal, NO
 *   overdraft flag: a refund after the day's batch may take it below zero, meaning the merchant owes
 *   the acquirer; the next batch collects it).
 * - acquiring_income {bankId}: the acquirer's merchant-discount income (`<bank>:acquiring:income`).
 * - cash {partyId}: banknotes a person holds (`clearing:notes:<party>`, clearing's book).
 * - cod_payable {logisticsId, sellerId}: cash a courier collected for a seller, not yet remitted
 *   (`<logistics>:cod:payable:<seller>`, logistics' book, credit-normal, no overdraft).
 * - cod_fee_income {logisticsId}: the logistics company's cash-on-delivery fee income.
 */
export type ChannelAccountRef =
  | { readonly role: 'deposit'; readonly bankId: string; readonly partyId: string }
  | { readonly role: 'card_account'; readonly issuerId: string; readonly cardId: string }
  | { readonly role: 'card_settlement'; readonly issuerId: string }
  | { readonly role: 'card_income'; readonly issuerId: string }
  | { readonly role: 'merchant_unsettled'; readonly bankId: string; readonly merchantId: string }
  | { readonly role: 'acquiring_income'; readonly bankId: string }
  | { readonly role: 'cash'; readonly partyId: string }
  | { readonly role: 'cod_payable'; readonly logisticsId: string; readonly sellerId: string }
  | { readonly role: 'cod_fee_income'; readonly logisticsId: string };

/** The institution whose book keeps the account. */
export function channelAccountBook(ref: ChannelAccountRef): string {
  switch (ref.role) {
    case 'deposit':
    case 'merchant_unsettled':
    case 'acquiring_income':
      return ref.bankId;
    case 'card_account':
    case 'card_settlement':
    case 'card_income':
      return ref.issuerId;
    case 'cash':
      return 'clearing';
    case 'cod_payable':
    case 'cod_fee_income':
      return ref.logisticsId;
  }
}

/** The money-model ledger account id of a role (list above). */
export function channelAccountId(ref: ChannelAccountRef): string {
  switch (ref.role) {
    case 'deposit':
      return `${ref.bankId}:deposit:${ref.partyId}`;
    case 'card_account':
      return `${ref.issuerId}:card:${ref.cardId}`;
    case 'card_settlement':
      return `${ref.issuerId}:card:settlement`;
    case 'card_income':
      return `${ref.issuerId}:card:income`;
    case 'merchant_unsettled':
      return `${ref.bankId}:acquiring:unsettled:${ref.merchantId}`;
    case 'acquiring_income':
      return `${ref.bankId}:acquiring:income`;
    case 'cash':
      return `clearing:notes:${ref.partyId}`;
    case 'cod_payable':
      return `${ref.logisticsId}:cod:payable:${ref.sellerId}`;
    case 'cod_fee_income':
      return `${ref.logisticsId}:cod:fee-income`;
  }
}

/** Movement kinds, the ledger's `code` column. */
export const channelLedgerCodes = {
  debitSale: 'card.debit_sale', // debit card: deposit → merchant_unsettled, at once
  debitRefund: 'card.debit_refund', // merchant_unsettled → deposit
  cardHold: 'card.hold', // authorization: pending card_account → card_settlement
  cardCapture: 'card.capture', // the hold posted (all or part)
  cardVoid: 'card.void', // the hold released
  cardToAcquirer: 'card.to_acquirer', // card_settlement → merchant_unsettled (the sale reaches the acquirer)
  cardRefund: 'card.refund', // merchant_unsettled → card_account (credits the card)
  cardRepayment: 'card.repayment', // deposit → card_account (还款)
  cardInterest: 'card.interest', // card_account → card_income
  cardLateFee: 'card.late_fee', // card_account → card_income
  acquiringNet: 'acquiring.settle', // merchant_unsettled ↔ merchant's deposit (T+1)
  acquiringDiscount: 'acquiring.discount', // merchant_unsettled ↔ acquiring_income
  remittanceReturn: 'remittance.return', // payee's deposit → sender's deposit (exception returned)
  remittanceRefund: 'remittance.refund', // payee's deposit → payer's deposit
  codCollect: 'cod.collect', // cash → cod_payable (the courier takes the buyer's notes)
  codRemit: 'cod.remit', // cod_payable → seller's deposit (daily batch)
  codFee: 'cod.fee', // cod_payable → cod_fee_income
  codRefund: 'cod.refund', // seller's deposit → buyer's deposit
} as const;
export type ChannelLedgerCode = (typeof channelLedgerCodes)[keyof typeof channelLedgerCodes];

/**
 * One ledger movement, with the two-phase semantics of marketplace/effects.ts:
 * - hold: a PENDING transfer from → to of `amount` (the credit line is used, nothing is owed).
 * - post: resolves `pendingId` by posting `amount` (at most the held amount); the rest is released.
 * - void: resolves `pendingId` by releasing all of it; `amount` is the held amount.
 * - transfer: an immediate transfer from (debited) → to (credited).
 * Amounts are always above zero: a zero movement is not emitted.
 */
export type ChannelLedgerEffect = {
  readonly kind: 'ledger';
  readonly op: 'hold' | 'post' | 'void' | 'transfer';
  readonly transferId: string;
  readonly pendingId?: string;
  readonly from: ChannelAccountRef;
  readonly to: ChannelAccountRef;
  readonly amount: StoredMoney;
  readonly code: ChannelLedgerCode;
  readonly refs: Readonly<Record<string, string>>;
};

export type ChannelEffect = ChannelLedgerEffect | EventEffect | NoticeEffect | ScheduleJobEffect | CancelJobEffect | StockEffect;

/** Ledger ids are at most 200 characters (ledger/account.ts); a derived id leaves room for a suffix. */
export const channelTransferIdLengthMax = 200;
const positiveAmount = /^(?:0\.\d*[1-9]\d*|[1-9]\d*(?:\.\d+)?)$/;

/** Builds a ledger effect, asserting what the ledger would otherwise refuse late. */
export function channelLedger(
  op: ChannelLedgerEffect['op'],
  transferId: string,
  from: ChannelAccountRef,
  to: ChannelAccountRef,
  amount: StoredMoney,
  code: ChannelLedgerCode,
  refs: Readonly<Record<string, string>>,
  pendingId?: string,
): ChannelLedgerEffect {
  assert(transferId.length > 0 && transferId.length <= channelTransferIdLengthMax, `transfer id length: ${transferId}`);
  assert(positiveAmount.test(amount.amount), `a movement is above zero: ${amount.amount}`);
  assert(channelAccountId(from) !== channelAccountId(to), 'a movement has two different accounts');
  assert((op === 'post' || op === 'void') === (pendingId !== undefined), 'post and void name the pending transfer, nothing else does');
  const effect: ChannelLedgerEffect = { kind: 'ledger', op, transferId, from, to, amount, code, refs };
  return pendingId === undefined ? effect : { ...effect, pendingId };
}

/** True when the movement's accounts are in two books (the app books linked legs, header). */
export function crossesBooks(effect: ChannelLedgerEffect): boolean {
  return channelAccountBook(effect.from) !== channelAccountBook(effect.to);
}

export function channelLedgerEffectsOf(effects: readonly ChannelEffect[]): ChannelLedgerEffect[] {
  return effects.filter((e): e is ChannelLedgerEffect => e.kind === 'ledger');
}

export function channelNotice(to: string, name: string, params: Record<string, string | number>): NoticeEffect {
  return { kind: 'notice', to, key: `payments.notice.${name}`, params };
}
