import { describe, expect, it } from 'vitest';
import { balanceOf, toStored } from '../../src/domain/index.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, advanceDays, approvedSeller, expectLedgerSound, fundWallet, unwrap } from '../helpers/market.ts';
import { customerAt, fund, onlineBanking } from '../helpers/banking.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { cancelOrder, orderById, placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { applyForBankAccount, approveBankApplication, bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { acquiringBatches } from '../../src/app/payments/acquiring.ts';
import { reconcileCharges } from '../../src/app/payments/reconcile.ts';
import { paymentsTables } from '../../src/storage/payments-tables.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { allCharges, chargesOfOrder } from '../../src/app/payments/gateway.ts';
import { checkoutChannels } from '../../src/app/payments/channels.ts';
import { walletOf } from '../../src/app/market/wallet.ts';
import { depositBalance } from '../../src/app/banking/transfers.ts';
import { orderTrail } from '../../src/app/market/trail.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

async function balance(db: WorldDb, id: string): Promise<string> {
  const a = await ledgerTables(db).accounts.get(id);
  return a === undefined ? 'none' : toStored(balanceOf(a)).amount;
}

/** A seller with a textbook (¥45.00), a buyer with a bank-a account and ¥500.00 in it. */
async function world() {
  const { db, id } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
  const buyer = await customerAt(db, 'buyer1', 'bank-a');
  await fund(db, buyer, 'bank-a', '500.00');
  return { db, id, seller, book, buyer };
}

/** One textbook by express: ¥45.00 + ¥12.00 shipping = ¥57.00. */
async function order(w: Awaited<ReturnType<typeof world>>, paymentMethod: string) {
  const [o] = unwrap(await placeOrders(w.db, meta(w.buyer), { address, deliveryMethod: 'express', paymentMethod, buyNow: { productId: w.book.id, quantity: 1 } }));
  expect(o!.total.amount).toBe('57.00');
  return o!;
}

describe('payment gateway: checkout offers the registered channels', () => {
  it('lists escrow and online banking, and refuses an unknown method at checkout', async () => {
    expect(checkoutChannels()).toEqual(expect.arrayContaining(['escrow', 'online_banking']));
    const w = await world();
    expect(await placeOrders(w.db, meta(w.buyer), { address, deliveryMethod: 'express', paymentMethod: 'bitcoin', buyNow: { productId: w.book.id, quantity: 1 } })).toMatchObject({ ok: false, code: 'payment_method_invalid' });
  });
});

describe('escrow wallet channel', () => {
  it('pays from the wallet (held in escrow), and a short wallet fails the charge with insufficient_funds', async () => {
    const w = await world();
    await fundWallet(w.db, w.buyer, '50.00');
    const o = await order(w, 'escrow');
    const failed = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: o.id, channel: 'escrow' }));
    expect(failed.charge).toMatchObject({ id: `${o.id}:c1`, status: 'failed', failureReason: 'insufficient_funds', channel: 'escrow' });
    expect(failed.order.state).toBe('WAIT_BUYER_PAY');
    const events = await w.db.events.where('type').equals('charge.failed').toArray();
    expect(events.map((e) => e.payload.reason)).toEqual(['insufficient_funds']);

    await fundWallet(w.db, w.buyer, '10.00');
    const paid = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: o.id, channel: 'escrow' }));
    expect(paid.charge).toMatchObject({ id: `${o.id}:c2`, status: 'succeeded', captured: { amount: '57.00' } });
    expect(paid.order.state).toBe('WAIT_SELLER_SEND_GOODS');
    expect(await walletOf(w.db, w.buyer)).toMatchObject({ available: { amount: '3.00' }, balance: { amount: '60.00' } });
    expect((await chargesOfOrder(w.db, o.id)).map((c) => c.status)).toEqual(['failed', 'succeeded']);
    expect((await allCharges(w.db)).length).toBe(2);

    // Cancel before shipping: escrow voids the hold, the charge is refunded in full.
    unwrap(await cancelOrder(w.db, meta(w.buyer), { orderId: o.id }));
    const [, charge] = await chargesOfOrder(w.db, o.id);
    expect(charge).toMatchObject({ status: 'refunded', refunded: { amount: '57.00' } });
    expect(await walletOf(w.db, w.buyer)).toMatchObject({ available: { amount: '60.00' } });
    expect((await w.db.events.where('type').equals('refund.succeeded').toArray()).length).toBe(1);
    await expectLedgerSound(w.db);
  });

  it('is idempotent per command: a repeated pay command returns the first charge and pays once', async () => {
    const w = await world();
    await fundWallet(w.db, w.buyer, '100.00');
    const o = await order(w, 'escrow');
    const m = meta(w.buyer);
    const first = unwrap(await payOrderWith(w.db, m, { orderId: o.id, channel: 'escrow' }));
    const again = unwrap(await payOrderWith(w.db, m, { orderId: o.id, channel: 'escrow' }));
    expect(again.charge).toEqual(first.charge);
    expect(await chargesOfOrder(w.db, o.id)).toHaveLength(1);
    expect(await walletOf(w.db, w.buyer)).toMatchObject({ available: { amount: '43.00' } });
    // Paying an already paid order is refused and writes no charge.
    expect(await payOrderWith(w.db, meta(w.buyer), { orderId: o.id, channel: 'escrow' })).toMatchObject({ ok: false, code: 'order_not_awaiting_payment' });
    expect(await chargesOfOrder(w.db, o.id)).toHaveLength(1);
  });
});

