import { describe, expect, it } from 'vitest';
import { balanceOf, dayMs, nextBillingAt, toStored, worldDateLabel, worldDay } from '../../src/domain/index.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, advanceDays, approvedSeller, expectLedgerSound, unwrap } from '../helpers/market.ts';
import { customerAt, fund } from '../helpers/banking.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { cancelOrder, orderById, placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { applyForBankAccount, approveBankApplication } from '../../src/app/banking/accounts.ts';
import { depositBalance } from '../../src/app/banking/transfers.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { chargesOfOrder } from '../../src/app/payments/gateway.ts';
import { applyForCard, approveCardApplication, cardApplications, cardsOf, repayCardFromBank, statementsOf } from '../../src/app/payments/cards.ts';
import { reconcileCharges } from '../../src/app/payments/reconcile.ts';
import { mailOf } from '../../src/app/mailbox.ts';
import { readClock } from '../../src/app/clock-read.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

async function balance(db: WorldDb, id: string): Promise<string> {
  const a = await ledgerTables(db).accounts.get(id);
  return a === undefined ? 'none' : toStored(balanceOf(a)).amount;
}

/** Seller (bank-b), textbook ¥45.00; buyer with ¥500.00 at bank-a and a card of `kind` with `limit`. */
async function cardWorld(kind: 'credit' | 'charge', limit: string, billingDay = 10) {
  const { db } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-b' }));
  unwrap(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.id }));
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
  const buyer = await customerAt(db, 'buyer1', 'bank-a');
  await fund(db, buyer, 'bank-a', '500.00');
  const application = unwrap(await applyForCard(db, meta(buyer), { kind }));
  expect((await cardApplications(db, 'pending')).map((a) => a.id)).toEqual([application.id]);
  const card = unwrap(await approveCardApplication(db, meta('card'), { applicationId: application.id, limit, billingDay }));
  const placeOne = async () => {
    const [o] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: kind === 'credit' ? 'credit_card' : 'charge_card', buyNow: { productId: book.id, quantity: 1 } }));
    return o!;
  };
  return { db, seller, buyer, card, placeOne, channel: kind === 'credit' ? 'credit_card' : 'charge_card' };
}

async function ship(db: WorldDb, seller: string, orderId: string) {
  const booking = unwrap(await bookShipment(db, meta(seller), { orderId }));
  unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
}

/** Advances the clock to just after the cut-off `at` (runs the statement job). */
async function advanceTo(db: WorldDb, at: number) {
  const now = await readClock(db);
  const days = Math.ceil((at - now) / dayMs);
  if (days > 0) await advanceDays(db, days);
}

