// A cash-on-delivery parcel, from the courier's side:
//
//   out_for_delivery ──collect (cash at the door)──▶ collected ──daily batch──▶ remitted
//          └──────────refuse (buyer refuses)───────▶ refused
//
// collect captures the COD charge (cash → the logistics company's payable for the seller); refuse
// voids it ('refused_at_door'), returns the order's units to stock and tells the seller the goods
// are coming back; the app closes the order. Only the logistics company (its courier) records either;
// the buyer refuses by telling the courier.
//
// Errors, in order: not_authorized, cod_not_out_for_delivery {status}, then the gateway's and the
// channel's codes (insufficient_cash: the buyer's cash in hand is short; the parcel stays out for
// delivery, and the buyer may still pay or refuse).

import { assert } from '../../assert.ts';
import { err, ok, type Result } from '../../result.ts';
import type { StoredMoney } from '../../money/index.ts';
import type { StockEffect } from '../../marketplace/effects.ts';
import type { ChannelFailureCode, Charge } from '../gateway/charge.ts';
import { channelNotice, type ChannelEffect } from '../gateway/effects.ts';
import { captureCharge, voidCharge, type GatewayContext, type GatewayErrorCode } from '../gateway/gateway.ts';
import { cashOnDeliveryChannel } from './channel.ts';

export type CodLine = { readonly productId: string; readonly quantity: number };

export type CodShipmentStatus = 'out_for_delivery' | 'collected' | 'refused' | 'remitted';

export type CodShipmentRow = {
  /** `<chargeId>:cod`. */
  readonly id: string;
  readonly orderId: string;
  readonly chargeId: string;
  readonly buyerId: string;
  readonly sellerId: string;
  /** Where the seller's COD money is remitted (the charge's payee bank). */
  readonly sellerBankId: string;
  readonly logisticsId: string;
  readonly amount: StoredMoney;
  /** The order's units: they go back to stock on a refusal. */
  readonly lines: readonly CodLine[];
  readonly status: CodShipmentStatus;
  readonly createdAt: number;
  readonly collectedAt: number | null;
  readonly refusedAt: number | null;
  readonly remittedAt: number | null;
  readonly batchId: string | null;
  /** The COD fee taken on this parcel when remitted. */
  readonly fee: StoredMoney | null;
};

/** A parcel carries at most an order's lines. */
export const codLinesMax = 50;

export function codShipmentIdOf(chargeId: string): string {
  return `${chargeId}:cod`;
}

/** The parcel of a pending COD charge, when the seller hands it to the courier. */
export function createCodShipment(charge: Charge, lines: readonly CodLine[], now: number): CodShipmentRow {
  assert(charge.channel === 'cash_on_delivery' && charge.status === 'pending', 'a parcel ships for a pending COD charge');
  const logisticsId = charge.source.logisticsId;
  assert(logisticsId !== undefined, 'a COD charge names its logistics company');
  assert(lines.length >= 1 && lines.length <= codLinesMax, 'a parcel has lines');
  assert(lines.every((l) => l.productId.length > 0 && Number.isSafeInteger(l.quantity) && l.quantity > 0), 'line quantities above zero');
  return {
    id: codShipmentIdOf(charge.id),
    orderId: charge.orderId,
    chargeId: charge.id,
    buyerId: charge.payerId,
    sellerId: charge.payee.partyId,
    sellerBankId: charge.payee.bankId,
    logisticsId,
    amount: charge.amount,
    lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
    status: 'out_for_delivery',
    createdAt: now,
    collectedAt: null,
    refusedAt: null,
    remittedAt: null,
    batchId: null,
    fee: null,
  };
}

export type CodStep = { readonly shipment: CodShipmentRow; readonly charge: Charge; readonly effects: readonly ChannelEffect[] };
export type CodDoorError = 'not_authorized' | 'cod_not_out_for_delivery' | GatewayErrorCode | ChannelFailureCode;

function checkAtDoor(shipment: CodShipmentRow, charge: Charge, ctx: GatewayContext): Result<null, CodDoorError> {
  assert(charge.id === shipment.chargeId, 'the parcel\'s own charge');
  if (ctx.actorId !== shipment.logisticsId) return err('not_authorized');
  if (shipment.status !== 'out_for_delivery') return err('cod_not_out_for_delivery', { status: shipment.status });
  return ok(null);
}

/** The courier collects the amount in cash; `buyerCash` is the buyer's cash in hand. */
export function collectCashOnDelivery(shipment: CodShipmentRow, charge: Charge, buyerCash: StoredMoney, ctx: GatewayContext): Result<CodStep, CodDoorError> {
  const checked = checkAtDoor(shipment, charge, ctx);
  if (!checked.ok) return checked;
  const step = captureCharge(charge, charge.amount, cashOnDeliveryChannel, { buyerCash, refundTo: null }, ctx);
  if (!step.ok) return step;
  const next: CodShipmentRow = { ...shipment, status: 'collected', collectedAt: ctx.now };
  return ok({ shipment: next, charge: step.value.charge, effects: [...step.value.effects, channelNotice(shipment.sellerId, 'cod_collected', { orderId: shipment.orderId, amount: shipment.amount.amount })] });
}

/** The buyer refuses the parcel: the charge fails, the goods go back, the units return to stock. */
export function refuseCashOnDelivery(shipment: CodShipmentRow, charge: Charge, ctx: GatewayContext): Result<CodStep, CodDoorError> {
  const checked = checkAtDoor(shipment, charge, ctx);
  if (!checked.ok) return checked;
  const step = voidCharge(charge, 'refused_at_door', cashOnDeliveryChannel, { buyerCash: null, refundTo: null }, ctx);
  if (!step.ok) return step;
  const stock: StockEffect[] = shipment.lines.map((l) => ({ kind: 'stock', op: 'release', productId: l.productId, quantity: l.quantity }));
  const next: CodShipmentRow = { ...shipment, status: 'refused', refusedAt: ctx.now };
  const effects: ChannelEffect[] = [
    ...step.value.effects,
    ...stock,
    { kind: 'event', event: { type: 'cod.refused', actor: ctx.actorId, parties: [shipment.buyerId, shipment.sellerId], payload: { orderId: shipment.orderId, chargeId: charge.id } } },
    channelNotice(shipment.sellerId, 'cod_refused', { orderId: shipment.orderId }),
  ];
  return ok({ shipment: next, charge: step.value.charge, effects });
}
