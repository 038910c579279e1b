import { advanceTarget, err, jsonSafetyProblem, ok, type ClockAdvance, type Result } from '../domain/index.ts';
import type { WorldDb } from '../storage/schema.ts';
import type { CommandEnv, CommandMeta } from './command.ts';
import { clockKey } from './clock-read.ts';
import { defineCommand, execute } from './pipeline.ts';

export { readClock } from './clock-read.ts';

/** Moves the world clock forward (the step is plain JSON: a kind and its count or date). */
export const advanceClockCommand = defineCommand({
  name: 'advanceClock',
  stores: [],
  apply: async (tx, input: { readonly step: ClockAdvance }) => {
    const target = advanceTarget(tx.now, input.step);
    if (!target.ok) return target;
    await tx.db.meta.put({ key: clockKey, value: target.value });
    await tx.appendEvent({ type: 'clock.advanced', actor: tx.meta.actor, payload: { from: tx.now, to: target.value } }, target.value);
    tx.notify({ to: ['*'], kind: 'clock.moved' });
    return ok({ from: tx.now, to: target.value });
  },
});

/** Moves the world clock forward. Due jobs then run in the leader tab. */
export async function advanceClock(
  db: WorldDb,
  meta: CommandMeta,
  step: ClockAdvance,
  env: CommandEnv = {},
): Promise<Result<{ from: number; to: number }, string>> {
  // A step a form made from bad text (NaN days) is the user's mistake, not a log-breaking input.
  if (jsonSafetyProblem(step) !== null) return err('clock_step_invalid');
  return execute(db, advanceClockCommand, meta, { step }, env);
}
