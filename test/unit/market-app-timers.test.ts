import { describe, expect, it } from 'vitest';
import { dayMs } from '../../src/domain/index.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, advanceDays, advanceHours, approvedSeller, caTab, certifiedBuyer, expectLedgerSound, fundWallet, unwrap } from '../helpers/market.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { answerRefund, arbitrate, cancelRefund, decidedDisputes, openDisputes, orderById, payOrder, placeOrders, requestRefund, reviewOrder } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { confirmReceipt, signReceiptConfirmation } from '../../src/app/market/receipt.ts';
import { orderTrail } from '../../src/app/market/trail.ts';
import { walletOf } from '../../src/app/market/wallet.ts';
import { productReviews } from '../../src/app/market/reviews.ts';
import { readClock } from '../../src/app/clock.ts';
import { marketTables } from '../../src/storage/market-tables.ts';

/** A seller with a power bank (¥89.00, digital 3%, 5 in stock) and a certified buyer with ¥1000.00. */
async function market() {
  const { db, id } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  const ca = await caTab(db, id);
  const buyer = await certifiedBuyer(db, id, 'buyer1', ca);
  const product = unwrap(await listProduct(db, meta(seller), { product: { number: 'DG-0002', name: '移动电源 10000mAh', category: 'digital', spec: '黑色', unitPrice: '89.00', stock: 5 } }));
  await fundWallet(db, buyer.partyId, '1000.00');
  return { db, id, seller, buyer, product };
}
type Market = Awaited<ReturnType<typeof market>>;

/** One power bank, paid and shipped by `method`: ¥89.00 + shipping (express ¥12.00, post ¥6.00). */
async function shippedOrder(m: Market, method: 'express' | 'post' = 'express') {
  const [order] = unwrap(await placeOrders(m.db, meta(m.buyer.partyId), { address, deliveryMethod: method, paymentMethod: 'escrow', buyNow: { productId: m.product.id, quantity: 1 } }));
  unwrap(await payOrder(m.db, meta(m.buyer.partyId), { orderId: order!.id }));
  const booking = unwrap(await bookShipment(m.db, meta(m.seller), { orderId: order!.id }));
  unwrap(await pickUpShipment(m.db, meta('logistics'), { shipmentId: booking.id }));
  return (await orderById(m.db, order!.id))!;
}

const state = async (m: Market, orderId: string) => (await orderById(m.db, orderId))!.state;

