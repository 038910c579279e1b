import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { bankAccount, buyNow, certify, diagramArrows, go, issueCard, openStore, orderState, payOnPanel, register, sellerAccount, ship, tab, topUp } from './flows.ts';

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

/** Checkout for one product paid by `method` (express); returns the order id from the order page. */
async function buyWith(buyer: Page, worldId: string, buyerId: string, productId: string, method: string): Promise<string> {
  await go(buyer, worldId, buyerId, 'shop', 'checkout', productId, '1');
  await buyer.getByTestId('checkout-payment').selectOption(method);
  await buyer.getByTestId('checkout-submit').click();
  const detail = buyer.getByTestId('order-detail');
  await detail.waitFor();
  return (await detail.getAttribute('data-order'))!;
}

describe('the sequence diagrams of a card payment and of an e-cash coin', () => {
  it('a card-paid order’s arrows go to the card company and the acquirer, live as it ships, also from the card page; a coin from the owner’s wallet (what the bank saw, checked) and from the merchant’s till, growing as it is deposited', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Diagram lesson 2');
    await start.goto(`${baseUrl}#/w/${worldId}`);
    const ca = await tab(p, worldId, 'ca', 'ca');
    const platform = await tab(p, worldId, 'platform', 'stores');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    const bankB = await tab(p, worldId, 'bank-b', 'bank-counter');
    const logistics = await tab(p, worldId, 'logistics', 'shipments');
    const cardCompany = await tab(p, worldId, 'card', 'card-company');
    const { page: seller, partyId: sellerId } = await openStore(p, platform, worldId, 'shop1', '王掌柜');
    await sellerAccount(seller, bankB, worldId, sellerId);
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'buyer1', '李雷');
    await certify(buyer, ca, buyerId);
    await bankAccount(buyer, bank, worldId, buyerId, '1000');

    // A credit card: authorised at checkout (a hold at the card company), captured when shipped.
    await issueCard(buyer, cardCompany, worldId, buyerId, 'credit');
    const orderId = await buyWith(buyer, worldId, buyerId, `${sellerId}-demo-01`, 'credit_card');
    await payOnPanel(buyer, worldId, buyerId, orderId, 'credit_card');
    await buyer.getByTestId('seq-show').click();
    const diagram = buyer.locator(`[data-testid="seq-diagram"][data-flow="order"][data-flow-id="${orderId}"]`);
    const authorised = [['marketplace_order_created', '57.00'], ['card_authorize', '57.00'], ['money_card_hold', '57.00']];
    await expect.poll(() => diagramArrows(diagram), { timeout: 10_000 }).toEqual(authorised);
    const parties = await diagram.getByTestId('seq-lifeline').evaluateAll((els) => els.map((el) => el.getAttribute('data-party')));
    expect(parties).toEqual([buyerId, 'card', sellerId]);
    await ship(seller, logistics, worldId, sellerId, orderId);
    const captured = [['card_capture', '57.00'], ['money_card_capture', '57.00'], ['money_card_to_acquirer', '57.00']];
    // The buyer's open diagram gains the seller's and the acquirer's arrows live.
    await expect.poll(() => diagramArrows(diagram), { timeout: 10_000 }).toEqual([...authorised, ['market_shipment_booked', ''], ['marketplace_ship', ''], ...captured]);
    expect(await diagram.getByTestId('seq-lifeline').evaluateAll((els) => els.map((el) => el.getAttribute('data-party')))).toEqual([buyerId, 'card', 'bank-b', sellerId, 'logistics']);
    // The card page lists the payment and opens its own diagram.
    await go(buyer, worldId, buyerId, 'cards');
    await buyer.locator(`[data-testid="card-payment-row"][data-order="${orderId}"]`).getByTestId('card-payment-diagram').click();
    const cardDiagram = buyer.locator('[data-testid="seq-diagram"][data-flow="card_payment"]');
    await expect.poll(() => diagramArrows(cardDiagram), { timeout: 10_000 }).toEqual([...authorised, ...captured]);
    if (process.env.SETTLELAB_SHOTS) await cardDiagram.screenshot({ path: `${process.env.SETTLELAB_SHOTS}/card-en.png` });

    // E-cash: ¥13.00 of coins; the owner's diagram of one coin shows its blind withdrawal.
    await go(buyer, worldId, buyerId, 'ewallet');
    await buyer.getByTestId('wallet-password').fill('purse secret 7');
    await buyer.getByTestId('wallet-create').click();
    await buyer.getByTestId('withdraw-bank').selectOption('bank-a');
    await buyer.getByTestId('withdraw-amount').fill('13.00');
    await buyer.getByTestId('withdraw-submit').click();
    await expect.poll(() => buyer.getByTestId('purse-value').getAttribute('data-amount'), { timeout: 20_000 }).toBe('13.00');
    await buyer.getByTestId('coin-diagram').first().click();
    const owned = buyer.locator('[data-testid="seq-diagram"][data-flow="coin"]');
    await expect.poll(async () => (await diagramArrows(owned)).map((a) => a[0]), { timeout: 10_000 }).toEqual(['ecash_blinded', 'money_ecash_withdraw', 'ecash_blind_signature', 'ecash_unblind']);
    await owned.locator('[data-testid="seq-arrow"][data-step="ecash_blinded"]').click();
    await expect.poll(() => buyer.getByTestId('seq-detail-check').getAttribute('data-ok'), { timeout: 10_000 }).toBe('true');
    expect(await buyer.getByTestId('seq-detail-signer').textContent()).toContain('Huaxin Bank');
    expect(await owned.getByTestId('seq-coin-note').count()).toBe(1);
    if (process.env.SETTLELAB_SHOTS) await buyer.getByTestId('seq-shown').screenshot({ path: `${process.env.SETTLELAB_SHOTS}/coin-en.png` });

    // The buyer pays a ¥0.10 article with coins; the seller's till shows the coin's diagram, which
    // grows as the seller deposits it at bank-b (forwarded to bank-a, its issuer).
    const coined = await buyWith(buyer, worldId, buyerId, `${sellerId}-demo-12`, 'ecash');
    await buyer.getByTestId('pay-submit').click();
    await expect.poll(() => orderState(buyer), { timeout: 30_000 }).toBe('WAIT_SELLER_SEND_GOODS');
    expect(coined).not.toBe('');
    await go(seller, worldId, sellerId, 'ewallet');
    const coin = seller.getByTestId('till-coin').first();
    await coin.waitFor({ timeout: 10_000 });
    await coin.getByTestId('till-coin-diagram').click();
    const till = seller.locator('[data-testid="seq-diagram"][data-flow="coin"]');
    await expect.poll(async () => (await diagramArrows(till)).map((a) => a[0]), { timeout: 10_000 }).toEqual(['ecash_paid']);
    await seller.getByTestId('till-deposit').click();
    await expect.poll(async () => (await diagramArrows(till)).map((a) => a[0]), { timeout: 10_000 }).toEqual(['ecash_paid', 'ecash_deposited', 'ecash_forwarded', 'ecash_spent_recorded', 'money_ecash_deposit']);
  });
});
