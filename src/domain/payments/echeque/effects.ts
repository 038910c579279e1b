// What the drawer's bank asks the app layer to do after a presentment or a stop order, as plain
// data (the pattern of marketplace/effects.ts): the app carries out every effect in the same
// transaction as the chequebook write, in list order, or none (a ledger refusal aborts the
// command). Notice and event effects have the marketplace's shapes, so one inbox and one event
// log serve both.
//
// Money moves the way the banking module books every transfer between deposit accounts
// (banking/booking.ts transferRequests, docs/money-model.md), so each institution's book
// balances on its own:
//   same bank (本行):  debit <bank>:deposit:<drawer>, credit <bank>:deposit:<payee>;
//   two banks (跨行):  A's book: debit A:deposit:<drawer>, credit A:clearing:out;
//                      B's book: debit B:clearing:in,     credit B:deposit:<payee>;
//                      plus an interbank position A → B that the day's clearing batch nets and
//                      settles through the banks' reserves (banking/netting.ts).
// chequeMoveRequests turns a transfer effect into exactly those ledger requests.
//
// Ids derive from the cheque (payment) or the presentment (fee), never from randomness: replaying
// a decision gives the same ids, and the ledger treats a repeated id as the same request. The
// payment id names the cheque, so even a bug that tried to pay twice would meet the ledger's
// idempotency.

import { assert } from '../../assert.ts';
import { sha256Hex, utf8Encode } from '../../crypto/index.ts';
import type { MoveRequest } from '../../ledger/index.ts';
import type { StoredMoney } from '../../money/index.ts';
import { bankingAccountIds, movementIdLengthMax, transferRequests, type CustomerLeg, type InterbankPayment } from '../banking/index.ts';

/** A deposit account, named as the banking module keys them: the bank and the party. */
export type ChequeDepositLeg = { readonly bankId: string; readonly partyId: string };

export const chequeLedgerCodes = {
  pay: 'echeque.pay',
  returnedFee: 'echeque.returned_fee',
} as const;

/** Pay the cheque: drawer's deposit → payee's deposit, through clearing when `interbank`. */
export type ChequeTransferEffect = {
  readonly kind: 'bank_transfer';
  /** Movement id: the ledger transfer ids derive from it (booking.ts). */
  readonly id: string;
  readonly payer: ChequeDepositLeg;
  readonly payee: ChequeDepositLeg;
  readonly amount: StoredMoney;
  readonly code: typeof chequeLedgerCodes.pay;
  readonly refs: Readonly<Record<string, string>>;
  /** The banks differ: the app also records the interbank position (chequeInterbankPayment). */
  readonly interbank: boolean;
};

/** Charge the returned-cheque fee: drawer's deposit → the bank's fee income (in the bank's book). */
export type ChequeFeeEffect = {
  readonly kind: 'bank_fee';
  readonly id: string;
  readonly payer: ChequeDepositLeg;
  readonly amount: StoredMoney;
  readonly code: typeof chequeLedgerCodes.returnedFee;
  readonly refs: Readonly<Record<string, string>>;
};

/** A message to one party's inbox; `key` is an i18n key, `params` what it quotes. */
export type ChequeNoticeEffect = {
  readonly kind: 'notice';
  readonly to: string;
  readonly key: string;
  readonly params: Readonly<Record<string, string | number>>;
};

export type ChequeEventEffect = {
  readonly kind: 'event';
  readonly event: {
    readonly type: string;
    readonly actor: string;
    readonly parties: readonly string[];
    readonly payload: Readonly<Record<string, string | number | boolean>>;
  };
};

export type ChequeEffect = ChequeTransferEffect | ChequeFeeEffect | ChequeNoticeEffect | ChequeEventEffect;

export const chequeNoticeKeys = {
  paidDrawer: 'echeque.notice.paid_drawer',
  paidPayee: 'echeque.notice.paid_payee',
  returnedDrawer: 'echeque.notice.returned_drawer',
  returnedPayee: 'echeque.notice.returned_payee',
  stopped: 'echeque.notice.stopped',
} as const;

export const chequeEventTypes = {
  paid: 'echeque.paid',
  returned: 'echeque.returned',
  stopped: 'echeque.stopped',
} as const;

/**
 * A movement id from a readable base (a cheque id, a presentment id), hashed when too long for
 * the ledger's ids, so an unusually long bank or account id can never break the booking.
 */
export function chequeMovementId(base: string, suffix: string): string {
  const id = `${base}:${suffix}`;
  return id.length <= movementIdLengthMax ? id : `echeque:${sha256Hex(utf8Encode(id))}`;
}

/**
 * The ledger requests that book a cheque payment (banking's transferRequests). An institution
 * that keeps its own book (escrow, platform...) passes the account in it that mirrors its deposit,
 * as every banking transfer does; persons keep no book.
 */
export function chequeMoveRequests(
  effect: ChequeTransferEffect,
  bookAccountIdOf: (partyId: string) => string | undefined = () => undefined,
): MoveRequest[] {
  const leg = (l: ChequeDepositLeg): CustomerLeg => {
    const bookAccountId = bookAccountIdOf(l.partyId);
    return bookAccountId === undefined ? { bankId: l.bankId, partyId: l.partyId } : { bankId: l.bankId, partyId: l.partyId, bookAccountId };
  };
  assert(effect.interbank === (effect.payer.bankId !== effect.payee.bankId), 'interbank exactly when the banks differ');
  return transferRequests({
    id: effect.id,
    amount: effect.amount.amount,
    currency: effect.amount.currency,
    refs: effect.refs,
    payer: leg(effect.payer),
    payee: leg(effect.payee),
    code: effect.code,
  });
}

/** The position the day's clearing batch nets, or null for a payment within one bank. */
export function chequeInterbankPayment(effect: ChequeTransferEffect): InterbankPayment | null {
  if (!effect.interbank) return null;
  return { payerBankId: effect.payer.bankId, payeeBankId: effect.payee.bankId, amount: effect.amount.amount };
}

/**
 * The ledger requests that book a returned-cheque fee: in the bank's book, the drawer's deposit
 * pays `feeIncomeAccountId` (the bank's fee income). A drawer that keeps its own book (an
 * institution) also passes the expense account there, which pays its <inst>:at:<bank> mirror.
 */
export function chequeFeeMoveRequests(effect: ChequeFeeEffect, feeIncomeAccountId: string, drawerExpenseAccountId?: string): MoveRequest[] {
  const { bankId, partyId } = effect.payer;
  const request = (id: string, debitAccountId: string, creditAccountId: string): MoveRequest => ({
    id,
    kind: 'single',
    debitAccountId,
    creditAccountId,
    amount: effect.amount.amount,
    currency: effect.amount.currency,
    code: effect.code,
    refs: effect.refs,
  });
  const requests = [request(`${effect.id}:bank`, bankingAccountIds.deposit(bankId, partyId), feeIncomeAccountId)];
  if (drawerExpenseAccountId !== undefined) requests.push(request(`${effect.id}:book`, drawerExpenseAccountId, bankingAccountIds.atBank(partyId, bankId)));
  return requests;
}
