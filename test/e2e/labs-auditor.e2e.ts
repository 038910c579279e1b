import { afterEach, describe, expect, it } from 'vitest';
import { launchProfile, type Profile } from './browser.ts';
import { go } from './flows.ts';
import { allTicked, answer, signInHere, startLab, stepDone, waitTick } from './lab-steps.ts';

// The auditor lab end to end (issue #14), through the UI only, in the one tab that started it (the
// teacher's, playing the platform's internal auditor): drawing the trial balance and verifying the
// journal tick because the world recorded them (not because a button was pressed: drawn before
// signing in, nothing is recorded and nothing ticks), the teacher's lab tool overwrites an entry,
// and the next verify names it. A wrong answer is refused with the question's hint.

const profiles: Profile[] = [];
afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

describe('the auditor lab', () => {
  it('trial balance → verify → the teacher tampers with entry 5 → verify finds entry 5; questions from the world', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const { page, worldId } = await startLab(p, 'auditor');
    const password = (await page.getByTestId('lab-password-auditor').textContent())!;

    // A look needs no sign-in, but the world does not record it: refused in words, no tick.
    await page.getByTestId('trial-draw').click();
    await page.getByTestId('trial-draw-error').waitFor();
    expect(await stepDone(page, 'trial')).toBe('false');

    await signInHere(page, password);
    await page.getByTestId('trial-draw').click();
    expect(await page.getByTestId('trial-drawn').getAttribute('data-pass')).toBe('true');
    await waitTick(page, 'trial');

    await page.getByTestId('verify').click();
    await page.getByTestId('verify-recorded').waitFor();
    const result = page.getByTestId('verify-result');
    expect(await result.getAttribute('data-ok')).toBe('true');
    const head = (await result.getAttribute('data-entries'))!;
    await waitTick(page, 'verify');

    // The teacher's lab tool, in this tab (the one that started the lab is the teacher's).
    await page.getByTestId('tamper-seq').fill('5');
    await page.getByTestId('tamper-field').selectOption('amount');
    await page.getByTestId('tamper-value').fill('88888.00');
    await page.getByTestId('tamper-submit').click();
    await waitTick(page, 'tamper');
    expect(await stepDone(page, 'find')).toBe('false');

    await page.getByTestId('verify').click();
    await expect.poll(() => result.getAttribute('data-broken-seq')).toBe('5');
    await page.getByTestId('verify-recorded').waitFor();
    await waitTick(page, 'find');
    await allTicked([page], ['trial', 'verify', 'tamper', 'find']);

    await go(page, worldId, 'platform', 'accounts');
    const commission = (await page.locator('[data-account="platform:commission"] [data-testid="account-balance"]').textContent())!.replace('CN¥', '');
    await answer(page, 'commission', '0.00', commission, 'balance sheet');
    await answer(page, 'head', String(Number(head) - 1), head, 'Type a number');
    await answer(page, 'broken', '4', '5', 'names the entry');
  });
});
