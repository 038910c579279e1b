import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchProfile, type Profile } from './browser.ts';
import { go } from './flows.ts';
import { allTicked, answer, labUserPassword, openFromPanel, refusedWithHint, signInHere, startLab, stepDone, waitTick } from './lab-steps.ts';

// More guided labs end to end (issue #14), through the UI only: each starts from its card in the
// start page's catalogue, is done in the tabs its lab panel opens, sees every step tick from the
// world's state, has a wrong answer refused with the question's hint, and every question accepted.
// Each also takes a wrong action the app refuses, shown with the step's hint (the certificate lab's
// is refused by its page before any command runs: see refusedWithHint).

const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

describe('the digital certificate lab', () => {
  it('apply (proof of possession) → the CA issues → U盾 signature accepted → the CA revokes → the signature check fails; questions from the world', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const { page: applicant, worldId } = await startLab(p, 'certificate');
    const applicantId = 'u-lab_cert';
    await expect.poll(() => applicant.getByTestId('lab-step-apply').getAttribute('data-current')).toBe('true');
    // The tab that started the lab is the world's teacher: it shows the CA's password.
    const caPassword = (await applicant.getByTestId('lab-password-ca').textContent())!;
    await signInHere(applicant, labUserPassword);
    await applicant.getByTestId('apply-certificate').click();
    await waitTick(applicant, 'apply');
    // A wrong action: the U盾 login before the CA issued the certificate has nothing to sign with.
    await go(applicant, worldId, applicantId, 'online-banking');
    await applicant.getByTestId('bank-login-bank-a').click();
    await applicant.getByTestId('bank-error-bank-a').waitFor();
    await refusedWithHint(applicant, 'sign', 'certificate_not_issued', 'Wait until the CA has issued your certificate');

    const ca = await openFromPanel(p.context, applicant, 'lab-open-ca');
    await signInHere(ca, caPassword);
    await ca.locator(`[data-testid="application"][data-party="${applicantId}"]`).getByTestId('issue').click();
    await waitTick(ca, 'issue');

    // The bank checks the U盾's signature against the certificate: accepted.
    await go(applicant, worldId, applicantId, 'online-banking');
    await applicant.getByTestId('bank-login-bank-a').click();
    await waitTick(applicant, 'sign');
    await expect.poll(() => applicant.getByTestId('lab-failure').count()).toBe(0);

    const issued = ca.locator(`[data-testid="issued-certificate"][data-party="${applicantId}"]`);
    await issued.getByTestId('revoke-reason').selectOption('key_compromise');
    await issued.getByTestId('revoke').click();
    await waitTick(ca, 'revoke');

    // Signing in again: the key signs, the bank finds the serial on the CA's list and refuses.
    const logout = applicant.getByTestId('bank-logout-bank-a');
    if ((await logout.count()) > 0) await logout.click();
    await applicant.getByTestId('bank-login-bank-a').click();
    await applicant.getByTestId('bank-error-bank-a').waitFor();
    await waitTick(applicant, 'refused');
    await allTicked([applicant, ca], ['apply', 'issue', 'sign', 'revoke', 'refused']);

    const serial = (await issued.getAttribute('data-serial'))!;
    const rootSerial = (await ca.locator('[data-testid="issued-certificate"][data-party="ca"]').first().getAttribute('data-serial'))!;
    const crlEntries = String(await ca.getByTestId('crl-entry').count());
    await answer(applicant, 'serial', String(Number(serial) + 7), serial, 'Login & certificates');
    await answer(applicant, 'issuer-serial', serial, rootSerial, 'chain');
    await answer(ca, 'crl-entries', '0', crlEntries, 'revocation list');
  });
});

describe('the online banking and clearing lab', () => {
  it('U盾 login → ¥300.00 to the other bank → ¥120.00 back → midnight: the batch nets them; questions from the clearing page', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const { page: payer, worldId } = await startLab(p, 'online-banking');
    const payerId = 'u-lab_payer';
    const payeeId = 'u-lab_payee';
    const clearingPassword = (await payer.getByTestId('lab-password-clearing').textContent())!;
    await signInHere(payer, labUserPassword);
    await go(payer, worldId, payerId, 'my-bank');
    await payer.getByTestId('online-login-bank-a').click();
    await waitTick(payer, 'login');

    // The payee's card number, from the payee's own tab (opened from the panel's sign-in table).
    const payee = await openFromPanel(p.context, payer, 'lab-tab-payee');
    await go(payee, worldId, payeeId, 'my-bank');
    await signInHere(payee, labUserPassword);
    const payeeCard = (await payee.getByTestId('my-account-card').first().getAttribute('data-card'))!;
    const payerCard = (await payer.getByTestId('my-account-card').first().getAttribute('data-card'))!;

    const sendFrom = async (page: Page, bankId: string, card: string, amount: string) => {
      const online = page.getByTestId(`online-${bankId}`);
      await online.getByTestId('transfer-payee').fill(card);
      await online.getByTestId('transfer-amount').fill(amount);
      await online.getByTestId('transfer-submit').click();
      await online.getByTestId('transfer-result').waitFor();
    };
    // A wrong action first: more than the account holds. The bank refuses, the panel says why with
    // the step's hint, and nothing ticks.
    const payerOnline = payer.getByTestId('online-bank-a');
    await payerOnline.getByTestId('transfer-payee').fill(payeeCard);
    await payerOnline.getByTestId('transfer-amount').fill('999999.00');
    await payerOnline.getByTestId('transfer-submit').click();
    await payerOnline.getByTestId('transfer-error').waitFor();
    await refusedWithHint(payer, 'pay', 'insufficient_funds', 'Copy the payee');
    await sendFrom(payer, 'bank-a', payeeCard, '300.00');
    await waitTick(payer, 'pay');
    expect(await stepDone(payer, 'settle')).toBe('false');
    await payee.getByTestId('online-login-bank-b').click();
    await sendFrom(payee, 'bank-b', payerCard, '120.00');
    await waitTick(payee, 'pay-back');

    // The clearing system's tab: two open positions, then midnight.
    const clearing = await openFromPanel(p.context, payee, 'lab-open-clearing');
    await signInHere(clearing, clearingPassword);
    await expect.poll(() => clearing.getByTestId('open-position').count()).toBe(2);
    await clearing.getByTestId('lab-go-activity').click();
    await clearing.getByTestId('advance-days').fill('1');
    await clearing.getByTestId('advance').click();
    await waitTick(clearing, 'settle');
    await allTicked([payer, payee, clearing], ['login', 'pay', 'pay-back', 'settle']);

    await go(clearing, worldId, 'clearing', 'clearing');
    const summary = (await clearing.getByTestId('batch-summary').first().textContent())!;
    expect(summary).toContain('180.00');
    expect(summary).toContain('420.00');
    await answer(clearing, 'net', '420.00', '180.00', 'not the sum');
    await answer(clearing, 'gross', '180.00', '420.00', 'gross total');
    await answer(payer, 'payments', '1', '2', 'summary');
  });
});

