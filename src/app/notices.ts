import { err, ok, type Result } from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';
import { type CommandEnv, type CommandMeta } from './command.ts';
import { defineCommand, execute } from './pipeline.ts';
import { registerJobHandler } from './scheduler.ts';

// Scheduled notices: a teacher (or any party) posts a message that is delivered to the world's
// activity feed when the world clock reaches a given time ("day 10: the auditors arrive"). It is the
// simplest user of the scheduler and shows, live, which tab ran it.

export const noticeTextMax = 500;

export const scheduleNoticeCommand = defineCommand({
  name: 'scheduleNotice',
  stores: [],
  apply: async (tx, input: { readonly text: string; readonly dueAt: number }) => {
    const text = input.text.trim();
    if (text.length === 0) return err('notice_empty');
    if (text.length > noticeTextMax) return err('notice_too_long', { max: noticeTextMax });
    if (!(input.dueAt > tx.now)) return err('notice_not_in_future');
    const jobId = `notice:${tx.meta.id}`;
    await tx.schedule({ id: jobId, kind: 'notice.deliver', dueAt: input.dueAt, payload: { text, from: tx.meta.actor } });
    await tx.appendEvent({ type: 'notice.scheduled', actor: tx.meta.actor, payload: { text, dueAt: input.dueAt } });
    return ok({ jobId });
  },
});

export async function scheduleNotice(
  db: WorldDb,
  meta: CommandMeta,
  input: { text: string; dueAt: number },
  env: CommandEnv = {},
): Promise<Result<{ jobId: string }, string>> {
  // A time a form parsed from bad text (NaN) is the user's mistake: 0, refused as not in the future.
  const dueAt = Number.isFinite(input.dueAt) ? input.dueAt : 0;
  return execute(db, scheduleNoticeCommand, meta, { text: input.text, dueAt }, env);
}

registerJobHandler('notice.deliver', async (tx, job) => {
  const { text, from } = job.payload as { text: string; from: string };
  await tx.appendEvent({ type: 'notice.delivered', actor: from, payload: { text, jobId: job.id, dueAt: job.dueAt } });
  tx.notify({ to: ['*'], kind: 'notice.delivered', ref: job.id });
});
