import { describe, expect, it } from 'vitest';
import { createWallet, unlockWallet } from '../../src/app/ecash/wallet.ts';
import { resumeWithdrawals, withdrawEcash } from '../../src/app/ecash/withdraw.ts';
import { bankViews, depositTill, heldCoins, payBackCoins, payCoins, payWithEcash, purseRows, tillOf } from '../../src/app/ecash/spend.ts';
import { ecashTables } from '../../src/storage/ecash-tables.ts';
import { balances, customerAt, expectBooksSound, fund } from '../helpers/banking.ts';
import { freshWorld, meta } from '../helpers/world.ts';
import type { WorldDb } from '../../src/storage/schema.ts';

const walletPassword = 'purse secret 7';

async function setup(): Promise<{ db: WorldDb; buyer: string; seller: string }> {
  const { db } = await freshWorld();
  const buyer = await customerAt(db, 'hanmeimei', 'bank-a');
  const seller = await customerAt(db, 'newsdesk', 'bank-a');
  await fund(db, buyer, 'bank-a', '100.00');
  return { db, buyer, seller };
}

describe('e-cash app: withdraw, spend, deposit, pay back', () => {
  it('withdraws blind coins, debits the account, and keeps the coins sealed until unlocked', async () => {
    const { db, buyer } = await setup();
    const created = await createWallet(db, meta(buyer), { password: walletPassword });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const coins = await withdrawEcash(db, created.value, { bankId: 'bank-a', amount: '1.60' });
    expect(coins.ok).toBe(true);
    if (!coins.ok) return;
    expect(coins.value.map((c) => c.denomination)).toEqual(['1.00', '0.50', '0.10']);
    const b = await balances(db);
    expect(b.get(`bank-a:deposit:${buyer}`)).toBe('98.40');
    expect(b.get('bank-a:ecash:outstanding')).toBe('1.60');
    // At rest the purse holds ciphertext: no serial appears in the stored rows.
    const rows = await purseRows(db, buyer);
    expect(rows.map((r) => r.state)).toEqual(['held', 'held', 'held']);
    const stored = JSON.stringify(rows);
    for (const c of coins.value) expect(stored).not.toContain(c.serial);
    expect(await unlockWallet(db, buyer, 'wrong password')).toMatchObject({ ok: false, code: 'wallet_password_wrong' });
    const unlocked = await unlockWallet(db, buyer, walletPassword);
    expect(unlocked.ok).toBe(true);
    if (!unlocked.ok) return;
    expect((await heldCoins(db, unlocked.value)).map((c) => c.coin.serial).sort()).toEqual(coins.value.map((c) => c.serial).sort());
    // The bank's withdrawal view names the account and value, never the serial.
    const views = await bankViews(db, 'bank-a');
    expect(views.withdrawals).toHaveLength(3);
    expect(JSON.stringify(views.withdrawals)).not.toContain(coins.value[0]!.serial);
    await expectBooksSound(db);
  });

  it('refuses a withdrawal beyond the balance without opening a session', async () => {
    const { db, buyer } = await setup();
    const w = await createWallet(db, meta(buyer), { password: walletPassword });
    if (!w.ok) throw new Error(w.code);
    expect(await withdrawEcash(db, w.value, { bankId: 'bank-a', amount: '200' })).toMatchObject({ ok: false, code: 'insufficient_funds' });
    expect(await withdrawEcash(db, w.value, { bankId: 'bank-a', amount: '0.15' })).toMatchObject({ ok: false, code: 'amount_not_payable_in_coins' });
    expect(await ecashTables(db).sessions.count()).toBe(0);
    expect(await purseRows(db, buyer)).toEqual([]);
    await expectBooksSound(db);
  });

  it('buys a ¥0.10 article (the bank gives change), the seller deposits, a second deposit is refused naming the coin', async () => {
    const { db, buyer, seller } = await setup();
    const w = await createWallet(db, meta(buyer), { password: walletPassword });
    if (!w.ok) throw new Error(w.code);
    expect((await withdrawEcash(db, w.value, { bankId: 'bank-a', amount: '1.00' })).ok).toBe(true);
    const paid = await payWithEcash(db, w.value, { merchantId: seller, payee: 'News desk', amount: '0.10', reference: 'article-1' });
    expect(paid.ok).toBe(true);
    if (!paid.ok) return;
    // The ¥1 coin was paid back and withdrawn again as 0.50 + 0.10 + 0.10 + 0.10 + 0.10 + 0.10 (fewest coins: 0.50 + 4×0.10 + 0.10 paid).
    const left = (await heldCoins(db, w.value)).map((c) => c.coin.denomination).sort();
    expect(left.reduce((t, d) => t + Math.round(Number(d) * 10), 0)).toBe(9);
    const till = await tillOf(db, seller);
    expect(till.map((r) => [r.denomination, r.status])).toEqual([['0.10', 'held']]);
    const transactions = await ecashTables(db).walletTransactions.where('walletId').equals(buyer).toArray();
    expect(transactions).toMatchObject([{ channel: 'ecash', amount: '0.10', payeeId: seller, status: 'completed', reference: 'article-1' }]);
    await expectBooksSound(db);

    const deposited = await depositTill(db, meta(seller));
    expect(deposited).toMatchObject({ ok: true, value: { amount: '0.10', coins: 1 } });
    let b = await balances(db);
    expect(b.get(`bank-a:deposit:${seller}`)).toBe('0.10');
    expect(b.get('bank-a:ecash:outstanding')).toBe('0.90');
    await expectBooksSound(db);

    const serial = paid.value.serials[0]!;
    const again = await depositTill(db, meta(seller), { serials: [serial] });
    expect(again).toMatchObject({ ok: false, code: 'double_spend', detail: { serial } });
    b = await balances(db);
    expect(b.get(`bank-a:deposit:${seller}`)).toBe('0.10');
    // The deposit view holds the serial, the withdrawal view never: nothing links the two.
    const views = await bankViews(db, 'bank-a');
    // (the pay-back of the exchanged ¥1 coin is a deposit too)
    expect(views.deposits.map((d) => d.serial)).toContain(serial);
    for (const wv of views.withdrawals) {
      for (const dv of views.deposits) {
        expect(wv.r).not.toBe(dv.r);
        expect(wv.s).not.toBe(dv.s);
        expect([wv.r, wv.e, wv.s]).not.toContain(dv.serial);
      }
    }
    await expectBooksSound(db);
  });

  it('a copied coin spent at a second merchant is refused at deposit, naming the coin', async () => {
    const { db, buyer, seller } = await setup();
    const other = await customerAt(db, 'musicshop', 'bank-a');
    const w = await createWallet(db, meta(buyer), { password: walletPassword });
    if (!w.ok) throw new Error(w.code);
    expect((await withdrawEcash(db, w.value, { bankId: 'bank-a', amount: '0.10' })).ok).toBe(true);
    const [coin] = await heldCoins(db, w.value);
    if (coin === undefined) throw new Error('no coin');
    expect((await payCoins(db, meta(buyer), { merchantId: seller, payee: 'News', amount: '0.10', reference: 'a', coins: [coin] })).ok).toBe(true);
    // The wallet no longer lets it go twice ...
    expect(await payCoins(db, meta(buyer), { merchantId: other, payee: 'Music', amount: '0.10', reference: 'b', coins: [coin] })).toMatchObject({ ok: false, code: 'ecash_coin_not_in_wallet' });
    // ... but a coin is bytes: a copy handed to the other merchant passes its offline check.
    await ecashTables(db).purse.update(coin.rowId, { state: 'held' });
    expect((await payCoins(db, meta(buyer), { merchantId: other, payee: 'Music', amount: '0.10', reference: 'b', coins: [coin] })).ok).toBe(true);
    expect((await depositTill(db, meta(seller))).ok).toBe(true);
    expect(await depositTill(db, meta(other))).toMatchObject({ ok: false, code: 'double_spend', detail: { serial: coin.coin.serial } });
    const b = await balances(db);
    expect(b.get(`bank-a:deposit:${other}`)).toBe('0.00');
    expect(b.get('bank-a:ecash:outstanding')).toBe('0.00');
    await expectBooksSound(db);
  });

  it('pays unspent coins back into the account', async () => {
    const { db, buyer } = await setup();
    const w = await createWallet(db, meta(buyer), { password: walletPassword });
    if (!w.ok) throw new Error(w.code);
    expect((await withdrawEcash(db, w.value, { bankId: 'bank-a', amount: '5.50' })).ok).toBe(true);
    const coins = await heldCoins(db, w.value);
    const back = await payBackCoins(db, meta(buyer), { coins });
    expect(back).toMatchObject({ ok: true, value: { coins: 2 } });
    const b = await balances(db);
    expect(b.get(`bank-a:deposit:${buyer}`)).toBe('100.00');
    expect(b.get('bank-a:ecash:outstanding')).toBe('0.00');
    expect((await purseRows(db, buyer)).every((r) => r.state === 'paid_back')).toBe(true);
    expect(await payBackCoins(db, meta(buyer), { coins })).toMatchObject({ ok: false, code: 'ecash_coin_not_in_wallet' });
    expect(await resumeWithdrawals(db, w.value)).toBe(0);
    await expectBooksSound(db);
  });
});
