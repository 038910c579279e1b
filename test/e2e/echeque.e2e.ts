import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { certify, go, register, signInAsTeacher, tab } from './flows.ts';

// Signed e-cheques end to end, one tab per party (buyer, seller, two banks, the CA, the platform,
// the clearing system): bank A enables the buyer's account for cheques and issues a book; the
// buyer checks out paying by e-cheque (the gateway's charge waits) and signs a cheque in his tab
// for the order's total; the seller runs the checklist, endorses and deposits it at bank B; bank B
// presents it and bank A pays it through clearing, capturing the order's charge; midnight's batch
// settles; a second presentment of the same cheque is returned as a duplicate; a cheque whose
// amount the lab changed after signing is returned as altered; balances, the trial balance and
// the journal check out.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});


/** An account at `bankId` approved at its counter, with ¥`cash` paid in when given. */
async function bankAccount(user: Page, bank: Page, worldId: string, partyId: string, bankId: string, cash: string | null): Promise<void> {
  await go(user, worldId, partyId, 'my-bank');
  await user.getByTestId('apply-bank').selectOption(bankId);
  await user.getByTestId('apply-submit').click();
  await bank.locator(`[data-testid="application-row"][data-party="${partyId}"]`).getByTestId('application-approve').click({ timeout: 10_000 });
  await user.locator(`[data-testid="my-account-row"][data-bank="${bankId}"]`).waitFor({ timeout: 10_000 });
  if (cash === null) return;
  await signInAsTeacher(user, worldId);
  await user.getByTestId('give-cash-amount').fill(cash);
  await user.getByTestId('give-cash-submit').click();
  await user.getByTestId('give-cash-result').waitFor();
  await bank.getByTestId('counter-account').selectOption(`${bankId}:deposit:${partyId}`);
  await bank.getByTestId('counter-amount').fill(cash);
  await bank.getByTestId('counter-deposit').click();
  await bank.getByTestId('counter-result').waitFor();
}

async function balance(user: Page, worldId: string, partyId: string, bankId: string): Promise<string> {
  await go(user, worldId, partyId, 'my-bank');
  return ((await user.locator(`[data-testid="my-account-row"][data-bank="${bankId}"] [data-testid="my-account-balance"]`).textContent()) ?? '').trim();
}

/** The buyer signs and sends a cheque to the seller from his chequebook page. */
async function writeCheque(buyer: Page, worldId: string, buyerId: string, sellerId: string, amount: string, memo: string, orderId = ''): Promise<void> {
  await go(buyer, worldId, buyerId, 'chequebook');
  await buyer.getByTestId('cheque-payee-select').selectOption(sellerId);
  await buyer.getByTestId('cheque-amount').fill(amount);
  await buyer.getByTestId('cheque-memo').fill(memo);
  await buyer.getByTestId('cheque-order').fill(orderId);
  const before = await buyer.getByTestId('written-row').count();
  await buyer.getByTestId('cheque-write-submit').click();
  await expect.poll(() => buyer.getByTestId('written-row').count(), { timeout: 10_000 }).toBe(before + 1);
  expect(await buyer.getByTestId('cheque-write-error').count()).toBe(0);
}

/** The seller opens the cheque in its inbox. */
async function openInbox(seller: Page, worldId: string, sellerId: string, number: string): Promise<void> {
  await go(seller, worldId, sellerId, 'cheques');
  const row = seller.locator(`[data-testid="inbox-row"][data-number="${number}"]`);
  await row.waitFor({ timeout: 10_000 });
  if ((await seller.locator(`[data-testid="inbox-detail"] [data-cheque$=":${number}"]`).count()) === 0) await row.getByTestId('inbox-open').click();
  await seller.getByTestId('inbox-detail').waitFor();
}

