import { err, fromStored, isPositive, ok, type Charge, type OrderRow, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import type { CommandEnv, CommandMeta, Tx } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { stepOrder } from '../market/orders.ts';
import { captureChargeTx, chargesOfOrder, type CheckoutProof, chargesPerOrderMax, createChargeTx, refundChargeTx, voidChargeTx } from './gateway.ts';
import { channelAdapter, isCheckoutChannel } from './channels.ts';

// Checkout through the gateway: the buyer pays an order with any channel of the registry (channels.ts). One command:
// the charge is created (and authorized by its channel); if it succeeded (immediate) or is pending
// with the money held (two-phase), the order steps PAY in the same transaction. A refused charge is
// stored failed with its named reason and the order stays unpaid (the buyer may try again, with
// the same or another channel: each attempt is a new charge `<order>:c<n>`).
//
// After every later order step the gateway follows the order (followOrderStep, called by the order
// step itself, market/orders.ts): a refund the order's settlement gives back to the buyer is refunded
// on the charge, by its channel.

export type PayWithInput = {
  readonly orderId: string;
  readonly channel: string;
  readonly source?: Readonly<Record<string, string>>;
  /** What the paying tab proved (the channel's proveInTab); absent: nothing. */
  readonly proof?: CheckoutProof;
};
export type PayWithResult = { readonly charge: Charge; readonly order: OrderRow };

/** Checkout as a command: the buyer (the actor) pays the order; the channel's tab proof is in the input. */
export const payOrderWithCommand = defineCommand({
  name: 'payOrderWith',
  apply: (tx, input: { readonly orderId: string; readonly channel: string; readonly source: Readonly<Record<string, string>>; readonly proof: CheckoutProof }) => payOrderWithInTx(tx, tx.meta, input),
});

export async function payOrderWith(db: WorldDb, meta: CommandMeta, input: PayWithInput, env: CommandEnv = {}): Promise<Result<PayWithResult, string>> {
  const channel = input.channel;
  if (!isCheckoutChannel(channel)) return err('payment_method_unavailable', { method: channel });
  const source = input.source ?? {};
  const adapter = channelAdapter(channel)!;
  // Tab state (an online-banking session) is read here, never inside the command.
  const proof = adapter.proveInTab === undefined ? {} : await adapter.proveInTab(db, env, meta.actor, source);
  return execute(db, payOrderWithCommand, meta, { orderId: input.orderId, channel, source: { ...source }, proof }, env);
}

/** The checkout step inside a caller's command (the e-wallet pays and records in one transaction). */
export async function payOrderWithInTx(tx: Tx, meta: CommandMeta, input: PayWithInput) {
  const channel = input.channel;
  if (!isCheckoutChannel(channel)) return err('payment_method_unavailable', { method: channel });
  const order = await marketTables(tx.db).orders.get(input.orderId);
  if (order === undefined) return err('order_not_found', { orderId: input.orderId });
  if (order.buyerId !== meta.actor) return err('not_authorized');
  if (order.state !== 'WAIT_BUYER_PAY') return err('order_not_awaiting_payment', { state: order.state });
  const earlier = await chargesOfOrder(tx.db, order.id);
  // The channel chosen at checkout, or another one once a charge failed (a returned cheque, a
  // refused card): the buyer may pay the same order another way.
  const switching = order.paymentMethod !== channel;
  if (switching && !earlier.some((c) => c.status === 'failed')) return err('payment_method_mismatch', { method: order.paymentMethod });
  const adapter = channelAdapter(channel)!;
  const parts = await adapter.prepare(tx, order, input.source ?? {}, input.proof ?? {});
  if (!parts.ok) return parts;
  // A charge waiting for its money (a remittance) is the order's payment: no second one.
  if (earlier.some((c) => c.status === 'pending')) return err('charge_pending');
  if (earlier.length >= chargesPerOrderMax) return err('charge_attempts_exhausted', { max: chargesPerOrderMax });
  // The order's method decides how its steps settle (direct or escrow): it follows the channel.
  if (switching) await marketTables(tx.db).orders.put({ ...order, paymentMethod: channel });
  const charge = await createChargeTx(tx, {
    id: `${order.id}:c${earlier.length + 1}`,
    orderId: order.id,
    amount: order.total,
    channel,
    payerId: order.buyerId,
    payee: parts.value.payee,
    source: parts.value.source,
  });
  if (!charge.ok) return charge;
  const current = switching ? { ...order, paymentMethod: channel } : order;
  if (charge.value.status === 'failed') return ok({ charge: charge.value, order: current });
  // Pending after authorize: a remittance waits for its money; an immediate channel's charge is
  // pending only when its success callback was lost (reconciliation's 补单 pays the order later).
  if (charge.value.status === 'pending' && (adapter.payOrderOn === 'capture' || adapter.channel.flow === 'immediate')) return ok({ charge: charge.value, order: current });
  const paid = await stepOrder(tx, order.id, { type: 'PAY' }, { role: 'buyer', partyId: meta.actor });
  if (!paid.ok) return paid;
  return ok({ charge: charge.value, order: paid.value });
}

/** The order's charge that paid (not failed), if any. */
async function payingCharge(tx: Tx, orderId: string): Promise<Charge | undefined> {
  const charges = await paymentsTables(tx.db).charges.where('orderId').equals(orderId).toArray();
  return charges.filter((c) => c.status !== 'failed').sort((a, b) => b.createdAt - a.createdAt)[0];
}

/**
 * What the order's charge does after an order step, in the same transaction: capture on shipping,
 * void when closed unpaid, refund what the settlement gives back.
 */
export async function followOrderStep(tx: Tx, before: OrderRow, after: OrderRow) {
  // Shipping captures a two-phase charge's hold (the card sale happens when the goods leave).
  if (before.shipment === null && after.shipment !== null) {
    const charge = await payingCharge(tx, after.id);
    if (charge !== undefined && charge.status === 'pending' && channelAdapter(charge.channel)?.channel.flow === 'two_phase') {
      const captured = await captureChargeTx(tx, charge.id, null);
      if (!captured.ok) return captured;
    }
  }
  // Closed unpaid (cancelled, or the pay deadline passed) while a charge waits for the money.
  if (before.state === 'WAIT_BUYER_PAY' && after.state === 'TRADE_CLOSED') {
    const charge = await payingCharge(tx, after.id);
    // An immediate channel's charge is pending only when its callback was lost: the channel has
    // the money and nothing can be voided; reconciliation finds it in the bill (a long).
    if (charge !== undefined && charge.status === 'pending' && channelAdapter(charge.channel)?.channel.flow !== 'immediate') {
      const voided = await voidChargeTx(tx, charge.id, after.closeReason === 'pay_timeout' ? 'expired' : 'cancelled');
      if (!voided.ok) return voided;
    }
  }
  // A settlement that gives money back to the buyer (cancel after paying, an agreed or arbitrated
  // refund): the charge is refunded by the same amount, by its channel.
  if (before.settlement === null && after.settlement !== null && isPositive(fromStored(after.settlement.refund))) {
    const charge = await payingCharge(tx, after.id);
    if (charge === undefined) return ok(null);
    if (charge.status === 'pending') {
      // Cancelled before the money was taken: the hold is released.
      const voided = await voidChargeTx(tx, charge.id, 'cancelled');
      return voided.ok ? ok(null) : voided;
    }
    const refunded = await refundChargeTx(tx, charge.id, { id: 'order', amount: after.settlement.refund.amount, reason: after.closeReason ?? 'refund' });
    return refunded.ok ? ok(null) : refunded;
  }
  return ok(null);
}
