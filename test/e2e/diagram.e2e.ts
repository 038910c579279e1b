import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { bankAccount, buyNow, certify, diagramArrows, go, openStore, orderState, register, ship, tab, topUp } from './flows.ts';

// Issue #15.3 acceptance: the live sequence diagram. Two tabs (buyer, seller) act on an order while
// a third shows the order's diagram; each step's arrows appear there live, in order, with the right
// amounts; the exported SVG parses and holds the arrows; the PNG is a PNG.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

/** The buyer confirms receipt; the page may first ask to sign (#14), then the signed confirmation goes. */
async function confirm(buyer: Page): Promise<void> {
  await buyer.getByTestId('order-confirm').click();
  const sign = buyer.getByTestId('receipt-sign-submit');
  await expect.poll(async () => (await sign.count()) > 0 || (await orderState(buyer)) === 'TRADE_FINISHED', { timeout: 10_000 }).toBe(true);
  if ((await sign.count()) > 0) await sign.click();
  await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('TRADE_FINISHED');
}

describe('the live sequence diagram of an order', () => {
  it('grows live in a third tab as the buyer pays, the seller ships and the buyer confirms; exports as SVG and PNG', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Diagram lesson');
    await start.goto(`${baseUrl}#/w/${worldId}`);

    const ca = await tab(p, worldId, 'ca', 'ca');
    const platform = await tab(p, worldId, 'platform', 'stores');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    const logistics = await tab(p, worldId, 'logistics', 'shipments');

    const { page: seller, partyId: sellerId } = await openStore(p, platform, worldId, 'shop1', '王掌柜');
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'buyer1', '李雷');
    await certify(buyer, ca, buyerId);
    await bankAccount(buyer, bank, worldId, buyerId, '1000');
    await topUp(buyer, worldId, buyerId, '200');

    // 《电子商务概论》 ¥45.00 + express ¥12.00.
    const orderId = await buyNow(buyer, worldId, buyerId, `${sellerId}-demo-01`);

    // The third tab: the platform operator's "what just happened" (read-only, on the activity
    // page) shows the newest flow, this order, as its diagram.
    await go(platform, worldId, 'platform', 'activity');
    await platform.getByTestId('seq-recent-show').click();
    const diagram = platform.locator(`[data-testid="seq-diagram"][data-flow="order"][data-flow-id="${orderId}"]`);
    await expect.poll(() => diagramArrows(diagram), { timeout: 10_000 }).toEqual([['marketplace_order_created', '57.00']]);
    // Lifelines named in words (names.ts: a user by the name they registered under), never by id.
    const lifelines = (await diagram.getByTestId('seq-lifeline').allTextContents()).join(' ');
    expect(lifelines).toContain('buyer1');
    expect(lifelines).toContain('shop1');
    expect(lifelines).not.toContain('u-');

    const paid = [['marketplace_order_created', '57.00'], ['charge_succeeded', '57.00'], ['money_hold', '57.00'], ['marketplace_pay', '57.00']];
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => diagramArrows(diagram), { timeout: 10_000 }).toEqual(paid);

    const shipped = [...paid, ['market_shipment_booked', ''], ['marketplace_ship', '']];
    await ship(seller, logistics, worldId, sellerId, orderId);
    await expect.poll(() => diagramArrows(diagram), { timeout: 10_000 }).toEqual(shipped);

    await go(buyer, worldId, buyerId, 'orders', orderId);
    await confirm(buyer);
    // Released ¥57.00: ¥56.10 to the seller, 2% of ¥45.00 = ¥0.90 to the platform.
    const done = [...shipped, ['marketplace_confirm_receipt', ''], ['money_release', '57.00'], ['money_payout', '56.10'], ['money_commission', '0.90']];
    await expect.poll(() => diagramArrows(diagram), { timeout: 10_000 }).toEqual(done);
    const receipt = diagram.locator('[data-testid="seq-arrow"][data-step="marketplace_confirm_receipt"]');
    expect(await receipt.getAttribute('data-signed')).toBe('true');
    expect(await receipt.getByTestId('seq-seal').count()).toBe(1);
    // Amounts on money arrows in the locale's money format.
    expect(await diagram.locator('[data-testid="seq-arrow"][data-step="money_payout"]').textContent()).toContain('56.10');

    // Clicking the signed receipt: the document, its signer, a valid signature, and the entries it caused in words.
    await receipt.click();
    const detail = platform.getByTestId('seq-detail');
    await expect.poll(() => detail.getByTestId('seq-detail-check').getAttribute('data-ok'), { timeout: 10_000 }).toBe('true');
    expect(await detail.getByTestId('seq-detail-signer').textContent()).toContain('李雷');
    const entries = await detail.getByTestId('seq-detail-entries').locator('li').allTextContents();
    expect(entries.length).toBe(4);
    expect(entries.join('\n')).toContain('shop1');
    expect(entries.join('\n')).not.toMatch(/escrow:|u-shop1|platform\./);

    // Export: a standalone SVG that parses and holds every arrow, and a PNG.
    const svgDownload = platform.waitForEvent('download');
    await diagram.getByTestId('seq-export-svg').click();
    const svgFile = await svgDownload;
    expect(svgFile.suggestedFilename()).toMatch(/\.svg$/);
    const svgText = await readFile((await svgFile.path())!, 'utf8');
    const parsed = await platform.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror') !== null,
        root: doc.documentElement.namespaceURI,
        arrows: [...doc.querySelectorAll('[data-testid="seq-arrow"]')].map((a) => [a.getAttribute('data-step') ?? '', a.getAttribute('data-amount') ?? '']),
        style: doc.querySelector('style')?.textContent ?? '',
      };
    }, svgText);
    expect(parsed.error).toBe(false);
    expect(parsed.root).toBe('http://www.w3.org/2000/svg');
    expect(parsed.arrows).toEqual(done);
    expect(parsed.style).toContain('font-family');

    const pngDownload = platform.waitForEvent('download');
    await diagram.getByTestId('seq-export-png').click();
    const pngFile = await pngDownload;
    expect(pngFile.suggestedFilename()).toMatch(/\.png$/);
    const png = await readFile((await pngFile.path())!);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');

    // The same diagram on the order's own page, for the seller.
    await go(seller, worldId, sellerId, 'orders', orderId);
    await seller.getByTestId('seq-show').click();
    await expect.poll(() => diagramArrows(seller.locator(`[data-testid="seq-diagram"][data-flow-id="${orderId}"]`)), { timeout: 10_000 }).toEqual(done);
  });
});
