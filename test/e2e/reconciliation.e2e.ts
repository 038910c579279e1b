import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { bankAccount, certify, go, openStore, orderState, register, sellerAccount, signInAsTeacher, tab, topUp } from './flows.ts';

// Reconciliation (对账) end to end: three orders through three channels (escrow wallet, online
// banking, debit card); the teacher's lab loses the online-banking callback and delivers the debit
// card's notification twice. After the cut-off the platform's desk shows exactly those two
// differences by name; the clerk restores the order from the bill (补单) and refunds the duplicate;
// the day closes; the trial balance is zero and the journal verifies.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

/** Buy now with `method` (one textbook, express: ¥57.00); returns the order id. */
async function buyNow(buyer: Page, worldId: string, partyId: string, productId: string, method: string): Promise<string> {
  await go(buyer, worldId, partyId, 'shop', 'checkout', productId, '1');
  await buyer.getByTestId('checkout-payment').selectOption(method);
  await buyer.getByTestId('checkout-submit').click();
  const detail = buyer.getByTestId('order-detail');
  await detail.waitFor();
  return (await detail.getAttribute('data-order'))!;
}

async function payOnPanel(buyer: Page, worldId: string, buyerId: string, orderId: string, channel: string): Promise<void> {
  await go(buyer, worldId, buyerId, 'orders', orderId);
  const panel = buyer.locator(`[data-testid="pay-panel"][data-channel="${channel}"]`);
  await panel.waitFor();
  await panel.getByTestId('pay-submit').click();
}

