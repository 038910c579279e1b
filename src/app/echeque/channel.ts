import { assert, assertCharge, err, ok, type Charge, type ChargeFailureReason, type ChequeReturnReason, type PaymentChannel, type Result } from '../../domain/index.ts';
import { primaryBankAccount } from '../banking/primary-account.ts';
import { marketTables } from '../../storage/market-tables.ts';
import { echequeTables } from '../../storage/echeque-tables.ts';
import { paymentsTables } from '../../storage/payments-tables.ts';
import { postBankTransfer } from '../banking/transfers.ts';
import { captureChargeTx, type ChannelAdapter, type ChannelModule } from '../payments/gateway.ts';
import { stepOrder } from '../market/orders.ts';
import type { Tx } from '../command.ts';

// The gateway's e-cheque channel (电子支票支付), an OFFLINE flow with DIRECT settlement: checkout
// creates a pending charge and moves nothing; the order stays WAIT_BUYER_PAY (payOrderOn
// 'capture'), because a promise of a cheque is not a payment and the seller must not ship goods
// against a cheque that may bounce. The buyer then writes a cheque for the order's total to the
// seller (write.ts checks the order); when the drawer's bank PAYS that cheque, the charge is
// captured and the order steps PAY in the same transaction (presentment.ts). When the drawer's
// bank RETURNS it, the charge fails with the return reason (charge.failed) and the order is still
// awaiting payment: the buyer may pay again, by another cheque or another channel. The money
// itself moves by the cheque (buyer's bank → seller's bank, through clearing), never through the
// escrow agent, so the order's escrow effects are skipped. A refund is a bank transfer back from
// the seller's account to the buyer's.

type EchequeChannelState = Record<string, never>;

export const echequeChannel: PaymentChannel<EchequeChannelState> = {
  id: 'echeque',
  flow: 'offline',
  authorize: (_charge, state) => ok({ state, effects: [] }),
  capture: (_charge, _amount, state) => ok({ state, effects: [] }),
  void: (_charge, state) => ok({ state, effects: [] }),
  refund: (_charge, _refund, state) => ok({ state, effects: [] }),
};

export const echequeAdapter: ChannelAdapter<EchequeChannelState> = {
  channel: echequeChannel,
  settlement: 'direct',
  payOrderOn: 'capture',
  async prepare(tx, order) {
    // The buyer must be able to write a cheque: a cheque account with a book.
    const books = await echequeTables(tx.db).chequebooks.where('holderPartyId').equals(order.buyerId).toArray();
    if (books.length === 0) return err('chequebook_required');
    const sellerAccount = await primaryBankAccount(tx.db, order.sellerId);
    if (sellerAccount === undefined) return err('payee_account_not_found');
    return ok({ payee: { partyId: order.sellerId, bankId: sellerAccount.bankId }, source: { bankId: books[0]!.bankId } });
  },
  load: async () => ok({}),
  async afterStep(tx, charge, op) {
    if (op !== 'refund') return ok(null);
    const refund = charge.refunds[charge.refunds.length - 1]!;
    const buyerAccount = await primaryBankAccount(tx.db, charge.payerId);
    if (buyerAccount === undefined) return err('payee_account_not_found');
    const moved = await postBankTransfer(tx, {
      id: `${charge.id}:refund:${refund.id}`,
      code: 'gateway.echeque_refund',
      payer: { bankId: charge.payee.bankId, partyId: charge.payee.partyId },
      payee: { bankId: buyerAccount.bankId, partyId: charge.payerId },
      amount: refund.amount.amount,
      refs: { orderId: charge.orderId, chargeId: charge.id },
      memo: charge.orderId,
    });
    return moved.ok ? ok(null) : moved;
  },
};

export const echequeChannelModule: ChannelModule = { id: 'echeque', adapter: echequeAdapter, catalog: { name: 'payments.channel.echeque', prefixes: ['echeque.'] } };

/** The order's e-cheque charge waiting for its cheque, if any. */
export async function pendingEchequeCharge(tx: Tx, orderId: string): Promise<Charge | undefined> {
  const charges = await paymentsTables(tx.db).charges.where('orderId').equals(orderId).toArray();
  return charges.find((c) => c.channel === 'echeque' && c.status === 'pending');
}

/**
 * A cheque written for an order: the buyer pays its own order, to its seller, its total, and the
 * order waits for an e-cheque (its charge is pending).
 */
export async function checkChequeForOrder(tx: Tx, orderId: string, drawerPartyId: string, payeePartyId: string, amount: string) {
  const order = await marketTables(tx.db).orders.get(orderId);
  if (order === undefined) return err('order_not_found', { orderId });
  if (order.buyerId !== drawerPartyId) return err('not_authorized');
  if (order.sellerId !== payeePartyId) return err('cheque_payee_not_seller');
  if (order.total.amount !== amount) return err('cheque_amount_not_order_total', { total: order.total.amount });
  if ((await pendingEchequeCharge(tx, orderId)) === undefined) return err('order_not_awaiting_cheque');
  return ok(null);
}

/**
 * The drawer's bank paid a cheque for `orderId`: the order's pending e-cheque charge is captured
 * and the order, still awaiting payment, steps PAY (only now may the seller ship).
 */
export async function captureOrderCheque(tx: Tx, orderId: string) {
  const charge = await pendingEchequeCharge(tx, orderId);
  if (charge === undefined) return ok(null);
  const captured = await captureChargeTx(tx, charge.id, null);
  if (!captured.ok) return captured;
  const order = await marketTables(tx.db).orders.get(orderId);
  assert(order !== undefined, 'a charge has its order');
  if (order.state !== 'WAIT_BUYER_PAY') return ok(null);
  const paid = await stepOrder(tx, order.id, { type: 'PAY' }, { role: 'buyer', partyId: order.buyerId });
  return paid.ok ? ok(null) : paid;
}

/**
 * The drawer's bank returned a cheque for `orderId` (written at `writtenAt`): the order's pending
 * e-cheque charge fails with the return reason and a charge.failed event; the order stays awaiting
 * payment. Only a charge created before the cheque was written is the one it was meant to pay: an
 * old returned cheque deposited again must not fail the buyer's later attempt.
 */
export async function failOrderCheque(tx: Tx, orderId: string, reason: ChequeReturnReason, writtenAt: number): Promise<Result<null, never>> {
  const charge = await pendingEchequeCharge(tx, orderId);
  if (charge === undefined || charge.createdAt > writtenAt) return ok(null);
  // The gateway's void takes only its own reasons (cancelled, expired, refused_at_door); a cheque's
  // return reason is the channel's refusal, known only after checkout, so the failed charge is
  // built here with the same shape the gateway gives a refusal (action 'fail', reason, failedAt).
  const failed: Charge = {
    ...charge,
    status: 'failed',
    failureReason: reason as ChargeFailureReason,
    authorized: null,
    failedAt: tx.now,
    history: [...charge.history, { action: 'fail', status: 'failed', at: tx.now, actorId: tx.meta.actor }],
  };
  assertCharge(failed);
  await paymentsTables(tx.db).charges.put(failed);
  const parties = failed.payerId === failed.payee.partyId ? [failed.payerId] : [failed.payerId, failed.payee.partyId];
  await tx.appendEvent({
    type: 'charge.failed',
    actor: tx.meta.actor,
    parties,
    payload: { chargeId: failed.id, orderId: failed.orderId, channel: failed.channel, amount: failed.amount.amount, currency: failed.currency, status: failed.status, reason },
  });
  tx.notify({ to: parties, kind: 'payments.charge.failed', ref: failed.id });
  return ok(null);
}
