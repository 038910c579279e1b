import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, type Profile } from './browser.ts';
import { signIn, signInAsTeacher, tab } from './flows.ts';

// Banks and clearing in the browser, every party in its own tab: two customers apply at two banks,
// each bank's counter approves live, a counter takes cash in, the payer (after the U盾 online-
// banking login from the identity pages) pays the other bank's customer, the clock passes
// midnight and the clearing batch settles the net. Figures are checked against hand-computed ones.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

const password = 'correct horse 42';

/** Registers and activates a buyer from the party picker; the page then acts as the buyer. */
async function registerBuyer(p: Profile, worldId: string, loginName: string, realName: string): Promise<Page> {
  const page = await newPage(p, `${baseUrl}#/w/${worldId}`);
  await page.getByTestId('register-buyer').click();
  await page.getByTestId('registration-form').waitFor();
  const values: Record<string, string> = {
    loginName, password, passwordAgain: password, realName,
    deliveryAddress: '1 Zhongguancun Street, Haidian, Beijing', deliveryPhone: '13812345678', email: `${loginName.toLowerCase()}@example.com`,
  };
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
  // Activated is not signed in: the buyer signs in in this tab before acting.
  await signIn(page, worldId, `u-${loginName.toLowerCase()}`);
  return page;
}

async function applyAt(page: Page, bankId: string): Promise<void> {
  await page.getByTestId('page-my-bank').click();
  await page.getByTestId('apply-bank').selectOption(bankId);
  await page.getByTestId('apply-submit').click();
  await page.locator(`[data-testid="application"][data-bank="${bankId}"][data-status="pending"]`).waitFor();
}

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').trim();

