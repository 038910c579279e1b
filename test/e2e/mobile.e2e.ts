import { afterEach, describe, expect, inject, it } from 'vitest';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { bankAccount, certify, giveImage, go, register, tab, topUp } from './flows.ts';

// Issue 17 in the browser: mobile payment at a shop counter, one tab per party. The buyer's phone
// view shows a payment code; the seller's cashier decodes it from a screenshot of that view (real
// QR decoding of real pixels, dropped in as an image) and charges; the same code again is refused,
// and so is a code a world day old;
// the buyer's phone decodes a screenshot of the shop's code (pasted) and pays above the small-amount
// limit with the PIN. Balances by hand, the trial balance zero and the journal verifying.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

describe('mobile payment', () => {
  it('payment code scanned by the cashier, once; the shop code scanned by the phone, with the PIN', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Mobile payment lesson');
    const ca = await tab(p, worldId, 'ca', 'ca');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    const { page: seller, partyId: sellerId } = await register(p, worldId, 'seller', 'shop1', '王掌柜');
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'buyer1', '李雷');
    await certify(buyer, ca, buyerId);
    await bankAccount(buyer, bank, worldId, buyerId, '1000');
    await topUp(buyer, worldId, buyerId, '500');

    // The buyer's phone: turn mobile payment on, set the PIN. The limit stays ¥200 (the default).
    await go(buyer, worldId, buyerId, 'phone');
    await buyer.getByTestId('phone-open').click();
    await buyer.getByTestId('phone-pay-qr').waitFor();
    await expect.poll(() => buyer.getByTestId('phone-balance').getAttribute('data-amount')).toBe('500.00');
    await buyer.getByTestId('phone-new-pin').fill('135790');
    await buyer.getByTestId('phone-pin-save').click();
    await expect.poll(() => buyer.getByTestId('phone-pin-state').getAttribute('data-set'), { timeout: 30_000 }).toBe('true');
    const firstCode = (await buyer.getByTestId('phone-pay-number').getAttribute('data-code'))!;
    expect(firstCode).toMatch(/^28\d{16}$/);

    // The cashier: ¥36.50, the buyer's code from a screenshot of the phone's QR code.
    await go(seller, worldId, sellerId, 'cashier');
    await seller.getByTestId('cashier-open').click();
    await seller.getByTestId('cashier-amount').fill('36.50');
    const payCodePng = await buyer.getByTestId('phone-pay-qr').screenshot();
    await giveImage(seller, 'cashier-drop', payCodePng, 'drop');
    await expect.poll(() => seller.getByTestId('cashier-result').getAttribute('data-status')).toBe('paid');
    expect(await seller.getByTestId('cashier-result').getAttribute('data-amount')).toBe('36.50');
    await expect.poll(() => seller.getByTestId('cashier-payment').count()).toBe(1);
    // The phone shows a new code at once; its bill lists the payment.
    await expect.poll(() => buyer.getByTestId('phone-pay-number').getAttribute('data-code')).not.toBe(firstCode);
    await expect.poll(() => buyer.locator('[data-testid="phone-bill"][data-direction="paid"]').count()).toBe(1);

    // The same code again (the same screenshot) is refused by name, and nothing moves.
    await seller.getByTestId('cashier-amount').fill('36.50');
    await giveImage(seller, 'cashier-drop', payCodePng, 'drop');
    await expect.poll(() => seller.getByTestId('cashier-error').getAttribute('data-code')).toBe('payment_code_used');
    expect(await seller.getByTestId('cashier-payment').count()).toBe(1);

    // World time passes (a day, moved in the seller's tab): the phone shows a new code, and a
    // screenshot of the code it showed before is refused as out of date.
    const unusedCode = (await buyer.getByTestId('phone-pay-number').getAttribute('data-code'))!;
    const unusedPng = await buyer.getByTestId('phone-pay-qr').screenshot();
    await go(seller, worldId, sellerId, 'activity');
    await seller.getByTestId('advance-days').fill('1');
    await seller.getByTestId('advance').click();
    await expect.poll(() => buyer.getByTestId('phone-pay-number').getAttribute('data-code')).not.toBe(unusedCode);
    await go(seller, worldId, sellerId, 'cashier');
    await seller.getByTestId('cashier-amount').fill('10');
    await giveImage(seller, 'cashier-drop', unusedPng, 'drop');
    await expect.poll(() => seller.getByTestId('cashier-error').getAttribute('data-code')).toBe('payment_code_expired');
    expect(await seller.getByTestId('cashier-payment').count()).toBe(1);

    // The shop's static code, scanned by the phone from a screenshot pasted in: ¥250.00 is above
    // the ¥200 limit, so the phone asks for the PIN.
    const shopPng = await seller.getByTestId('cashier-shop-qr').screenshot();
    await giveImage(buyer, 'phone-drop', shopPng, 'paste');
    await buyer.getByTestId('phone-merchant').waitFor();
    await buyer.getByTestId('phone-pay-amount').fill('250');
    await buyer.getByTestId('phone-pay-pin').fill('135790');
    await buyer.getByTestId('phone-pay-submit').click();
    await buyer.getByTestId('phone-notice').waitFor({ timeout: 30_000 });
    // The merchant's tab shows it at once (live query across tabs).
    await expect.poll(() => seller.getByTestId('cashier-payment').count()).toBe(2);

    // By hand: the buyer 500.00 − 36.50 − 250.00 = 213.50; the seller 36.50 + 250.00 = 286.50.
    await expect.poll(() => buyer.getByTestId('phone-balance').getAttribute('data-amount')).toBe('213.50');
    await expect.poll(() => seller.getByTestId('cashier-balance').getAttribute('data-amount')).toBe('286.50');

    await go(seller, worldId, sellerId, 'auditor');
    await expect.poll(() => seller.getByTestId('trial-result').first().getAttribute('data-pass')).toBe('true');
    expect(await seller.locator('[data-testid="trial-result"][data-pass="false"]').count()).toBe(0);
    await seller.getByTestId('verify').click();
    await expect.poll(() => seller.getByTestId('verify-result').getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
  });
});
