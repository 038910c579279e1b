import { describe, expect, it } from 'vitest';
import { freshWorld, meta } from '../helpers/world.ts';
import { address, approvedSeller, unwrap } from '../helpers/market.ts';
import { customerAt, expectBooksSound, fund } from '../helpers/banking.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { placeOrders } from '../../src/app/market/orders.ts';
import { applyForBankAccount, approveBankApplication } from '../../src/app/banking/accounts.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { checkoutChannels } from '../../src/app/payments/channels.ts';
import { createWallet } from '../../src/app/ecash/wallet.ts';
import { withdrawEcash } from '../../src/app/ecash/withdraw.ts';
import { depositTill, heldCoins, tillOf } from '../../src/app/ecash/spend.ts';
import { issueSmartCard, loadSmartCard, registerMerchantDevice } from '../../src/app/smartcard/smartcard.ts';
import { issueStoredValue, joinStoredValueScheme, topUpStoredValue } from '../../src/app/storedvalue/storedvalue.ts';
import { depositBalance } from '../../src/app/banking/transfers.ts';

/** A seller (account at bank-a) with a ¥0.10 news article; a buyer with ¥100 at bank-a. By post: ¥0.10 + ¥6.00. */
async function world() {
  const { db } = await freshWorld();
  const seller = await approvedSeller(db, 'newsdesk');
  const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: 'bank-a' }));
  unwrap(await approveBankApplication(db, meta('bank-a'), { applicationId: applied.id }));
  const article = unwrap(await listProduct(db, meta(seller), { product: { number: 'CT-0001', name: '今日新闻', category: 'content', spec: '单篇', unitPrice: '0.10', stock: 100 } }));
  const buyer = await customerAt(db, 'reader', 'bank-a');
  await fund(db, buyer, 'bank-a', '100.00');
  const order = async (paymentMethod: string) => {
    const [o] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'post', paymentMethod, buyNow: { productId: article.id, quantity: 1 } }));
    expect(o!.total.amount).toBe('6.10');
    return o!;
  };
  return { db, seller, buyer, order };
}

describe('e-cash, smart card and one-card as gateway channels', () => {
  it('are offered at checkout', () => {
    expect(checkoutChannels()).toEqual(expect.arrayContaining(['ecash', 'smart_card', 'stored_value']));
  });

  it('pays an order with e-cash coins; the seller deposits them; the charge keeps no coin', async () => {
    const w = await world();
    const wallet = unwrap(await createWallet(w.db, meta(w.buyer), { password: 'purse secret 7' }));
    unwrap(await withdrawEcash(w.db, wallet, { bankId: 'bank-a', amount: '6.10' }));
    const o = await w.order('ecash');
    const coins = await heldCoins(w.db, wallet);
    const paid = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: o.id, channel: 'ecash', source: { coins: JSON.stringify(coins) } }));
    expect(paid.charge).toMatchObject({ status: 'succeeded', channel: 'ecash', source: { coins: String(coins.length) } });
    expect(JSON.stringify(paid.charge)).not.toContain(coins[0]!.coin.serial);
    expect(paid.order.state).toBe('WAIT_SELLER_SEND_GOODS');
    expect((await tillOf(w.db, w.seller)).map((r) => r.reference)).toEqual(coins.map(() => o.id));
    unwrap(await depositTill(w.db, meta(w.seller)));
    expect(await depositBalance(w.db, 'bank-a', w.seller)).toBe('6.10');
    // The same coins again (a copy) for a second order: refused at checkout, nothing written.
    const again = await w.order('ecash');
    expect(await payOrderWith(w.db, meta(w.buyer), { orderId: again.id, channel: 'ecash', source: { coins: JSON.stringify(coins) } })).toMatchObject({ ok: false, code: 'ecash_coin_not_in_wallet' });
    await expectBooksSound(w.db);
  });

  it('pays an order with a smart card at the seller’s device, and with a one-card', async () => {
    const w = await world();
    const card = unwrap(await issueSmartCard(w.db, meta(w.buyer), { issuerId: 'bank-a' }));
    unwrap(await loadSmartCard(w.db, meta(w.buyer), { cardId: card.cardId, amount: '20' }));
    const o1 = await w.order('smart_card');
    expect(await payOrderWith(w.db, meta(w.buyer), { orderId: o1.id, channel: 'smart_card', source: { cardId: card.cardId } })).toMatchObject({ ok: false, code: 'unknown_device' });
    unwrap(await registerMerchantDevice(w.db, meta(w.seller), { acquirerId: 'bank-a' }));
    const paid = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: o1.id, channel: 'smart_card', source: { cardId: card.cardId } }));
    expect(paid.charge).toMatchObject({ status: 'succeeded', channel: 'smart_card' });
    expect(paid.order.state).toBe('WAIT_SELLER_SEND_GOODS');

    const sv = unwrap(await issueStoredValue(w.db, meta(w.buyer)));
    unwrap(await topUpStoredValue(w.db, meta(w.buyer), { cardId: sv.cardId, amount: '10' }));
    const o2 = await w.order('stored_value');
    expect(await payOrderWith(w.db, meta(w.buyer), { orderId: o2.id, channel: 'stored_value', source: { cardId: sv.cardId } })).toMatchObject({ ok: false, code: 'merchant_not_participating' });
    unwrap(await joinStoredValueScheme(w.db, meta(w.seller), { participating: true }));
    const paid2 = unwrap(await payOrderWith(w.db, meta(w.buyer), { orderId: o2.id, channel: 'stored_value', source: { cardId: sv.cardId } }));
    expect(paid2.order.state).toBe('WAIT_SELLER_SEND_GOODS');
    await expectBooksSound(w.db);
  });
});
