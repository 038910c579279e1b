import type { DBCore, DBCoreTable } from 'dexie';
import { assert, bytesToHex, err, ok, type Result } from '../domain/index.ts';
import { WorldDb, worldDbPrefix, type CommandLogRow } from '../storage/schema.ts';
import { replay, type ReplayError } from './replay.ts';

// Time travel (issue #19 item 3): the teacher opens a world "as it was after step N" to debrief a
// lesson. Step N is the N-th command of the world's log (0: the world as seeded). The past world is
// rebuilt by replaying the log up to N into a temporary database (replay.ts), then reopened through
// a middleware that refuses every write, so the pages shown on it can only look. Leaving deletes
// the temporary database.

/** The log read for the slider at most (a lesson's world has a few thousand commands). */
export const timeTravelStepsMax = 200_000;

/** Temporary databases are named so (the start page's clean-up may remove a forgotten one). */
export const timeTravelDbPrefix = `${worldDbPrefix}timetravel-`;

/** One step of the slider: what the log row says, for naming it in words. */
export type TimeTravelStep = { readonly step: number; readonly name: string; readonly actor: string; readonly at: number };

/** The world's log, in order: row 0 is the genesis (step 0), row N the N-th command. */
export async function timeTravelLog(db: WorldDb): Promise<CommandLogRow[]> {
  return db.commandLog.orderBy('seq').limit(timeTravelStepsMax).toArray();
}

export function stepsOf(log: readonly CommandLogRow[]): TimeTravelStep[] {
  return log.map((row, step) => ({ step, name: row.name, actor: row.actor, at: row.at }));
}

/** Thrown by the read-only database on any write: a page that tries to act on the past is a bug. */
export class ReadOnlyWorldError extends Error {
  constructor(table: string) {
    super(`the world as it was is read-only (a write to ${table})`);
  }
}

/** A middleware that refuses every write (add, put, delete, clear) on every table. */
function readOnlyCore(down: DBCore): DBCore {
  return {
    ...down,
    table(name: string): DBCoreTable {
      const table = down.table(name);
      return { ...table, mutate: () => Promise.reject(new ReadOnlyWorldError(name)) };
    },
  };
}

export type PastWorld = { readonly db: WorldDb; readonly step: number; readonly dbName: string; readonly release: () => void };

/**
 * Holds the build lock of `dbName` until the returned function is called. The start page's sweep
 * (world-build.ts sweepUnlistedWorlds) removes every unlisted world database whose build lock is
 * free, so a temporary past world is safe from another tab's sweep while it is open, and one a
 * closed tab left behind is removed at the next start.
 */
async function holdBuildLock(dbName: string): Promise<() => void> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks === undefined) return () => {};
  return new Promise((acquired) => {
    // The same name as world-build.ts unlessBuilding uses.
    void locks.request(`settlelab-build:${dbName}`, () => new Promise<void>((release) => acquired(release)));
  });
}

/**
 * The world as it was after `step` (0 ≤ step < log.length): replayed into a new temporary database
 * named with `random` (the caller's bytes: ids are drawn outside the app), then opened read-only.
 */
export async function openPastWorld(log: readonly CommandLogRow[], step: number, random: (bytes: number) => Uint8Array): Promise<Result<PastWorld, ReplayError>> {
  assert(Number.isSafeInteger(step) && step >= 0 && step < log.length, 'a step of the log');
  const dbName = `${timeTravelDbPrefix}${bytesToHex(random(8))}`;
  const release = await holdBuildLock(dbName);
  const building = new WorldDb(dbName);
  try {
    const r = await replay(log.slice(0, step + 1), building);
    if (!r.ok) {
      building.close();
      await new WorldDb(dbName).delete();
      release();
      return err(r.code, r.detail);
    }
  } catch (e) {
    await building.delete();
    release();
    throw e;
  }
  building.close();
  const db = new WorldDb(dbName);
  db.use({ stack: 'dbcore', name: 'read-only', create: readOnlyCore });
  await db.open();
  return ok({ db, step, dbName, release });
}

/** Leaves the past: closes and deletes its temporary database. */
export async function closePastWorld(past: PastWorld): Promise<void> {
  past.db.close();
  try {
    await new WorldDb(past.dbName).delete();
  } finally {
    past.release();
  }
}
