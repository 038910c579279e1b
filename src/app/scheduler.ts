import Dexie from 'dexie';
import { assert, failJob, isRunnable, ok, type Job, type JobFailure, type JobFailurePolicy, type Result } from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';
import { runCommand, type CommandEnv, type Tx } from './command.ts';
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

/** Runs one attempt of `job`; the job row after it (done, or failed and pending or parked). */
async function attempt(db: WorldDb, job: Job, runnerId: string, clock: number, env: CommandEnv): Promise<{ row: Job; thrown?: unknown }> {
  const kind = kinds.get(job.kind);
  assert(kind !== undefined, `no handler for job kind ${job.kind}`);
  const tries = (job.attempts ?? 0) + 1;
  // The attempt's id is deterministic: two tabs running the same attempt are one command.
  const meta = { id: `job:${job.id}#${tries}`, actor: 'system' };
  const stores = kind.options.stores;
  let result: Result<Job, string>;
  try {
    result = await runCommand(
      db,
      `job:${job.kind}`,
      meta,
      async (tx) => {
        const current = await tx.db.jobs.get(job.id);
        // Run meanwhile by another tab, or cancelled by a user's step: nothing to do.
        if (current === undefined || current.status !== 'pending' || (current.attempts ?? 0) !== (job.attempts ?? 0)) return ok(current ?? job);
        const r = await kind.handler(tx, current);
        if (r !== undefined && !r.ok) return r;
        const done: Job = { ...current, status: 'done', ranAt: current.dueAt, ranBy: runnerId, attempts: tries };
        await tx.db.jobs.put(done);
        return ok(done);
      },
      // Jobs act for the world, not for a party of this tab: no key ring or sign-in gate.
      env.publish === undefined ? {} : { publish: env.publish },
      { ...(stores === undefined ? {} : { stores }), at: () => job.dueAt },
    );
  } catch (e) {
    return { row: await recordJobFailure(db, job, { code: 'job_crashed', detail: { message: e instanceof Error ? e.message : String(e) } }, clock), thrown: e };
  }
  if (result.ok) return { row: result.value };
  return { row: await recordJobFailure(db, job, { code: result.code, ...(result.detail === undefined ? {} : { detail: result.detail }) }, clock) };
}

/** Writes a failed attempt on the job row, in its own transaction (the attempt itself rolled back). */
async function recordJobFailure(db: WorldDb, job: Job, failure: JobFailure, clock: number): Promise<Job> {
  return db.transaction('rw', db.jobs, async () => {
    const current = await db.jobs.get(job.id);
    // Another tab recorded this attempt, or ran the job, meanwhile.
    if (current === undefined || current.status !== 'pending' || (current.attempts ?? 0) !== (job.attempts ?? 0)) return current ?? job;
    const failed = failJob(current, failure, clock, jobFailurePolicy(job.kind));
    await db.jobs.put(failed);
    return failed;
  });
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
    const outcome = await attempt(db, next.job, runnerId, next.clock, env);
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
