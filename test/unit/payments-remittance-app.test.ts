import { describe, expect, it } from 'vitest';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, approvedSeller, expectLedgerSound, unwrap } from '../helpers/market.ts';
import { customerAt, fund, onlineBanking } from '../helpers/banking.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { cancelOrder, orderById, placeOrders } from '../../src/app/market/orders.ts';
import { applyForBankAccount, approveBankApplication, bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { depositBalance, onlineBankingTransfer } from '../../src/app/banking/transfers.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { chargesOfOrder } from '../../src/app/payments/gateway.ts';
import { awaitingRemittances, matchExceptionByHand, matchRemittances, remittanceExceptionsOf, remittanceInstruction, returnException } from '../../src/app/payments/channel-remittance.ts';

/** Seller at bank-b (receiving account), buyer at bank-a with ¥500.00 and online banking. */
async function world() {
  const { db, id } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-b' }));
  unwrap(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.id }));
  const sellerCard = (await bankAccountsOf(db, seller))[0]!.cardNumber;
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
  const buyer = await customerAt(db, 'buyer1', 'bank-a');
  await fund(db, buyer, 'bank-a', '500.00');
  await onlineBanking(db, id, 'buyer1', buyer, 'bank-a');
  const place = async () => {
    const [o] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'remittance', buyNow: { productId: book.id, quantity: 1 } }));
    const r = unwrap(await payOrderWith(db, meta(buyer), { orderId: o!.id, channel: 'remittance' }));
    expect(r.charge.status).toBe('pending');
    expect(r.order.state).toBe('WAIT_BUYER_PAY');
    return o!;
  };
  const remit = (amount: string, memo: string) => onlineBankingTransfer(db, meta(buyer), { bankId: 'bank-a', payeeCard: sellerCard, amount, memo });
  return { db, seller, sellerCard, buyer, place, remit };
}

describe('remittance: the order shows the receiving account and reference; transfers are matched', () => {
  it('exact amount and reference: matched automatically, the order is paid; a cancel refunds to the sending account', async () => {
    const w = await world();
    const o = await w.place();
    const [charge] = await chargesOfOrder(w.db, o.id);
    expect(await remittanceInstruction(w.db, charge!)).toMatchObject({ reference: o.id, accountNumber: w.sellerCard, bankId: 'bank-b', amount: { amount: '57.00' } });
    unwrap(await w.remit('57.00', `订单${o.id}货款`));
    expect(unwrap(await matchRemittances(w.db, meta(w.seller), { payeeId: w.seller }))).toEqual({ matched: 1, exceptions: 0 });
    expect((await chargesOfOrder(w.db, o.id))[0]).toMatchObject({ status: 'succeeded' });
    expect((await orderById(w.db, o.id))?.state).toBe('WAIT_SELLER_SEND_GOODS');
    expect(await depositBalance(w.db, 'bank-b', w.seller)).toBe('57.00');
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('443.00');
    // Running the matcher again changes nothing.
    expect(unwrap(await matchRemittances(w.db, meta(w.seller), { payeeId: w.seller }))).toEqual({ matched: 0, exceptions: 0 });

    // A second transfer naming the same (paid) order is a duplicate.
    unwrap(await w.remit('57.00', o.id));
    expect(unwrap(await matchRemittances(w.db, meta(w.seller), { payeeId: w.seller }))).toEqual({ matched: 0, exceptions: 1 });
    const [dup] = await remittanceExceptionsOf(w.db, w.seller);
    expect(dup).toMatchObject({ reason: 'duplicate', status: 'open' });
    unwrap(await returnException(w.db, meta(w.seller), { exceptionId: dup!.id }));
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('443.00');

    unwrap(await cancelOrder(w.db, meta(w.buyer), { orderId: o.id }));
    expect((await chargesOfOrder(w.db, o.id))[0]).toMatchObject({ status: 'refunded', refunded: { amount: '57.00' } });
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('500.00');
    expect(await depositBalance(w.db, 'bank-b', w.seller)).toBe('0.00');
    await expectLedgerSound(w.db);
  });

  it('wrong amount goes to the exceptions queue (returned by the payee); a missing reference is matched by hand, the excess returned', async () => {
    const w = await world();
    const o = await w.place();
    unwrap(await w.remit('50.00', o.id));
    unwrap(await w.remit('60.00', '货款'));
    expect(unwrap(await matchRemittances(w.db, meta(w.seller), { payeeId: w.seller }))).toEqual({ matched: 0, exceptions: 2 });
    const queue = await remittanceExceptionsOf(w.db, w.seller);
    const wrong = queue.find((e) => e.reason === 'wrong_amount')!;
    const missing = queue.find((e) => e.reason === 'missing_reference')!;
    expect(wrong.chargeId).toBe(`${o.id}:c1`);
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('390.00');

    // Someone else may not work the seller's queue.
    expect(await returnException(w.db, meta(w.buyer), { exceptionId: wrong.id })).toMatchObject({ ok: false, code: 'not_authorized' });
    unwrap(await returnException(w.db, meta(w.seller), { exceptionId: wrong.id }));
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('440.00');

    expect((await awaitingRemittances(w.db, w.seller)).map((c) => c.orderId)).toEqual([o.id]);
    unwrap(await matchExceptionByHand(w.db, meta(w.seller), { exceptionId: missing.id, chargeId: `${o.id}:c1` }));
    // 60.00 received for a 57.00 order: 3.00 goes back.
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe('443.00');
    expect(await depositBalance(w.db, 'bank-b', w.seller)).toBe('57.00');
    expect((await orderById(w.db, o.id))?.state).toBe('WAIT_SELLER_SEND_GOODS');
    expect((await remittanceExceptionsOf(w.db, w.seller)).map((e) => e.status).sort()).toEqual(['matched', 'returned']);
    await expectLedgerSound(w.db);
  });

  it('an order closed unpaid voids its waiting charge', async () => {
    const w = await world();
    const o = await w.place();
    unwrap(await cancelOrder(w.db, meta(w.buyer), { orderId: o.id }));
    expect((await chargesOfOrder(w.db, o.id))[0]).toMatchObject({ status: 'failed', failureReason: 'cancelled' });
    // A late transfer for it lands in the queue as charge_closed.
    unwrap(await w.remit('57.00', o.id));
    unwrap(await matchRemittances(w.db, meta(w.seller), { payeeId: w.seller }));
    expect((await remittanceExceptionsOf(w.db, w.seller))[0]).toMatchObject({ reason: 'charge_closed' });
  });
});
