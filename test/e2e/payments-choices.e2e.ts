import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { bankAccount, certify, go, openStore, orderState, register, sellerAccount, tab } from './flows.ts';

// What a newcomer sees on the payment pages (issue 12 items 4, 5, 7, 9): the remittance instruction
// names bank, holder and account in words and puts the manual transfer first; the transfer typed at
// the buyer's own bank is matched and the seller's page shows the match; selects show their only or
// usual choice; the cash-in-hand figure follows a deposit; a one-card merchant sees its pending
// takings and the bank they are paid into.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

/** The select shows a chosen option (not blank) whose value is `value`. */
async function shows(select: Locator, value: string): Promise<void> {
  await expect.poll(() => select.evaluate((s: HTMLSelectElement) => `${s.selectedIndex}:${s.value}`)).toBe(`0:${value}`);
}

async function ready(p: Profile): Promise<{ worldId: string; start: Page; ca: Page }> {
  const start = await newPage(p, baseUrl);
  const worldId = await createWorld(start, 'Payment choices');
  await start.goto(`${baseUrl}#/w/${worldId}`);
  const ca = await tab(p, worldId, 'ca', 'ca');
  return { worldId, start, ca };
}

describe('payment pages: instructions in words, preselected choices, live figures', () => {
  it('remittance paid by hand at the buyer\'s bank and matched; selects preselected; cash in hand live; one-card takings and their bank', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const { worldId, ca } = await ready(p);
    const platform = await tab(p, worldId, 'platform', 'stores');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    const bankB = await tab(p, worldId, 'bank-b', 'bank-counter');
    const card = await tab(p, worldId, 'card', 'card-company');

    const { page: seller, partyId: sellerId } = await openStore(p, platform, worldId, 'shop1', '王掌柜');
    await sellerAccount(seller, bankB, worldId, sellerId);
    const sellerCard = (await seller.getByTestId('my-account-card').getAttribute('data-card'))!;

    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'buyer1', '李雷');
    await certify(buyer, ca, buyerId);
    await bankAccount(buyer, bank, worldId, buyerId, '1000');

    // Item 7: the cash-in-hand figure of the lab's cash tool follows the notes to the counter.
    await go(buyer, worldId, buyerId, 'my-bank');
    await buyer.getByTestId('give-cash-amount').fill('100');
    await buyer.getByTestId('give-cash-submit').click();
    await expect.poll(() => buyer.getByTestId('give-cash-result').textContent()).toContain('CN¥100.00');
    await bank.getByTestId('counter-account').selectOption(`bank-a:deposit:${buyerId}`);
    await bank.getByTestId('counter-amount').fill('100');
    await bank.getByTestId('counter-deposit').click();
    await bank.getByTestId('counter-result').waitFor();
    await expect.poll(() => buyer.getByTestId('give-cash-result').textContent(), { timeout: 10_000 }).toContain('CN¥0.00');
    await expect.poll(() => buyer.getByTestId('cash-in-hand').textContent()).toContain('CN¥0.00');

    // Item 5: the wallet's bank select shows the only bank (the one used) without picking it,
    // before and after a top-up.
    await go(buyer, worldId, buyerId, 'wallet');
    await buyer.getByTestId('wallet-bank').waitFor();
    await shows(buyer.getByTestId('wallet-bank-select'), 'bank-a');
    await buyer.getByTestId('wallet-amount').fill('100');
    await buyer.getByTestId('wallet-topup').click();
    await expect.poll(() => buyer.getByTestId('wallet-amount').inputValue()).toBe('');
    expect(await buyer.getByTestId('wallet-error').count()).toBe(0);
    await expect.poll(() => buyer.getByTestId('wallet-available').textContent()).toBe('CN¥100.00');
    await shows(buyer.getByTestId('wallet-bank-select'), 'bank-a');

    // Item 4: the remittance instruction, in words, manual way first.
    await go(buyer, worldId, buyerId, 'shop', 'checkout', `${sellerId}-demo-01`, '1');
    await buyer.getByTestId('checkout-payment').selectOption('remittance');
    await buyer.getByTestId('checkout-submit').click();
    const detail = buyer.getByTestId('order-detail');
    await detail.waitFor();
    const orderId = (await detail.getAttribute('data-order'))!;
    await buyer.locator('[data-testid="pay-panel"][data-channel="remittance"]').getByTestId('pay-submit').click();
    await buyer.getByTestId('remit-instruction').waitFor();
    expect(await buyer.getByTestId('remit-bank').textContent()).toBe('Eastern Commercial Bank');
    expect(await buyer.getByTestId('remit-holder').textContent()).toBe('shop1');
    expect(await buyer.getByTestId('remit-account').textContent()).toBe(sellerCard.replace(/(\d{4})(?=\d)/g, '$1 '));
    expect(await buyer.getByTestId('remit-amount').textContent()).toBe('CN¥57.00');
    expect(await buyer.getByTestId('remit-reference').textContent()).toBe(orderId);
    const manualFirst = await buyer.evaluate(() => {
      const manual = document.querySelector('[data-testid="remit-manual"]');
      const helper = document.querySelector('[data-testid="remit-helper"]');
      return manual !== null && helper !== null && (manual.compareDocumentPosition(helper) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    });
    expect(manualFirst).toBe(true);
    expect(await buyer.getByTestId('remit-manual').textContent()).toContain(orderId);
    // Item 5: the helper's bank select shows the buyer's only account.
    await shows(buyer.getByTestId('pay-account'), `bank-a:deposit:${buyerId}`);

    // The manual way: at the buyer's own online banking, the reference typed by hand.
    await buyer.getByTestId('remit-my-bank').click();
    const online = buyer.getByTestId('online-bank-a');
    await online.getByTestId('transfer-payee').fill(sellerCard);
    await online.getByTestId('transfer-amount').fill('57.00');
    await online.getByTestId('transfer-memo').fill(`货款 ${orderId}`);
    await online.getByTestId('transfer-submit').click();
    await online.getByTestId('transfer-result').waitFor();
    // The seller's remittance page runs the matcher and shows which transfer paid which order.
    await go(seller, worldId, sellerId, 'remittances');
    const match = seller.locator(`[data-testid="remit-match-row"][data-order="${orderId}"]`);
    await match.waitFor({ timeout: 10_000 });
    expect(await match.getAttribute('data-by')).toBe('auto');
    expect(await match.getByTestId('remit-match-reference').textContent()).toBe(orderId);
    expect(await match.textContent()).toContain(`货款 ${orderId}`);
    await go(buyer, worldId, buyerId, 'orders', orderId);
    await expect.poll(() => orderState(buyer), { timeout: 10_000 }).toBe('WAIT_SELLER_SEND_GOODS');

    // Item 5: the card repay selects show the only card and the only bank.
    await go(buyer, worldId, buyerId, 'cards');
    await buyer.getByTestId('card-apply-kind').selectOption('credit');
    await buyer.getByTestId('card-apply').click();
    await card.locator(`[data-testid="card-application"][data-applicant="${buyerId}"]`).getByTestId('card-approve').click({ timeout: 10_000 });
    await buyer.getByTestId('card-row').waitFor({ timeout: 10_000 });
    const cardId = (await buyer.getByTestId('card-row').getAttribute('data-card'))!;
    await shows(buyer.getByTestId('card-repay-card'), cardId);
    await shows(buyer.getByTestId('card-repay-bank'), 'bank-a');

    // Item 9: the one-card merchant sees its pending takings and the bank that pays them.
    await go(seller, worldId, sellerId, 'stored-value');
    await seller.getByTestId('sv-join').click();
    await seller.getByTestId('sv-participating').waitFor();
    await go(buyer, worldId, buyerId, 'stored-value');
    await buyer.getByTestId('sv-issue').click();
    const svCard = buyer.getByTestId('sv-card');
    await svCard.getByTestId('sv-topup-amount').fill('50');
    await svCard.getByTestId('sv-topup').click();
    await expect.poll(() => svCard.getAttribute('data-balance')).toBe('50.00');
    await svCard.getByTestId('sv-pay-merchant').selectOption(sellerId);
    await svCard.getByTestId('sv-pay-amount').fill('20');
    await svCard.getByTestId('sv-pay').click();
    await expect.poll(() => svCard.getAttribute('data-balance')).toBe('30.00');
    await expect.poll(() => seller.getByTestId('sv-takings-pending').textContent(), { timeout: 10_000 }).toBe('CN¥20.00');
    expect(await seller.getByTestId('sv-takings').getAttribute('data-bank')).toBe('bank-a');
    // The seller banks at bank-b only: it is told which bank it needs to collect.
    expect(await seller.getByTestId('sv-takings-bank').textContent()).toContain('Huaxin Bank');
  }, 600_000);
});
