import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { bankAccount, buyNow, certify, openStore, orderState, register, signInAsTeacher, tab, topUp } from './flows.ts';

// Issue #19 acceptance: time travel. The buyer pays an order; the teacher opens the world as it
// was after each step of its log: one step back (before the payment) the order is unpaid, one step
// forward it is paid. The past world is a temporary copy that refuses writes.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

/** The order's row in the time-travel view once the world at `step` is on screen. */
async function pastState(teacher: Page, orderId: string, step: number): Promise<string | null> {
  const banner = teacher.getByTestId('time-travel-banner');
  await expect.poll(async () => `${await banner.getAttribute('data-step')}/${await banner.getAttribute('data-busy')}`, { timeout: 30_000 }).toBe(`${step}/false`);
  const row = teacher.locator(`[data-testid="time-travel-order"][data-order="${orderId}"]`);
  return (await row.count()) === 0 ? null : row.getAttribute('data-state');
}

describe('time travel', () => {
  it('steps back to before the payment (unpaid) and forward again (paid), read-only', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Time travel lesson');
    await start.goto(`${baseUrl}#/w/${worldId}`);

    const ca = await tab(p, worldId, 'ca', 'ca');
    const platform = await tab(p, worldId, 'platform', 'stores');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    const { partyId: sellerId } = await openStore(p, platform, worldId, 'shop1', '王掌柜');
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'buyer1', '李雷');
    await certify(buyer, ca, buyerId);
    await bankAccount(buyer, bank, worldId, buyerId, '1000');
    await topUp(buyer, worldId, buyerId, '200');
    const orderId = await buyNow(buyer, worldId, buyerId, `${sellerId}-demo-01`);
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('WAIT_SELLER_SEND_GOODS');

    // The teacher (the tab that made the world) opens time travel from the header.
    await signInAsTeacher(start, worldId);
    await start.getByTestId('time-travel-open').click();
    const slider = start.getByTestId('time-travel-slider');
    await slider.waitFor({ timeout: 30_000 });
    const last = Number(await slider.getAttribute('max'));
    // The newest step is the payment, named in words with the buyer's name.
    expect(await pastState(start, orderId, last)).toBe('WAIT_SELLER_SEND_GOODS');
    const chosen = await start.getByTestId('time-travel-chosen').textContent();
    expect(chosen).toContain('paid an order');
    expect(chosen).toContain('buyer1');
    expect(chosen).not.toContain('payOrder');

    await start.getByTestId('time-travel-back').click();
    expect(await pastState(start, orderId, last - 1)).toBe('WAIT_BUYER_PAY');
    expect(await start.locator(`[data-testid="time-travel-order"][data-order="${orderId}"]`).getByTestId('time-travel-order-state').textContent()).toBe('Waiting for payment');
    if (process.env.SETTLELAB_SHOTS) await start.screenshot({ path: `${process.env.SETTLELAB_SHOTS}/time-travel-en.png`, fullPage: true });

    await start.getByTestId('time-travel-forward').click();
    expect(await pastState(start, orderId, last)).toBe('WAIT_SELLER_SEND_GOODS');

    // The live world did not move: the buyer's order is still paid.
    expect(await orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');

    if (process.env.SETTLELAB_SHOTS) {
      await start.evaluate(() => localStorage.setItem('settlelab.locale', 'zh-CN'));
      await start.reload();
      await signInAsTeacher(start, worldId);
      await start.getByTestId('time-travel-back').click({ timeout: 30_000 });
      await pastState(start, orderId, last - 1);
      await start.screenshot({ path: `${process.env.SETTLELAB_SHOTS}/time-travel-zh.png`, fullPage: true });
    }
  });
});
