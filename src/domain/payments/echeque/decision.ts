// A presentment's outcome with its effects: paid (the book records the number, the money moves,
// both sides are told) or returned (the reason, the returned-cheque fee when the drawer caused
// the return, both sides told). One call per presentment, inside the paying bank's transaction;
// the app writes `book` (when paid) and carries out `effects`.

import { assert } from '../../assert.ts';
import { compare, fromStored, isPositive, toStored, type Money, type StoredMoney } from '../../money/index.ts';
import { recordChequePaid, type ChequebookRow } from './chequebook.ts';
import { chequeIdOf, isWellFormedChequeBody } from './cheque.ts';
import type { ChequeReturnReason, EchequeConfig } from './config.ts';
import { chequeEventTypes, chequeLedgerCodes, chequeMovementId, chequeNoticeKeys, type ChequeEffect } from './effects.ts';
import { checkChequePresentment, type ChequePresentmentCheck, type ChequePresentmentInput } from './presentment.ts';

export type ChequePresentmentDecision =
  | {
      readonly outcome: 'paid';
      readonly trace: readonly ChequePresentmentCheck[];
      readonly chequeId: string;
      readonly chequeHash: string;
      /** The book with the number recorded as paid: write it in the same transaction. */
      readonly book: ChequebookRow;
      readonly effects: readonly ChequeEffect[];
    }
  | {
      readonly outcome: 'returned';
      readonly reason: ChequeReturnReason;
      readonly detail: Readonly<Record<string, string | number>>;
      readonly trace: readonly ChequePresentmentCheck[];
      /** null when the body is too malformed to name a cheque. */
      readonly chequeId: string | null;
      /** The fee charged to the drawer, or null when none is. */
      readonly fee: StoredMoney | null;
      readonly effects: readonly ChequeEffect[];
    };

function uniqueParties(ids: readonly (string | null)[]): string[] {
  const out: string[] = [];
  for (const id of ids) if (id !== null && !out.includes(id)) out.push(id);
  return out;
}

/**
 * The fee for a return: the configured fee when the drawer caused it (config.feeReasons) and the
 * account is known, but never more than the account can pay, so the fee itself can never be
 * refused by the ledger (a return for no funds may find the account nearly empty).
 */
function returnFee(reason: ChequeReturnReason, input: ChequePresentmentInput, config: EchequeConfig): Money | null {
  if (input.drawerAccount === null || !config.feeReasons.includes(reason)) return null;
  const fee = fromStored(config.returnedChequeFee);
  const available = fromStored(input.availableBalance);
  const charged = compare(available, fee) < 0 ? available : fee;
  return isPositive(charged) ? charged : null;
}

/** Decides one presentment: checkChequePresentment, then the effects of its outcome. */
export function presentCheque(input: ChequePresentmentInput, config: EchequeConfig): ChequePresentmentDecision {
  const verdict = checkChequePresentment(input, config);
  const payload: unknown = input.presented.cheque?.payload;
  const body = isWellFormedChequeBody(payload) ? payload : null;
  const holder = input.drawerAccount?.holderPartyId ?? null;
  const clearing = input.collectingBankId !== input.payingBankId;
  const parties = uniqueParties([holder, input.depositorPartyId, input.payingBankId, input.collectingBankId]);

  if (verdict.result.ok) {
    const accepted = verdict.result.value;
    const { body: paidBody, chequeId } = accepted;
    assert(input.drawerAccount !== null, 'a paid cheque has an account');
    const refs = { chequeId, chequeNumber: paidBody.chequeNumber, presentmentId: input.presentmentId, ...(paidBody.orderId === null ? {} : { orderId: paidBody.orderId }) };
    // The money goes to the endorser's (= the named payee's) deposit at the bank it endorsed to.
    const transfer: ChequeEffect = {
      kind: 'bank_transfer',
      id: chequeMovementId(chequeId, 'pay'),
      payer: { bankId: input.payingBankId, partyId: input.drawerAccount.holderPartyId },
      payee: { bankId: accepted.depositTo.bank, partyId: accepted.endorsement.payload.endorser.partyId },
      amount: paidBody.amount,
      code: chequeLedgerCodes.pay,
      refs,
      interbank: accepted.depositTo.bank !== input.payingBankId,
    };
    const params = { chequeNumber: paidBody.chequeNumber, amount: paidBody.amount.amount, payee: paidBody.payee.name, drawer: paidBody.drawer.name };
    const effects: ChequeEffect[] = [
      transfer,
      { kind: 'notice', to: input.drawerAccount.holderPartyId, key: chequeNoticeKeys.paidDrawer, params },
      { kind: 'notice', to: input.depositorPartyId, key: chequeNoticeKeys.paidPayee, params },
      {
        kind: 'event',
        event: {
          type: chequeEventTypes.paid,
          actor: input.payingBankId,
          parties,
          payload: { presentmentId: input.presentmentId, chequeId, chequeNumber: paidBody.chequeNumber, amount: paidBody.amount.amount, clearing, ...(paidBody.orderId === null ? {} : { orderId: paidBody.orderId }) },
        },
      },
    ];
    return { outcome: 'paid', trace: verdict.trace, chequeId, chequeHash: accepted.chequeHash, book: recordChequePaid(accepted.book, paidBody.chequeNumber), effects };
  }

  const { code: reason } = verdict.result;
  const detail = verdict.result.detail ?? {};
  const chequeId = body === null ? null : chequeIdOf(body);
  const fee = returnFee(reason, input, config);
  const effects: ChequeEffect[] = [];
  if (fee !== null) {
    assert(input.drawerAccount !== null, 'a fee is charged to a known account');
    effects.push({
      kind: 'bank_fee',
      id: chequeMovementId(input.presentmentId, 'returned-fee'),
      payer: { bankId: input.payingBankId, partyId: input.drawerAccount.holderPartyId },
      amount: toStored(fee),
      code: chequeLedgerCodes.returnedFee,
      refs: { presentmentId: input.presentmentId, reason, ...(chequeId === null ? {} : { chequeId }) },
    });
  }
  const params = {
    chequeNumber: body?.chequeNumber ?? '',
    amount: body?.amount.amount ?? '',
    reason,
    fee: fee === null ? '0.00' : toStored(fee).amount,
  };
  // The drawer side is the account holder as the bank knows it, and the payee side is whoever
  // deposited: neither is read from the cheque, which may be forged.
  if (holder !== null) effects.push({ kind: 'notice', to: holder, key: chequeNoticeKeys.returnedDrawer, params });
  effects.push({ kind: 'notice', to: input.depositorPartyId, key: chequeNoticeKeys.returnedPayee, params });
  effects.push({
    kind: 'event',
    event: {
      type: chequeEventTypes.returned,
      actor: input.payingBankId,
      parties,
      payload: { presentmentId: input.presentmentId, chequeId: chequeId ?? '', chequeNumber: params.chequeNumber, reason, check: String(detail.check ?? ''), fee: params.fee, clearing },
    },
  });
  return { outcome: 'returned', reason, detail, trace: verdict.trace, chequeId, fee: fee === null ? null : toStored(fee), effects };
}
