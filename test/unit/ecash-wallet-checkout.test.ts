import { describe, expect, it } from 'vitest';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, approvedSeller, unwrap } from '../helpers/market.ts';
import { customerAt, expectBooksSound, fund } from '../helpers/banking.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { placeOrders } from '../../src/app/market/orders.ts';
import { applyForBankAccount, approveBankApplication, bankAccountsOf } from '../../src/app/banking/accounts.ts';
import { depositBalance } from '../../src/app/banking/transfers.ts';
import { applyForCard, approveCardApplication } from '../../src/app/payments/cards.ts';
import { chargesOfOrder } from '../../src/app/payments/gateway.ts';
import { createWallet } from '../../src/app/ecash/wallet.ts';
import { payOrderFromWallet, saveCardToWallet, walletSavedCards } from '../../src/app/ecash/wallet-cards.ts';
import { ecashTables } from '../../src/storage/ecash-tables.ts';
import { money, subtract, toStored } from '../../src/domain/index.ts';

/** A seller at bank-a with a ¥10.00 item; a buyer with ¥100 at bank-a and an unlocked wallet. */
async function world() {
  const { db } = await freshWorld();
  const seller = await approvedSeller(db, 'shop');
  const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-a' }));
  unwrap(await approveBankApplication(db, meta('bank-a'), { applicationId: applied.id }));
  const item = unwrap(await listProduct(db, meta(seller), { product: { number: 'GD-0001', name: '茶杯', category: 'content', spec: '一只', unitPrice: '10.00', stock: 100 } }));
  const buyer = await customerAt(db, 'walletbuyer', 'bank-a');
  await fund(db, buyer, 'bank-a', '100.00');
  const wallet = unwrap(await createWallet(db, meta(buyer), { password: 'purse secret 7' }));
  const order = async (paymentMethod: string, quantity = 1) => {
    const [o] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'post', paymentMethod, buyNow: { productId: item.id, quantity } }));
    return o!;
  };
  return { db, seller, buyer, wallet, order };
}

