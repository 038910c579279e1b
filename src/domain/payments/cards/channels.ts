// The card channels behind the gateway.
//
// credit_card / charge_card (two-phase, state: the card company's CardRow): checkout authorizes (a
// hold on the credit line), shipping or completion captures, cancelling voids, a refund credits the
// card. charge.source.cardId names the card.
//
// debit_card (immediate, state: DebitCardView, what the app reads of the bank's card and the
// deposit account's available balance from the ledger): the amount leaves the deposit account at
// once and never overdraws it ('insufficient_funds'); a refund puts it back. The sale reaches the
// merchant's acquirer like a credit card sale (merchant_unsettled), settled T+1 by acquiring.ts.

import { assert } from '../../assert.ts';
import { err, ok } from '../../result.ts';
import { add, compare, fromStored, subtract, toStored, type StoredMoney } from '../../money/index.ts';
import { chargeRefs, notForImmediateChannel, type PaymentChannel } from '../gateway/channel.ts';
import type { Charge } from '../gateway/charge.ts';
import { channelLedger, channelLedgerCodes, type ChannelAccountRef } from '../gateway/effects.ts';
import { captureOnCard, holdOnCard, refundOnCard, voidOnCard, type CardKind, type CardRow } from './card.ts';

function checkCardOf(charge: Charge, card: CardRow, kind: CardKind): void {
  // The app loads the card the charge names; another one is a bug, not a refusal.
  assert(charge.source.cardId === card.id, `charge ${charge.id} names card ${String(charge.source.cardId)}, got ${card.id}`);
  assert(card.kind === kind, `a ${kind} card channel got a ${card.kind} card`);
  assert(charge.currency === card.currency, 'charge and card currency');
}

function cardChannel(id: 'credit_card' | 'charge_card', kind: CardKind): PaymentChannel<CardRow> {
  return {
    id,
    flow: 'two_phase',
    authorize(charge, card, ctx) {
      checkCardOf(charge, card, kind);
      if (card.holderId !== charge.payerId) return err('card_not_owned');
      const held = holdOnCard(card, charge.id, fromStored(charge.amount), chargeRefs(charge), ctx.now);
      if (!held.ok) return held;
      return ok({ state: held.value.card, effects: held.value.effects });
    },
    capture(charge, amount, card, ctx) {
      checkCardOf(charge, card, kind);
      const step = captureOnCard(card, charge.id, amount, charge.payee, chargeRefs(charge), ctx.now);
      return ok({ state: step.card, effects: step.effects });
    },
    void(charge, card) {
      checkCardOf(charge, card, kind);
      const step = voidOnCard(card, charge.id, chargeRefs(charge));
      return ok({ state: step.card, effects: step.effects });
    },
    refund(charge, refund, card, ctx) {
      checkCardOf(charge, card, kind);
      const step = refundOnCard(card, charge.id, refund.id, fromStored(refund.amount), charge.payee, { ...chargeRefs(charge), refundId: refund.id }, ctx.now);
      return ok({ state: step.card, effects: step.effects });
    },
  };
}

export const creditCardChannel: PaymentChannel<CardRow> = cardChannel('credit_card', 'credit');
export const chargeCardChannel: PaymentChannel<CardRow> = cardChannel('charge_card', 'charge');

/** What the debit card channel needs: the bank's card and its deposit account's available balance. */
export type DebitCardView = {
  readonly cardId: string;
  readonly bankId: string;
  readonly holderId: string;
  readonly status: 'active' | 'frozen' | 'closed';
  readonly available: StoredMoney;
};

function depositOf(view: DebitCardView): ChannelAccountRef {
  return { role: 'deposit', bankId: view.bankId, partyId: view.holderId };
}

function merchantOf(charge: Charge): ChannelAccountRef {
  return { role: 'merchant_unsettled', bankId: charge.payee.bankId, merchantId: charge.payee.partyId };
}

function checkDebitCard(charge: Charge, view: DebitCardView): void {
  assert(charge.source.cardId === view.cardId, `charge ${charge.id} names card ${String(charge.source.cardId)}, got ${view.cardId}`);
  assert(view.available.currency === charge.currency, 'account and charge currency');
}

export const debitCardChannel: PaymentChannel<DebitCardView> = {
  id: 'debit_card',
  flow: 'immediate',
  authorize(charge, view) {
    checkDebitCard(charge, view);
    if (view.holderId !== charge.payerId) return err('card_not_owned');
    if (view.status !== 'active') return err('card_not_active');
    const amount = fromStored(charge.amount);
    const available = fromStored(view.available);
    if (compare(amount, available) > 0) return err('insufficient_funds', { available: view.available.amount });
    const next: DebitCardView = { ...view, available: toStored(subtract(available, amount)) };
    assert(!fromStored(next.available).amount.isNegative(), 'a debit card never overdraws');
    const effect = channelLedger('transfer', `${charge.id}:debit`, depositOf(view), merchantOf(charge), charge.amount, channelLedgerCodes.debitSale, chargeRefs(charge));
    return ok({ state: next, effects: [effect] });
  },
  capture: () => notForImmediateChannel('debit_card', 'capture'),
  void: () => notForImmediateChannel('debit_card', 'void'),
  refund(charge, refund, view) {
    checkDebitCard(charge, view);
    // A refund goes back to the account even if the card was frozen since: the money is the holder's.
    const next: DebitCardView = { ...view, available: toStored(add(fromStored(view.available), fromStored(refund.amount))) };
    const effect = channelLedger('transfer', `${charge.id}:refund:${refund.id}`, merchantOf(charge), depositOf(view), refund.amount, channelLedgerCodes.debitRefund, { ...chargeRefs(charge), refundId: refund.id });
    return ok({ state: next, effects: [effect] });
  },
};
