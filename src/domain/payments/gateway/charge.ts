// The charge: one object per payment attempt, whatever the channel (Ping++'s Charge). Checkout
// creates it; the channel it names moves (or holds, or waits for) the money; the platform only ever
// looks at the charge's status, amounts and history.
//
// status:
//   pending              created; the money is held (two-phase card), or awaited (remittance, cash
//                        on delivery). An immediate channel never leaves a charge pending.
//   succeeded            the money is captured (`captured` may be below `amount` after a partial
//                        capture: a two-phase authorization captured for less)
//   failed               never paid: the channel refused (failureReason = its named code), or the
//                        pending charge was voided (failureReason = the void reason)
//   partially_refunded   0 < refunded < captured
//   refunded             refunded == captured
// Every amount is a StoredMoney string at the currency's scale; rows are plain JSON.

import { assert } from '../../assert.ts';
import { add, compare, fromStored, isCurrencyCode, isPositive, toStored, zero, type CurrencyCode, type StoredMoney } from '../../money/index.ts';

export const paymentChannelIds = [
  'escrow', // 第三方支付: the buyer's escrow wallet
  'online_banking', // 网上银行
  'debit_card', // 借记卡
  'credit_card', // 贷记卡
  'charge_card', // 签账卡
  'remittance', // 汇款
  'cash_on_delivery', // 货到付款
  'echeque', // 电子支票
  'ecash', // 电子现金
  'smart_card', // 智能卡
  'stored_value', // 储值卡
  'mobile', // 手机支付: a phone wallet's payment code or the merchant's code, at a shop counter (src/app/mobile)
] as const;
export type PaymentChannelId = (typeof paymentChannelIds)[number];

export function isPaymentChannelId(value: unknown): value is PaymentChannelId {
  return typeof value === 'string' && (paymentChannelIds as readonly string[]).includes(value);
}

export const chargeStatuses = ['pending', 'succeeded', 'failed', 'refunded', 'partially_refunded'] as const;
export type ChargeStatus = (typeof chargeStatuses)[number];

/** Why a pending charge was voided (it becomes failed with this reason). */
export const chargeVoidReasons = [
  'cancelled', // the order was cancelled before capture
  'expired', // the authorization or the wait for the money ran out
  'refused_at_door', // cash on delivery: the buyer refused the parcel
] as const;
export type ChargeVoidReason = (typeof chargeVoidReasons)[number];

/** Named refusals a channel may return; each becomes a charge's failureReason (UI key error.<code>). */
export const channelFailureCodes = [
  'insufficient_funds', // debit card: the deposit account cannot cover it (never overdrawn)
  'credit_limit_exceeded', // credit card: limit - balance - holds is below the amount
  'spending_limit_exceeded', // charge card: the same against its spending limit
  'card_suspended', // charge card unpaid past its due date
  'card_not_active', // the card is frozen or closed
  'card_not_owned', // the card is not the payer's
  'insufficient_cash', // cash on delivery: the buyer's cash in hand is short
  'refund_account_missing', // a refund needs a bank account to go back to, none is known
] as const;
export type ChannelFailureCode = (typeof channelFailureCodes)[number];

export type ChargeFailureReason = ChannelFailureCode | ChargeVoidReason;

/** Who is paid and at which bank their money arrives (settlement / acquiring account). */
export type ChargePayee = { readonly partyId: string; readonly bankId: string };

export type ChargeRefund = {
  /** Unique per charge; a repeated id with the same amount is the same refund (idempotency). */
  readonly id: string;
  readonly amount: StoredMoney;
  readonly reason: string;
  readonly at: number;
};

export type ChargeAction = 'create' | 'authorize' | 'capture' | 'void' | 'refund' | 'fail';

export type ChargeHistoryEntry = {
  readonly action: ChargeAction;
  /** The status after the action. */
  readonly status: ChargeStatus;
  readonly at: number;
  readonly actorId: string;
  /** The amount the action moved, if any (captured, refunded). */
  readonly amount?: string;
};

export type Charge = {
  readonly id: string;
  readonly orderId: string;
  readonly amount: StoredMoney;
  readonly currency: CurrencyCode;
  readonly channel: PaymentChannelId;
  readonly payerId: string;
  readonly payee: ChargePayee;
  /** What the channel needs to find the money (e.g. { cardId }); fixed at creation. */
  readonly source: Readonly<Record<string, string>>;
  readonly status: ChargeStatus;
  readonly failureReason: ChargeFailureReason | null;
  /** A two-phase channel's authorized (held) amount; null when nothing is held. */
  readonly authorized: StoredMoney | null;
  readonly captured: StoredMoney;
  readonly refunded: StoredMoney;
  readonly refunds: readonly ChargeRefund[];
  readonly createdAt: number;
  readonly paidAt: number | null;
  readonly failedAt: number | null;
  readonly history: readonly ChargeHistoryEntry[];
};

/** What checkout asks for. Built by the app from the order (trusted shape, checked values). */
export type ChargeInput = {
  readonly id: string;
  readonly orderId: string;
  readonly amount: StoredMoney;
  readonly channel: PaymentChannelId;
  readonly payerId: string;
  readonly payee: ChargePayee;
  readonly source?: Readonly<Record<string, string>>;
};

