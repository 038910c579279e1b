import { answerMatches, type LabFile, type LabStep } from '../../domain/labs/lab.ts';
import type { WorldDb } from '../../storage/schema.ts';
import { labCheckTables, labChecks, labQueries, type CheckResult } from './checks.ts';
import { partiesOf } from './catalogue.ts';

// Where a lab world stands: each step done or not (from its check, against the world), the step
// due now, and the latest failed attempt of a step's commands (the commands table records every
// refusal with its result code). Read inside a liveQuery, so each tick follows the world.

export type StepProgress = { readonly step: LabStep; readonly done: boolean; readonly at: number | null };
export type LabProgress = {
  readonly steps: readonly StepProgress[];
  /** The first step not done, in the lab's order (null: the lab is complete). */
  readonly current: LabStep | null;
};

/** The world time the latest ticked step was done (-Infinity before any). */
export function lastTickAt(progress: LabProgress): number {
  return Math.max(Number.NEGATIVE_INFINITY, ...progress.steps.filter((s) => s.done && s.at !== null).map((s) => s.at!));
}

export async function labProgress(db: WorldDb, lab: LabFile): Promise<LabProgress> {
  const parties = partiesOf(lab);
  const results: CheckResult[] = [];
  for (const step of lab.steps) {
    const check = labChecks[step.check];
    // The lab was validated against these names: a missing one is a programmer error.
    if (check === undefined) throw new Error(`lab ${lab.id}: no check ${step.check}`);
    results.push(await check(db, parties));
  }
  const steps = lab.steps.map((step, i) => ({ step, done: results[i]!.done, at: results[i]!.at }));
  return { steps, current: steps.find((s) => !s.done)?.step ?? null };
}

/** The tables whose changes may change the lab's progress or its failures (its checks' and the commands). */
export function labTables(lab: LabFile): string[] {
  return [...new Set(['commands', ...lab.steps.flatMap((s) => labCheckTables[s.check] ?? [])])];
}

/** A refused command: which, its result code and detail, when (world time). */
export type FailedAttempt = { readonly name: string; readonly code: string; readonly detail: Readonly<Record<string, string | number>> | undefined; readonly at: number };

/** Failed commands looked at per read: a lab world records a few hundred commands. */
export const labCommandsScannedMax = 20_000;

/**
 * The newest refusal of one of `names` (a step's commands) at or after world time `sinceAt`, or
 * null. The panel passes the time the lab's latest ticked step was done: a refusal from before it
 * belongs to an earlier step that shared a command (a repayment refused at step 7 is not news at
 * step 9).
 */
export async function latestFailure(db: WorldDb, names: readonly string[], sinceAt = Number.NEGATIVE_INFINITY): Promise<FailedAttempt | null> {
  if (names.length === 0) return null;
  const wanted = new Set(names);
  let newest: FailedAttempt | null = null;
  const rows = await db.commands.limit(labCommandsScannedMax).toArray();
  for (const row of rows) {
    const r = row.result as { ok?: boolean; code?: unknown; detail?: Record<string, string | number> } | null;
    if (!wanted.has(row.name) || row.at < sinceAt || r === null || r.ok !== false || typeof r.code !== 'string') continue;
    if (newest === null || row.at >= newest.at) newest = { name: row.name, code: r.code, detail: r.detail, at: row.at };
  }
  return newest;
}

export type AnswerVerdict = 'correct' | 'wrong' | 'not_yet';

/** The student's answer against the world's: 'not_yet' while the world has no answer (the trade is not that far). */
export async function checkAnswer(db: WorldDb, lab: LabFile, questionId: string, given: string): Promise<AnswerVerdict> {
  const question = lab.questions.find((q) => q.id === questionId);
  if (question === undefined) throw new Error(`lab ${lab.id}: no question ${questionId}`);
  const query = labQueries[question.query];
  if (query === undefined) throw new Error(`lab ${lab.id}: no query ${question.query}`);
  const expected = await query(db, partiesOf(lab));
  if (expected === null) return 'not_yet';
  return answerMatches(question.answer, given, expected) ? 'correct' : 'wrong';
}
