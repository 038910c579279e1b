import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { go, password, signInAsTeacher, tab } from './flows.ts';

// Issue 8 in the browser, one tab per party: a buyer withdraws blind e-cash and buys the demo
// catalogue's ¥0.10 article at checkout paying with coins (the bank exchanges a ¥1 coin); the seller
// deposits; a second deposit of the same coin is refused naming it. Then a Mondex smart-card purchase between the buyer's and the seller's
// tabs, and a one-card (stored-value) top-up and payment.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});


async function register(p: Profile, worldId: string, role: 'buyer' | 'seller', loginName: string, realName: string): Promise<{ page: Page; partyId: string }> {
  const page = await newPage(p, `${baseUrl}#/w/${worldId}`);
  await page.getByTestId(`register-${role}`).click();
  await page.getByTestId('registration-form').waitFor();
  const values: Record<string, string> = {
    loginName, password, passwordAgain: password, realName, deliveryAddress: '北京市海淀区中关村大街1号', deliveryPhone: '13812345678',
    email: `${loginName}@example.com`, postcode: '100080',
  };
  if (role === 'seller') Object.assign(values, { storeName: `${realName}的小店`, storeDescription: '新闻与音乐' });
  for (const [name, value] of Object.entries(values)) await page.getByTestId(`reg-${name}`).fill(value);
  await page.getByTestId('reg-submit').click();
  await page.getByTestId('check-mailbox').waitFor({ timeout: 30_000 });
  const mail = page.locator('[data-testid="mail"][data-subject="mail.activation.subject"]');
  await mail.locator('summary').click();
  const code = /[0-9A-Z]{4}-[0-9A-Z]{4}/.exec((await mail.getByTestId('mail-body').textContent())!)?.[0];
  expect(code).toBeDefined();
  await page.getByTestId('activation-code-input').fill(code!);
  await page.getByTestId('activation-submit').click();
  await expect.poll(() => page.getByTestId('check-mailbox').count()).toBe(0);
  // Log in in this tab (the seller's store page acts for a logged-in seller).
  await page.getByTestId('page-account').click();
  await expect.poll(() => page.getByTestId('account-status').getAttribute('data-status')).toBe('active');
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('logged-in').waitFor({ timeout: 30_000 });
  return { page, partyId: `u-${loginName.toLowerCase()}` };
}

/** The party applies for an account at `bankId` in its tab; the bank's counter tab approves it. */
async function openAccountAt(page: Page, bank: Page, partyId: string, bankId: string): Promise<void> {
  await page.getByTestId('page-my-bank').click();
  await page.getByTestId('apply-bank').selectOption(bankId);
  await page.getByTestId('apply-submit').click();
  const row = bank.locator(`[data-testid="application-row"][data-party="${partyId}"]`);
  await row.waitFor({ timeout: 10_000 });
  await row.getByTestId('application-approve').click();
  await page.locator(`[data-testid="my-account-row"][data-bank="${bankId}"]`).waitFor({ timeout: 10_000 });
}

async function openAccountAtBankA(page: Page, bank: Page, partyId: string): Promise<void> {
  await openAccountAt(page, bank, partyId, 'bank-a');
}

