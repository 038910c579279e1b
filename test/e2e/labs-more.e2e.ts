import { afterEach, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchProfile, newPage, type Profile } from './browser.ts';
import { go } from './flows.ts';

// More guided labs end to end (issue #14), through the UI only: each starts from its card in the
// start page's catalogue, is done in the tabs its lab panel opens, sees every step tick from the
// world's state, has a wrong answer refused with the question's hint, and every question accepted.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

/** The password of a lab's buyers and sellers, as the lab panel shows it. */
const labUserPassword = 'settlelab 2026';

async function stepDone(page: Page, id: string): Promise<string | null> {
  return page.getByTestId(`lab-step-${id}`).getAttribute('data-done');
}

async function waitTick(page: Page, id: string): Promise<void> {
  await expect.poll(() => stepDone(page, id), { timeout: 15_000 }).toBe('true');
}

/** Starts a lab from its catalogue card; returns the first step's tab and the world id. */
async function startLab(p: Profile, labId: string): Promise<{ page: Page; worldId: string }> {
  const page = await newPage(p, baseUrl);
  await page.getByTestId(`lab-card-${labId}`).waitFor();
  await page.getByTestId(`lab-start-${labId}`).click();
  await page.getByTestId('lab-panel').waitFor({ timeout: 60_000 });
  const worldId = decodeURIComponent(/#\/w\/([^/]+)\//.exec(page.url())![1]!);
  return { page, worldId };
}

/** Follows a lab panel link that opens another party's tab; returns that tab. */
async function openFromPanel(context: BrowserContext, page: Page, testid: string): Promise<Page> {
  const [opened] = await Promise.all([context.waitForEvent('page'), page.getByTestId(testid).click()]);
  await opened.waitForLoadState();
  await opened.getByTestId('lab-panel').waitFor({ timeout: 15_000 });
  return opened;
}

/** Signs the tab in from the sign-in panel its page shows (the lab panel names the password). */
async function signInHere(page: Page, password: string): Promise<void> {
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect.poll(() => page.getByTestId('sign-in-panel').count(), { timeout: 30_000 }).toBe(0);
}

/** A wrong answer is refused with the question's hint; the right one is accepted. */
async function answer(page: Page, id: string, wrong: string, right: string, hintPart: string): Promise<void> {
  await page.getByTestId(`lab-answer-${id}`).fill(wrong);
  await page.getByTestId(`lab-check-${id}`).click();
  expect(await page.getByTestId(`lab-wrong-${id}`).textContent()).toContain(hintPart);
  expect(await page.getByTestId(`lab-correct-${id}`).count()).toBe(0);
  await page.getByTestId(`lab-answer-${id}`).fill(right);
  await page.getByTestId(`lab-check-${id}`).click();
  await page.getByTestId(`lab-correct-${id}`).waitFor();
}

async function allTicked(pages: readonly Page[], ids: readonly string[]): Promise<void> {
  for (const page of pages) {
    for (const id of ids) await expect.poll(() => stepDone(page, id), { timeout: 5_000 }).toBe('true');
    await page.getByTestId('lab-complete').waitFor();
  }
}

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

    const ca = await openFromPanel(p.context, applicant, 'lab-open-ca');
    await signInHere(ca, caPassword);
    await ca.locator(`[data-testid="application"][data-party="${applicantId}"]`).getByTestId('issue').click();
    await waitTick(ca, 'issue');

    // The bank checks the U盾's signature against the certificate: accepted.
    await go(applicant, worldId, applicantId, 'online-banking');
    await applicant.getByTestId('bank-login-bank-a').click();
    await waitTick(applicant, 'sign');

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
