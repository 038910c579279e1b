// The payment gateway's state machine: one charge object whatever the channel (Ping++ style).
//
//   createCharge ─▶ pending ──capture──▶ succeeded ──refund──▶ partially_refunded ──refund──▶ refunded
//        │             │                      └──────────── refund (all) ──────────────────────▲
//        │             └──void──▶ failed (reason: cancelled | expired | refused_at_door)
//        └── channel refuses ──▶ failed (reason: the channel's code)
// An immediate channel succeeds inside createCharge. legalChargeActions is the one table of legal
// (status, action) pairs; anything else is `illegal_charge_transition` {status, action}.
//
// Idempotency: createCharge with an id already stored returns that charge unchanged and no effects
// when the input is the same (a double-clicked "pay" never pays twice), and `charge_id_conflict`
// when it differs. A refund id works the same within its charge (`refund_id_conflict`). A replay is
// checked BEFORE legality, so repeating the refund that completed a charge still answers with it.
//
// Events (as effects): charge.succeeded, charge.failed, refund.succeeded. Every step's output charge
// is checked by assertCharge.
//
// Other error codes, in the order checked: capture_amount_invalid (not above zero),
// capture_exceeds_authorized {authorized}, capture_amount_mismatch {amount} (an offline channel
// captures exactly the charge amount), refund_amount_invalid, refunds_exhausted {max},
// refund_exceeds_captured {refundable}; then the channel's own codes (ChannelFailureCode).

import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import { add, compare, fromStored, isPositive, subtract, toStored, type StoredMoney } from '../../money/index.ts';
import type { EventEffect } from '../../marketplace/effects.ts';
import {
  assertCharge,
  chargeRefundsMax,
  isChargeId,
  isSameCharge,
  newCharge,
  type ChannelFailureCode,
  type Charge,
  type ChargeAction,
  type ChargeInput,
  type ChargeRefund,
  type ChargeStatus,
  type ChargeVoidReason,
} from './charge.ts';
import type { ChannelContext, PaymentChannel } from './channel.ts';
import type { ChannelEffect } from './effects.ts';

export type GatewayContext = {
  readonly now: number;
  /** Who asked: the buyer at checkout, the seller shipping, 'system' for a scheduler job. */
  readonly actorId: string;
};

export type GatewayStep<S> = {
  readonly charge: Charge;
  readonly state: S;
  readonly effects: readonly ChannelEffect[];
  /** True when the request repeated an earlier one: nothing changed, no effects. */
  readonly replayed: boolean;
};

export type GatewayErrorCode =
  | 'charge_id_conflict'
  | 'illegal_charge_transition'
  | 'capture_amount_invalid'
  | 'capture_exceeds_authorized'
  | 'capture_amount_mismatch'
  | 'refund_id_conflict'
  | 'refund_amount_invalid'
  | 'refunds_exhausted'
  | 'refund_exceeds_captured';

export type GatewayResult<S> = Result<GatewayStep<S>, GatewayErrorCode | ChannelFailureCode>;

export type ChargeTransition = 'capture' | 'void' | 'refund';
export const chargeTransitions: readonly ChargeTransition[] = ['capture', 'void', 'refund'];

/** The one table of legal (status, action) pairs after creation. */
export const legalChargeActions: Readonly<Record<ChargeStatus, readonly ChargeTransition[]>> = {
  pending: ['capture', 'void'],
  succeeded: ['refund'],
  partially_refunded: ['refund'],
  refunded: [],
  failed: [],
};

export type RefundInput = {
  readonly id: string;
  readonly amount: StoredMoney;
  /** A short reason for the statement line ("退货", "partial shipment"). */
  readonly reason: string;
};

export const refundReasonLengthMax = 200;

function channelCtx(ctx: GatewayContext): ChannelContext {
  return { now: ctx.now };
}

function illegal(charge: Charge, action: ChargeTransition) {
  return err('illegal_charge_transition', { status: charge.status, action });
}

function event(type: string, charge: Charge, ctx: GatewayContext, extra: Record<string, string> = {}): EventEffect {
  return {
    kind: 'event',
    event: {
      type,
      actor: ctx.actorId,
      parties: charge.payerId === charge.payee.partyId ? [charge.payerId] : [charge.payerId, charge.payee.partyId],
      payload: { chargeId: charge.id, orderId: charge.orderId, channel: charge.channel, amount: charge.amount.amount, currency: charge.currency, status: charge.status, ...extra },
    },
  };
}

function withHistory(charge: Charge, action: ChargeAction, ctx: GatewayContext, amount?: string): Charge {
  const entry = amount === undefined ? { action, status: charge.status, at: ctx.now, actorId: ctx.actorId } : { action, status: charge.status, at: ctx.now, actorId: ctx.actorId, amount };
  return { ...charge, history: [...charge.history, entry] };
}

function done<S>(charge: Charge, state: S, effects: readonly ChannelEffect[]): GatewayStep<S> {
  assertCharge(charge);
  return { charge, state, effects, replayed: false };
}

/**
 * Checkout: creates the charge and asks its channel to authorize. Immediate → succeeded;
 * two-phase → pending with the amount held; offline → pending, waiting for the money; a refusal →
 * failed with the channel's code (still ok: the failed charge is a row to store).
 */
