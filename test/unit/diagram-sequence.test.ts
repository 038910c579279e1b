import { describe, expect, it } from 'vitest';
import { bankingAccountIds as ids } from '../../src/domain/index.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, approvedSeller, caTab, certifiedBuyer, fundWallet, unwrap } from '../helpers/market.ts';
import { customerAt, fund, onlineBanking } from '../helpers/banking.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { answerRefund, payOrder, placeOrders, requestRefund } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { confirmReceipt, signReceiptConfirmation } from '../../src/app/market/receipt.ts';
import { decidePresentment, depositCheque, enableChequeAccount, endorseReceivedCheque, issueChequebookAtBank, presentDepositedCheque, verifyReceivedCheque, writeAndSendCheque } from '../../src/app/echeque/index.ts';
import { latestCertificateOf, revokeCertificate } from '../../src/app/identity/ca.ts';
import { certificateFlow, chequeFlow, docDetail, orderFlow, recentFlows } from '../../src/app/diagram/flows.ts';
import type { Sequence } from '../../src/app/diagram/sequence.ts';
import { journalEntriesAt } from '../../src/storage/journal-store.ts';
import { ledgerTables } from '../../src/storage/ledger-tables.ts';

// The sequence diagram's model (issue #15.3): a flow's events and ledger entries as arrows between
// lifelines, in world-time order, money arrows with their amounts, signed documents sealed and
// checked by the world's verifier.

/** [from, to, kind, step, amount, signed] of each arrow, party ids as the model keeps them. */
const arrows = (s: Sequence) => s.messages.map((m) => [m.from, m.to, m.kind, m.step, m.amount?.amount ?? null, m.signed]);

async function market() {
  const { db, id } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  const ca = await caTab(db, id);
  const buyer = await certifiedBuyer(db, id, 'buyer1', ca);
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '《电子商务概论》', category: 'books', spec: '第5版', unitPrice: '45.00', stock: 10 } }));
  await fundWallet(db, buyer.partyId, '1000.00');
  return { db, id, seller, buyer, book, ca };
}

