import { advanceTarget, ok, type ClockAdvance, type Result } from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';
import { runCommand, type CommandEnv, type CommandMeta } from './command.ts';
import { clockKey } from './clock-read.ts';

export { readClock } from './clock-read.ts';

/** Moves the world clock forward. Due jobs then run in the leader tab. */
export async function advanceClock(
  db: WorldDb,
  meta: CommandMeta,
  step: ClockAdvance,
  env: CommandEnv = {},
): Promise<Result<{ from: number; to: number }, string>> {
  return runCommand(db, 'advanceClock', meta, async (tx) => {
    const target = advanceTarget(tx.now, step);
    if (!target.ok) return target;
    await tx.db.meta.put({ key: clockKey, value: target.value });
    await tx.appendEvent({ type: 'clock.advanced', actor: meta.actor, payload: { from: tx.now, to: target.value } }, target.value);
    tx.notify({ to: ['*'], kind: 'clock.moved' });
    return ok({ from: tx.now, to: target.value });
  }, env);
}