describe('the refund and dispute lab', () => {
  it('a partial refund the seller agrees to, a refund the seller refuses and the platform arbitrates; questions from the orders', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const { page: buyer, worldId } = await startLab(p, 'refund-dispute');
    const buyerId = 'u-lab_buyer';
    const sellerId = 'u-lab_seller';
    const platformPassword = (await buyer.getByTestId('lab-password-operator').textContent())!;
    await signInHere(buyer, labUserPassword);
    const orderIdOf = async (page: Page, name: string) => (await page.getByTestId('order-row').filter({ hasText: name }).getAttribute('data-order'))!;
    await go(buyer, worldId, buyerId, 'orders');
    const textbook = await orderIdOf(buyer, 'Introduction to E-Commerce');
    const earphones = await orderIdOf(buyer, 'Bluetooth earphones');

    // Step 1: ¥10.00 back on the textbook. A wrong action first: more back than the order's total
    // is refused, the panel says why with the step's hint, and nothing ticks.
    await go(buyer, worldId, buyerId, 'orders', textbook);
    await buyer.getByTestId('refund-reason').fill('封面破损');
    await buyer.getByTestId('refund-amount').fill('9999.00');
    await buyer.getByTestId('refund-submit').click();
    await refusedWithHint(buyer, 'ask-partial', 'refund_amount_too_large', 'less than the order');
    await buyer.getByTestId('refund-reason').fill('封面破损');
    await buyer.getByTestId('refund-amount').fill('10.00');
    await buyer.getByTestId('refund-submit').click();
    await waitTick(buyer, 'ask-partial');

    // Step 2: the seller agrees.
    const seller = await openFromPanel(p.context, buyer, 'lab-open-seller');
    await signInHere(seller, labUserPassword);
    await go(seller, worldId, sellerId, 'orders', textbook);
    await seller.getByTestId('refund-agree').click();
    await waitTick(seller, 'agree');

    // Steps 3 and 4: the whole earphones order asked back; the seller refuses with a reason.
    await go(buyer, worldId, buyerId, 'orders', earphones);
    await buyer.getByTestId('refund-reason').fill('无法充电');
    await buyer.getByTestId('refund-submit').click();
    await waitTick(buyer, 'ask-refund');
    await go(seller, worldId, sellerId, 'orders', earphones);
    await seller.getByTestId('refund-refuse-reason').fill('发货前测试可以充电');
    await seller.getByTestId('refund-refuse').click();
    await waitTick(seller, 'refuse');

    // Step 5: the platform operator decides ¥100.00 back, from the Disputes page.
    const operator = await openFromPanel(p.context, seller, 'lab-open-operator');
    await signInHere(operator, platformPassword);
    await operator.locator(`[data-testid="dispute-row"][data-order="${earphones}"]`).getByTestId('dispute-link').click();
    await operator.getByTestId('decision-partial_refund').check();
    await operator.getByTestId('decision-amount').fill('100.00');
    await operator.getByTestId('decision-reason').fill('耳机可充电但续航不足，各担一部分');
    await operator.getByTestId('decision-submit').click();
    await waitTick(operator, 'arbitrate');
    await allTicked([buyer, seller, operator], ['ask-partial', 'agree', 'ask-refund', 'refuse', 'arbitrate']);

    // The questions, read off the orders' settlements.
    await go(buyer, worldId, buyerId, 'orders', textbook);
    const commission = (await buyer.getByTestId('settlement-commission').textContent())!.replace('CN¥', '');
    await go(seller, worldId, sellerId, 'orders', earphones);
    const sellerNet = (await seller.getByTestId('settlement-seller-net').textContent())!.replace('CN¥', '');
    await answer(buyer, 'commission', '0.90', commission, 'not on the refund');
    await answer(operator, 'refund', '199.00', '100.00', 'Disputes');
    await answer(seller, 'seller-net', '100.00', sellerNet, 'settlement');
  });
});
