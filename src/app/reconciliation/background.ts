import { err, type Result } from '../../domain/index.ts';
import type { WorldDb } from '../../storage/schema.ts';
import type { ReconDayRow } from '../../storage/recon-tables.ts';
import type { CommandEnv, CommandMeta } from '../command.ts';
import { matchDayOffThread, type DayMatchIo } from '../recon-worker/client.ts';
import { ReconRunCancelled, type PrecomputedMatch, type ReconScope } from './day-inputs.ts';
import { reconcileDay } from './desk.ts';

// The desk's "reconcile this day" for days of any size: the day is read and matched off the main
// thread (a worker, src/app/recon-worker), with progress and cancel; then the desk's command
// saves the match in one transaction, only if nothing changed since its reads began (else the day
// is matched again, a bounded number of times).

/** Matches of a day tried before giving up while others keep changing the world. */
export const reconAttemptsMax = 3;

export type DayMatcher = (db: WorldDb, scope: string, date: string, io: DayMatchIo) => Promise<PrecomputedMatch>;

export async function reconcileDayInBackground(
  db: WorldDb, meta: CommandMeta, input: { readonly scope: ReconScope; readonly date: string }, io: DayMatchIo = {}, env: CommandEnv = {}, matcher: DayMatcher = matchDayOffThread,
): Promise<Result<ReconDayRow, string>> {
  for (let attempt = 0; attempt < reconAttemptsMax; attempt++) {
    let matched: PrecomputedMatch;
    try {
      matched = await matcher(db, input.scope, input.date, io);
    } catch (e) {
      if (e instanceof ReconRunCancelled) return err('recon_cancelled');
      throw e;
    }
    if (io.signal?.aborted === true) return err('recon_cancelled');
    // Each attempt is its own command (a refused one is recorded under its id).
    const saved = await reconcileDay(db, { id: attempt === 0 ? meta.id : `${meta.id}:again-${attempt}`, actor: meta.actor }, { ...input, matched }, env);
    if (saved.ok || saved.code !== 'recon_day_changed') return saved;
  }
  return err('recon_day_changed', { date: input.date });
}