export function createCharge<S>(existing: Charge | null, input: ChargeInput, channel: PaymentChannel<S>, state: S, ctx: GatewayContext): GatewayResult<S> {
  assert(channel.id === input.channel, `the channel module ${channel.id} serves ${input.channel}`);
  if (existing !== null) {
    if (!isSameCharge(existing, input)) return err('charge_id_conflict', { chargeId: input.id });
    return ok({ charge: existing, state, effects: [], replayed: true });
  }
  const created = newCharge(input, ctx.now, ctx.actorId);
  assert(isPositive(fromStored(created.amount)), 'checkout charges more than zero');
  const answer = channel.authorize(created, state, channelCtx(ctx));
  if (!answer.ok) {
    const failed = withHistory({ ...created, status: 'failed', failureReason: answer.code, failedAt: ctx.now }, 'fail', ctx);
    return ok(done(failed, state, [event('charge.failed', failed, ctx, { reason: answer.code })]));
  }
  const { state: next, effects } = answer.value;
  switch (channel.flow) {
    case 'immediate': {
      const paid = withHistory({ ...created, status: 'succeeded', captured: created.amount, paidAt: ctx.now }, 'capture', ctx, created.amount.amount);
      return ok(done(paid, next, [...effects, event('charge.succeeded', paid, ctx)]));
    }
    case 'two_phase': {
      const held = withHistory({ ...created, authorized: created.amount }, 'authorize', ctx, created.amount.amount);
      return ok(done(held, next, [...effects]));
    }
    case 'offline': {
      const waiting = withHistory(created, 'authorize', ctx);
      return ok(done(waiting, next, [...effects]));
    }
  }
}

/**
 * Capture: a two-phase charge posts `amount` of its hold (default: all of it; the rest goes back to
 * the payer's credit line); an offline charge records that the whole amount arrived.
 */
export function captureCharge<S>(charge: Charge, amount: StoredMoney | null, channel: PaymentChannel<S>, state: S, ctx: GatewayContext): GatewayResult<S> {
  assert(channel.id === charge.channel, 'the charge\'s own channel');
  if (!legalChargeActions[charge.status].includes('capture')) return illegal(charge, 'capture');
  assert(channel.flow !== 'immediate', 'an immediate charge is never pending');
  const take = fromStored(amount ?? charge.authorized ?? charge.amount);
  assert(take.currency === charge.currency, 'capture in the charge currency');
  if (!isPositive(take)) return err('capture_amount_invalid');
  if (channel.flow === 'two_phase') {
    assert(charge.authorized !== null, 'a pending two-phase charge holds its amount');
    if (compare(take, fromStored(charge.authorized)) > 0) return err('capture_exceeds_authorized', { authorized: charge.authorized.amount });
  } else if (compare(take, fromStored(charge.amount)) !== 0) {
    return err('capture_amount_mismatch', { amount: charge.amount.amount });
  }
  const answer = channel.capture(charge, take, state, channelCtx(ctx));
  if (!answer.ok) return answer;
  const paid = withHistory({ ...charge, status: 'succeeded', authorized: null, captured: toStored(take), paidAt: ctx.now }, 'capture', ctx, toStored(take).amount);
  return ok(done(paid, answer.value.state, [...answer.value.effects, event('charge.succeeded', paid, ctx, { captured: paid.captured.amount })]));
}

/** Void: gives up a pending charge (hold released, or the wait ended); it fails with `reason`. */
export function voidCharge<S>(charge: Charge, reason: ChargeVoidReason, channel: PaymentChannel<S>, state: S, ctx: GatewayContext): GatewayResult<S> {
  assert(channel.id === charge.channel, 'the charge\'s own channel');
  if (!legalChargeActions[charge.status].includes('void')) return illegal(charge, 'void');
  const answer = channel.void(charge, state, channelCtx(ctx));
  if (!answer.ok) return answer;
  const failed = withHistory({ ...charge, status: 'failed', failureReason: reason, authorized: null, failedAt: ctx.now }, 'void', ctx);
  return ok(done(failed, answer.value.state, [...answer.value.effects, event('charge.failed', failed, ctx, { reason })]));
}

/** Refund part or all of what was captured; idempotent per refund id. */
export function refundCharge<S>(charge: Charge, input: RefundInput, channel: PaymentChannel<S>, state: S, ctx: GatewayContext): GatewayResult<S> {
  assert(channel.id === charge.channel, 'the charge\'s own channel');
  assert(isChargeId(input.id), `refund id: ${input.id}`);
  assert(input.reason.length <= refundReasonLengthMax, 'refund reason length');
  const amount = fromStored(input.amount);
  assert(amount.currency === charge.currency, 'refund in the charge currency');
  const earlier = charge.refunds.find((r) => r.id === input.id);
  if (earlier !== undefined) {
    if (compare(fromStored(earlier.amount), amount) !== 0) return err('refund_id_conflict', { refundId: input.id });
    return ok({ charge, state, effects: [], replayed: true });
  }
  if (!legalChargeActions[charge.status].includes('refund')) return illegal(charge, 'refund');
  if (!isPositive(amount)) return err('refund_amount_invalid');
  if (charge.refunds.length >= chargeRefundsMax) return err('refunds_exhausted', { max: chargeRefundsMax });
  const refundable = subtract(fromStored(charge.captured), fromStored(charge.refunded));
  if (compare(amount, refundable) > 0) return err('refund_exceeds_captured', { refundable: toStored(refundable).amount });
  const refund: ChargeRefund = { id: input.id, amount: toStored(amount), reason: input.reason, at: ctx.now };
  const answer = channel.refund(charge, refund, state, channelCtx(ctx));
  if (!answer.ok) return answer;
  const refunded = add(fromStored(charge.refunded), amount);
  const status: ChargeStatus = compare(refunded, fromStored(charge.captured)) === 0 ? 'refunded' : 'partially_refunded';
  const next = withHistory({ ...charge, status, refunded: toStored(refunded), refunds: [...charge.refunds, refund] }, 'refund', ctx, refund.amount.amount);
  return ok(done(next, answer.value.state, [...answer.value.effects, event('refund.succeeded', next, ctx, { refundId: refund.id, refundAmount: refund.amount.amount, refunded: next.refunded.amount })]));
}
