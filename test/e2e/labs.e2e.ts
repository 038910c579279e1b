import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchProfile, newPage, type Profile } from './browser.ts';
import { readFileSync } from 'node:fs';
import { go, orderState } from './flows.ts';
import { readLabReportFile } from '../../src/app/labs/report.ts';
import { openFromPanel, refusedWithHint, stepDone } from './lab-steps.ts';

// A guided lab end to end (issue #14), through the UI only: "Try a demo" on the start page builds
// the B2C escrow lab's world, and the lab is done in the buyer's, seller's and logistics company's
// tabs, each opened from the lab panel's links. Every step ticks in every tab from the world's
// state; a wrong action (more than the shop has) and a wrong answer are not accepted and show the
// hint; the right ones are accepted.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

/** The password of the lab's buyer and seller, as the lab panel shows it. */
const labUserPassword = 'settlelab 2026';
const stepIds = ['pay', 'book', 'pickup', 'deliver', 'confirm', 'review', 'settled'];

/** Signs the tab in from the sign-in panel its page shows (the lab panel names the password). */
async function signInHere(page: Page, password: string): Promise<void> {
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('logged-in').or(page.getByTestId('sign-in-panel')).first().waitFor();
  await expect.poll(() => page.getByTestId('sign-in-panel').count(), { timeout: 30_000 }).toBe(0);
}

