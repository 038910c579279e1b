import { expect } from 'vitest';
import { createLabWorld } from '../../src/app/labs/lab-world.ts';
import { replay, worldDigest, type WorldDigest } from '../../src/app/replay.ts';
import { openWorldDb } from '../../src/app/worlds.ts';
import { WorldDb } from '../../src/storage/schema.ts';
import { testPasswordIterations, testTeacherPassword } from './world.ts';
import '../../src/app/features.ts';

// A lab's world built from its preset in fake-indexeddb (as "Start this lab" does), and a world's
// log replayed into a fresh database: what the lab tests need, in one place.

let worlds = 0;
/** The lab's preset world, opened, with how long the preset took (ms); the teacher's password is testTeacherPassword. */
export async function freshLabWorld(labId: string): Promise<{ db: WorldDb; id: string; ms: number }> {
  worlds += 1;
  const id = `lab-${labId}-${worlds}-${Date.now().toString(36)}`;
  const started = performance.now();
  const r = await createLabWorld({ labId, id, name: `${labId} lab`, createdAtMs: 0, passwordIterations: testPasswordIterations, teacher: { name: '', password: testTeacherPassword } });
  if (!r.ok) throw new Error(r.code);
  const ms = performance.now() - started;
  const db = openWorldDb(r.value.entry);
  await db.open();
  return { db, id, ms };
}

let replays = 0;
/** Replays `db`'s whole log into a fresh database (every command accepted); the two worlds' digests. */
export async function replayedDigests(db: WorldDb): Promise<{ live: WorldDigest; again: WorldDigest }> {
  replays += 1;
  const fresh = new WorldDb(`settlelab-world-replay-lab-${Date.now().toString(36)}-${replays}`);
  const log = await db.commandLog.toArray();
  expect(await replay(log, fresh)).toEqual({ ok: true, value: { commands: log.length - 1 } });
  const digests = { live: await worldDigest(db), again: await worldDigest(fresh) };
  fresh.close();
  return digests;
}
