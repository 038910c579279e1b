// The order lifecycle of an escrow trade (担保交易, modelled on Alipay's), as ONE pure function:
// transition(order, event, ctx) → ok({ order, effects }) or a named error, which changes nothing.
//
//   WAIT_BUYER_PAY ──PAY──▶ WAIT_SELLER_SEND_GOODS ──SHIP──▶ WAIT_BUYER_CONFIRM_GOODS
//        │ CANCEL, PAY_TIMEOUT        │ CANCEL (hold voided)        │ CONFIRM_RECEIPT, AUTO_CONFIRM
//        ▼                            ▼                             ▼
//   TRADE_CLOSED ◀──────────── full refund ─────────────────── TRADE_FINISHED ──REVIEW (once)
//
// After shipping the buyer may open a refund case (REFUND_REQUEST, optionally for part of the
// total). It pauses the auto-confirm timer: the time left is stored, the job cancelled. The seller
// agrees (REFUND_AGREE), stays silent until sellerRespondBy (SELLER_RESPONSE_TIMEOUT: silence
// agrees) or refuses (REFUND_REFUSE), after which the platform operator arbitrates (ARBITRATE:
// full_refund, partial_refund with an amount, or release, always with a written reason). The buyer
// may withdraw the case while it is open (REFUND_CANCEL): the timer resumes with the time left.
// An agreed or arbitrated refund ends the trade: a full refund closes it (TRADE_CLOSED), a partial
// one or a release finishes it (TRADE_FINISHED) with settlement.ts's split. Goods shipped are not
// put back in stock automatically: the seller restocks what comes back.
//
// The "phase" is the state plus the refund case and review status that decide which events are
// legal; legalEventsByPhase is the one table of legal (phase, event) pairs. Who may send each
// event is eventActorRoles. Checks run in this order, the first failure wins:
//   illegal_transition {state, phase, event}   the event is not legal in this phase
//   not_authorized {event, role}                wrong role, or not this order's buyer/seller
//   deadline_not_reached {dueAt}                a scheduler event before its deadline (a stale job)
//   pay_deadline_passed                         PAY at or after payBy (the order is about to close)
//   confirm_deadline_passed                     REFUND_REQUEST at or after autoConfirmAt
//   refund_requests_exhausted {max}             more refund requests than config.refundRequestsMax
//   then the payload's own codes: tracking_number_invalid, delivery_method_invalid,
//   confirmation_id_invalid, reason_required, reason_too_long, refund_amount_required,
//   refund_amount_too_large {max}, parseMoney's money_* codes, and review.ts's codes.

import { assert, unreachable } from '../assert.ts';
import { err, ok, type Err, type Ok } from '../result.ts';
import { compare, fromStored, parseMoney, toStored, zero, type Money, type ParseMoneyError } from '../money/index.ts';
import { dayMs } from '../world/clock.ts';
import { institutionSeeds } from '../world/parties.ts';
import { assertMarketplaceConfig, isDeliveryMethod, type DeliveryMethod, type MarketplaceConfig } from './config.ts';
import { marketplaceJobKinds, type MarketplaceEffect } from './effects.ts';
import {
  assertOrderRow,
  orderEventTypes,
  orderHistoryMax,
  payTimeoutJobId,
  type Actor,
  type ActorRole,
  type ArbitrationOutcome,
  type OrderEventType,
  type OrderResult,
  type OrderRow,
  type OrderState,
  type RefundCase,
} from './order.ts';
import { reviewIdOf, validateReview, type ReviewError, type ReviewRow } from './review.ts';
import { computeSettlement, holdEffect, holdTransferId, settlementEffects } from './settlement.ts';
import { cleanBlock, codePointLength, textInputLengthMax } from './text.ts';


export type OrderEvent =
  | { readonly type: 'PAY' }
  | { readonly type: 'CANCEL' }
  | { readonly type: 'PAY_TIMEOUT' }
  | { readonly type: 'SHIP'; readonly trackingNumber: string; readonly method: string }
  | { readonly type: 'CONFIRM_RECEIPT'; readonly confirmationId: string }
  | { readonly type: 'AUTO_CONFIRM' }
  | {
      readonly type: 'REFUND_REQUEST';
      readonly reason: string;
      /** Money text; absent or empty: the whole total. */
      readonly amount?: string | null;
      readonly returnTrackingNumber?: string | null;
    }
  | { readonly type: 'REFUND_AGREE' }
  | { readonly type: 'REFUND_REFUSE'; readonly reason: string }
  | { readonly type: 'SELLER_RESPONSE_TIMEOUT' }
  | { readonly type: 'ARBITRATE'; readonly outcome: ArbitrationOutcome; readonly reason: string; readonly amount?: string | null }
  | { readonly type: 'REFUND_CANCEL' }
  | { readonly type: 'REVIEW'; readonly rating: number; readonly text: string };