describe('deadlines driven by the world clock', () => {
  it('an unpaid order closes after 24 world hours and gives its stock back', async () => {
    const m = await market();
    const [order] = unwrap(await placeOrders(m.db, meta(m.buyer.partyId), { address, deliveryMethod: 'express', paymentMethod: 'escrow', buyNow: { productId: m.product.id, quantity: 2 } }));
    expect((await marketTables(m.db).products.get(m.product.id))?.stock).toBe(3);
    await advanceHours(m.db, 23);
    expect(await state(m, order!.id)).toBe('WAIT_BUYER_PAY');
    await advanceHours(m.db, 1);
    expect(await orderById(m.db, order!.id)).toMatchObject({ state: 'TRADE_CLOSED', closeReason: 'pay_timeout' });
    expect((await marketTables(m.db).products.get(m.product.id))?.stock).toBe(5);
    expect(await payOrder(m.db, meta(m.buyer.partyId), { orderId: order!.id })).toMatchObject({ code: 'illegal_transition' });
  });

  it('receipt is confirmed automatically 10 world days after express shipping: the money is released', async () => {
    const m = await market();
    const order = await shippedOrder(m, 'express');
    expect(order.total.amount).toBe('101.00');
    await advanceDays(m.db, 9);
    expect(await state(m, order.id)).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await advanceDays(m.db, 1);
    const done = (await orderById(m.db, order.id))!;
    expect(done).toMatchObject({ state: 'TRADE_FINISHED', receipt: { auto: true, confirmationId: null } });
    // 3% of ¥89.00 = ¥2.67.
    expect(done.settlement).toMatchObject({ commission: { amount: '2.67' }, sellerNet: { amount: '98.33' } });
    // Released on day 10, withdrawable T+1: the day-11 job has not run yet.
    expect(await walletOf(m.db, m.seller)).toMatchObject({ settling: { amount: '98.33' }, available: { amount: '0.00' } });
    await advanceDays(m.db, 1);
    expect(await walletOf(m.db, m.seller)).toMatchObject({ settling: { amount: '0.00' }, available: { amount: '98.33' } });
    await expectLedgerSound(m.db);
  });

  it('by ordinary post the timer is 30 days', async () => {
    const m = await market();
    const order = await shippedOrder(m, 'post');
    await advanceDays(m.db, 29);
    expect(await state(m, order.id)).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await advanceDays(m.db, 1);
    expect(await state(m, order.id)).toBe('TRADE_FINISHED');
  });

  it('an open refund request pauses the timer; withdrawing it resumes with the time that was left', async () => {
    const m = await market();
    const order = await shippedOrder(m);
    await advanceDays(m.db, 3);
    const paused = unwrap(await requestRefund(m.db, meta(m.buyer.partyId), { orderId: order.id, reason: '包装破损', amount: '20.00' }));
    expect(paused.deadlines.autoConfirmAt).toBeNull();
    expect(paused.autoConfirmRemainingMs).toBe(7 * dayMs);
    // Past the original deadline (day 10) while the request is open: nothing is released.
    await advanceDays(m.db, 4);
    expect(await state(m, order.id)).toBe('WAIT_BUYER_CONFIRM_GOODS');
    const resumed = unwrap(await cancelRefund(m.db, meta(m.buyer.partyId), { orderId: order.id }));
    expect(resumed.deadlines.autoConfirmAt).toBe((await readClock(m.db)) + 7 * dayMs);
    await advanceDays(m.db, 6);
    expect(await state(m, order.id)).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await advanceDays(m.db, 1);
    expect(await orderById(m.db, order.id)).toMatchObject({ state: 'TRADE_FINISHED', receipt: { auto: true } });
    await expectLedgerSound(m.db);
  });
});