/** A charge is refunded in at most this many parts (a refund per line of a big order, and then some). */
export const chargeRefundsMax = 50;
/** create + authorize/capture/void + refunds: more history than this is a bug. */
export const chargeHistoryMax = chargeRefundsMax + 8;
export const chargeSourceKeysMax = 8;
const chargeIdPattern = /^[A-Za-z0-9_.:-]{1,80}$/;
const partyIdPattern = /^[A-Za-z0-9_.:-]{1,64}$/;
const sourceValueLengthMax = 64;

export function isChargeId(value: unknown): value is string {
  return typeof value === 'string' && chargeIdPattern.test(value);
}

/** Shape checks on what the app built: a failure is a bug in the caller, not a user error. */
export function assertChargeInput(input: ChargeInput): void {
  assert(isChargeId(input.id), `charge id: ${input.id}`);
  assert(isChargeId(input.orderId), `order id: ${input.orderId}`);
  assert(isPaymentChannelId(input.channel), `channel: ${String(input.channel)}`);
  assert(isCurrencyCode(input.amount.currency), 'charge currency');
  fromStored(input.amount); // asserts the scale
  assert(partyIdPattern.test(input.payerId) && partyIdPattern.test(input.payee.partyId) && partyIdPattern.test(input.payee.bankId), 'party ids');
  const source = input.source ?? {};
  const keys = Object.keys(source);
  assert(keys.length <= chargeSourceKeysMax, 'a charge source is a few references');
  for (const key of keys) {
    const value = source[key];
    assert(typeof value === 'string' && value.length > 0 && value.length <= sourceValueLengthMax, `source.${key}`);
  }
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

/** Whether `input` asks for exactly the charge already stored under its id (idempotent replay). */
export function isSameCharge(charge: Charge, input: ChargeInput): boolean {
  assert(charge.id === input.id, 'compare a charge with the input of its own id');
  return (
    charge.orderId === input.orderId &&
    charge.channel === input.channel &&
    charge.payerId === input.payerId &&
    charge.payee.partyId === input.payee.partyId &&
    charge.payee.bankId === input.payee.bankId &&
    charge.amount.currency === input.amount.currency &&
    // "12.5" and "12.50" are the same amount: compare as money, not text.
    compare(fromStored(charge.amount), fromStored(input.amount)) === 0 &&
    sameRecord(charge.source, input.source ?? {})
  );
}

/** The invariants every stored charge keeps; checked on the output of every gateway step. */
export function assertCharge(charge: Charge): void {
  assert(isChargeId(charge.id), 'charge id');
  assert(charge.amount.currency === charge.currency && charge.captured.currency === charge.currency && charge.refunded.currency === charge.currency, 'one currency');
  const amount = fromStored(charge.amount);
  const captured = fromStored(charge.captured);
  const refunded = fromStored(charge.refunded);
  assert(isPositive(amount), 'a charge is for more than zero');
  assert(!captured.amount.isNegative() && compare(captured, amount) <= 0, 'captured is within the amount');
  assert(!refunded.amount.isNegative() && compare(refunded, captured) <= 0, 'refunded is within what was captured');
  const refundSum = charge.refunds.reduce((sum, r) => add(sum, fromStored(r.amount)), zero(charge.currency));
  assert(compare(refundSum, refunded) === 0, 'refunded is the sum of the refunds');
  assert(charge.refunds.length <= chargeRefundsMax && charge.history.length <= chargeHistoryMax, 'bounded lists');
  assert(charge.history.length >= 1 && charge.history[charge.history.length - 1]?.status === charge.status, 'history ends in the status');
  switch (charge.status) {
    case 'pending':
      assert(captured.amount.isZero() && charge.paidAt === null && charge.failureReason === null, 'pending: nothing captured yet');
      break;
    case 'failed':
      assert(captured.amount.isZero() && charge.authorized === null && charge.failureReason !== null && charge.failedAt !== null, 'failed: a reason, nothing held');
      break;
    case 'succeeded':
      assert(isPositive(captured) && refunded.amount.isZero() && charge.paidAt !== null && charge.authorized === null, 'succeeded: captured, nothing refunded');
      break;
    case 'partially_refunded':
      assert(isPositive(refunded) && compare(refunded, captured) < 0, 'partially refunded: some, not all');
      break;
    case 'refunded':
      assert(isPositive(refunded) && compare(refunded, captured) === 0, 'refunded: all of it');
      break;
  }
}

/** A new pending charge (before its channel is asked). */
export function newCharge(input: ChargeInput, now: number, actorId: string): Charge {
  assertChargeInput(input);
  const amount = toStored(fromStored(input.amount));
  const none = toStored(zero(amount.currency));
  return {
    id: input.id,
    orderId: input.orderId,
    amount,
    currency: amount.currency,
    channel: input.channel,
    payerId: input.payerId,
    payee: { partyId: input.payee.partyId, bankId: input.payee.bankId },
    source: { ...(input.source ?? {}) },
    status: 'pending',
    failureReason: null,
    authorized: null,
    captured: none,
    refunded: none,
    refunds: [],
    createdAt: now,
    paidAt: null,
    failedAt: null,
    history: [{ action: 'create', status: 'pending', at: now, actorId }],
  };
}
