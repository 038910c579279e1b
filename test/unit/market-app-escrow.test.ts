import { describe, expect, it } from 'vitest';
import { balanceOf, formatMoney, signDocument, toStored, type JsonValue } from '../../src/domain/index.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { journalEntryCount } from '../helpers/journal.ts';
import { address, advanceDays, approvedSeller, caTab, certifiedBuyer, expectLedgerSound, fundWallet, noticeRecorder, unwrap } from '../helpers/market.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { addToCart, cartOf } from '../../src/app/market/cart.ts';
import { cancelOrder, orderById, ordersOf, payOrder, placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment, postTracking, shipmentOf } from '../../src/app/market/shipping.ts';
import { confirmReceipt, receiptPayloadOf, signReceiptConfirmation } from '../../src/app/market/receipt.ts';
import { orderTrail } from '../../src/app/market/trail.ts';
import { topUpWallet, walletOf, withdrawFromWallet } from '../../src/app/market/wallet.ts';
import { applyForBankAccount, approveBankApplication } from '../../src/app/banking/accounts.ts';
import { depositBalance } from '../../src/app/banking/transfers.ts';
import { customerAt, expectBooksSound, fund, onlineBanking } from '../helpers/banking.ts';
import { escrowHoldingId, platformAtEscrowId, platformCommissionId, walletId } from '../../src/app/market/accounts.ts';
import { auditWorld } from '../../src/app/identity/audit.ts';
import { latestCertificateOf } from '../../src/app/identity/ca.ts';
import { KeyRing } from '../../src/app/identity/keys.ts';
import { readClock } from '../../src/app/clock.ts';
import { mailOf } from '../../src/app/mailbox.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';
import { marketTables } from '../../src/storage/market-tables.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

async function balance(db: WorldDb, accountId: string): Promise<string> {
  const account = await ledgerTables(db).accounts.get(accountId);
  return account === undefined ? 'none' : toStored(balanceOf(account)).amount;
}

/** A seller with a textbook (¥45.00, 10 in stock), a CA tab and a certified buyer with ¥500.00. */
async function market() {
  const { db, id } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  const ca = await caTab(db, id);
  const buyer = await certifiedBuyer(db, id, 'buyer1', ca);
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '《电子商务概论》', category: 'books', spec: '第5版 · 平装', unitPrice: '45.00', stock: 10 } }));
  await fundWallet(db, buyer.partyId, '500.00');
  return { db, id, seller, ca, buyer, book };
}

/** Two textbooks by express: ¥90.00 goods + ¥12.00 shipping = ¥102.00, placed and paid. */
async function paidOrder(m: Awaited<ReturnType<typeof market>>) {
  unwrap(await addToCart(m.db, meta(m.buyer.partyId), { productId: m.book.id, quantity: 2 }));
  const [order] = unwrap(await placeOrders(m.db, meta(m.buyer.partyId), { address, deliveryMethod: 'express', paymentMethod: 'escrow' }));
  unwrap(await payOrder(m.db, meta(m.buyer.partyId), { orderId: order!.id }));
  return order!;
}