describe('credit card: authorize at checkout, capture on shipping, statement on the billing day', () => {
  it('pays, captures, settles T+1, mails the statement with hand-computed figures, repayment in full means no interest', async () => {
    const w = await cardWorld('credit', '1000.00');
    const o = await w.placeOne();
    const paid = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: o.id, channel: 'credit_card', source: { cardId: w.card.id } }));
    expect(paid.charge).toMatchObject({ status: 'pending', authorized: { amount: '57.00' } });
    expect(paid.order.state).toBe('WAIT_SELLER_SEND_GOODS');
    const account = await ledgerTables(w.db).accounts.get(`card:card:${w.card.id}`);
    expect(account?.debitsPending).toBe('57.00');
    expect(account?.debitsPosted).toBe('0.00');

    await ship(w.db, w.seller, o.id);
    const [charge] = await chargesOfOrder(w.db, o.id);
    expect(charge).toMatchObject({ status: 'succeeded', captured: { amount: '57.00' } });
    const [card] = await cardsOf(w.db, w.buyer);
    expect(card).toMatchObject({ balance: { amount: '57.00' }, holds: [] });
    expect(await balance(w.db, `card:card:${w.card.id}`)).toBe('57.00');
    expect(await balance(w.db, `bank-b:acquiring:unsettled:${w.seller}`)).toBe('57.00');
    const capturedAt = await readClock(w.db);

    await advanceDays(w.db, 1);
    expect(await depositBalance(w.db, 'bank-b', w.seller)).toBe('56.66'); // 57.00 − 0.34 (0.6%)
    await advanceDays(w.db, 10);
    expect((await orderById(w.db, o.id))?.state).toBe('TRADE_FINISHED');
    expect((await reconcileCharges(w.db)).map((r) => r.status)).toEqual(['matched']);

    // Billing day: previous 0.00 + purchase 57.00 = new balance 57.00; minimum max(5.70, 50.00) =
    // 50.00; due date = billing day + 20 days.
    const cutOff = nextBillingAt(capturedAt, 10);
    await advanceTo(w.db, cutOff);
    const [statement] = await statementsOf(w.db, w.card.id);
    expect(statement).toMatchObject({ closingAt: cutOff, previousBalance: { amount: '0.00' }, purchases: { amount: '57.00' }, newBalance: { amount: '57.00' }, minimumPayment: { amount: '50.00' }, interest: { amount: '0.00' } });
    expect(statement!.dueAt).toBe(cutOff + 20 * dayMs);
    const mails = (await mailOf(w.db, w.buyer)).filter((m) => m.subject.key === 'payments.notice.card_statement');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.from).toBe('card');
    expect(mails[0]!.subject.params).toMatchObject({ newBalance: '57.00', minimumPayment: '50.00', previousBalance: '0.00', dueDate: worldDateLabel(cutOff + 20 * dayMs) });
    expect(String(mails[0]!.subject.params?.transactions)).toContain('purchase 57.00');

    // Repay in full from bank-a (the card company banks at bank-b: through clearing).
    unwrap(await repayCardFromBank(w.db, meta(w.buyer), { cardId: w.card.id, bankId: 'bank-a', amount: '57.00' }));
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('443.00');
    expect(await balance(w.db, `card:card:${w.card.id}`)).toBe('0.00');
    await advanceTo(w.db, nextBillingAt(cutOff, 10));
    const [second] = await statementsOf(w.db, w.card.id);
    expect(second).toMatchObject({ previousBalance: { amount: '57.00' }, payments: { amount: '57.00' }, interest: { amount: '0.00' }, newBalance: { amount: '0.00' }, fees: { amount: '0.00' } });
    await expectLedgerSound(w.db);
  });

  it('unpaid: late fee 5% of the missed minimum at the due date, and day-by-day interest at the next cut-off', async () => {
    const w = await cardWorld('credit', '1000.00');
    const o = await w.placeOne();
    unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: o.id, channel: 'credit_card', source: { cardId: w.card.id } }));
    await ship(w.db, w.seller, o.id);
    const capturedAt = await readClock(w.db);
    const cutOff = nextBillingAt(capturedAt, 10);
    await advanceTo(w.db, cutOff);
    // Past the due date with nothing paid: late fee = 5% × 50.00 = 2.50.
    await advanceTo(w.db, cutOff + 21 * dayMs);
    const [card] = await cardsOf(w.db, w.buyer);
    expect(card!.balance.amount).toBe('59.50');
    expect(await balance(w.db, 'card:card:income')).toBe('2.50');
    const next = nextBillingAt(cutOff, 10);
    await advanceTo(w.db, next);
    // Interest on the statement's 57.00, every day from the purchase day to the day before the next
    // cut-off: 0.05% × 57.00 × days.
    const days = worldDay(next) - worldDay(capturedAt);
    const expected = ((57 * days * 5) / 10000).toFixed(2);
    const [second] = await statementsOf(w.db, w.card.id);
    expect(second).toMatchObject({ previousBalance: { amount: '57.00' }, fees: { amount: '2.50' }, interest: { amount: expected } });
    expect(second!.newBalance.amount).toBe((57 + 2.5 + Number(expected)).toFixed(2));
    await expectLedgerSound(w.db);
  });

  it('refuses past the credit limit (credit_limit_exceeded) and voids the hold when the order is cancelled', async () => {
    const w = await cardWorld('credit', '100.00');
    const first = await w.placeOne();
    unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: first.id, channel: 'credit_card', source: { cardId: w.card.id } }));
    const second = await w.placeOne();
    const refused = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: second.id, channel: 'credit_card', source: { cardId: w.card.id } }));
    expect(refused.charge).toMatchObject({ status: 'failed', failureReason: 'credit_limit_exceeded' });
    unwrap(await cancelOrder(w.db, meta(w.buyer), { orderId: first.id }));
    const [voided] = await chargesOfOrder(w.db, first.id);
    expect(voided).toMatchObject({ status: 'failed', failureReason: 'cancelled' });
    expect((await ledgerTables(w.db).accounts.get(`card:card:${w.card.id}`))?.debitsPending).toBe('0.00');
    // The credit line is free again: the second order now pays.
    const again = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: second.id, channel: 'credit_card', source: { cardId: w.card.id } }));
    expect(again.charge.status).toBe('pending');
    await expectLedgerSound(w.db);
  });

  it('a refund after capture credits the card', async () => {
    const w = await cardWorld('credit', '1000.00');
    const o = await w.placeOne();
    unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: o.id, channel: 'credit_card', source: { cardId: w.card.id } }));
    await ship(w.db, w.seller, o.id);
    const { requestRefund, answerRefund } = await import('../../src/app/market/orders.ts');
    unwrap(await requestRefund(w.db, meta(w.buyer), { orderId: o.id, reason: '不想要了' }));
    unwrap(await answerRefund(w.db, meta(w.seller), { orderId: o.id, agree: true }));
    const [charge] = await chargesOfOrder(w.db, o.id);
    expect(charge).toMatchObject({ status: 'refunded', refunded: { amount: '57.00' } });
    expect(await balance(w.db, `card:card:${w.card.id}`)).toBe('0.00');
    expect(await balance(w.db, `bank-b:acquiring:unsettled:${w.seller}`)).toBe('0.00');
    await expectLedgerSound(w.db);
  });
});

