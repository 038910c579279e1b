import { describe, expect, it } from 'vitest';
import { createLabWorld } from '../../src/app/labs/lab-world.ts';
import { labById } from '../../src/app/labs/catalogue.ts';
import { labReport, labReportFile, type LabReport } from '../../src/app/labs/report.ts';
import { checkLabReport } from '../../src/app/labs/report-check.ts';
import { labSheetRoles } from '../../src/app/labs/sheet.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import { labs } from '../../src/app/labs/catalogue.ts';
import type { WorldDb } from '../../src/storage/schema.ts';
import { teacherOf, testPasswordIterations, testTeacherPassword } from '../helpers/world.ts';
import '../../src/app/features.ts';

// The teacher's view of a student's lab report file (issue #14): the checksum must hold, and the
// report must come from THIS world (same world id, same lab, its ledger head entry in this world's
// journal with the same hash); otherwise it says what differs.

let n = 0;
async function labWorld(): Promise<WorldDb> {
  n += 1;
  const id = `report-check-${n}-${Date.now().toString(36)}`;
  const r = await createLabWorld({ labId: 'b2c-escrow', id, name: `lab world ${n}`, createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: '', password: testTeacherPassword } });
  if (!r.ok) throw new Error(r.code);
  const db = openWorldDb(r.value.entry);
  await db.open();
  return db;
}

const lab = labById('b2c-escrow')!;

describe('the teacher’s view of a report file', () => {
  it('says a report of this world matches, refuses an edited file, and names another world or an entry not in this chain', async () => {
    const db = await labWorld();
    const teacher = await teacherOf(db);
    const report = await labReport(db, lab);
    const file = labReportFile(report);

    expect(await checkLabReport(db, teacher, file)).toEqual({ ok: true, value: { report, differences: [] } });
    // Edited after saving: refused, whatever was changed.
    expect(await checkLabReport(db, teacher, file.replace('"done": false', '"done": true'))).toMatchObject({ ok: false, code: 'report_checksum_mismatch' });
    expect(await checkLabReport(db, teacher, '{"format": "something else"}')).toMatchObject({ ok: false, code: 'report_not_a_report' });
    // The shape is checked too: a file made by hand with a checksum recomputed over anything else.
    expect(await checkLabReport(db, teacher, labReportFile({ lab: 'b2c-escrow' } as unknown as LabReport))).toMatchObject({ ok: false, code: 'report_not_a_report' });

    // A report from another world (same lab, its own preset) says so, with that world's name.
    const other = await labWorld();
    const otherFile = labReportFile(await labReport(other, lab));
    expect(await checkLabReport(db, teacher, otherFile)).toMatchObject({ ok: true, value: { differences: [{ kind: 'other_world', worldName: `lab world ${n}` }] } });

    // A consistent file (checksum recomputed) naming this world but a head hash this chain does
    // not have at that entry, or an entry this world never wrote.
    const hashDiffers = labReportFile({ ...report, ledgerHead: { seq: report.ledgerHead.seq, hash: 'f'.repeat(64) } });
    expect(await checkLabReport(db, teacher, hashDiffers)).toMatchObject({ ok: true, value: { differences: [{ kind: 'entry_hash_differs', seq: report.ledgerHead.seq }] } });
    const beyond = labReportFile({ ...report, ledgerHead: { seq: report.ledgerHead.seq + 1000, hash: report.ledgerHead.hash } });
    expect(await checkLabReport(db, teacher, beyond)).toMatchObject({ ok: true, value: { differences: [{ kind: 'entry_missing', seq: report.ledgerHead.seq + 1000 }] } });
    const otherLab = labReportFile({ ...report, lab: 'certificate' });
    expect(await checkLabReport(db, teacher, otherLab)).toMatchObject({ ok: true, value: { differences: [{ kind: 'other_lab', lab: 'certificate' }] } });

    // Only the teacher's sign-in opens it.
    expect(await checkLabReport(db, null, file)).toMatchObject({ ok: false, code: 'teacher_sign_in_required' });
  });

  it('a sheet role lists its own steps in the lab’s order, numbered in the whole lab; every lab file has every step on some role’s sheet', () => {
    const [buyer] = labSheetRoles(lab, 'buyer');
    expect(buyer!.steps.map((s) => [s.step.id, s.number])).toEqual(lab.steps.flatMap((s, i) => (s.role === 'buyer' ? [[s.id, i + 1]] : [])));
    for (const l of labs) {
      const all = labSheetRoles(l, null);
      expect(all.map((r) => r.role.id)).toEqual(l.roles.map((r) => r.id));
      expect(all.flatMap((r) => r.steps.map((s) => s.number)).sort((a, b) => a - b)).toEqual(l.steps.map((_, i) => i + 1));
    }
  });
});
