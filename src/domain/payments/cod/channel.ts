// Cash on delivery (货到付款) behind the gateway, an OFFLINE channel: the order ships unpaid
// (authorize moves nothing); at the door the courier takes the buyer's banknotes (capture: cash →
// the logistics company's COD payable for the seller, 'insufficient_cash' when the buyer's cash in
// hand is short); a refusal at the door voids the charge ('refused_at_door'). A refund after
// delivery is a bank transfer from the seller's account to an account the buyer names.
// charge.source.logisticsId names the logistics company; charge.payee is the seller and the bank its
// COD money is remitted to.

import { assert } from '../../assert.ts';
import { err, ok } from '../../result.ts';
import { compare, fromStored, subtract, toStored, type StoredMoney } from '../../money/index.ts';
import { chargeRefs, type PaymentChannel } from '../gateway/channel.ts';
import { channelLedger, channelLedgerCodes } from '../gateway/effects.ts';
import type { BankAccountRef } from '../remittance/channel.ts';

export type CodChannelState = {
  /** The buyer's banknotes in hand at the door (from the ledger); null when not at the door. */
  readonly buyerCash: StoredMoney | null;
  /** Where a refund goes: an account the buyer named. */
  readonly refundTo: BankAccountRef | null;
};

export function codCollectTransferId(chargeId: string): string {
  return `${chargeId}:cod-collect`;
}

export const cashOnDeliveryChannel: PaymentChannel<CodChannelState> = {
  id: 'cash_on_delivery',
  flow: 'offline',
  authorize(charge, state) {
    assert(typeof charge.source.logisticsId === 'string', 'a COD charge names its logistics company');
    return ok({ state, effects: [] });
  },
  capture(charge, amount, state) {
    const logisticsId = charge.source.logisticsId;
    assert(logisticsId !== undefined, 'a COD charge names its logistics company');
    assert(state.buyerCash !== null, 'cash is collected at the door, where the buyer\'s cash is known');
    const cash = fromStored(state.buyerCash);
    if (compare(cash, amount) < 0) return err('insufficient_cash', { cash: state.buyerCash.amount });
    const effect = channelLedger(
      'transfer',
      codCollectTransferId(charge.id),
      { role: 'cash', partyId: charge.payerId },
      { role: 'cod_payable', logisticsId, sellerId: charge.payee.partyId },
      toStored(amount),
      channelLedgerCodes.codCollect,
      chargeRefs(charge),
    );
    return ok({ state: { ...state, buyerCash: toStored(subtract(cash, amount)) }, effects: [effect] });
  },
  void: (_charge, state) => ok({ state, effects: [] }),
  refund(charge, refund, state) {
    if (state.refundTo === null) return err('refund_account_missing');
    const effect = channelLedger(
      'transfer',
      `${charge.id}:refund:${refund.id}`,
      { role: 'deposit', bankId: charge.payee.bankId, partyId: charge.payee.partyId },
      { role: 'deposit', bankId: state.refundTo.bankId, partyId: state.refundTo.partyId },
      refund.amount,
      channelLedgerCodes.codRefund,
      { ...chargeRefs(charge), refundId: refund.id },
    );
    return ok({ state, effects: [effect] });
  },
};