export type TransitionContext = {
  /** World time of the event. */
  readonly now: number;
  readonly actor: Actor;
  readonly config: MarketplaceConfig;
};

export const orderPhases = [
  'WAIT_BUYER_PAY',
  'WAIT_SELLER_SEND_GOODS',
  'WAIT_BUYER_CONFIRM_GOODS',
  'WAIT_BUYER_CONFIRM_GOODS/WAIT_SELLER_AGREE',
  'WAIT_BUYER_CONFIRM_GOODS/SELLER_REFUSE_BUYER',
  'TRADE_FINISHED',
  'TRADE_FINISHED/REVIEWED',
  'TRADE_CLOSED',
] as const;
export type OrderPhase = (typeof orderPhases)[number];

/** The one table of legal (phase, event) pairs. */
export const legalEventsByPhase: Readonly<Record<OrderPhase, readonly OrderEventType[]>> = {
  WAIT_BUYER_PAY: ['PAY', 'CANCEL', 'PAY_TIMEOUT'],
  WAIT_SELLER_SEND_GOODS: ['SHIP', 'CANCEL'],
  WAIT_BUYER_CONFIRM_GOODS: ['CONFIRM_RECEIPT', 'AUTO_CONFIRM', 'REFUND_REQUEST'],
  'WAIT_BUYER_CONFIRM_GOODS/WAIT_SELLER_AGREE': ['REFUND_AGREE', 'REFUND_REFUSE', 'SELLER_RESPONSE_TIMEOUT', 'REFUND_CANCEL'],
  'WAIT_BUYER_CONFIRM_GOODS/SELLER_REFUSE_BUYER': ['ARBITRATE', 'REFUND_CANCEL'],
  TRADE_FINISHED: ['REVIEW'],
  'TRADE_FINISHED/REVIEWED': [],
  TRADE_CLOSED: [],
};

/** Who may send each event. Buyer and seller events must come from this order's buyer/seller. */
export const eventActorRoles: Readonly<Record<OrderEventType, ActorRole>> = {
  PAY: 'buyer',
  CANCEL: 'buyer',
  PAY_TIMEOUT: 'system',
  SHIP: 'seller',
  CONFIRM_RECEIPT: 'buyer',
  AUTO_CONFIRM: 'system',
  REFUND_REQUEST: 'buyer',
  REFUND_AGREE: 'seller',
  REFUND_REFUSE: 'seller',
  SELLER_RESPONSE_TIMEOUT: 'system',
  ARBITRATE: 'platform',
  REFUND_CANCEL: 'buyer',
  REVIEW: 'buyer',
};

export function orderPhase(order: OrderRow): OrderPhase {
  switch (order.state) {
    case 'WAIT_BUYER_PAY':
    case 'WAIT_SELLER_SEND_GOODS':
    case 'TRADE_CLOSED':
      return order.state;
    case 'WAIT_BUYER_CONFIRM_GOODS': {
      const status = order.refund?.status;
      if (status === 'WAIT_SELLER_AGREE' || status === 'SELLER_REFUSE_BUYER') return `WAIT_BUYER_CONFIRM_GOODS/${status}`;
      return 'WAIT_BUYER_CONFIRM_GOODS';
    }
    case 'TRADE_FINISHED':
      return order.reviewedAt === null ? 'TRADE_FINISHED' : 'TRADE_FINISHED/REVIEWED';
    default:
      return unreachable(order.state);
  }
}

/** The events that are legal now (the order page shows a button for those of the viewer's role). */
export function allowedEvents(order: OrderRow): readonly OrderEventType[] {
  return legalEventsByPhase[orderPhase(order)];
}

export type TransitionErrorCode =
  | 'illegal_transition'
  | 'not_authorized'
  | 'deadline_not_reached'
  | 'pay_deadline_passed'
  | 'confirm_deadline_passed'
  | 'refund_requests_exhausted'
  | 'tracking_number_invalid'
  | 'delivery_method_invalid'
  | 'confirmation_id_invalid'
  | 'reason_required'
  | 'reason_too_long'
  | 'refund_amount_required'
  | 'refund_amount_too_large'
  | ParseMoneyError
  | ReviewError;

