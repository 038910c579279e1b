// E-cash across banks (issue #12): a merchant deposits coins at its own bank (the acquirer), which
// forwards them to the issuing bank for the signature and double-spend check; the merchant is
// credited at its bank and the issuer → acquirer amount settles in the night's clearing batch,
// booked like any interbank transfer (issuer: outstanding → clearing:out; acquirer: clearing:in →
// the merchant's deposit).
import { describe, expect, it } from 'vitest';
import { bankingAccountIds as ids, hourMs, worldEpochMs } from '../../src/domain/index.ts';
import { createWallet } from '../../src/app/ecash/wallet.ts';
import { withdrawEcash } from '../../src/app/ecash/withdraw.ts';
import { bankViews, depositTill, heldCoins, payCoins, tillOf } from '../../src/app/ecash/spend.ts';
import { clearingBatches, openPositions } from '../../src/app/banking/clearing.ts';
import { applyForBankAccount, approveBankApplication } from '../../src/app/banking/accounts.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { runDueJobs } from '../../src/app/scheduler.ts';
import { listProduct } from '../../src/app/market/products.ts';
import { placeOrders } from '../../src/app/market/orders.ts';
import { payOrderWith } from '../../src/app/payments/checkout.ts';
import { ecashTables } from '../../src/storage/ecash-tables.ts';
import { i18n } from '../../src/ui/i18n/i18n.svelte.ts';
import { balances, customerAt, expectBooksSound, fund } from '../helpers/banking.ts';
import { address, approvedSeller, unwrap } from '../helpers/market.ts';
import { registerActive } from '../helpers/identity.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

const walletPassword = 'purse secret 7';
/** Huaxin Bank issues the coins; Eastern Commercial Bank is the merchants' bank. */
const huaxin = 'bank-a';
const eastern = 'bank-b';

/** A buyer banking at Huaxin with ¥100, its wallet holding `amount` in Huaxin coins. */
async function buyerWithCoins(db: WorldDb, amount: string) {
  const buyer = await customerAt(db, 'hanmeimei', huaxin);
  await fund(db, buyer, huaxin, '100.00');
  const wallet = unwrap(await createWallet(db, meta(buyer), { password: walletPassword }));
  unwrap(await withdrawEcash(db, wallet, { bankId: huaxin, amount }));
  return { buyer, wallet };
}

/** The world starts at 09:00 Beijing time: its first midnight is 15 hours later. */
const midnight = worldEpochMs + 15 * hourMs;

/** Moves the clock past midnight and runs the due jobs, as the leader tab would. */
async function settleTonight(db: WorldDb): Promise<void> {
  await advanceClock(db, meta(), { kind: 'to', at: midnight + hourMs });
  const ran = await runDueJobs(db, 'tab');
  expect(ran.ran.map((j) => j.kind)).toContain('clearing.settle');
}

