import { describe, expect, it } from 'vitest';
import { balanceOf, toStored } from '../../src/domain/index.ts';
import { freshWorld, meta, teacherOf } from '../helpers/world.ts';
import { address, advanceDays, approvedSeller, expectLedgerSound, unwrap } from '../helpers/market.ts';
import { customerAt } from '../helpers/banking.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { orderById, placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { applyForBankAccount, approveBankApplication } from '../../src/app/banking/accounts.ts';
import { giveCash } from '../../src/app/banking/cash.ts';
import { depositBalance } from '../../src/app/banking/transfers.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { chargesOfOrder } from '../../src/app/payments/gateway.ts';
import { codBatchesOf, codShipmentsOf, collectCod, refuseCod } from '../../src/app/payments/channel-cod.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';
import { marketTables } from '../../src/storage/market-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

async function balance(db: WorldDb, id: string): Promise<string> {
  const a = await ledgerTables(db).accounts.get(id);
  return a === undefined ? 'none' : toStored(balanceOf(a)).amount;
}

/** Seller at bank-b, a buyer with `cash` in hand; one COD order (¥57.00) placed, "paid" (pending), shipped. */
async function codWorld(cash: string) {
  const { db } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-b' }));
  unwrap(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.id }));
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
  const buyer = await customerAt(db, 'buyer1', 'bank-a');
  unwrap(await giveCash(db, await teacherOf(db), meta('clearing'), { partyId: buyer, amount: cash }));
  const [o] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'cash_on_delivery', buyNow: { productId: book.id, quantity: 1 } }));
  const r = unwrap(await payOrderWith(db, meta(buyer), { orderId: o!.id, channel: 'cash_on_delivery' }));
  expect(r.charge.status).toBe('pending');
  expect(r.order.state).toBe('WAIT_SELLER_SEND_GOODS'); // ships unpaid
  const booking = unwrap(await bookShipment(db, meta(seller), { orderId: o!.id }));
  unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
  const [parcel] = await codShipmentsOf(db, 'logistics');
  return { db, seller, buyer, book, order: o!, parcel: parcel! };
}

describe('cash on delivery', () => {
  it('collects the buyer\'s cash at the door, remits it at day end less the fee (57.00 − 2.00 = 55.00)', async () => {
    const w = await codWorld('100.00');
    expect(w.parcel).toMatchObject({ status: 'out_for_delivery', amount: { amount: '57.00' } });
    expect(await collectCod(w.db, meta(w.buyer), { shipmentId: w.parcel.id })).toMatchObject({ ok: false, code: 'not_authorized' });
    unwrap(await collectCod(w.db, meta('logistics'), { shipmentId: w.parcel.id }));
    expect((await chargesOfOrder(w.db, w.order.id))[0]).toMatchObject({ status: 'succeeded', captured: { amount: '57.00' } });
    expect(await balance(w.db, `clearing:notes:${w.buyer}`)).toBe('43.00');
    expect(await balance(w.db, `logistics:cod:payable:${w.seller}`)).toBe('57.00');
    await advanceDays(w.db, 1);
    // Fee: 1% of 57.00 = 0.57, below the ¥2.00 minimum → 2.00; net 55.00 to the seller's bank-b account.
    expect(await depositBalance(w.db, 'bank-b', w.seller)).toBe('55.00');
    expect(await balance(w.db, `logistics:cod:payable:${w.seller}`)).toBe('0.00');
    expect(await balance(w.db, 'logistics:cod:fee-income')).toBe('2.00');
    const [batch] = await codBatchesOf(w.db, 'logistics');
    expect(batch).toMatchObject({ collected: { amount: '57.00' }, fee: { amount: '2.00' }, net: { amount: '55.00' } });
    expect((await codShipmentsOf(w.db, 'logistics'))[0]!.status).toBe('remitted');
    await advanceDays(w.db, 10);
    expect((await orderById(w.db, w.order.id))?.state).toBe('TRADE_FINISHED');
    await expectLedgerSound(w.db);
  });

  it('refuses to collect more cash than the buyer holds (insufficient_cash); a refusal at the door closes the order and returns the stock', async () => {
    const w = await codWorld('20.00');
    expect(await collectCod(w.db, meta('logistics'), { shipmentId: w.parcel.id })).toMatchObject({ ok: false, code: 'insufficient_cash' });
    expect((await codShipmentsOf(w.db, 'logistics'))[0]!.status).toBe('out_for_delivery');
    expect((await marketTables(w.db).products.get(w.book.id))?.stock).toBe(9);
    unwrap(await refuseCod(w.db, meta('logistics'), { shipmentId: w.parcel.id }));
    expect((await chargesOfOrder(w.db, w.order.id))[0]).toMatchObject({ status: 'failed', failureReason: 'refused_at_door' });
    expect((await orderById(w.db, w.order.id))?.state).toBe('TRADE_CLOSED');
    expect((await marketTables(w.db).products.get(w.book.id))?.stock).toBe(10);
    expect(await balance(w.db, `clearing:notes:${w.buyer}`)).toBe('20.00');
    await expectLedgerSound(w.db);
  });
});
