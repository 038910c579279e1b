import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, canonicalBytes, err, ok, type Result } from '../../domain/index.ts';
import type { LabFile } from '../../domain/labs/lab.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { journalHeadKey } from '../../storage/ledger-tables.ts';
import { clockKey } from '../clock-read.ts';
import { type CommandEnv, type CommandMeta } from '../command.ts';
import { defineCommand, execute } from '../pipeline.ts';
import { checkAnswer, labProgress, type AnswerVerdict } from './progress.ts';

// The student's lab report: the steps with the world times they were done, the questions answered
// right (kept in the world, so every tab and a reload see them), and the world's ledger head hash,
// which pins the report to the world it came from. Exported as a file with a SHA-256 checksum over
// the report's canonical JSON (RFC 8785), so a changed report is refused.

/** The world's meta row holding the questions answered right: question id → answer and world time. */
export const labAnswersKey = 'lab.answers';
export type LabAnswers = Readonly<Record<string, { readonly answer: string; readonly at: number }>>;

export async function labAnswersOf(db: WorldDb): Promise<LabAnswers> {
  const value = (await db.meta.get(labAnswersKey))?.value;
  return typeof value === 'object' && value !== null ? (value as LabAnswers) : {};
}

/**
 * The student answers a question: checked against the world inside the command's transaction; a
 * right answer is kept in the world (the first one counts). A wrong one changes nothing.
 */
export const answerLabQuestionCommand = defineCommand({
  name: 'answerLabQuestion',
  // The lab file travels in the input (plain JSON, a few kB): replay checks the answer against the
  // same questions and parties the student's tab had, whichever labs the build ships.
  apply: async (tx, input: { readonly lab: LabFile; readonly questionId: string; readonly answer: string }) => {
    const { lab } = input;
    const verdict = await checkAnswer(tx.db, lab, input.questionId, input.answer);
    if (verdict === 'correct') {
      const answers = await labAnswersOf(tx.db);
      if (answers[input.questionId] === undefined) {
        await tx.db.meta.put({ key: labAnswersKey, value: { ...answers, [input.questionId]: { answer: input.answer.trim(), at: tx.now } } });
        await tx.appendEvent({ type: 'lab.answered', actor: tx.meta.actor, payload: { lab: lab.id, question: input.questionId } });
      }
    }
    return ok({ verdict });
  },
});

export async function answerLabQuestion(
  db: WorldDb,
  lab: LabFile,
  meta: CommandMeta,
  input: { readonly questionId: string; readonly answer: string },
  env: CommandEnv = {},
): Promise<Result<{ readonly verdict: AnswerVerdict }, string>> {
  if (!lab.questions.some((q) => q.id === input.questionId)) return err('lab_question_not_found');
  return execute(db, answerLabQuestionCommand, meta, { lab, questionId: input.questionId, answer: input.answer }, env);
}

export type LabReport = {
  readonly lab: string;
  readonly world: { readonly id: string; readonly name: string };
  /** World time the report was made. */
  readonly at: number;
  readonly steps: readonly { readonly id: string; readonly role: string; readonly done: boolean; readonly at: number | null }[];
  readonly answers: readonly { readonly id: string; readonly answer: string | null; readonly at: number | null }[];
  readonly ledgerHead: { readonly seq: number; readonly hash: string };
};

export async function labReport(db: WorldDb, lab: LabFile): Promise<LabReport> {
  const progress = await labProgress(db, lab);
  const answers = await labAnswersOf(db);
  const [worldId, name, clock, head] = await db.meta.bulkGet(['worldId', 'name', clockKey, journalHeadKey]);
  const headValue = head?.value as { seq?: unknown; hash?: unknown } | undefined;
  return {
    lab: lab.id,
    world: { id: String(worldId?.value ?? ''), name: String(name?.value ?? '') },
    at: Number(clock?.value ?? 0),
    steps: progress.steps.map((s) => ({ id: s.step.id, role: s.step.role, done: s.done, at: s.at })),
    answers: lab.questions.map((q) => ({ id: q.id, answer: answers[q.id]?.answer ?? null, at: answers[q.id]?.at ?? null })),
    ledgerHead: { seq: typeof headValue?.seq === 'number' ? headValue.seq : 0, hash: typeof headValue?.hash === 'string' ? headValue.hash : '' },
  };
}

export const labReportFormat = 'settlelab-lab-report';

/** The report as a file: the report, and the SHA-256 of its canonical JSON. */
export function labReportFile(report: LabReport): string {
  const checksum = bytesToHex(sha256(canonicalBytes(report)));
  return JSON.stringify({ format: labReportFormat, version: 1, report, checksum }, null, 2);
}

/** A report file read back: refused when it is not one, or when its report no longer matches its checksum. */
export function readLabReportFile(text: string): Result<LabReport, 'report_not_a_report' | 'report_checksum_mismatch'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return err('report_not_a_report');
  }
  const f = parsed as { format?: unknown; version?: unknown; report?: unknown; checksum?: unknown } | null;
  if (f === null || typeof f !== 'object' || f.format !== labReportFormat || f.version !== 1 || typeof f.report !== 'object' || f.report === null || typeof f.checksum !== 'string') return err('report_not_a_report');
  if (bytesToHex(sha256(canonicalBytes(f.report))) !== f.checksum) return err('report_checksum_mismatch');
  // A file made by hand with a checksum recomputed over something else is not a report either.
  return isLabReport(f.report) ? ok(f.report) : err('report_not_a_report');
}

const isText = (v: unknown): v is string => typeof v === 'string';
const isTime = (v: unknown): boolean => v === null || typeof v === 'number';

/** The shape of a report, field by field (what the teacher's view reads). */
function isLabReport(value: unknown): value is LabReport {
  const r = value as Partial<Record<keyof LabReport, unknown>>;
  const world = r.world as { id?: unknown; name?: unknown } | null | undefined;
  const head = r.ledgerHead as { seq?: unknown; hash?: unknown } | null | undefined;
  return isText(r.lab) && typeof r.at === 'number' && typeof world === 'object' && world !== null && isText(world.id) && isText(world.name)
    && typeof head === 'object' && head !== null && typeof head.seq === 'number' && isText(head.hash)
    && Array.isArray(r.steps) && r.steps.every((s: { id?: unknown; role?: unknown; done?: unknown; at?: unknown } | null) => typeof s === 'object' && s !== null && isText(s.id) && isText(s.role) && typeof s.done === 'boolean' && isTime(s.at))
    && Array.isArray(r.answers) && r.answers.every((a: { id?: unknown; answer?: unknown; at?: unknown } | null) => typeof a === 'object' && a !== null && isText(a.id) && (a.answer === null || isText(a.answer)) && isTime(a.at));
}