describe('online banking channel', () => {
  it('needs an online-banking session, pays bank-a → escrow collection account → wallet → escrow hold, refunds back to the bank', async () => {
    const w = await world();
    const o = await order(w, 'online_banking');
    expect(await payOrderWith(w.db, meta(w.buyer), { orderId: o.id, channel: 'online_banking', source: { bankId: 'bank-a' } })).toMatchObject({ ok: false, code: 'online_banking_required' });
    await onlineBanking(w.db, w.id, 'buyer1', w.buyer, 'bank-a');
    const escrowAtBefore = await balance(w.db, 'escrow:at:bank-a');
    const paid = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: o.id, channel: 'online_banking', source: { bankId: 'bank-a' } }));
    expect(paid.charge).toMatchObject({ status: 'succeeded', channel: 'online_banking', payee: { partyId: 'escrow', bankId: 'bank-a' } });
    expect(paid.order.state).toBe('WAIT_SELLER_SEND_GOODS');
    // 500.00 − 57.00 = 443.00 left at the bank; the escrow agent's account there grew by 57.00.
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('443.00');
    expect(await balance(w.db, 'escrow:at:bank-a')).toBe((Number(escrowAtBefore) + 57).toFixed(2));
    expect(await walletOf(w.db, w.buyer)).toMatchObject({ available: { amount: '0.00' }, balance: { amount: '57.00' } });
    const trail = await orderTrail(w.db, paid.order);
    expect(trail.entries.map((e) => e.transferId)).toEqual(expect.arrayContaining([`${o.id}:c1:pay:bank`, `${o.id}:c1:pay:payee-book`, `${o.id}:hold`]));

    unwrap(await cancelOrder(w.db, meta(w.buyer), { orderId: o.id }));
    const [charge] = await chargesOfOrder(w.db, o.id);
    expect(charge).toMatchObject({ status: 'refunded', refunded: { amount: '57.00' } });
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('500.00');
    expect(await walletOf(w.db, w.buyer)).toMatchObject({ balance: { amount: '0.00' } });
    await expectLedgerSound(w.db);
  });

  it('fails the charge with insufficient_funds when the bank account is short, and moves nothing', async () => {
    const { db, id } = await freshWorld();
    const seller = await approvedSeller(db, 'shop1');
    const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
    const buyer = await customerAt(db, 'buyer1', 'bank-a');
    await fund(db, buyer, 'bank-a', '20.00');
    await onlineBanking(db, id, 'buyer1', buyer, 'bank-a');
    const [o] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'online_banking', buyNow: { productId: book.id, quantity: 1 } }));
    const r = unwrap(await payOrderWith(db, meta(buyer), { orderId: o!.id, channel: 'online_banking', source: { bankId: 'bank-a' } }));
    expect(r.charge).toMatchObject({ status: 'failed', failureReason: 'insufficient_funds' });
    expect(await depositBalance(db, 'bank-a', buyer)).toBe('20.00');
    await expectLedgerSound(db);
  });
});

