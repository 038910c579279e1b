import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { bankAccount, certify, go, orderState, register, ship, tab, topUp } from './flows.ts';

// The payment gateway end to end, one browser profile, one tab per party: one order paid and
// completed through each channel the gateway offers (escrow wallet, online banking, debit card,
// credit card, charge card, remittance, cash on delivery), with the balances checked against
// hand-computed figures, the operator's one list of charges reconciled with the orders, the trial
// balance zero and the journal verifying.

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
  await buyer.getByTestId('order-confirm').click();
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

describe('the payment gateway: one order through each channel', () => {
  it('escrow, online banking, debit card, credit card, charge card, remittance, cash on delivery: paid, shipped, confirmed; T+1 acquiring; balances, reconciliation, trial balance, journal', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Payments lesson');
    await start.goto(`${baseUrl}#/w/${worldId}`);
    await start.getByTestId('lab-sheet-link').click();
    const caPassword = (await start.getByTestId('lab-password-ca').textContent())!.trim();

    const ca = await tab(p, worldId, 'ca', 'ca');
    await ca.getByTestId('login-password').fill(caPassword);
    await ca.getByTestId('login-submit').click();
    await ca.getByTestId('logged-in').waitFor({ timeout: 30_000 });
    const platform = await tab(p, worldId, 'platform', 'stores');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    const bankB = await tab(p, worldId, 'bank-b', 'bank-counter');
    const logistics = await tab(p, worldId, 'logistics', 'shipments');
    const card = await tab(p, worldId, 'card', 'card-company');

    // The seller: store approved, demo catalogue, an account at bank-b (its acquiring bank).
    const { page: seller, partyId: sellerId } = await register(p, worldId, 'seller', 'shop1', '王掌柜');
    await platform.locator(`[data-testid="store-application"][data-seller="${sellerId}"]`).getByTestId('store-approve').click({ timeout: 10_000 });
    await go(seller, worldId, sellerId, 'store');
    await expect.poll(() => seller.getByTestId('store-status').getAttribute('data-status')).toBe('approved');
    await seller.getByTestId('store-demo').click();
    await expect.poll(() => seller.getByTestId('store-product').count()).toBeGreaterThan(10);
    const bookId = `${sellerId}-demo-01`; // 《电子商务概论》教材, ¥45.00, books 2%
    await go(seller, worldId, sellerId, 'my-bank');
    await seller.getByTestId('apply-bank').selectOption('bank-b');
    await seller.getByTestId('apply-submit').click();
    await bankB.locator(`[data-testid="application-row"][data-party="${sellerId}"]`).getByTestId('application-approve').click({ timeout: 10_000 });
    await seller.locator('[data-testid="my-account-row"][data-bank="bank-b"]').waitFor({ timeout: 10_000 });

    // The buyer: certificate, ¥1,000.00 at bank-a, an online-banking session.
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'buyer1', '李雷');
    await certify(buyer, ca, buyerId);
    await bankAccount(buyer, bank, worldId, buyerId, '1000');

    // 1. Escrow wallet: top up ¥100.00, pay, ship, confirm.
    await topUp(buyer, worldId, buyerId, '100');
    const escrowOrder = await buyNow(buyer, worldId, buyerId, bookId, 'escrow');
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await complete(buyer, seller, logistics, worldId, buyerId, sellerId, escrowOrder);

    // 2. Online banking: bank-a → the escrow agent's collection account → escrow hold.
    const bankingOrder = await buyNow(buyer, worldId, buyerId, bookId, 'online_banking');
    await payOnPanel(buyer, worldId, buyerId, bankingOrder, 'online_banking');
    await complete(buyer, seller, logistics, worldId, buyerId, sellerId, bankingOrder);

    // 3. Debit card: bank-a account debited at once, to the seller's acquirer (bank-b).
    const debitOrder = await buyNow(buyer, worldId, buyerId, bookId, 'debit_card');
    await payOnPanel(buyer, worldId, buyerId, debitOrder, 'debit_card');
    await complete(buyer, seller, logistics, worldId, buyerId, sellerId, debitOrder);

    // 4. Credit card: issued by the card company's tab; authorized at checkout, captured on shipping.
    await getCard(buyer, card, worldId, buyerId, 'credit');
    const creditOrder = await buyNow(buyer, worldId, buyerId, bookId, 'credit_card');
    await payOnPanel(buyer, worldId, buyerId, creditOrder, 'credit_card');
    expect(await buyer.locator('[data-testid="charge-row"][data-status="pending"]').count()).toBe(1);
    await complete(buyer, seller, logistics, worldId, buyerId, sellerId, creditOrder);

    // 5. Charge card.
    await getCard(buyer, card, worldId, buyerId, 'charge');
    const chargeOrder = await buyNow(buyer, worldId, buyerId, bookId, 'charge_card');
    await payOnPanel(buyer, worldId, buyerId, chargeOrder, 'charge_card');
    await complete(buyer, seller, logistics, worldId, buyerId, sellerId, chargeOrder);

    // 6. Remittance: the order shows the seller's receiving account and the order number as the
    // reference; the buyer transfers with online banking; the transfer is matched, the order paid.
    const remitOrder = await buyNow(buyer, worldId, buyerId, bookId, 'remittance');
    await go(buyer, worldId, buyerId, 'orders', remitOrder);
    await buyer.locator('[data-testid="pay-panel"][data-channel="remittance"]').getByTestId('pay-submit').click();
    await buyer.getByTestId('remit-instruction').waitFor();
    expect(await buyer.getByTestId('remit-reference').textContent()).toBe(remitOrder);
    expect(await orderState(buyer)).toBe('WAIT_BUYER_PAY');
    await buyer.getByTestId('remit-transfer').click();
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('WAIT_SELLER_SEND_GOODS');
    await complete(buyer, seller, logistics, worldId, buyerId, sellerId, remitOrder);

    // 7. Cash on delivery: the buyer gets ¥100.00 in cash (lab), the order ships unpaid, the
    // courier collects the cash at the door (the logistics tab's COD sheet).
    await go(buyer, worldId, buyerId, 'my-bank');
    await buyer.getByTestId('give-cash-amount').fill('100');
    await buyer.getByTestId('give-cash-submit').click();
    await buyer.getByTestId('give-cash-result').waitFor();
    const codOrder = await buyNow(buyer, worldId, buyerId, bookId, 'cash_on_delivery');
    await payOnPanel(buyer, worldId, buyerId, codOrder, 'cash_on_delivery');
    await ship(seller, logistics, worldId, sellerId, codOrder);
    await go(logistics, worldId, 'logistics', 'cod');
    const parcel = logistics.locator(`[data-testid="cod-parcel"][data-order="${codOrder}"]`);
    await parcel.getByTestId('cod-collect').click({ timeout: 10_000 });
    await expect.poll(() => parcel.getAttribute('data-status')).toBe('collected');
    await go(buyer, worldId, buyerId, 'orders', codOrder);
    await buyer.getByTestId('order-confirm').click();
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('TRADE_FINISHED');

    // T+1: the acquirer's batch, the escrow agent's availability, the clearing batch.
    await go(platform, worldId, 'platform', 'activity');
    await platform.getByTestId('advance-days').fill('1');
    await platform.getByTestId('advance').click();

    // Buyer at bank-a: 1,000.00 − 100.00 top-up − 57.00 online banking − 57.00 debit card − 57.00
    // remittance = 729.00.
    await go(buyer, worldId, buyerId, 'my-bank');
    await expect.poll(() => buyer.locator('[data-testid="my-account-row"][data-bank="bank-a"]').getByTestId('my-account-balance').textContent(), { timeout: 10_000 }).toBe('CN¥729.00');
    // Buyer's wallet: 100.00 − 57.00 = 43.00.
    await go(buyer, worldId, buyerId, 'wallet');
    await expect.poll(() => buyer.getByTestId('wallet-available').textContent()).toBe('CN¥43.00');
    // Cards: each owes 57.00.
    await go(buyer, worldId, buyerId, 'cards');
    await expect.poll(() => buyer.getByTestId('card-owed').allTextContents()).toEqual(['CN¥57.00', 'CN¥57.00']);
    // Seller at bank-b: 3 card sales × (57.00 − 0.34) (acquiring, T+1) + 57.00 remittance + COD
    // 57.00 − 2.00 fee (minimum) = 281.98.
    await go(seller, worldId, sellerId, 'my-bank');
    await expect.poll(() => seller.locator('[data-testid="my-account-row"][data-bank="bank-b"]').getByTestId('my-account-balance').textContent(), { timeout: 10_000 }).toBe('CN¥281.98');
    // Seller's wallet (escrow orders, after T+1): 2 × (57.00 − 0.90 commission) = 112.20.
    await go(seller, worldId, sellerId, 'wallet');
    await expect.poll(() => seller.getByTestId('wallet-available').textContent()).toBe('CN¥112.20');
    // Platform commission: 2 × 0.90 = 1.80.
    await go(platform, worldId, 'platform', 'commission');
    await expect.poll(() => platform.getByTestId('commission-income').textContent()).toBe('CN¥1.80');

    // The operator's one list: seven charges, every channel, all paid and matched to their orders.
    await go(platform, worldId, 'platform', 'payments');
    await expect.poll(() => platform.locator('[data-testid="charges"] [data-testid="charge-row"]').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-channel')}:${r.getAttribute('data-status')}`).sort())).toEqual(
      ['cash_on_delivery:succeeded', 'charge_card:succeeded', 'credit_card:succeeded', 'debit_card:succeeded', 'escrow:succeeded', 'online_banking:succeeded', 'remittance:succeeded'],
    );
    await expect.poll(() => platform.getByTestId('recon-summary').getAttribute('data-matched')).toBe('7');
    expect(await platform.getByTestId('recon-summary').getAttribute('data-total')).toBe('7');
    expect(await platform.getByTestId('acquiring-row').count()).toBe(1);

    // The trial balance is zero and the journal verifies.
    await go(platform, worldId, 'platform', 'auditor');
    await expect.poll(() => platform.getByTestId('trial-result').first().getAttribute('data-pass')).toBe('true');
    expect(await platform.locator('[data-testid="trial-result"][data-pass="false"]').count()).toBe(0);
    await platform.getByTestId('verify').click();
    await expect.poll(() => platform.getByTestId('verify-result').getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
  }, 600_000);
});