async function shippedOrder(m: Awaited<ReturnType<typeof market>>): Promise<string> {
  const [order] = unwrap(await placeOrders(m.db, meta(m.buyer.partyId), { address, deliveryMethod: 'express', paymentMethod: 'escrow', buyNow: { productId: m.book.id, quantity: 1 } }));
  unwrap(await payOrder(m.db, meta(m.buyer.partyId), { orderId: order!.id }));
  const booking = unwrap(await bookShipment(m.db, meta(m.seller), { orderId: order!.id }));
  unwrap(await pickUpShipment(m.db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
  return order!.id;
}

describe('the sequence of an order', () => {
  it('pay, ship, confirm: order, payment and hold, waybill and shipment, the signed receipt, then release, payout and commission', async () => {
    const m = await market();
    const orderId = await shippedOrder(m);
    const doc = unwrap(await signReceiptConfirmation(m.db, m.id, orderId, { keyRing: m.buyer.ring }));
    unwrap(await confirmReceipt(m.db, meta(m.buyer.partyId), { orderId, confirmation: doc }));
    const s = (await orderFlow(m.db, orderId))!;
    const b = m.buyer.partyId;
    expect(s.participants).toEqual([b, 'escrow', m.seller, 'logistics', 'platform']);
    expect(arrows(s)).toEqual([
      [b, m.seller, 'order', 'marketplace_order_created', '57.00', false],
      ['escrow', m.seller, 'notice', 'marketplace_pay', '57.00', false],
      [b, 'escrow', 'money', 'money_hold', '57.00', false],
      [m.seller, 'logistics', 'shipment', 'market_shipment_booked', null, false],
      ['logistics', b, 'shipment', 'marketplace_ship', null, false],
      [b, 'escrow', 'receipt', 'marketplace_confirm_receipt', null, true],
      ['escrow', 'escrow', 'money', 'money_release', '57.00', false],
      ['escrow', m.seller, 'money', 'money_payout', '56.10', false],
      ['escrow', 'platform', 'money', 'money_commission', '0.90', false],
    ]);
    // World-time order, and the confirmation carries the entries its command wrote.
    expect(s.messages.every((x, i) => i === 0 || x.at >= s.messages[i - 1]!.at)).toBe(true);
    const receipt = s.messages.find((x) => x.kind === 'receipt')!;
    expect(receipt.entries.map((e) => e.code)).toEqual(['escrow.release', 'escrow.payout', 'platform.commission', 'platform.commission']);
    // The seal is checked by the world's verifier, outside any transaction, and names the buyer.
    const detail = (await docDetail(m.db, receipt.doc!, { certificateIssuer: 'ca' }))!;
    expect(detail.check).toEqual({ ok: true });
    expect(detail.signer?.partyId).toBe(b);
    expect(detail.fields.find((f) => f.name === 'total')?.value).toBe('57.00');
    expect(await recentFlows(m.db)).toContainEqual({ kind: 'order', id: orderId });
  });

  it('a ¥20.00 partial refund: the request and the answer, then ¥20.00 back to the buyer before the release of the rest', async () => {
    const m = await market();
    const orderId = await shippedOrder(m);
    unwrap(await requestRefund(m.db, meta(m.buyer.partyId), { orderId, reason: '封面有折痕', amount: '20.00' }));
    unwrap(await answerRefund(m.db, meta(m.seller), { orderId, agree: true }));
    const s = (await orderFlow(m.db, orderId))!;
    const b = m.buyer.partyId;
    expect(arrows(s).slice(-6)).toEqual([
      [b, m.seller, 'refund', 'marketplace_refund_request', null, false],
      [m.seller, 'escrow', 'decision', 'marketplace_refund_agree', null, false],
      ['escrow', b, 'money', 'money_partial_refund', '20.00', false],
      ['escrow', 'escrow', 'money', 'money_release', '37.00', false],
      ['escrow', m.seller, 'money', 'money_payout', '36.42', false],
      ['escrow', 'platform', 'money', 'money_commission', '0.58', false],
    ]);
  });

  it('a tampered receipt fails its check with the verifier’s reason', async () => {
    const m = await market();
    const orderId = await shippedOrder(m);
    const doc = unwrap(await signReceiptConfirmation(m.db, m.id, orderId, { keyRing: m.buyer.ring }));
    unwrap(await confirmReceipt(m.db, meta(m.buyer.partyId), { orderId, confirmation: doc }));
    const { marketTables } = await import('../../src/storage/market-tables.ts');
    const row = (await marketTables(m.db).receipts.get(`${orderId}:receipt`))!;
    await marketTables(m.db).receipts.put({ ...row, doc: { ...row.doc, payload: { ...(row.doc.payload as object), total: '5.00' } } });
    const s = (await orderFlow(m.db, orderId))!;
    const receipt = s.messages.find((x) => x.kind === 'receipt')!;
    expect((await docDetail(m.db, receipt.doc!, { certificateIssuer: 'ca' }))!.check).toEqual({ ok: false, code: 'bad_signature' });
  });
});

describe('the sequence of a cheque', () => {
  it('written (sealed), its notice to the drawer’s bank, endorsed, deposited, presented, paid, and the money across banks as one arrow', async () => {
    const { db, id: worldId } = await freshWorld();
    const drawer = await customerAt(db, 'zhangsan', 'bank-a');
    const payee = await customerAt(db, 'lisi', 'bank-b');
    await fund(db, drawer, 'bank-a', '1000.00');
    const drawerRing = await onlineBanking(db, worldId, 'zhangsan', drawer, 'bank-a');
    const payeeRing = await onlineBanking(db, worldId, 'lisi', payee, 'bank-b');
    unwrap(await enableChequeAccount(db, meta('bank-a'), { accountId: ids.deposit('bank-a', drawer) }));
    const book = unwrap(await issueChequebookAtBank(db, meta('bank-a'), { accountId: ids.deposit('bank-a', drawer), count: 10 }));
    const written = unwrap(await writeAndSendCheque(db, worldId, drawer, { bookId: book.id, payeePartyId: payee, amount: '300.00', memo: 'goods' }, { keyRing: drawerRing }));
    const chequeId = written.id;
    unwrap(await verifyReceivedCheque(db, meta(payee), { chequeId }));
    unwrap(await endorseReceivedCheque(db, worldId, payee, { chequeId }, { keyRing: payeeRing }));
    const deposited = unwrap(await depositCheque(db, meta(payee), { chequeId }));
    unwrap(await presentDepositedCheque(db, meta('bank-b'), { presentmentId: deposited.id }));
    unwrap(await decidePresentment(db, meta('bank-a'), { presentmentId: deposited.id }));
    const s = (await chequeFlow(db, chequeId))!;
    expect(arrows(s)).toEqual([
      [drawer, payee, 'cheque', 'echeque_written', '300.00', true],
      [drawer, 'bank-a', 'notice', 'payment_notice', '300.00', true],
      [payee, 'bank-b', 'endorsement', 'echeque_endorsed', null, true],
      [payee, 'bank-b', 'deposit', 'echeque_deposited', '300.00', false],
      ['bank-b', 'bank-a', 'presentment', 'echeque_presented', null, false],
      ['bank-a', 'bank-b', 'decision', 'echeque_paid', '300.00', false],
      [drawer, payee, 'money', 'money_transfer', '300.00', false],
    ]);
    const money = s.messages.at(-1)!;
    // Through clearing: a leg in each bank's book, both under the one arrow.
    expect(money.entries.length).toBe(2);
    const stored = await journalEntriesAt(ledgerTables(db).journal, money.entries.map((e) => e.seq));
    expect(stored.map((e) => e.amount)).toEqual(['300.00', '300.00']);
    for (const m of s.messages.filter((x) => x.signed)) expect((await docDetail(db, m.doc!, { certificateIssuer: 'ca' }))!.check, m.step).toEqual({ ok: true });
    // The drawer's online-banking login names its certificate too, but is not part of the certificate's flow.
    const drawerCert = (await latestCertificateOf(db, drawer))!;
    expect(arrows((await certificateFlow(db, drawerCert.serial))!).map((a) => a[3])).toEqual(['certificate_requested', 'certificate_issued']);
  });
});

describe('the sequence of a certificate', () => {
  it('requested (signed by its own key), issued by the CA, revoked', async () => {
    const m = await market();
    const cert = (await latestCertificateOf(m.db, m.buyer.partyId))!;
    unwrap(await revokeCertificate(m.db, m.id, 'ca', { serial: cert.serial, reason: 'key_compromise' }, { keyRing: m.ca }));
    const s = (await certificateFlow(m.db, cert.serial))!;
    expect(s.participants).toEqual([m.buyer.partyId, 'ca']);
    expect(arrows(s)).toEqual([
      [m.buyer.partyId, 'ca', 'request', 'certificate_requested', null, true],
      ['ca', m.buyer.partyId, 'certificate', 'certificate_issued', null, true],
      ['ca', m.buyer.partyId, 'revocation', 'certificate_revoked', null, false],
    ]);
    for (const x of s.messages.filter((y) => y.signed)) expect((await docDetail(m.db, x.doc!, { certificateIssuer: 'ca' }))!.check, x.step).toEqual({ ok: true });
  });
});