describe('e-cash, smart card and one-card in the browser', () => {
  it('withdraw e-cash → buy a ¥0.10 article → seller deposits → second deposit refused; smart-card purchase; one-card top-up and payment', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'E-cash lesson');
    const bank = await tab(p, worldId, 'bank-a', 'bank-counter');
    await bank.getByTestId('application-queue').waitFor();

    const { page: seller, partyId: sellerId } = await register(p, worldId, 'seller', 'newsdesk', '新闻台');
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'reader', '李雷');
    await openAccountAtBankA(seller, bank, sellerId);
    await openAccountAtBankA(buyer, bank, buyerId);

    // Cash from the lab, paid in at bank A's counter: ¥300 in the buyer's account.
    const clearing = await tab(p, worldId, 'clearing', 'clearing');
    await signInAsTeacher(clearing, worldId);
    await clearing.getByTestId('give-cash-party').selectOption(buyerId);
    await clearing.getByTestId('give-cash-amount').fill('300');
    await clearing.getByTestId('give-cash-submit').click();
    await clearing.getByTestId('give-cash-result').waitFor();
    await bank.getByTestId('counter-account').selectOption(`bank-a:deposit:${buyerId}`);
    await bank.getByTestId('counter-amount').fill('300');
    await bank.getByTestId('counter-deposit').click();
    await bank.getByTestId('counter-result').waitFor();

    // The platform approves the seller's store; the seller fills it with the demo catalogue, whose
    // 12th item is a ¥0.10 news article.
    const platform = await tab(p, worldId, 'platform', 'stores');
    await platform.locator(`[data-testid="store-application"][data-seller="${sellerId}"]`).getByTestId('store-approve').click({ timeout: 10_000 });
    await go(seller, worldId, sellerId, 'store');
    await expect.poll(() => seller.getByTestId('store-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('approved');
    await seller.getByTestId('store-demo').click();
    await expect.poll(() => seller.getByTestId('store-product').count(), { timeout: 10_000 }).toBeGreaterThan(10);
    const articleId = `${sellerId}-demo-12`;

    // The buyer creates the wallet and withdraws ¥13.00 of e-cash (10 + 1 + 1 + 1).
    await buyer.getByTestId('page-ewallet').click();
    await buyer.getByTestId('wallet-password').fill('purse secret 7');
    await buyer.getByTestId('wallet-create').click();
    await buyer.getByTestId('withdraw-bank').selectOption('bank-a');
    await buyer.getByTestId('withdraw-amount').fill('13.00');
    await buyer.getByTestId('withdraw-submit').click();
    await expect.poll(() => buyer.getByTestId('purse-value').getAttribute('data-amount'), { timeout: 20_000 }).toBe('13.00');
    expect(await buyer.getByTestId('coin').count()).toBe(4);

    // Checkout of the ¥0.10 article by express (¥12.00 shipping) paid with e-cash: ¥12.10 in coins,
    // one ¥1 coin exchanged at the bank for smaller ones first.
    await go(buyer, worldId, buyerId, 'shop', 'checkout', articleId, '1');
    await buyer.getByTestId('checkout-payment').selectOption('ecash');
    await buyer.getByTestId('checkout-submit').click();
    const detail = buyer.getByTestId('order-detail');
    await detail.waitFor({ timeout: 10_000 });
    expect((await buyer.getByTestId('pay-submit').textContent()) ?? '').toContain('12.10');
    await buyer.getByTestId('pay-submit').click();
    await expect.poll(() => buyer.getByTestId('charge-row').first().getAttribute('data-status'), { timeout: 30_000 }).toBe('succeeded');
    await expect.poll(() => detail.getAttribute('data-state')).toBe('WAIT_SELLER_SEND_GOODS');
    await go(buyer, worldId, buyerId, 'ewallet');
    await expect.poll(() => buyer.getByTestId('purse-value').getAttribute('data-amount'), { timeout: 10_000 }).toBe('0.90');
    await buyer.locator('[data-testid="recorder-row"][data-channel="ecash"]').waitFor();

    // The seller's till shows the coins live; it deposits; a second deposit is refused naming the coin.
    await go(seller, worldId, sellerId, 'ewallet');
    const coin = seller.getByTestId('till-coin').first();
    await coin.waitFor({ timeout: 10_000 });
    const serial = (await coin.getAttribute('data-serial'))!;
    await seller.getByTestId('till-deposit').click();
    await expect.poll(() => coin.getAttribute('data-status')).toBe('deposited');
    await coin.getByTestId('till-deposit-again').click();
    await expect.poll(async () => (await seller.getByTestId('ewallet-error').textContent()) ?? '').toContain(`Double spend: coin ${serial} was already deposited`);
    await seller.getByTestId('page-my-bank').click();
    await expect.poll(() => seller.locator('[data-testid="my-account-row"][data-bank="bank-a"]').getByTestId('my-account-balance').textContent()).toBe('CN¥12.10');

    // The bank's lab view: the withdrawals and the deposit side by side.
    const lab = await tab(p, worldId, 'bank-a', 'ecash-lab');
    await lab.locator(`[data-testid="lab-deposit"][data-serial="${serial}"]`).waitFor({ timeout: 10_000 });
    expect(await lab.getByTestId('lab-withdrawal').count()).toBeGreaterThanOrEqual(2);

    // Smart card: the seller installs a device; the buyer gets a card, loads it and pays from its tab.
    await go(seller, worldId, sellerId, 'smart-card');
    await seller.getByTestId('sc-acquirer').selectOption('bank-a');
    await seller.getByTestId('sc-register').click();
    const device = seller.getByTestId('device-row');
    await device.waitFor();
    const deviceId = (await device.getAttribute('data-device'))!;
    await go(buyer, worldId, buyerId, 'smart-card');
    await buyer.getByTestId('sc-issuer').selectOption('bank-a');
    await buyer.getByTestId('sc-issue').click();
    const card = buyer.getByTestId('smart-card-row');
    await card.waitFor();
    await card.getByTestId('sc-load-amount').fill('50');
    await card.getByTestId('sc-load').click();
    await expect.poll(() => card.getAttribute('data-balance')).toBe('50.00');
    await card.getByTestId('sc-pay-device').selectOption(deviceId);
    await card.getByTestId('sc-pay-amount').fill('12.30');
    await card.getByTestId('sc-pay').click();
    await expect.poll(() => card.getAttribute('data-balance')).toBe('37.70');
    await expect.poll(() => device.getAttribute('data-takings'), { timeout: 10_000 }).toBe('12.30');
    await seller.getByTestId('sc-deposit').click();
    await expect.poll(() => device.getAttribute('data-takings')).toBe('0.00');

    // One-card: the seller joins the scheme; the buyer gets a card, tops it up and pays.
    await seller.getByTestId('page-stored-value').click();
    await seller.getByTestId('sv-join').click();
    await seller.getByTestId('sv-participating').waitFor();
    await buyer.getByTestId('page-stored-value').click();
    await buyer.getByTestId('sv-issue').click();
    const sv = buyer.getByTestId('sv-card');
    await sv.waitFor();
    await sv.getByTestId('sv-topup-amount').fill('100');
    await sv.getByTestId('sv-topup').click();
    await expect.poll(() => sv.getAttribute('data-balance')).toBe('100.00');
    await sv.getByTestId('sv-pay-merchant').selectOption(sellerId);
    await sv.getByTestId('sv-pay-amount').fill('8.50');
    await sv.getByTestId('sv-pay').click();
    await expect.poll(() => sv.getAttribute('data-balance')).toBe('91.50');
    expect(await buyer.getByTestId('stored-value-error').count()).toBe(0);
  });

  it('a seller banking only at Eastern Commercial deposits Huaxin e-cash: its bank forwards the coin, clearing settles at midnight, a copy is refused', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'E-cash across banks');
    const bankA = await tab(p, worldId, 'bank-a', 'bank-counter');
    await bankA.getByTestId('application-queue').waitFor();
    const bankB = await tab(p, worldId, 'bank-b', 'bank-counter');
    await bankB.getByTestId('application-queue').waitFor();

    const { page: seller, partyId: sellerId } = await register(p, worldId, 'seller', 'easternshop', '东方小店');
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'hanmeimei', '韩梅梅');
    await openAccountAt(seller, bankB, sellerId, 'bank-b');
    await openAccountAtBankA(buyer, bankA, buyerId);

    const clearing = await tab(p, worldId, 'clearing', 'clearing');
    await signInAsTeacher(clearing, worldId);
    await clearing.getByTestId('give-cash-party').selectOption(buyerId);
    await clearing.getByTestId('give-cash-amount').fill('20');
    await clearing.getByTestId('give-cash-submit').click();
    await clearing.getByTestId('give-cash-result').waitFor();
    await bankA.getByTestId('counter-account').selectOption(`bank-a:deposit:${buyerId}`);
    await bankA.getByTestId('counter-amount').fill('20');
    await bankA.getByTestId('counter-deposit').click();
    await bankA.getByTestId('counter-result').waitFor();

    // The buyer withdraws a ¥5 Huaxin coin and pays the seller with it from the e-wallet.
    await buyer.getByTestId('page-ewallet').click();
    await buyer.getByTestId('wallet-password').fill('purse secret 7');
    await buyer.getByTestId('wallet-create').click();
    await buyer.getByTestId('withdraw-bank').selectOption('bank-a');
    await buyer.getByTestId('withdraw-amount').fill('5.00');
    await buyer.getByTestId('withdraw-submit').click();
    await expect.poll(() => buyer.getByTestId('purse-value').getAttribute('data-amount'), { timeout: 20_000 }).toBe('5.00');
    await buyer.getByTestId('pay-merchant').selectOption(sellerId);
    await buyer.getByTestId('pay-amount').fill('5.00');
    await buyer.getByTestId('pay-reference').fill('news-1');
    await buyer.getByTestId('pay-submit').click();
    await expect.poll(() => buyer.getByTestId('purse-value').getAttribute('data-amount'), { timeout: 10_000 }).toBe('0.00');

    // The seller's till names the issuer; it deposits at its own bank, Eastern Commercial.
    await go(seller, worldId, sellerId, 'ewallet');
    const coin = seller.getByTestId('till-coin').first();
    await coin.waitFor({ timeout: 10_000 });
    expect(await coin.getByTestId('till-coin-issuer').textContent()).toBe('Huaxin Bank');
    expect(await seller.getByTestId('till-deposit-bank').inputValue()).toBe('bank-b');
    const serial = (await coin.getAttribute('data-serial'))!;
    await seller.getByTestId('till-deposit').click();
    await expect.poll(() => coin.getAttribute('data-status')).toBe('deposited');
    expect(await seller.getByTestId('ewallet-error').count()).toBe(0);

    // Huaxin checked the coin (its lab view names the bank that forwarded it); the seller is
    // credited at Eastern at once, and the payment waits in clearing.
    const lab = await tab(p, worldId, 'bank-a', 'ecash-lab');
    const deposit = lab.locator(`[data-testid="lab-deposit"][data-serial="${serial}"]`);
    await deposit.waitFor({ timeout: 10_000 });
    expect(await deposit.getByTestId('lab-deposit-acquirer').textContent()).toBe('Eastern Commercial Bank');
    await expect.poll(() => clearing.getByTestId('open-position').count(), { timeout: 10_000 }).toBe(1);

    // A copy of the coin deposited again through Eastern: Huaxin refuses it, naming the coin.
    await coin.getByTestId('till-deposit-again').click();
    await expect.poll(async () => (await seller.getByTestId('ewallet-error').textContent()) ?? '').toContain(`Double spend: coin ${serial} was already deposited`);
    expect(await clearing.getByTestId('open-position').count()).toBe(1);
    await seller.getByTestId('page-my-bank').click();
    await expect.poll(() => seller.locator('[data-testid="my-account-row"][data-bank="bank-b"]').getByTestId('my-account-balance').textContent()).toBe('CN¥5.00');

    // Midnight: the clearing batch settles Huaxin → Eastern.
    await clearing.getByTestId('page-activity').click();
    await clearing.getByTestId('plus-day').click();
    await clearing.getByTestId('page-clearing').click();
    const batch = clearing.locator('[data-testid="batch"][data-batch="batch:0"]');
    await batch.waitFor({ timeout: 10_000 });
    expect(await batch.getByTestId('batch-summary').textContent()).toBe('Payments: 1; gross CN¥5.00; moved between reserves after netting: CN¥5.00.');
    expect(await batch.locator('[data-testid="position"][data-bank="bank-a"]').getByTestId('position-net').textContent()).toBe('-CN¥5.00');
    expect(await clearing.getByTestId('open-position').count()).toBe(0);
  });
});
