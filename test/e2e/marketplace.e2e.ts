import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { bankAccount, certify, confirmReceipt, go, orderState, register, ship, signInAsTeacher, tab, topUp } from './flows.ts';

// The B2C marketplace end to end, one browser profile, one tab per party: a buyer and a seller
// register and activate, the seller lists goods with a picture, the buyer searches, carts, checks
// out, tops up the escrow wallet from the bank through online banking and pays; the seller sees
// the paid order live and ships through the logistics company's tab; the buyer confirms with a
// signature; the books balance and the journal verifies. Then an order confirms itself when the
// clock moves 10 days, a refused refund is decided by the platform operator, and two buyers race
// for the last item.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});


// ---- a small PNG, made here (8 × 8, red), for the product picture upload --------------------------

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows.set(rgb, y * (1 + width * 3) + 1 + x * 3);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

// ---- helpers -----------------------------------------------------------------------------------

/** Buy now: checkout for one product, express, escrow; returns the order id from the order page. */
async function buyNow(buyer: Page, worldId: string, partyId: string, productId: string): Promise<string> {
  await go(buyer, worldId, partyId, 'shop', 'checkout', productId, '1');
  await buyer.getByTestId('checkout-submit').click();
  const detail = buyer.getByTestId('order-detail');
  await detail.waitFor();
  return (await detail.getAttribute('data-order'))!;
}