describe('paying from the e-wallet with a saved card', () => {
  it('saves the buyer’s real debit card and pays an order through the debit card channel, recorded', async () => {
    const w = await world();
    const [account] = await bankAccountsOf(w.db, w.buyer);
    const saved = unwrap(await saveCardToWallet(w.db, meta(w.buyer), w.wallet, { kind: 'debit_card', cardRef: account!.cardNumber }));
    expect(saved).toMatchObject({ kind: 'debit_card', cardRef: account!.cardNumber, issuerId: 'bank-a', last4: account!.cardNumber.slice(-4) });
    expect(await walletSavedCards(w.db, w.buyer)).toEqual([saved]);
    // Saving it twice is refused.
    expect(await saveCardToWallet(w.db, meta(w.buyer), w.wallet, { kind: 'debit_card', cardRef: account!.cardNumber })).toMatchObject({ ok: false, code: 'wallet_card_already_saved' });

    const o = await w.order('debit_card');
    const before = await depositBalance(w.db, 'bank-a', w.buyer);
    const paid = unwrap(await payOrderFromWallet(w.db, meta(w.buyer), w.wallet, { orderId: o.id, savedCardId: saved.id }));
    expect(paid.charge).toMatchObject({ status: 'succeeded', channel: 'debit_card', source: { cardId: account!.cardNumber } });
    expect(paid.order.state).toBe('WAIT_SELLER_SEND_GOODS');
    expect(await chargesOfOrder(w.db, o.id)).toHaveLength(1);
    expect(await depositBalance(w.db, 'bank-a', w.buyer)).toBe(toStored(subtract(money(before, 'CNY'), money(o.total.amount, 'CNY'))).amount);

    const rows = await ecashTables(w.db).walletTransactions.where('walletId').equals(w.buyer).toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ payee: w.seller, payeeId: w.seller, amount: o.total.amount, channel: 'debit_card', status: 'completed', reference: o.id });
    expect(typeof rows[0]!.at).toBe('number');
    await expectBooksSound(w.db);
  });

  it('pays with a saved credit card (two-phase: recorded pending) and refuses someone else’s card', async () => {
    const w = await world();
    const application = unwrap(await applyForCard(w.db, meta(w.buyer), { kind: 'credit' }));
    const card = unwrap(await approveCardApplication(w.db, meta('card'), { applicationId: application.id, limit: '1000.00', billingDay: 1 }));
    // Another customer cannot save the buyer's card, nor save it under the wrong kind.
    const other = await customerAt(w.db, 'otherbuyer', 'bank-a');
    const otherWallet = unwrap(await createWallet(w.db, meta(other), { password: 'another secret 8' }));
    expect(await saveCardToWallet(w.db, meta(other), otherWallet, { kind: 'credit_card', cardRef: card.id })).toMatchObject({ ok: false, code: 'wallet_card_not_yours' });
    expect(await saveCardToWallet(w.db, meta(w.buyer), w.wallet, { kind: 'charge_card', cardRef: card.id })).toMatchObject({ ok: false, code: 'wallet_card_not_yours' });
    const saved = unwrap(await saveCardToWallet(w.db, meta(w.buyer), w.wallet, { kind: 'credit_card', cardRef: card.id }));

    // A saved card pays only an order placed with its channel.
    const debitOrder = await w.order('debit_card');
    expect(await payOrderFromWallet(w.db, meta(w.buyer), w.wallet, { orderId: debitOrder.id, savedCardId: saved.id })).toMatchObject({ ok: false, code: 'payment_method_mismatch' });
    expect(await ecashTables(w.db).walletTransactions.count()).toBe(0);

    const o = await w.order('credit_card');
    const paid = unwrap(await payOrderFromWallet(w.db, meta(w.buyer), w.wallet, { orderId: o.id, savedCardId: saved.id }));
    expect(paid.charge).toMatchObject({ status: 'pending', channel: 'credit_card', source: { cardId: card.id } });
    expect(paid.recorded).toMatchObject({ channel: 'credit_card', status: 'pending', amount: o.total.amount, payeeId: w.seller });
    await expectBooksSound(w.db);
  });

  it('records a refused card, then pays the same order with another saved card', async () => {
    const w = await world();
    const [account] = await bankAccountsOf(w.db, w.buyer);
    const debit = unwrap(await saveCardToWallet(w.db, meta(w.buyer), w.wallet, { kind: 'debit_card', cardRef: account!.cardNumber }));
    const application = unwrap(await applyForCard(w.db, meta(w.buyer), { kind: 'credit' }));
    const card = unwrap(await approveCardApplication(w.db, meta('card'), { applicationId: application.id, limit: '1000.00', billingDay: 1 }));
    const credit = unwrap(await saveCardToWallet(w.db, meta(w.buyer), w.wallet, { kind: 'credit_card', cardRef: card.id }));
    // ¥200 of goods: more than the ¥100 on the debit card.
    const o = await w.order('debit_card', 20);
    const refused = unwrap(await payOrderFromWallet(w.db, meta(w.buyer), w.wallet, { orderId: o.id, savedCardId: debit.id }));
    expect(refused.charge).toMatchObject({ status: 'failed', channel: 'debit_card', failureReason: 'insufficient_funds' });
    expect(refused.recorded).toMatchObject({ status: 'failed', channel: 'debit_card' });
    const paid = unwrap(await payOrderFromWallet(w.db, meta(w.buyer), w.wallet, { orderId: o.id, savedCardId: credit.id }));
    expect(paid.charge).toMatchObject({ status: 'pending', channel: 'credit_card' });
    expect(paid.order).toMatchObject({ state: 'WAIT_SELLER_SEND_GOODS', paymentMethod: 'credit_card' });
    const rows = await ecashTables(w.db).walletTransactions.where('walletId').equals(w.buyer).toArray();
    expect(rows.map((r) => [r.channel, r.status]).sort()).toEqual([['credit_card', 'pending'], ['debit_card', 'failed']]);
    await expectBooksSound(w.db);
  });
});