describe('the B2C escrow lab', () => {
  it('Try a demo → buyer pays → seller ships → courier delivers → buyer confirms and reviews → T+1; every step ticks, every question answered from the world', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const buyer = await newPage(p, baseUrl);
    await buyer.getByTestId('lab-card-b2c-escrow').waitFor();
    await buyer.getByTestId('try-demo').click();
    await buyer.getByTestId('lab-panel').waitFor({ timeout: 60_000 });
    const worldId = decodeURIComponent(/#\/w\/([^/]+)\//.exec(buyer.url())![1]!);
    const buyerId = 'u-lab_buyer';
    const sellerId = 'u-lab_seller';

    // The buyer's tab: its step is due, the lab names the password, the navigation shows the
    // lab's pages with the rest under "More pages".
    await expect.poll(() => buyer.getByTestId('lab-step-pay').getAttribute('data-current')).toBe('true');
    expect(await buyer.getByTestId('lab-password-buyer').textContent()).toBe(labUserPassword);
    // The tab that started the lab is the world's teacher: it shows the institution's password too.
    const logisticsPassword = (await buyer.getByTestId('lab-password-logistics').textContent())!;
    await signInHere(buyer, labUserPassword);
    expect(await buyer.getByTestId('page-shop').count()).toBe(1);
    expect(await buyer.getByTestId('page-wallet').count()).toBe(0);
    await buyer.getByTestId('lab-more-pages').click();
    expect(await buyer.getByTestId('page-wallet').count()).toBe(1);
    await buyer.getByTestId('lab-more-pages').click();

    // A question asked before the world has its answer is not accepted.
    await buyer.getByTestId('lab-answer-commission').fill('0.90');
    await buyer.getByTestId('lab-check-commission').click();
    await buyer.getByTestId('lab-not-yet-commission').waitFor();

    // A wrong action first: more textbooks than the shop has. The checkout is refused, the panel
    // says why with the step's hint, and nothing ticks.
    await go(buyer, worldId, buyerId, 'shop', 'checkout', `${sellerId}-demo-01`, '999');
    await buyer.getByTestId('checkout-submit').click();
    await refusedWithHint(buyer, 'pay', 'out_of_stock', 'Your wallet already holds money');

    // Step 1: buy the textbook with the escrow wallet and pay. Checking out alone ticks nothing.
    await go(buyer, worldId, buyerId, 'shop', 'checkout', `${sellerId}-demo-01`, '1');
    await buyer.getByTestId('checkout-submit').click();
    await buyer.getByTestId('order-detail').waitFor();
    const orderId = (await buyer.getByTestId('order-detail').getAttribute('data-order'))!;
    expect(await stepDone(buyer, 'pay')).toBe('false');
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await expect.poll(() => stepDone(buyer, 'pay'), { timeout: 5_000 }).toBe('true');
    await expect.poll(() => buyer.getByTestId('lab-step-book').getAttribute('data-current')).toBe('true');

    // Step 2: the seller's tab, opened from the buyer's panel, ships.
    const seller = await openFromPanel(p.context, buyer, 'lab-open-seller');
    expect(await stepDone(seller, 'pay')).toBe('true');
    await signInHere(seller, labUserPassword);
    await go(seller, worldId, sellerId, 'orders', orderId);
    await seller.getByTestId('order-ship').click();
    await seller.getByTestId('order-booked').waitFor();
    await expect.poll(() => stepDone(seller, 'book'), { timeout: 5_000 }).toBe('true');

    // Steps 3 and 4: the logistics company's tab, opened from the seller's panel.
    const logistics = await openFromPanel(p.context, seller, 'lab-open-logistics');
    // Not the teacher's tab: the logistics password is not shown here, it comes from the buyer's tab.
    expect(await logistics.getByTestId('lab-password-logistics').count()).toBe(0);
    await signInHere(logistics, logisticsPassword);
    await go(logistics, worldId, 'logistics', 'shipments');
    const row = logistics.locator(`[data-testid="shipment-row"][data-order="${orderId}"]`);
    await row.getByTestId('shipment-pickup').click({ timeout: 10_000 });
    await expect.poll(() => stepDone(logistics, 'pickup'), { timeout: 5_000 }).toBe('true');
    await row.getByTestId('shipment-status').selectOption('delivered');
    await row.getByTestId('shipment-post').click();
    await expect.poll(() => stepDone(logistics, 'deliver'), { timeout: 5_000 }).toBe('true');

    // Steps 5 and 6: the buyer confirms receipt (signed) and reviews.
    await expect.poll(() => buyer.getByTestId('lab-step-confirm').getAttribute('data-current'), { timeout: 5_000 }).toBe('true');
    await go(buyer, worldId, buyerId, 'orders', orderId);
    await buyer.getByTestId('order-confirm').click();
    // The order page may ask first and show what is signed (#14 item 4): sign there.
    const sign = buyer.getByTestId('receipt-sign-submit');
    await sign.or(buyer.locator('[data-testid="order-detail"][data-state="TRADE_FINISHED"]')).first().waitFor();
    if ((await sign.count()) > 0) await sign.click();
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('TRADE_FINISHED');
    await expect.poll(() => stepDone(buyer, 'confirm')).toBe('true');
    await buyer.getByTestId('review-rating').selectOption('5');
    await buyer.getByTestId('review-text').fill('书很新，发货快。');
    await buyer.getByTestId('review-submit').click();
    await expect.poll(() => stepDone(buyer, 'review'), { timeout: 5_000 }).toBe('true');

    // Step 7: the seller moves the clock a day; the released money becomes withdrawable (T+1).
    expect(await stepDone(seller, 'settled')).toBe('false');
    await go(seller, worldId, sellerId, 'activity');
    await seller.getByTestId('advance-days').fill('1');
    await seller.getByTestId('advance').click();
    await expect.poll(() => stepDone(seller, 'settled'), { timeout: 15_000 }).toBe('true');

    // Every step ticked, in every tab.
    for (const page of [buyer, seller, logistics]) {
      for (const id of stepIds) await expect.poll(() => stepDone(page, id), { timeout: 5_000 }).toBe('true');
      await page.getByTestId('lab-complete').waitFor();
    }

    // The questions, read off the order's page. A wrong answer is refused with the hint.
    const commission = (await buyer.getByTestId('settlement-commission').textContent())!;
    const sellerNet = (await buyer.getByTestId('settlement-seller-net').textContent())!;
    const tracking = (await buyer.getByTestId('tracking-number').textContent())!;
    expect(commission).toBe('CN¥0.90'); // 2% of ¥45.00 (books)
    await buyer.getByTestId('lab-answer-commission').fill('1.90');
    await buyer.getByTestId('lab-check-commission').click();
    expect(await buyer.getByTestId('lab-wrong-commission').textContent()).toContain('money trail');
    expect(await buyer.getByTestId('lab-correct-commission').count()).toBe(0);
    await buyer.getByTestId('lab-answer-commission').fill(commission.replace('CN', ''));
    await buyer.getByTestId('lab-check-commission').click();
    await buyer.getByTestId('lab-correct-commission').waitFor();
    await buyer.getByTestId('lab-answer-seller-net').fill(sellerNet.replace('CN¥', ''));
    await buyer.getByTestId('lab-check-seller-net').click();
    await buyer.getByTestId('lab-correct-seller-net').waitFor();
    await buyer.getByTestId('lab-answer-tracking').fill(tracking.trim());
    await buyer.getByTestId('lab-check-tracking').click();
    await buyer.getByTestId('lab-correct-tracking').waitFor();
    // Right answers are kept in the world: the seller's tab shows them answered too.
    for (const q of ['commission', 'seller-net', 'tracking']) await seller.getByTestId(`lab-correct-${q}`).waitFor({ timeout: 5_000 });

    // The lab report: steps with world times, the answers, the ledger head; downloaded with a checksum.
    await expect.poll(() => buyer.getByTestId('lab-report-answer-commission').textContent()).toContain('¥0.90');
    const [download] = await Promise.all([buyer.waitForEvent('download'), buyer.getByTestId('lab-report-download').click()]);
    const file = readFileSync((await download.path())!, 'utf8');
    const report = readLabReportFile(file);
    expect(report.ok).toBe(true);
    if (report.ok) {
      expect(report.value.steps.map((s) => s.done)).toEqual(stepIds.map(() => true));
      expect(report.value.answers.map((a) => a.answer)).toEqual([commission.replace('CN', ''), sellerNet.replace('CN¥', ''), tracking.trim()]);
      expect(await buyer.getByTestId('lab-report-head').textContent()).toContain(report.value.ledgerHead.hash);
    }
    expect(readLabReportFile(file.replace('"done": true', '"done": false'))).toMatchObject({ ok: false, code: 'report_checksum_mismatch' });
    // The teacher's view of the file (this tab started the lab: the teacher): it matches this world;
    // the same file edited is refused.
    await buyer.getByTestId('lab-report-check-file').setInputFiles({ name: 'report.json', mimeType: 'application/json', buffer: Buffer.from(file) });
    await expect.poll(() => buyer.getByTestId('lab-report-check-verdict').getAttribute('data-verdict')).toBe('matches');
    expect(await buyer.getByTestId('lab-report-check-steps').textContent()).toContain('this books the courier');
    await buyer.getByTestId('lab-report-check-file').setInputFiles({ name: 'edited.json', mimeType: 'application/json', buffer: Buffer.from(file.replace('"done": true', '"done": false')) });
    await expect.poll(() => buyer.getByTestId('lab-report-check-verdict').getAttribute('data-verdict')).toBe('refused');
  });
});