describe('e-cash deposited at the merchant’s own bank', () => {
  it('a seller banking only at Eastern Commercial deposits Huaxin coins: credited at once, settled in the night’s batch', async () => {
    const { db } = await freshWorld();
    const { buyer, wallet } = await buyerWithCoins(db, '5.00');
    const seller = await customerAt(db, 'newsdesk', eastern);
    const coins = await heldCoins(db, wallet);
    unwrap(await payCoins(db, meta(buyer), { merchantId: seller, payee: 'News desk', amount: '5.00', reference: 'article-1', coins }));

    const deposited = await depositTill(db, meta(seller));
    expect(deposited).toMatchObject({ ok: true, value: { amount: '5.00', coins: 1, bankId: eastern } });
    let b = await balances(db);
    expect(b.get(ids.deposit(eastern, seller))).toBe('5.00');
    expect(b.get(`${huaxin}:ecash:outstanding`)).toBe('0.00');
    // Booked like an interbank transfer: Huaxin owes clearing, Eastern is owed by clearing.
    expect(b.get(ids.clearingOut(huaxin))).toBe('5.00');
    expect(b.get(ids.clearingIn(eastern))).toBe('5.00');
    const open = await openPositions(db);
    expect(open).toMatchObject([{ payerBankId: huaxin, payeeBankId: eastern, payeePartyId: seller, amount: '5.00', code: 'ecash.deposit', clearing: 'open' }]);
    expect((await tillOf(db, seller)).map((r) => r.status)).toEqual(['deposited']);
    // The issuer's spent list has the coin, and its lab view names the bank that forwarded it.
    const views = await bankViews(db, huaxin);
    expect(views.deposits).toMatchObject([{ serial: coins[0]!.coin.serial, merchant: seller, acquirer: eastern }]);
    await expectBooksSound(db);

    await settleTonight(db);
    const [batch] = await clearingBatches(db);
    expect(batch).toMatchObject({
      payments: 1, grossTotal: '5.00', settledTotal: '5.00',
      positions: expect.arrayContaining([
        expect.objectContaining({ bankId: huaxin, net: '-5.00' }),
        expect.objectContaining({ bankId: eastern, net: '5.00' }),
      ]),
    });
    b = await balances(db);
    for (const bank of [huaxin, eastern]) {
      expect(b.get(ids.clearingOut(bank))).toBe('0.00');
      expect(b.get(ids.clearingIn(bank))).toBe('0.00');
    }
    expect(b.get('clearing:reserve:bank-a')).toBe('19999995.00');
    expect(b.get('clearing:reserve:bank-b')).toBe('20000005.00');
    expect(b.get(ids.deposit(eastern, seller))).toBe('5.00');
    expect(await openPositions(db)).toEqual([]);
    await expectBooksSound(db);
  });

  it('a copy of a coin deposited through another bank is refused by the issuer, naming the coin; nothing changes', async () => {
    const { db } = await freshWorld();
    const { buyer, wallet } = await buyerWithCoins(db, '1.00');
    const first = await customerAt(db, 'newsdesk', eastern);
    const second = await customerAt(db, 'musicshop', eastern);
    const third = await customerAt(db, 'bookshop', huaxin);
    const [coin] = await heldCoins(db, wallet);
    unwrap(await payCoins(db, meta(buyer), { merchantId: first, payee: 'News', amount: '1.00', reference: 'a', coins: [coin!] }));
    // A coin is bytes: copies handed to two more merchants pass their offline checks.
    for (const merchant of [second, third]) {
      await ecashTables(db).purse.update(coin!.rowId, { state: 'held' });
      unwrap(await payCoins(db, meta(buyer), { merchantId: merchant, payee: 'Shop', amount: '1.00', reference: 'b', coins: [coin!] }));
    }
    unwrap(await depositTill(db, meta(first)));
    const before = await balances(db);
    const positionsBefore = await openPositions(db);

    expect(await depositTill(db, meta(second))).toMatchObject({ ok: false, code: 'double_spend', detail: { serial: coin!.coin.serial } });
    expect(await depositTill(db, meta(third))).toMatchObject({ ok: false, code: 'double_spend', detail: { serial: coin!.coin.serial } });
    expect(await balances(db)).toEqual(before);
    expect(await openPositions(db)).toEqual(positionsBefore);
    expect((await tillOf(db, second)).map((r) => r.status)).toEqual(['held']);
    expect((await bankViews(db, huaxin)).deposits).toHaveLength(1);
    await expectBooksSound(db);
  });

  it('a merchant with accounts at both banks deposits at the bank it chooses (default: its usual, first-opened one)', async () => {
    const { db } = await freshWorld();
    const { buyer, wallet } = await buyerWithCoins(db, '1.50');
    const seller = await customerAt(db, 'newsdesk', eastern);
    await advanceClock(db, meta(), { kind: 'hours', hours: 1 });
    const second = unwrap(await applyForBankAccount(db, meta(seller), { bankId: huaxin }));
    unwrap(await approveBankApplication(db, meta(huaxin), { applicationId: second.id }));
    const coins = await heldCoins(db, wallet);
    const one = coins.find((c) => c.coin.denomination === '1.00')!;
    const half = coins.find((c) => c.coin.denomination === '0.50')!;
    unwrap(await payCoins(db, meta(buyer), { merchantId: seller, payee: 'News', amount: '1.00', reference: 'a', coins: [one] }));
    unwrap(await payCoins(db, meta(buyer), { merchantId: seller, payee: 'News', amount: '0.50', reference: 'b', coins: [half] }));

    // At the issuing bank itself: no clearing.
    expect(await depositTill(db, meta(seller), { serials: [one.coin.serial], bankId: huaxin })).toMatchObject({ ok: true, value: { bankId: huaxin } });
    expect(await openPositions(db)).toEqual([]);
    // Default: the usual bank (Eastern, opened first), through clearing.
    expect(await depositTill(db, meta(seller))).toMatchObject({ ok: true, value: { amount: '0.50', bankId: eastern } });
    const b = await balances(db);
    expect(b.get(ids.deposit(huaxin, seller))).toBe('1.00');
    expect(b.get(ids.deposit(eastern, seller))).toBe('0.50');
    expect(await openPositions(db)).toHaveLength(1);
    await expectBooksSound(db);
  });

  it('refuses a deposit at a bank where the merchant has no account, and a merchant without any bank account, naming the bank', async () => {
    const { db } = await freshWorld();
    const { buyer, wallet } = await buyerWithCoins(db, '0.10');
    const seller = await customerAt(db, 'newsdesk', eastern);
    const nobody = await registerActive(db, 'noaccount');
    const [coin] = await heldCoins(db, wallet);
    unwrap(await payCoins(db, meta(buyer), { merchantId: seller, payee: 'News', amount: '0.10', reference: 'a', coins: [coin!] }));
    await ecashTables(db).purse.update(coin!.rowId, { state: 'held' });
    unwrap(await payCoins(db, meta(buyer), { merchantId: nobody, payee: 'X', amount: '0.10', reference: 'a', coins: [coin!] }));
    const before = await balances(db);

    const refused = await depositTill(db, meta(seller), { bankId: huaxin });
    expect(refused).toMatchObject({ ok: false, code: 'ecash_no_bank_account', detail: { bankId: huaxin } });
    expect(await depositTill(db, meta(nobody))).toMatchObject({ ok: false, code: 'ecash_deposit_account_missing' });
    expect(await balances(db)).toEqual(before);
    expect((await tillOf(db, seller)).map((r) => r.status)).toEqual(['held']);

    // The message names the bank, in both languages.
    if (refused.ok) return;
    const locale = i18n.locale;
    try {
      i18n.set('en');
      expect(i18n.error(refused.code, refused.detail)).toBe('You need an account at Huaxin Bank first.');
      i18n.set('zh-CN');
      expect(i18n.error(refused.code, refused.detail)).toBe('您需要先在华信银行开户。');
    } finally {
      i18n.set(locale);
    }
  });

  it('marketplace checkout: an order paid in Huaxin coins to a seller banking at Eastern reaches the seller’s account', async () => {
    const { db } = await freshWorld();
    const seller = await approvedSeller(db, 'newsdesk');
    const applied = unwrap(await applyForBankAccount(db, meta(seller), { bankId: eastern }));
    unwrap(await approveBankApplication(db, meta(eastern), { applicationId: applied.id }));
    const article = unwrap(await listProduct(db, meta(seller), { product: { number: 'CT-0001', name: '今日新闻', category: 'content', spec: '单篇', unitPrice: '0.10', stock: 100 } }));
    const { buyer, wallet } = await buyerWithCoins(db, '6.10');
    const [order] = unwrap(await placeOrders(db, meta(buyer), { address, deliveryMethod: 'post', paymentMethod: 'ecash', buyNow: { productId: article.id, quantity: 1 } }));
    const coins = await heldCoins(db, wallet);
    const paid = unwrap(await payOrderWith(db, meta(buyer), { orderId: order!.id, channel: 'ecash', source: { coins: JSON.stringify(coins) } }));
    expect(paid.charge).toMatchObject({ status: 'succeeded', payee: { bankId: eastern, partyId: seller } });

    expect(await depositTill(db, meta(seller))).toMatchObject({ ok: true, value: { amount: '6.10', bankId: eastern } });
    expect((await balances(db)).get(ids.deposit(eastern, seller))).toBe('6.10');
    await settleTonight(db);
    expect(await openPositions(db)).toEqual([]);
    await expectBooksSound(db);
  });
});
