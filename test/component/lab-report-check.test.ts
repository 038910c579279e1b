import './jsdom-bytes.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import LabReportCheck from '../../src/ui/labs/LabReportCheck.svelte';
import { labById } from '../../src/app/labs/catalogue.ts';
import { createLabWorld } from '../../src/app/labs/lab-world.ts';
import { labReport, labReportFile } from '../../src/app/labs/report.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import { i18n, loadAllMessages } from '../../src/ui/i18n/i18n.svelte.ts';
import { teacherSession } from '../../src/ui/identity/teacher-session.svelte.ts';
import type { WorldModel } from '../../src/ui/world/world.svelte.ts';
import { testPasswordIterations, testTeacherPassword } from '../helpers/world.ts';
import '../../src/app/features.ts';

// The teacher's view of a report file in words (issue #14 item 5): a report of this world matches;
// one of another world is named as such; a changed file is refused; in both languages.

afterEach(() => {
  cleanup();
  i18n.locale = 'en';
});

const lab = labById('b2c-escrow')!;
let n = 0;
async function world(): Promise<WorldModel> {
  n += 1;
  const id = `report-view-${n}-${Date.now().toString(36)}`;
  const r = await createLabWorld({ labId: lab.id, id, name: `class ${n}`, createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: '', password: testTeacherPassword } });
  if (!r.ok) throw new Error(r.code);
  const db = openWorldDb(r.value.entry);
  await db.open();
  teacherSession.enter(id, 0, false, r.value.teacher);
  return { entry: { id, name: `class ${n}` }, session: { db, env: {} } } as unknown as WorldModel;
}

async function open(text: string): Promise<HTMLElement> {
  const input = screen.getByTestId('lab-report-check-file');
  await fireEvent.change(input, { target: { files: [new File([text], 'report.json', { type: 'application/json' })] } });
  return waitFor(() => screen.getByTestId('lab-report-check-verdict'));
}

describe('the teacher’s view of a report file', () => {
  it('says a report of this world matches and shows its steps; another world’s is named; a changed file is refused (en, zh-CN)', async () => {
    await loadAllMessages();
    const here = await world();
    const there = await world();
    const file = labReportFile(await labReport(here.session.db, lab));
    render(LabReportCheck, { world: here });

    expect((await open(file)).dataset.verdict).toBe('matches');
    expect(screen.getByTestId('lab-report-check-steps').textContent).toContain(lab.steps[0]!.text.en);
    expect(screen.getByTestId('lab-report-check-head').textContent).toContain(JSON.parse(file).report.ledgerHead.hash);

    const other = await open(labReportFile(await labReport(there.session.db, lab)));
    await waitFor(() => expect(other.dataset.verdict).toBe('differs'));
    expect(screen.getByTestId('lab-report-check-diff-other_world').textContent).toContain(`another world (“class ${n}”)`);

    i18n.locale = 'zh-CN';
    const edited = await open(file.replace('"done": false', '"done": true'));
    await waitFor(() => expect(edited.dataset.verdict).toBe('refused'));
    expect(edited.textContent).toContain('校验和不符');
    expect(screen.getByTestId('lab-report-check').textContent).toContain('查看学生的报告文件');
  });
});