async function shipped(m: Awaited<ReturnType<typeof market>>, orderId: string) {
  const booking = unwrap(await bookShipment(m.db, meta(m.seller), { orderId }));
  return unwrap(await pickUpShipment(m.db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
}

describe('an escrow trade, end to end in the app layer', () => {
  it('checkout → pay (hold) → ship through logistics → signed receipt → seller paid less commission, platform paid the commission, T+1 withdrawable', async () => {
    const m = await market();
    const { db, buyer, seller } = m;
    unwrap(await addToCart(db, meta(buyer.partyId), { productId: m.book.id, quantity: 2 }));
    const placed = unwrap(await placeOrders(db, meta(buyer.partyId), { address, deliveryMethod: 'express', paymentMethod: 'escrow' }));
    expect(placed).toHaveLength(1);
    const order = placed[0]!;
    expect(order.state).toBe('WAIT_BUYER_PAY');
    expect(order.lines.map((l) => [l.number, l.name, l.spec, l.unitPrice.amount, l.quantity, l.subtotal.amount])).toEqual([['BK-0001', '《电子商务概论》', '第5版 · 平装', '45.00', 2, '90.00']]);
    expect([order.goodsTotal.amount, order.shippingFee.amount, order.total.amount]).toEqual(['90.00', '12.00', '102.00']);
    expect((await marketTables(db).products.get(m.book.id))?.stock).toBe(8);
    expect((await cartOf(db, buyer.partyId)).lines).toEqual([]);

    const rec = noticeRecorder();
    const paid = unwrap(await payOrder(db, meta(buyer.partyId), { orderId: order.id }, rec.env));
    expect(paid.state).toBe('WAIT_SELLER_SEND_GOODS');
    expect(rec.notices).toContainEqual({ to: [seller], kind: 'marketplace.notice.order_paid', ref: order.id });
    expect((await mailOf(db, seller)).map((mail) => mail.subject.key)).toContain('marketplace.notice.order_paid');
    expect(await walletOf(db, buyer.partyId)).toMatchObject({ available: { amount: '398.00' }, balance: { amount: '500.00' } });
    const holding = await ledgerTables(db).accounts.get(escrowHoldingId);
    expect(holding?.creditsPending).toBe('102.00');
    expect((await ordersOf(db, seller, 'seller')).map((o) => o.id)).toEqual([order.id]);

    // Shipping through the logistics company: booked by the seller, picked up by the courier.
    const booking = unwrap(await bookShipment(db, meta(seller), { orderId: order.id }));
    expect(await bookShipment(db, meta(seller), { orderId: order.id })).toMatchObject({ code: 'shipment_already_booked' });
    expect(await pickUpShipment(db, meta(seller), { shipmentId: booking.id })).toMatchObject({ code: 'not_the_carrier' });
    const picked = unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
    expect(picked.trackingNumber).toBe('SD0000000001');
    const shippedOrder = (await orderById(db, order.id))!;
    expect(shippedOrder.state).toBe('WAIT_BUYER_CONFIRM_GOODS');
    expect(shippedOrder.shipment?.trackingNumber).toBe('SD0000000001');
    expect(shippedOrder.deadlines.autoConfirmAt).toBe((await readClock(db)) + 10 * 86_400_000);
    unwrap(await postTracking(db, meta('logistics'), { shipmentId: booking.id, status: 'in_transit', place: '上海转运中心' }));
    unwrap(await postTracking(db, meta('logistics'), { shipmentId: booking.id, status: 'in_transit', place: '北京转运中心' }));
    unwrap(await postTracking(db, meta('logistics'), { shipmentId: booking.id, status: 'delivered', place: '中关村' }));
    expect(await postTracking(db, meta('logistics'), { shipmentId: booking.id, status: 'in_transit' })).toMatchObject({ code: 'tracking_out_of_order' });
    expect((await shipmentOf(db, order.id))?.events.map((e) => e.status)).toEqual(['booked', 'picked_up', 'in_transit', 'in_transit', 'delivered']);

    // The buyer's signed confirmation releases the money.
    const doc = unwrap(await signReceiptConfirmation(db, m.id, order.id, { keyRing: buyer.ring }));
    const finished = unwrap(await confirmReceipt(db, meta(buyer.partyId), { orderId: order.id, confirmation: doc }));
    expect(finished.state).toBe('TRADE_FINISHED');
    expect(finished.receipt).toMatchObject({ confirmationId: `${order.id}:receipt`, auto: false });
    // Books: 2% of ¥90.00 = ¥1.80 commission; the shipping fee carries none.
    expect(finished.settlement).toMatchObject({ refund: { amount: '0.00' }, commission: { amount: '1.80' }, sellerNet: { amount: '100.20' } });
    expect(await walletOf(db, seller)).toMatchObject({ available: { amount: '0.00' }, settling: { amount: '100.20' } });
    expect(await balance(db, platformCommissionId)).toBe('1.80');
    expect(await balance(db, platformAtEscrowId)).toBe('1.80');
    expect(await balance(db, walletId('platform'))).toBe('1.80');
    expect(await walletOf(db, buyer.partyId)).toMatchObject({ available: { amount: '398.00' }, balance: { amount: '398.00' } });
    expect(await balance(db, escrowHoldingId)).toBe('0.00');
    // The confirmation cancelled the auto-confirm timer in the same transaction.
    expect((await db.jobs.get(`${order.id}:auto-confirm:1`))?.status).toBe('cancelled');

    // T+1: the seller's money becomes withdrawable.
    await advanceDays(db, 1);
    expect(await walletOf(db, seller)).toMatchObject({ available: { amount: '100.20' }, settling: { amount: '0.00' } });

    // The money trail lists every entry of the order, in journal order, and who holds it.
    const trail = await orderTrail(db, (await orderById(db, order.id))!);
    expect(trail.entries.map((e) => [e.kind, e.code, e.debitAccountId, e.creditAccountId, e.amount])).toEqual([
      ['pending', 'escrow.hold', walletId(buyer.partyId), escrowHoldingId, '102.00'],
      ['post', 'escrow.release', walletId(buyer.partyId), escrowHoldingId, '102.00'],
      ['single', 'escrow.payout', escrowHoldingId, `escrow:settling:${seller}`, '100.20'],
      ['single', 'platform.commission', escrowHoldingId, walletId('platform'), '1.80'],
      ['single', 'platform.commission', platformAtEscrowId, platformCommissionId, '1.80'],
      ['single', 'escrow.available', `escrow:settling:${seller}`, walletId(seller), '100.20'],
    ]);
    expect(trail.entries.every((e) => e.refs.orderId === order.id)).toBe(true);
    expect(trail.holdings).toMatchObject({ holder: 'seller', buyer: { amount: '0.00' }, escrow: { amount: '0.00' }, seller: { amount: '100.20' }, platform: { amount: '1.80' } });

    await expectLedgerSound(db);
    const audit = unwrap(await auditWorld(db));
    expect(audit.documentsChecked).toBeGreaterThanOrEqual(1);
    expect(audit.failures).toEqual([]);
    expect(formatMoney(balanceOf((await ledgerTables(db).accounts.get(walletId(seller)))!), 'en')).toBe('CN¥100.20');
  });

  it('paying needs the money in the wallet: refused with insufficient_funds, nothing changes', async () => {
    const m = await market();
    const poor = await certifiedBuyer(m.db, m.id, 'poorbuyer', m.ca);
    unwrap(await addToCart(m.db, meta(poor.partyId), { productId: m.book.id, quantity: 1 }));
    const [order] = unwrap(await placeOrders(m.db, meta(poor.partyId), { address, deliveryMethod: 'post', paymentMethod: 'escrow' }));
    expect(order!.total.amount).toBe('51.00');
    const seqBefore = (await journalEntryCount(ledgerTables(m.db).journal));
    expect(await payOrder(m.db, meta(poor.partyId), { orderId: order!.id })).toMatchObject({ ok: false, code: 'insufficient_funds' });
    expect((await orderById(m.db, order!.id))?.state).toBe('WAIT_BUYER_PAY');
    expect(await journalEntryCount(ledgerTables(m.db).journal)).toBe(seqBefore);
    expect(await payOrder(m.db, meta(m.buyer.partyId), { orderId: order!.id })).toMatchObject({ ok: false, code: 'not_authorized' });
  });

  it('a confirmation must be signed by this order’s buyer, about this order, unaltered', async () => {
    const m = await market();
    const order = await paidOrder(m);
    await shipped(m, order.id);
    const other = await certifiedBuyer(m.db, m.id, 'buyer2', m.ca);
    expect(await signReceiptConfirmation(m.db, m.id, order.id, { keyRing: new KeyRing() })).toMatchObject({ ok: false, code: 'login_required' });

    const good = unwrap(await signReceiptConfirmation(m.db, m.id, order.id, { keyRing: m.buyer.ring }));
    const altered = { ...good, payload: { ...(good.payload as Record<string, JsonValue>), total: '1.00' } };
    expect(await confirmReceipt(m.db, meta(m.buyer.partyId), { orderId: order.id, confirmation: altered })).toMatchObject({ ok: false, code: 'bad_signature' });

    const otherCert = (await latestCertificateOf(m.db, other.partyId))!.certificate;
    const byOther = signDocument(receiptPayloadOf((await orderById(m.db, order.id))!, await readClock(m.db)) as unknown as JsonValue, other.ring.seed(m.id, other.partyId)!, otherCert);
    expect(await confirmReceipt(m.db, meta(m.buyer.partyId), { orderId: order.id, confirmation: byOther })).toMatchObject({ ok: false, code: 'receipt_signer_mismatch' });
    expect(await confirmReceipt(m.db, meta(other.partyId), { orderId: order.id, confirmation: good })).toMatchObject({ ok: false, code: 'not_authorized' });

    const second = await paidOrder(m);
    expect(await confirmReceipt(m.db, meta(m.buyer.partyId), { orderId: second.id, confirmation: good })).toMatchObject({ ok: false, code: 'confirmation_mismatch' });
    expect((await orderById(m.db, order.id))?.state).toBe('WAIT_BUYER_CONFIRM_GOODS');
    expect(unwrap(await confirmReceipt(m.db, meta(m.buyer.partyId), { orderId: order.id, confirmation: good })).state).toBe('TRADE_FINISHED');
    await expectLedgerSound(m.db);
  });

  it('cancelling a paid order before shipping refunds it in full, returns the stock and calls off the courier', async () => {
    const m = await market();
    const order = await paidOrder(m);
    const booking = unwrap(await bookShipment(m.db, meta(m.seller), { orderId: order.id }));
    const closed = unwrap(await cancelOrder(m.db, meta(m.buyer.partyId), { orderId: order.id }));
    expect(closed).toMatchObject({ state: 'TRADE_CLOSED', closeReason: 'buyer_cancelled' });
    expect(await walletOf(m.db, m.buyer.partyId)).toMatchObject({ available: { amount: '500.00' }, balance: { amount: '500.00' } });
    expect((await marketTables(m.db).products.get(m.book.id))?.stock).toBe(10);
    expect((await shipmentOf(m.db, order.id))?.status).toBe('cancelled');
    expect(await pickUpShipment(m.db, meta('logistics'), { shipmentId: booking.id })).toMatchObject({ code: 'shipment_not_booked' });
    const trail = await orderTrail(m.db, closed);
    expect(trail.entries.map((e) => e.kind)).toEqual(['pending', 'void']);
    expect(trail.holdings.holder).toBe('buyer');
    await expectLedgerSound(m.db);
  });
});

describe('the wallet and the banks', () => {
  it('top-up through online banking and withdrawal back, linked in the bank’s and the escrow agent’s books; settling money cannot be withdrawn', async () => {
    const { db, id } = await freshWorld();
    const seller = await approvedSeller(db, 'shop1');
    const buyer = await customerAt(db, 'buyer1', 'bank-a');
    await fund(db, buyer, 'bank-a', '300.00');
    expect(await topUpWallet(db, meta(buyer), { bankId: 'bank-a', amount: '100' })).toMatchObject({ ok: false, code: 'online_banking_required' });
    const ring = await onlineBanking(db, id, 'buyer1', buyer, 'bank-a');
    expect(await topUpWallet(db, meta(buyer), { bankId: 'bank-a', amount: '400' })).toMatchObject({ ok: false, code: 'insufficient_funds' });
    expect(await topUpWallet(db, meta(buyer), { bankId: 'bank-a', amount: 'abc' })).toMatchObject({ ok: false, code: 'money_not_a_number' });
    expect(unwrap(await topUpWallet(db, meta(buyer), { bankId: 'bank-a', amount: '¥250' }))).toMatchObject({ available: { amount: '250.00' } });
    expect(await depositBalance(db, 'bank-a', buyer)).toBe('50.00');

    // The buyer spends ¥102.00 on an order; the seller is paid, T+1, and withdraws to a bank account.
    const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
    const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod: 'escrow', buyNow: { productId: book.id, quantity: 2 } }));
    unwrap(await payOrder(db, meta(buyer), { orderId: order!.id }));
    const booking = unwrap(await bookShipment(db, meta(seller), { orderId: order!.id }));
    unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id }));
    const doc = unwrap(await signReceiptConfirmation(db, id, order!.id, { keyRing: ring }));
    unwrap(await confirmReceipt(db, meta(buyer), { orderId: order!.id, confirmation: doc }));
    unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-b' }).then(async (r) => approveBankApplication(db, meta('bank-b'), { applicationId: unwrap(r).id })));
    // Before T+1 the refusal says when the money becomes withdrawable (the release's due time);
    // more than the wallet will ever hold is refused with what can be withdrawn.
    const releasedAt = await readClock(db);
    expect(await withdrawFromWallet(db, meta(seller), { bankId: 'bank-b', amount: '100.20' })).toEqual({ ok: false, code: 'withdrawal_settling', detail: { at: releasedAt + 86_400_000, available: '0.00', settling: '100.20' } });
    expect(await withdrawFromWallet(db, meta(seller), { bankId: 'bank-b', amount: '100.21' })).toEqual({ ok: false, code: 'withdrawal_exceeds_available', detail: { available: '0.00' } });
    await advanceDays(db, 1);
    expect(unwrap(await withdrawFromWallet(db, meta(seller), { bankId: 'bank-b', amount: '100.20' }))).toMatchObject({ available: { amount: '0.00' } });
    expect(await depositBalance(db, 'bank-b', seller)).toBe('100.20');
    expect(await withdrawFromWallet(db, meta(seller), { bankId: 'bank-a', amount: '1' })).toMatchObject({ ok: false, code: 'payee_account_not_found' });
    expect(await walletOf(db, buyer)).toMatchObject({ available: { amount: '148.00' } });
    await expectBooksSound(db);
  });
});