describe('banks and clearing in the browser', () => {
  it('apply → live approval → cash at the counter → online-banking transfer to the other bank → midnight batch settles the net', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Banking lesson');
    await start.goto(`${baseUrl}#/w/${worldId}`);

    // The two banks' counters and the clearing system, each in its own tab.
    const bankA = await tab(p, worldId, 'bank-a', 'bank-counter');
    const bankB = await tab(p, worldId, 'bank-b', 'bank-counter');
    await bankA.getByTestId('application-queue').waitFor();
    await bankB.getByTestId('application-queue').waitFor();
    expect(await text(bankA, 'reserve-balance')).toBe('CN¥20,000,000.00');

    // Two customers register; each applies at a different bank; each counter sees it live.
    const payer = await registerBuyer(p, worldId, 'LiLei', 'Li Lei');
    const payee = await registerBuyer(p, worldId, 'HanMeimei', 'Han Meimei');
    await applyAt(payer, 'bank-a');
    await applyAt(payee, 'bank-b');
    const appA = bankA.locator('[data-testid="application-row"][data-party="u-lilei"]');
    await appA.waitFor({ timeout: 5_000 });
    expect(await bankA.locator('[data-testid="application-row"][data-party="u-hanmeimei"]').count()).toBe(0);
    await appA.getByTestId('application-approve').click();
    const appB = bankB.locator('[data-testid="application-row"][data-party="u-hanmeimei"]');
    await appB.waitFor({ timeout: 5_000 });
    // A rejection needs a reason: without one the counter says so and nothing is decided.
    await appB.getByTestId('application-reject').click();
    expect(await text(bankB, 'queue-error')).toBe('Give a reason.');
    await appB.getByTestId('application-approve').click();

    // The customers' pages show the accounts and their debit cards live.
    const payerRow = payer.locator('[data-testid="my-account-row"][data-bank="bank-a"]');
    await payerRow.waitFor({ timeout: 5_000 });
    const payerCard = (await payerRow.getByTestId('my-account-card').getAttribute('data-card'))!;
    expect(payerCard).toMatch(/^623058\d{10}$/);
    const payeeRow = payee.locator('[data-testid="my-account-row"][data-bank="bank-b"]');
    await payeeRow.waitFor({ timeout: 5_000 });
    const payeeCard = (await payeeRow.getByTestId('my-account-card').getAttribute('data-card'))!;
    expect(payeeCard).toMatch(/^621095\d{13}$/);

    // The clearing system's lab tool hands Li Lei ¥1,000 in cash; he pays ¥800 in at bank A's counter.
    const clearing = await tab(p, worldId, 'clearing', 'clearing');
    await signInAsTeacher(clearing, worldId);
    await clearing.getByTestId('give-cash-party').selectOption('u-lilei');
    await clearing.getByTestId('give-cash-amount').fill('1000');
    await clearing.getByTestId('give-cash-submit').click();
    expect(await clearing.getByTestId('give-cash-result').textContent()).toContain('CN¥1,000.00');
    await bankA.getByTestId('counter-account').selectOption('bank-a:deposit:u-lilei');
    await bankA.getByTestId('counter-amount').fill('1200');
    await bankA.getByTestId('counter-deposit').click();
    expect(await text(bankA, 'counter-error')).toBe('Not enough cash in hand.');
    await bankA.getByTestId('counter-amount').fill('800');
    await bankA.getByTestId('counter-deposit').click();
    expect(await text(bankA, 'counter-result')).toBe('Done: balance CN¥800.00, customer’s cash CN¥200.00.');
    await expect.poll(() => payerRow.getByTestId('my-account-balance').textContent()).toBe('CN¥800.00');
    expect(await text(payer, 'cash-in-hand')).toBe('Cash in hand: CN¥200.00');

    // Outside an online-banking session there is no transfer form.
    expect(await payer.getByTestId('online-bank-a').getAttribute('data-open')).toBe('false');
    expect(await payer.getByTestId('transfer-submit').count()).toBe(0);

    // Li Lei (signed in in his tab since activation) gets a certificate from the CA, and logs in to
    // online banking (U盾).
    await payer.getByTestId('page-account').click();
    await payer.getByTestId('logged-in').waitFor({ timeout: 30_000 });
    await payer.getByTestId('apply-certificate').click();
    const ca = await tab(p, worldId, 'ca', 'ca');
    const certApp = ca.locator('[data-testid="application"][data-party="u-lilei"]');
    await certApp.waitFor({ timeout: 5_000 });
    await certApp.getByTestId('issue').click();
    await payer.getByTestId('page-online-banking').click();
    await payer.getByTestId('bank-login-bank-a').click();
    await expect.poll(() => payer.getByTestId('bank-status-bank-a').getAttribute('data-open')).toBe('true');

    // Now his bank page shows the account and the transfer form; a mistyped card is refused.
    await payer.getByTestId('page-my-bank').click();
    const online = payer.getByTestId('online-bank-a');
    await expect.poll(() => online.getAttribute('data-open')).toBe('true');
    const typo = payeeCard.slice(0, -1) + String((Number(payeeCard.at(-1)) + 1) % 10);
    await online.getByTestId('transfer-payee').fill(typo);
    await online.getByTestId('transfer-amount').fill('300.50');
    await online.getByTestId('transfer-submit').click();
    expect(await text(payer, 'transfer-error')).toBe('This card number is mistyped (its check digit does not match).');
    await online.getByTestId('transfer-payee').fill(payeeCard.replace(/(\d{4})/g, '$1 '));
    await online.getByTestId('transfer-memo').fill('books');
    await online.getByTestId('transfer-submit').click();
    await online.getByTestId('transfer-result').waitFor();
    // The balance is a live query: it follows the committed transfer a moment after the result shows.
    await expect.poll(() => online.getByTestId('online-balance').textContent(), { timeout: 5_000 }).toBe('CN¥499.50');

    // The payee is credited at once; both banks hold the payment in their clearing accounts.
    await expect.poll(() => payeeRow.getByTestId('my-account-balance').textContent(), { timeout: 5_000 }).toBe('CN¥300.50');
    await expect.poll(() => text(bankA, 'clearing-out-balance')).toBe('CN¥300.50');
    await expect.poll(() => text(bankB, 'clearing-in-balance')).toBe('CN¥300.50');
    await expect.poll(() => clearing.getByTestId('open-position').count()).toBe(1);
    expect(await payer.locator('[data-testid="my-transfer"]').first().getAttribute('data-clearing')).toBe('open');

    // The clock passes midnight: the leader tab runs the day's clearing batch.
    await clearing.getByTestId('page-activity').click();
    await clearing.getByTestId('plus-day').click();
    await clearing.getByTestId('page-clearing').click();
    const batch = clearing.locator('[data-testid="batch"][data-batch="batch:0"]');
    await batch.waitFor({ timeout: 10_000 });
    expect(await batch.getByTestId('batch-summary').textContent()).toBe('Payments: 1; gross CN¥300.50; moved between reserves after netting: CN¥300.50.');
    const position = (bank: string) => batch.locator(`[data-testid="position"][data-bank="${bank}"]`);
    expect(await position('bank-a').getByTestId('position-out').textContent()).toBe('CN¥300.50');
    expect(await position('bank-a').getByTestId('position-in').textContent()).toBe('CN¥0.00');
    expect(await position('bank-a').getByTestId('position-net').textContent()).toBe('-CN¥300.50');
    expect(await position('bank-b').getByTestId('position-net').textContent()).toBe('CN¥300.50');
    expect(await clearing.getByTestId('open-position').count()).toBe(0);
    const central = (bank: string) => clearing.locator(`[data-testid="central-reserve"][data-bank="${bank}"] [data-testid="central-reserve-balance"]`);
    expect(await central('bank-a').textContent()).toBe('CN¥19,999,699.50');
    expect(await central('bank-b').textContent()).toBe('CN¥20,000,300.50');
    await expect.poll(() => text(bankA, 'reserve-balance')).toBe('CN¥19,999,699.50');
    expect(await text(bankA, 'clearing-out-balance')).toBe('CN¥0.00');
    await expect.poll(() => text(bankB, 'reserve-balance')).toBe('CN¥20,000,300.50');
    expect(await text(bankB, 'clearing-in-balance')).toBe('CN¥0.00');
    // Bank A's vault took the ¥800 of notes: 100M capital - 20M reserve + 4M institutions' deposits + 800.
    expect(await text(bankA, 'vault-balance')).toBe('CN¥84,000,800.00');

    // Statements: the customer's Accounts page lists the deposit account, the bank's lists it as kept.
    await payee.getByTestId('page-accounts').click();
    await expect.poll(() => payee.locator('[data-account="bank-b:deposit:u-hanmeimei"] [data-testid="account-balance"]').textContent()).toBe('CN¥300.50');
    await bankA.getByTestId('page-accounts').click();
    await expect.poll(() => bankA.locator('[data-account="bank-a:deposit:u-lilei"] [data-testid="account-balance"]').textContent()).toBe('CN¥499.50');
    await bankA.locator('[data-account="bank-a:deposit:u-lilei"] [data-testid="open-statement"]').click();
    await expect.poll(() => bankA.getByTestId('statement-row').count()).toBe(2);

    // The auditor: trial balance zero, the journal verifies.
    await bankA.getByTestId('page-auditor').click();
    expect(await bankA.getByTestId('trial-result').getAttribute('data-pass')).toBe('true');
    await bankA.getByTestId('verify').click();
    const verified = bankA.getByTestId('verify-result');
    await verified.waitFor({ timeout: 30_000 });
    expect(await verified.getAttribute('data-ok')).toBe('true');
  });
});
