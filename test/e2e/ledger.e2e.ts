import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createWorld, launchProfile, newPage, partyUrl, type Profile } from './browser.ts';
import { signInAsTeacher } from './flows.ts';

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

async function auditor(p: Profile, worldId: string, partyId: string): Promise<Page> {
  const page = await newPage(p, partyUrl(baseUrl, worldId, partyId) + '/auditor');
  // The lab tools are the teacher's: a new tab signs in as the teacher first.
  await signInAsTeacher(page, worldId);
  await page.getByTestId('lab-tools').waitFor();
  return page;
}

async function labTransfer(page: Page, debit: string, credit: string, amount: string, repeat: number) {
  await page.getByTestId('lab-debit').selectOption(debit);
  await page.getByTestId('lab-credit').selectOption(credit);
  await page.getByTestId('lab-amount').fill(amount);
  await page.getByTestId('lab-repeat').fill(String(repeat));
}

function counts(text: string | null): { ok: number; refused: number } | null {
  const m = /(\d+) succeeded, (\d+) refused/.exec(text ?? '');
  return m ? { ok: Number(m[1]), refused: Number(m[2]) } : null;
}

/** Waits until the tab reports all `n` attempts of its batch, and returns how many succeeded. */
async function finished(page: Page, n: number): Promise<number> {
  const result = page.getByTestId('lab-result');
  await expect
    .poll(async () => {
      if ((await result.count()) === 0) return -1;
      const c = counts(await result.textContent());
      return c ? c.ok + c.refused : -1;
    }, { timeout: 60_000 })
    .toBe(n);
  return counts(await result.textContent())!.ok;
}

describe('the ledger across tabs', () => {
  it('two tabs each send 100 × ¥1 out of ¥150 at once: exactly 150 succeed, the balance ends at 0.00, the chain verifies', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    const worldId = await createWorld(start, 'Race');
    const a = await auditor(p, worldId, 'platform');

    await a.getByTestId('lab-account-id').fill('shared-150');
    await a.getByTestId('lab-owner').selectOption('platform');
    await a.getByTestId('lab-book').selectOption('bank-a');
    await a.getByTestId('lab-kind').selectOption('deposit');
    await a.getByTestId('lab-open-submit').click();
    await a.locator('[data-testid="lab-debit"] option[value="shared-150"]').waitFor({ state: 'attached' });
    await labTransfer(a, 'bank-a:vault', 'shared-150', '150', 1);
    await a.getByTestId('lab-submit').click();
    expect(await finished(a, 1)).toBe(1);

    const b = await auditor(p, worldId, 'bank-a');
    await b.locator('[data-testid="lab-debit"] option[value="shared-150"]').waitFor({ state: 'attached' });
    await labTransfer(a, 'shared-150', 'bank-a:vault', '1', 100);
    await labTransfer(b, 'shared-150', 'bank-a:vault', '1', 100);
    await Promise.all([a.getByTestId('lab-submit').click(), b.getByTestId('lab-submit').click()]);
    const [okA, okB] = await Promise.all([finished(a, 100), finished(b, 100)]);
    expect(okA + okB).toBe(150);
    // Both tabs really ran at the same time: each got some of the money.
    expect(okA).toBeGreaterThan(0);
    expect(okB).toBeGreaterThan(0);

    await a.goto(partyUrl(baseUrl, worldId, 'platform') + '/accounts');
    const row = a.locator('[data-account="shared-150"] [data-testid="account-balance"]');
    await expect.poll(() => row.textContent()).toBe('CN¥0.00');

    await a.goto(partyUrl(baseUrl, worldId, 'platform') + '/auditor');
    expect(await a.getByTestId('trial-result').getAttribute('data-pass')).toBe('true');
    await a.getByTestId('verify').click();
    const result = a.getByTestId('verify-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
  });

  it('verify points at an entry changed with the tampering lab tool', async () => {
    const p = await launchProfile({ locale: 'zh-CN' });
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    await start.getByTestId('lang-select').selectOption('en');
    const worldId = await createWorld(start, 'Tamper');
    const page = await auditor(p, worldId, 'ca');
    await page.getByTestId('verify').click();
    expect(await page.getByTestId('verify-result').getAttribute('data-ok')).toBe('true');
    await page.getByTestId('tamper-seq').fill('4');
    await page.getByTestId('tamper-field').selectOption('amount');
    await page.getByTestId('tamper-value').fill('99999999.00');
    await page.getByTestId('tamper-submit').click();
    await page.locator('[data-type="lab.tampered"], [data-testid="toast"]').first().waitFor();
    await page.getByTestId('verify').click();
    await expect.poll(() => page.getByTestId('verify-result').getAttribute('data-ok')).toBe('false');
    expect(await page.getByTestId('verify-result').getAttribute('data-broken-seq')).toBe('4');
    expect(await page.getByTestId('verify-result').textContent()).toContain('entry 4');
    // The account rows were not touched, so the trial balance still passes: the page says why the
    // two checks disagree, and what each compares.
    expect(await page.locator('[data-testid="trial-result"][data-pass="false"]').count()).toBe(0);
    expect(await page.getByTestId('checks-disagree').textContent()).toContain('The trial balance passes but verify fails');
    expect(await page.getByTestId('checks-trial').textContent()).toContain('never reads the journal');
    expect(await page.getByTestId('checks-verify').textContent()).toContain('recomputes its SHA-256');
  });
});