describe('refunds and disputes: every outcome moves money only through the ledger', () => {
  it('the seller agrees to a partial refund: the buyer gets it back, the rest is released', async () => {
    const m = await market();
    const order = await shippedOrder(m);
    unwrap(await requestRefund(m.db, meta(m.buyer.partyId), { orderId: order.id, reason: '少发了充电线', amount: '21.00' }));
    expect(await answerRefund(m.db, meta(m.buyer.partyId), { orderId: order.id, agree: true })).toMatchObject({ code: 'not_authorized' });
    const done = unwrap(await answerRefund(m.db, meta(m.seller), { orderId: order.id, agree: true }));
    expect(done).toMatchObject({ state: 'TRADE_FINISHED', refund: { status: 'REFUND_SUCCESS' } });
    expect(done.settlement).toMatchObject({ refund: { amount: '21.00' }, released: { amount: '80.00' } });
    expect(await walletOf(m.db, m.buyer.partyId)).toMatchObject({ available: { amount: '920.00' } });
    expect((await orderTrail(m.db, done)).holdings.holder).toBe('split');
    await expectLedgerSound(m.db);
  });

  it('a seller who stays silent for 5 days agrees: a full refund closes the trade', async () => {
    const m = await market();
    const order = await shippedOrder(m);
    unwrap(await requestRefund(m.db, meta(m.buyer.partyId), { orderId: order.id, reason: '未收到货', returnTrackingNumber: 'yt 1234 5678 90' }));
    expect((await orderById(m.db, order.id))?.refund?.returnTrackingNumber).toBe('YT1234567890');
    await advanceDays(m.db, 4);
    expect(await state(m, order.id)).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await advanceDays(m.db, 1);
    expect(await orderById(m.db, order.id)).toMatchObject({ state: 'TRADE_CLOSED', closeReason: 'refunded' });
    expect(await walletOf(m.db, m.buyer.partyId)).toMatchObject({ available: { amount: '1000.00' }, balance: { amount: '1000.00' } });
    await expectLedgerSound(m.db);
  });

  it('refused refunds go to the platform operator, who decides full refund, partial refund or release, with a reason', async () => {
    const m = await market();
    const orders = [await shippedOrder(m), await shippedOrder(m), await shippedOrder(m)];
    for (const o of orders) {
      unwrap(await requestRefund(m.db, meta(m.buyer.partyId), { orderId: o.id, reason: '质量问题' }));
      expect(await answerRefund(m.db, meta(m.seller), { orderId: o.id, agree: false, reason: '' })).toMatchObject({ code: 'reason_required' });
      unwrap(await answerRefund(m.db, meta(m.seller), { orderId: o.id, agree: false, reason: '商品完好，买家人为损坏' }));
    }
    expect((await openDisputes(m.db)).map((o) => o.id).sort()).toEqual(orders.map((o) => o.id).sort());
    // The seller's deadline no longer runs once the case is with the platform.
    await advanceDays(m.db, 6);
    expect((await openDisputes(m.db))).toHaveLength(3);

    const [full, partial, release] = orders as [typeof orders[0], typeof orders[0], typeof orders[0]];
    expect(await arbitrate(m.db, meta(m.seller), { orderId: full.id, outcome: 'full_refund', reason: 'x' })).toMatchObject({ code: 'not_the_operator' });
    expect(await arbitrate(m.db, meta('platform'), { orderId: full.id, outcome: 'full_refund', reason: '' })).toMatchObject({ code: 'reason_required' });
    expect(unwrap(await arbitrate(m.db, meta('platform'), { orderId: full.id, outcome: 'full_refund', reason: '卖家未能举证' }))).toMatchObject({ state: 'TRADE_CLOSED', arbitration: { outcome: 'full_refund' } });
    expect(await arbitrate(m.db, meta('platform'), { orderId: partial.id, outcome: 'partial_refund', reason: '各担一半' })).toMatchObject({ code: 'refund_amount_required' });
    expect(unwrap(await arbitrate(m.db, meta('platform'), { orderId: partial.id, outcome: 'partial_refund', amount: '50.50', reason: '各担一半' })).settlement).toMatchObject({ refund: { amount: '50.50' }, released: { amount: '50.50' } });
    expect(unwrap(await arbitrate(m.db, meta('platform'), { orderId: release.id, outcome: 'release', reason: '物流签收记录完整' })).settlement).toMatchObject({ refund: { amount: '0.00' }, sellerNet: { amount: '98.33' } });

    expect(await openDisputes(m.db)).toEqual([]);
    expect((await decidedDisputes(m.db)).map((o) => o.arbitration?.outcome).sort()).toEqual(['full_refund', 'partial_refund', 'release']);
    // Buyer: 1000 - 3 × 101 + 101 (full) + 50.50 (partial) = 848.50.
    expect(await walletOf(m.db, m.buyer.partyId)).toMatchObject({ available: { amount: '848.50' }, balance: { amount: '848.50' } });
    await expectLedgerSound(m.db);
  });
});

describe('reviews', () => {
  it('after the trade finishes the buyer rates it once, and the product page shows it', async () => {
    const m = await market();
    const order = await shippedOrder(m);
    expect(await reviewOrder(m.db, meta(m.buyer.partyId), { orderId: order.id, rating: 5, text: '好' })).toMatchObject({ code: 'illegal_transition' });
    const doc = unwrap(await signReceiptConfirmation(m.db, m.id, order.id, { keyRing: m.buyer.ring }));
    unwrap(await confirmReceipt(m.db, meta(m.buyer.partyId), { orderId: order.id, confirmation: doc }));
    expect(await reviewOrder(m.db, meta(m.buyer.partyId), { orderId: order.id, rating: 6, text: '好' })).toMatchObject({ code: 'rating_invalid' });
    unwrap(await reviewOrder(m.db, meta(m.buyer.partyId), { orderId: order.id, rating: 4, text: '充电很快，就是有点重。' }));
    expect(await reviewOrder(m.db, meta(m.buyer.partyId), { orderId: order.id, rating: 5, text: '再评' })).toMatchObject({ code: 'illegal_transition' });
    const reviews = await productReviews(m.db, m.product.id);
    expect(reviews.summary).toMatchObject({ count: 1, average: '4.0' });
    expect(reviews.reviews.map((r) => [r.rating, r.text])).toEqual([[4, '充电很快，就是有点重。']]);
  });
});