describe('debit card channel (direct to the seller\'s acquirer, T+1 less the merchant discount)', () => {
  async function cardWorld(buyerFunds: string) {
    const { db, id } = await freshWorld();
    const seller = await approvedSeller(db, 'shop1');
    const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-b' }));
    unwrap(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.id }));
    const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
    const buyer = await customerAt(db, 'buyer1', 'bank-a');
    await fund(db, buyer, 'bank-a', buyerFunds);
    const card = (await bankAccountsOf(db, buyer))[0]!.cardNumber;
    const [o] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'debit_card', buyNow: { productId: book.id, quantity: 1 } }));
    return { db, id, seller, buyer, card, order: o! };
  }

  it('debits the card at once (interbank, through clearing), settles T+1: 57.00 − 0.34 discount = 56.66 to the seller; the order completes with no escrow money', async () => {
    const w = await cardWorld('500.00');
    const paid = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: w.order.id, channel: 'debit_card', source: { cardId: w.card } }));
    expect(paid.charge).toMatchObject({ status: 'succeeded', channel: 'debit_card', payee: { partyId: w.seller, bankId: 'bank-b' } });
    expect(paid.order.state).toBe('WAIT_SELLER_SEND_GOODS');
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('443.00');
    expect(await balance(w.db, `bank-b:acquiring:unsettled:${w.seller}`)).toBe('57.00');
    expect(['none', '0.00']).toContain(await balance(w.db, 'escrow:holding'));
    expect(await walletOf(w.db, w.buyer)).toMatchObject({ balance: { amount: '0.00' } });

    await advanceDays(w.db, 1);
    // 57.00 × 0.6% = 0.342 → 0.34 (half-up to the fen); net 56.66.
    expect(await depositBalance(w.db, 'bank-b', w.seller)).toBe('56.66');
    expect(await balance(w.db, `bank-b:acquiring:unsettled:${w.seller}`)).toBe('0.00');
    expect(await balance(w.db, 'bank-b:acquiring:income')).toBe('0.34');
    const [batch] = await acquiringBatches(w.db);
    expect(batch).toMatchObject({ bankId: 'bank-b', gross: { amount: '57.00' }, discount: { amount: '0.34' }, net: { amount: '56.66' } });

    const booking = unwrap(await bookShipment(w.db, meta(w.seller), { orderId: w.order.id }));
    unwrap(await pickUpShipment(w.db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
    await advanceDays(w.db, 15);
    const done = await orderById(w.db, w.order.id);
    expect(done?.state).toBe('TRADE_FINISHED');
    expect(await depositBalance(w.db, 'bank-b', w.seller)).toBe('56.66');
    expect(['none', '0.00']).toContain(await balance(w.db, 'escrow:holding'));
    await expectLedgerSound(w.db);
  });

  it('never overdraws: a short account fails the charge with insufficient_funds; a cancel after paying refunds the card', async () => {
    const w = await cardWorld('50.00');
    const failed = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: w.order.id, channel: 'debit_card', source: { cardId: w.card } }));
    expect(failed.charge).toMatchObject({ status: 'failed', failureReason: 'insufficient_funds' });
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('50.00');
    expect(await payOrderWith(w.db, meta(w.buyer), { orderId: w.order.id, channel: 'debit_card', source: { cardId: '6200000000000000' } })).toMatchObject({ ok: false, code: 'card_not_found' });

    await fund(w.db, w.buyer, 'bank-a', '10.00');
    unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: w.order.id, channel: 'debit_card', source: { cardId: w.card } }));
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('3.00');
    unwrap(await cancelOrder(w.db, meta(w.buyer), { orderId: w.order.id }));
    const charges = await chargesOfOrder(w.db, w.order.id);
    expect(charges.map((c) => c.status)).toEqual(['failed', 'refunded']);
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('60.00');
    expect(await balance(w.db, `bank-b:acquiring:unsettled:${w.seller}`)).toBe('0.00');
    // Sale and refund on the same day: the batch nets them to nothing for the seller.
    await advanceDays(w.db, 1);
    expect(await depositBalance(w.db, 'bank-b', w.seller)).toBe('0.00');
    await expectLedgerSound(w.db);
  });
});

describe('reconciliation (对账): every payment record against its order', () => {
  it('matches paid charges to their orders and names the breaks', async () => {
    const w = await world();
    await fundWallet(w.db, w.buyer, '200.00');
    const a = await order(w, 'escrow');
    const paid = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: a.id, channel: 'escrow' }));
    const b = await order(w, 'escrow'); // placed, never paid
    const t = paymentsTables(w.db).charges;
    // Breaks written straight into the table, as a corrupted import would: a charge for an order
    // that does not exist, one for the wrong amount, one whose order was never marked paid.
    await t.put({ ...paid.charge, id: 'X1', orderId: 'NO-SUCH-ORDER', createdAt: paid.charge.createdAt + 1 });
    await t.put({ ...paid.charge, id: 'X2', amount: { amount: '56.00', currency: 'CNY' }, captured: { amount: '56.00', currency: 'CNY' }, createdAt: paid.charge.createdAt + 2 });
    await t.put({ ...paid.charge, id: 'X3', orderId: b.id, createdAt: paid.charge.createdAt + 3 });
    const rows = await reconcileCharges(w.db);
    expect(Object.fromEntries(rows.map((r) => [r.charge.id, r.status]))).toEqual({ [paid.charge.id]: 'matched', X1: 'order_missing', X2: 'amount_differs', X3: 'order_unpaid' });
  });
});