describe('charge card: the whole statement is due; unpaid past the due date the card is suspended until paid', () => {
  it('suspends, refuses with card_suspended, reinstates on full repayment', async () => {
    const w = await cardWorld('charge', '1000.00');
    const o = await w.placeOne();
    unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: o.id, channel: 'charge_card', source: { cardId: w.card.id } }));
    await ship(w.db, w.seller, o.id);
    const cutOff = nextBillingAt(await readClock(w.db), 10);
    await advanceTo(w.db, cutOff);
    const [statement] = await statementsOf(w.db, w.card.id);
    expect(statement).toMatchObject({ newBalance: { amount: '57.00' }, minimumPayment: { amount: '57.00' } });
    await advanceTo(w.db, cutOff + 21 * dayMs);
    expect((await cardsOf(w.db, w.buyer))[0]!.status).toBe('suspended');
    const next = await w.placeOne();
    const refused = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: next.id, channel: 'charge_card', source: { cardId: w.card.id } }));
    expect(refused.charge).toMatchObject({ status: 'failed', failureReason: 'card_suspended' });
    unwrap(await repayCardFromBank(w.db, meta(w.buyer), { cardId: w.card.id, bankId: 'bank-a', amount: '57.00' }));
    expect((await cardsOf(w.db, w.buyer))[0]!.status).toBe('active');
    const paid = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: next.id, channel: 'charge_card', source: { cardId: w.card.id } }));
    expect(paid.charge.status).toBe('pending');
    await expectLedgerSound(w.db);
  });

  it('refuses past the spending limit (spending_limit_exceeded)', async () => {
    const w = await cardWorld('charge', '50.00');
    const o = await w.placeOne();
    const r = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: o.id, channel: 'charge_card', source: { cardId: w.card.id } }));
    expect(r.charge).toMatchObject({ status: 'failed', failureReason: 'spending_limit_exceeded' });
  });
});
