import { describe, expect, it } from 'vitest';
import { bankingAccountIds as ids } from '../../src/domain/index.ts';
import { applyForBankAccount, approveBankApplication } from '../../src/app/banking/accounts.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment } from '../../src/app/market/shipping.ts';
import { marketTables } from '../../src/storage/market-tables.ts';
import { bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { chargesOfOrder } from '../../src/app/payments/gateway.ts';
import { checkoutChannels } from '../../src/app/payments/channels.ts';
import {
  decidePresentment,
  depositCheque,
  enableChequeAccount,
  endorseReceivedCheque,
  issueChequebookAtBank,
  presentDepositedCheque,
  verifyReceivedCheque,
  writeAndSendCheque,
} from '../../src/app/echeque/index.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, approvedSeller, unwrap } from '../helpers/market.ts';
import { balances, customerAt, expectBooksSound, fund, onlineBanking } from '../helpers/banking.ts';

describe('the gateway’s e-cheque channel', () => {
  it('checkout leaves the charge pending and the order unpaid; the order’s cheque, once paid by the drawer’s bank, captures it and pays the order', async () => {
    expect(checkoutChannels()).toContain('echeque');
    const { db, id: worldId } = await freshWorld();
    const seller = await approvedSeller(db, 'shop1');
    const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-b' }));
    unwrap(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.id }));
    const product = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
    const buyer = await customerAt(db, 'buyer1', 'bank-a');
    await fund(db, buyer, 'bank-a', '500.00');
    const buyerRing = await onlineBanking(db, worldId, 'buyer1', buyer, 'bank-a');
    const sellerRing = await onlineBanking(db, worldId, 'shop1', seller, 'bank-b');
    const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'echeque', buyNow: { productId: product.id, quantity: 1 } }));
    expect(order!.total.amount).toBe('57.00');

    // No chequebook yet: checkout refuses the e-cheque channel.
    expect(await payOrderWith(db, meta(buyer), { orderId: order!.id, channel: 'echeque' })).toMatchObject({ ok: false, code: 'chequebook_required' });
    unwrap(await enableChequeAccount(db, meta('bank-a'), { accountId: ids.deposit('bank-a', buyer) }));
    const book = unwrap(await issueChequebookAtBank(db, meta('bank-a'), { accountId: ids.deposit('bank-a', buyer), count: 5 }));
    // A cheque for the order before checkout chose the channel is refused.
    const early = await writeAndSendCheque(db, worldId, buyer, { bookId: book.id, payeePartyId: seller, amount: '57.00', orderId: order!.id }, { keyRing: buyerRing });
    expect(!early.ok && early.code).toBe('order_not_awaiting_cheque');

    const paid = unwrap(await payOrderWith(db, meta(buyer), { orderId: order!.id, channel: 'echeque' }));
    expect(paid.charge).toMatchObject({ channel: 'echeque', status: 'pending', payee: { partyId: seller, bankId: 'bank-b' } });
    // A promise of a cheque is not a payment: the order waits for it, the seller cannot ship.
    expect(paid.order.state).toBe('WAIT_BUYER_PAY');
    expect(await bookShipment(db, meta(seller), { orderId: order!.id })).toMatchObject({ ok: false, code: 'illegal_transition' });
    // A second checkout while the cheque is awaited is refused.
    expect(await payOrderWith(db, meta(buyer), { orderId: order!.id, channel: 'echeque' })).toMatchObject({ ok: false, code: 'charge_pending' });

    // The cheque must be for the order's total, to its seller.
    const wrong = await writeAndSendCheque(db, worldId, buyer, { bookId: book.id, payeePartyId: seller, amount: '50.00', orderId: order!.id }, { keyRing: buyerRing });
    expect(wrong).toMatchObject({ ok: false, code: 'cheque_amount_not_order_total', detail: { total: '57.00' } });
    const cheque = unwrap(await writeAndSendCheque(db, worldId, buyer, { bookId: book.id, payeePartyId: seller, amount: '57.00', orderId: order!.id }, { keyRing: buyerRing }));
    expect(cheque.cheque.payload.orderId).toBe(order!.id);

    unwrap(await verifyReceivedCheque(db, meta(seller), { chequeId: cheque.id }));
    unwrap(await endorseReceivedCheque(db, worldId, seller, { chequeId: cheque.id }, { keyRing: sellerRing }));
    const deposit = unwrap(await depositCheque(db, meta(seller), { chequeId: cheque.id }));
    unwrap(await presentDepositedCheque(db, meta('bank-b'), { presentmentId: deposit.id }));
    const decided = unwrap(await decidePresentment(db, meta('bank-a'), { presentmentId: deposit.id }));
    expect(decided.decision.outcome).toBe('paid');

    const [charge] = await chargesOfOrder(db, order!.id);
    expect(charge).toMatchObject({ status: 'succeeded', captured: { amount: '57.00' } });
    expect((await marketTables(db).orders.get(order!.id))!.state).toBe('WAIT_SELLER_SEND_GOODS');
    const b = await balances(db);
    expect(b.get(ids.deposit('bank-a', buyer))).toBe('443.00');
    expect(b.get(ids.deposit('bank-b', seller))).toBe('57.00');
    // Direct settlement: nothing was held for the order at the escrow agent.
    expect(b.get('escrow:holding') ?? '0.00').toBe('0.00');
    await expectBooksSound(db);
  });

  it('a cheque returned for insufficient funds fails the charge with that reason, the order still awaits payment, only the returned-cheque fee moves; another channel then pays it', async () => {
    const { db, id: worldId } = await freshWorld();
    const seller = await approvedSeller(db, 'shop1');
    const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-b' }));
    unwrap(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.id }));
    const product = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
    const buyer = await customerAt(db, 'buyer1', 'bank-a');
    await fund(db, buyer, 'bank-a', '30.00');
    const buyerRing = await onlineBanking(db, worldId, 'buyer1', buyer, 'bank-a');
    const sellerRing = await onlineBanking(db, worldId, 'shop1', seller, 'bank-b');
    const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'echeque', buyNow: { productId: product.id, quantity: 1 } }));
    unwrap(await enableChequeAccount(db, meta('bank-a'), { accountId: ids.deposit('bank-a', buyer) }));
    const book = unwrap(await issueChequebookAtBank(db, meta('bank-a'), { accountId: ids.deposit('bank-a', buyer), count: 5 }));
    unwrap(await payOrderWith(db, meta(buyer), { orderId: order!.id, channel: 'echeque' }));
    const cheque = unwrap(await writeAndSendCheque(db, worldId, buyer, { bookId: book.id, payeePartyId: seller, amount: '57.00', orderId: order!.id }, { keyRing: buyerRing }));
    unwrap(await verifyReceivedCheque(db, meta(seller), { chequeId: cheque.id }));
    unwrap(await endorseReceivedCheque(db, worldId, seller, { chequeId: cheque.id }, { keyRing: sellerRing }));
    const deposit = unwrap(await depositCheque(db, meta(seller), { chequeId: cheque.id }));
    unwrap(await presentDepositedCheque(db, meta('bank-b'), { presentmentId: deposit.id }));
    const decided = unwrap(await decidePresentment(db, meta('bank-a'), { presentmentId: deposit.id }));
    expect(decided.decision).toMatchObject({ outcome: 'returned', reason: 'insufficient_funds' });

    // The charge failed with the cheque's return reason, and says so in the event log.
    const [failed] = await chargesOfOrder(db, order!.id);
    expect(failed).toMatchObject({ channel: 'echeque', status: 'failed', failureReason: 'insufficient_funds', captured: { amount: '0.00' } });
    const events = await db.events.toArray();
    expect(events.filter((e) => e.type === 'charge.failed').map((e) => e.payload)).toEqual([expect.objectContaining({ chargeId: failed!.id, orderId: order!.id, reason: 'insufficient_funds' })]);
    // The order is still awaiting payment: the seller cannot ship it.
    expect((await marketTables(db).orders.get(order!.id))!.state).toBe('WAIT_BUYER_PAY');
    expect(await bookShipment(db, meta(seller), { orderId: order!.id })).toMatchObject({ ok: false, code: 'illegal_transition' });
    // No money moved but the ¥20.00 returned-cheque fee, from the drawer to his bank.
    const b = await balances(db);
    expect(b.get(ids.deposit('bank-a', buyer))).toBe('10.00');
    expect(b.get('bank-a:fee-income')).toBe('20.00');
    expect(b.get(ids.deposit('bank-b', seller))).toBe('0.00');
    expect(b.get('escrow:holding') ?? '0.00').toBe('0.00');

    // The buyer pays the same order by debit card instead.
    await fund(db, buyer, 'bank-a', '100.00');
    const card = (await bankAccountsOf(db, buyer))[0]!.cardNumber;
    const again = unwrap(await payOrderWith(db, meta(buyer), { orderId: order!.id, channel: 'debit_card', source: { cardId: card } }));
    expect(again.charge).toMatchObject({ id: `${order!.id}:c2`, channel: 'debit_card', status: 'succeeded' });
    expect(again.order).toMatchObject({ state: 'WAIT_SELLER_SEND_GOODS', paymentMethod: 'debit_card' });
    expect((await chargesOfOrder(db, order!.id)).map((c) => c.status)).toEqual(['failed', 'succeeded']);
    const after = await balances(db);
    expect(after.get(ids.deposit('bank-a', buyer))).toBe('53.00');
    expect(after.get(`bank-b:acquiring:unsettled:${seller}`)).toBe('57.00');
    await expectBooksSound(db);
  });
});
