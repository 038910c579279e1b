import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, partyUrl, type Profile } from './browser.ts';

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];

afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

const password = 'correct horse 42';

async function fill(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) await page.getByTestId(`reg-${name}`).fill(value);
}

describe('identities in the browser', () => {
  it('a buyer registers, activates from the mailbox and gets a certificate the CA issues live, then revokes; online banking then refuses', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    // World creation seeds every institution's password and key at 600,000 PBKDF2 iterations.
    const worldId = await createWorld(start, 'Identity lesson');

    // The teacher's lab sheet, reached from the party picker, shows the CA's first password.
    await start.goto(`${baseUrl}#/w/${worldId}`);
    await start.getByTestId('lab-sheet-link').click();
    const caPassword = (await start.getByTestId('lab-password-ca').textContent())!.trim();
    expect(caPassword).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await start.getByTestId('lab-row').count()).toBe(8);

    // The CA's tab logs in with it before any application exists.
    const ca = await newPage(p, `${partyUrl(baseUrl, worldId, 'ca')}/ca`);
    await ca.getByTestId('login-password').fill(caPassword);
    await ca.getByTestId('login-submit').click();
    // Signed in from the CA page's sign-in panel: the page opens in place.
    await ca.getByTestId('no-applications').waitFor({ timeout: 20_000 });
    expect(await ca.getByTestId('signed-in-as').getAttribute('data-state')).toBe('party');

    // A buyer registers from the party picker in another tab.
    const buyer = await newPage(p, `${baseUrl}#/w/${worldId}`);
    await buyer.getByTestId('register-buyer').click();
    await buyer.getByTestId('registration-form').waitFor();
    // An invalid form shows its field errors and registers nothing.
    await buyer.getByTestId('reg-submit').click();
    expect(await buyer.getByTestId('reg-error-loginName').textContent()).toBe('Please fill this in.');
    await fill(buyer, {
      loginName: 'LiLei',
      password,
      passwordAgain: password,
      realName: 'Li Lei',
      deliveryAddress: '1 Zhongguancun Street, Haidian, Beijing',
      deliveryPhone: '13812345678',
      email: 'lilei@example.com',
      postcode: '100080',
    });
    await buyer.getByTestId('reg-submit').click();

    // The tab now acts as the new buyer, on its mailbox, asking for the activation code.
    await buyer.getByTestId('check-mailbox').waitFor({ timeout: 20_000 });
    expect(await buyer.getByTestId('acting-as').textContent()).toContain('LiLei');
    const mail = buyer.locator('[data-testid="mail"][data-subject="mail.activation.subject"]');
    await mail.locator('summary').click();
    const body = (await mail.getByTestId('mail-body').textContent())!;
    const code = /[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(body)?.[0];
    expect(code).toBeDefined();
    await buyer.getByTestId('activation-code-input').fill(code!);
    await buyer.getByTestId('activation-submit').click();
    await expect.poll(() => buyer.getByTestId('check-mailbox').count()).toBe(0);

    // Log in in this tab (opens the key) and apply for a certificate.
    await buyer.getByTestId('page-account').click();
    await expect.poll(() => buyer.getByTestId('account-status').getAttribute('data-status')).toBe('active');
    await buyer.getByTestId('login-password').fill(password);
    await buyer.getByTestId('login-submit').click();
    await buyer.getByTestId('logged-in').waitFor({ timeout: 20_000 });
    expect(await buyer.getByTestId('no-certificates').count()).toBe(1);
    await buyer.getByTestId('apply-certificate').click();
    await buyer.getByTestId('certificate-request-pending').waitFor();

    // The CA's tab sees the application live, with the registered identity, and issues it.
    const application = ca.locator('[data-testid="application"][data-party="u-lilei"]');
    await application.waitFor({ timeout: 5_000 });
    expect(await application.textContent()).toContain('Li Lei');
    expect(await application.textContent()).toContain('The request matches the registration.');
    await application.getByTestId('issue').click();
    await ca.getByTestId('no-applications').waitFor();
    const issued = ca.locator('[data-testid="issued-certificate"][data-party="u-lilei"]');
    await issued.waitFor();

    // The buyer's tab shows the certificate, valid, with its chain to the root.
    const certificate = buyer.getByTestId('certificate').first();
    await expect.poll(() => certificate.getByTestId('cert-status').getAttribute('data-status'), { timeout: 5_000 }).toBe('valid');
    expect(await certificate.getByTestId('cert-chain').textContent()).toContain('Every signature in the chain checks out.');

    // With a valid certificate, the U盾 login to Huaxin Bank's online banking succeeds.
    await buyer.getByTestId('page-online-banking').click();
    await buyer.getByTestId('bank-login-bank-a').click();
    await expect.poll(() => buyer.getByTestId('bank-status-bank-a').getAttribute('data-open')).toBe('true');
    expect(await buyer.getByTestId('bank-steps-bank-a').textContent()).toContain('session opened');

    // The CA revokes the certificate and publishes the new list.
    await issued.getByTestId('revoke-reason').selectOption('key_compromise');
    await issued.getByTestId('revoke').click();
    await expect.poll(() => ca.getByTestId('crl-entry').count()).toBe(1);
    expect(await issued.getByTestId('issued-status').textContent()).toContain('Revoked');

    // The buyer's online-banking session ends, and a new login is refused, naming the reason.
    await expect.poll(() => buyer.getByTestId('bank-status-bank-a').getAttribute('data-open')).toBe('false');
    await buyer.getByTestId('bank-login-bank-a').click();
    await expect.poll(async () => (await buyer.getByTestId('bank-error-bank-a').textContent()) ?? '', { timeout: 5_000 }).toMatch(/certificate revoked/i);
    expect(await buyer.getByTestId('bank-status-bank-a').getAttribute('data-open')).toBe('false');

    // And the certificate viewer says so too.
    await buyer.getByTestId('page-account').click();
    await expect.poll(() => buyer.getByTestId('certificate').first().getByTestId('cert-status').getAttribute('data-status')).toBe('revoked');
  });
});
