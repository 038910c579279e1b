import { describe, expect, it } from 'vitest';
import { bankingAccountIds as ids } from '../../src/domain/index.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, advanceDays, approvedSeller, unwrap } from '../helpers/market.ts';
import { customerAt, fund, onlineBanking } from '../helpers/banking.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { placeOrders } from '../../src/app/market/orders.ts';
import { bookShipment, pickUpShipment } from '../../src/app/market/shipping.ts';
import { applyForBankAccount, approveBankApplication, bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { onlineBankingTransfer } from '../../src/app/banking/transfers.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { chargesOfOrder } from '../../src/app/payments/gateway.ts';
import { applyForCard, approveCardApplication } from '../../src/app/payments/cards.ts';
import { matchRemittances } from '../../src/app/payments/channel-remittance.ts';
import { createWallet } from '../../src/app/ecash/wallet.ts';
import { withdrawEcash } from '../../src/app/ecash/withdraw.ts';
import { depositTill, heldCoins, payWithEcash } from '../../src/app/ecash/spend.ts';
import { decidePresentment, depositCheque, enableChequeAccount, endorseReceivedCheque, issueChequebookAtBank, presentDepositedCheque, verifyReceivedCheque, writeAndSendCheque } from '../../src/app/echeque/index.ts';
import { cardPaymentFlow, chequeFlow, coinFlow, docDetail, orderFlow, remittanceFlow } from '../../src/app/diagram/flows.ts';
import type { Sequence } from '../../src/app/diagram/sequence.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

// The sequence diagram's model for the flows beyond orders, cheques and certificates (issue #15.3):
// a card payment through the card company and the acquirer, a remittance matched by reference, an
// e-cash coin (what the bank sees at withdrawal and at deposit), a returned cheque's fee.

/** [from, to, kind, step, amount] of each arrow, party ids as the model keeps them. */
const arrows = (s: Sequence) => s.messages.map((m) => [m.from, m.to, m.kind, m.step, m.amount?.amount ?? null]);

/** Seller banking at bank-b, a ¥45.00 textbook (+ ¥12.00 express), a buyer at bank-a with ¥500.00. */
async function shop() {
  const { db, id } = await freshWorld();
  const seller = await approvedSeller(db, 'shop1');
  const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-b' }));
  unwrap(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.id }));
  const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
  const buyer = await customerAt(db, 'buyer1', 'bank-a');
  await fund(db, buyer, 'bank-a', '500.00');
  const place = async (paymentMethod: 'credit_card' | 'remittance') => {
    const [o] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod, buyNow: { productId: book.id, quantity: 1 } }));
    return o!.id;
  };
  return { db, id, seller, buyer, place };
}

async function ship(db: WorldDb, seller: string, orderId: string) {
  const booking = unwrap(await bookShipment(db, meta(seller), { orderId }));
  unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));
}

describe('a card payment', () => {
  it('authorised by the card company (a hold on the card), captured by the seller’s acquirer on shipping, paid to the acquirer, settled T+1 less the discount, a line of the statement', async () => {
    const w = await shop();
    const application = unwrap(await applyForCard(w.db, meta(w.buyer), { kind: 'credit' }));
    const card = unwrap(await approveCardApplication(w.db, meta('card'), { applicationId: application.id, limit: '1000.00', billingDay: 10 }));
    const orderId = await w.place('credit_card');
    unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId, channel: 'credit_card', source: { cardId: card.id } }));
    await ship(w.db, w.seller, orderId);
    await advanceDays(w.db, 12);
    const s = (await orderFlow(w.db, orderId))!;
    const b = w.buyer;
    // The real parties: the card company and the seller's bank (its acquirer), not the escrow agent.
    expect(s.participants).toEqual([b, 'card', 'bank-b', w.seller, 'logistics', 'escrow']);
    const authorised = [
      [b, 'card', 'payment', 'card_authorize', '57.00'],
      [b, 'card', 'money', 'money_card_hold', '57.00'],
    ];
    const captured = [
      ['bank-b', 'card', 'request', 'card_capture', '57.00'],
      [b, 'card', 'money', 'money_card_capture', '57.00'],
      ['card', 'bank-b', 'money', 'money_card_to_acquirer', '57.00'],
      ['bank-b', w.seller, 'notice', 'acquiring_batch_settled', null],
      // T+1: ¥57.00 less the 0.6% merchant discount (¥0.34).
      ['bank-b', w.seller, 'money', 'money_acquiring_net', '56.66'],
      ['card', b, 'statement', 'card_statement_issued', '57.00'],
    ];
    expect(arrows(s)).toEqual([
      [b, w.seller, 'order', 'marketplace_order_created', '57.00'],
      ...authorised,
      [w.seller, 'logistics', 'shipment', 'market_shipment_booked', null],
      ['logistics', b, 'shipment', 'marketplace_ship', null],
      ...captured,
      ['escrow', w.seller, 'notice', 'marketplace_auto_confirm', null],
    ]);
    // The card company's payment to the acquirer is one arrow with a leg in each book.
    expect(s.messages.find((m) => m.step === 'money_card_to_acquirer')!.entries.map((e) => e.code)).toEqual(['card.to_acquirer', 'card.to_acquirer']);
    expect(s.messages.find((m) => m.step === 'money_acquiring_net')!.entries.map((e) => e.amount)).toEqual(['56.66', '0.34']);
    // The card payment alone (the card page): the order, then only the card's steps.
    const [charge] = await chargesOfOrder(w.db, orderId);
    const c = (await cardPaymentFlow(w.db, charge!.id))!;
    expect(c.participants).toEqual([b, 'card', 'bank-b', w.seller]);
    expect(arrows(c)).toEqual([[b, w.seller, 'order', 'marketplace_order_created', '57.00'], ...authorised, ...captured]);
  });
});

