import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { bankAccount, certify, confirmReceipt, go, openStore, orderState, register, ship, tab, topUp } from './flows.ts';

// Svelte's runtime warnings in the buyer's tab (issue #12): `derived_inert` means a value derived
// from a component's props or state was read after the component was gone (here: the buy-now
// checkout's live query running once more after the tab moved to the new order), which may show
// a stale value. The buyer goes through the certificate, banking, checkout, paying and the signed
// receipt.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

/** The page's console warnings from now on (Svelte's runtime warnings are `warning`s). */
function warningsOf(page: Page): string[] {
  const messages: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') messages.push(m.text());
  });
  return messages;
}

describe('Svelte runtime warnings', () => {
  it('the buyer’s tab logs no derived_inert warning through the certificate, banking, checkout, paying and the signed receipt', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Warnings lesson');
    // The institutions' tabs (tab() signs each in).
    const ca = await tab(p, worldId, 'ca', 'ca');
    const platform = await tab(p, worldId, 'platform', 'stores');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    const logistics = await tab(p, worldId, 'logistics', 'shipments');

    const { page: seller, partyId: sellerId } = await openStore(p, platform, worldId, 'shop1', '王掌柜');

    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'buyer1', '李雷');
    const warnings = warningsOf(buyer);
    await certify(buyer, ca, buyerId);
    await bankAccount(buyer, bank, worldId, buyerId, '1000');
    await topUp(buyer, worldId, buyerId, '100');

    // "Buy now" checkout moves the tab to the new order; pay, ship, confirm with a signature.
    await go(buyer, worldId, buyerId, 'shop', 'checkout', `${sellerId}-demo-01`, '1');
    await buyer.getByTestId('checkout-submit').click();
    const orderId = (await buyer.getByTestId('order-detail').getAttribute('data-order'))!;
    await buyer.getByTestId('order-pay').click();
    await expect.poll(() => orderState(buyer)).toBe('WAIT_SELLER_SEND_GOODS');
    await ship(seller, logistics, worldId, sellerId, orderId);
    await expect.poll(() => orderState(buyer), { timeout: 5_000 }).toBe('WAIT_BUYER_CONFIRM_GOODS');
    await confirmReceipt(buyer);
    await expect.poll(() => orderState(buyer)).toBe('TRADE_FINISHED');

    expect(warnings.filter((w) => w.includes('derived_inert'))).toEqual([]);
  });
});
