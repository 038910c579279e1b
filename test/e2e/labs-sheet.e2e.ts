import { afterEach, describe, expect, inject, it } from 'vitest';
import { launchProfile, newPage, type Profile } from './browser.ts';

// The printable lab sheet (issue #14 item 6) from the start page's catalogue, before any world:
// the chosen role's steps, in English and in Chinese, and printed on A4 one role per page with
// none of the app's bars.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

const stepIds = (ids: (string | null)[]) => ids.map((id) => id!.replace('lab-print-step-', ''));

describe('the printable lab sheet', () => {
  it('opens from a catalogue card for one role or every role, in both languages, and prints on A4 one page per role', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const page = await newPage(p, baseUrl);
    await page.getByTestId('lab-card-sheet-b2c-escrow').click();
    await page.getByTestId('lab-print-sheet').waitFor();
    // Every role, each on its own page: buyer, seller, courier.
    expect(await page.locator('[data-testid^="lab-print-role-"]').count()).toBe(3);

    await page.getByTestId('lab-print-role').selectOption('seller');
    await expect.poll(() => page.getByTestId('lab-print-sheet').getAttribute('data-role')).toBe('seller');
    const seller = page.getByTestId('lab-print-role-seller');
    const ids = stepIds(await seller.locator('[data-testid^="lab-print-step-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))));
    expect(ids).toEqual(['book', 'settled']);
    expect(await seller.getByTestId('lab-print-step-book').textContent()).toContain('this books the courier');
    expect(await seller.getByTestId('lab-print-question-commission').count()).toBe(1);

    await page.getByTestId('lang-select').selectOption('zh-CN');
    await expect.poll(() => seller.getByTestId('lab-print-step-book').textContent()).toContain('第 2 步');
    expect(await seller.textContent()).not.toMatch(/Step|Hint|Answer/);

    // Printed: A4, the app's bars and the sheet's controls left out, one page per role.
    await page.getByTestId('lab-print-role').selectOption('all');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-bar').isVisible()).toBe(false);
    expect(await page.getByTestId('lab-print-role').isVisible()).toBe(false);
    const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
    const sizes = [...pdf.matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))]);
    // A4 is 595 × 842 points.
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    for (const s of sizes) expect(s).toEqual([595, 842]);
  });
});
