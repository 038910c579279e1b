import { err, ok, type Result } from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';
import { runCommand, type CommandEnv, type CommandMeta } from './command.ts';
import { registerJobHandler } from './scheduler.ts';

// Scheduled notices: a teacher (or any party) posts a message that is delivered to the world's
// activity feed when the world clock reaches a given time ("day 10: the auditors arrive"). It is the
// simplest user of the scheduler and shows, live, which tab ran it.

export const noticeTextMax = 500;

export async function scheduleNotice(
  db: WorldDb,
  meta: CommandMeta,
  input: { text: string; dueAt: number },
  env: CommandEnv = {},
): Promise<Result<{ jobId: string }, string>> {
  return runCommand(db, 'scheduleNotice', meta, async (tx) => {
    const text = input.text.trim();
    if (text.length === 0) return err('notice_empty');
    if (text.length > noticeTextMax) return err('notice_too_long', { max: noticeTextMax });
    if (!(input.dueAt > tx.now)) return err('notice_not_in_future');
    const jobId = `notice:${meta.id}`;
    await tx.schedule({ id: jobId, kind: 'notice.deliver', dueAt: input.dueAt, payload: { text, from: meta.actor } });
    await tx.appendEvent({ type: 'notice.scheduled', actor: meta.actor, payload: { text, dueAt: input.dueAt } });
    return ok({ jobId });
  }, env);
}

registerJobHandler('notice.deliver', async (tx, job) => {
  const { text, from } = job.payload as { text: string; from: string };
  await tx.appendEvent({ type: 'notice.delivered', actor: from, payload: { text, jobId: job.id, dueAt: job.dueAt } });
  tx.notify({ to: ['*'], kind: 'notice.delivered', ref: job.id });
});