describe('a remittance', () => {
  it('the instruction (account, bank, reference), the buyer’s transfer order at its bank, the transfer between the banks, matched by reference', async () => {
    const w = await shop();
    await onlineBanking(w.db, w.id, 'buyer1', w.buyer, 'bank-a');
    const sellerCard = (await bankAccountsOf(w.db, w.seller))[0]!.cardNumber;
    const orderId = await w.place('remittance');
    unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId, channel: 'remittance' }));
    unwrap(await onlineBankingTransfer(w.db, meta(w.buyer), { bankId: 'bank-a', payeeCard: sellerCard, amount: '57.00', memo: `订单${orderId}货款` }));
    unwrap(await matchRemittances(w.db, meta(w.seller), { payeeId: w.seller }));
    const s = (await orderFlow(w.db, orderId))!;
    const b = w.buyer;
    const remitted = [
      [b, w.seller, 'order', 'marketplace_order_created', '57.00'],
      [w.seller, b, 'instruction', 'remittance_instruction', '57.00'],
      [b, 'bank-a', 'instruction', 'remittance_transfer_order', '57.00'],
      ['bank-a', 'bank-b', 'money', 'money_remittance', '57.00'],
      [w.seller, w.seller, 'decision', 'remittance_matched', '57.00'],
      [w.seller, b, 'notice', 'remittance_paid', '57.00'],
    ];
    expect(s.participants).toEqual([b, 'bank-a', 'bank-b', w.seller]);
    expect(arrows(s)).toEqual(remitted);
    // Across two banks: a leg in each bank's book under the one arrow.
    expect(s.messages.find((m) => m.step === 'money_remittance')!.entries.length).toBe(2);
    const [charge] = await chargesOfOrder(w.db, orderId);
    expect(arrows((await remittanceFlow(w.db, charge!.id))!)).toEqual(remitted);
  });
});

