// What a payment channel module must provide to sit behind the gateway (Ping++'s channel adapters).
//
// A channel is four pure functions over the charge and the channel's own STATE: whatever rows the
// app loads for it (a debit card's account view, a credit card's row, a remittance's receiving
// account). Each returns the new state plus effects, or a named refusal (ChannelFailureCode). The
// gateway owns the charge's state machine; the channel only says what happens to the money:
//
// flow 'immediate' (debit card, online banking, escrow wallet): authorize moves the money at once;
//   the charge succeeds in the same step. capture and void are never called.
// flow 'two_phase' (credit card, charge card): authorize HOLDS the amount (a pending transfer on the
//   credit line); capture posts all or part of it when the order ships or completes; void releases
//   it when the order is cancelled.
// flow 'offline' (remittance, cash on delivery): authorize tells the payer how to pay and moves
//   nothing; capture records that the money arrived (a transfer matched, cash collected at the door);
//   void gives up waiting.
// refund (any flow, after capture): moves `refund.amount` back to where the money came from.
//
// A refusal at authorize becomes the charge's failureReason (the charge is stored as failed and a
// charge.failed event is written). A refusal at capture, void or refund changes nothing: the
// command fails with the code and may be retried.

import { assert } from '../../assert.ts';
import type { Result } from '../../result.ts';
import type { Money } from '../../money/index.ts';
import type { ChannelFailureCode, Charge, ChargeRefund, PaymentChannelId } from './charge.ts';
import type { ChannelEffect } from './effects.ts';

export type ChannelFlow = 'immediate' | 'two_phase' | 'offline';

export type ChannelContext = {
  /** World time of the step. */
  readonly now: number;
};

export type ChannelStep<S> = { readonly state: S; readonly effects: readonly ChannelEffect[] };
export type ChannelResult<S> = Result<ChannelStep<S>, ChannelFailureCode>;

export type PaymentChannel<S> = {
  readonly id: PaymentChannelId;
  readonly flow: ChannelFlow;
  authorize(charge: Charge, state: S, ctx: ChannelContext): ChannelResult<S>;
  /** `amount`: two_phase, at most the authorized amount; offline, exactly the charge amount. */
  capture(charge: Charge, amount: Money, state: S, ctx: ChannelContext): ChannelResult<S>;
  void(charge: Charge, state: S, ctx: ChannelContext): ChannelResult<S>;
  refund(charge: Charge, refund: ChargeRefund, state: S, ctx: ChannelContext): ChannelResult<S>;
};

/** capture/void of an immediate channel: the gateway never calls them, so a call is a bug. */
export function notForImmediateChannel(id: PaymentChannelId, op: string): never {
  assert(false, `${op} is not an operation of the immediate channel ${id}`);
}

/** Refs every ledger effect of a charge carries, so a statement line can name its order. */
export function chargeRefs(charge: Charge): Record<string, string> {
  return { chargeId: charge.id, orderId: charge.orderId, channel: charge.channel };
}