describe('reconciliation desk', () => {
  it('finds a lost callback and a duplicate notification by name; the clerk resolves them and the day closes', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Reconciliation lesson');
    await start.goto(`${baseUrl}#/w/${worldId}`);

    const ca = await tab(p, worldId, 'ca', 'ca');
    const platform = await tab(p, worldId, 'platform', 'stores');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    const bankB = await tab(p, worldId, 'bank-b', 'bank-counter');

    const { page: seller, partyId: sellerId } = await openStore(p, platform, worldId, 'shop1', '王掌柜');
    await sellerAccount(seller, bankB, worldId, sellerId);

    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'buyer1', '李雷');
    await certify(buyer, ca, buyerId);
    await bankAccount(buyer, bank, worldId, buyerId, '1000');
    await topUp(buyer, worldId, buyerId, '100');
    const bookId = `${sellerId}-demo-01`;

    // The teacher makes trouble from the platform's desk: the next online-banking callback is
    // lost, the next debit-card notification arrives twice.
    await signInAsTeacher(platform, worldId);
    await go(platform, worldId, 'platform', 'reconciliation');
    const lab = platform.getByTestId('recon-lab');
    await lab.getByTestId('recon-lab-channel').selectOption('online_banking');
    await lab.getByTestId('recon-lab-lose-callback').click();
    await platform.getByText(/Armed|已设置/).first().waitFor();
    await lab.getByTestId('recon-lab-channel').selectOption('debit_card');
    await lab.getByTestId('recon-lab-deliver-twice').click();
    expect(await lab.getByTestId('recon-lab-error').count()).toBe(0);

    const escrowOrder = await buyNow(buyer, worldId, buyerId, bookId, 'escrow');
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    const onlineOrder = await buyNow(buyer, worldId, buyerId, bookId, 'online_banking');
    await payOnPanel(buyer, worldId, buyerId, onlineOrder, 'online_banking');
    const cardOrder = await buyNow(buyer, worldId, buyerId, bookId, 'debit_card');
    await payOnPanel(buyer, worldId, buyerId, cardOrder, 'debit_card');
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('WAIT_SELLER_SEND_GOODS');
    // The lost callback: the bank took the money, the platform's order still waits for it.
    await go(buyer, worldId, buyerId, 'orders', onlineOrder);
    await expect.poll(() => orderState(buyer)).toBe('WAIT_BUYER_PAY');
    expect(escrowOrder).not.toBe(cardOrder);

    // Past the channels' 23:59 cut-off: midnight of the next world day.
    await go(platform, worldId, 'platform', 'activity');
    await platform.getByTestId('to-date').fill('2026-01-06');
    await platform.getByTestId('to-date').press('Enter');
    await expect.poll(() => platform.getByTestId('world-time').textContent()).toBe('01/06/2026, 00:00');

    await go(platform, worldId, 'platform', 'reconciliation');
    await expect.poll(() => platform.getByTestId('recon-date').inputValue()).toBe('2026-01-05');
    await platform.getByTestId('recon-run').waitFor();
    // The day is read and matched in a reconciliation worker (its own bundled chunk), whose progress
    // bar runs to the day's total and stays full when the desk's command has saved the match.
    const workers: string[] = [];
    platform.on('worker', (w) => workers.push(w.url()));
    await platform.getByTestId('recon-run').click();
    await platform.locator('[data-testid="recon-status"][data-state="open"], [data-testid="recon-error"]').first().waitFor({ timeout: 10_000 });
    expect(await platform.getByTestId('recon-error').count(), (await platform.getByTestId('recon-error').allTextContents()).join()).toBe(0);
    const bar = platform.getByTestId('recon-progress');
    await expect.poll(() => bar.getAttribute('data-state')).toBe('done');
    const total = Number(await bar.getAttribute('data-total'));
    expect(total).toBeGreaterThan(0);
    expect(Number(await bar.getAttribute('data-done'))).toBe(total);
    expect(await bar.evaluate((el) => (el as HTMLProgressElement).value === (el as HTMLProgressElement).max)).toBe(true);
    expect(await platform.getByTestId('recon-cancel').count()).toBe(0);
    expect(workers.some((url) => /recon\.worker/.test(url)), workers.join()).toBe(true);
    const rows = platform.getByTestId('recon-difference');
    await expect.poll(() => rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-kind')).sort())).toEqual(['duplicate_payment', 'long']);
    await expect.poll(() => platform.getByTestId('recon-status').getAttribute('data-state')).toBe('open');
    // Three channel bills, each downloadable.
    expect((await platform.getByTestId('recon-bill').evaluateAll((r) => r.map((x) => x.getAttribute('data-institution')))).sort()).toEqual(['bank-a', 'bank-b', 'escrow']);

    await platform.locator('[data-testid="recon-difference"][data-kind="long"]').getByTestId('recon-action-mark_paid').click();
    await expect.poll(() => platform.locator('[data-testid="recon-difference"][data-kind="long"]').getAttribute('data-resolved')).toBe('true');
    await platform.locator('[data-testid="recon-difference"][data-kind="duplicate_payment"]').getByTestId('recon-action-refund_duplicate').click();
    await expect.poll(() => platform.getByTestId('recon-status').getAttribute('data-state')).toBe('balanced');
    expect(await platform.getByTestId('recon-error').count()).toBe(0);
    expect(await platform.getByTestId('recon-report-action').count()).toBe(2);

    // The restored order is paid; the duplicate is back at the buyer's bank: 1,000 − 100 − 57 − 57 = 786.
    await go(buyer, worldId, buyerId, 'orders', onlineOrder);
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('WAIT_SELLER_SEND_GOODS');
    await go(buyer, worldId, buyerId, 'my-bank');
    await expect.poll(() => buyer.locator('[data-testid="my-account-row"][data-bank="bank-a"]').getByTestId('my-account-balance').textContent(), { timeout: 10_000 }).toBe('CN¥786.00');

    await go(platform, worldId, 'platform', 'auditor');
    await expect.poll(() => platform.getByTestId('trial-result').first().getAttribute('data-pass')).toBe('true');
    expect(await platform.locator('[data-testid="trial-result"][data-pass="false"]').count()).toBe(0);
    await platform.getByTestId('verify').click();
    await expect.poll(() => platform.getByTestId('verify-result').getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
  }, 400_000);
});