describe('the B2C marketplace, paid through the escrow agent', () => {
  it('register → list with a picture → search, cart, checkout → top up and pay → ship live → signed receipt → books balance; auto-confirm after 10 days; a refused refund decided by the platform; two buyers race for the last item', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Market lesson');
    await start.goto(`${baseUrl}#/w/${worldId}`);

    const ca = await tab(p, worldId, 'ca', 'ca');
    const platform = await tab(p, worldId, 'platform', 'stores');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    const logistics = await tab(p, worldId, 'logistics', 'shipments');
    const escrow = await tab(p, worldId, 'escrow', 'escrow');

    // Both users register and activate; the platform approves the seller's store.
    const { page: seller, partyId: sellerId } = await register(p, worldId, 'seller', 'shop1', '王掌柜');
    await platform.locator(`[data-testid="store-application"][data-seller="${sellerId}"]`).getByTestId('store-approve').click({ timeout: 10_000 });
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'buyer1', '李雷');
    await certify(buyer, ca, buyerId);
    await bankAccount(buyer, bank, worldId, buyerId, '1000');

    // The seller lists a product with a picture, and fills the store with the demo catalogue.
    await go(seller, worldId, sellerId, 'store');
    await expect.poll(() => seller.getByTestId('store-status').getAttribute('data-status')).toBe('approved');
    await seller.getByTestId('store-new-product').click();
    await seller.getByTestId('form-number').fill('DG-EAR-01');
    await seller.getByTestId('form-name').fill('蓝牙耳机');
    await seller.getByTestId('form-name-en').fill('Bluetooth earphones');
    await seller.getByTestId('form-category').selectOption('digital');
    await seller.getByTestId('form-spec').fill('白色 · 降噪版');
    await seller.getByTestId('form-price').fill('199');
    await seller.getByTestId('form-stock').fill('5');
    await seller.getByTestId('form-pictures').setInputFiles({ name: 'earphones.png', mimeType: 'image/png', buffer: png(8, 8, [200, 30, 30]) });
    await seller.getByTestId('form-new-picture').waitFor();
    await seller.getByTestId('form-submit').click();
    const earphones = seller.locator('[data-testid="store-product"][data-number="DG-EAR-01"]');
    await earphones.waitFor();
    const earphonesId = (await earphones.getAttribute('data-product'))!;
    await seller.getByTestId('store-demo').click();
    await expect.poll(() => seller.getByTestId('store-product').count()).toBeGreaterThan(10);
    const bookId = `${sellerId}-demo-01`; // 《电子商务概论》教材, ¥45.00, books 2%

    // The seller's tab waits on its orders page.
    await go(seller, worldId, sellerId, 'orders');

    // The buyer searches in Chinese and by number, puts two items in the cart and checks out.
    await go(buyer, worldId, buyerId, 'shop');
    await buyer.getByTestId('shop-search').fill('蓝牙');
    const card = buyer.locator(`[data-testid="product-card"][data-product="${earphonesId}"]`);
    await card.waitFor();
    await card.getByRole('link').click();
    await buyer.getByTestId('product-page').waitFor();
    expect(await buyer.getByTestId('product-number').textContent()).toBe('DG-EAR-01');
    // The uploaded picture, resized in the browser and stored as a Blob, is shown.
    await expect.poll(() => buyer.getByTestId('product-picture').count()).toBeGreaterThan(0);
    expect(await buyer.getByTestId('product-picture').first().getAttribute('src')).toMatch(/^blob:/);
    await buyer.getByTestId('product-add-cart').click();
    await go(buyer, worldId, buyerId, 'shop');
    await buyer.getByTestId('shop-search').fill('bk-ushop1-01');
    await buyer.locator(`[data-testid="product-card"][data-product="${bookId}"]`).getByRole('link').click();
    await buyer.getByTestId('product-add-cart').click();
    await buyer.getByTestId('shop-cart-link').click();
    await expect.poll(() => buyer.getByTestId('cart-line').count()).toBe(2);
    expect(await buyer.getByTestId('cart-total').textContent()).toBe('CN¥244.00');
    await buyer.getByTestId('cart-checkout').click();
    // The address comes from the registration profile.
    await expect.poll(() => buyer.getByTestId('checkout-address').inputValue()).toBe('北京市海淀区中关村大街1号');
    expect(await buyer.getByTestId('checkout-total').textContent()).toBe('CN¥244.00'); // 满99包邮
    await buyer.getByTestId('checkout-submit').click();
    await buyer.getByTestId('order-detail').waitFor();
    const firstOrder = (await buyer.getByTestId('order-detail').getAttribute('data-order'))!;
    expect(await buyer.getByTestId('order-line').count()).toBe(2);
    expect(await buyer.getByTestId('order-total').textContent()).toBe('CN¥244.00');
    expect(await buyer.getByTestId('order-shipping-fee').textContent()).toBe('CN¥0.00');

    // Top up the escrow wallet from the bank (online banking), then pay: the money is held.
    await topUp(buyer, worldId, buyerId, '600');
    await go(buyer, worldId, buyerId, 'orders', firstOrder);
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await expect.poll(() => buyer.getByTestId('money-holder').getAttribute('data-holder')).toBe('escrow');
    // The escrow agent's desk shows the hold.
    await expect.poll(() => escrow.getByTestId('escrow-held').textContent(), { timeout: 5_000 }).toBe('CN¥244.00');

    // The seller's tab shows the paid order the moment it is paid, and a notification.
    await seller.locator(`[data-testid="paid-order"][data-order="${firstOrder}"]`).waitFor({ timeout: 5_000 });
    await expect.poll(async () => (await seller.getByTestId('toast').allTextContents()).join(' '), { timeout: 5_000 }).toContain('An order of your store was paid');

    // The buyer watches the order while the seller ships and the courier moves the parcel.
    await ship(seller, logistics, worldId, sellerId, firstOrder);
    await expect.poll(() => orderState(buyer), { timeout: 5_000 }).toBe('WAIT_BUYER_CONFIRM_GOODS');
    expect(await buyer.getByTestId('tracking-number').textContent()).toMatch(/^SD\d{10}$/);
    const row = logistics.locator(`[data-testid="shipment-row"][data-order="${firstOrder}"]`);
    await row.getByTestId('shipment-status').selectOption('in_transit');
    await row.getByTestId('shipment-place').fill('上海转运中心');
    await row.getByTestId('shipment-post').click();
    await expect.poll(() => buyer.getByTestId('tracking-event').count(), { timeout: 5_000 }).toBe(3);
    await row.getByTestId('shipment-status').selectOption('delivered');
    await row.getByTestId('shipment-post').click();
    await expect.poll(() => buyer.getByTestId('tracking-status').getAttribute('data-status'), { timeout: 5_000 }).toBe('delivered');

    // The buyer confirms receipt: a signed document, verified before the escrow releases the money.
    await confirmReceipt(buyer);
    await expect.poll(() => orderState(buyer)).toBe('TRADE_FINISHED');
    // Commission: 3% of ¥199.00 = ¥5.97 (digital) + 2% of ¥45.00 = ¥0.90 (books) = ¥6.87.
    expect(await buyer.getByTestId('settlement-commission').textContent()).toBe('CN¥6.87');
    await expect.poll(() => buyer.getByTestId('money-holder').getAttribute('data-holder')).toBe('seller');
    const codes = () => buyer.getByTestId('trail-entry').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
    await expect.poll(codes).toEqual(['escrow.hold', 'escrow.release', 'escrow.payout', 'platform.commission', 'platform.commission']);
    await buyer.getByTestId('review-rating').selectOption('5');
    await buyer.getByTestId('review-text').fill('音质很好，发货快。');
    await buyer.getByTestId('review-submit').click();
    await expect.poll(() => buyer.getByTestId('review-form').count()).toBe(0);

    // The seller's wallet: the price less commission (settling until T+1); the platform's account: the commission.
    await go(seller, worldId, sellerId, 'wallet');
    await expect.poll(() => seller.getByTestId('wallet-settling').textContent()).toBe('CN¥237.13');
    await go(platform, worldId, 'platform', 'commission');
    await expect.poll(() => platform.getByTestId('commission-income').textContent()).toBe('CN¥6.87');
    // The operator's marketplace rules: a bad value is named in plain words; a good one shows at once.
    // They are lab settings: the operator's tab shows the rules in force, and changes them only
    // once the teacher signs in there.
    const rules = platform.getByTestId('market-rules');
    await rules.getByTestId('market-rules-locked').waitFor();
    expect(await rules.getByTestId('market-rules-save').count()).toBe(0);
    await signInAsTeacher(platform, worldId);
    const rule = (field: string) => rules.locator(`[data-testid="market-rule"][data-field="${field}"]`);
    await rule('payTimeoutHours').locator('input').fill('0');
    await rules.getByTestId('market-rules-save').click();
    await expect.poll(() => rules.getByTestId('market-rules-error').textContent()).toBe('Hours a buyer has to pay before the order closes: enter a whole number from 1 to 8760.');
    await rule('payTimeoutHours').locator('input').fill('');
    await rule('refundRequestsMax').locator('input').fill('5');
    await rules.getByTestId('market-rules-save').click();
    await expect.poll(() => rule('refundRequestsMax').getByTestId('market-rule-now').textContent()).toBe('5');
    expect(await rule('payTimeoutHours').getByTestId('market-rule-now').textContent()).toBe('24');

    // The product page shows the review.
    await go(buyer, worldId, buyerId, 'shop', 'product', earphonesId);
    await expect.poll(() => buyer.getByTestId('review').count()).toBe(1);

    // A second order confirms itself when the clock advances 10 days after shipping.
    const second = await buyNow(buyer, worldId, buyerId, bookId);
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await ship(seller, logistics, worldId, sellerId, second);
    await expect.poll(() => orderState(buyer)).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await go(platform, worldId, 'platform', 'activity');
    await platform.getByTestId('advance-days').fill('10');
    await platform.getByTestId('advance').click();
    await expect.poll(() => orderState(buyer), { timeout: 15_000 }).toBe('TRADE_FINISHED');
    // T+1 has passed too: the first order's money is withdrawable; the second's (¥57.00 less ¥0.90) settles.
    await go(seller, worldId, sellerId, 'wallet');
    await expect.poll(() => seller.getByTestId('wallet-available').textContent(), { timeout: 10_000 }).toBe('CN¥237.13');
    expect(await seller.getByTestId('wallet-settling').textContent()).toBe('CN¥56.10');

    // A third goes through a refused refund that the platform decides for the buyer.
    const third = await buyNow(buyer, worldId, buyerId, bookId);
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await ship(seller, logistics, worldId, sellerId, third);
    await expect.poll(() => orderState(buyer)).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await buyer.getByTestId('refund-reason').fill('书页破损严重');
    await buyer.getByTestId('refund-return-tracking').fill('SF1234567890');
    await buyer.getByTestId('refund-submit').click();
    await buyer.getByTestId('order-timer-paused').waitFor();
    await expect.poll(() => seller.getByTestId('refund-agree').count(), { timeout: 5_000 }).toBe(1);
    await seller.getByTestId('refund-refuse-reason').fill('发货前已检查，包装完好');
    await seller.getByTestId('refund-refuse').click();
    await expect.poll(() => buyer.getByTestId('refund-open').getAttribute('data-status'), { timeout: 5_000 }).toBe('SELLER_REFUSE_BUYER');
    await go(platform, worldId, 'platform', 'disputes');
    await platform.locator(`[data-testid="dispute-row"][data-order="${third}"]`).getByTestId('dispute-link').click();
    await platform.getByTestId('decision-full_refund').check();
    await platform.getByTestId('decision-reason').fill('物流记录显示外包装破损，支持买家');
    await platform.getByTestId('decision-submit').click();
    await expect.poll(() => orderState(buyer), { timeout: 5_000 }).toBe('TRADE_CLOSED');
    expect(await buyer.getByTestId('arbitration').getAttribute('data-outcome')).toBe('full_refund');
    await expect.poll(() => buyer.getByTestId('money-holder').getAttribute('data-holder')).toBe('buyer');
    // 600 - 244 (first) - 57 (second: ¥45 + ¥12 express) = 299; the third came back in full.
    await go(buyer, worldId, buyerId, 'wallet');
    await expect.poll(() => buyer.getByTestId('wallet-available').textContent()).toBe('CN¥299.00');

    // Two tabs buy the last item at the same time: one order, one "out of stock".
    await go(seller, worldId, sellerId, 'store', 'new');
    await seller.getByTestId('form-number').fill('LTD-0001');
    await seller.getByTestId('form-name').fill('限量版纪念徽章');
    await seller.getByTestId('form-spec').fill('铜质 · 编号款');
    await seller.getByTestId('form-price').fill('30');
    await seller.getByTestId('form-stock').fill('1');
    await seller.getByTestId('form-submit').click();
    const lastId = (await seller.locator('[data-testid="store-product"][data-number="LTD-0001"]').getAttribute('data-product', { timeout: 10_000 }))!;
    const { page: buyer2, partyId: buyer2Id } = await register(p, worldId, 'buyer', 'buyer2', '韩梅梅');
    await go(buyer, worldId, buyerId, 'shop', 'checkout', lastId, '1');
    await go(buyer2, worldId, buyer2Id, 'shop', 'checkout', lastId, '1');
    await buyer.getByTestId('checkout-submit').waitFor();
    await buyer2.getByTestId('checkout-submit').waitFor();
    await Promise.all([buyer.getByTestId('checkout-submit').click(), buyer2.getByTestId('checkout-submit').click()]);
    const outcome = async (page: Page) => {
      await expect.poll(async () => (await page.getByTestId('order-detail').count()) + (await page.getByTestId('checkout-error').count()), { timeout: 10_000 }).toBe(1);
      return (await page.getByTestId('order-detail').count()) === 1 ? 'order' : ((await page.getByTestId('checkout-error').textContent()) ?? '');
    };
    const results = await Promise.all([outcome(buyer), outcome(buyer2)]);
    expect(results.filter((r) => r === 'order')).toHaveLength(1);
    expect(results.filter((r) => r !== 'order')).toEqual(['Out of stock: only 0 left.']);

    // Nothing is held any more: every paid order was settled or refunded.
    await expect.poll(() => escrow.getByTestId('escrow-held').textContent()).toBe('CN¥0.00');

    // The trial balance is zero and the journal verifies.
    await go(platform, worldId, 'platform', 'auditor');
    await expect.poll(() => platform.getByTestId('trial-result').first().getAttribute('data-pass')).toBe('true');
    expect(await platform.locator('[data-testid="trial-result"][data-pass="false"]').count()).toBe(0);
    await platform.getByTestId('verify').click();
    await expect.poll(() => platform.getByTestId('verify-result').getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
  }, 600_000);
});
