import { describe, expect, it } from 'vitest';
import { freshWorld, meta } from '../helpers/world.ts';
import { advanceClock } from '../../src/app/clock.ts';
import { replay, worldDigest } from '../../src/app/replay.ts';
import { WorldDb } from '../../src/storage/schema.ts';

let replays = 0;
/** A fresh database to replay into. */
function replayDb(): WorldDb {
  replays += 1;
  return new WorldDb(`settlelab-world-replay-${Date.now().toString(36)}-${replays}`);
}

describe('replay', () => {
  it('a world of clock moves replays to the same digest', async () => {
    const { db } = await freshWorld();
    expect((await advanceClock(db, meta(), { kind: 'hours', hours: 3 })).ok).toBe(true);
    expect((await advanceClock(db, meta(), { kind: 'days', days: 2 })).ok).toBe(true);
    const fresh = replayDb();
    const r = await replay(await db.commandLog.toArray(), fresh);
    expect(r).toEqual({ ok: true, value: { commands: 2 } });
    const [live, again] = [await worldDigest(db), await worldDigest(fresh)];
    expect(again.tables).toEqual(live.tables);
    expect(again.digest).toBe(live.digest);
  });
});
