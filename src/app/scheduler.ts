import Dexie from 'dexie';
import { assert, type Job } from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';
import { appendEventRow, type CommandEnv, type Notice, type Tx } from './command.ts';
import { readClock } from './clock-read.ts';
import { scheduleJob } from '../domain/index.ts';

// The leader tab runs due jobs. Each job runs in its own readwrite transaction that first re-reads
// the job and proceeds only while it is still pending: IndexedDB serializes readwrite transactions
// on the same stores, so when two tabs (or two scheduler instances) race, the second sees the job
// done and skips it. Exactly once, in due order.

/** A handler does the job's writes inside the job's transaction, at the job's due time. */
export type JobHandler = (tx: Tx, job: Job) => Promise<void>;

const handlers = new Map<string, JobHandler>();

/** Feature modules register their job kinds at import time. */
export function registerJobHandler(kind: string, handler: JobHandler): void {
  assert(!handlers.has(kind) || handlers.get(kind) === handler, `job kind registered twice: ${kind}`);
  handlers.set(kind, handler);
}

/** Bounds one pass so a runaway job that keeps scheduling due jobs cannot freeze the tab. */
export const jobsPerPassMax = 10_000;

export type PassReport = { ran: Job[]; remaining: boolean };

export async function runDueJobs(db: WorldDb, runnerId: string, env: CommandEnv = {}): Promise<PassReport> {
  const ran: Job[] = [];
  for (let i = 0; i < jobsPerPassMax; i++) {
    const notices: Notice[] = [];
    const job = await db.transaction('rw', db.tables, async () => {
      const now = await readClock(db);
      const next = await db.jobs
        .where('[status+dueAt]')
        .between(['pending', Dexie.minKey], ['pending', now], true, true)
        .first();
      if (!next) return undefined;
      assert(next.status === 'pending' && next.dueAt <= now, 'selected job is due');
      const handler = handlers.get(next.kind);
      assert(handler, `no handler for job kind ${next.kind}`);
      const tx: Tx = {
        db,
        meta: { id: `job:${next.id}`, actor: 'system' },
        now: next.dueAt,
        // Jobs act for the world, not for a party of this tab: they get no key ring or sign-in gate.
        env: {},
        appendEvent: (draft, at) => appendEventRow(db, draft, at ?? next.dueAt),
        schedule: async (draft) => {
          if (!(await db.jobs.get(draft.id))) await db.jobs.add(scheduleJob(draft, next.dueAt));
        },
        notify: (n) => notices.push(n),
      };
      await handler(tx, next);
      const done: Job = { ...next, status: 'done', ranAt: next.dueAt, ranBy: runnerId };
      await db.jobs.put(done);
      return done;
    });
    if (!job) return { ran, remaining: false };
    ran.push(job);
    if (notices.length > 0) env.publish?.(notices);
  }
  return { ran, remaining: true };
}

export async function pendingJobs(db: WorldDb, limit = 100): Promise<Job[]> {
  return db.jobs.where('[status+dueAt]').between(['pending', Dexie.minKey], ['pending', Dexie.maxKey]).limit(limit).toArray();
}
