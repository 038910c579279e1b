import { describe, expect, it } from 'vitest';
import { add, fromStored, toStored, zero } from '../../src/domain/index.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, advanceDays, approvedSeller, caTab, certifiedBuyer, fundWallet, unwrap } from '../helpers/market.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { answerRefund, arbitrate, orderById, payOrder, placeOrders, requestRefund } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { orderTrail, trailFees, type OrderTrail } from '../../src/app/market/trail.ts';

// The money trail adds up (issue #15): each movement of an order's money once (the commission,
// booked in two books, is one row; a partial refund, inside the entry that posts the hold, has its
// own row), with who holds what after each row, ending on the settlement box's amounts.

/** A seller with a textbook (¥45.00, books 2%) and a digital item (¥199.00, 3%), and a buyer with ¥1,000.00. */
async function market() {
  const { db, id } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  const ca = await caTab(db, id);
  const buyer = await certifiedBuyer(db, id, 'buyer1', ca);
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '《电子商务概论》', category: 'books', spec: '第5版', unitPrice: '45.00', stock: 10 } }));
  await fundWallet(db, buyer.partyId, '1000.00');
  return { db, id, seller, buyer, book };
}

type Market = Awaited<ReturnType<typeof market>>;

/** One textbook by express (¥45.00 + ¥12.00), paid and shipped. */
async function shippedOrder(m: Market) {
  const [order] = unwrap(await placeOrders(m.db, meta(m.buyer.partyId), { address, deliveryMethod: 'express', paymentMethod: 'escrow', buyNow: { productId: m.book.id, quantity: 1 } }));
  unwrap(await payOrder(m.db, meta(m.buyer.partyId), { orderId: order!.id }));
  const booking = unwrap(await bookShipment(m.db, meta(m.seller), { orderId: order!.id }));
  unwrap(await pickUpShipment(m.db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
  return order!.id;
}

async function trailOf(m: Market, orderId: string): Promise<OrderTrail> {
  return orderTrail(m.db, (await orderById(m.db, orderId))!);
}

const rowsOf = (t: OrderTrail) => t.rows.map((r) => [r.step, r.from, r.to, r.amount.amount]);
const holdingsAfter = (t: OrderTrail) => t.rows.map((r) => [r.holdings.buyer.amount, r.holdings.escrow.amount, r.holdings.seller.amount, r.holdings.platform.amount]);

/** The last row's holdings are the settlement box's; every row's four amounts add up to the total. */
function expectAddsUp(t: OrderTrail, total: string) {
  const last = t.rows[t.rows.length - 1]!.holdings;
  expect([last.buyer, last.escrow, last.seller, last.platform]).toEqual([t.holdings.buyer, t.holdings.escrow, t.holdings.seller, t.holdings.platform]);
  for (const r of t.rows) {
    const sum = [r.holdings.buyer, r.holdings.escrow, r.holdings.seller, r.holdings.platform].reduce((acc, m) => add(acc, fromStored(m)), zero('CNY'));
    expect(toStored(sum).amount, `row ${r.seq} ${r.step}`).toBe(total);
  }
}

describe('the money trail', () => {
  it('a ¥20.00 partial refund: the refund has its own row, the commission is one row on the pro-rated share', async () => {
    const m = await market();
    const orderId = await shippedOrder(m);
    unwrap(await requestRefund(m.db, meta(m.buyer.partyId), { orderId, reason: '封面有折痕', amount: '20.00' }));
    unwrap(await answerRefund(m.db, meta(m.seller), { orderId, agree: true }));
    const t = await trailOf(m, orderId);
    // Released ¥37.00 = goods share ¥29.21 + shipping ¥7.79 (allocate 45:12); 2% of ¥29.21 = ¥0.58.
    expect(rowsOf(t)).toEqual([
      ['hold', 'buyer', 'escrow', '57.00'],
      ['partial_refund', 'escrow', 'buyer', '20.00'],
      ['release', 'escrow', 'escrow', '37.00'],
      ['payout', 'escrow', 'seller', '36.42'],
      ['commission', 'escrow', 'platform', '0.58'],
    ]);
    expect(holdingsAfter(t)).toEqual([
      ['0.00', '57.00', '0.00', '0.00'],
      ['20.00', '37.00', '0.00', '0.00'],
      ['20.00', '37.00', '0.00', '0.00'],
      ['20.00', '0.58', '36.42', '0.00'],
      ['20.00', '0.00', '36.42', '0.58'],
    ]);
    expectAddsUp(t, '57.00');
    const [fee] = trailFees((await orderById(m.db, orderId))!, 'zh-CN');
    expect(fee).toMatchObject({ subtotal: { amount: '45.00' }, share: { amount: '29.21' }, rate: '0.02', commission: { amount: '0.58' }, prorated: true });
  });

  it('a full refund: the hold goes back to the buyer in one row', async () => {
    const m = await market();
    const orderId = await shippedOrder(m);
    unwrap(await requestRefund(m.db, meta(m.buyer.partyId), { orderId, reason: '拍错了' }));
    unwrap(await answerRefund(m.db, meta(m.seller), { orderId, agree: true }));
    const t = await trailOf(m, orderId);
    expect(rowsOf(t)).toEqual([
      ['hold', 'buyer', 'escrow', '57.00'],
      ['refund', 'escrow', 'buyer', '57.00'],
    ]);
    expect(holdingsAfter(t)[1]).toEqual(['57.00', '0.00', '0.00', '0.00']);
    expect(t.holdings.holder).toBe('buyer');
    expectAddsUp(t, '57.00');
    expect(trailFees((await orderById(m.db, orderId))!, 'en')).toEqual([{ productId: m.book.id, name: '《电子商务概论》', subtotal: { amount: '45.00', currency: 'CNY' }, share: { amount: '0.00', currency: 'CNY' }, rate: '0.02', commission: { amount: '0.00', currency: 'CNY' }, prorated: true }]);
  });

  it('a dispute the platform decides for the seller (release): paid out less the full commission', async () => {
    const m = await market();
    const orderId = await shippedOrder(m);
    unwrap(await requestRefund(m.db, meta(m.buyer.partyId), { orderId, reason: '与描述不符' }));
    unwrap(await answerRefund(m.db, meta(m.seller), { orderId, agree: false, reason: '与描述一致' }));
    unwrap(await arbitrate(m.db, meta('platform'), { orderId, outcome: 'release', reason: '商品与描述一致' }));
    const t = await trailOf(m, orderId);
    expect(rowsOf(t)).toEqual([
      ['hold', 'buyer', 'escrow', '57.00'],
      ['release', 'escrow', 'escrow', '57.00'],
      ['payout', 'escrow', 'seller', '56.10'],
      ['commission', 'escrow', 'platform', '0.90'],
    ]);
    expectAddsUp(t, '57.00');
    expect(trailFees((await orderById(m.db, orderId))!, 'en')[0]).toMatchObject({ share: { amount: '45.00' }, commission: { amount: '0.90' }, prorated: false });
  });

  it('an order confirmed automatically after 10 days, and T+1 settled: the seller’s money becomes withdrawable without changing hands', async () => {
    const m = await market();
    const orderId = await shippedOrder(m);
    await advanceDays(m.db, 11);
    const t = await trailOf(m, orderId);
    expect((await orderById(m.db, orderId))?.receipt?.auto).toBe(true);
    expect(rowsOf(t)).toEqual([
      ['hold', 'buyer', 'escrow', '57.00'],
      ['release', 'escrow', 'escrow', '57.00'],
      ['payout', 'escrow', 'seller', '56.10'],
      ['commission', 'escrow', 'platform', '0.90'],
      ['available', 'seller', 'seller', '56.10'],
    ]);
    expect(holdingsAfter(t).at(-1)).toEqual(['0.00', '0.00', '56.10', '0.90']);
    expectAddsUp(t, '57.00');
  });
});
