import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { bankAccount, certify, confirmReceipt, go, openStore, orderState, register, sellerAccount, ship, tab, topUp } from './flows.ts';

// Guidance everywhere (issue 14, item 4), as a newcomer meets it: every refusal with a remedy
// links to the page that fixes it, and following the links from an empty wallet leads, step by
// step, to a paid order. A seller is told it needs a bank account before a sale needs one; a
// withdrawal before T+N says when; confirming receipt shows what is signed first.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

/** Follows the remedy link under the refusal inside `scope`, and checks the tab is on `page` now. */
async function followRemedy(tabPage: Page, scope: string, page: string): Promise<void> {
  const link = tabPage.locator(`[data-testid="${scope}"] [data-testid="remedy-link"], [data-testid="${scope}"] ~ [data-testid="remedy"] [data-testid="remedy-link"]`).first();
  expect(await link.getAttribute('data-page')).toBe(page);
  await link.click();
  await expect.poll(() => tabPage.evaluate(() => location.hash)).toMatch(new RegExp(`/${page}$`));
  expect(await tabPage.getByTestId(`page-${page}`).getAttribute('aria-current')).toBe('page');
}

describe('guidance from a refusal to its remedy', () => {
  it('an empty wallet links to top-up, top-up without a bank to my bank, online banking without a certificate to applying; the seller is told about its bank account; a withdrawal before T+N says when', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Guidance');
    const ca = await tab(p, worldId, 'ca', 'ca');
    const platform = await tab(p, worldId, 'platform', 'stores');
    const bankA = await tab(p, worldId, 'bank-a', 'bank-counter');
    const bankB = await tab(p, worldId, 'bank-b', 'bank-counter');
    const logistics = await tab(p, worldId, 'logistics', 'shipments');

    // The seller's store page says, before any sale, that it needs a bank account, and links there.
    const { page: seller, partyId: sellerId } = await openStore(p, platform, worldId, 'shop1', '王掌柜');
    await seller.getByTestId('no-bank-notice').waitFor();
    await followRemedy(seller, 'no-bank-notice', 'my-bank');
    await seller.getByTestId('apply-bank').waitFor();

    // A new buyer with an empty wallet buys a ¥45.00 book from the escrow wallet: refused, with
    // the link to top up.
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'buyer1', '李雷');
    await go(buyer, worldId, buyerId, 'shop', 'checkout', `${sellerId}-demo-01`, '1');
    await buyer.getByTestId('checkout-submit').click();
    const orderId = (await buyer.getByTestId('order-detail').getAttribute('data-order'))!;
    await buyer.getByTestId('order-pay').click();
    await buyer.getByTestId('order-error').waitFor();
    expect(await buyer.locator('[data-testid="order-actions"] [data-testid="remedy"]').getAttribute('data-code')).toBe('insufficient_funds');
    await followRemedy(buyer, 'order-actions', 'wallet');
    await buyer.getByTestId('wallet').waitFor();

    // The wallet has no bank to top up from: the link leads to applying for a bank account.
    await buyer.getByTestId('wallet-no-bank').waitFor();
    await followRemedy(buyer, 'wallet-no-bank', 'my-bank');
    await buyer.getByTestId('apply-bank').waitFor();

    // Online banking (U盾) without a certificate: refused, with the link to apply for one.
    await go(buyer, worldId, buyerId, 'online-banking');
    await buyer.getByTestId('bank-login-bank-a').click();
    await buyer.getByTestId('bank-error-bank-a').waitFor();
    await followRemedy(buyer, 'bank-bank-a', 'account');
    await buyer.getByTestId('apply-certificate').waitFor();

    // Done as the links said: a certificate, a bank account with online banking, a top-up; the
    // same order is paid now, shipped, and confirmed after reading what is signed.
    await certify(buyer, ca, buyerId);
    await bankAccount(buyer, bankA, worldId, buyerId, '100');
    await topUp(buyer, worldId, buyerId, '60');
    await go(buyer, worldId, buyerId, 'orders', orderId);
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await ship(seller, logistics, worldId, sellerId, orderId);
    await go(buyer, worldId, buyerId, 'orders', orderId);
    await expect.poll(() => orderState(buyer), { timeout: 5_000 }).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await buyer.getByTestId('order-confirm').click();
    expect(await buyer.getByTestId('receipt-sign-seller').textContent()).toBe('王掌柜的小店');
    expect(await buyer.getByTestId('receipt-sign-amount').textContent()).toBe('CN¥57.00');
    expect(await buyer.getByTestId('receipt-sign-fingerprint').textContent()).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){15}$/);
    await buyer.getByTestId('receipt-sign-cancel').click();
    expect(await orderState(buyer)).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await confirmReceipt(buyer);
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('TRADE_FINISHED');

    // The seller opens its bank account; the notice goes. Withdrawing before T+N says the date.
    await sellerAccount(seller, bankB, worldId, sellerId);
    await go(seller, worldId, sellerId, 'store');
    await seller.getByTestId('store-status').waitFor();
    expect(await seller.getByTestId('no-bank-notice').count()).toBe(0);
    await go(seller, worldId, sellerId, 'wallet');
    await seller.getByTestId('wallet-amount').fill('50');
    await seller.getByTestId('wallet-withdraw').click();
    const refusal = await seller.getByTestId('wallet-error').textContent();
    expect(refusal).toContain('still settling (T+N)');
    expect(refusal).toMatch(/from \S.*\d{4}.*; withdrawable now: CN¥0\.00\.$/);
  });
});