export type TransitionResult = Ok<OrderResult> | Err<TransitionErrorCode>;

/** Refund and refusal reasons and the arbitration's written reason: 1..500 characters. */
export const reasonLengthMax = 500;
export const trackingNumberLengthMin = 8;
export const trackingNumberLengthMax = 30;
export const confirmationIdLengthMax = 200;

/** The platform operator's party id (world/parties.ts), who is told about refused refunds. */
const platformPartyId = institutionSeeds.find((p) => p.kind === 'operator')?.id ?? 'platform';

export function autoConfirmJobId(orderId: string, round: number): string {
  return `${orderId}:auto-confirm:${round}`;
}

export function sellerResponseJobId(orderId: string, round: number): string {
  return `${orderId}:seller-timeout:${round}`;
}

/** Tracking numbers (运单号) are 8-30 letters and digits; typed in any case or full-width. */
export function normalizeTrackingNumber(text: string): string | null {
  if (text.length > textInputLengthMax) return null;
  const value = text.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  return value.length >= trackingNumberLengthMin && value.length <= trackingNumberLengthMax && /^[A-Z0-9]+$/.test(value) ? value : null;
}

function checkReason(text: string): string | Err<'reason_required' | 'reason_too_long'> {
  assert(typeof text === 'string', 'a reason is text');
  if (text.length > textInputLengthMax) return err('reason_too_long', { lengthMax: reasonLengthMax });
  const clean = cleanBlock(text);
  if (clean === '') return err('reason_required');
  if (codePointLength(clean) > reasonLengthMax) return err('reason_too_long', { lengthMax: reasonLengthMax });
  return clean;
}

/** A refund amount typed by the buyer or the platform: above zero, at most (or below) the total. */
function checkRefundAmount(text: string, order: OrderRow, below: boolean): Money | Err<TransitionErrorCode> {
  const parsed = parseMoney(text, order.currency);
  if (!parsed.ok) return parsed;
  const cmp = compare(parsed.value, fromStored(order.total));
  if (cmp > 0 || (below && cmp === 0)) return err('refund_amount_too_large', { max: order.total.amount });
  return parsed.value;
}

type Step = { order: OrderRow; effects: MarketplaceEffect[] };

/** Applies `event` to `order` at ctx.now by ctx.actor. Pure: the input order is never changed. */
export function transition(order: OrderRow, event: OrderEvent, ctx: TransitionContext): TransitionResult {
  assertOrderRow(order);
  assertMarketplaceConfig(ctx.config);
  assert((orderEventTypes as readonly string[]).includes(event.type), `unknown event ${String(event.type)}`);
  const lastAt = order.history[order.history.length - 1]?.at ?? order.createdAt;
  assert(Number.isSafeInteger(ctx.now) && ctx.now >= lastAt, 'the world clock never goes backwards');

  const phase = orderPhase(order);
  if (!legalEventsByPhase[phase].includes(event.type)) {
    return err('illegal_transition', { state: order.state, phase, event: event.type });
  }
  const role = eventActorRoles[event.type];
  const actor = ctx.actor;
  const partyOk = role === 'buyer' ? actor.partyId === order.buyerId : role === 'seller' ? actor.partyId === order.sellerId : true;
  if (actor.role !== role || !partyOk) return err('not_authorized', { event: event.type, role: actor.role });

  const result = apply(order, event, ctx);
  if (!result.ok) return result;
  const { order: next, effects } = result.value;
  assert(next.history.length === order.history.length + 1 && next.history.length <= orderHistoryMax, 'each transition adds one history entry');
  assertOrderRow(next);
  return ok({ order: next, effects });
}

