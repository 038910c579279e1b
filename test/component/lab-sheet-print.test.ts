import './jsdom-bytes.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import LabSheetPrint from '../../src/ui/labs/LabSheetPrint.svelte';
import LabWorldSheet from '../../src/ui/labs/LabWorldSheet.svelte';
import { labById, labs } from '../../src/app/labs/catalogue.ts';
import { createLabWorld } from '../../src/app/labs/lab-world.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import { i18n, loadAllMessages } from '../../src/ui/i18n/i18n.svelte.ts';
import { teacherSession } from '../../src/ui/identity/teacher-session.svelte.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';
import { testPasswordIterations, testTeacherPassword } from '../helpers/world.ts';
import '../../src/app/features.ts';

// The printable lab sheet (issue #14 item 6): one role's steps in the lab's order with their hints,
// the questions with room for the answer, in the current language; every role on its own page;
// in a lab world, the world's logins (an institution's password only for the teacher).

afterEach(() => {
  cleanup();
  i18n.locale = 'en';
});

const lab = labById('b2c-escrow')!;
const props = (roleId: string) => ({ lab, roleId, signIns: null, worldName: null, roleHref: (r: string) => `#/lab/${lab.id}/sheet/${r}`, backHref: '#/' });
const stepIds = (root: HTMLElement) => [...root.querySelectorAll('[data-testid^="lab-print-step-"]')].map((e) => e.getAttribute('data-testid')!.replace('lab-print-step-', ''));

describe('the printable lab sheet', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    it(`shows one role's steps in order with hints, and the questions, in ${locale}`, async () => {
      await loadAllMessages();
      i18n.locale = locale;
      const pick = (s: { en: string; zh: string }) => (locale === 'en' ? s.en : s.zh);
      render(LabSheetPrint, props('seller'));
      const page = screen.getByTestId('lab-print-role-seller');
      expect(screen.queryByTestId('lab-print-role-buyer')).toBeNull();
      const mine = lab.steps.filter((s) => s.role === 'seller');
      expect(stepIds(page)).toEqual(mine.map((s) => s.id));
      for (const s of mine) {
        const li = within(page).getByTestId(`lab-print-step-${s.id}`);
        expect(li.textContent).toContain(pick(s.text));
        expect(li.textContent).toContain(pick(s.hint));
        // Numbered in the whole lab: a student sees where the step falls among the others'.
        expect(li.textContent).toContain(locale === 'en' ? `Step ${lab.steps.indexOf(s) + 1} of ${lab.steps.length}` : `第 ${lab.steps.indexOf(s) + 1} 步（共 ${lab.steps.length} 步）`);
      }
      expect(page.textContent).toContain(pick(lab.title));
      for (const o of lab.objectives) expect(page.textContent).toContain(pick(o));
      for (const q of lab.questions) expect(within(page).getByTestId(`lab-print-question-${q.id}`).textContent).toContain(pick(q.text));
      // No world: the logins come from the tab's lab panel (a seller of the preset).
      expect(screen.getByTestId('lab-print-sign-in-seller').textContent).toContain(locale === 'en' ? 'lab panel' : '实验面板');
      // Chinese on the Chinese sheet, and no English words of the app's own left in it.
      if (locale === 'zh-CN') expect(page.textContent).not.toMatch(/Step|Hint|Answer|Sign/);
    });
  }

  it('prints every role of every lab, one page each, each with its steps; an institution’s logins come from the teacher', async () => {
    await loadAllMessages();
    for (const l of labs) {
      const { unmount } = render(LabSheetPrint, { ...props('all'), lab: l });
      for (const role of l.roles) {
        const page = screen.getByTestId(`lab-print-role-${role.id}`);
        expect(stepIds(page)).toEqual(l.steps.filter((s) => s.role === role.id).map((s) => s.id));
      }
      unmount();
    }
    render(LabSheetPrint, props('logistics'));
    expect(screen.getByTestId('lab-print-sign-in-logistics').textContent).toContain('given by the teacher');
  });

  it('in a lab world shows the logins, and an institution’s password only where the teacher signed in', async () => {
    await loadAllMessages();
    const id = `lab-sheet-${Date.now().toString(36)}`;
    const r = await createLabWorld({ labId: 'b2c-escrow', id, name: 'sheet world', createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: '', password: testTeacherPassword } });
    if (!r.ok) throw new Error(r.code);
    const db = openWorldDb(r.value.entry);
    await db.open();
    const world = { entry: { id, name: 'sheet world' }, session: { db, env: {} }, parties: { current: await db.parties.toArray() } } as unknown as WorldModel;
    const sheet = render(LabWorldSheet, { world, page: ['logistics'] });
    await waitFor(() => expect(screen.getByTestId('lab-print-sign-in-logistics').textContent).toContain('Login name: logistics'));
    expect(screen.getByTestId('lab-print-sign-in-logistics').textContent).toContain('given by the teacher');
    expect(screen.queryByTestId('lab-print-password-logistics')).toBeNull();
    expect(screen.getByTestId('lab-print-sheet').textContent).toContain('sheet world');
    sheet.unmount();

    teacherSession.enter(id, 0, false, r.value.teacher);
    render(LabWorldSheet, { world, page: ['all'] });
    const password = (await db.table('labSheet').get('logistics')) as { password: string };
    await waitFor(() => expect(screen.getByTestId('lab-print-password-logistics').textContent).toContain(password.password));
    expect(screen.getByTestId('lab-print-password-buyer').textContent).toContain('settlelab 2026');
    teacherSession.leave(id);
  });
});
