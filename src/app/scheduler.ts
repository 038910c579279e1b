import Dexie from 'dexie';
import { assert, failJob, isRunnable, ok, type Job, type JobFailure, type JobFailurePolicy, type Result } from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';
import type { CommandEnv, Tx } from './command.ts';
import { defineCommand, execute, type CommandDefinition } from './pipeline.ts';
import { readClock } from './clock-read.ts';

// The leader tab runs due jobs. Each job runs as a named command (`job:<kind>`) through runCommand,
// like a user's command: one transaction over the stores its kind declares, at the job's due time;
// it first re-reads the job and proceeds only while it is still pending, so when two tabs race the
// second sees it done (or the first attempt's recorded result) and changes nothing. Exactly once,
// in due order.
//
// A job whose handler returns a named error or throws changes nothing: the whole attempt rolls
// back. Its failure is then written on the job row (attempts, lastError, triedAt), and by its kind's
// policy it is tried again at the clock's next move or parked for a person. A throw is a bug: it
// is recorded the same way, the pass goes on with the other due jobs, and the first throw is
// rethrown at the end of the pass so it is not hidden.

/**
 * A handler does the job's writes inside the job's transaction, at the job's due time. It returns
 * a named error (or throws) to fail the attempt: then nothing it wrote stays.
 */
export type JobHandler = (tx: Tx, job: Job) => Promise<Result<unknown, string> | void>;

export type JobKindOptions = {
  /** Tables the handler reads or writes (see CommandOptions.stores); absent: every store. */
  readonly stores?: readonly string[];
  /** What a failed attempt leads to; default: retry at the clock's next move. */
  readonly failure?: JobFailurePolicy;
};

type JobKind = { readonly handler: JobHandler; readonly options: JobKindOptions };

const kinds = new Map<string, JobKind>();

/** Feature modules register their job kinds at import time. */
export function registerJobHandler(kind: string, handler: JobHandler, options: JobKindOptions = {}): void {
  assert(!kinds.has(kind) || kinds.get(kind)!.handler === handler, `job kind registered twice: ${kind}`);
  kinds.set(kind, { handler, options });
}

const retryPolicy: JobFailurePolicy = { onFailure: 'retry' };

export function jobFailurePolicy(kind: string): JobFailurePolicy {
  return kinds.get(kind)?.options.failure ?? retryPolicy;
}

/** Bounds one pass so a runaway job that keeps scheduling due jobs cannot freeze the tab. */
export const jobsPerPassMax = 10_000;

export type PassReport = { ran: Job[]; failed: Job[]; remaining: boolean };

/** The next job that may run now: due, pending, not already tried at this world time. */
async function nextRunnable(db: WorldDb): Promise<{ job: Job; clock: number } | undefined> {
  return db.transaction('r', db.jobs, db.meta, async () => {
    const clock = await readClock(db);
    const job = await db.jobs
      .where('[status+dueAt]')
      .between(['pending', Dexie.minKey], ['pending', clock], true, true)
      .filter((j) => isRunnable(j, clock))
      .first();
    return job === undefined ? undefined : { job, clock };
  });
}

/**
 * Whether a job may run now (what a pass would start with). A class replica asks it inside its
 * batch after each command, so the batch ends where a pass after that command would have run jobs.
 */
export async function jobDue(db: WorldDb): Promise<boolean> {
  return (await nextRunnable(db)) !== undefined;
}

/** A job command's input: which job, which attempt (1 = first), and the tab that runs it. */
export type JobInput = { readonly jobId: string; readonly attempt: number; readonly runner: string };

const jobCommands = new Map<string, CommandDefinition<JobInput, Job | null>>();

/**
 * The command `job:<kind>` that runs one attempt of a job of that kind (undefined for a kind no
 * module registered). It acts at the job's due time; it first re-reads the job and proceeds only
 * while the job is pending at this attempt, so a job run meanwhile by another tab (or cancelled) is
 * left as it is. Its input names the job, so replay (replay.ts) runs it again from the log.
 */
export function jobCommand(kind: string): CommandDefinition<JobInput, Job | null> | undefined {
  const registered = kinds.get(kind);
  if (registered === undefined) return undefined;
  const known = jobCommands.get(kind);
  if (known !== undefined) return known;
  const stores = registered.options.stores;
  const command = defineCommand<JobInput, Job | null, string>({
    name: `job:${kind}`,
    ...(stores === undefined ? {} : { stores }),
    at: async (db, input, clock) => (await db.jobs.get(input.jobId))?.dueAt ?? clock,
    apply: async (tx, input) => {
      const current = await tx.db.jobs.get(input.jobId);
      // Run meanwhile by another tab, or cancelled by a user's step: nothing to do.
      if (current === undefined || current.status !== 'pending' || (current.attempts ?? 0) + 1 !== input.attempt) return ok(current ?? null);
      const r = await registered.handler(tx, current);
      if (r !== undefined && !r.ok) return r;
      const done: Job = { ...current, status: 'done', ranAt: current.dueAt, ranBy: input.runner, attempts: input.attempt };
      await tx.db.jobs.put(done);
      return ok(done);
    },
  });
  jobCommands.set(kind, command);
  return command;
}