function apply(order: OrderRow, event: OrderEvent, ctx: TransitionContext): Ok<Step> | Err<TransitionErrorCode> {
  const { now, config } = ctx;
  switch (event.type) {
    case 'PAY': {
      assert(order.deadlines.payBy !== null, 'an unpaid order has a pay deadline');
      if (now >= order.deadlines.payBy) return err('pay_deadline_passed');
      const paid: OrderRow = { ...order, paidAt: now, holdTransferId: holdTransferId(order.id), deadlines: { ...order.deadlines, payBy: null } };
      const effects: MarketplaceEffect[] = [holdEffect(paid), { kind: 'job.cancel', jobId: payTimeoutJobId(order.id) }];
      effects.push(notice(order.sellerId, 'order_paid', order));
      return ok(record(paid, 'WAIT_SELLER_SEND_GOODS', event, ctx, effects));
    }

    case 'CANCEL':
    case 'PAY_TIMEOUT': {
      const effects: MarketplaceEffect[] = [];
      if (event.type === 'PAY_TIMEOUT') {
        assert(order.deadlines.payBy !== null, 'an unpaid order has a pay deadline');
        if (now < order.deadlines.payBy) return err('deadline_not_reached', { dueAt: order.deadlines.payBy });
      }
      let closed: OrderRow = {
        ...order,
        closeReason: event.type === 'CANCEL' ? 'buyer_cancelled' : 'pay_timeout',
        closedAt: now,
        deadlines: { ...order.deadlines, payBy: null },
      };
      if (order.state === 'WAIT_BUYER_PAY') {
        if (event.type === 'CANCEL') effects.push({ kind: 'job.cancel', jobId: payTimeoutJobId(order.id) });
      } else {
        // Paid, not shipped: the whole hold is voided, the buyer gets everything back.
        const settlement = computeSettlement(order, fromStored(order.total), now);
        closed = { ...closed, settlement };
        effects.push(...settlementEffects(closed, settlement, config));
        effects.push(notice(order.sellerId, 'order_cancelled', order));
      }
      for (const line of order.lines) effects.push({ kind: 'stock', op: 'release', productId: line.productId, quantity: line.quantity });
      effects.push(notice(order.buyerId, event.type === 'CANCEL' ? 'order_cancelled' : 'order_pay_timeout', order));
      return ok(record(closed, 'TRADE_CLOSED', event, ctx, effects));
    }

    case 'SHIP': {
      const trackingNumber = normalizeTrackingNumber(event.trackingNumber);
      if (trackingNumber === null) return err('tracking_number_invalid');
      if (!isDeliveryMethod(event.method)) return err('delivery_method_invalid');
      const method: DeliveryMethod = event.method;
      // The timer counts from shipping, by the method actually used: post takes longer to arrive.
      const autoConfirmAt = now + config.autoConfirmDays[method] * dayMs;
      const round = order.autoConfirmRound + 1;
      const shipped: OrderRow = {
        ...order,
        shipment: { trackingNumber, method, at: now },
        deadlines: { ...order.deadlines, autoConfirmAt },
        autoConfirmRound: round,
      };
      const effects: MarketplaceEffect[] = [autoConfirmJob(order.id, round, autoConfirmAt), notice(order.buyerId, 'order_shipped', order, { trackingNumber, autoConfirmAt })];
      return ok(record(shipped, 'WAIT_BUYER_CONFIRM_GOODS', event, ctx, effects));
    }

    case 'CONFIRM_RECEIPT':
    case 'AUTO_CONFIRM': {
      const dueAt = order.deadlines.autoConfirmAt;
      assert(dueAt !== null, 'a shipped order without an open refund has a running timer');
      let confirmationId: string | null = null;
      const effects: MarketplaceEffect[] = [];
      if (event.type === 'CONFIRM_RECEIPT') {
        const id = typeof event.confirmationId === 'string' ? event.confirmationId.trim() : '';
        if (id === '' || id.length > confirmationIdLengthMax) return err('confirmation_id_invalid');
        confirmationId = id;
        effects.push({ kind: 'job.cancel', jobId: autoConfirmJobId(order.id, order.autoConfirmRound) });
      } else if (now < dueAt) {
        return err('deadline_not_reached', { dueAt });
      }
      const received: OrderRow = { ...order, receipt: { confirmationId, auto: event.type === 'AUTO_CONFIRM', at: now } };
      return ok(finish(received, zero(order.currency), event, ctx, effects));
    }

    case 'REFUND_REQUEST': {
      const dueAt = order.deadlines.autoConfirmAt;
      assert(dueAt !== null, 'a shipped order without an open refund has a running timer');
      if (now >= dueAt) return err('confirm_deadline_passed');
      if (order.refundRequests >= config.refundRequestsMax) return err('refund_requests_exhausted', { max: config.refundRequestsMax });
      const reason = checkReason(event.reason);
      if (typeof reason !== 'string') return reason;
      let amount = fromStored(order.total);
      if (event.amount !== undefined && event.amount !== null && event.amount.trim() !== '') {
        const checked = checkRefundAmount(event.amount, order, false);
        if ('ok' in checked) return checked;
        amount = checked;
      }
      let returnTrackingNumber: string | null = null;
      if (event.returnTrackingNumber !== undefined && event.returnTrackingNumber !== null && event.returnTrackingNumber.trim() !== '') {
        returnTrackingNumber = normalizeTrackingNumber(event.returnTrackingNumber);
        if (returnTrackingNumber === null) return err('tracking_number_invalid');
      }
      const round = order.refundRequests + 1;
      const sellerRespondBy = now + config.sellerResponseDays * dayMs;
      const refund: RefundCase = {
        round,
        status: 'WAIT_SELLER_AGREE',
        amount: toStored(amount),
        reason,
        returnTrackingNumber,
        requestedAt: now,
        sellerReason: null,
        resolvedAt: null,
      };
      // Pause: keep the time left, drop the deadline and its job; REFUND_CANCEL resumes from here.
      const paused: OrderRow = {
        ...order,
        refund,
        refundRequests: round,
        autoConfirmRemainingMs: dueAt - now,
        deadlines: { ...order.deadlines, autoConfirmAt: null, sellerRespondBy },
      };
      const effects: MarketplaceEffect[] = [
        { kind: 'job.cancel', jobId: autoConfirmJobId(order.id, order.autoConfirmRound) },
        { kind: 'job.schedule', job: { id: sellerResponseJobId(order.id, round), kind: marketplaceJobKinds.sellerResponseTimeout, dueAt: sellerRespondBy, payload: { orderId: order.id, round } } },
        notice(order.sellerId, 'refund_requested', order, { amount: refund.amount.amount, sellerRespondBy }),
      ];
      return ok(record(paused, order.state, event, ctx, effects));
    }

    case 'REFUND_AGREE':
    case 'SELLER_RESPONSE_TIMEOUT': {
      const refund = order.refund;
      const respondBy = order.deadlines.sellerRespondBy;
      assert(refund !== null && respondBy !== null, 'an open refund case has a seller deadline');
      const effects: MarketplaceEffect[] = [];
      if (event.type === 'SELLER_RESPONSE_TIMEOUT') {
        if (now < respondBy) return err('deadline_not_reached', { dueAt: respondBy });
      } else {
        effects.push({ kind: 'job.cancel', jobId: sellerResponseJobId(order.id, refund.round) });
      }
      const agreed: OrderRow = { ...order, refund: { ...refund, status: 'REFUND_SUCCESS', resolvedAt: now } };
      effects.push(notice(order.buyerId, 'refund_agreed', order, { amount: refund.amount.amount }));
      return ok(finish(agreed, fromStored(refund.amount), event, ctx, effects));
    }

    case 'REFUND_REFUSE': {
      const refund = order.refund;
      assert(refund !== null, 'an open refund case');
      const reason = checkReason(event.reason);
      if (typeof reason !== 'string') return reason;
      const refused: OrderRow = {
        ...order,
        refund: { ...refund, status: 'SELLER_REFUSE_BUYER', sellerReason: reason },
        deadlines: { ...order.deadlines, sellerRespondBy: null },
      };
      const effects: MarketplaceEffect[] = [
        { kind: 'job.cancel', jobId: sellerResponseJobId(order.id, refund.round) },
        notice(order.buyerId, 'refund_refused', order),
        notice(platformPartyId, 'arbitration_needed', order),
      ];
      return ok(record(refused, order.state, event, ctx, effects));
    }

    case 'ARBITRATE': {
      const refund = order.refund;
      assert(refund !== null, 'arbitration is over a refund case');
      const reason = checkReason(event.reason);
      if (typeof reason !== 'string') return reason;
      let refundAmount: Money;
      switch (event.outcome) {
        case 'full_refund':
          refundAmount = fromStored(order.total);
          break;
        case 'release':
          refundAmount = zero(order.currency);
          break;
        case 'partial_refund': {
          if (event.amount === undefined || event.amount === null || event.amount.trim() === '') return err('refund_amount_required');
          // Strictly below the total: a refund of everything is a full_refund, and says so.
          const checked = checkRefundAmount(event.amount, order, true);
          if ('ok' in checked) return checked;
          refundAmount = checked;
          break;
        }
        default:
          return unreachable(event.outcome, 'unknown arbitration outcome');
      }
      const arbitrated: OrderRow = {
        ...order,
        refund: { ...refund, status: event.outcome === 'release' ? 'REFUND_CLOSED' : 'REFUND_SUCCESS', resolvedAt: now },
        arbitration: { outcome: event.outcome, refund: toStored(refundAmount), reason, by: ctx.actor.partyId, at: now },
      };
      const effects: MarketplaceEffect[] = [
        notice(order.buyerId, 'arbitrated', order, { outcome: event.outcome }),
        notice(order.sellerId, 'arbitrated', order, { outcome: event.outcome }),
      ];
      return ok(finish(arbitrated, refundAmount, event, ctx, effects));
    }

    case 'REFUND_CANCEL': {
      const refund = order.refund;
      const remainingMs = order.autoConfirmRemainingMs;
      assert(refund !== null && remainingMs !== null && remainingMs > 0, 'an open refund case pauses the timer');
      const effects: MarketplaceEffect[] = [];
      if (refund.status === 'WAIT_SELLER_AGREE') effects.push({ kind: 'job.cancel', jobId: sellerResponseJobId(order.id, refund.round) });
      // Resume: the buyer gets exactly the time that was left when the request paused the timer.
      const autoConfirmAt = now + remainingMs;
      const round = order.autoConfirmRound + 1;
      const resumed: OrderRow = {
        ...order,
        refund: { ...refund, status: 'REFUND_CLOSED', resolvedAt: now },
        autoConfirmRemainingMs: null,
        autoConfirmRound: round,
        deadlines: { ...order.deadlines, autoConfirmAt, sellerRespondBy: null },
      };
      effects.push(autoConfirmJob(order.id, round, autoConfirmAt), notice(order.sellerId, 'refund_cancelled', order));
      return ok(record(resumed, order.state, event, ctx, effects));
    }

    case 'REVIEW': {
      const checked = validateReview(event.rating, event.text);
      if (!checked.ok) return checked;
      const review: ReviewRow = {
        id: reviewIdOf(order.id),
        orderId: order.id,
        buyerId: order.buyerId,
        sellerId: order.sellerId,
        productIds: order.lines.map((l) => l.productId),
        rating: checked.value.rating,
        text: checked.value.text,
        at: now,
      };
      const effects: MarketplaceEffect[] = [{ kind: 'review', review }, notice(order.sellerId, 'order_reviewed', order, { rating: review.rating })];
      return ok(record({ ...order, reviewedAt: now }, order.state, event, ctx, effects));
    }

    default:
      return unreachable(event, 'unknown event');
  }
}

