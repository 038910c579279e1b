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
import { awaitingRemittances, matchExceptionByHand, matchRemittances, remittanceExceptionsOf, remittanceInstruction, remittanceMatchesOf, returnException } from '../../src/app/payments/channel-remittance.ts';
import { mailOf } from '../../src/app/mailbox.ts';
import { formatCardNumber, type Charge } from '../../src/domain/index.ts';
import { paymentsTables } from '../../src/storage/payments-tables.ts';
import { countingConnection } from '../helpers/count-reads.ts';

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

/** The seller opens an account at a second bank (bank-a), approved at the same world time. */
async function secondAccount(db: Awaited<ReturnType<typeof world>>['db'], seller: string): Promise<string> {
  const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-a' }));
  unwrap(await approveBankApplication(db, meta('bank-a'), { applicationId: applied.id }));
  return (await bankAccountsOf(db, seller)).find((a) => a.bankId === 'bank-a')!.cardNumber;
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

  it('the instruction names the receiving account (bank, holder, number), the amount and the reference; the mail says the same with the number grouped', async () => {
    const w = await world();
    const o = await w.place();
    const [charge] = await chargesOfOrder(w.db, o.id);
    // The receiving account is stored with the charge when the instruction is created.
    expect(charge!.source).toEqual({ accountNumber: w.sellerCard });
    expect(await remittanceInstruction(w.db, charge!)).toEqual({ chargeId: charge!.id, orderId: o.id, reference: o.id, amount: { amount: '57.00', currency: 'CNY' }, payeeId: w.seller, bankId: 'bank-b', accountNumber: w.sellerCard });
    const mail = (await mailOf(w.db, w.buyer)).find((m) => m.subject.key === 'payments.notice.remittance_instructions');
    expect(mail?.body.params).toMatchObject({ orderId: o.id, reference: o.id, amount: '57.00', bankId: 'bank-b', holderId: w.seller, accountNumber: formatCardNumber(w.sellerCard) });
  });

  it('the receiving account stays the one the order was created with, and new orders keep it, when the seller opens a second account', async () => {
    const w = await world();
    const first = await w.place();
    const otherCard = await secondAccount(w.db, w.seller);
    expect(otherCard).not.toBe(w.sellerCard);
    const [c1] = await chargesOfOrder(w.db, first.id);
    expect(await remittanceInstruction(w.db, c1!)).toMatchObject({ bankId: 'bank-b', accountNumber: w.sellerCard });
    // A later order goes to the same (usual) account, not to the account opened last.
    const second = await w.place();
    const [c2] = await chargesOfOrder(w.db, second.id);
    expect(await remittanceInstruction(w.db, c2!)).toMatchObject({ bankId: 'bank-b', accountNumber: w.sellerCard });
    // The transfer to that account matches; the match names transfer, order and reference.
    unwrap(await w.remit('57.00', second.id));
    expect(unwrap(await matchRemittances(w.db, meta(w.seller), { payeeId: w.seller }))).toEqual({ matched: 1, exceptions: 0 });
    const matches = await remittanceMatchesOf(w.db, w.seller);
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ orderId: second.id, reference: second.id, memo: second.id, by: 'auto', fromPartyId: w.buyer, amount: { amount: '57.00' } });
  });

  it("the matcher reads the charges of the orders the transfers name, not the seller's every charge", async () => {
    const w = await world();
    const o = await w.place();
    const [pending] = await chargesOfOrder(w.db, o.id);
    // Years of the seller's earlier remittance orders, paid long ago.
    const earlierCharges = 2_000;
    await paymentsTables(w.db).charges.bulkAdd(Array.from({ length: earlierCharges }, (_, i): Charge => ({ ...pending!, id: `E${String(i).padStart(6, '0')}:c1`, orderId: `E${String(i).padStart(6, '0')}`, status: 'succeeded' })));
    // The memo names the order in lower case (the matcher compares normalized references).
    unwrap(await w.remit('57.00', `订单 ${o.id.toLowerCase()} 货款`));
    const { db, rowsRead } = await countingConnection(w.db, ['charges']);
    expect(unwrap(await matchRemittances(db, meta(w.seller), { payeeId: w.seller }))).toEqual({ matched: 1, exceptions: 0 });
    expect((await chargesOfOrder(db, o.id))[0]).toMatchObject({ status: 'succeeded' });
    expect(rowsRead()).toBeLessThanOrEqual(10);
    db.close();
  });
});