/** A failed attempt written on the job row: its own logged command, since the attempt rolled back. */
export type JobFailedInput = { readonly jobId: string; readonly attempt: number; readonly failure: JobFailure };

export const jobFailedCommand = defineCommand<JobFailedInput, Job | null>({
  name: 'jobFailed',
  stores: [],
  apply: async (tx, input) => {
    const current = await tx.db.jobs.get(input.jobId);
    // Another tab recorded this attempt, or ran the job, meanwhile.
    if (current === undefined || current.status !== 'pending' || (current.attempts ?? 0) + 1 !== input.attempt) return ok(current ?? null);
    const failed = failJob(current, input.failure, tx.now, jobFailurePolicy(current.kind));
    await tx.db.jobs.put(failed);
    return ok(failed);
  },
});

/** Runs one attempt of `job`; the job row after it (done, or failed and pending or parked). */
async function attempt(db: WorldDb, job: Job, runnerId: string, env: CommandEnv): Promise<{ row: Job; thrown?: unknown }> {
  const command = jobCommand(job.kind);
  assert(command !== undefined, `no handler for job kind ${job.kind}`);
  const tries = (job.attempts ?? 0) + 1;
  // The attempt's id is deterministic: two tabs running the same attempt are one command.
  const meta = { id: `job:${job.id}#${tries}`, actor: 'system' };
  // Jobs act for the world, not for a party of this tab: no key ring or sign-in gate.
  const jobEnv: CommandEnv = env.publish === undefined ? {} : { publish: env.publish };
  let result: Result<Job | null, string>;
  try {
    result = await execute(db, command, meta, { jobId: job.id, attempt: tries, runner: runnerId }, jobEnv);
  } catch (e) {
    return { row: await recordJobFailure(db, job, tries, { code: 'job_crashed', detail: { message: e instanceof Error ? e.message : String(e) } }, jobEnv), thrown: e };
  }
  if (result.ok) return { row: result.value ?? job };
  return { row: await recordJobFailure(db, job, tries, { code: result.code, ...(result.detail === undefined ? {} : { detail: plainDetail(result.detail) }) }, jobEnv) };
}

/** A failure's detail as plain JSON (a handler may name a Decimal or leave a member undefined). */
function plainDetail(detail: unknown): Readonly<Record<string, string | number>> {
  return JSON.parse(JSON.stringify(detail ?? {})) as Record<string, string | number>;
}

/** Writes a failed attempt on the job row (jobFailedCommand); a storage fault leaves the job to retry. */
async function recordJobFailure(db: WorldDb, job: Job, tries: number, failure: JobFailure, env: CommandEnv): Promise<Job> {
  const r = await execute(db, jobFailedCommand, { id: `job-failed:${job.id}#${tries}`, actor: 'system' }, { jobId: job.id, attempt: tries, failure }, env);
  return r.ok ? (r.value ?? job) : job;
}

export async function runDueJobs(db: WorldDb, runnerId: string, env: CommandEnv = {}): Promise<PassReport> {
  const ran: Job[] = [];
  const failed: Job[] = [];
  let thrown: { error: unknown } | undefined;
  for (let i = 0; i < jobsPerPassMax; i++) {
    const next = await nextRunnable(db);
    if (next === undefined) {
      if (thrown !== undefined) throw thrown.error;
      return { ran, failed, remaining: false };
    }
    assert(next.job.status === 'pending' && next.job.dueAt <= next.clock, 'selected job is due');
    const outcome = await attempt(db, next.job, runnerId, env);
    // A job another tab ran meanwhile comes back done by that tab: not this pass's run.
    if (outcome.row.status === 'done' && outcome.row.ranBy === runnerId) ran.push(outcome.row);
    else if (outcome.row.lastError !== undefined && outcome.row.triedAt === next.clock) failed.push(outcome.row);
    if (outcome.thrown !== undefined && thrown === undefined) thrown = { error: outcome.thrown };
  }
  if (thrown !== undefined) throw thrown.error;
  return { ran, failed, remaining: true };
}

export async function pendingJobs(db: WorldDb, limit = 100): Promise<Job[]> {
  return db.jobs.where('[status+dueAt]').between(['pending', Dexie.minKey], ['pending', Dexie.maxKey]).limit(limit).toArray();
}

/** Jobs parked after failing as often as their kind allows, oldest due first (operator's page). */
export async function parkedJobs(db: WorldDb, limit = 100): Promise<Job[]> {
  return db.jobs.where('[status+dueAt]').between(['parked', Dexie.minKey], ['parked', Dexie.maxKey]).limit(limit).toArray();
}