describe('an e-cash coin', () => {
  it('the owner sees the blind withdrawal; the bank’s record has no serial; spent, deposited through the merchant’s bank, entered in the spent list; a second deposit is refused and changes nothing', async () => {
    const { db } = await freshWorld();
    const buyer = await customerAt(db, 'hanmeimei', 'bank-a');
    const seller = await customerAt(db, 'newsdesk', 'bank-b');
    await fund(db, buyer, 'bank-a', '100.00');
    const wallet = unwrap(await createWallet(db, meta(buyer), { password: 'purse secret 7' }));
    unwrap(await withdrawEcash(db, wallet, { bankId: 'bank-a', amount: '1.00' }));
    const [held] = await heldCoins(db, wallet);
    const serial = held!.coin.serial;
    const owner = (await coinFlow(db, { kind: 'coin', id: serial, purseRowId: held!.rowId }))!;
    const withdrawal = [
      [buyer, 'bank-a', 'coin', 'ecash_blinded', null],
      [buyer, 'bank-a', 'money', 'money_ecash_withdraw', '1.00'],
      ['bank-a', buyer, 'coin', 'ecash_blind_signature', null],
      [buyer, buyer, 'coin', 'ecash_unblind', null],
    ];
    expect(arrows(owner)).toEqual(withdrawal);
    // What the bank saw: the account, the value, R, e and s, its signature on e checks; no serial anywhere.
    const blinded = (await docDetail(db, owner.messages[0]!.doc!, { certificateIssuer: 'ca' }))!;
    expect(blinded.fields.map((f) => f.name)).toEqual(['ecash.account', 'ecash.denomination', 'ecash.r', 'ecash.e', 'ecash.s']);
    expect(blinded.check).toEqual({ ok: true });
    expect(blinded.signer?.partyId).toBe('bank-a');
    expect(JSON.stringify(blinded)).not.toContain(serial.slice(0, 16));

    unwrap(await payWithEcash(db, wallet, { merchantId: seller, payee: 'News', amount: '1.00', reference: 'a-1' }));
    const paid = [buyer, seller, 'coin', 'ecash_paid', '1.00'];
    expect(arrows((await coinFlow(db, { kind: 'coin', id: serial, merchantId: seller }))!)).toEqual([paid]);
    unwrap(await depositTill(db, meta(seller)));
    const deposited = [
      paid,
      [seller, 'bank-b', 'deposit', 'ecash_deposited', '1.00'],
      // The merchant's bank forwards the coin to its issuer, which checks it and records the serial as spent.
      ['bank-b', 'bank-a', 'deposit', 'ecash_forwarded', null],
      ['bank-a', 'bank-a', 'coin', 'ecash_spent_recorded', null],
      ['bank-a', seller, 'money', 'money_ecash_deposit', '1.00'],
    ];
    // The merchant's and the world's view: from the payment on; the owner's view links the withdrawal too.
    const world = (await coinFlow(db, { kind: 'coin', id: serial }))!;
    expect(arrows(world)).toEqual(deposited);
    expect(arrows((await coinFlow(db, { kind: 'coin', id: serial, purseRowId: held!.rowId }))!)).toEqual([...withdrawal, ...deposited]);
    const coin = (await docDetail(db, world.messages[3]!.doc!, { certificateIssuer: 'ca' }))!;
    expect(coin.check).toEqual({ ok: true });
    expect(coin.fields.find((f) => f.name === 'ecash.serial')?.value).toBe(`${serial.slice(0, 16)}…`);
    // The issuer's record of the deposit holds the serial, never the withdrawal's R, e or s.
    for (const name of ['ecash.r', 'ecash.s']) expect(coin.fields.find((f) => f.name === name)?.value).not.toBe(blinded.fields.find((f) => f.name === name)?.value);

    // Depositing the same coin again (the lab's replay) is refused as a double spend and changes nothing.
    expect(await depositTill(db, meta(seller), { serials: [serial] })).toMatchObject({ ok: false, code: 'double_spend', detail: { serial } });
    expect(arrows((await coinFlow(db, { kind: 'coin', id: serial }))!)).toEqual(deposited);
  });
});

describe('a returned cheque', () => {
  it('returned for insufficient funds: the drawer’s returned-cheque fee is a money arrow to the paying bank', async () => {
    const { db, id: worldId } = await freshWorld();
    const drawer = await customerAt(db, 'zhangsan', 'bank-a');
    const payee = await customerAt(db, 'lisi', 'bank-b');
    await fund(db, drawer, 'bank-a', '100.00');
    const drawerRing = await onlineBanking(db, worldId, 'zhangsan', drawer, 'bank-a');
    const payeeRing = await onlineBanking(db, worldId, 'lisi', payee, 'bank-b');
    unwrap(await enableChequeAccount(db, meta('bank-a'), { accountId: ids.deposit('bank-a', drawer) }));
    const book = unwrap(await issueChequebookAtBank(db, meta('bank-a'), { accountId: ids.deposit('bank-a', drawer), count: 10 }));
    const written = unwrap(await writeAndSendCheque(db, worldId, drawer, { bookId: book.id, payeePartyId: payee, amount: '300.00', memo: 'goods' }, { keyRing: drawerRing }));
    unwrap(await verifyReceivedCheque(db, meta(payee), { chequeId: written.id }));
    unwrap(await endorseReceivedCheque(db, worldId, payee, { chequeId: written.id }, { keyRing: payeeRing }));
    const deposited = unwrap(await depositCheque(db, meta(payee), { chequeId: written.id }));
    unwrap(await presentDepositedCheque(db, meta('bank-b'), { presentmentId: deposited.id }));
    unwrap(await decidePresentment(db, meta('bank-a'), { presentmentId: deposited.id }));
    const s = (await chequeFlow(db, written.id))!;
    expect(arrows(s).slice(-2)).toEqual([
      ['bank-a', 'bank-b', 'decision', 'echeque_returned', null],
      [drawer, 'bank-a', 'money', 'money_returned_fee', '20.00'],
    ]);
    expect(s.messages.at(-1)!.entries.map((e) => e.code)).toEqual(['echeque.returned_fee']);
    // The fee follows the return that charged it, and that message lists the entry too.
    expect(s.messages.find((m) => m.step === 'echeque_returned')!.entries.map((e) => e.code)).toEqual(['echeque.returned_fee']);
  });
});
