import { ok, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { ledgerTables } from '../../storage/ledger-tables.ts';
import { journalEntryAt } from '../../storage/journal-store.ts';
import { requireTeacher, type TeacherToken } from '../teacher.ts';
import { labIdOf, labMetaKey } from './marker.ts';
import { readLabReportFile, type LabReport } from './report.ts';

// The teacher's view of a student's report file: the file's checksum must hold (readLabReportFile),
// and the report must come from THIS world: the same world id, the same lab, and the ledger entry
// it names as its head must be in this world's journal with the hash the report carries. A report
// from another world, or one naming an entry this world's chain does not have, is shown with what
// differs. Reading only; the teacher's sign-in is required (the reports are the teacher's to mark).

export type ReportDifference =
  | { readonly kind: 'other_world'; readonly worldName: string }
  | { readonly kind: 'other_lab'; readonly lab: string }
  | { readonly kind: 'entry_missing'; readonly seq: number }
  | { readonly kind: 'entry_hash_differs'; readonly seq: number };

export type ReportCheck = { readonly report: LabReport; readonly differences: readonly ReportDifference[] };

export type ReportCheckError = 'teacher_sign_in_required' | 'report_not_a_report' | 'report_checksum_mismatch';

export async function checkLabReport(db: WorldDb, teacher: TeacherToken | null, text: string): Promise<Result<ReportCheck, ReportCheckError>> {
  const gate = requireTeacher(db, teacher);
  if (!gate.ok) return gate;
  const read = readLabReportFile(text);
  if (!read.ok) return read;
  const report = read.value;
  const [worldId, marker] = await db.meta.bulkGet(['worldId', labMetaKey]);
  // Another world's report: its entry numbers say nothing about this world's journal.
  if (report.world.id !== String(worldId?.value ?? '')) return ok({ report, differences: [{ kind: 'other_world', worldName: report.world.name }] });
  const differences: ReportDifference[] = [];
  if (report.lab !== labIdOf(marker?.value)) differences.push({ kind: 'other_lab', lab: report.lab });
  const { seq, hash } = report.ledgerHead;
  const entry = Number.isSafeInteger(seq) && seq >= 1 ? await journalEntryAt(ledgerTables(db).journal, seq) : undefined;
  if (entry === undefined) differences.push({ kind: 'entry_missing', seq });
  else if (entry.hash !== hash) differences.push({ kind: 'entry_hash_differs', seq });
  return ok({ report, differences });
}
