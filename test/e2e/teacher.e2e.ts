import { afterEach, describe, expect, inject, it } from 'vitest';
import { createWorld, launchProfile, newPage, partyUrl, teacherPasswords, type Profile } from './browser.ts';
import { signInAsTeacher } from './flows.ts';

// The teacher role (issue 13.3): lab tools that make, move or alter money or records, the
// institutions' passwords and the marketplace's rules need the teacher's sign-in in that tab;
// students' tabs do not show them. "Teacher plays everyone" is shown in the header.

const baseUrl = inject('baseUrl');
const profiles: Profile[] = [];

afterEach(async () => {
  while (profiles.length) await profiles.pop()!.close();
});

describe('the teacher', () => {
  it('a student tab shows no lab tools, no passwords and cannot change the rules; the teacher signs in per tab and may play everyone', async () => {
    const p = await launchProfile();
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    // Only the name typed: the app makes the teacher password, shows it once, and this tab is the teacher.
    const worldId = await createWorld(start, 'Teacher lesson');
    const teacherPassword = teacherPasswords.get(worldId)!;
    expect(teacherPassword).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await start.getByTestId('world-reset').count()).toBe(1);
    await start.getByTestId('world-item').filter({ hasText: 'Teacher lesson' }).getByRole('link', { name: 'Teacher lesson' }).first().click();
    await start.getByTestId('teacher-badge').waitFor();
    expect(await start.getByTestId('teacher-badge').textContent()).toContain('Teacher');
    // The teacher's tab reads the operator's first password off the lab sheet (to hand to a student).
    await start.getByTestId('lab-sheet-link').click();
    const operatorPassword = (await start.getByTestId('lab-password-platform').textContent())!.trim();

    // A student's tab of the same world and browser: no teacher, so no lab tools anywhere.
    const student = await newPage(p, partyUrl(baseUrl, worldId, 'platform') + '/auditor');
    await student.getByTestId('verify').waitFor();
    await student.getByTestId('teacher-sign-in-open').waitFor();
    expect(await student.getByTestId('teacher-badge').count()).toBe(0);
    expect(await student.getByTestId('lab-tools').count()).toBe(0);
    // The student plays the operator (signed in as the platform party if the tab asks for it), and
    // still sees only the rules in force: changing them is the teacher's.
    await student.evaluate((h) => (location.hash = h), `#/w/${worldId}/p/platform/commission`);
    await student.getByTestId('market-rules').or(student.getByTestId('login-password')).first().waitFor();
    if ((await student.getByTestId('login-password').count()) > 0) {
      await student.getByTestId('login-password').fill(operatorPassword);
      await student.getByTestId('login-submit').click();
    }
    await student.getByTestId('market-rules-locked').waitFor({ timeout: 30_000 });
    expect(await student.getByTestId('market-rules-save').count()).toBe(0);
    expect(await student.locator('[data-testid="market-rule"] input').count()).toBe(0);
    await student.evaluate((h) => (location.hash = h), `#/w/${worldId}/p/clearing/clearing`);
    await student.getByTestId('central-reserve').or(student.getByTestId('login-password')).first().waitFor();
    expect(await student.getByTestId('give-cash').count()).toBe(0);
    await student.evaluate((h) => (location.hash = h), `#/w/${worldId}/lab-sheet`);
    await student.getByTestId('lab-sheet-locked').waitFor();
    await student.getByTestId('lab-row').first().waitFor();
    expect(await student.locator('[data-testid^="lab-password-"]').count()).toBe(0);
    // The start page in the student's tab offers no reset.
    await student.evaluate(() => (location.hash = '#/'));
    await student.getByTestId('world-item').first().waitFor();
    expect(await student.getByTestId('world-reset').count()).toBe(0);

    // A wrong teacher password is refused in plain words; the right one signs this tab in.
    await student.evaluate((h) => (location.hash = h), `#/w/${worldId}/lab-sheet`);
    await student.getByTestId('teacher-sign-in-open').click();
    await student.getByTestId('teacher-password').fill('not the teacher');
    await student.getByTestId('teacher-sign-in-submit').click();
    expect(await student.getByTestId('teacher-sign-in-error').textContent()).toBe('That is not the teacher password of this world.');
    await signInAsTeacher(student, worldId, { password: teacherPassword });
    await student.getByTestId('lab-password-ca').waitFor();
    expect(await student.getByTestId('lab-sheet-locked').count()).toBe(0);
    expect(await student.getByTestId('teacher-badge').getAttribute('data-plays-everyone')).toBe('false');
    await student.evaluate((h) => (location.hash = h), `#/w/${worldId}/p/platform/auditor`);
    await student.getByTestId('lab-tools').waitFor();
    await student.evaluate((h) => (location.hash = h), `#/w/${worldId}/p/platform/commission`);
    await student.getByTestId('market-rules-save').waitFor();

    // Teacher plays everyone: the header says so plainly.
    await student.getByTestId('teacher-plays-everyone-toggle').click();
    await expect.poll(() => student.getByTestId('teacher-badge').textContent()).toContain('Teacher · plays everyone');
    expect(await student.getByTestId('teacher-badge').getAttribute('data-plays-everyone')).toBe('true');

    // Another tab of the same browser is not signed in: the sign-in belongs to a tab.
    const other = await newPage(p, partyUrl(baseUrl, worldId, 'platform') + '/auditor');
    await other.getByTestId('verify').waitFor();
    await other.getByTestId('teacher-sign-in-open').waitFor();
    expect(await other.getByTestId('teacher-badge').count()).toBe(0);
    expect(await other.getByTestId('lab-tools').count()).toBe(0);

    // Signing out takes the lab tools away again.
    await student.getByTestId('teacher-sign-out').click();
    await expect.poll(() => student.getByTestId('lab-tools').count()).toBe(0);
    expect(await student.getByTestId('teacher-badge').count()).toBe(0);
  });

  it('a teacher signing in with "plays everyone" checked is shown as such at once', async () => {
    const p = await launchProfile({ locale: 'zh-CN' });
    profiles.push(p);
    const start = await newPage(p, baseUrl);
    await start.getByTestId('lang-select').selectOption('en');
    const worldId = await createWorld(start, 'Solo demo');
    const tab = await newPage(p, `${baseUrl}#/w/${worldId}`);
    await signInAsTeacher(tab, worldId, { playsEveryone: true });
    expect(await tab.getByTestId('teacher-badge').textContent()).toContain('Teacher · plays everyone');
    // Playing everyone, the teacher acts as the operator without the operator's password: the
    // rules can be changed at once.
    await tab.evaluate((h) => (location.hash = h), `#/w/${worldId}/p/platform/commission`);
    const rules = tab.getByTestId('market-rules');
    await rules.locator('[data-testid="market-rule"][data-field="refundRequestsMax"] input').fill('4');
    await rules.getByTestId('market-rules-save').click();
    await expect.poll(() => rules.locator('[data-testid="market-rule"][data-field="refundRequestsMax"]').getByTestId('market-rule-now').textContent()).toBe('4');
  });
});
