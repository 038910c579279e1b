import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { bankAccount, certify, go, orderState, register, tab, topUp } from './flows.ts';

// Tables laid out as read (issue #12), in Chinese on a narrow window: names, a statement's kind
// (类别) and time, and buttons stay on one line beside the long account ids; the row's border runs under the action
// column too (the seller's goods, the courier's shipments), i.e. that cell is a real table cell.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

/** How many lines a cell's text takes (one client rect per line box). */
async function linesOf(cell: Locator): Promise<number> {
  return cell.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  });
}

/** The last cell of a row is a table cell whose bottom edge (and border) is the row's. */
async function expectActionCellFillsRow(row: Locator): Promise<void> {
  const cell = row.locator('td').last();
  expect.soft(await cell.evaluate((el) => getComputedStyle(el).display)).toBe('table-cell');
  const [rowBox, cellBox] = [await row.boundingBox(), await cell.boundingBox()];
  expect.soft(Math.abs(rowBox!.y + rowBox!.height - (cellBox!.y + cellBox!.height))).toBeLessThan(1);
}

async function narrow(page: Page): Promise<void> {
  await page.setViewportSize({ width: 760, height: 900 });
}

describe('table layout', () => {
  it('a statement keeps its kind and time on one line; the goods’ and shipments’ rows run under their actions', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Layout lesson');
    // Every tab opened from now on reads Chinese (the app's language choice is kept per browser).
    await start.evaluate(() => localStorage.setItem('settlelab.locale', 'zh-CN'));
    const ca = await tab(p, worldId, 'ca', 'ca');
    const platform = await tab(p, worldId, 'platform', 'stores');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    const logistics = await tab(p, worldId, 'logistics', 'shipments');

    // A statement at the bank, with entries from seeding the world.
    await narrow(bank);
    await go(bank, worldId, 'bank-a', 'accounts');
    const vault = bank.locator('tr[data-account="bank-a:vault"]');
    // The accounts list: the owner (华信银行) and the statement button (明细) stay whole.
    expect.soft(await linesOf(vault.locator('td').nth(1))).toBe(1);
    expect.soft(await linesOf(vault.getByTestId('open-statement'))).toBe(1);
    await vault.getByTestId('open-statement').click();
    const rows = bank.getByTestId('statement-row');
    await rows.first().waitFor();
    for (const column of [2, 3]) expect.soft(await linesOf(rows.first().locator('td').nth(column - 1)), `column ${column}`).toBe(1);
    await go(bank, worldId, 'bank-a', 'bank-counter');

    // The seller's goods.
    const { page: seller, partyId: sellerId } = await register(p, worldId, 'seller', 'shop1', '王掌柜');
    await platform.locator(`[data-testid="store-application"][data-seller="${sellerId}"]`).getByTestId('store-approve').click({ timeout: 10_000 });
    await narrow(seller);
    await go(seller, worldId, sellerId, 'store');
    await expect.poll(() => seller.getByTestId('store-status').getAttribute('data-status')).toBe('approved');
    await seller.getByTestId('store-demo').click();
    await expect.poll(() => seller.getByTestId('store-product').count()).toBeGreaterThan(10);
    await expectActionCellFillsRow(seller.getByTestId('store-product').first());

    // The courier's shipments: a paid order booked for pickup.
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'buyer1', '李雷');
    await certify(buyer, ca, buyerId);
    await bankAccount(buyer, bank, worldId, buyerId, '1000');
    await topUp(buyer, worldId, buyerId, '100');
    await go(buyer, worldId, buyerId, 'shop', 'checkout', `${sellerId}-demo-01`, '1');
    await buyer.getByTestId('checkout-submit').click();
    const orderId = (await buyer.getByTestId('order-detail').getAttribute('data-order'))!;
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await go(seller, worldId, sellerId, 'orders', orderId);
    await seller.getByTestId('order-ship').click();
    await seller.getByTestId('order-booked').waitFor();
    await narrow(logistics);
    const shipment = logistics.locator(`[data-testid="shipment-row"][data-order="${orderId}"]`);
    await shipment.waitFor({ timeout: 10_000 });
    await expectActionCellFillsRow(shipment);
  });
});
