import { assert } from '../assert.ts';

// Domain modules schedule work by due world time (an escrow auto-confirmation, a hold's expiry, a
// card's billing day). The storage layer keeps jobs in the world; the leader tab runs each due job
// exactly once, in due order, when the clock passes it.

/**
 * pending: waits for its due time (or, after a failed attempt, for the clock's next move);
 * parked: failed as many times as its kind allows and waits for a person (the failure stays on the row).
 */
export type JobStatus = 'pending' | 'done' | 'cancelled' | 'parked';

/** Why the last attempt of a job failed: a named result code and the values its message quotes. */
export type JobFailure = { readonly code: string; readonly detail?: Readonly<Record<string, string | number>> };

export type JobDraft = {
  /** Unique and deterministic (derived from what scheduled it), so scheduling twice is harmless. */
  readonly id: string;
  readonly kind: string;
  readonly dueAt: number;
  readonly payload: Readonly<Record<string, unknown>>;
};

export type Job = JobDraft & {
  readonly status: JobStatus;
  readonly scheduledAt: number;
  /** Set when the job ran: world time of the run (its due time) and the tab that ran it. */
  readonly ranAt?: number;
  readonly ranBy?: string;
  /** Attempts so far, failed ones included (absent: never tried). */
  readonly attempts?: number;
  /** The last failed attempt: why, and the world time it was tried at (it is retried only later). */
  readonly lastError?: JobFailure;
  readonly triedAt?: number;
};

/**
 * What a failed attempt of a job kind leads to: every failure rolls back all the attempt wrote;
 * 'retry' tries again at the clock's next move, without end (a time-based step that waits for the
 * world to change); 'park' tries again likewise until `attemptsMax` attempts, then parks the job
 * for a person to look at (money-moving steps: a refund that cannot be paid).
 */
export type JobFailurePolicy = { readonly onFailure: 'retry' } | { readonly onFailure: 'park'; readonly attemptsMax: number };

/** The job row after a failed attempt at world time `at`, by its kind's policy. */
export function failJob(job: Job, failure: JobFailure, at: number, policy: JobFailurePolicy): Job {
  const attempts = (job.attempts ?? 0) + 1;
  const parked = policy.onFailure === 'park' && attempts >= policy.attemptsMax;
  return { ...job, attempts, lastError: failure, triedAt: at, status: parked ? 'parked' : 'pending' };
}

/** Whether a pending job may run at `now`: due, and not already tried at this same world time. */
export function isRunnable(job: Pick<Job, 'dueAt' | 'status' | 'triedAt'>, now: number): boolean {
  return isDue(job, now) && (job.triedAt === undefined || job.triedAt < now);
}

/** Jobs run in due-time order; ties break by id so every tab agrees on the order. */
export function compareJobs(a: Pick<Job, 'dueAt' | 'id'>, b: Pick<Job, 'dueAt' | 'id'>): number {
  if (a.dueAt !== b.dueAt) return a.dueAt - b.dueAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function isDue(job: Pick<Job, 'dueAt' | 'status'>, now: number): boolean {
  return job.status === 'pending' && job.dueAt <= now;
}

export function scheduleJob(draft: JobDraft, now: number): Job {
  assert(draft.id.length > 0, 'job id required');
  assert(Number.isSafeInteger(draft.dueAt), 'job due time must be an integer');
  return { ...draft, status: 'pending', scheduledAt: now };
}
