import { describe, expect, it } from 'vitest';
import { bankingAccountIds as ids, type WorldEvent } from '../../src/domain/index.ts';
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
import { cardPaymentFlow, chequeFlow, coinFlow, orderFlow, remittanceFlow } from '../../src/app/diagram/flows.ts';
import type { Sequence } from '../../src/app/diagram/sequence.ts';
import { eventText } from '../../src/ui/names.ts';
import { isMessageKey, locales, translate } from '../../src/ui/i18n/i18n.svelte.ts';
import type { MessageKey } from '../../src/ui/i18n/en.ts';

// Every event of a world that used online banking, a credit card (to its statement and the
// acquirer's batch), a remittance, e-cash and a returned cheque, rendered in both languages with
// its real payload: no catalog {placeholder} may be left unfilled (the feed once read "…有效期至
// {until}": the online-banking login's event had no `until`). And every arrow of those flows'
// sequence diagrams has its words.

const placeholder = /\{[A-Za-z_][\w.]*\}/;

describe('the words of every event and every diagram arrow', () => {
  it('fills every placeholder from the event’s payload, in English and in Chinese', async () => {
    const { db, id } = await freshWorld();
    const seller = await approvedSeller(db, 'shop1');
    const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-b' }));
    unwrap(await approveBankApplication(db, meta('bank-b'), { applicationId: applied.id }));
    const sellerCard = (await bankAccountsOf(db, seller))[0]!.cardNumber;
    const book = unwrap(await listProduct(db, meta(seller), { product: { number: 'BK-0001', name: '教材', category: 'books', spec: '平装', unitPrice: '45.00', stock: 10 } }));
    const buyer = await customerAt(db, 'buyer1', 'bank-a');
    await fund(db, buyer, 'bank-a', '500.00');
    const buyerRing = await onlineBanking(db, id, 'buyer1', buyer, 'bank-a');
    const place = async (paymentMethod: 'credit_card' | 'remittance') => unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'express', paymentMethod, buyNow: { productId: book.id, quantity: 1 } }))[0]!.id;
    const flows: Sequence[] = [];

    // A credit card payment, shipped, settled T+1, on the statement.
    const application = unwrap(await applyForCard(db, meta(buyer), { kind: 'credit' }));
    const card = unwrap(await approveCardApplication(db, meta('card'), { applicationId: application.id, limit: '1000.00', billingDay: 10 }));
    const cardOrder = await place('credit_card');
    unwrap(await payOrderWith(db, meta(buyer), { orderId: cardOrder, channel: 'credit_card', source: { cardId: card.id } }));
    const booking = unwrap(await bookShipment(db, meta(seller), { orderId: cardOrder }));
    unwrap(await pickUpShipment(db, meta('logistics'), { shipmentId: booking.id, place: '杭州仓' }));

    // A remittance, matched by its reference.
    const remitOrder = await place('remittance');
    unwrap(await payOrderWith(db, meta(buyer), { orderId: remitOrder, channel: 'remittance' }));
    unwrap(await onlineBankingTransfer(db, meta(buyer), { bankId: 'bank-a', payeeCard: sellerCard, amount: '57.00', memo: remitOrder }));
    unwrap(await matchRemittances(db, meta(seller), { payeeId: seller }));

    // E-cash: withdrawn, spent at the seller, deposited through the seller's bank.
    const wallet = unwrap(await createWallet(db, meta(buyer), { password: 'purse secret 7' }));
    unwrap(await withdrawEcash(db, wallet, { bankId: 'bank-a', amount: '1.00' }));
    const [held] = await heldCoins(db, wallet);
    unwrap(await payWithEcash(db, wallet, { merchantId: seller, payee: 'shop1', amount: '1.00', reference: 'e-1' }));
    unwrap(await depositTill(db, meta(seller)));

    // A cheque for more than the drawer has: returned, with the returned-cheque fee.
    const payeeRing = await onlineBanking(db, id, 'shop1', seller, 'bank-b');
    unwrap(await enableChequeAccount(db, meta('bank-a'), { accountId: ids.deposit('bank-a', buyer) }));
    const chequebook = unwrap(await issueChequebookAtBank(db, meta('bank-a'), { accountId: ids.deposit('bank-a', buyer), count: 10 }));
    const cheque = unwrap(await writeAndSendCheque(db, id, buyer, { bookId: chequebook.id, payeePartyId: seller, amount: '3000.00', memo: 'goods' }, { keyRing: buyerRing }));
    unwrap(await verifyReceivedCheque(db, meta(seller), { chequeId: cheque.id }));
    unwrap(await endorseReceivedCheque(db, id, seller, { chequeId: cheque.id }, { keyRing: payeeRing }));
    const deposited = unwrap(await depositCheque(db, meta(seller), { chequeId: cheque.id }));
    unwrap(await presentDepositedCheque(db, meta('bank-b'), { presentmentId: deposited.id }));
    unwrap(await decidePresentment(db, meta('bank-a'), { presentmentId: deposited.id }));
    await advanceDays(db, 12);

    const [cardCharge] = await chargesOfOrder(db, cardOrder);
    const [remitCharge] = await chargesOfOrder(db, remitOrder);
    flows.push((await orderFlow(db, cardOrder))!, (await cardPaymentFlow(db, cardCharge!.id))!, (await orderFlow(db, remitOrder))!, (await remittanceFlow(db, remitCharge!.id))!);
    flows.push((await coinFlow(db, { kind: 'coin', id: held!.coin.serial, purseRowId: held!.rowId }))!, (await chequeFlow(db, cheque.id))!);

    const events = (await db.events.toArray()) as WorldEvent[];
    const types = new Set(events.map((e) => e.type));
    for (const t of ['banking.login', 'card.statement_issued', 'acquiring.batch_settled', 'ecash.withdrawn', 'ecash.deposited', 'echeque.returned', 'bank.transfer_interbank']) expect(types, t).toContain(t);
    const parties = await db.parties.toArray();
    const unfilled: string[] = [];
    for (const locale of locales) {
      for (const e of events) {
        const text = eventText(e, { parties, accounts: new Map() }, locale);
        if (placeholder.test(text)) unfilled.push(`${locale} ${e.type}: ${text}`);
      }
    }
    expect(unfilled).toEqual([]);
    const login = events.find((e) => e.type === 'banking.login')!;
    expect(eventText(login, { parties, accounts: new Map() }, 'zh-CN')).toMatch(/^buyer1 用证书 \d+（有效期至 2027\/01\/05 09:00）登录网上银行$/);

    // Every arrow's words, in both catalogs.
    const steps = new Set(flows.flatMap((f) => f.messages.map((m) => m.step)));
    const missing = [...steps].filter((s) => !isMessageKey(`seq.step.${s}`));
    expect(missing).toEqual([]);
    for (const locale of locales) for (const s of steps) expect(translate(locale, `seq.step.${s}` as MessageKey)).not.toMatch(placeholder);
  });

  it('reads an event stored before its sentence gained a field through its older sentence, never a bare placeholder', () => {
    // An older world's online-banking login was stored without `until`.
    const old = { type: 'banking.login', payload: { customer: 'buyer1', serial: 9 } } as unknown as WorldEvent;
    const ctx = { parties: [], accounts: new Map() };
    expect(eventText(old, ctx, 'en')).toBe('Online-banking login of buyer1 with certificate 9');
    expect(eventText(old, ctx, 'zh-CN')).toBe('buyer1 用证书 9 登录网上银行');
  });
});
