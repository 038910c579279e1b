import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { bankAccount, certify, confirmReceipt, go, openStore, orderState, register, sellerAccount, ship, signInAsTeacher, tab, topUp } from './flows.ts';

// The payment gateway end to end, one browser profile, one tab per party: one test per channel the
// gateway offers (escrow wallet, online banking, debit card, credit card, charge card, remittance,
// cash on delivery), each paying and completing one order, with the balances checked against
// hand-computed figures, the operator's one list of charges reconciled with the order, the trial
// balance zero and the journal verifying. One test per channel, so a failure names its channel.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});


// ---- helpers -----------------------------------------------------------------------------------


/** Buy now with `method`: checkout for one product, express; returns the order id. */
async function buyNow(buyer: Page, worldId: string, partyId: string, productId: string, method: string): Promise<string> {
  await go(buyer, worldId, partyId, 'shop', 'checkout', productId, '1');
  await buyer.getByTestId('checkout-payment').selectOption(method);
  await buyer.getByTestId('checkout-submit').click();
  const detail = buyer.getByTestId('order-detail');
  await detail.waitFor();
  expect(await buyer.getByTestId('order-total').textContent()).toBe('CN¥57.00'); // ¥45.00 + ¥12.00 express
  return (await detail.getAttribute('data-order'))!;
}

/** Ships, then the buyer confirms receipt (signed): the order is finished. */
async function complete(buyer: Page, seller: Page, logistics: Page, worldId: string, buyerId: string, sellerId: string, orderId: string): Promise<void> {
  await ship(seller, logistics, worldId, sellerId, orderId);
  await go(buyer, worldId, buyerId, 'orders', orderId);
  await expect.poll(() => orderState(buyer), { timeout: 5_000 }).toBe('WAIT_BUYER_CONFIRM_GOODS');
  await confirmReceipt(buyer);
  await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('TRADE_FINISHED');
}

/** Pays the order on its page through the pay panel (bank account or card already chosen). */
async function payOnPanel(buyer: Page, worldId: string, buyerId: string, orderId: string, channel: string): Promise<void> {
  await go(buyer, worldId, buyerId, 'orders', orderId);
  const panel = buyer.locator(`[data-testid="pay-panel"][data-channel="${channel}"]`);
  await panel.waitFor();
  await panel.getByTestId('pay-submit').click();
  await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('WAIT_SELLER_SEND_GOODS');
  expect(await buyer.getByTestId('pay-error').count()).toBe(0);
}

/** The buyer applies for a card on the Cards page; the card company's tab issues it. */
async function getCard(buyer: Page, card: Page, worldId: string, buyerId: string, kind: 'credit' | 'charge'): Promise<void> {
  await go(buyer, worldId, buyerId, 'cards');
  const before = await buyer.getByTestId('card-row').count();
  await buyer.getByTestId('card-apply-kind').selectOption(kind);
  await buyer.getByTestId('card-apply').click();
  await card.locator(`[data-testid="card-application"][data-applicant="${buyerId}"]`).getByTestId('card-approve').click({ timeout: 10_000 });
  await expect.poll(() => buyer.getByTestId('card-row').count(), { timeout: 10_000 }).toBe(before + 1);
}

type Lesson = {
  readonly p: Profile;
  readonly worldId: string;
  readonly platform: Page;
  readonly logistics: Page;
  readonly card: Page;
  readonly seller: Page;
  readonly sellerId: string;
  readonly buyer: Page;
  readonly buyerId: string;
  /** 《电子商务概论》教材, ¥45.00, books 2% */
  readonly bookId: string;
};

/**
 * The world every channel's test starts from: a seller with an approved store, the demo catalogue
 * and an account at bank-b (its acquiring bank); a buyer with a certificate and, when `bank` is set,
 * ¥1,000.00 at bank-a with an online-banking session.
 */
async function lesson(name: string, options: { bank: boolean }): Promise<Lesson> {
  const p = await launchProfile();
  profiles.push(p);
  const start = await newPage(p, baseUrl);
  const worldId = await createWorld(start, name);
  await start.goto(`${baseUrl}#/w/${worldId}`);

  const ca = await tab(p, worldId, 'ca', 'ca');
  const platform = await tab(p, worldId, 'platform', 'stores');
  const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
  const bankB = await tab(p, worldId, 'bank-b', 'bank-counter');
  const logistics = await tab(p, worldId, 'logistics', 'shipments');
  const card = await tab(p, worldId, 'card', 'card-company');

  const { page: seller, partyId: sellerId } = await openStore(p, platform, worldId, 'shop1', '王掌柜');
  await sellerAccount(seller, bankB, worldId, sellerId);

  const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'buyer1', '李雷');
  // The certificate signs the receipt confirmation, whatever the channel.
  await certify(buyer, ca, buyerId);
  if (options.bank) await bankAccount(buyer, bank, worldId, buyerId, '1000');
  return { p, worldId, platform, logistics, card, seller, sellerId, buyer, buyerId, bookId: `${sellerId}-demo-01` };
}

