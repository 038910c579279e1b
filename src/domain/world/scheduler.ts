import { assert } from '../assert.ts';

// Domain modules schedule work by due world time (an escrow auto-confirmation, a hold's expiry, a
// card's billing day). The storage layer keeps jobs in the world; the leader tab runs each due job
// exactly once, in due order, when the clock passes it.

export type JobStatus = 'pending' | 'done' | 'cancelled';

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
};

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