/** Ends a paid, shipped trade with `refund` back to the buyer: closed if everything, else finished. */
function finish(order: OrderRow, refund: Money, event: OrderEvent, ctx: TransitionContext, effects: MarketplaceEffect[]): Step {
  const settlement = computeSettlement(order, refund, ctx.now);
  const full = compare(refund, fromStored(order.total)) === 0;
  const ended: OrderRow = {
    ...order,
    settlement,
    autoConfirmRemainingMs: null,
    deadlines: { payBy: null, autoConfirmAt: null, sellerRespondBy: null },
    ...(full ? { closeReason: 'refunded' as const, closedAt: ctx.now } : { finishedAt: ctx.now }),
  };
  const all = [...effects, ...settlementEffects(ended, settlement, ctx.config)];
  if (!full) all.push(notice(order.sellerId, 'money_released', order, { sellerNet: settlement.sellerNet.amount }));
  return record(ended, full ? 'TRADE_CLOSED' : 'TRADE_FINISHED', event, ctx, all);
}

/** Appends the history entry and the world event of this step. */
function record(order: OrderRow, state: OrderState, event: OrderEvent, ctx: TransitionContext, effects: MarketplaceEffect[]): Step {
  const next: OrderRow = { ...order, state, history: [...order.history, { state, event: event.type, at: ctx.now, actor: ctx.actor }] };
  effects.push({
    kind: 'event',
    event: {
      type: `marketplace.${event.type.toLowerCase()}`,
      actor: ctx.actor.partyId,
      parties: [order.buyerId, order.sellerId],
      payload: { orderId: order.id, from: orderStateBefore(order), to: state },
    },
  });
  return { order: next, effects };
}

function orderStateBefore(order: OrderRow): OrderState {
  const last = order.history[order.history.length - 1];
  assert(last !== undefined, 'an order has history');
  return last.state;
}

function autoConfirmJob(orderId: string, round: number, dueAt: number): MarketplaceEffect {
  return { kind: 'job.schedule', job: { id: autoConfirmJobId(orderId, round), kind: marketplaceJobKinds.autoConfirm, dueAt, payload: { orderId, round } } };
}

function notice(to: string, name: string, order: OrderRow, params: Record<string, string | number> = {}): MarketplaceEffect {
  return { kind: 'notice', to, key: `marketplace.notice.${name}`, params: { orderId: order.id, ...params } };
}