/** T+1: the acquirer's batch, the escrow agent's availability, the clearing batch. */
async function nextDay(l: Lesson): Promise<void> {
  await go(l.platform, l.worldId, 'platform', 'activity');
  await l.platform.getByTestId('advance-days').fill('1');
  await l.platform.getByTestId('advance').click();
}

/** The operator's one list holds the order's charge, paid and matched; the books balance and verify. */
async function settled(l: Lesson, channel: string, acquiringBatches = 0): Promise<void> {
  const { platform, worldId } = l;
  await go(platform, worldId, 'platform', 'payments');
  await expect.poll(() => platform.locator('[data-testid="charges"] [data-testid="charge-row"]').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-channel')}:${r.getAttribute('data-status')}`))).toEqual([`${channel}:succeeded`]);
  await expect.poll(() => platform.getByTestId('recon-summary').getAttribute('data-matched')).toBe('1');
  expect(await platform.getByTestId('recon-summary').getAttribute('data-total')).toBe('1');
  expect(await platform.getByTestId('acquiring-row').count()).toBe(acquiringBatches);
  await go(platform, worldId, 'platform', 'auditor');
  await expect.poll(() => platform.getByTestId('trial-result').first().getAttribute('data-pass')).toBe('true');
  expect(await platform.locator('[data-testid="trial-result"][data-pass="false"]').count()).toBe(0);
  await platform.getByTestId('verify').click();
  await expect.poll(() => platform.getByTestId('verify-result').getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
}

function balanceOf(page: Page, bankId: string) {
  return () => page.locator(`[data-testid="my-account-row"][data-bank="${bankId}"]`).getByTestId('my-account-balance').textContent();
}

/** The seller's wallet after T+1 (escrow orders): ¥57.00 − ¥0.90 commission (books 2%, on ¥45.00). */
async function escrowSettled(l: Lesson): Promise<void> {
  await go(l.seller, l.worldId, l.sellerId, 'wallet');
  await expect.poll(() => l.seller.getByTestId('wallet-available').textContent(), { timeout: 10_000 }).toBe('CN¥56.10');
  await go(l.platform, l.worldId, 'platform', 'commission');
  await expect.poll(() => l.platform.getByTestId('commission-income').textContent()).toBe('CN¥0.90');
}

describe('the payment gateway: one order through each channel', () => {
  it('escrow wallet: top up, pay, ship, confirm; released to the seller less commission', async () => {
    const l = await lesson('Escrow lesson', { bank: true });
    const { buyer, worldId, buyerId } = l;
    await topUp(buyer, worldId, buyerId, '100');
    const order = await buyNow(buyer, worldId, buyerId, l.bookId, 'escrow');
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await complete(buyer, l.seller, l.logistics, worldId, buyerId, l.sellerId, order);
    await nextDay(l);
    await go(buyer, worldId, buyerId, 'my-bank');
    await expect.poll(balanceOf(buyer, 'bank-a'), { timeout: 10_000 }).toBe('CN¥900.00'); // 1,000 − 100 top-up
    await go(buyer, worldId, buyerId, 'wallet');
    await expect.poll(() => buyer.getByTestId('wallet-available').textContent()).toBe('CN¥43.00'); // 100 − 57
    await escrowSettled(l);
    await settled(l, 'escrow');
  }, 300_000);

  it('online banking: bank-a → the escrow agent → escrow hold → the seller', async () => {
    const l = await lesson('Online banking lesson', { bank: true });
    const { buyer, worldId, buyerId } = l;
    const order = await buyNow(buyer, worldId, buyerId, l.bookId, 'online_banking');
    await payOnPanel(buyer, worldId, buyerId, order, 'online_banking');
    await complete(buyer, l.seller, l.logistics, worldId, buyerId, l.sellerId, order);
    await nextDay(l);
    await go(buyer, worldId, buyerId, 'my-bank');
    await expect.poll(balanceOf(buyer, 'bank-a'), { timeout: 10_000 }).toBe('CN¥943.00');
    await escrowSettled(l);
    await settled(l, 'online_banking');
  }, 300_000);

  it('debit card: bank-a debited at once; the acquirer (bank-b) pays the seller T+1 less its fee', async () => {
    const l = await lesson('Debit card lesson', { bank: true });
    const { buyer, seller, worldId, buyerId, sellerId } = l;
    const order = await buyNow(buyer, worldId, buyerId, l.bookId, 'debit_card');
    await payOnPanel(buyer, worldId, buyerId, order, 'debit_card');
    await complete(buyer, seller, l.logistics, worldId, buyerId, sellerId, order);
    await nextDay(l);
    await go(buyer, worldId, buyerId, 'my-bank');
    await expect.poll(balanceOf(buyer, 'bank-a'), { timeout: 10_000 }).toBe('CN¥943.00');
    await go(seller, worldId, sellerId, 'my-bank');
    await expect.poll(balanceOf(seller, 'bank-b'), { timeout: 10_000 }).toBe('CN¥56.66'); // 57.00 − 0.34 acquiring fee
    await settled(l, 'debit_card', 1);
  }, 300_000);

  for (const kind of ['credit', 'charge'] as const) {
    it(`${kind} card: issued by the card company; authorized at checkout, captured on shipping; the card owes the order`, async () => {
      const l = await lesson(`${kind} card lesson`, { bank: false });
      const { buyer, seller, worldId, buyerId, sellerId } = l;
      await getCard(buyer, l.card, worldId, buyerId, kind);
      const order = await buyNow(buyer, worldId, buyerId, l.bookId, `${kind}_card`);
      await payOnPanel(buyer, worldId, buyerId, order, `${kind}_card`);
      if (kind === 'credit') expect(await buyer.locator('[data-testid="charge-row"][data-status="pending"]').count()).toBe(1);
      await complete(buyer, seller, l.logistics, worldId, buyerId, sellerId, order);
      await nextDay(l);
      await go(buyer, worldId, buyerId, 'cards');
      await expect.poll(() => buyer.getByTestId('card-owed').allTextContents()).toEqual(['CN¥57.00']);
      await go(seller, worldId, sellerId, 'my-bank');
      await expect.poll(balanceOf(seller, 'bank-b'), { timeout: 10_000 }).toBe('CN¥56.66');
      await settled(l, `${kind}_card`, 1);
    }, 300_000);
  }

  it('remittance: the order number as the reference; the transfer is matched and the order paid', async () => {
    const l = await lesson('Remittance lesson', { bank: true });
    const { buyer, seller, worldId, buyerId, sellerId } = l;
    const order = await buyNow(buyer, worldId, buyerId, l.bookId, 'remittance');
    await go(buyer, worldId, buyerId, 'orders', order);
    await buyer.locator('[data-testid="pay-panel"][data-channel="remittance"]').getByTestId('pay-submit').click();
    await buyer.getByTestId('remit-instruction').waitFor();
    expect(await buyer.getByTestId('remit-reference').textContent()).toBe(order);
    expect(await orderState(buyer)).toBe('WAIT_BUYER_PAY');
    await buyer.getByTestId('remit-transfer').click();
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('WAIT_SELLER_SEND_GOODS');
    await complete(buyer, seller, l.logistics, worldId, buyerId, sellerId, order);
    await nextDay(l);
    await go(buyer, worldId, buyerId, 'my-bank');
    await expect.poll(balanceOf(buyer, 'bank-a'), { timeout: 10_000 }).toBe('CN¥943.00');
    await go(seller, worldId, sellerId, 'my-bank');
    await expect.poll(balanceOf(seller, 'bank-b'), { timeout: 10_000 }).toBe('CN¥57.00');
    await settled(l, 'remittance');
  }, 300_000);

  it('cash on delivery: the courier collects at the door and remits to the seller less the COD fee', async () => {
    const l = await lesson('COD lesson', { bank: false });
    const { buyer, seller, logistics, worldId, buyerId, sellerId } = l;
    await go(buyer, worldId, buyerId, 'my-bank');
    // The lab's cash is the teacher's tool.
    await signInAsTeacher(buyer, worldId);
    await buyer.getByTestId('give-cash-amount').fill('100');
    await buyer.getByTestId('give-cash-submit').click();
    await buyer.getByTestId('give-cash-result').waitFor();
    const order = await buyNow(buyer, worldId, buyerId, l.bookId, 'cash_on_delivery');
    await payOnPanel(buyer, worldId, buyerId, order, 'cash_on_delivery');
    await ship(seller, logistics, worldId, sellerId, order);
    await go(logistics, worldId, 'logistics', 'cod');
    const parcel = logistics.locator(`[data-testid="cod-parcel"][data-order="${order}"]`);
    await parcel.getByTestId('cod-collect').click({ timeout: 10_000 });
    await expect.poll(() => parcel.getAttribute('data-status')).toBe('collected');
    await go(buyer, worldId, buyerId, 'orders', order);
    await confirmReceipt(buyer);
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('TRADE_FINISHED');
    await nextDay(l);
    await go(seller, worldId, sellerId, 'my-bank');
    await expect.poll(balanceOf(seller, 'bank-b'), { timeout: 10_000 }).toBe('CN¥55.00'); // 57.00 − 2.00 fee (minimum)
    await settled(l, 'cash_on_delivery');
  }, 300_000);
});