/** Bank B presents the deposited cheque, bank A decides it; returns the decided row's outcome and reason. */
async function presentAndDecide(worldId: string, bankB: Page, bankA: Page, number: string, expectedDecided: number): Promise<{ outcome: string; reason: string }> {
  await go(bankB, worldId, 'bank-b', 'cheque-desk');
  await go(bankA, worldId, 'bank-a', 'cheque-desk');
  await bankB.locator(`[data-testid="present-row"][data-number="${number}"]`).getByTestId('desk-present').click({ timeout: 10_000 });
  await bankA.locator(`[data-testid="decide-row"][data-number="${number}"]`).getByTestId('desk-decide').click({ timeout: 10_000 });
  const decided = bankA.locator(`[data-testid="decided-row"][data-number="${number}"]`);
  await expect.poll(() => decided.count(), { timeout: 10_000 }).toBe(expectedDecided);
  const newest = decided.first();
  return { outcome: (await newest.getAttribute('data-outcome')) ?? '', reason: (await newest.getAttribute('data-reason')) ?? '' };
}

describe('signed e-cheques in the browser', () => {
  it('buyer pays an order by e-cheque, seller verifies, endorses and deposits, bank A pays through clearing; duplicate and altered cheques are returned', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'E-cheque lesson');
    await start.goto(`${baseUrl}#/w/${worldId}`);

    const ca = await tab(p, worldId, 'ca', 'ca');
    const bankA = await tab(p, worldId, 'bank-a', 'bank-counter');
    const bankB = await tab(p, worldId, 'bank-b', 'bank-counter');

    const platform = await tab(p, worldId, 'platform', 'stores');
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'lilei', '李雷');
    const { page: seller, partyId: sellerId } = await register(p, worldId, 'seller', 'wangfang', '王芳');
    await platform.locator(`[data-testid="store-application"][data-seller="${sellerId}"]`).getByTestId('store-approve').click({ timeout: 10_000 });
    await go(seller, worldId, sellerId, 'store');
    await expect.poll(() => seller.getByTestId('store-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('approved');
    await seller.getByTestId('store-demo').click();
    await expect.poll(() => seller.getByTestId('store-product').count(), { timeout: 10_000 }).toBeGreaterThan(10);
    const productId = `${sellerId}-demo-01`; // a textbook, ¥45.00
    await bankAccount(buyer, bankA, worldId, buyerId, 'bank-a', '1000');
    await bankAccount(seller, bankB, worldId, sellerId, 'bank-b', null);
    await certify(buyer, ca, buyerId);
    await certify(seller, ca, sellerId);

    // Bank A's cheque desk enables the buyer's account for cheques and issues a book of 25.
    await go(bankA, worldId, 'bank-a', 'cheque-desk');
    const account = bankA.locator(`[data-testid="desk-account-row"][data-party="${buyerId}"]`);
    await account.getByTestId('desk-enable').click({ timeout: 10_000 });
    await account.getByTestId('desk-issue').click({ timeout: 10_000 });
    await account.getByTestId('desk-book').waitFor({ timeout: 10_000 });
    expect(await account.getByTestId('desk-book').textContent()).toBe('10000001×25');

    // The buyer checks out paying by e-cheque: the charge waits (pending) for the cheque, and the
    // order stays unpaid until the cheque is paid (the seller cannot ship against it).
    await go(buyer, worldId, buyerId, 'shop', 'checkout', productId, '1');
    await buyer.getByTestId('checkout-payment').selectOption('echeque');
    await buyer.getByTestId('checkout-submit').click();
    const detail = buyer.getByTestId('order-detail');
    await detail.waitFor({ timeout: 10_000 });
    const orderId = (await detail.getAttribute('data-order'))!;
    const payLabel = (await buyer.getByTestId('pay-submit').textContent()) ?? '';
    const total = /([\d,]+\.\d{2})/.exec(payLabel)![1]!.replace(/,/g, '');
    expect(total).toBe('57.00'); // ¥45.00 + ¥12.00 express shipping
    await buyer.getByTestId('pay-submit').click();
    await expect.poll(() => buyer.getByTestId('charge-row').first().getAttribute('data-status'), { timeout: 10_000 }).toBe('pending');
    expect(await detail.getAttribute('data-state')).toBe('WAIT_BUYER_PAY');

    // He signs a cheque for the order's total in his tab and sends it to the seller.
    await writeCheque(buyer, worldId, buyerId, sellerId, total, 'order', orderId);
    // The seller sees it as a cheque: capitals, figures, the drawer's signature fingerprint.
    await openInbox(seller, worldId, sellerId, '10000001');
    expect(await seller.getByTestId('cheque-words').textContent()).toBe('人民币伍拾柒元整');
    expect(await seller.getByTestId('cheque-figures').textContent()).toBe('CN¥57.00');
    expect(await seller.getByTestId('cheque-drawer-print').textContent()).toMatch(/[0-9a-f]{2}/);
    await seller.getByTestId('inbox-verify').click();
    await expect.poll(() => seller.getByTestId('checklist-summary').getAttribute('data-passed'), { timeout: 10_000 }).toBe('true');
    expect(await seller.getByTestId('checklist-item').count()).toBe(10);
    await seller.getByTestId('inbox-endorse').click();
    await seller.getByTestId('cheque-endorsement').waitFor({ timeout: 10_000 });
    expect(await seller.getByTestId('cheque-endorser-print').textContent()).toMatch(/[0-9a-f]{2}/);
    await seller.getByTestId('inbox-deposit').click();
    await expect.poll(() => seller.locator('[data-testid="inbox-row"][data-number="10000001"]').getAttribute('data-status'), { timeout: 10_000 }).toBe('deposited');

    const paid = await presentAndDecide(worldId, bankB, bankA, '10000001', 1);
    expect(paid).toEqual({ outcome: 'paid', reason: '' });
    await expect.poll(() => seller.locator('[data-testid="inbox-row"][data-number="10000001"]').getAttribute('data-status'), { timeout: 10_000 }).toBe('paid');
    expect(await seller.locator('[data-testid="cheque-history"] li').count()).toBe(7);
    expect(await balance(seller, worldId, sellerId, 'bank-b')).toBe('CN¥57.00');
    expect(await balance(buyer, worldId, buyerId, 'bank-a')).toBe('CN¥943.00');
    // The order's charge is captured by the paid cheque, which pays the order (now waiting for shipping).
    await go(buyer, worldId, buyerId, 'orders', orderId);
    await expect.poll(() => buyer.getByTestId('charge-row').first().getAttribute('data-status'), { timeout: 10_000 }).toBe('succeeded');
    expect(await buyer.getByTestId('order-detail').getAttribute('data-state')).toBe('WAIT_SELLER_SEND_GOODS');

    // Clearing: the cheque crossed banks, so it waits for the midnight batch, which settles it.
    const clearing = await tab(p, worldId, 'clearing', 'clearing');
    await expect.poll(() => clearing.getByTestId('open-position').count(), { timeout: 10_000 }).toBe(1);
    await clearing.getByTestId('page-activity').click();
    await clearing.getByTestId('plus-day').click();
    await clearing.getByTestId('page-clearing').click();
    await clearing.locator('[data-testid="batch"][data-batch="batch:0"]').waitFor({ timeout: 10_000 });
    expect(await clearing.getByTestId('open-position').count()).toBe(0);

    // The seller deposits the same cheque again: bank A returns it as a duplicate presentment.
    await openInbox(seller, worldId, sellerId, '10000001');
    await seller.getByTestId('inbox-deposit').click();
    const duplicate = await presentAndDecide(worldId, bankB, bankA, '10000001', 2);
    expect(duplicate).toEqual({ outcome: 'returned', reason: 'duplicate_presentment' });

    // A second cheque, altered in the lab after signing (¥100 → ¥900): returned as altered.
    await writeCheque(buyer, worldId, buyerId, sellerId, '100', 'deposit');
    await openInbox(seller, worldId, sellerId, '10000002');
    // Altering a signed cheque is the teacher's lab tool.
    await signInAsTeacher(seller, worldId);
    await seller.getByTestId('cheque-lab').locator('summary').click();
    await seller.getByTestId('lab-amount').fill('900');
    await seller.getByTestId('lab-alter').click();
    await seller.getByTestId('cheque-altered').waitFor({ timeout: 10_000 });
    expect(await seller.getByTestId('cheque-figures').textContent()).toBe('CN¥900.00');
    await seller.getByTestId('inbox-verify').click();
    await expect.poll(() => seller.getByTestId('checklist-summary').getAttribute('data-passed'), { timeout: 10_000 }).toBe('false');
    expect(await seller.locator('[data-testid="checklist-item"][data-check="drawer_signature"]').getAttribute('data-pass')).toBe('false');
    await seller.getByTestId('inbox-endorse').click();
    await seller.getByTestId('cheque-endorsement').waitFor({ timeout: 10_000 });
    await seller.getByTestId('inbox-deposit').click();
    const altered = await presentAndDecide(worldId, bankB, bankA, '10000002', 1);
    expect(altered).toEqual({ outcome: 'returned', reason: 'altered_or_fictitious' });

    // Nothing moved for either return; the books balance and the journal verifies.
    expect(await balance(seller, worldId, sellerId, 'bank-b')).toBe('CN¥57.00');
    expect(await balance(buyer, worldId, buyerId, 'bank-a')).toBe('CN¥943.00');
    await go(bankA, worldId, 'bank-a', 'auditor');
    expect(await bankA.getByTestId('trial-result').getAttribute('data-pass', { timeout: 10_000 })).toBe('true');
    await bankA.getByTestId('verify').click();
    const verified = bankA.getByTestId('verify-result');
    await verified.waitFor({ timeout: 30_000 });
    expect(await verified.getAttribute('data-ok')).toBe('true');
  });

  it('a stopped cheque still travels: the seller deposits it, bank B presents it, bank A returns it as stopped; Endorse says why it waits', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Stop payment lesson');
    await start.goto(`${baseUrl}#/w/${worldId}`);
    const ca = await tab(p, worldId, 'ca', 'ca');
    const bankA = await tab(p, worldId, 'bank-a', 'bank-counter');
    const bankB = await tab(p, worldId, 'bank-b', 'bank-counter');
    const { page: buyer, partyId: buyerId } = await register(p, worldId, 'buyer', 'hanmeimei', '韩梅梅');
    const { page: seller, partyId: sellerId } = await register(p, worldId, 'seller', 'zhaoqiang', '赵强');
    await bankAccount(buyer, bankA, worldId, buyerId, 'bank-a', '1000');
    await bankAccount(seller, bankB, worldId, sellerId, 'bank-b', null);
    await certify(buyer, ca, buyerId);
    await certify(seller, ca, sellerId);
    await go(bankA, worldId, 'bank-a', 'cheque-desk');
    const account = bankA.locator(`[data-testid="desk-account-row"][data-party="${buyerId}"]`);
    await account.getByTestId('desk-enable').click({ timeout: 10_000 });
    await account.getByTestId('desk-issue').click({ timeout: 10_000 });
    await account.getByTestId('desk-book').waitFor({ timeout: 10_000 });
    await writeCheque(buyer, worldId, buyerId, sellerId, '50', 'deposit');
    await writeCheque(buyer, worldId, buyerId, sellerId, '40', 'second');

    // Endorse waits for the checklist, and says so next to the button.
    await openInbox(seller, worldId, sellerId, '10000001');
    expect(await seller.getByTestId('inbox-endorse').isDisabled()).toBe(true);
    expect(await seller.getByTestId('inbox-endorse-hint').textContent()).toBe('Run the checklist first: you endorse a cheque after checking it.');
    await seller.getByTestId('inbox-verify').click();
    await expect.poll(() => seller.getByTestId('checklist-summary').getAttribute('data-passed'), { timeout: 10_000 }).toBe('true');
    expect(await seller.getByTestId('inbox-endorse-hint').count()).toBe(0);
    await seller.getByTestId('inbox-endorse').click();
    await seller.getByTestId('cheque-endorsement').waitFor({ timeout: 10_000 });
    expect(await seller.getByTestId('inbox-endorse-hint').textContent()).toBe('Already endorsed.');
    await seller.getByTestId('inbox-deposit').click();
    await expect.poll(() => seller.locator('[data-testid="inbox-row"][data-number="10000001"]').getAttribute('data-status'), { timeout: 10_000 }).toBe('deposited');

    // The buyer stops the deposited cheque from the form under his list, without clicking View.
    await go(buyer, worldId, buyerId, 'chequebook');
    const stopCheque = async (number: string, reason: string, pick: 'select' | 'row') => {
      const row = buyer.getByTestId('written-row').filter({ hasText: number });
      if (pick === 'select') await buyer.getByTestId('stop-cheque').selectOption((await row.getAttribute('data-cheque'))!);
      else await row.getByTestId('written-stop').click();
      await buyer.getByTestId('stop-reason').fill(reason);
      await buyer.getByTestId('stop-submit').click();
      await row.getByTestId('written-stopped').waitFor({ timeout: 10_000 });
    };
    await stopCheque('10000001', 'goods never came', 'select');
    // Stopped before the seller even checked it, from the row's own Stop button.
    await stopCheque('10000002', 'lost in the mail', 'row');
    expect(await buyer.getByTestId('written-stop').count()).toBe(0);
    expect(await buyer.getByTestId('stop-none').textContent()).toContain('None of your cheques can be stopped now');

    // Bank B still presents the first one, bank A returns it as stopped.
    expect(await presentAndDecide(worldId, bankB, bankA, '10000001', 1)).toEqual({ outcome: 'returned', reason: 'payment_stopped' });
    await expect.poll(() => seller.locator('[data-testid="inbox-row"][data-number="10000001"]').getAttribute('data-status'), { timeout: 10_000 }).toBe('returned');

    // The second one: the seller checks, endorses and deposits it anyway, and it comes back too.
    await openInbox(seller, worldId, sellerId, '10000002');
    await seller.getByTestId('inbox-verify').click();
    await expect.poll(() => seller.getByTestId('checklist-summary').getAttribute('data-passed'), { timeout: 10_000 }).toBe('true');
    await seller.getByTestId('inbox-endorse').click();
    await seller.getByTestId('cheque-endorsement').waitFor({ timeout: 10_000 });
    await seller.getByTestId('inbox-deposit').click();
    expect(await presentAndDecide(worldId, bankB, bankA, '10000002', 1)).toEqual({ outcome: 'returned', reason: 'payment_stopped' });
    await expect.poll(() => seller.locator('[data-testid="inbox-row"][data-number="10000002"]').getAttribute('data-status'), { timeout: 10_000 }).toBe('returned');

    // Nothing paid; the drawer paid the returned-cheque fee twice.
    expect(await balance(seller, worldId, sellerId, 'bank-b')).toBe('CN¥0.00');
    expect(await balance(buyer, worldId, buyerId, 'bank-a')).toBe('CN¥960.00');

    // A failed checklist names the failed check, in the summary and next to Endorse.
    await writeCheque(buyer, worldId, buyerId, sellerId, '30', 'third');
    await openInbox(seller, worldId, sellerId, '10000003');
    // Altering a signed cheque is the teacher's lab tool.
    await signInAsTeacher(seller, worldId);
    await seller.getByTestId('cheque-lab').locator('summary').click();
    await seller.getByTestId('lab-amount').fill('300');
    await seller.getByTestId('lab-alter').click();
    await seller.getByTestId('cheque-altered').waitFor({ timeout: 10_000 });
    await seller.getByTestId('inbox-verify').click();
    await expect.poll(() => seller.getByTestId('checklist-summary').getAttribute('data-passed'), { timeout: 10_000 }).toBe('false');
    expect(await seller.getByTestId('checklist-summary').textContent()).toContain('The drawer’s signature verifies over these exact bytes');
    // The hint follows the checklist's result a render later (CI read the previous hint once).
    await expect.poll(() => seller.getByTestId('inbox-endorse-hint').textContent()).toContain('The checklist failed (The drawer’s signature verifies over these exact bytes)');
  });
});
